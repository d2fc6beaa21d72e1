// A load generator run as its own process (so it does not steal the server's CPU): keep-alive
// HTTP/1.1 clients hitting one URL for a while, reporting latency percentiles and throughput.
// Input: one JSON argument. Output: one JSON line.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

interface Spec {
  url: string;
  method: 'GET' | 'POST';
  /** One cookie per client (round-robin); empty for anonymous. */
  cookies: string[];
  /** JSON body; every "{{n}}" becomes a running number. */
  body?: string;
  concurrency: number;
  seconds: number;
  /** Stop a client at the first 404 (draining a queue) instead of running for `seconds`. */
  untilNotFound?: boolean;
  /** Collect this JSON field of each 2xx answer (e.g. the case number handed out). */
  collect?: string;
  /**
   * Open loop: start this many requests per second whatever the answers take (`concurrency` is
   * then the most outstanding at once). Latency counts from each request's scheduled start, so
   * a slow server cannot hide queueing by delaying the next request (coordinated omission).
   */
  rate?: number;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const url = new URL(spec.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
agent.maxFreeSockets = spec.concurrency;
let counter = 0;

function once(cookie: string | undefined): Promise<{ status: number; body: string }> {
  const body = spec.body?.replaceAll('{{n}}', String(counter++));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: spec.method,
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const times: number[] = [];
const statuses: Record<string, number> = {};
const collected: unknown[] = [];
const started = performance.now();
const end = started + spec.seconds * 1000;
if (spec.rate) {
  // Requests go out on a fixed schedule; a request whose turn comes while `concurrency` are
  // outstanding waits for a free slot, and that wait counts in its latency.
  const interval = 1000 / spec.rate;
  const total = Math.floor(spec.seconds * spec.rate);
  let outstanding = 0;
  const waiting: (() => void)[] = [];
  const runs: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const now = performance.now();
    if (due > now) await new Promise((r) => setTimeout(r, due - now));
    if (outstanding >= spec.concurrency) await new Promise<void>((r) => waiting.push(r));
    outstanding++;
    const cookie = spec.cookies.length ? spec.cookies[i % spec.cookies.length] : undefined;
    runs.push(
      once(cookie).then(
        (res) => {
          times.push(performance.now() - due);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          outstanding--;
          waiting.shift()?.();
        },
        () => {
          statuses.error = (statuses.error ?? 0) + 1;
          outstanding--;
          waiting.shift()?.();
        },
      ),
    );
  }
  await Promise.all(runs);
} else await Promise.all(
  Array.from({ length: spec.concurrency }, async (_, i) => {
    const cookie = spec.cookies.length ? spec.cookies[i % spec.cookies.length] : undefined;
    while (spec.untilNotFound || performance.now() < end) {
      const t0 = performance.now();
      const res = await once(cookie);
      times.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (spec.untilNotFound && res.status === 404) return;
      if (spec.collect && res.status < 300) collected.push((JSON.parse(res.body) as Record<string, unknown>)[spec.collect]);
      if (spec.untilNotFound && performance.now() > end) return;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0;
process.stdout.write(
  JSON.stringify({ n: times.length, seconds: elapsed, rps: times.length / elapsed, p50: pct(50), p95: pct(95), p99: pct(99), statuses, collected }) + '\n',
);
agent.destroy();
