import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticatedRequest } from '../auth/auth.decorators';
import { AttemptCountersRepository, windowPolicy } from '../limits/attempt-counters.repository';
import { clientInfo } from '../auth/request-credentials';
import { TooManyAttemptsError } from '../common/domain-errors';

export const DEVICE_CREATE_LIMIT = 10;
const WINDOW_SECONDS = 3600;

/**
 * Nexterm's device-code limit: 10 an hour per client address, with IETF draft-6 `RateLimit-*` headers and
 * `Retry-After`; callers signed in with a session are not limited. Counted in PostgreSQL, so it holds across
 * instances and restarts.
 */
@Injectable()
export class DeviceCodeRateLimitGuard implements CanActivate {
  constructor(private readonly counters: AttemptCountersRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    if (request.principal?.via === 'session') return true;
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const record = await this.counters.countOne('device_create', clientInfo(request).ip ?? 'unknown', windowPolicy(DEVICE_CREATE_LIMIT, WINDOW_SECONDS));
    const resetSeconds = record.counted ? record.windowSecondsLeft : record.retryAfterSeconds;
    reply.header('RateLimit-Policy', `${DEVICE_CREATE_LIMIT};w=${WINDOW_SECONDS}`);
    reply.header('RateLimit-Limit', String(DEVICE_CREATE_LIMIT));
    reply.header('RateLimit-Remaining', String(record.counted ? Math.max(0, DEVICE_CREATE_LIMIT - record.count) : 0));
    reply.header('RateLimit-Reset', String(resetSeconds));
    if (!record.counted) throw new TooManyAttemptsError(record.retryAfterSeconds);
    return true;
  }
}
