import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { KeysModule } from '../keys/keys.module';
import { SeedRepository } from './seed.repository';
import { SeedService } from './seed.service';

/** Bulk, idempotent loading of users, organizations, identities and keys from one document. */
@Module({
  imports: [KeysModule, AuditModule],
  providers: [SeedService, SeedRepository],
  exports: [SeedService],
})
export class SeedingModule {}
