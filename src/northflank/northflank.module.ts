import { Module } from '@nestjs/common';
import { IdentitiesModule } from '../identities/identities.module';
import { KeysModule } from '../keys/keys.module';
import { NorthflankLoginController } from './northflank-login.controller';
import { NorthflankSshIdentitiesController } from './ssh-identities.controller';

/** Northflank's SSH identity API (account and team paths), and the token check the CLI's login makes. */
@Module({
  imports: [IdentitiesModule, KeysModule],
  controllers: [NorthflankSshIdentitiesController, NorthflankLoginController],
})
export class NorthflankModule {}
