// `npm run bench`: measures the API over real HTTP on this machine and reports p50/p95/p99 and
// throughput, with a plain route and a raw database round-trip measured in the same run, so the
// figures can be compared as ratios on noisy machines. DATABASE_URL=postgres://… benches PostgreSQL.
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { bootstrapAdmin } from '../src/modules/identity/bootstrap.js';
import { createAccount, createContact } from '../src/modules/customers/customers.service.js';
import { createTestDatabase } from '../test/helpers/database.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 5000);

interface Result {
  name: string;
  n: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function load(name: string, once: () => Promise<unknown>): Promise<Result> {
  const times: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await once();
        times.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { name, n: times.length, rps: times.length / elapsed, p50: pct(times, 50), p95: pct(times, 95), p99: pct(times, 99) };
}

async function main() {
  const testDb = await createTestDatabase();
  const config: Config = { ...loadConfig({ LOG_LEVEL: 'silent', CASEBOOK_RATE_LIMIT_PER_MINUTE: '100000000' }), database: testDb.config, webDir: '/nonexistent' };
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);
  const admin = { email: 'bench@example.test', password: 'bench-password-123' };
  await bootstrapAdmin(database.db, admin, () => {});

  console.log(`Seeding ${ACCOUNTS} accounts with 5 contacts each on ${testDb.config.kind}…`);
  const system = { type: 'system' } as const;
  for (let i = 0; i < ACCOUNTS; i++) {
    const a = await createAccount(database.db, system, { name: `Account ${String(i).padStart(6, '0')}`, tier: i % 10 === 0 ? 'premium' : 'standard' });
    for (let j = 0; j < 5; j++) {
      await createContact(database.db, system, { accountId: a.id, name: `Contact ${i}-${j}`, email: `c${i}-${j}@bench.test`, portalAccess: false });
    }
  }

  const app = await buildApp(config, database.db, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const get = (path: string) => async () => {
    const res = await fetch(base + path, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`${path} → ${res.status}`);
    await res.arrayBuffer();
  };

  // Warm up JIT, statement caches and connections before measuring.
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let i = 0; i < 200; i++) await get('/api/v1/health')();
  }));
  const results: Result[] = [];
  results.push(await load('raw database round-trip (select 1)', () => sql`select 1`.execute(database.db)));
  results.push(await load('plain route GET /api/v1/health', get('/api/v1/health')));
  results.push(await load('GET /api/v1/me (session lookup)', get('/api/v1/me')));
  results.push(await load('GET /api/v1/accounts (first page of 50)', get('/api/v1/accounts')));
  results.push(await load('GET /api/v1/contacts?q=contact 42 (search)', get('/api/v1/contacts?q=contact%2042')));
  results.push(await load('GET /api/v1/accounts/{id}', get('/api/v1/accounts/77')));
  let k = 0;
  results.push(
    await load('POST /api/v1/accounts (create, audited)', async () => {
      const res = await fetch(`${base}/api/v1/accounts`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: `New ${k++}` }) });
      if (res.status !== 201) throw new Error(`create → ${res.status}`);
      await res.arrayBuffer();
    }),
  );

  const plain = results[1]!;
  console.log(`\nCasebook bench on ${testDb.config.kind}, ${ACCOUNTS} accounts / ${ACCOUNTS * 5} contacts, ${CONCURRENCY} concurrent clients, ${SECONDS} s each\n`);
  console.log('| operation | requests | req/s | p50 ms | p95 ms | p99 ms | throughput vs plain route |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.name} | ${r.n} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.rps / plain.rps).toFixed(2)} |`);
  }
  console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  await app.close();
  await database.close();
  await testDb.drop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
