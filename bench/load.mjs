// Load generator for run-bench.mjs, in its own process so it does not share the servers' event loop.
// Reads one JSON argument {url, connections, duration, method, path, headers, bodiesFile?}; prints autocannon's result.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2]);
const bodies = spec.bodiesFile ? JSON.parse(readFileSync(spec.bodiesFile, 'utf8')) : null;
// Warm-up and measured runs start at different places, so no key is sent twice.
let next = spec.offset ?? 0;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.duration,
  requests: [
    {
      method: spec.method,
      path: spec.path,
      headers: spec.headers,
      setupRequest: (request) => (bodies ? { ...request, body: bodies[next++ % bodies.length] } : request),
    },
  ],
});
process.stdout.write(JSON.stringify({ requests: result.requests, latency: result.latency, non2xx: result.non2xx, errors: result.errors }));
