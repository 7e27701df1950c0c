import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { localSecret } from './local-secrets';
import { SecretBox } from './secret-box';
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
      useFactory: (config: AppConfig) =>
        localSecret(config.SSHID_JWT_SECRET, config.SSHID_DATA_DIR, 'jwt.secret', 48),
    },
    SecretRotationService,
  ],
  exports: [SecretBox, JWT_SECRET, SecretRotationService],
})
export class SecretsModule {}
