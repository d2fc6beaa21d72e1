// `npm run bench`: Casebook over real HTTP on this machine. Every scenario is measured beside a
// plain Fastify hello-world route in the same run (machines here are noisy: ratios are what we
// compare). DATABASE_URL=postgres://… benches PostgreSQL; the default is SQLite.
// Knobs: BENCH_SECONDS (5), BENCH_CONCURRENCY (20), BENCH_QUEUE_CASES (10000), BENCH_AGENTS (50).
import { load, type LoadResult } from './load-client.js';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { bootstrapAdmin } from '../src/modules/identity/bootstrap.js';
import { createAccount, createContact } from '../src/modules/customers/customers.service.js';
import { createUser } from '../src/modules/identity/users.service.js';
import { createQueue } from '../src/modules/queues/queues.service.js';
import { createCase } from '../src/modules/cases/cases.service.js';
import { createTestDatabase } from '../test/helpers/database.js';
import { benchDocuments } from './documents.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const QUEUE_CASES = Number(process.env.BENCH_QUEUE_CASES ?? 10_000);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 50);


const rows: string[] = [];
function report(name: string, r: LoadResult, base: LoadResult | null, note = '') {
  const ratio = base ? (r.rps / base.rps).toFixed(2) : '1.00';
  rows.push(`| ${name} | ${r.n} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${ratio} | ${note} |`);
}

async function main() {
  const testDb = await createTestDatabase();
  const config: Config = { ...loadConfig({ LOG_LEVEL: 'silent', CASEBOOK_RATE_LIMIT_PER_MINUTE: '100000000' }), database: testDb.config, dataDir: testDb.dataDir, webDir: '/nonexistent' };
  const database = openDatabase(config.database);
  const db = database.db;
  await migrateToLatest(db);
  const admin = { email: 'bench@example.test', password: 'bench-password-123' };
  await bootstrapAdmin(db, admin, () => {});
  const system = { type: 'system' } as const;

  console.log(`Seeding on ${testDb.config.kind}: 1,000 accounts with contacts, ${AGENTS} agents, a queue of ${QUEUE_CASES} cases…`);
  const accountIds: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const a = await createAccount(db, system, { name: `Account ${String(i).padStart(5, '0')}` });
    accountIds.push(a.id);
    await createContact(db, system, { accountId: a.id, name: `Contact ${i}`, email: `c${i}@bench.test`, portalAccess: false });
  }
  const agents = [];
  for (let i = 0; i < AGENTS; i++) agents.push(await createUser(db, system, { email: `agent${i}@bench.test`, name: `Agent ${i}`, roles: ['agent'], password: admin.password }));
  const queue = await createQueue(db, system, { name: 'Bench queue', mode: 'next', memberIds: agents.map((a) => a.id) });
  const seedStart = Date.now();
  for (let i = 0; i < QUEUE_CASES; i++) {
    await createCase(db, system, { shortDescription: `Queued case ${i}`, queueId: queue.id, priority: 1 + (i % 4), accountId: accountIds[i % accountIds.length] });
  }
  console.log(`  ${QUEUE_CASES} cases created through the service in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

  // Fresh statistics after the bulk load, as autovacuum would gather on a live system.
  if (testDb.config.kind === 'postgres') await sql`analyze`.execute(db);
  else await sql`pragma optimize`.execute(db);

  const app = await buildApp(config, db, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const hello = Fastify({ logger: false });
  hello.get('/hello', async () => ({ hello: 'world' }));
  await hello.listen({ port: 0, host: '127.0.0.1' });
  const helloUrl = `http://127.0.0.1:${(hello.server.address() as { port: number }).port}/hello`;

  const signIn = async (email: string) => {
    const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: admin.password }) });
    return res.headers.get('set-cookie')!.split(';')[0]!;
  };
  const adminCookie = await signIn(admin.email);
  const agentCookies = [];
  for (const a of agents) agentCookies.push(await signIn(a.email));

  const common = { concurrency: CONCURRENCY, seconds: SECONDS };
  await load({ ...common, url: helloUrl, method: 'GET', cookies: [], seconds: 1 }); // warm-up
  const helloRes = await load({ ...common, url: helloUrl, method: 'GET', cookies: [] });
  report('plain Fastify hello-world route', helloRes, null, 'baseline');
  report('GET /api/v1/me (session lookup)', await load({ ...common, url: `${base}/api/v1/me`, method: 'GET', cookies: [adminCookie] }), helloRes);
  report('GET /api/v1/cases?view=all (first page of 50)', await load({ ...common, url: `${base}/api/v1/cases?view=all`, method: 'GET', cookies: [adminCookie] }), helloRes);
  report(`GET /api/v1/cases?view=queue&queueId=… (first page)`, await load({ ...common, url: `${base}/api/v1/cases?view=queue&queueId=${queue.id}`, method: 'GET', cookies: [adminCookie] }), helloRes);
  report('GET /api/v1/cases?q=queued 42 (full-text)', await load({ ...common, url: `${base}/api/v1/cases?q=queued%2042`, method: 'GET', cookies: [adminCookie] }), helloRes);
  const created = await load({
    ...common,
    url: `${base}/api/v1/cases`,
    method: 'POST',
    cookies: [adminCookie],
    body: JSON.stringify({ shortDescription: 'Bench case {{n}}', description: 'Created by the benchmark', priority: 3, accountId: accountIds[0] }),
  });
  const createNote = `${((created.rps / helloRes.rps) * 100).toFixed(0)}% of hello-world (target ≥ 20%); statuses ${JSON.stringify(created.statuses)}`;
  report('POST /api/v1/cases (create: number, audit, search index)', created, helloRes, createNote);

  const pulled = await load({ url: `${base}/api/v1/queues/${queue.id}/next`, method: 'POST', cookies: agentCookies, concurrency: AGENTS, seconds: 600, untilNotFound: true, collect: 'number' });
  const numbers = pulled.collected as string[];
  const duplicates = numbers.length - new Set(numbers).size;
  report(`POST /api/v1/queues/{id}/next, ${AGENTS} agents draining ${QUEUE_CASES} cases`, pulled, helloRes, `${numbers.length} picks, ${duplicates} duplicates, ${((numbers.length / pulled.seconds) || 0).toFixed(0)} picks/s`);

  console.log(`\nCasebook bench on ${testDb.config.kind} — ${CONCURRENCY} keep-alive clients in a separate process, ${SECONDS} s a scenario\n`);
  console.log('| scenario | requests | req/s | p50 ms | p95 ms | p99 ms | × hello-world | notes |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) console.log(r);
  const staff = { type: 'user' as const, id: agents[0]!.id, email: agents[0]!.email, name: agents[0]!.name, roles: ['agent' as const], via: 'session' as const };
  // Only managers approve reviews, so the approver is a manager of its own.
  const manager = await createUser(db, system, { email: 'manager@bench.test', name: 'Bench Manager', roles: ['manager'], password: admin.password });
  const approver = { ...staff, id: manager.id, email: manager.email, name: manager.name, roles: ['manager' as const] };
  const docs = await benchDocuments(db, testDb.dataDir, staff, approver);
  console.log(`\nReview documents (in-process): preview p50 ${docs.preview.p50.toFixed(1)} ms, p99 ${docs.preview.p99.toFixed(1)} ms over ${docs.preview.n} renders (target p50 < 25 ms); publish p50 ${docs.publish.p50.toFixed(1)} ms, p99 ${docs.publish.p99.toFixed(1)} ms over ${docs.publish.n}`);
  console.log(`\nserver process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  await hello.close();
  await app.close();
  await database.close();
  await testDb.drop();
  if (duplicates > 0 || numbers.length !== QUEUE_CASES) {
    console.error(`FAILED: next handed out ${numbers.length} cases with ${duplicates} duplicates (expected ${QUEUE_CASES}, 0)`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
