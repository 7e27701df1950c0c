import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerStorage } from '@nestjs/throttler';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticatedRequest } from '../auth/auth.decorators';

export const DEVICE_CREATE_LIMIT = 10;
const WINDOW_MS = 60 * 60_000;

/**
 * Nexterm's device-code limit: 10 an hour per IP, with IETF draft-6 `RateLimit-*` headers and `Retry-After`;
 * callers signed in with a session are not limited.
 */
@Injectable()
export class DeviceCodeRateLimitGuard implements CanActivate {
  constructor(@Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    if (request.principal?.via === 'session') return true;
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const record = await this.storage.increment(`nexterm-device-create:${request.ip}`, WINDOW_MS, DEVICE_CREATE_LIMIT, WINDOW_MS, 'device');
    const resetSeconds = Math.max(0, Math.ceil(record.timeToExpire));
    reply.header('RateLimit-Policy', `${DEVICE_CREATE_LIMIT};w=${WINDOW_MS / 1000}`);
    reply.header('RateLimit-Limit', String(DEVICE_CREATE_LIMIT));
    reply.header('RateLimit-Remaining', String(Math.max(0, DEVICE_CREATE_LIMIT - record.totalHits)));
    reply.header('RateLimit-Reset', String(resetSeconds));
    if (record.totalHits > DEVICE_CREATE_LIMIT) {
      reply.header('Retry-After', String(Math.max(1, Math.ceil(record.timeToBlockExpire || resetSeconds))));
      throw new ThrottlerException();
    }
    return true;
  }
}
