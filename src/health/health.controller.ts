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
  async health(@Res() reply: FastifyReply): Promise<void> {
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
