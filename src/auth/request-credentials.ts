import { ClientInfo } from './auth.service';

export interface HeaderRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
}

function header(request: HeaderRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function authorizationHeader(request: HeaderRequest): string | undefined {
  return header(request, 'authorization');
}

/** `<scheme> <token>`: the scheme word is not checked (Nexterm clients send several). */
export function tokenFromAuthorization(request: HeaderRequest): string | null {
  const parts = (authorizationHeader(request) ?? '').split(' ');
  return parts.length === 2 && parts[1] ? parts[1] : null;
}

export function clientInfo(request: HeaderRequest): ClientInfo {
  const ip = (request.ip ?? '').replace(/^::ffff:/, '');
  return { ip: ip || undefined, userAgent: header(request, 'user-agent') };
}
