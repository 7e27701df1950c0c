import { Controller, Get, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SkipThrottle } from '@nestjs/throttler';
import { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../auth/auth.decorators';

@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** 200 while PostgreSQL answers, 503 otherwise (for load balancers and orchestrators). */
  @Get()
  @Public()
  @SkipThrottle()
  health(@Res() reply: FastifyReply): Promise<void> {
    return this.ready(reply);
  }

  /** The process is up and serving HTTP (a liveness probe: failing it means restart the process). */
  @Get('live')
  @Public()
  @SkipThrottle()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** PostgreSQL answers (a readiness probe: failing it means send no traffic here for now). */
  @Get('ready')
  @Public()
  @SkipThrottle()
  async ready(@Res() reply: FastifyReply): Promise<void> {
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
      ]);
      void reply.status(200).send({ status: 'ok' });
    } catch {
      void reply.status(503).send({ status: 'unavailable' });
    }
  }
}
