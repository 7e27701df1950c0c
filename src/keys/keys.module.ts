import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '../users/user.entity';
import { KeyService } from './key.service';
import { KeyPolicy } from './key-policy';
import { AuthorizedKeysRepository } from './authorized-keys.repository';
import { AuthorizedKeysService } from './authorized-keys.service';
import { PublicKey } from './public-key.entity';
import { PublicKeysService } from './public-keys.service';
import { PublicKeysRepository } from './public-keys.repository';

@Module({
  imports: [AccessModule, TypeOrmModule.forFeature([PublicKey, User])],
  providers: [KeyService, KeyPolicy, PublicKeysService, PublicKeysRepository, AuthorizedKeysService, AuthorizedKeysRepository],
  exports: [KeyService, KeyPolicy, PublicKeysService, PublicKeysRepository, AuthorizedKeysService],
})
export class KeysModule {}
