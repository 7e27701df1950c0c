import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { SeedService } from './seed.service';

/** Bulk, idempotent loading of users, organizations, identities and keys from one document. */
@Module({
  imports: [KeysModule],
  providers: [SeedService],
  exports: [SeedService],
})
export class SeedingModule {}
