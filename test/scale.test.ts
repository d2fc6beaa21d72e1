import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createCase } from '../src/modules/cases/cases.service.js';
import { queueCaseMail } from '../src/modules/mail/outbox.service.js';
import { loadConfig, type Config } from '../src/config.js';
import { BENCH_PASSWORD, generate, sizesFor } from '../bench/generate.js';
import { createTestDatabase, testDialect, type TestDatabase } from './helpers/database.js';
import { startSmtpServer, workerFor } from './helpers/mail.js';
import type { App } from '../src/platform/app-types.js';

// A small-scale run of the benchmark setup: the generator's data is consistent, and three app
// instances on one database share sessions, never hand one case to two agents, and deliver each
// outbox mail once in total. Correctness only — speed is measured by `npm run bench`.

let testDb: TestDatabase;
const instances: { db: Database; app: App }[] = [];
let generated: Awaited<ReturnType<typeof generate>>;
const CASES = 5000;
// Several instances share one PostgreSQL (SPEC §12). The embedded SQLite store is one instance's:
// two connections in one process would wait on each other's write lock synchronously.
const INSTANCES = testDialect === 'postgres' ? 3 : 1;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const config: Config = { ...loadConfig({ LOG_LEVEL: 'silent', CASEBOOK_RATE_LIMIT_PER_MINUTE: '1000000' }), database: testDb.config, dataDir: testDb.dataDir, webDir: '/nonexistent' };
  for (let i = 0; i < INSTANCES; i++) {
    const db = openDatabase(config.database, { poolSize: 8 });
    if (i === 0) {
      await migrateToLatest(db.db);
      generated = await generate(db.db, testDb.dataDir, sizesFor(CASES), () => {});
    }
    instances.push({ db, app: await buildApp(config, db.db, { logger: false }) });
  }
}, 120_000);
afterAll(async () => {
  for (const i of instances) {
    await i.app.close();
    await i.db.close();
  }
  await testDb?.drop();
});

const count = async (table: 'cases' | 'comments' | 'audit_log' | 'reviews' | 'review_documents' | 'articles' | 'users' | 'accounts' | 'contacts') =>
  Number((await instances[0]!.db.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe(`benchmark data and scale-out (${testDialect}, ${CASES} cases, ${INSTANCES} instance(s))`, () => {
  it('the generator makes the promised amounts, numbered without gaps', async () => {
    const sizes = sizesFor(CASES);
    expect(await count('cases')).toBe(CASES);
    expect(await count('comments')).toBe(2 * CASES);
    expect(await count('accounts')).toBe(sizes.accounts);
    expect(await count('contacts')).toBe(sizes.contacts);
    expect(await count('articles')).toBe(sizes.articles);
    expect(await count('review_documents')).toBe(await count('reviews'));
    const db = instances[0]!.db.db;
    const statuses = (await db.selectFrom('cases').select('status').distinct().execute()).map((r) => r.status).sort();
    expect(statuses).toEqual(['canceled', 'closed', 'in_progress', 'new', 'reopened', 'resolved', 'waiting_for_response']);
    const numbers = await db.selectFrom('cases').select(['number']).orderBy('number').execute();
    expect(numbers[0]!.number).toBe('CS0001001');
    expect(numbers[numbers.length - 1]!.number).toBe(`CS${String(1000 + CASES).padStart(7, '0')}`);
    // The next case continues the sequence.
    expect(await createCase(db, { type: 'system' }, { shortDescription: 'after the bulk load' })).toBe(`CS${String(1001 + CASES).padStart(7, '0')}`);
  });

  it('a session made on one instance works on the others; search and lists answer', async () => {
    const login = await instances[0]!.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: generated.agentEmails[0], password: BENCH_PASSWORD } });
    const cookie = `casebook_session=${login.cookies[0]!.value}`;
    for (const { app } of instances) {
      expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json().email).toBe(generated.agentEmails[0]);
    }
    const list = await instances[1 % INSTANCES]!.app.inject({ method: 'GET', url: '/api/v1/cases?view=all&limit=50', headers: { cookie } });
    expect(list.json().items).toHaveLength(50);
    const search = await instances[2 % INSTANCES]!.app.inject({ method: 'GET', url: '/api/v1/cases?q=problem%2042', headers: { cookie } });
    expect(search.statusCode).toBe(200);
  });

  it('agents pulling next on every instance never get the same case', async () => {
    const db = instances[0]!.db.db;
    const queue = (await db.insertInto('queues').values({ name: 'Scale queue', mode: 'next', description: '', active: 1 }).returning('id').executeTakeFirstOrThrow()).id;
    const agents = generated.agentIds.slice(0, 9);
    await db.insertInto('queue_members').values(agents.map((user_id) => ({ queue_id: queue, user_id }))).execute();
    for (let i = 0; i < 120; i++) await createCase(db, { type: 'system' }, { shortDescription: `queued ${i}`, queueId: queue, priority: 1 + (i % 4) });
    const cookies = await Promise.all(
      agents.map(async (_, i) => {
        const res = await instances[i % INSTANCES]!.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: generated.agentEmails[i], password: BENCH_PASSWORD } });
        return `casebook_session=${res.cookies[0]!.value}`;
      }),
    );
    const taken: string[] = [];
    await Promise.all(
      cookies.map(async (cookie, i) => {
        for (;;) {
          const res = await instances[i % INSTANCES]!.app.inject({ method: 'POST', url: `/api/v1/queues/${queue}/next`, headers: { cookie } });
          if (res.statusCode === 404) return;
          expect(res.statusCode).toBe(200);
          taken.push(res.json().number);
        }
      }),
    );
    expect(taken).toHaveLength(120);
    expect(new Set(taken).size).toBe(120);
  });

  it('every instance runs a mail worker; each queued mail is delivered once in total', async () => {
    const smtp = await startSmtpServer();
    try {
      const db = instances[0]!.db.db;
      const contact = await db.selectFrom('contacts').select(['id', 'account_id']).orderBy('id', 'desc').executeTakeFirstOrThrow();
      const numbers: string[] = [];
      for (let i = 0; i < 30; i++) numbers.push(await createCase(db, { type: 'system' }, { shortDescription: `mail ${i}`, contactId: contact.id }));
      const ids = (await db.selectFrom('cases').select('id').where('number', 'in', numbers).execute()).map((r) => r.id);
      await db.transaction().execute(async (trx) => {
        for (const caseId of ids) await queueCaseMail(trx, { caseId, template: 'case_opened', idempotencyKey: `scale:${caseId}`, publicUrl: 'http://x' });
      });
      const workers = instances.map(({ app }) => workerFor({ db: app.db } as never, smtp.url));
      for (let round = 0; round < 5; round++) await Promise.all(workers.map((w) => w.runOnce()));
      const got = smtp.received.map((m) => m.subject).filter((s) => s?.startsWith('We are working on your case'));
      expect(got).toHaveLength(30);
      expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(smtp.received.length);
    } finally {
      await smtp.down();
    }
  });
});
