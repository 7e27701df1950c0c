import { Injectable } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';
import { Principal, userHolds } from '../auth/principal';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/domain-errors';
import { passwordHasher } from './password-hasher';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

export interface NewUser {
  login: string;
  password?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  isAdmin?: boolean;
  permissions?: string[];
}

export interface UserChanges {
  password?: string;
  isAdmin?: boolean;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  permissions?: string[];
  disabled?: boolean;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && (!constraint || driverError.constraint === constraint);
}

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  count(): Promise<number> {
    return this.users.count();
  }

  async create(input: NewUser): Promise<User> {
    return this.insert({ ...(await this.columnsOf(input)), isAdmin: input.isAdmin ?? false, permissions: input.permissions ?? [] });
  }

  /** Self-registration: the very first account becomes admin; later ones only while registration is open. */
  async register(input: NewUser, registrationOpen: boolean): Promise<User> {
    const columns = await this.columnsOf(input);
    return this.users.transaction(async (tx) => {
      const isFirst = await this.users.lockedIsEmpty(tx);
      if (!isFirst && !registrationOpen) throw new ForbiddenError('registration_closed', 'Self-registration is not enabled');
      return this.insert({ ...columns, isAdmin: isFirst, permissions: [] }, tx);
    });
  }

  private async columnsOf(input: NewUser): Promise<Partial<User>> {
    return {
      login: input.login,
      email: input.email ?? null,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      passwordHash: input.password ? await passwordHasher.hash(input.password) : null,
    };
  }

  private async insert(values: Partial<User>, tx?: EntityManager): Promise<User> {
    try {
      return await this.users.insert(values, tx);
    } catch (error) {
      if (isUniqueViolation(error, 'users_login_unique')) throw new ConflictError('login_taken', 'This account already exists', 'login');
      throw error;
    }
  }

  findById(id: number): Promise<User | null> {
    return this.users.findById(id);
  }

  findByLogin(login: string): Promise<User | null> {
    return this.users.findByLogin(login);
  }

  /** The account with this login and its password hash (for the verified-password cache); null when unknown. */
  findWithPasswordHash(login: string): Promise<{ user: User; passwordHash: string | null } | null> {
    return this.users.findWithPasswordHash(login);
  }

  /**
   * Checks a login and password; null when either is wrong (timing kept similar by hashing anyway). `known` is the
   * account as the caller already read it with findWithPasswordHash (null: no such login), saving the lookup.
   */
  async verifyPassword(login: string, password: string, known?: { user: User; passwordHash: string | null } | null): Promise<User | null> {
    const found = known !== undefined ? known : await this.findWithPasswordHash(login);
    if (!found?.passwordHash || !password) {
      await passwordHasher.verify(await unknownLoginHash(), password || 'x');
      return null;
    }
    return (await passwordHasher.verify(found.passwordHash, password)) ? found.user : null;
  }

  /** One page of every account, newest first, optionally filtered by login or name (user managers only). */
  listPage(principal: Principal, query: { search?: string; limit: number; offset: number }): Promise<{ users: User[]; total: number }> {
    this.requireManager(principal);
    return this.users.page(query);
  }

  /** Every account, for user management (needs `users.manage`). */
  listAll(principal: Principal): Promise<User[]> {
    this.requireManager(principal);
    return this.users.all();
  }

  /** Users the caller may see (everyone with `users.view`, otherwise only themself); `organizationId` keeps only that organization's active members. */
  listVisible(principal: Principal, filter: { login?: string; organizationId?: number } = {}): Promise<User[]> {
    return this.users.list({ ...filter, ...(userHolds(principal, 'users.view') ? {} : { self: principal.user.id }) });
  }

  async getVisible(principal: Principal, id: number): Promise<User> {
    const user = id === principal.user.id || userHolds(principal, 'users.view') ? await this.findById(id) : null;
    if (!user) throw new NotFoundError('user', id);
    return user;
  }

  async update(principal: Principal, id: number, changes: UserChanges): Promise<User> {
    this.requireManager(principal);
    const user = await this.findById(id);
    if (!user) throw new NotFoundError('user', id);
    const patch: Partial<User> = {};
    if (changes.password !== undefined) patch.passwordHash = await passwordHasher.hash(changes.password);
    if (changes.isAdmin !== undefined) patch.isAdmin = changes.isAdmin;
    if (changes.firstName !== undefined) patch.firstName = changes.firstName;
    if (changes.lastName !== undefined) patch.lastName = changes.lastName;
    if (changes.email !== undefined) patch.email = changes.email;
    if (changes.permissions !== undefined) patch.permissions = changes.permissions;
    if (changes.disabled !== undefined) patch.disabled = changes.disabled;
    // A password reset or a disabled account ends every way in: all sessions and API tokens go, at once.
    await this.users.update(id, patch, changes.password !== undefined || changes.disabled === true);
    return (await this.findById(id)) as User;
  }

  /** Deleting a user removes their personal identities and keys (foreign keys cascade), not organization ones. */
  async delete(principal: Principal, id: number): Promise<void> {
    this.requireManager(principal);
    if (!(await this.users.delete(id))) throw new NotFoundError('user', id);
  }

  requireManager(principal: Principal): void {
    if (!userHolds(principal, 'users.manage')) {
      throw new ForbiddenError('missing_permission', 'Forbidden', ['users.manage']);
    }
  }
}

// Verified against when the login is unknown, so that a wrong login costs as much as a wrong password.
let dummyHash: Promise<string> | undefined;
function unknownLoginHash(): Promise<string> {
  dummyHash ??= passwordHasher.hash('sshid-unknown-login');
  return dummyHash;
}
