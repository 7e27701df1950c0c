import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { GenerateSql } from '../database/generate-sql';
import { User } from './user.entity';

/** Which accounts a listing may show: `self` alone (callers without users.view), by login, by organization. */
export interface UserFilter {
  self?: number;
  login?: string;
  organizationId?: number;
}

/** Every query on accounts. Logins compare case-insensitively, as they are unique that way. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get users() {
    return this.dataSource.getRepository(User);
  }

  count(): Promise<number> {
    return this.users.count();
  }

  insert(values: Partial<User>, tx: EntityManager = this.dataSource.manager): Promise<User> {
    return tx.save(tx.create(User, values));
  }

  /** Whether no account exists yet, under a lock that makes "first" hold against concurrent sign-ups. */
  async lockedIsEmpty(tx: EntityManager): Promise<boolean> {
    await tx.query('SELECT pg_advisory_xact_lock(7001)');
    return (await tx.count(User)) === 0;
  }

  @GenerateSql({ name: 'by id', params: (f) => [f.userId] })
  findById(id: number): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }

  @GenerateSql({ name: 'by login', params: (f) => [f.login.toUpperCase()] })
  findByLogin(login: string): Promise<User | null> {
    return this.byLogin(login).getOne();
  }

  /** The account with this login and its password hash (for the verified-password cache); null when unknown. */
  @GenerateSql({ name: 'by login', params: (f) => [f.login] })
  async findWithPasswordHash(login: string): Promise<{ user: User; passwordHash: string | null } | null> {
    const row = await this.byLogin(login).addSelect('u.passwordHash').getOne();
    if (!row) return null;
    const { passwordHash, ...user } = row;
    return { user: Object.assign(new User(), user), passwordHash: passwordHash ?? null };
  }

  /** One page of every account, newest first, and how many match; `search` is a substring of login or names. */
  @GenerateSql({ name: 'a search', params: () => [{ search: 'ann', limit: 25, offset: 0 }] })
  async page(query: { search?: string; limit: number; offset: number }): Promise<{ users: User[]; total: number }> {
    const builder = this.users.createQueryBuilder('u').orderBy('u.id', 'DESC').take(query.limit).skip(query.offset);
    if (query.search) {
      const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.where('(u.login ILIKE :pattern OR u.first_name ILIKE :pattern OR u.last_name ILIKE :pattern)', { pattern });
    }
    const [users, total] = await builder.getManyAndCount();
    return { users, total };
  }

  all(): Promise<User[]> {
    return this.users.find({ order: { id: 'ASC' } });
  }

  @GenerateSql({ name: 'a member by login, seen by themself', params: (f) => [{ self: f.userId, login: f.login, organizationId: f.organizationId }] })
  list(filter: UserFilter): Promise<User[]> {
    const query = this.users.createQueryBuilder('u').orderBy('u.id', 'ASC');
    if (filter.self !== undefined) query.andWhere('u.id = :self', { self: filter.self });
    if (filter.login !== undefined) query.andWhere('lower(u.login) = lower(:login)', { login: filter.login });
    if (filter.organizationId !== undefined) {
      query.andWhere(
        `EXISTS (SELECT 1 FROM organization_members m WHERE m.user_id = u.id AND m.organization_id = :organizationId AND m.status = 'active')`,
        { organizationId: filter.organizationId },
      );
    }
    return query.getMany();
  }

  /** Applies the changes; `endCredentials` also deletes every session and API token of the account, in the same transaction. */
  async update(id: number, patch: Partial<User>, endCredentials: boolean): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.update(User, { id }, patch);
      if (endCredentials) {
        await tx.query('DELETE FROM sessions WHERE user_id = $1', [id]);
        await tx.query('DELETE FROM api_tokens WHERE user_id = $1', [id]);
      }
    });
  }

  /** Personal identities and keys go with the account (foreign keys cascade). False when there was none. */
  async delete(id: number): Promise<boolean> {
    return ((await this.users.delete({ id })).affected ?? 0) > 0;
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  private byLogin(login: string) {
    return this.users.createQueryBuilder('u').where('lower(u.login) = lower(:login)', { login });
  }
}
