import { Global, Module } from '@nestjs/common';
import { PreparedQueries } from './prepared-queries';

/** What every repository may use beside TypeORM: the prepared-statement runner of the hot reads. */
@Global()
@Module({ providers: [PreparedQueries], exports: [PreparedQueries] })
export class DatabaseModule {}
