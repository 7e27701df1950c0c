import { IncomingMessage, ServerResponse } from 'node:http';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet, { HelmetOptions } from 'helmet';

const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  // Clients on other origins (a Nexterm web client served elsewhere) read answers through CORS, which this
  // header would not block anyway; it only keeps other sites from embedding answers as images or scripts.
  crossOriginResourcePolicy: { policy: 'same-origin' },
  // Served over plain HTTP on loopback in development; HSTS is the TLS terminator's business.
  strictTransportSecurity: false,
};

/**
 * The headers helmet sets with these options. They depend on nothing in the request (no CSP nonces), so helmet is
 * asked once, at start-up, against a response that records them: @fastify/helmet rebuilt helmet's middleware and
 * re-parsed the policy on every request (≈ 3 % of a list request's CPU, measured).
 */
export function securityHeaders(options: Readonly<HelmetOptions> = HELMET_OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  } as unknown as ServerResponse;
  helmet(options)({} as IncomingMessage, recorder, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

/**
 * Security headers on every answer, as helmet (maintained, the reference for them) decides: nosniff, frame denial, a
 * content security policy strict enough for an API yet letting the Swagger UI pages run (their scripts and styles
 * are files of this origin; the page itself has inline styles), referrer and opener policies.
 * Answers of the API are never cached: they carry tokens (login, token creation, device polls) or private data.
 */
export function useSecurityHeaders(app: NestFastifyApplication): void {
  const headers = securityHeaders();
  const api = { ...headers, 'cache-control': 'no-store' };
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      reply.headers(request.url.startsWith('/docs') ? headers : api);
      done();
    });
}
