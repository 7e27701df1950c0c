import helmet from '@fastify/helmet';
import { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Security headers on every answer, through @fastify/helmet (maintained, the Fastify port of helmet): nosniff,
 * frame denial, a content security policy strict enough for an API yet letting the Swagger UI pages run (their
 * scripts and styles are files of this origin; the page itself has inline styles), referrer and opener policies.
 * Answers of the API are never cached: they carry tokens (login, token creation, device polls) or private data.
 */
export async function useSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  await app.register(helmet, {
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
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (request, reply, payload, done) => {
      if (!request.url.startsWith('/docs')) reply.header('Cache-Control', 'no-store');
      done(null, payload);
    });
}
