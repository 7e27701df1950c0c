import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '../users/user.entity';
import { KeyService } from './key.service';
import { PublicKey } from './public-key.entity';
import { PublicKeysService } from './public-keys.service';

@Module({
  imports: [TypeOrmModule.forFeature([PublicKey, User])],
  providers: [KeyService, PublicKeysService],
  exports: [KeyService, PublicKeysService],
})
export class KeysModule {}
