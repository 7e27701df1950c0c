import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { KeysModule } from '../keys/keys.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { IdentitiesRepository } from './identities.repository';
import { IdentitiesService } from './identities.service';
import { Identity } from './identity.entity';

@Module({
  imports: [AccessModule, TypeOrmModule.forFeature([Identity]), KeysModule, OrganizationsModule, AuditModule],
  providers: [IdentitiesService, IdentitiesRepository],
  exports: [IdentitiesService, IdentitiesRepository],
})
export class IdentitiesModule {}
