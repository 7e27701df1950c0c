import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { ForemanTaxonomyGuard } from './foreman-taxonomy.guard';
import { ForemanSshKeysController } from './ssh-keys.controller';
import { ForemanUsersController } from './users.controller';

/** Foreman API v2: users' SSH keys, plus the users, status and apidoc routes hammer needs. */
@Module({
  imports: [KeysModule, UsersModule, OrganizationsModule],
  providers: [ForemanTaxonomyGuard],
  controllers: [ForemanSshKeysController, ForemanUsersController],
})
export class ForemanModule {}
