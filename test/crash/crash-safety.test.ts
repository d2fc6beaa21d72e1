import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../helpers/database.js';
import { startSmtpServer } from '../helpers/mail.js';
import { multipartBody } from '../helpers/multipart.js';
import {
  bundleServer,
  consistencyProblems,
  databaseUrl,
  freePort,
  pgForeignKeysValid,
  prng,
  request,
  sha256,
  sqliteIntegrity,
  startServer,
  type HttpResult,
  type ServerProcess,
} from './harness.js';

// Crash safety: the real server runs mixed writes from concurrent clients — cases, comments with
// attachments (multipart), review approval and publishing, all with Idempotency-Key — and is
// killed with SIGKILL at a random moment, ROUNDS times. After each crash the database must pass
// its integrity checks; after each restart every write that was answered 2xx is there with its
// content, nothing is orphaned (rows or files), no mail went out twice, and retrying a request
// with its key returns the original answer (or, if it never committed, performs it once).

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 50);
const CLIENTS = 4;
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ADMIN = { email: 'crash-admin@example.test', password: 'crash-admin-password-1' };
const PASSWORD = 'crash-user-password-1';

type Kind = 'create' | 'start' | 'upload' | 'comment' | 'resolve' | 'review' | 'request-approval' | 'approve' | 'publish';

interface Op {
  n: number;
  kind: Kind;
  key: string;
  url: string;
  cookie: string;
  json?: unknown;
  body?: Buffer;
  contentType?: string;
  /** What must be in the database once answered: a unique text, or the file's hash. */
  marker: string;
  fileSha?: string;
  round: number;
  answer?: HttpResult;
  answeredOnRetry?: boolean;
  checked?: boolean;
}

interface Flow {
  step: number;
  caseNumber?: string;
  reviewNumber?: string;
  attachmentIds: number[];
}

const STEPS: Kind[] = ['create', 'start', 'upload', 'comment', 'comment', 'resolve', 'review', 'request-approval', 'approve', 'publish'];

let testDb: TestDatabase;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let bundle: string;
let port: number;
let env: Record<string, string>;
let server: ServerProcess | null = null;
const rnd = prng(SEED);
const ops: Op[] = [];
const stats = { rounds: 0, answered: 0, unanswered: 0, retriedUnanswered: 0, replayedAnswered: 0, performedOnRetry: 0, cases: 0, attachments: 0, published: 0, mails: 0, kills: 0, restartMs: 0, wrote: 0, filesRestored: 0, filesRemoved: 0, mailsInterrupted: 0 };

let agentCookies: string[] = [];
let managerCookie = '';
let managerId = 0;
let contactId = 0;

beforeAll(async () => {
  console.log(`crash harness (${testDialect}): seed=${SEED} rounds=${ROUNDS} clients=${CLIENTS} — repeat with CRASH_SEED=${SEED}`);
  testDb = await createTestDatabase();
  smtp = await startSmtpServer();
  [bundle, port] = await Promise.all([bundleServer(), freePort()]);
  env = {
    DATABASE_URL: databaseUrl(testDb.config),
    CASEBOOK_DATA_DIR: testDb.dataDir,
    CASEBOOK_WEB_DIR: path.join(testDb.dataDir, 'no-web'),
    CASEBOOK_ADMIN_EMAIL: ADMIN.email,
    CASEBOOK_ADMIN_PASSWORD: ADMIN.password,
    CASEBOOK_RATE_LIMIT_PER_MINUTE: '1000000',
    CASEBOOK_MAIL_POLL_SECONDS: '0.2',
    CASEBOOK_PUBLIC_URL: 'https://support.example.test',
    // This run is the only instance on its database: at start-up every unreferenced file is a crash's leftover.
    CASEBOOK_ORPHAN_FILE_GRACE_SECONDS: '0',
    SMTP_URL: smtp.url,
    LOG_LEVEL: 'error',
  };
  server = await startServer(bundle, port, env);
  await seed(server.base);
}, 120_000);

afterAll(async () => {
  await server?.kill9();
  await smtp?.down();
  if (bundle) fs.rmSync(bundle, { force: true });
  await testDb?.drop();
});

async function login(base: string, email: string, password: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('casebook_session='))!;
  return cookie.split(';')[0]!;
}

async function seed(base: string) {
  const admin = await login(base, ADMIN.email, ADMIN.password);
  const post = async (url: string, json: unknown) => {
    const res = await request(base, 'POST', url, { cookie: admin, json });
    if (!res || res.status !== 201) throw new Error(`seed ${url}: ${res?.status} ${res?.body}`);
    return JSON.parse(res.body);
  };
  const agents = [];
  for (let i = 0; i < CLIENTS; i++) agents.push(await post('/api/v1/users', { email: `crash-agent-${i}@example.test`, name: `Crash Agent ${i}`, roles: ['agent'], password: PASSWORD }));
  const manager = await post('/api/v1/users', { email: 'crash-manager@example.test', name: 'Crash Manager', roles: ['manager', 'agent'], password: PASSWORD });
  managerId = manager.id;
  const account = await post('/api/v1/accounts', { name: 'Crashworthy Ltd' });
  contactId = (await post('/api/v1/contacts', { accountId: account.id, name: 'Casey Crash', email: 'casey@crashworthy.test', portalAccess: false })).id;
  agentCookies = await Promise.all(agents.map((a) => login(base, a.email, PASSWORD)));
  managerCookie = await login(base, manager.email, PASSWORD);
}

/** The next request of a client's flow: one case from creation to its published review. */
function nextOp(client: number, flow: Flow, round: number): Op {
  const kind = STEPS[flow.step]!;
  const n = ops.length + 1;
  const marker = `crash-${SEED}-${n}`;
  const cookie = agentCookies[client]!;
  const base = { n, kind, key: `k-${SEED}-${n}`, cookie, marker, round };
  const c = flow.caseNumber;
  switch (kind) {
    case 'create':
      return { ...base, url: '/api/v1/cases', json: { shortDescription: marker, description: `written in round ${round}`, contactId, priority: 1 + (n % 4) } };
    case 'start':
      return { ...base, url: `/api/v1/cases/${c}/start`, json: {} };
    case 'upload': {
      const content = rnd.bytes(rnd.int(1, 48) * 1024);
      const m = multipartBody([{ name: `${marker}.bin`, content }], `----crash${n}`);
      return { ...base, url: `/api/v1/cases/${c}/attachments`, body: m.payload, contentType: m.headers['content-type'], fileSha: sha256(content) };
    }
    case 'comment': {
      const customer = flow.attachmentIds.length === 0;
      return { ...base, url: `/api/v1/cases/${c}/comments`, json: { body: marker, visibility: customer ? 'customer' : 'internal', attachmentIds: flow.attachmentIds } };
    }
    case 'resolve':
      return { ...base, url: `/api/v1/cases/${c}/resolve`, json: { resolutionCode: 'solved', cause: 'A crash test', resolutionNotes: marker } };
    case 'review':
      return { ...base, url: `/api/v1/cases/${c}/review`, json: {} };
    case 'request-approval':
      return { ...base, url: `/api/v1/reviews/${flow.reviewNumber}/request-approval`, json: { approvalUserIds: [managerId] } };
    case 'approve':
      return { ...base, cookie: managerCookie, url: `/api/v1/reviews/${flow.reviewNumber}/approve`, json: { comment: marker } };
    case 'publish':
      return { ...base, url: `/api/v1/reviews/${flow.reviewNumber}/publish`, json: {} };
  }
}

const send = (base: string, op: Op) => request(base, 'POST', op.url, { cookie: op.cookie, key: op.key, json: op.json, body: op.body, contentType: op.contentType });

/** Moves the flow on after its request was answered 2xx. */
function advance(flow: Flow, op: Op) {
  const body = JSON.parse(op.answer!.body);
  if (op.kind === 'create') flow.caseNumber = body.number;
  if (op.kind === 'upload') flow.attachmentIds = body.items.map((i: { id: number }) => i.id);
  else if (op.kind === 'comment') flow.attachmentIds = [];
  if (op.kind === 'review') flow.reviewNumber = body.number;
  flow.step = (flow.step + 1) % STEPS.length;
  if (flow.step === 0) Object.assign(flow, { caseNumber: undefined, reviewNumber: undefined, attachmentIds: [] });
}

function expectAnswered(op: Op, res: HttpResult) {
  if (res.status < 200 || res.status >= 300) throw new Error(`${op.kind} ${op.url} (key ${op.key}) answered ${res.status}: ${res.body.slice(0, 500)}`);
}

const flows: Flow[] = Array.from({ length: CLIENTS }, () => ({ step: 0, attachmentIds: [] }));
const pending: (Op | null)[] = Array.from({ length: CLIENTS }, () => null);

/** Runs the clients until the server dies under them. */
async function workload(base: string, round: number, stop: { dead: boolean }) {
  await Promise.all(
    flows.map(async (flow, client) => {
      while (!stop.dead) {
        const op = nextOp(client, flow, round);
        ops.push(op);
        const res = await send(base, op);
        if (!res) {
          // The server died under this request: retried after the restart.
          pending[client] = op;
          stats.unanswered++;
          return;
        }
        expectAnswered(op, res);
        op.answer = res;
        stats.answered++;
        advance(flow, op);
      }
    }),
  );
}

/** After a restart: requests that got no answer are sent again with their keys, a few answered ones too. */
async function retry(base: string) {
  for (let client = 0; client < CLIENTS; client++) {
    const op = pending[client];
    if (!op) continue;
    pending[client] = null;
    const res = await send(base, op);
    expect(res, `retry of ${op.kind} ${op.key}`).not.toBeNull();
    expectAnswered(op, res!);
    op.answer = res!;
    op.answeredOnRetry = true;
    stats.retriedUnanswered++;
    if (res!.headers.get('idempotent-replayed') !== 'true') stats.performedOnRetry++;
    advance(flows[client]!, op);
  }
  const answered = ops.filter((o) => o.answer && !o.answeredOnRetry);
  for (let i = 0; i < 3 && answered.length; i++) {
    const op = answered[rnd.int(0, answered.length - 1)]!;
    const res = await send(base, op);
    expect(res?.status, `replay of ${op.kind} ${op.key}`).toBe(op.answer!.status);
    expect(res!.headers.get('idempotent-replayed')).toBe('true');
    expect(JSON.parse(res!.body)).toEqual(JSON.parse(op.answer!.body));
    stats.replayedAnswered++;
  }
}

/** Every answered write is in the database with its content, exactly once. */
async function answeredWritesPresent(db: Database['db'], which: Op[]) {
  const problems: string[] = [];
  for (const op of which.filter((o) => o.answer)) {
    const body = JSON.parse(op.answer!.body);
    switch (op.kind) {
      case 'create': {
        const rows = await db.selectFrom('cases').select(['number', 'description']).where('short_description', '=', op.marker).execute();
        if (rows.length !== 1 || rows[0]!.number !== body.number) problems.push(`case ${op.marker}: ${rows.length} rows (answer ${body.number})`);
        break;
      }
      case 'start': {
        const c = await db.selectFrom('cases').select('status').where('number', '=', body.number).executeTakeFirst();
        if (!c || c.status === 'new') problems.push(`start of ${body.number} lost (status ${c?.status})`);
        break;
      }
      case 'upload': {
        const rows = await db.selectFrom('attachments').select(['id', 'sha256']).where('file_name', '=', `${op.marker}.bin`).execute();
        if (rows.length !== 1 || rows[0]!.id !== body.items[0].id || rows[0]!.sha256 !== op.fileSha) problems.push(`attachment ${op.marker}: ${JSON.stringify(rows)}`);
        break;
      }
      case 'comment': {
        const rows = await db.selectFrom('comments').select('id').where('body', '=', op.marker).execute();
        if (rows.length !== 1 || rows[0]!.id !== body.id) problems.push(`comment ${op.marker}: ${rows.length} rows`);
        const linked = await db.selectFrom('attachments').select('id').where('comment_id', '=', body.id).execute();
        const want = (op.json as { attachmentIds: number[] }).attachmentIds;
        if (linked.map((l) => l.id).sort().join() !== [...want].sort().join()) problems.push(`comment ${op.marker} lost its attachments`);
        break;
      }
      case 'resolve': {
        const c = await db.selectFrom('cases').select(['status', 'resolution_notes']).where('number', '=', body.number).executeTakeFirst();
        if (c?.resolution_notes !== op.marker) problems.push(`resolution of ${body.number} lost`);
        break;
      }
      case 'review': {
        const r = await db.selectFrom('reviews').innerJoin('cases', 'cases.id', 'reviews.case_id').select(['reviews.number', 'cases.number as case_number']).where('reviews.number', '=', body.number).execute();
        if (r.length !== 1) problems.push(`review ${body.number} missing`);
        break;
      }
      case 'request-approval':
      case 'approve':
      case 'publish': {
        const order = ['new', 'in_progress', 'awaiting_approval', 'approved', 'published'];
        const r = await db.selectFrom('reviews').select(['id', 'state']).where('number', '=', body.number).executeTakeFirstOrThrow();
        const least = op.kind === 'request-approval' ? 'awaiting_approval' : op.kind === 'approve' ? 'approved' : 'published';
        if (order.indexOf(r.state) < order.indexOf(least)) problems.push(`${op.kind} of ${body.number} lost (state ${r.state})`);
        if (op.kind === 'publish') {
          const docs = await db.selectFrom('review_documents').select('doc_version').where('review_id', '=', r.id).execute();
          if (docs.length !== 1) problems.push(`review ${body.number} has ${docs.length} published documents (published once)`);
        }
        break;
      }
    }
  }
  return problems;
}

/** No Message-ID reached the SMTP server twice, and each one is a mail of our outbox. */
async function mailAtMostOnce(db: Database['db']) {
  const ids = smtp.received.map((m) => m.messageId);
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  const outbox = new Set((await db.selectFrom('outbox').select('message_id').execute()).map((r) => r.message_id.replace(/^<|>$/g, '')));
  const foreign = ids.filter((id) => !outbox.has(String(id).replace(/^<|>$/g, '')));
  const sentRows = await db.selectFrom('outbox').select('message_id').where('state', '=', 'sent').execute();
  const missing = sentRows.filter((r) => !ids.some((id) => String(id).replace(/^<|>$/g, '') === r.message_id.replace(/^<|>$/g, '')));
  return [...dupes.map((d) => `mail ${d} delivered twice`), ...foreign.map((f) => `mail ${f} is not in the outbox`), ...missing.map((m) => `outbox mail ${m.message_id} marked sent but never arrived`)];
}

describe(`crash safety: kill -9 at random points (${testDialect})`, () => {
  it(`survives ${ROUNDS} kills with nothing lost, doubled or orphaned`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const stop = { dead: false };
      const running = workload(server!.base, round, stop);
      await new Promise((r) => setTimeout(r, rnd.int(300, 1000)));
      await server!.kill9();
      stats.kills++;
      stop.dead = true;
      await running;
      server = null;

      // The server is down: the files on disk are what the crash left.
      if (testDb.config.kind === 'sqlite') {
        const check = sqliteIntegrity(testDb.config.file);
        expect(check.integrity, `round ${round}: integrity_check`).toEqual(['ok']);
        expect(check.foreignKeys, `round ${round}: foreign_key_check`).toEqual([]);
      }

      const t0 = Date.now();
      server = await startServer(bundle, port, env);
      stats.restartMs += Date.now() - t0;
      // What the start-up sweep found of the crash: staged files finished, unreferenced ones removed.
      const swept = /files after an interrupted run: (\d+) restored, (\d+) unreferenced removed/.exec(server.output.join(''));
      if (swept) {
        stats.filesRestored += Number(swept[1]);
        stats.filesRemoved += Number(swept[2]);
      }
      await retry(server.base);

      const fresh = ops.filter((o) => o.answer && !o.checked);
      const database = openDatabase(testDb.config, { poolSize: 2 });
      try {
        const problems = [
          ...(await consistencyProblems(database.db, testDb.dataDir)),
          ...(testDialect === 'postgres' ? await pgForeignKeysValid(database.db) : []),
          // This round's writes (the final check below looks at all of them again).
          ...(await answeredWritesPresent(database.db, fresh)),
          ...(await mailAtMostOnce(database.db)),
        ];
        expect(problems, `round ${round} (seed ${SEED})`).toEqual([]);
      } finally {
        await database.close();
      }
      for (const o of fresh) o.checked = true;
      stats.rounds++;
    }

    // Let the last server deliver what is due, then look at the mail once more.
    const database = openDatabase(testDb.config, { poolSize: 2 });
    try {
      for (let i = 0; i < 100; i++) {
        const queued = await database.db.selectFrom('outbox').select('id').where('state', '=', 'queued').execute();
        if (queued.length === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await mailAtMostOnce(database.db)).toEqual([]);
      expect(await answeredWritesPresent(database.db, ops)).toEqual([]);
      expect(await consistencyProblems(database.db, testDb.dataDir)).toEqual([]);
      stats.cases = (await database.db.selectFrom('cases').select('id').execute()).length;
      stats.attachments = (await database.db.selectFrom('attachments').select('id').execute()).length;
      stats.published = (await database.db.selectFrom('review_documents').select('id').execute()).length;
      stats.mails = smtp.received.length;
      stats.mailsInterrupted = (await database.db.selectFrom('outbox').select('id').where('state', '=', 'failed').where('last_error', 'like', 'Delivery was interrupted%').execute()).length;
      stats.wrote = ops.filter((o) => o.answer).length;
    } finally {
      await database.close();
    }
    console.log(`crash harness (${testDialect}) seed=${SEED}: ${JSON.stringify({ ...stats, restartMsAvg: Math.round(stats.restartMs / Math.max(1, stats.kills)) })}`);
    expect(stats.rounds).toBe(ROUNDS);
    expect(stats.unanswered).toBeGreaterThan(0);
  }, 900_000);
});
