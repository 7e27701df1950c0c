import { Global, Module } from '@nestjs/common';
import { ChangeFeed } from './change-feed.service';

/** Committed changes announced by PostgreSQL (LISTEN/NOTIFY), for push channels such as Nexterm's state stream. */
@Global()
@Module({ providers: [ChangeFeed], exports: [ChangeFeed] })
export class EventsModule {}
