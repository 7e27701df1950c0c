import { LoggerService } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import pino, { Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { AppConfig } from '../config/app-config';

/** Headers and body fields that carry secrets; pino writes `[Redacted]` in their place should one ever be logged. */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'res.headers.authorization', 'res.headers["set-cookie"]'];

/**
 * JSON lines for machines; for a person at a terminal, pino-pretty (maintained by the pino team) turns each request
 * into one line: time, level, method, path, status and duration.
 */
function destination(config: AppConfig): NodeJS.WritableStream {
  const pretty = config.LOG_FORMAT ? config.LOG_FORMAT === 'pretty' : process.stdout.isTTY === true;
  if (!pretty) return process.stdout;
  return pinoPretty({
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,req,res,responseTime,context',
    messageFormat: (log: Record<string, unknown>, messageKey: string) => {
      const req = log.req as { method?: string; path?: string } | undefined;
      const res = log.res as { statusCode?: number } | undefined;
      if (req && res) return `${req.method} ${req.path} ${res.statusCode} ${log.responseTime} ms`;
      return `${log.context ? `[${log.context}] ` : ''}${log[messageKey] as string}`;
    },
  });
}

/** The one pino logger of the process; `stream` replaces standard output (tests collect the lines). */
export function createLogger(config: AppConfig, stream?: { write(line: string): void }): Logger {
  return pino({ level: config.LOG_LEVEL, redact: { paths: REDACTED_PATHS, censor: '[Redacted]' } }, (stream as NodeJS.WritableStream | undefined) ?? destination(config));
}

/**
 * One line per answered request: id, method and path (no query string: it can carry search text; no headers or
 * bodies: they carry secrets), status and milliseconds, at info level (an unexpected error's stack is logged at error
 * level where it is caught; a 503 while the database is away is expected). A Fastify hook rather than an
 * HTTP-logging middleware: that one ran every request in an AsyncLocalStorage context, whose promise hooks then
 * cost every promise of the request (≈ 5 % of a list request's CPU, measured), for a request-bound logger nothing
 * used.
 */
export function useRequestLogging(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    if (logger.isLevelEnabled('info')) {
      const line = {
        req: { id: request.id, method: request.method, path: request.url.split('?')[0] },
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime),
      };
      logger.info(line, reply.statusCode >= 500 ? 'request errored' : 'request completed');
    }
    done();
  });
}

/** Nest's own log calls (`new Logger(context).log(...)`) written through the same pino logger, with their context. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  /** Nest passes the context last, and for errors a stack before it. */
  private write(level: pino.Level, message: unknown, rest: unknown[]) {
    if (!this.logger.isLevelEnabled(level)) return;
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = level === 'error' && rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    const fields = { ...(context ? { context } : {}), ...(stack ? { stack } : {}) };
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...fields, ...message });
    else this.logger[level](fields, String(message));
  }
}
