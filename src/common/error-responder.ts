import { ArgumentsHost, HttpException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { DomainError, TooManyAttemptsError, UnavailableError } from './domain-errors';

export interface ErrorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Framework errors every dialect meets, named independently of Nest and Fastify. */
export type TransportError =
  | { kind: 'route_not_found' }
  | { kind: 'malformed_body'; detail: string }
  | { kind: 'unsupported_media_type'; contentType: string }
  | { kind: 'payload_too_large' }
  | { kind: 'rate_limited'; retryAfterSeconds?: number }
  | { kind: 'internal' };

/** Sorts anything thrown into a domain error, a transport error, or internal. */
export function classifyError(error: unknown): DomainError | TransportError {
  if (error instanceof DomainError) return error;
  if (error instanceof ThrottlerException) return { kind: 'rate_limited' };
  if (error instanceof TooManyAttemptsError) return { kind: 'rate_limited', retryAfterSeconds: error.retryAfterSeconds };
  const code = (error as { code?: string })?.code;
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (error instanceof SyntaxError)) {
    return { kind: 'malformed_body', detail: (error as Error).message };
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { kind: 'unsupported_media_type', contentType: '' };
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { kind: 'payload_too_large' };
  if (isDatabaseUnavailable(error)) return new UnavailableError();
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return { kind: 'route_not_found' };
    if (status === 429) return { kind: 'rate_limited' };
    if (status === 400) return { kind: 'malformed_body', detail: error.message };
    if (status === 413) return { kind: 'payload_too_large' };
    if (status === 415) return { kind: 'unsupported_media_type', contentType: error.message === 'Unsupported Media Type' ? '' : error.message };
  }
  return { kind: 'internal' };
}

/** Connection refused/reset, pool timeouts and PostgreSQL shutting down: the database is away, not the request bad. */
function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; driverError?: { code?: string } } | undefined;
  // TypeORM releases a transaction's query runner when its connection dies mid-way; the transaction never committed.
  if ((error as Error | undefined)?.name === 'QueryRunnerAlreadyReleasedError') return true;
  const code = e?.driverError?.code ?? e?.code;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08006', '08001', '08003'].includes(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e?.message ?? '');
}

/** A dialect's translation of errors into its own status codes and JSON. */
export interface DialectErrorPresenter {
  /** The dialect's name, for logs and metrics. */
  readonly name: string;
  /** Whether a request belongs to this dialect (for errors raised before a route is found). */
  owns(path: string, method: string): boolean;
  /**
   * Where paths overlap (a catch-all prefix of one dialect holding another's specific routes), the presenter with
   * the lower number is asked first. Default 10.
   */
  readonly precedence?: number;
  present(error: DomainError | TransportError, host: ArgumentsHost): ErrorResponse;
}
