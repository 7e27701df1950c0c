import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SeedingModule } from '../seeding/seeding.module';
import { SshidApiController } from './sshid-api.controller';

/** sshid's own namespace (`/api/sshid/v1`): login and API token management. */
@Module({
  imports: [AuthModule, SeedingModule],
  controllers: [SshidApiController],
})
export class SshidModule {}
