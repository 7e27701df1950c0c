import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { UsersModule } from '../users/users.module';
import { ForemanSshKeysController } from './ssh-keys.controller';
import { ForemanUsersController } from './users.controller';

/** Foreman API v2: users' SSH keys, plus the users, status and apidoc routes hammer needs. */
@Module({
  imports: [KeysModule, UsersModule],
  controllers: [ForemanSshKeysController, ForemanUsersController],
})
export class ForemanModule {}
