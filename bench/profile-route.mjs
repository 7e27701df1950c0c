// Where the time of one route goes: sshid under load (load.mjs, a separate process) with the V8 CPU profiler on,
// then self time summed by package (and by sshid source file), as the README's "where the time goes" reports it.
//
//   npm run build && node bench/profile-route.mjs foreman|northflank|nexterm|create [seconds]
//   (the .cpuprofile is written to .tmp/ for Chrome DevTools)
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { startBenchServer } from './bench-server.mjs';

const [route = 'foreman', seconds = '10'] = process.argv.slice(2);

const bench = await startBenchServer();
const { port, user, apiToken: token, sessionToken } = bench;

const targets = {
  foreman: { method: 'GET', path: `/api/users/${user.id}/ssh_keys`, auth: token },
  northflank: { method: 'GET', path: '/v1/integrations/ssh-identities', auth: token },
  nexterm: { method: 'GET', path: '/api/identities/list', auth: sessionToken },
};
const target = targets[route];
const load = (duration) =>
  new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [new URL('./load.mjs', import.meta.url).pathname, JSON.stringify({ url: `http://127.0.0.1:${port}`, connections: 50, duration, method: target.method, path: target.path, headers: { authorization: `Bearer ${target.auth}` } })],
      { maxBuffer: 1 << 24 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))),
    ),
  );

await load(3);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const result = await load(Number(seconds));
const { profile } = await session.post('Profiler.stop');
mkdirSync('.tmp', { recursive: true });
writeFileSync(join('.tmp', `${route}.cpuprofile`), JSON.stringify(profile));

// Self time per node = its samples; attribute each to a package or an sshid file.
const counts = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfSamples = new Map();
for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
for (const [id, samples] of selfSamples) {
  const frame = byId.get(id).callFrame;
  const where = frame.url.includes('node_modules/')
    ? frame.url.split('node_modules/').pop().split('/').slice(0, frame.url.split('node_modules/').pop().startsWith('@') ? 2 : 1).join('/')
    : frame.url.includes('/dist/')
      ? `sshid ${frame.url.split('/dist/').pop()}`
      : frame.url.startsWith('node:') || frame.url === ''
        ? frame.functionName === '(garbage collector)' ? '(gc)' : frame.functionName === '(idle)' ? '(idle)' : frame.functionName === '(program)' ? '(program)' : `node internals${frame.url ? ` ${frame.url}` : ''}`
        : frame.url;
  counts.set(where, (counts.get(where) ?? 0) + samples);
}
const total = profile.samples.length;
console.log(`${route}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms; self time by place:`);
console.table([...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([where, n]) => ({ where, '%': +((100 * n) / total).toFixed(1) })));
await bench.close();
process.exit(0);
