import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { LimitsModule } from '../limits/limits.module';
import { IdentitiesModule } from '../identities/identities.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { DeviceCodeRateLimitGuard } from './device-rate-limit.guard';
import { NextermAccountsController } from './nexterm-accounts.controller';
import { NextermApiKeysController } from './nexterm-api-keys.controller';
import { NextermClientBootController } from './nexterm-client-boot.controller';
import { NextermStateGateway } from './nexterm-state.gateway';
import { NextermIdentitiesController } from './nexterm-identities.controller';
import { NextermOrganizationsController } from './nexterm-organizations.controller';

/** Nexterm's API: accounts, sessions, organizations, identities and the audit log. */
@Module({
  imports: [AuthModule, LimitsModule, UsersModule, OrganizationsModule, IdentitiesModule, AuditModule],
  controllers: [NextermAccountsController, NextermIdentitiesController, NextermOrganizationsController, NextermClientBootController, NextermApiKeysController],
  providers: [DeviceCodeRateLimitGuard, NextermStateGateway],
})
export class NextermModule {}
