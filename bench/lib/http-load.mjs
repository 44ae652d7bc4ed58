// A load generator meant to run in its own process (so it never shares an event loop with the
// server it measures): sends requests over keep-alive connections, `concurrency` at a time,
// cycling through the given bodies, and prints every latency in ms as one JSON line.
//   node bench/lib/http-load.mjs '{"url","method","headers","bodies":[...],"requests":N,"concurrency":C}'
import http from 'node:http';

const spec = JSON.parse(process.argv[2]);
const url = new URL(spec.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
const bodies = (spec.bodies ?? [null]).map((b) => (b === null ? null : typeof b === 'string' ? b : JSON.stringify(b)));

function once(body) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const request = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: spec.method ?? 'GET', headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...spec.headers } },
      (response) => {
        let size = 0;
        response.on('data', (chunk) => (size += chunk.length));
        response.on('end', () => {
          const ms = Number(process.hrtime.bigint() - start) / 1e6;
          if (response.statusCode >= 400) reject(new Error(`HTTP ${response.statusCode} from ${spec.url}`));
          else resolve({ ms, size });
        });
      },
    );
    request.on('error', reject);
    request.end(body ?? undefined);
  });
}

const latencies = [];
let next = 0;
async function lane() {
  for (;;) {
    const i = next++;
    if (i >= spec.requests) return;
    latencies.push((await once(bodies[i % bodies.length])).ms);
  }
}
const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: spec.concurrency }, lane));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
agent.destroy();
process.stdout.write(`${JSON.stringify({ latencies, seconds })}\n`);
