import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/database.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { testDialect } from '../helpers/database.js';
import { act, makeAccount, makeCase, makeCustomer, makeQueue, makeUser } from '../helpers/factories.js';

// Races (SPEC §3.3, §7.4, §10): concurrent writers of one record, of one review, of one queue.
// Requests run at once through app.inject (Promise.all). On PostgreSQL each race is also forced
// to overlap inside the database: a separate connection holds the contested row's lock while the
// requests are sent, the test waits until they are all queued on that lock (pg_stat_activity),
// then lets go — so the outcome is decided by the code's guards, not by the order they arrived in.
// See also test/queues.test.ts: two agents picking one case, 20 agents pulling next from 200 cases.

let t: TestApp;
let agent: Awaited<ReturnType<typeof makeUser>>;
let agentCookie: string;
const managers: { id: number; email: string; cookie: string }[] = [];
beforeAll(async () => {
  t = await startTestApp();
  agent = await makeUser(t, { name: 'Maya Patel' });
  agentCookie = await agent.cookie();
  for (let i = 0; i < 4; i++) {
    const m = await makeUser(t, { name: `Manager ${i}`, roles: ['manager', 'agent'] });
    managers.push({ id: m.id, email: m.email, cookie: await m.cookie() });
  }
});
afterAll(async () => t?.close());

const codes = (rs: LightMyRequestResponse[]) => rs.map((r) => r.statusCode).sort((a, b) => a - b);
const count = async (q: Promise<{ n: unknown } | undefined>) => Number((await q)?.n ?? 0);

/**
 * Sends the requests at once. On PostgreSQL the row `table.id = id` is locked first, and released
 * only when `waiters` of the requests wait for it in the database; returns how many waited.
 */
async function race(lock: { table: string; id: number; waiters: number } | null, requests: (() => Promise<LightMyRequestResponse>)[]) {
  if (testDialect !== 'postgres' || !lock) return { results: await Promise.all(requests.map((r) => r())), waited: null as number | null };
  const url = (t.config.database as { url: string }).url;
  const blocker = new pg.Client({ connectionString: url });
  // pg_stat_activity is read once per transaction, so it is watched from a connection of its own.
  const watcher = new pg.Client({ connectionString: url });
  await Promise.all([blocker.connect(), watcher.connect()]);
  try {
    await blocker.query('begin');
    await blocker.query(`select id from ${lock.table} where id = $1 for update`, [lock.id]);
    const blockerPid = (await blocker.query('select pg_backend_pid() as pid')).rows[0].pid;
    const pending = Promise.all(requests.map((r) => r()));
    let waited = 0;
    for (let i = 0; i < 400 && waited < lock.waiters; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const { rows } = await watcher.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> $1`, [blockerPid]);
      waited = rows[0].n;
    }
    await blocker.query('commit');
    return { results: await pending, waited };
  } finally {
    await Promise.all([blocker.end(), watcher.end()]);
  }
}

describe(`concurrent writers of one record (${testDialect})`, () => {
  it('10 concurrent PATCHes with one If-Match: exactly one 200, nine 412; the version moves once; one audited change', async () => {
    for (let round = 0; round < 3; round++) {
      const c = await makeCase(t, { shortDescription: `Race ${round}` });
      const { results, waited } = await race(
        { table: 'cases', id: c.id, waiters: 10 },
        Array.from({ length: 10 }, (_, i) => () =>
          t.call('PATCH', `/api/v1/cases/${c.number}`, { as: agentCookie, headers: { 'if-match': `"${c.version}"` }, body: { shortDescription: `Writer ${i} was here`, priority: 1 + (i % 4) } }),
        ),
      );
      if (waited !== null) expect(waited).toBe(10); // all ten were inside the database at once
      expect(codes(results)).toEqual([200, ...Array(9).fill(412)]);
      const winner = results.find((r) => r.statusCode === 200)!.json();
      expect(winner.version).toBe(c.version + 1);
      for (const loser of results.filter((r) => r.statusCode === 412)) {
        expect(loser.json().error).toMatchObject({ code: 'stale_version', details: { currentVersion: expect.any(Number) } });
      }
      const row = await t.db.selectFrom('cases').select(['version', 'short_description', 'priority']).where('id', '=', c.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ version: c.version + 1, short_description: winner.shortDescription, priority: winner.priority });
      const audit = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'case').where('entity_id', '=', c.id).where('action', '=', 'update').execute();
      // One change, the winner's: one audit entry per changed field, all of one moment.
      expect(audit.filter((a) => a.field === 'shortDescription')).toHaveLength(1);
      expect(new Set(audit.map((a) => a.at)).size).toBe(1);
      expect(audit.find((a) => a.field === 'shortDescription')?.new_value).toContain(winner.shortDescription);
    }
  });

  it('10 concurrent PATCHes of a directory record (an account) with one If-Match: one wins', async () => {
    const account = await makeAccount(t);
    const { results, waited } = await race(
      { table: 'accounts', id: account.id, waiters: 10 },
      Array.from({ length: 10 }, (_, i) => () => t.call('PATCH', `/api/v1/accounts/${account.id}`, { as: t.adminCookie, headers: { 'if-match': `"${account.version}"` }, body: { name: `Renamed ${i} ${account.id}` } })),
    );
    if (waited !== null) expect(waited).toBe(10);
    expect(codes(results)).toEqual([200, ...Array(9).fill(412)]);
    const row = await t.db.selectFrom('accounts').select(['version', 'name']).where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ version: account.version + 1, name: results.find((r) => r.statusCode === 200)!.json().name });
  });

  it('PATCHes without If-Match all apply, one after another: no change is lost in the audit', async () => {
    const c = await makeCase(t);
    const { results } = await race(
      { table: 'cases', id: c.id, waiters: 6 },
      Array.from({ length: 6 }, (_, i) => () => t.call('PATCH', `/api/v1/cases/${c.number}`, { as: agentCookie, body: { category: `category-${i}` } })),
    );
    expect(codes(results)).toEqual(Array(6).fill(200));
    const versions = results.map((r) => r.json().version).sort((a, b) => a - b);
    expect(versions).toEqual([2, 3, 4, 5, 6, 7].map((v) => v + c.version - 1));
    const audit = await t.db.selectFrom('audit_log').select('new_value').where('entity', '=', 'case').where('entity_id', '=', c.id).where('field', '=', 'category').execute();
    expect(audit).toHaveLength(6);
  });

  it('20 cases created at once get 20 distinct, consecutive numbers', async () => {
    const { results } = await race(
      null,
      Array.from({ length: 20 }, (_, i) => () => t.call('POST', '/api/v1/cases', { as: agentCookie, body: { shortDescription: `Burst ${i}` } })),
    );
    expect(codes(results)).toEqual(Array(20).fill(201));
    const numbers = results.map((r) => Number(r.json().number.slice(2))).sort((a, b) => a - b);
    expect(numbers[19]! - numbers[0]!).toBe(19);
    expect(new Set(numbers).size).toBe(20);
  });

  it('the same Idempotency-Key sent 5 times at once creates one case; every answer is that case', async () => {
    const key = `race-${Date.now()}`;
    const body = { shortDescription: `Idempotent ${key}` };
    const results = await Promise.all(Array.from({ length: 5 }, () => t.call('POST', '/api/v1/cases', { as: agentCookie, headers: { 'idempotency-key': key }, body })));
    const created = await t.db.selectFrom('cases').select('number').where('short_description', '=', body.shortDescription).execute();
    expect(created).toHaveLength(1);
    for (const r of results) {
      expect([201, 409]).toContain(r.statusCode);
      if (r.statusCode === 201) expect(r.json().number).toBe(created[0]!.number);
      else expect(r.json().error.message).toMatch(/still being processed/);
    }
    expect(results.filter((r) => r.statusCode === 201).length).toBeGreaterThanOrEqual(1);
    expect(results.filter((r) => r.headers['idempotent-replayed'] !== 'true' && r.statusCode === 201)).toHaveLength(1);
  });
});

// ---- reviews

const solved = { resolutionCode: 'solved', cause: 'The certificate expired.', resolutionNotes: 'Renewed it.' };
async function setPolicy(body: Record<string, unknown>) {
  const res = await t.call('PATCH', '/api/v1/review-configurations/1', { as: t.adminCookie, body });
  expect(res.statusCode, res.body).toBe(200);
}
/** A resolved case with a contact and its review, awaiting approval by the given managers. */
async function awaitingReview(approvers: number[]) {
  const account = await makeAccount(t);
  const customer = await makeCustomer(t, { accountId: account.id });
  const c = await makeCase(t, { contactId: customer.contact.id });
  await act(t, c.number, 'start', {}, agentCookie);
  expect((await act(t, c.number, 'resolve', solved, agentCookie)).statusCode).toBe(200);
  const r = (await t.call('POST', `/api/v1/cases/${c.number}/review`, { as: agentCookie })).json();
  await t.call('PATCH', `/api/v1/reviews/${r.number}`, { as: agentCookie, body: { summary: 'Down for an hour.' } });
  if (approvers.length) {
    const req = await t.call('POST', `/api/v1/reviews/${r.number}/request-approval`, { as: agentCookie, body: { approvalUserIds: approvers } });
    expect(req.statusCode, req.body).toBe(200);
  }
  return { c, r: (await t.call('GET', `/api/v1/reviews/${r.number}`, { as: agentCookie })).json() };
}
const rAct = (number: string, action: string, as: string, body: unknown = {}) => t.call('POST', `/api/v1/reviews/${number}/${action}`, { as, body });

/** What the review's race left behind: its state, decisions, documents, notifications and mails. */
async function aftermath(review: { id: number; number: string; caseId?: number }, caseId: number) {
  const r = await t.db.selectFrom('reviews').selectAll().where('id', '=', review.id).executeTakeFirstOrThrow();
  const decisions = await t.db.selectFrom('review_decisions').selectAll().where('review_id', '=', review.id).where('round', '=', r.approval_round).execute();
  const notifications = await t.db.selectFrom('notifications').select(['kind', 'user_id']).where('case_id', '=', caseId).where('user_id', '=', agent.id).execute();
  const mails = await t.db.selectFrom('outbox').select(['template_key', 'to_address']).where('case_id', '=', caseId).execute();
  const documents = await t.db.selectFrom('review_documents').select(['doc_version', 'comment_id']).where('review_id', '=', review.id).execute();
  const linkComments = await count(t.db.selectFrom('comments').select((eb) => eb.fn.countAll().as('n')).where('case_id', '=', caseId).where('body', 'like', `Post case review ${review.number}%`).executeTakeFirst());
  const kinds = (k: string) => notifications.filter((n) => n.kind === k).length;
  const mailsOf = (k: string) => mails.filter((m) => m.template_key === k).length;
  return { state: r.state, version: r.version, decisions, documents, linkComments, kinds, mailsOf };
}

describe(`concurrent decisions on one review (${testDialect})`, () => {
  it('policy any: three approvers approve at once → one approval, approved once, the assignee told once', async () => {
    await setPolicy({ approvalPolicy: 'any', approvalRequired: true });
    for (let round = 0; round < 2; round++) {
      const { c, r } = await awaitingReview(managers.slice(0, 3).map((m) => m.id));
      const { results, waited } = await race({ table: 'reviews', id: r.id, waiters: 3 }, managers.slice(0, 3).map((m) => () => rAct(r.number, 'approve', m.cookie, { comment: 'ok' })));
      if (waited !== null) expect(waited).toBe(3);
      expect(codes(results)).toEqual([200, 409, 409]);
      const after = await aftermath(r, c.id);
      expect(after.state).toBe('approved');
      expect(after.version).toBe(r.version + 1);
      expect(after.decisions.map((d) => d.decision)).toEqual(['approved']);
      expect(after.kinds('review_approved')).toBe(1);
      expect(after.mailsOf('review_approved')).toBe(1);
    }
  });

  it('policy any: approve and suggest changes at once → exactly one of them wins, and the state, decisions and notices agree', async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < 4; round++) {
      const { c, r } = await awaitingReview([managers[0]!.id, managers[1]!.id]);
      const { results, waited } = await race({ table: 'reviews', id: r.id, waiters: 2 }, [
        () => rAct(r.number, 'approve', managers[0]!.cookie),
        () => rAct(r.number, 'suggest-changes', managers[1]!.cookie, { workNote: 'Add the numbers.' }),
      ]);
      if (waited !== null) expect(waited).toBe(2);
      expect(codes(results)).toEqual([200, 409]);
      const after = await aftermath(r, c.id);
      const approveWon = results[0]!.statusCode === 200;
      outcomes.add(approveWon ? 'approve' : 'suggest');
      expect(after.state).toBe(approveWon ? 'approved' : 'in_progress');
      expect(after.decisions.map((d) => d.decision)).toEqual([approveWon ? 'approved' : 'changes_suggested']);
      expect(after.kinds('review_approved')).toBe(approveWon ? 1 : 0);
      expect(after.kinds('review_changes_suggested')).toBe(approveWon ? 0 : 1);
      expect(after.mailsOf('review_approved') + after.mailsOf('review_changes_suggested')).toBe(1);
      expect(after.version).toBe(r.version + 1);
    }
    expect(outcomes.size).toBeGreaterThanOrEqual(1);
  });

  it('policy all: four approvers approve at once → four decisions, approved exactly once, one notice', async () => {
    await setPolicy({ approvalPolicy: 'all' });
    try {
      const { c, r } = await awaitingReview(managers.map((m) => m.id));
      const { results, waited } = await race({ table: 'reviews', id: r.id, waiters: 4 }, managers.map((m) => () => rAct(r.number, 'approve', m.cookie)));
      if (waited !== null) expect(waited).toBe(4);
      expect(codes(results)).toEqual([200, 200, 200, 200]);
      // Exactly one answer saw the last approval land.
      expect(results.map((x) => x.json().state).sort()).toEqual(['approved', 'awaiting_approval', 'awaiting_approval', 'awaiting_approval']);
      const after = await aftermath(r, c.id);
      expect(after.state).toBe('approved');
      expect(after.decisions.map((d) => d.user_id).sort()).toEqual(managers.map((m) => m.id).sort());
      expect(after.kinds('review_approved')).toBe(1);
      expect(after.mailsOf('review_approved')).toBe(1);
      expect(after.version).toBe(r.version + 4);
    } finally {
      await setPolicy({ approvalPolicy: 'any' });
    }
  });

  it('policy all: three approve while one suggests changes → the state matches the decisions that landed', async () => {
    await setPolicy({ approvalPolicy: 'all' });
    try {
      for (let round = 0; round < 3; round++) {
        const { c, r } = await awaitingReview(managers.map((m) => m.id));
        const { results, waited } = await race({ table: 'reviews', id: r.id, waiters: 4 }, [
          ...managers.slice(0, 3).map((m) => () => rAct(r.number, 'approve', m.cookie)),
          () => rAct(r.number, 'suggest-changes', managers[3]!.cookie, { workNote: 'Not yet.' }),
        ]);
        if (waited !== null) expect(waited).toBe(4);
        for (const x of results) expect([200, 409]).toContain(x.statusCode);
        const after = await aftermath(r, c.id);
        const suggested = after.decisions.filter((d) => d.decision === 'changes_suggested');
        const approvals = after.decisions.filter((d) => d.decision === 'approved');
        // Only what answered 200 left a decision behind.
        expect(after.decisions).toHaveLength(results.filter((x) => x.statusCode === 200).length);
        // Four approvals are needed and at most three come, so the suggestion always lands: the
        // review goes back to in progress, approvals queued behind it are refused, nobody is told "approved".
        expect(results[3]!.statusCode).toBe(200);
        expect(after.state).toBe('in_progress');
        expect(suggested).toHaveLength(1);
        expect(approvals.length).toBeLessThan(3 + 1);
        for (const x of results.slice(0, 3)) if (x.statusCode === 409) expect(x.json().error.message).toMatch(/in.progress|awaiting|not allowed|cannot/i);
        expect(after.kinds('review_changes_suggested')).toBe(1);
        expect(after.kinds('review_approved')).toBe(0);
        expect(after.version).toBe(r.version + results.filter((x) => x.statusCode === 200).length);
      }
    } finally {
      await setPolicy({ approvalPolicy: 'any' });
    }
  });

  it('five concurrent publishes of one approved review → one document version, one link comment, one mail', async () => {
    for (let round = 0; round < 2; round++) {
      const { c, r } = await awaitingReview([managers[0]!.id]);
      expect((await rAct(r.number, 'approve', managers[0]!.cookie)).statusCode).toBe(200);
      const { results, waited } = await race({ table: 'reviews', id: r.id, waiters: 5 }, Array.from({ length: 5 }, () => () => rAct(r.number, 'publish', agentCookie)));
      if (waited !== null) expect(waited).toBe(5); // all five rendered their PDF and queued on the review's lock
      expect(codes(results)).toEqual([200, 409, 409, 409, 409]);
      const after = await aftermath(r, c.id);
      expect(after.state).toBe('published');
      expect(after.documents.map((d) => d.doc_version)).toEqual([1]);
      expect(after.linkComments).toBe(1);
      expect(after.mailsOf('review_published')).toBe(1);
      for (const loser of results.filter((x) => x.statusCode === 409)) expect(loser.json().error.message).toMatch(/publish|published|changed/i);
    }
  });

  it('approve and publish at once on a review awaiting approval → published only if approved first, never twice', async () => {
    for (let round = 0; round < 3; round++) {
      const { c, r } = await awaitingReview([managers[0]!.id]);
      const { results } = await race({ table: 'reviews', id: r.id, waiters: 1 }, [() => rAct(r.number, 'approve', managers[0]!.cookie), () => rAct(r.number, 'publish', agentCookie)]);
      expect(results[0]!.statusCode).toBe(200);
      const after = await aftermath(r, c.id);
      if (results[1]!.statusCode === 200) {
        expect(after.state).toBe('published');
        expect(after.documents).toHaveLength(1);
      } else {
        expect(results[1]!.statusCode).toBe(409);
        expect(after.state).toBe('approved');
        expect(after.documents).toHaveLength(0);
        expect(after.linkComments).toBe(0);
      }
    }
  });

  it('without approval: publish and reopen at once, then republish → versions 1 and 2, each with one comment', async () => {
    await setPolicy({ approvalRequired: false });
    try {
      const { c, r } = await awaitingReview([]);
      const { results } = await race({ table: 'reviews', id: r.id, waiters: 3 }, [() => rAct(r.number, 'publish', agentCookie), () => rAct(r.number, 'publish', agentCookie), () => rAct(r.number, 'publish', agentCookie)]);
      expect(codes(results)).toEqual([200, 409, 409]);
      expect((await rAct(r.number, 'reopen', agentCookie)).statusCode).toBe(200);
      const again = await Promise.all([rAct(r.number, 'publish', agentCookie), rAct(r.number, 'publish', agentCookie)]);
      expect(codes(again)).toEqual([200, 409]);
      const after = await aftermath(r, c.id);
      expect(after.documents.map((d) => d.doc_version).sort()).toEqual([1, 2]);
      expect(after.linkComments).toBe(2);
      expect(new Set(after.documents.map((d) => d.comment_id)).size).toBe(2);
    } finally {
      await setPolicy({ approvalRequired: true });
    }
  });
});

// ---- a customer's reply against the agent's resolve

describe(`reply and resolve at once (${testDialect})`, () => {
  it('a portal reply racing Resolve either lands before it (resolved) or reopens the case — never a reply hidden behind a resolution', async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < 4; round++) {
      const customer = await makeCustomer(t);
      const c = await makeCase(t, { contactId: customer.contact.id });
      expect((await act(t, c.number, 'start', {}, agentCookie)).statusCode).toBe(200);
      const { results, waited } = await race({ table: 'cases', id: c.id, waiters: 2 }, [
        () => act(t, c.number, 'resolve', solved, agentCookie),
        () => t.call('POST', `/api/v1/portal/cases/${c.number}/comments`, { as: customer.cookie, body: { body: `Still broken (${round})` } }),
      ]);
      if (waited !== null) expect(waited).toBe(2);
      expect(results.map((r) => r.statusCode)).toEqual([200, 201]);
      const row = await t.db.selectFrom('cases').select(['status', 'assignee_id', 'resolved_at']).where('id', '=', c.id).executeTakeFirstOrThrow();
      const reply = await t.db.selectFrom('comments').select(['id', 'created_at']).where('case_id', '=', c.id).where('author_type', '=', 'contact').executeTakeFirstOrThrow();
      const resolvedAudit = await t.db.selectFrom('audit_log').select(['id', 'new_value']).where('entity', '=', 'case').where('entity_id', '=', c.id).where('field', '=', 'status').orderBy('id').execute();
      outcomes.add(row.status);
      if (row.status === 'resolved') {
        // The reply came first: it is older than the resolution, and nothing reopened.
        expect(reply.created_at <= row.resolved_at!).toBe(true);
        expect(resolvedAudit.map((a) => a.new_value).filter((v) => /reopened/.test(v ?? ''))).toHaveLength(0);
      } else {
        // The resolution came first: the reply reopened the case and cleared the assignee.
        expect(row).toMatchObject({ status: 'reopened', assignee_id: null });
        expect(resolvedAudit.map((a) => a.new_value).filter((v) => /resolved/.test(v ?? ''))).toHaveLength(1);
      }
    }
    expect([...outcomes].every((o) => o === 'resolved' || o === 'reopened')).toBe(true);
  });
});

// ---- surveys

describe(`one-time links (${testDialect})`, () => {
  it('six answers to one satisfaction survey at once: one counts, the case follows that answer', async () => {
    for (let round = 0; round < 2; round++) {
      const { contact } = await makeCustomer(t);
      const c = await makeCase(t, { contactId: contact.id });
      await act(t, c.number, 'start', {}, agentCookie);
      expect((await act(t, c.number, 'resolve', solved, agentCookie)).statusCode).toBe(200);
      const mail = await t.db.selectFrom('outbox').select('text_body').where('case_id', '=', c.id).where('template_key', '=', 'case_resolved').executeTakeFirstOrThrow();
      const token = /\/survey\/([A-Za-z0-9_-]+)/.exec(mail.text_body)![1]!;
      const survey = await t.db.selectFrom('surveys').select('id').where('case_id', '=', c.id).executeTakeFirstOrThrow();
      const scores = [1, 5, 2, 4, 3, 5];
      const { results, waited } = await race({ table: 'surveys', id: survey.id, waiters: 6 }, scores.map((score) => () => t.call('POST', `/api/v1/surveys/${token}`, { body: { score } })));
      if (waited !== null) expect(waited).toBe(6);
      expect(codes(results)).toEqual([200, 409, 409, 409, 409, 409]);
      const score = scores[results.findIndex((r) => r.statusCode === 200)]!;
      const now = await t.db.selectFrom('cases').select(['status', 'satisfaction', 'assignee_id']).where('id', '=', c.id).executeTakeFirstOrThrow();
      expect(now).toMatchObject({ satisfaction: score, status: score <= 2 ? 'reopened' : 'closed' });
      const statusChanges = await t.db.selectFrom('audit_log').select('new_value').where('entity', '=', 'case').where('entity_id', '=', c.id).where('field', '=', 'status').execute();
      expect(statusChanges.filter((a) => /closed|reopened/.test(a.new_value ?? ''))).toHaveLength(1);
    }
  });
});

// ---- queues

describe(`queue races (${testDialect})`, () => {
  it('ten agents picking one case at once: one assignee, nine 409, one audited assignment', async () => {
    const agents = await Promise.all(Array.from({ length: 10 }, () => makeUser(t)));
    const cookies = await Promise.all(agents.map((a) => a.cookie()));
    const q = await makeQueue(t, { mode: 'any', memberIds: agents.map((a) => a.id) });
    const c = await makeCase(t, { queueId: q.id });
    const { results, waited } = await race({ table: 'cases', id: c.id, waiters: 10 }, cookies.map((cookie) => () => act(t, c.number, 'pick', {}, cookie)));
    if (waited !== null) expect(waited).toBe(10);
    expect(codes(results)).toEqual([200, ...Array(9).fill(409)]);
    const winner = results.find((r) => r.statusCode === 200)!.json().assigneeId;
    expect((await t.db.selectFrom('cases').select('assignee_id').where('id', '=', c.id).executeTakeFirstOrThrow()).assignee_id).toBe(winner);
    const assignments = await t.db.selectFrom('audit_log').select('new_value').where('entity', '=', 'case').where('entity_id', '=', c.id).where('field', '=', 'assigneeId').execute();
    expect(assignments).toHaveLength(1);
  });

  it('next, pulled by agents on two server instances at once, never hands one case to two agents', async () => {
    // Two Casebook processes on one database, as in a PostgreSQL deployment; SQLite serves one
    // process (docs/DEPLOYMENT.md), so there both halves of the agents use the same instance.
    const second = testDialect === 'postgres' ? openDatabase(t.config.database, { poolSize: 6 }) : null;
    const app2 = second ? await buildApp(t.config, second.db, { logger: false }) : t.app;
    try {
      await app2.ready();
      const agents = await Promise.all(Array.from({ length: 12 }, () => makeUser(t)));
      const cookies = await Promise.all(agents.map((a) => a.cookie()));
      const q = await makeQueue(t, { mode: 'next', memberIds: agents.map((a) => a.id) });
      for (let i = 0; i < 30; i++) await makeCase(t, { shortDescription: `Next ${i}`, queueId: q.id, priority: 1 + (i % 4) });
      const taken: { number: string; assigneeId: number; agent: number }[] = [];
      const pull = (cookie: string, i: number) => (i % 2 ? app2 : t.app).inject({ method: 'POST', url: `/api/v1/queues/${q.id}/next`, headers: { cookie } });
      await Promise.all(
        cookies.map(async (cookie, i) => {
          for (;;) {
            const res = await pull(cookie, i);
            if (res.statusCode === 404) return;
            expect(res.statusCode, res.body).toBe(200);
            taken.push({ number: res.json().number, assigneeId: res.json().assigneeId, agent: agents[i]!.id });
          }
        }),
      );
      expect(taken).toHaveLength(30);
      expect(new Set(taken.map((x) => x.number)).size).toBe(30);
      for (const x of taken) expect(x.assigneeId).toBe(x.agent);
      const rows = await t.db.selectFrom('cases').select(['number', 'assignee_id']).where('queue_id', '=', q.id).execute();
      for (const x of taken) expect(rows.find((r) => r.number === x.number)!.assignee_id).toBe(x.agent);
    } finally {
      if (second) {
        await app2.close();
        await second.close();
      }
    }
  });
});
