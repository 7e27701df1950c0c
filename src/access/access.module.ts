import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { AccessService } from './access.service';

@Module({
  imports: [OrganizationsModule],
  providers: [AccessService],
  exports: [AccessService],
})
export class AccessModule {}
