import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SeedingModule } from '../seeding/seeding.module';
import { IdentitiesModule } from '../identities/identities.module';
import { KeysModule } from '../keys/keys.module';
import { IdentityMatchController } from './identity-match.controller';
import { SshidApiController } from './sshid-api.controller';

/** sshid's own namespace (`/api/sshid/v1`): login, API tokens, import and the identity/restriction match. */
@Module({
  imports: [AuthModule, SeedingModule, IdentitiesModule, KeysModule],
  controllers: [SshidApiController, IdentityMatchController],
})
export class SshidModule {}
