import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConflictError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  providers: [UsersService, UsersRepository],
  exports: [UsersService, UsersRepository, TypeOrmModule],
})
export class UsersModule implements OnApplicationBootstrap {
  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  /** Creates the configured admin account on start-up when it does not exist yet. */
  async onApplicationBootstrap(): Promise<void> {
    const login = this.config.SSHID_ADMIN_LOGIN;
    const password = this.config.SSHID_ADMIN_PASSWORD;
    if (!login || !password || (await this.users.findByLogin(login))) return;
    try {
      await this.users.create({ login, password, isAdmin: true });
    } catch (error) {
      // Another instance starting at the same moment created it first.
      if (error instanceof ConflictError && (await this.users.findByLogin(login))) return;
      throw error;
    }
    new Logger('Users').log(`Created admin account "${login}" from SSHID_ADMIN_LOGIN`);
  }
}
