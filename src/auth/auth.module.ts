import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { ApiToken } from './api-token.entity';
import { AuthService } from './auth.service';
import { CredentialsRepository } from './credentials.repository';
import { JwtStrategy } from './jwt.strategy';
import { Session } from './session.entity';
import { DeviceCode } from './device-code.entity';
import { DeviceCodesRepository } from './device-codes.repository';
import { DeviceCodesService } from './device-codes.service';
import { LimitsModule } from '../limits/limits.module';
import { PasswordLockoutService } from './password-lockout.service';

@Module({
  imports: [TypeOrmModule.forFeature([Session, ApiToken, DeviceCode]), PassportModule, UsersModule, OrganizationsModule, LimitsModule],
  providers: [AuthService, JwtStrategy, DeviceCodesService, PasswordLockoutService, CredentialsRepository, DeviceCodesRepository],
  exports: [AuthService, DeviceCodesService],
})
export class AuthModule {}
