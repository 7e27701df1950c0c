import { IncomingMessage } from 'node:http';
import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { AuthService } from '../auth/auth.service';
import { Principal } from '../auth/principal';
import { UnauthenticatedError } from '../common/domain-errors';
import { ChangeEvent, ChangeFeed } from '../events/change-feed.service';
import { IdentitiesService } from '../identities/identities.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { presentIdentity } from './nexterm-identities.controller';

/** What the web client subscribes to (client/src/common/hooks/useStateStream.js); sshid keeps only identities. */
const EMPTY_STATES = ['ENTRIES', 'SNIPPETS', 'CONNECTIONS', 'LIVE_SESSIONS'] as const;
/** Nexterm closes an invalidated session's stream with 4010; the client then logs out and does not reconnect. */
const SESSION_INVALIDATED = 4010;

interface StateConnection {
  socket: WebSocket;
  principal: Principal;
  /** The session token, to check the session again after the change feed was away. */
  token: string;
}

/**
 * Nexterm's state stream, `/api/ws/state?sessionToken=…&tabId=…&browserId=…`: on connect the full state as
 * `{type, data}` messages, then `IDENTITIES` again whenever an identity the account can see changes through any
 * dialect on any instance (PostgreSQL announces it), and `LOGOUT` + close 4010 when the session is revoked.
 */
@WebSocketGateway({ path: '/api/ws/state' })
export class NextermStateGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(NextermStateGateway.name);
  private readonly connections = new Set<StateConnection>();
  private readonly pending = new Map<number, NodeJS.Timeout>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly auth: AuthService,
    private readonly identities: IdentitiesService,
    private readonly organizations: OrganizationsService,
    private readonly changes: ChangeFeed,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.changes.subscribe((event) => void this.onChange(event));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const timer of this.pending.values()) clearTimeout(timer);
    for (const { socket } of this.connections) socket.close(1001, 'Server shutting down');
  }

  async handleConnection(socket: WebSocket, request: IncomingMessage): Promise<void> {
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const token = query.get('sessionToken');
    if (!token) return socket.close(4001, 'Missing sessionToken');
    const claims = this.auth.verify(token);
    const principal = claims?.typ === 'session' ? await this.auth.principalFromClaims(claims, token, {}).catch(() => null) : null;
    if (!principal) return socket.close(4003, 'Invalid session');
    const connection = { socket, principal, token };
    this.connections.add(connection);
    socket.on('message', (raw) => void this.onClientMessage(connection, raw.toString()));
    await this.sendAll(connection);
  }

  handleDisconnect(socket: WebSocket): void {
    for (const connection of this.connections) if (connection.socket === socket) this.connections.delete(connection);
  }

  /** The client asks `{action: "refresh", type?}` after reconnecting or when a page wants fresh data. */
  private async onClientMessage(connection: StateConnection, text: string): Promise<void> {
    let message: { action?: unknown; type?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message?.action !== 'refresh') return;
    if (message.type === 'IDENTITIES') await this.sendIdentities(connection);
    else if (typeof message.type === 'string') this.send(connection, message.type, []);
    else await this.sendAll(connection);
  }

  private async onChange(event: ChangeEvent): Promise<void> {
    if (event.kind === 'session_revoked') {
      for (const connection of this.connections) if (connection.principal.sessionId === event.session) this.logOut(connection);
      return;
    }
    if (event.kind === 'resync') return this.resync();
    const accounts = new Set<number>();
    if (event.user !== null) accounts.add(event.user);
    if (event.organization !== null) {
      const connected = [...new Set([...this.connections].map((c) => c.principal.user.id))].filter((id) => !accounts.has(id));
      for (const member of await this.organizations.activeMembersAmong(event.organization, connected)) accounts.add(member);
    }
    for (const account of accounts) this.schedule(account);
  }

  /**
   * After the change feed was away, nothing says what changed meanwhile: every open stream has its session checked
   * again (a revoked one is logged out) and gets its identities anew.
   */
  private async resync(): Promise<void> {
    for (const connection of [...this.connections]) {
      const claims = this.auth.verify(connection.token);
      try {
        if (!claims) throw new UnauthenticatedError('expired');
        await this.auth.principalFromClaims(claims, connection.token, {});
      } catch (error) {
        // Only a refused session ends the stream; a database still finding its feet leaves it as it is.
        if (error instanceof UnauthenticatedError) this.logOut(connection);
        continue;
      }
      await this.sendIdentities(connection);
    }
  }

  private logOut(connection: StateConnection): void {
    this.send(connection, 'LOGOUT', { reason: 'session_invalidated' });
    connection.socket.close(SESSION_INVALIDATED, 'Session invalidated');
    this.connections.delete(connection);
  }

  /** Several changes in one burst (a key list replaced row by row) become one push per account, as Nexterm debounces. */
  private schedule(accountId: number): void {
    if (this.pending.has(accountId)) return;
    this.pending.set(
      accountId,
      setTimeout(() => {
        this.pending.delete(accountId);
        for (const connection of this.connections) {
          if (connection.principal.user.id === accountId) void this.sendIdentities(connection);
        }
      }, 50),
    );
  }

  private async sendAll(connection: StateConnection): Promise<void> {
    await this.sendIdentities(connection);
    for (const type of EMPTY_STATES) this.send(connection, type, []);
  }

  private async sendIdentities(connection: StateConnection): Promise<void> {
    try {
      const identities = await this.identities.listVisible(connection.principal);
      this.send(connection, 'IDENTITIES', identities.map(presentIdentity));
    } catch (error) {
      this.logger.warn(`state stream: identities not sent (${(error as Error).message})`);
    }
  }

  private send(connection: StateConnection, type: string, data: unknown): void {
    if (connection.socket.readyState !== connection.socket.OPEN) return;
    connection.socket.send(JSON.stringify({ type, data }));
  }
}
