import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SeedingModule } from '../seeding/seeding.module';
import { IdentitiesModule } from '../identities/identities.module';
import { KeysModule } from '../keys/keys.module';
import { IdentityMatchController } from './identity-match.controller';
import { SshidApiController } from './sshid-api.controller';
import { AuthorizedKeysController, PublicKeysFileController } from './authorized-keys.controller';
import { SshidKeysController } from './keys.controller';

/**
 * sshid's own namespace (`/api/sshid/v1`): login, API tokens, import, keys with expiry and last use, the
 * identity/restriction match and authorized keys for SSH servers; plus `/<login>.keys`.
 */
@Module({
  imports: [AuthModule, SeedingModule, IdentitiesModule, KeysModule],
  controllers: [SshidApiController, IdentityMatchController, SshidKeysController, AuthorizedKeysController, PublicKeysFileController],
})
export class SshidModule {}
