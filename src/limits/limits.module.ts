import { Module } from '@nestjs/common';
import { AttemptCountersRepository } from './attempt-counters.repository';

/** Counters shared by every instance (in PostgreSQL): failed passwords, device codes, invitations. */
@Module({
  providers: [AttemptCountersRepository],
  exports: [AttemptCountersRepository],
})
export class LimitsModule {}
