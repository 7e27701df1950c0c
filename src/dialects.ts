import { DynamicModule } from '@nestjs/common';
import { ForemanModule } from './foreman/foreman.module';
import { NextermModule } from './nexterm/nexterm.module';
import { NorthflankModule } from './northflank/northflank.module';
import { SshidModule } from './sshid/sshid.module';

/** The dialect modules (and sshid's own API) served by `npm start`. */
export const DIALECT_MODULES: NonNullable<DynamicModule['imports']> = [SshidModule, ForemanModule, NorthflankModule, NextermModule];
