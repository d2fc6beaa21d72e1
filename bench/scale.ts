// `npm run bench:scale -- --db <sqlite file | postgres url> [--instances 3] [--seconds 10] [--rate 50] [--mixed-rate 150] [--data-dir data/bench-files]`
// Benchmarks Casebook on a database made by `npm run bench:data`: the server runs as its own
// process(es) (as in production), the load generator in another. Reports p50/p95/p99 and
// throughput for the pages agents use, the mixed workload, start-up time and peak memory, with a
// plain Fastify route and a raw database round-trip measured in the same run for ratios.
// Each page is measured twice: at saturation (20 clients sending as fast as answers come: the
// capacity, where latency is mostly queueing behind the other 19) and at a stated load (requests
// arriving at --rate per second whatever the answers take: the latency an agent sees).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, type LoadResult } from './load-client.js';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { parseDatabaseUrl } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { BENCH_PASSWORD } from './generate.js';
import { buildServerIfStale } from '../scripts/build-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const arg = (name: string, dflt?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const target = arg('db', process.env.DATABASE_URL)!;
if (!target) throw new Error('--db <file or postgres url> (made by npm run bench:data)');
const INSTANCES = Number(arg('instances', '1'));
const SECONDS = Number(arg('seconds', '10'));
const MIXED_SECONDS = Number(arg('mixed-seconds', '60'));
// 50 requests a second to one page is what 300 agents produce opening that page every 6 s each.
const RATE = Number(arg('rate', '50'));
// The mixed workload at a stated load: 300 agents making a request every 2 s each.
const MIXED_RATE = Number(arg('mixed-rate', '150'));
const dbConfig = parseDatabaseUrl(target, path.resolve('data'));


// The server as `npm start` runs it: the bundle scripts/build-server.mjs makes (built before the
// clock starts, as a deployment builds it once).
const serverBundle = await buildServerIfStale();

/** Starts one server process; resolves with its port and how long it took to be ready. */
async function startServer(port: number, dataDir: string): Promise<{ child: ChildProcess; startupMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [serverBundle], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: target, CASEBOOK_DATA_DIR: dataDir, LOG_LEVEL: 'warn', CASEBOOK_RATE_LIMIT_PER_MINUTE: '100000000', CASEBOOK_WEB_DIR: '/nonexistent' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('is ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return { child, startupMs: performance.now() - started };
}

const statusMb = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const peakRssMb = (pid: number) => statusMb(pid, 'VmHWM');
// Of the resident memory at the end: the process's own (heap, SQLite's page cache) and pages of
// the database file mapped for reading (the OS's page cache, shared, dropped under pressure).
const rssSplit = (pid: number) => `${statusMb(pid, 'RssAnon').toFixed(0)} MB own + ${statusMb(pid, 'RssFile').toFixed(0)} MB file-backed (the database map, node and its libraries)`;

const rows: string[] = [];
const pacedRows: string[] = [];
const results: Record<string, { rps: number; p50: number; p95: number; p99: number }> = {};
const paced: Record<string, { rate: number; rps: number; p50: number; p95: number; p99: number }> = {};
const merge = (rs: LoadResult[]): LoadResult => ({ ...rs[0]!, n: rs.reduce((a, r) => a + r.n, 0), rps: rs.reduce((a, r) => a + r.rps, 0), p50: Math.max(...rs.map((r) => r.p50)), p95: Math.max(...rs.map((r) => r.p95)), p99: Math.max(...rs.map((r) => r.p99)), statuses: Object.assign({}, ...rs.map((r) => r.statuses)) });
const badStatuses = (r: LoadResult) => (Object.keys(r.statuses).some((s) => !s.startsWith('2')) ? ` statuses ${JSON.stringify(r.statuses)}` : '');
/** A `select 1` through Kysely, one after another on one connection, in this process: req/s. */
let rawRps = 0;
function report(name: string, r: LoadResult, base: LoadResult, note = '') {
  results[name] = { rps: r.rps, p50: r.p50, p95: r.p95, p99: r.p99 };
  rows.push(`| ${name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.rps / base.rps).toFixed(3)} | ${(r.rps / rawRps).toFixed(3)} | ${note}${badStatuses(r)} |`);
}

async function main() {
  // The files bench:data wrote (review documents) belong to the database: the server starts
  // on them, as it would in production (its start-up looks at stored files).
  const dataDir = path.resolve(arg('data-dir', 'data/bench-files')!);
  fs.mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(dbConfig, { poolSize: 4 });
  const counts = await db.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const queue = await db.db.selectFrom('queues').select('id').where('name', '=', 'Queue 1').executeTakeFirstOrThrow();
  const account = await db.db.selectFrom('cases').select('account_id').where('status', '=', 'closed').limit(1).executeTakeFirstOrThrow();
  const sample = await db.db.selectFrom('cases').select('number').orderBy('id', 'desc').offset(1000).limit(1).executeTakeFirstOrThrow();
  // Comments go to an open case (resolved and final cases are read-only).
  const open = await db.db.selectFrom('cases').select('number').where('status', '=', 'in_progress').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();

  // Raw database round-trip, in this process.
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 2000) {
    await sql`select 1`.execute(db.db);
    n++;
  }
  rawRps = n / ((performance.now() - t0) / 1000);

  const servers: Awaited<ReturnType<typeof startServer>>[] = [];
  const firstPort = 4100 + Math.floor(Math.random() * 800);
  // Whatever happens, the server processes end with the benchmark.
  process.on('exit', () => servers.forEach((s) => { try { process.kill(-s.child.pid!, 'SIGKILL'); } catch { /* gone */ } }));
  for (let i = 0; i < INSTANCES; i++) servers.push(await startServer(firstPort + i, dataDir));
  const bases = servers.map((_, i) => `http://127.0.0.1:${firstPort + i}`);
  const hello = Fastify({ logger: false });
  hello.get('/hello', async () => ({ hello: 'world' }));
  await hello.listen({ port: 0, host: '127.0.0.1' });
  const helloUrl = `http://127.0.0.1:${(hello.server.address() as { port: number }).port}/hello`;

  const signIn = async (base: string, email: string) => {
    const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: BENCH_PASSWORD }) });
    if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  };
  const agentCount = Number((await db.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('email', 'like', 'agent%@bench.test').executeTakeFirstOrThrow()).n);
  const cookies: string[] = [];
  for (let i = 0; i < 100; i++) cookies.push(await signIn(bases[i % bases.length]!, `agent${i % agentCount}@bench.test`));
  // `next` drains a queue: the one with the most new, unassigned cases (earlier runs drained others).
  const pullQueue = await db.db
    .selectFrom('cases')
    .select(['queue_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'new')
    .where('assignee_id', 'is', null)
    .where('queue_id', 'is not', null)
    .groupBy('queue_id')
    .orderBy('n', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const agentsOfQueue = await db.db.selectFrom('queue_groups').innerJoin('group_members', 'group_members.group_id', 'queue_groups.group_id').innerJoin('users', 'users.id', 'group_members.user_id').select('users.email').where('queue_groups.queue_id', '=', pullQueue.queue_id!).execute();

  const helloRes = await load({ url: helloUrl, method: 'GET', cookies: [], concurrency: 20, seconds: SECONDS });
  const spread = (p: string) => bases.map((b) => b + p);
  const scenario = async (name: string, pathOrPaths: string, extra: Record<string, unknown> = {}, note = '') => {
    // With several instances the clients are spread across them (one load process each).
    const results = await Promise.all(
      spread(pathOrPaths).map((url, i) => load({ url, method: 'GET', cookies: cookies.filter((_, j) => j % bases.length === i), concurrency: Math.ceil(20 / bases.length), seconds: SECONDS, ...extra })),
    );
    const merged = merge(results);
    report(name, merged, helloRes, note);
    // The same page at a stated load, the arrivals split evenly over the instances.
    const at = merge(
      await Promise.all(spread(pathOrPaths).map((url, i) => load({ url, method: 'GET', cookies: cookies.filter((_, j) => j % bases.length === i), concurrency: 64, seconds: SECONDS, rate: RATE / bases.length, ...extra }))),
    );
    paced[name] = { rate: RATE, rps: at.rps, p50: at.p50, p95: at.p95, p99: at.p99 };
    pacedRows.push(`| ${name} | ${RATE} | ${at.p50.toFixed(1)} | ${at.p95.toFixed(1)} | ${at.p99.toFixed(1)} |${badStatuses(at)} |`);
    return merged;
  };

  report('plain Fastify hello-world route', helloRes, helloRes, 'baseline');
  await scenario('home list (view=home)', '/api/v1/cases?view=home');
  await scenario('queue page', `/api/v1/cases?view=queue&queueId=${queue.id}`);
  await scenario('filtered list (status + priority + account)', `/api/v1/cases?status=closed,resolved&priority=2,3&accountId=${account.account_id}`);
  await scenario('full-text search (two words)', '/api/v1/cases?q=gateway%20kalo');
  await scenario('open a case', `/api/v1/cases/${sample.number}`);
  await scenario('its timeline', `/api/v1/cases/${sample.number}/timeline`);
  await scenario('create a case', '/api/v1/cases', { method: 'POST', body: JSON.stringify({ shortDescription: 'Bench case {{n}}', priority: 3 }) });
  await scenario('add a comment', `/api/v1/cases/${open.number}/comments`, { method: 'POST', body: JSON.stringify({ body: 'Bench note {{n}}', visibility: 'internal' }) });

  // next: 50 agents of one queue, spread over the instances, until the queue is empty or time is up.
  const nextCookies: string[] = [];
  for (let i = 0; i < Math.min(50, agentsOfQueue.length); i++) nextCookies.push(await signIn(bases[i % bases.length]!, agentsOfQueue[i]!.email));
  const pulls = await Promise.all(bases.map((b, i) => load({ url: `${b}/api/v1/queues/${pullQueue.queue_id}/next`, method: 'POST', cookies: nextCookies.filter((_, j) => j % bases.length === i), concurrency: Math.ceil(nextCookies.length / bases.length), seconds: SECONDS, untilNotFound: true, collect: 'number' })));
  const picked = pulls.flatMap((p) => p.collected as string[]);
  const pullRes = { ...pulls[0]!, rps: pulls.reduce((a, p) => a + p.rps, 0), p50: Math.max(...pulls.map((p) => p.p50)), p95: Math.max(...pulls.map((p) => p.p95)), p99: Math.max(...pulls.map((p) => p.p99)) };
  report(`next, ${nextCookies.length} agents at once`, pullRes, helloRes, `${picked.length} picks, ${picked.length - new Set(picked).size} duplicates`);

  // The mixed workload: 100 agents, 80 % reads (lists, search, cases, timelines), 20 % writes.
  const mixedPaths = [
    ['GET', '/api/v1/cases?view=home'],
    ['GET', `/api/v1/cases?view=queue&queueId=${queue.id}`],
    ['GET', '/api/v1/cases?q=printer%20mine'],
    ['GET', `/api/v1/cases/${sample.number}`],
    ['GET', `/api/v1/cases/${sample.number}/timeline`],
  ];
  const mixed = await Promise.all(
    bases.flatMap((b, i) => [
      ...mixedPaths.map(([method, p]) => load({ url: b + p, method, cookies: cookies.filter((_, j) => j % bases.length === i), concurrency: Math.ceil(16 / bases.length), seconds: MIXED_SECONDS })),
      load({ url: `${b}/api/v1/cases`, method: 'POST', cookies: cookies.filter((_, j) => j % bases.length === i), concurrency: Math.ceil(10 / bases.length), seconds: MIXED_SECONDS, body: JSON.stringify({ shortDescription: 'Mixed {{n}}', priority: 3 }) }),
      load({ url: `${b}/api/v1/cases/${open.number}/comments`, method: 'POST', cookies: cookies.filter((_, j) => j % bases.length === i), concurrency: Math.ceil(10 / bases.length), seconds: MIXED_SECONDS, body: JSON.stringify({ body: 'Mixed note {{n}}', visibility: 'internal' }) }),
    ]),
  );
  const mixedRps = mixed.reduce((a, r) => a + r.rps, 0);
  const mixedP99 = Math.max(...mixed.map((r) => r.p99));
  const writes = mixed.filter((_, i) => i % 7 >= 5).reduce((a, r) => a + r.rps, 0);
  rows.push(`| mixed workload, 100 agents, ${MIXED_SECONDS} s (${((writes / mixedRps) * 100).toFixed(0)} % writes) | ${mixedRps.toFixed(0)} | — | — | ${mixedP99.toFixed(1)} | ${(mixedRps / helloRes.rps).toFixed(3)} | ${(mixedRps / rawRps).toFixed(3)} | p99 is the worst scenario's |`);

  // The mixed workload at a stated load: MIXED_RATE requests a second, 80 % reads over the five
  // read paths and 20 % writes (new cases and comments), for the same time.
  const shares = [0.16, 0.16, 0.16, 0.16, 0.16, 0.1, 0.1];
  const mixedSpecs = [
    ...mixedPaths.map(([method, p]) => ({ path: p!, method, body: undefined as string | undefined })),
    { path: '/api/v1/cases', method: 'POST', body: JSON.stringify({ shortDescription: 'Paced {{n}}', priority: 3 }) },
    { path: `/api/v1/cases/${open.number}/comments`, method: 'POST', body: JSON.stringify({ body: 'Paced note {{n}}', visibility: 'internal' }) },
  ];
  const pacedMixed = await Promise.all(
    bases.flatMap((b, i) =>
      mixedSpecs.map((m, k) => load({ url: b + m.path, method: m.method, cookies: cookies.filter((_, j) => j % bases.length === i), concurrency: 64, seconds: MIXED_SECONDS, rate: (MIXED_RATE * shares[k]!) / bases.length, ...(m.body ? { body: m.body } : {}) })),
    ),
  );
  const pm = merge(pacedMixed);
  paced['mixed workload'] = { rate: MIXED_RATE, rps: pm.rps, p50: pm.p50, p95: pm.p95, p99: pm.p99 };
  pacedRows.push(`| mixed workload (80 % reads, 20 % writes), ${MIXED_SECONDS} s | ${MIXED_RATE} | ${pm.p50.toFixed(1)} | ${pm.p95.toFixed(1)} | ${pm.p99.toFixed(1)} |${badStatuses(pm)} worst scenario's p50/p95/p99 |`);

  const rss = servers.map((s) => peakRssMb(s.child.pid!));
  console.log(`\nCasebook at ${Number(counts.n).toLocaleString('en')} cases on ${dbConfig.kind}, ${INSTANCES} instance(s); raw database round-trip ${rawRps.toFixed(0)}/s in-process\n`);
  console.log('| scenario | req/s | p50 ms | p95 ms | p99 ms | × hello-world | × raw DB round-trip | notes |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) console.log(r);
  console.log(`\nAt a stated load (open loop: requests arrive at the rate whatever the answers take; latency from each scheduled start)\n`);
  console.log('| scenario | req/s offered | p50 ms | p95 ms | p99 ms | notes |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const r of pacedRows) console.log(r);
  console.log(`\nstart-up to ready: ${servers.map((s) => `${(s.startupMs / 1000).toFixed(2)} s`).join(', ')} (the built server, as npm start runs it); peak RSS: ${rss.map((r) => `${r.toFixed(0)} MB`).join(', ')}; resident at the end: ${servers.map((sv) => rssSplit(sv.child.pid!)).join(', ')}`);
  const jsonOut = arg('json');
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ cases: Number(counts.n), dialect: dbConfig.kind, instances: INSTANCES, rawDbRps: rawRps, helloRps: results['plain Fastify hello-world route']?.rps, results, paced, mixed: { rps: mixedRps, p99: mixedP99 }, rssMb: rss, startupMs: servers.map((s) => s.startupMs) }, null, 1));
  for (const s of servers) process.kill(-s.child.pid!, 'SIGTERM');
  await hello.close();
  await db.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
