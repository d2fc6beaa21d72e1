import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore, sweepFiles } from '../../src/platform/files.js';
import { MailWorker } from '../../src/modules/mail/mail-worker.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeCase, makeContact, makeUser } from '../helpers/factories.js';
import { startSmtpServer } from '../helpers/mail.js';
import { multipartBody } from '../helpers/multipart.js';
import nodemailer from 'nodemailer';

// What the crash harness relies on, one piece at a time: the start-up file sweep, keyed requests
// as one transaction (concurrent retries, refused requests), and mail interrupted mid-send.

let t: TestApp;
let agent: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = await (await makeUser(t)).cookie();
});
afterAll(async () => t?.close());

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const stored = (kind: string, s: string) => path.join(t.config.dataDir, kind, s.slice(0, 2), s);

describe('the start-up file sweep', () => {
  it('moves a staged file whose row committed into place and deletes what nothing references', async () => {
    const c = await makeCase(t);
    const store = new FileStore(t.config.dataDir, 'attachments');
    // A crash after the row committed, before the file was moved: the row must get its file.
    const committed = randomBytes(300);
    const staged = store.stageBuffer(committed);
    const caseId = (await t.db.selectFrom('cases').select('id').where('number', '=', c.number).executeTakeFirstOrThrow()).id;
    await t.db
      .insertInto('attachments')
      .values({ case_id: caseId, comment_id: null, file_name: 'late.bin', content_type: 'application/octet-stream', size: 300, sha256: staged.sha256, visibility: 'internal', uploaded_by_type: 'user', uploaded_by_id: null, created_at: new Date().toISOString() })
      .execute();
    // A crash before the row committed: a staged file, a stored file and a half-written one nobody references.
    const lostStaged = store.stageBuffer(randomBytes(200));
    const lostStored = store.putBuffer(randomBytes(100));
    const part = path.join(t.config.dataDir, 'tmp', `${randomBytes(16).toString('hex')}.part`);
    fs.writeFileSync(part, 'half');
    const documents = new FileStore(t.config.dataDir, 'documents').putBuffer(Buffer.from('%PDF-1.4 orphan'));

    // Another instance may be writing right now: young files are left alone.
    expect(await sweepFiles(t.db, t.config.dataDir, 3600_000)).toEqual({ restored: 1, removedStaged: 0, removedUnreferenced: 0 });
    expect(fs.readFileSync(stored('attachments', staged.sha256)).equals(committed)).toBe(true);
    expect(fs.existsSync(lostStaged.tmpPath)).toBe(true);
    expect(fs.existsSync(stored('attachments', lostStored.sha256))).toBe(true);

    expect(await sweepFiles(t.db, t.config.dataDir, 0)).toEqual({ restored: 0, removedStaged: 2, removedUnreferenced: 2 });
    expect(fs.existsSync(lostStaged.tmpPath)).toBe(false);
    expect(fs.existsSync(part)).toBe(false);
    expect(fs.existsSync(stored('attachments', lostStored.sha256))).toBe(false);
    expect(fs.existsSync(stored('documents', documents.sha256))).toBe(false);
    expect(fs.existsSync(stored('attachments', staged.sha256))).toBe(true);
    // Files that rows reference survive any number of sweeps.
    expect(await sweepFiles(t.db, t.config.dataDir, 0)).toEqual({ restored: 0, removedStaged: 0, removedUnreferenced: 0 });
    expect((await t.call('GET', `/api/v1/cases/${c.number}/attachments`, { as: agent })).json().items).toHaveLength(1);
  });

  it('an upload leaves no staged file behind, and its bytes are the hash they are stored under', async () => {
    const c = await makeCase(t);
    const content = randomBytes(5000);
    const m = multipartBody([{ name: 'a.bin', content }]);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/cases/${c.number}/attachments`, headers: { ...m.headers, cookie: agent }, payload: m.payload });
    expect(res.statusCode).toBe(201);
    expect(res.json().items[0].sha256).toBe(sha(content));
    expect(fs.readFileSync(stored('attachments', sha(content))).equals(content)).toBe(true);
    expect(fs.readdirSync(path.join(t.config.dataDir, 'tmp'))).toEqual([]);
  });
});

describe('a request with an Idempotency-Key is one transaction', () => {
  it('ten concurrent sends of one key create one case and all get its answer', async () => {
    const marker = `concurrent ${randomBytes(4).toString('hex')}`;
    const headers = { 'idempotency-key': `concurrent-${marker}` };
    const answers = await Promise.all(Array.from({ length: 10 }, () => t.call('POST', '/api/v1/cases', { as: agent, headers, body: { shortDescription: marker } })));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.json().number)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    expect(await t.db.selectFrom('cases').select('id').where('short_description', '=', marker).execute()).toHaveLength(1);
  });

  it('a refused request keeps nothing of what it did before failing, and its refusal is what a retry gets', async () => {
    const c = await makeCase(t);
    const headers = { 'idempotency-key': `refused-${c.number}` };
    // The comment's transaction fails on the unknown attachment id, after the key row was written.
    const before = (await t.db.selectFrom('comments').select('id').execute()).length;
    const first = await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agent, headers, body: { body: 'half', visibility: 'internal', attachmentIds: [999_999] } });
    expect(first.statusCode).toBe(400);
    expect((await t.db.selectFrom('comments').select('id').execute()).length).toBe(before);
    const again = await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agent, headers, body: { body: 'half', visibility: 'internal', attachmentIds: [999_999] } });
    expect(again.statusCode).toBe(400);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
  });

  it('a keyed upload is stored once and replayed', async () => {
    const c = await makeCase(t);
    const content = randomBytes(2000);
    const m = multipartBody([{ name: 'keyed.bin', content }], '----fixed-boundary');
    const send = () => t.app.inject({ method: 'POST', url: `/api/v1/cases/${c.number}/attachments`, headers: { ...m.headers, cookie: agent, 'idempotency-key': `upload-${c.number}` }, payload: m.payload });
    const [a, b] = await Promise.all([send(), send()]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json()).toEqual(b.json());
    expect((await t.call('GET', `/api/v1/cases/${c.number}/attachments`, { as: agent })).json().items).toHaveLength(1);
  });
});

describe('mail interrupted mid-send', () => {
  it('is never sent again on its own: it waits as failed, with the reason, for a person to retry', async () => {
    const contact = await makeContact(t);
    const c = await makeCase(t, { contactId: contact.id });
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agent, body: { body: 'Two mails, one interrupted', visibility: 'customer' } });
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agent, body: { body: 'and one only claimed', visibility: 'customer' } });
    const caseId = (await t.db.selectFrom('cases').select('id').where('number', '=', c.number).executeTakeFirstOrThrow()).id;
    const rows = await t.db.selectFrom('outbox').select('id').where('case_id', '=', caseId).where('template_key', '=', 'new_reply').orderBy('id').execute();
    expect(rows).toHaveLength(2);
    const expired = new Date(Date.now() - 1000).toISOString();
    // A worker died: it had begun handing the first to SMTP, the second it had only claimed.
    await t.db.updateTable('outbox').set({ state: 'sending', locked_until: expired, send_started_at: expired }).where('id', '=', rows[0]!.id).execute();
    await t.db.updateTable('outbox').set({ state: 'sending', locked_until: expired, send_started_at: null }).where('id', '=', rows[1]!.id).execute();
    await t.db.updateTable('outbox').set({ state: 'sent' }).where('case_id', '=', caseId).where('id', 'not in', rows.map((r) => r.id)).execute();
    await t.db.updateTable('outbox').set({ state: 'sent' }).where('state', 'in', ['queued', 'sending']).where('id', 'not in', rows.map((r) => r.id)).execute();
    const smtp = await startSmtpServer();
    try {
      const worker = new MailWorker(t.db, nodemailer.createTransport(smtp.url), { warn: () => {}, info: () => {} }, 60_000);
      await worker.runOnce();
      const after = await t.db.selectFrom('outbox').select(['id', 'state', 'last_error', 'message_id']).where('id', 'in', rows.map((r) => r.id)).orderBy('id').execute();
      expect(after[0]).toMatchObject({ state: 'failed', last_error: expect.stringMatching(/interrupted.*may have arrived/) });
      expect(after[1]).toMatchObject({ state: 'sent' });
      const ids = () => smtp.received.map((m) => String(m.messageId).replace(/^<|>$/g, ''));
      const bare = (id: string) => id.replace(/^<|>$/g, '');
      expect(ids()).toEqual([bare(after[1]!.message_id)]);
      // Retried by a person, it goes out.
      expect((await t.call('POST', `/api/v1/outbox/${rows[0]!.id}/retry`, { as: t.adminCookie })).statusCode).toBeLessThan(300);
      await worker.runOnce();
      expect(ids()).toEqual([bare(after[1]!.message_id), bare(after[0]!.message_id)]);
    } finally {
      await smtp.down();
    }
  });
});
