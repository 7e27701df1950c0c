import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { NotFoundError, UnauthenticatedError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `GET /metrics` on the API port, only with SSHID_METRICS_TOKEN set and presented as a bearer token. */
@Controller('metrics')
@ApiExcludeController()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @SkipThrottle()
  async metricsText(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const expected = this.config.SSHID_METRICS_TOKEN;
    if (!expected) throw new NotFoundError('route', '/metrics');
    const given = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
    if (!timingSafeEqual(digest(given), digest(expected))) throw new UnauthenticatedError(given ? 'invalid' : 'missing');
    void reply.header('Content-Type', this.metrics.contentType).send(await this.metrics.render());
  }
}
