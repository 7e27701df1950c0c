import { Module } from '@nestjs/common';
import { IdentitiesModule } from '../identities/identities.module';
import { KeysModule } from '../keys/keys.module';
import { NorthflankSshIdentitiesController } from './ssh-identities.controller';

/** Northflank's SSH identity API (account and team paths). */
@Module({
  imports: [IdentitiesModule, KeysModule],
  controllers: [NorthflankSshIdentitiesController],
})
export class NorthflankModule {}
