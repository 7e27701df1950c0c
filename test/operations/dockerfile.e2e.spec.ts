import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import request from 'supertest';
import { ensureDatabase } from '../../src/database/database-url';
import { envPairs, parseDockerfile, Stage } from '../support/dockerfile';
import { eventually, freePort, ROOT } from '../support/server-process';

/**
 * No container engine here, so the Dockerfile's own steps run on a clean copy of the repository: each stage in a
 * folder of its own standing for its filesystem, COPY from the build context (the repository minus .dockerignore)
 * or from an earlier stage, RUN through the shell in WORKDIR with the stage's ENV, then the CMD started against a
 * fresh database and the HEALTHCHECK run against it.
 */
describe('the Dockerfile', () => {
  const stages = parseDockerfile(join(ROOT, 'Dockerfile'));
  const work = mkdtempSync(join(tmpdir(), 'sshid-docker-'));
  const runtime = stages[stages.length - 1];
  const roots = new Map<string, string>();
  const workdirs = new Map<string, string>();
  const envs = new Map<string, Record<string, string>>();

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is a multi-stage build whose runtime stage has production dependencies only, a non-root user and a health check', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const ops = runtime.instructions;
    // Production dependencies only: installed with --omit=dev there, or copied from a stage that pruned to them.
    const installsThere = ops.some((i) => i.op === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(i.args));
    const copiedModules = ops.find((i) => i.op === 'COPY' && i.flags.from && i.args.includes('node_modules'));
    const pruned = copiedModules && stages.find((s) => s.name === copiedModules.flags.from)!.instructions.some((i) => i.op === 'RUN' && /npm prune --omit=dev/.test(i.args));
    expect(installsThere || pruned).toBe(true);
    const user = ops.filter((i) => i.op === 'USER').pop();
    expect(user?.args).toMatch(/^(node|[1-9]\d*)/);
    const healthcheck = ops.find((i) => i.op === 'HEALTHCHECK');
    expect(healthcheck?.args).toContain('/health');
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', 'data', '.git']) expect(ignored).toContain(entry);
  });

  /** The build context: tracked and unignored files of the repository, minus what .dockerignore names. */
  function buildContext(): string {
    const context = join(work, 'context');
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    const excluded = (file: string) =>
      ignored.some((pattern) => (pattern.startsWith('*') ? file.endsWith(pattern.slice(1)) : file === pattern || file.startsWith(`${pattern}/`)));
    for (const file of files) {
      if (excluded(file) || !existsSync(join(ROOT, file))) continue;
      mkdirSync(dirname(join(context, file)), { recursive: true });
      cpSync(join(ROOT, file), join(context, file));
    }
    return context;
  }

  /** An absolute path inside a stage's filesystem. */
  const inStage = (stage: Stage, path: string) => join(roots.get(stage.name)!, isAbsolute(path) ? path : join(workdirs.get(stage.name) ?? '/', path));

  function runStage(stage: Stage, context: string): void {
    roots.set(stage.name, join(work, `stage-${stage.name}`));
    mkdirSync(roots.get(stage.name)!, { recursive: true });
    envs.set(stage.name, {});
    for (const instruction of stage.instructions) {
      const env = envs.get(stage.name)!;
      switch (instruction.op) {
        case 'WORKDIR':
          workdirs.set(stage.name, instruction.args);
          mkdirSync(inStage(stage, '.'), { recursive: true });
          break;
        case 'ENV':
          Object.assign(env, envPairs(instruction.args));
          break;
        case 'COPY': {
          const parts = instruction.args.split(/\s+/);
          const destination = parts.pop()!;
          const from = instruction.flags.from ? stages.find((s) => s.name === instruction.flags.from)! : null;
          for (const source of parts) {
            const origin = from ? inStage(from, source) : join(context, source);
            const target = destination.endsWith('/') ? join(inStage(stage, destination), source.split('/').pop()!) : inStage(stage, destination);
            mkdirSync(dirname(target), { recursive: true });
            cpSync(origin, target, { recursive: true });
          }
          break;
        }
        case 'RUN': {
          const result = spawnSync('sh', ['-c', instruction.args], {
            cwd: inStage(stage, '.'),
            // The machine's npm cache stands in for the registry where it can; the registry is still asked for the rest.
            env: { PATH: process.env.PATH!, HOME: process.env.HOME!, npm_config_prefer_offline: 'true', ...env },
            encoding: 'utf8',
            timeout: 600_000,
          });
          if (result.status !== 0) throw new Error(`RUN ${instruction.args} failed (${result.status}):\n${(result.stdout + result.stderr).slice(-3000)}`);
          break;
        }
        default:
          // FROM, USER, EXPOSE, VOLUME, HEALTHCHECK, CMD describe the container, not the build.
          break;
      }
    }
  }

  it('builds, installs production dependencies only, starts against DATABASE_URL and passes its own health check', async () => {
    const context = buildContext();
    for (const stage of stages) runStage(stage, context);
    const app = inStage(runtime, '.');
    expect(existsSync(join(app, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'jest'))).toBe(false);
    expect(existsSync(join(app, 'src'))).toBe(false);

    const url = new URL(process.env.SSHID_TEST_ADMIN_DATABASE_URL as string);
    url.pathname = `/sshid_docker_${randomBytes(4).toString('hex')}`;
    await ensureDatabase(url.toString());
    const port = await freePort();
    const imageEnv = envs.get(runtime.name)!;
    // Paths the image sets (SSHID_DATA_DIR=/app/data) point into the runtime stage's folder; tests bind to loopback.
    const env: Record<string, string> = Object.fromEntries(Object.entries(imageEnv).map(([k, v]) => [k, v.startsWith('/') ? join(roots.get(runtime.name)!, v) : v]));
    Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: url.toString(), PATH: process.env.PATH! });
    const [command, ...args] = runtime.instructions.filter((i) => i.op === 'CMD').pop()!.exec!;
    const server = spawn(command, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout!.on('data', (chunk) => (output += chunk));
    server.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    try {
      await eventually(() => request(`http://127.0.0.1:${port}`).get('/health').then((r) => r.status === 200, () => server.exitCode !== null && Promise.reject(new Error(`exited ${server.exitCode}: ${output.slice(-1500)}`))), 60_000, "the image's server to answer /health");
      const [checkCommand, ...checkArgs] = runtime.instructions.find((i) => i.op === 'HEALTHCHECK')!.exec!;
      expect(spawnSync(checkCommand, checkArgs, { env, timeout: 10_000 }).status).toBe(0);
      expect(output.split('\n').filter(Boolean).every((line) => line.startsWith('{'))).toBe(true);
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 900_000);
});
