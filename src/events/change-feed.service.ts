import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

export type ChangeEvent =
  | { kind: 'identity'; user: number | null; organization: number | null }
  | { kind: 'session_revoked'; session: string; user: number }
  /** The feed was away (its connection lost) and is back: changes made meanwhile were not announced here. */
  | { kind: 'resync' };

export const CHANGE_CHANNEL = 'sshid_changes';

/**
 * Committed changes, as PostgreSQL announces them (see the change-notifications migration), delivered to whoever in
 * this process subscribed. One LISTEN connection per instance, so every instance hears every instance's writes; it
 * reconnects with back-off when the database goes away, then tells subscribers to resynchronise (`resync`):
 * PostgreSQL does not keep notifications for a listener that was not there.
 */
@Injectable()
export class ChangeFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChangeFeed.name);
  private readonly subscribers = new Set<(event: ChangeEvent) => void>();
  private client: Client | null = null;
  private stopped = false;
  private retryDelay = 250;
  private retryTimer: NodeJS.Timeout | null = null;
  private connected: Promise<void> | null = null;
  /** Whether this feed has listened before: a later LISTEN follows a gap. */
  private listenedBefore = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  /** Resolves once this instance is listening (tests wait for it before writing). */
  ready(): Promise<void> {
    return this.connected ?? Promise.resolve();
  }

  onApplicationBootstrap(): void {
    this.connected = this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const options = this.dataSource.options as { url?: string };
    const client = new Client({ connectionString: options.url, connectionTimeoutMillis: 5000 });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL || !message.payload) return;
      let event: ChangeEvent;
      try {
        event = JSON.parse(message.payload) as ChangeEvent;
      } catch {
        return;
      }
      this.publish(event);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      this.retryDelay = 250;
      if (this.listenedBefore) {
        this.logger.log('change feed listening again; subscribers resynchronise');
        this.publish({ kind: 'resync' });
      }
      this.listenedBefore = true;
    } catch {
      this.reconnect(client);
    }
  }

  private publish(event: ChangeEvent): void {
    for (const listener of this.subscribers) listener(event);
  }

  private reconnect(client: Client): void {
    if (this.stopped || this.retryTimer) return;
    if (this.client === client) this.client = null;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    this.logger.warn(`change feed lost its database connection; retrying in ${this.retryDelay} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connected = this.connect();
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 10_000);
  }
}
