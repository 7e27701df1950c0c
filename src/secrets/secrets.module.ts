import { createSecretKey, KeyObject } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { localSecret } from './local-secrets';
import { SecretBox } from './secret-box';
import { SealedSecretsRepository } from './sealed-secrets.repository';
import { SecretRotationService } from './secret-rotation.service';

export const JWT_SECRET = Symbol('JWT_SECRET');

@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new SecretBox(localSecret(config.SSHID_ENCRYPTION_KEY, config.SSHID_DATA_DIR, 'encryption.key', 32)),
    },
    {
      provide: JWT_SECRET,
      inject: [AppConfig],
      // A KeyObject, not a string: given a string, jsonwebtoken first tries (and fails) to read it as a public key
      // on every verification, which costs more than the HMAC itself.
      useFactory: (config: AppConfig): KeyObject =>
        createSecretKey(Buffer.from(localSecret(config.SSHID_JWT_SECRET, config.SSHID_DATA_DIR, 'jwt.secret', 48), 'utf8')),
    },
    SecretRotationService,
    SealedSecretsRepository,
  ],
  exports: [SecretBox, JWT_SECRET, SecretRotationService],
})
export class SecretsModule {}
