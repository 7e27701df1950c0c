import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What `postmaster.pid` (PostgreSQL's lock file) says about a cluster folder. */
export type PostmasterState =
  | { kind: 'none' }
  /** A PostgreSQL serving this very folder runs: it can be adopted. */
  | { kind: 'running'; pid: number; port: number }
  /** The lock file names a process that is gone, or a live process that is not this folder's PostgreSQL. */
  | { kind: 'stale'; pid: number; holder: string | null };

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process: from /proc on Linux, from `ps` elsewhere; null when it cannot be read. */
export function commandLine(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter(Boolean);
  } catch {
    try {
      return execFileSync('ps', ['-p', String(pid), '-o', 'args='], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
    } catch {
      return null;
    }
  }
}

/** Whether a command line is a PostgreSQL server started on `databaseDir` (`postgres -D <dir> ...`). */
export function isPostmasterOf(args: string[] | null, databaseDir: string): boolean {
  if (!args || args.length === 0) return false;
  const program = args[0].split('/').pop() ?? '';
  if (program !== 'postgres' && program !== 'postmaster') return false;
  const flag = args.indexOf('-D');
  return flag >= 0 && flag + 1 < args.length && resolve(args[flag + 1]) === resolve(databaseDir);
}

/**
 * Reads the lock file and tells a live PostgreSQL of this folder (to adopt) from a stale file — whose PID is gone,
 * or was reused by an unrelated process after a crash or reboot, which PostgreSQL itself would take for a running
 * postmaster and refuse to start.
 */
export function inspectPostmaster(databaseDir: string): PostmasterState {
  const file = join(databaseDir, 'postmaster.pid');
  if (!existsSync(file)) return { kind: 'none' };
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return { kind: 'stale', pid: 0, holder: null };
  if (!isProcessAlive(pid)) return { kind: 'stale', pid, holder: null };
  const args = commandLine(pid);
  if (isPostmasterOf(args, databaseDir) && Number.isInteger(port) && port > 0) return { kind: 'running', pid, port };
  return { kind: 'stale', pid, holder: args ? args.join(' ').slice(0, 200) : 'unknown process' };
}

export function removeLockFile(databaseDir: string): void {
  rmSync(join(databaseDir, 'postmaster.pid'), { force: true });
}

