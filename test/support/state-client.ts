import WebSocket from 'ws';

export interface StateMessage {
  type: string;
  data: unknown;
}

/** A state-stream client as the web client opens it (client/src/common/hooks/useStateStream.js). */
export class StateClient {
  readonly messages: StateMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly socket: WebSocket;
  private waiters: Array<() => void> = [];

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.on('message', (raw) => {
      this.messages.push(JSON.parse(raw.toString()));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => this.socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** The next message (after `after` messages) that satisfies `test`, or fails after a few seconds. */
  async next(test: (m: StateMessage) => boolean, after = 0): Promise<StateMessage> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = this.messages.slice(after).find(test);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching state message; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  close(): void {
    this.socket.close();
  }
}
