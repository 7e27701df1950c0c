import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { Principal, userHolds } from '../auth/principal';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/domain-errors';
import { passwordHasher } from './password-hasher';
import { User } from './user.entity';

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
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  count(): Promise<number> {
    return this.users.count();
  }

  async create(input: NewUser): Promise<User> {
    const user = this.users.create({
      login: input.login,
      email: input.email ?? null,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      isAdmin: input.isAdmin ?? false,
      permissions: input.permissions ?? [],
      passwordHash: input.password ? await passwordHasher.hash(input.password) : null,
    });
    try {
      return await this.users.save(user);
    } catch (error) {
      if (isUniqueViolation(error, 'users_login_unique')) {
        throw new ConflictError('login_taken', 'This account already exists', 'login');
      }
      throw error;
    }
  }

  /**
   * Self-registration: the very first account becomes admin; later ones only while registration is open.
   * An advisory lock makes "first" hold under concurrent sign-ups.
   */
  async register(input: NewUser, registrationOpen: boolean): Promise<User> {
    return this.users.manager.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(7001)');
      const isFirst = (await tx.count(User)) === 0;
      if (!isFirst && !registrationOpen) throw new ForbiddenError('registration_closed', 'Self-registration is not enabled');
      const user = tx.create(User, {
        login: input.login,
        email: input.email ?? null,
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        isAdmin: isFirst,
        permissions: [],
        passwordHash: input.password ? await passwordHasher.hash(input.password) : null,
      });
      try {
        return await tx.save(user);
      } catch (error) {
        if (isUniqueViolation(error, 'users_login_unique')) throw new ConflictError('login_taken', 'This account already exists', 'login');
        throw error;
      }
    });
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }

  findByLogin(login: string): Promise<User | null> {
    return this.users.createQueryBuilder('u').where('lower(u.login) = lower(:login)', { login }).getOne();
  }

  /** The account with this login and its password hash (for the verified-password cache); null when unknown. */
  async findWithPasswordHash(login: string): Promise<{ user: User; passwordHash: string | null } | null> {
    const row = await this.users.createQueryBuilder('u').addSelect('u.passwordHash').where('lower(u.login) = lower(:login)', { login }).getOne();
    if (!row) return null;
    const { passwordHash, ...user } = row;
    return { user: Object.assign(new User(), user), passwordHash: passwordHash ?? null };
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

  /** Users the caller may see: everyone with `users.view`, otherwise only themself. */
  /** Every account, for user management (needs `users.manage`). */
  /** One page of every account, newest first, optionally filtered by login or name (user managers only). */
  async listPage(principal: Principal, query: { search?: string; limit: number; offset: number }): Promise<{ users: User[]; total: number }> {
    this.requireManager(principal);
    const builder = this.users.createQueryBuilder('u').orderBy('u.id', 'DESC').take(query.limit).skip(query.offset);
    if (query.search) {
      const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.where('(u.login ILIKE :pattern OR u.first_name ILIKE :pattern OR u.last_name ILIKE :pattern)', { pattern });
    }
    const [users, total] = await builder.getManyAndCount();
    return { users, total };
  }

  async listAll(principal: Principal): Promise<User[]> {
    this.requireManager(principal);
    return this.users.find({ order: { id: 'ASC' } });
  }

  /** Users the caller may see; `organizationId` keeps only that organization's active members. */
  async listVisible(principal: Principal, filter: { login?: string; organizationId?: number } = {}): Promise<User[]> {
    const query = this.users.createQueryBuilder('u').orderBy('u.id', 'ASC');
    if (!userHolds(principal, 'users.view')) query.andWhere('u.id = :self', { self: principal.user.id });
    if (filter.login !== undefined) query.andWhere('lower(u.login) = lower(:login)', { login: filter.login });
    if (filter.organizationId !== undefined) {
      query.andWhere(
        `EXISTS (SELECT 1 FROM organization_members m WHERE m.user_id = u.id AND m.organization_id = :organizationId AND m.status = 'active')`,
        { organizationId: filter.organizationId },
      );
    }
    return query.getMany();
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
    await this.users.manager.transaction(async (tx) => {
      await tx.update(User, { id }, patch);
      // A password reset or a disabled account ends every way in: all sessions and API tokens go, at once.
      if (changes.password !== undefined || changes.disabled === true) {
        await tx.query('DELETE FROM sessions WHERE user_id = $1', [id]);
        await tx.query('DELETE FROM api_tokens WHERE user_id = $1', [id]);
      }
    });
    return (await this.findById(id)) as User;
  }

  /** Deleting a user removes their personal identities and keys (foreign keys cascade), not organization ones. */
  async delete(principal: Principal, id: number): Promise<void> {
    this.requireManager(principal);
    const result = await this.users.delete({ id });
    if (!result.affected) throw new NotFoundError('user', id);
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
