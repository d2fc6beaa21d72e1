import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig, type DatabaseConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { knownMigrations, migrateTo } from '../src/db/migrate.js';
import type { DB } from '../src/db/schema.js';
import { backup } from '../src/ops/backup.js';
import { dataTables, openRaw, tableShape, type Manifest } from '../src/ops/backup-format.js';
import { restore, verifyBackup } from '../src/ops/restore.js';
import { ADMIN, startTestApp, type TestApp } from './helpers/app.js';
import { createTestDatabase, testDialect, type TestDatabase } from './helpers/database.js';
import { act, makeAccount, makeAsset, makeCase, makeCustomer, makeUser, PASSWORD } from './helpers/factories.js';

// Backup and restore (npm run backup / npm run restore): an instance filled through the API is
// backed up while it runs, restored into an empty instance (fresh database, fresh data directory)
// and found whole — every row of every table, the files byte for byte, sign-in, the next numbers.

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4b50000000049454e44ae426082', 'hex');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-backup-test-'));

let t: TestApp;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await t?.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

function multipart(files: { name: string; content: Buffer | string }[]) {
  const boundary = '----casebook' + Math.random().toString(16).slice(2);
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    chunks.push(Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Every row of every data table, ordered by primary key: what "finds everything" compares. */
async function contents(config: DatabaseConfig): Promise<Record<string, unknown[][]>> {
  const raw = await openRaw(config, { readonly: true });
  try {
    await raw.exec(raw.dialect === 'postgres' ? 'begin isolation level repeatable read read only' : 'begin');
    const out: Record<string, unknown[][]> = {};
    for (const name of await dataTables(raw)) {
      const s = await tableShape(raw, name);
      const order = s.primaryKey.length ? s.primaryKey : s.columns;
      const rows: unknown[][] = [];
      for await (const r of raw.iterate(`select ${s.columns.map((c) => `"${c}"`).join(', ')} from "${name}" order by ${order.map((c) => `"${c}"`).join(', ')}`)) rows.push(r);
      out[name] = rows;
    }
    await raw.exec('commit');
    return out;
  } finally {
    await raw.close();
  }
}

/** A Casebook instance on an already restored database (no migrations, no admin bootstrap). */
async function openInstance(db: TestDatabase) {
  const config = {
    ...loadConfig({ CASEBOOK_DATA_DIR: db.dataDir, LOG_LEVEL: 'silent', CASEBOOK_PUBLIC_URL: 'https://support.example.test' }),
    database: db.config,
    webDir: `${db.dataDir}/no-web`,
  };
  const database = openDatabase(config.database, { poolSize: 4 });
  const app = await buildApp(config, database.db, { logger: false });
  await app.ready();
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, as?: string, body?: unknown): Promise<LightMyRequestResponse> =>
    app.inject({ method, url, headers: as ? { cookie: as } : {}, ...(body !== undefined ? { payload: body as object } : {}) });
  const login = async (email: string, password: string, portal?: boolean) => {
    const res = await call('POST', '/api/v1/auth/login', undefined, { email, password, ...(portal ? { portal } : {}) });
    expect(res.statusCode, `login ${email}: ${res.body}`).toBe(200);
    return `casebook_session=${res.cookies.find((c) => c.name === 'casebook_session')!.value}`;
  };
  return { db: database.db as Kysely<DB>, call, login, close: async () => { await app.close(); await database.close(); } };
}

async function freshDatabase() {
  const db = await createTestDatabase();
  cleanups.push(db.drop);
  return db;
}

interface Filled {
  agent: Awaited<ReturnType<typeof makeUser>>;
  customer: Awaited<ReturnType<typeof makeCustomer>>;
  attachments: { id: number; sha256: string; bytes: Buffer }[];
  documents: { id: number; sha256: string }[];
  caseNumbers: string[];
  reviewNumber: string;
  articleNumber: string;
}

/** Cases, comments with attachments, a review published twice, a major case with a child, an article, portal cases, mail. */
async function fill(): Promise<Filled> {
  const agent = await makeUser(t, { name: 'Maya Patel' });
  const manager = await makeUser(t, { name: 'Grace Kim', roles: ['manager', 'agent'] });
  const agentCookie = await agent.cookie();
  const managerCookie = await manager.cookie();
  const account = await makeAccount(t, { name: 'Northwind' });
  const customer = await makeCustomer(t, { accountId: account.id, name: 'Nancy Davolio' });
  const asset = await makeAsset(t, { accountId: account.id, name: 'Order gateway', serialNumber: 'NW-GW-0042' });

  const attachments: Filled['attachments'] = [];
  const c1 = await makeCase(t, { contactId: customer.contact.id, assetIds: [asset.id], shortDescription: 'Orders stuck in the gateway' });
  const files = [
    { name: 'screenshot.png', content: PNG },
    { name: 'gateway.log', content: `TLS handshake failed ${'x'.repeat(5000)}\n` },
  ];
  const m = multipart(files);
  const up = await t.app.inject({ method: 'POST', url: `/api/v1/cases/${c1.number}/attachments`, headers: { ...m.headers, cookie: agentCookie }, payload: m.payload });
  expect(up.statusCode, up.body).toBe(201);
  up.json().items.forEach((a: { id: number; sha256: string }, i: number) => attachments.push({ id: a.id, sha256: a.sha256, bytes: Buffer.from(files[i]!.content) }));
  const note = await t.call('POST', `/api/v1/cases/${c1.number}/comments`, { as: agentCookie, body: { body: 'Logs and a screenshot attached', visibility: 'internal', attachmentIds: attachments.map((a) => a.id) } });
  expect(note.statusCode, note.body).toBe(201);
  expect((await t.call('POST', `/api/v1/cases/${c1.number}/comments`, { as: agentCookie, body: { body: 'We are renewing the certificate.', visibility: 'customer' } })).statusCode).toBe(201);
  expect((await act(t, c1.number, 'start', {}, agentCookie)).statusCode).toBe(200);
  expect((await act(t, c1.number, 'resolve', { resolutionCode: 'solved', cause: 'The certificate expired.', resolutionNotes: 'Renewed it.' }, agentCookie)).statusCode).toBe(200);

  // A review published, reopened and published again: two document versions.
  const r = (await t.call('POST', `/api/v1/cases/${c1.number}/review`, { as: agentCookie })).json();
  await t.call('PATCH', `/api/v1/reviews/${r.number}`, { as: agentCookie, body: { summary: 'The gateway was down for **3 hours**.', preventiveMeasures: 'Automatic renewal.' } });
  const rAct = (action: string, body: unknown = {}, as = agentCookie) => t.call('POST', `/api/v1/reviews/${r.number}/${action}`, { as, body });
  expect((await rAct('request-approval', { approvalUserIds: [manager.id] })).statusCode).toBe(200);
  expect((await rAct('approve', { comment: 'Clear.' }, managerCookie)).statusCode).toBe(200);
  expect((await rAct('publish')).statusCode).toBe(200);
  expect((await rAct('reopen')).statusCode).toBe(200);
  await t.call('PATCH', `/api/v1/reviews/${r.number}`, { as: agentCookie, body: { summary: 'The gateway was down for three hours (corrected).' } });
  expect((await rAct('request-approval')).statusCode).toBe(200);
  expect((await rAct('approve', {}, managerCookie)).statusCode).toBe(200);
  expect((await rAct('publish')).statusCode).toBe(200);
  const documents = (await t.call('GET', `/api/v1/reviews/${r.number}/documents`, { as: agentCookie })).json().items.map((d: { id: number; sha256: string }) => ({ id: d.id, sha256: d.sha256 }));
  expect(documents).toHaveLength(2);

  // A major case with a child: the child refers to its parent in the same table.
  const major = await makeCase(t, { shortDescription: 'EU region outage', priority: 1 });
  const child = await makeCase(t, { shortDescription: 'Northwind cannot order', contactId: customer.contact.id });
  expect((await t.call('POST', `/api/v1/cases/${major.number}/major`, { as: t.adminCookie, body: { major: true } })).statusCode).toBe(200);
  expect((await t.call('POST', `/api/v1/cases/${major.number}/children`, { as: t.adminCookie, body: { caseNumbers: [child.number] } })).statusCode).toBe(200);

  const portal = await t.call('POST', '/api/v1/portal/cases', { as: customer.cookie, body: { shortDescription: 'Invoice missing', description: 'Since October.' } });
  expect(portal.statusCode, portal.body).toBe(201);
  const article = await t.call('POST', '/api/v1/articles', { as: agentCookie, body: { title: 'Renew an expired gateway certificate', body: 'Run **renew-cert** on the gateway host.' } });
  expect(article.statusCode, article.body).toBe(201);
  const more = [];
  for (let i = 0; i < 5; i++) more.push((await makeCase(t, { shortDescription: `Routine question ${i}`, priority: 1 + (i % 4) })).number);
  return { agent, customer, attachments, documents, caseNumbers: [c1.number, major.number, child.number, portal.json().number, ...more], reviewNumber: r.number, articleNumber: article.json().number };
}

let filled: Filled;
let backupDir: string;
let manifest: Manifest;
let before: Record<string, unknown[][]>;

describe(`backup and restore (${testDialect})`, () => {
  it('backs up a running instance and restores it into an empty one, where everything is found', async () => {
    filled = await fill();
    expect(Number((await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBeGreaterThan(0);
    before = await contents(t.config.database);
    backupDir = path.join(scratch, 'full');
    const lines: string[] = [];
    ({ manifest } = await backup({ database: t.config.database, dataDir: t.config.dataDir, target: backupDir, log: (l) => lines.push(l) }));
    expect(lines.join('\n')).toMatch(/Backup written to .*: \d+ tables, \d+ rows, \d+ files/);
    // The manifest counts every table's rows and names every stored file with its sha-256.
    for (const [name, rows] of Object.entries(before)) expect(manifest.tables.find((x) => x.name === name)?.rows, name).toBe(rows.length);
    for (const a of filled.attachments) expect(manifest.files.find((f) => f.path === `attachments/${a.sha256.slice(0, 2)}/${a.sha256}`)).toMatchObject({ size: a.bytes.length, sha256: a.sha256 });
    for (const d of filled.documents) expect(manifest.files.some((f) => f.path.startsWith('documents/') && f.sha256 === d.sha256)).toBe(true);
    expect(manifest.migrations.length).toBeGreaterThan(0);

    const target = await freshDatabase();
    const result = await restore({ database: target.config, dataDir: target.dataDir, source: backupDir });
    expect(result.rows).toBe(Object.values(before).reduce((n, r) => n + r.length, 0));

    // Row for row, table for table.
    const after = await contents(target.config);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const name of Object.keys(before)) expect(after[name], `table ${name}`).toEqual(before[name]);

    const b = await openInstance(target);
    try {
      // Sign-in still works: the admin, an agent, a portal customer.
      const admin = await b.login(ADMIN.email, ADMIN.password);
      const agent = await b.login(filled.agent.email, PASSWORD);
      const portal = await b.login(filled.customer.contact.email, PASSWORD, true);
      for (const n of filled.caseNumbers) expect((await b.call('GET', `/api/v1/cases/${n}`, agent)).json().number).toBe(n);
      expect((await b.call('GET', `/api/v1/reviews/${filled.reviewNumber}`, agent)).json()).toMatchObject({ state: 'published', latestDocument: { version: 2 } });
      expect((await b.call('GET', `/api/v1/articles/${filled.articleNumber}`, agent)).statusCode).toBe(200);
      // Attachment bytes and document sha-256, served by the restored instance.
      for (const a of filled.attachments) {
        const dl = await b.call('GET', `/api/v1/attachments/${a.id}`, agent);
        expect(dl.statusCode).toBe(200);
        expect(dl.rawPayload.equals(a.bytes)).toBe(true);
      }
      for (const d of filled.documents) {
        const pdf = await b.call('GET', `/api/v1/documents/${d.id}`, agent);
        expect(pdf.statusCode).toBe(200);
        expect(sha(pdf.rawPayload)).toBe(d.sha256);
      }
      const portalCases = (await b.call('GET', '/api/v1/portal/cases', portal)).json().items.map((x: { number: string }) => x.number);
      expect(portalCases).toEqual(expect.arrayContaining([filled.caseNumbers[0], filled.caseNumbers[2], filled.caseNumbers[3]]));
      const majorId = (await b.db.selectFrom('cases').select('id').where('number', '=', filled.caseNumbers[1]!).executeTakeFirstOrThrow()).id;
      expect((await b.db.selectFrom('cases').select('parent_id').where('number', '=', filled.caseNumbers[2]!).executeTakeFirstOrThrow()).parent_id).toBe(majorId);

      // New records continue the numbers and ids: no collision with a restored row.
      const highest = Math.max(...filled.caseNumbers.map((n) => Number(n.slice(2))));
      const next = await b.call('POST', '/api/v1/cases', agent, { shortDescription: 'After the restore' });
      expect(next.statusCode, next.body).toBe(201);
      expect(next.json().number).toBe(`CS${String(highest + 1).padStart(7, '0')}`);
      const maxUser = Math.max(...(before.users ?? []).map((r) => Number(r[0])));
      const user = await b.call('POST', '/api/v1/users', admin, { email: 'after-restore@example.test', name: 'After Restore', roles: ['agent'], password: PASSWORD });
      expect(user.statusCode, user.body).toBe(201);
      expect(user.json().id).toBe(maxUser + 1);
      expect((await b.call('POST', `/api/v1/cases/${next.json().number}/comments`, agent, { body: 'First comment after the restore', visibility: 'internal' })).statusCode).toBe(201);
      // Full-text search works on restored text (SQLite rebuilds its index as the rows go in).
      const found = (await b.call('GET', `/api/v1/cases?view=all&q=${encodeURIComponent('gateway')}`, agent)).json().items.map((x: { number: string }) => x.number);
      expect(found).toContain(filled.caseNumbers[0]);
    } finally {
      await b.close();
    }
    if (target.config.kind === 'sqlite') {
      const raw = await openRaw(target.config, { readonly: true });
      expect(await raw.query('pragma integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(await raw.query('pragma foreign_key_check')).toEqual([]);
      await raw.close();
    }
  });

  it('refuses to restore over a database that holds data, unless --force; --force replaces it', async () => {
    const target = await freshDatabase();
    await restore({ database: target.config, dataDir: target.dataDir, source: backupDir });
    const b = await openInstance(target);
    const agent = await b.login(filled.agent.email, PASSWORD);
    expect((await b.call('POST', '/api/v1/cases', agent, { shortDescription: 'Written after the restore' })).statusCode).toBe(201);
    await b.close();
    await expect(restore({ database: target.config, dataDir: target.dataDir, source: backupDir })).rejects.toThrow(/not empty \(it holds \d+ users, \d+ accounts, \d+ contacts, \d+ cases.*--force/);
    await restore({ database: target.config, dataDir: target.dataDir, source: backupDir, force: true });
    const after = await contents(target.config);
    for (const name of Object.keys(before)) expect(after[name], `table ${name}`).toEqual(before[name]);
  });

  it('refuses an incomplete or damaged backup with a clear message, before touching the database', async () => {
    const copy = (name: string) => {
      const dir = path.join(scratch, name);
      fs.cpSync(backupDir, dir, { recursive: true });
      return dir;
    };
    const noManifest = copy('no-manifest');
    fs.rmSync(path.join(noManifest, 'manifest.json'));
    const badFile = copy('bad-file');
    const att = filled.attachments[1]!;
    const attPath = path.join(badFile, 'files', 'attachments', att.sha256.slice(0, 2), att.sha256);
    const bytes = fs.readFileSync(attPath);
    bytes[10] = bytes[10]! ^ 0xff;
    fs.writeFileSync(attPath, bytes);
    const lostFile = copy('lost-file');
    fs.rmSync(path.join(lostFile, 'files', 'documents'), { recursive: true });
    const cutRows = copy('cut-rows');
    const casesFile = path.join(cutRows, 'tables', 'cases.jsonl');
    fs.writeFileSync(casesFile, fs.readFileSync(casesFile, 'utf8').split('\n').slice(1).join('\n'));
    const unlisted = copy('unlisted-file');
    const m = JSON.parse(fs.readFileSync(path.join(unlisted, 'manifest.json'), 'utf8')) as Manifest;
    m.files = m.files.filter((f) => !f.path.startsWith('documents/'));
    fs.writeFileSync(path.join(unlisted, 'manifest.json'), JSON.stringify(m));
    const traversal = copy('traversal');
    const m2 = JSON.parse(fs.readFileSync(path.join(traversal, 'manifest.json'), 'utf8')) as Manifest;
    m2.files.push({ path: '../../etc/cron.d/evil', size: 1, sha256: '0'.repeat(64) });
    fs.writeFileSync(path.join(traversal, 'manifest.json'), JSON.stringify(m2));

    const cases: [string, RegExp][] = [
      [noManifest, /no manifest\.json: the backup is incomplete/],
      [badFile, new RegExp(`file attachments/${att.sha256.slice(0, 2)}/${att.sha256} is damaged`)],
      [lostFile, /the backup is incomplete: the file documents\/.* is missing/i],
      [cutRows, /rows of table cases are damaged/],
      [unlisted, /Table review_documents names the stored file [0-9a-f]{64}, which the backup does not contain/],
      [traversal, /unexpected file path "\.\.\/\.\.\/etc\/cron\.d\/evil"/],
      [path.join(scratch, 'nowhere'), /is not a backup directory/],
    ];
    const target = await freshDatabase();
    for (const [dir, message] of cases) {
      await expect(verifyBackup(dir)).rejects.toThrow(message);
      await expect(restore({ database: target.config, dataDir: target.dataDir, source: dir })).rejects.toThrow(message);
    }
    // Nothing was written: no schema, no files.
    const raw = await openRaw(target.config).catch(() => null);
    if (raw) {
      expect(await dataTables(raw)).toEqual([]);
      await raw.close();
    }
    expect(fs.readdirSync(target.dataDir).filter((f) => f !== 'casebook.db')).toEqual([]);
    // A backup never overwrites another.
    await expect(backup({ database: t.config.database, dataDir: t.config.dataDir, target: backupDir })).rejects.toThrow(/already exists/);
  });

  it('a backup taken while cases and comments are being written is consistent', async () => {
    const writes: Promise<unknown>[] = [];
    const agentCookie = await filled.agent.cookie();
    for (let i = 0; i < 12; i++) {
      writes.push(
        makeCase(t, { shortDescription: `Written during the backup ${i}` }, agentCookie).then((c) =>
          t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: `note ${i}`, visibility: 'internal' } }),
        ),
      );
    }
    const dir = path.join(scratch, 'during-writes');
    const [{ manifest: m }] = await Promise.all([backup({ database: t.config.database, dataDir: t.config.dataDir, target: dir }), ...writes]);
    const target = await freshDatabase();
    await restore({ database: target.config, dataDir: target.dataDir, source: dir });
    const got = await contents(target.config);
    // The snapshot is one moment: the case counter matches the cases, every comment has its case.
    const seq = got.number_sequences!.find((r) => r.includes('case'))!;
    const cols = m.tables.find((x) => x.name === 'number_sequences')!.columns;
    const nextValue = Number(seq[cols.indexOf('next_value')]);
    const caseNumbers = got.cases!.map((r) => Number(String(r[m.tables.find((x) => x.name === 'cases')!.columns.indexOf('number')]).slice(2)));
    expect(nextValue - 1).toBe(Math.max(...caseNumbers));
    expect(got.cases!.length).toBeGreaterThanOrEqual(before.cases!.length);
    const b = await openInstance(target);
    expect(Number((await sql<{ n: number }>`select count(*) as n from comments c left join cases k on k.id = c.case_id where k.id is null`.execute(b.db)).rows[0]!.n)).toBe(0);
    await b.close();
  });

  it('a file whose row committed but which is still staged in tmp/ (moved into place after the commit) is backed up', async () => {
    const a = filled.attachments[0]!;
    const stored = path.join(t.config.dataDir, 'attachments', a.sha256.slice(0, 2), a.sha256);
    const staged = path.join(t.config.dataDir, 'tmp', `attachments.${a.sha256}.0123456789abcdef`);
    fs.mkdirSync(path.dirname(staged), { recursive: true });
    fs.renameSync(stored, staged);
    const dir = path.join(scratch, 'staged');
    try {
      const { manifest: m } = await backup({ database: t.config.database, dataDir: t.config.dataDir, target: dir });
      expect(m.files.find((f) => f.sha256 === a.sha256)).toEqual({ path: `attachments/${a.sha256.slice(0, 2)}/${a.sha256}`, size: a.bytes.length, sha256: a.sha256 });
    } finally {
      fs.renameSync(staged, stored);
    }
    const target = await freshDatabase();
    await restore({ database: target.config, dataDir: target.dataDir, source: dir });
    expect(fs.readFileSync(path.join(target.dataDir, 'attachments', a.sha256.slice(0, 2), a.sha256)).equals(a.bytes)).toBe(true);
  });

  it('a backup restores into the other database too: through SQLite and back, nothing changes', async () => {
    // On the PostgreSQL run this is PostgreSQL → SQLite → PostgreSQL; on the SQLite run SQLite → SQLite → SQLite.
    const now = await contents(t.config.database);
    const first = path.join(scratch, 'portable-1');
    await backup({ database: t.config.database, dataDir: t.config.dataDir, target: first });
    const liteDir = fs.mkdtempSync(path.join(scratch, 'lite-'));
    const lite: DatabaseConfig = { kind: 'sqlite', file: path.join(liteDir, 'casebook.db') };
    await restore({ database: lite, dataDir: liteDir, source: first });
    const onLite = await contents(lite);
    for (const name of Object.keys(now)) expect(onLite[name], `table ${name} on SQLite`).toEqual(now[name]);
    const second = path.join(scratch, 'portable-2');
    await backup({ database: lite, dataDir: liteDir, target: second });
    const back = await freshDatabase();
    await restore({ database: back.config, dataDir: back.dataDir, source: second });
    const again = await contents(back.config);
    for (const name of Object.keys(now)) expect(again[name], `table ${name} back on ${testDialect}`).toEqual(now[name]);
    const b = await openInstance(back);
    try {
      const agent = await b.login(filled.agent.email, PASSWORD);
      const a = filled.attachments[0]!;
      expect((await b.call('GET', `/api/v1/attachments/${a.id}`, agent)).rawPayload.equals(a.bytes)).toBe(true);
      expect((await b.call('POST', '/api/v1/cases', agent, { shortDescription: 'After the round trip' })).statusCode).toBe(201);
    } finally {
      await b.close();
    }
  });

  it('a backup made by an older version is restored into its own schema, then upgraded', async () => {
    const known = knownMigrations();
    const older = known[known.length - 2]!;
    const old = await freshDatabase();
    const oldDb = openDatabase(old.config, { poolSize: 1 });
    await migrateTo(oldDb.db, older);
    await sql`insert into accounts (name, tier) values ('Made before the upgrade', 'gold')`.execute(oldDb.db);
    await oldDb.close();
    const dir = path.join(scratch, 'older');
    const { manifest: m } = await backup({ database: old.config, dataDir: old.dataDir, target: dir });
    expect(m.migrations).toEqual(known.slice(0, -1));

    const target = await freshDatabase();
    const result = await restore({ database: target.config, dataDir: target.dataDir, source: dir });
    expect(result.upgraded).toEqual([known[known.length - 1]]);
    const b = await openInstance(target);
    try {
      expect((await b.db.selectFrom('schema_migrations' as never).select('name' as never).execute()).map((r) => (r as { name: string }).name).sort()).toEqual([...known].sort());
      expect(await b.db.selectFrom('accounts').select(['name', 'tier']).execute()).toEqual([{ name: 'Made before the upgrade', tier: 'gold' }]);
      // What the newer migration seeds is there, as on a database that was never backed up.
      const keys = async (db: Kysely<DB>) => (await db.selectFrom('properties').select('key').orderBy('key').execute()).map((r) => r.key);
      expect(await keys(b.db)).toEqual(await keys(t.db));
    } finally {
      await b.close();
    }
    // The other way round is refused: this database is now ahead of the backup.
    await expect(restore({ database: target.config, dataDir: target.dataDir, source: dir, force: true })).rejects.toThrow(/already has migrations the backup predates .*new, empty database/);
  });

  it('npm run backup / npm run restore: the commands an operator runs', async () => {
    const run = promisify(execFile);
    const env = (db: DatabaseConfig, dataDir: string) => ({
      ...process.env,
      DATABASE_URL: db.kind === 'sqlite' ? `sqlite:${db.file}` : db.url,
      CASEBOOK_DATA_DIR: dataDir,
    });
    const tsx = path.resolve('node_modules/.bin/tsx');
    const dir = path.join(scratch, 'cli');
    const out = await run(tsx, ['src/ops/cli.ts', 'backup', dir], { env: env(t.config.database, t.config.dataDir) });
    expect(out.stdout).toMatch(/Backup written to/);
    expect((await run(tsx, ['src/ops/cli.ts', 'restore', '--verify', dir], { env: env(t.config.database, t.config.dataDir) })).stdout).toMatch(/complete and intact/);
    // Over the running source instance: refused, exit code 1, the reason on stderr.
    const refused = await run(tsx, ['src/ops/cli.ts', 'restore', dir], { env: env(t.config.database, t.config.dataDir) }).catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/restore refused: The database is not empty.*--force/) });
    const target = await freshDatabase();
    expect((await run(tsx, ['src/ops/cli.ts', 'restore', dir], { env: env(target.config, target.dataDir) })).stdout).toMatch(/Restored \d+ rows/);
    const b = await openInstance(target);
    await b.login(ADMIN.email, ADMIN.password);
    await b.close();
  });
});
