import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reopenByCustomer } from '../src/modules/cases/case-actions.service.js';
import { autoCloseResolved } from '../src/modules/cases/auto-close.js';
import { clock } from '../src/platform/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { act, makeAccount, makeAsset, makeCase, makeContact, makeCustomer, makeGroup, makeQueue, makeUser } from './helpers/factories.js';

let t: TestApp;
let agent: Awaited<ReturnType<typeof makeUser>>;
let agentCookie: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = await makeUser(t, { name: 'Agent Smith' });
  agentCookie = await agent.cookie();
});
afterAll(async () => t?.close());

const solved = { resolutionCode: 'solved', resolutionNotes: 'Replaced the toner.', cause: 'Worn toner cartridge' };

describe('creating and reading cases', () => {
  it('opens a case with number, status new and the first stage of the default process', async () => {
    const account = await makeAccount(t);
    const contact = await makeContact(t, { accountId: account.id });
    const asset = await makeAsset(t, { accountId: account.id });
    const res = await t.call('POST', '/api/v1/cases', {
      as: agentCookie,
      body: { shortDescription: 'Cannot print invoices', description: 'Since Monday', contactId: contact.id, assetIds: [asset.id], priority: 2, channel: 'phone', product: 'ScanPro' },
    });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c.number).toMatch(/^CS\d{7}$/);
    expect(c).toMatchObject({
      status: 'new',
      statusLabel: 'New',
      stage: 'identify',
      accountId: account.id, // taken from the contact
      accountName: account.name,
      contactId: contact.id,
      assetIds: [asset.id],
      priority: 2,
      channel: 'phone',
      editable: true,
      escalationLevel: 0,
      version: 1,
    });
    expect(c.stages.map((s: { name: string }) => s.name)).toEqual(['Identify', 'Research', 'Resolve']);
    // No queue: no Pick. Next stage is offered while a later stage exists.
    expect(c.allowedActions).toEqual(['start', 'assign', 'escalate', 'next-stage', 'resolve', 'cancel']);
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: agentCookie })).json().number).toBe(c.number);
  });

  it('refuses mismatched customer data with 400 naming the field, writing nothing', async () => {
    const a = await makeAccount(t);
    const b = await makeAccount(t);
    const contact = await makeContact(t, { accountId: b.id });
    const before = (await t.call('GET', '/api/v1/cases?limit=200', { as: agentCookie })).json().items.length;
    const res = await t.call('POST', '/api/v1/cases', { as: agentCookie, body: { shortDescription: 'x', accountId: a.id, contactId: contact.id } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields[0].field).toBe('body.contactId');
    const bad = await t.call('POST', '/api/v1/cases', { as: agentCookie, body: { shortDescription: 'x', priority: 7, channel: 'fax' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.channel', 'body.priority']);
    expect((await t.call('GET', '/api/v1/cases?limit=200', { as: agentCookie })).json().items.length).toBe(before);
  });

  it('customers and anonymous callers cannot reach the agent case API', async () => {
    const c = await makeCase(t);
    const { cookie } = await makeCustomer(t);
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: cookie })).statusCode).toBe(403);
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: null })).statusCode).toBe(401);
    expect((await act(t, c.number, 'start', {}, cookie)).statusCode).toBe(403);
  });

  it('edits with If-Match, 412 on a stale version, audited', async () => {
    const c = await makeCase(t);
    const ok = await t.call('PATCH', `/api/v1/cases/${c.number}`, { as: agentCookie, headers: { 'if-match': '"1"' }, body: { priority: 1, category: 'Hardware' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ priority: 1, category: 'Hardware', version: 2 });
    const stale = await t.call('PATCH', `/api/v1/cases/${c.number}`, { as: agentCookie, headers: { 'if-match': '"1"' }, body: { priority: 4 } });
    expect(stale.statusCode).toBe(412);
    const unknown = await t.call('PATCH', `/api/v1/cases/${c.number}`, { as: agentCookie, body: { status: 'closed' } });
    expect(unknown.statusCode).toBe(400);
    const audit = (await t.call('GET', `/api/v1/audit?entity=case&entityId=${c.id}`, { as: t.adminCookie })).json().items;
    expect(audit).toContainEqual(expect.objectContaining({ field: 'priority', oldValue: '3', newValue: '1' }));
  });

  it('answers 404 for an unknown case and 400 for a malformed number', async () => {
    expect((await t.call('GET', '/api/v1/cases/CS9999999', { as: agentCookie })).statusCode).toBe(404);
    expect((await t.call('GET', '/api/v1/cases/42', { as: agentCookie })).statusCode).toBe(400);
  });
});

describe('the lifecycle', () => {
  it('start makes the caller the assignee and the case in progress', async () => {
    const c = await makeCase(t);
    const res = await act(t, c.number, 'start', {}, agentCookie);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'in_progress', assigneeId: agent.id, assigneeName: 'Agent Smith' });
    const again = await act(t, c.number, 'start', {}, agentCookie);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('invalid_transition');
    expect(again.json().error.details.allowed).toEqual(['assign', 'pick', 'escalate', 'next-stage', 'wait', 'resolve', 'cancel']);
  });

  it('next-stage refuses with 422 naming the missing fields, then moves on', async () => {
    const c = await makeCase(t);
    const res = await act(t, c.number, 'next-stage');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details).toEqual({ stage: 'identify', missing: ['accountId', 'contactId'] });
    const contact = await makeContact(t);
    await t.call('PATCH', `/api/v1/cases/${c.number}`, { as: agentCookie, body: { contactId: contact.id } });
    const ok = await act(t, c.number, 'next-stage');
    expect(ok.json().stage).toBe('research');
    const research = await act(t, c.number, 'next-stage');
    expect(research.json().error.details.missing).toEqual(['product', 'category', 'description']);
  });

  it('wait pauses; the resolve gate lists open activities; cancelOpenActivities cancels them in the same transaction', async () => {
    const c = await makeCase(t);
    await act(t, c.number, 'start', {}, agentCookie);
    expect((await act(t, c.number, 'wait')).json().status).toBe('waiting_for_response');
    const task = (await t.call('POST', `/api/v1/cases/${c.number}/activities`, { as: agentCookie, body: { type: 'task', subject: 'Call the vendor' } })).json();
    const blocked = await act(t, c.number, 'resolve', solved, agentCookie);
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json().error.details.openActivities).toEqual([{ id: task.id, type: 'task', subject: 'Call the vendor' }]);
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: agentCookie })).json().status).toBe('waiting_for_response');

    const missingNotes = await act(t, c.number, 'resolve', { resolutionCode: 'solved' }, agentCookie);
    expect(missingNotes.statusCode).toBe(400);
    expect(missingNotes.json().error.details.fields[0].field).toBe('body.resolutionNotes');
    const badCode = await act(t, c.number, 'resolve', { ...solved, resolutionCode: 'magic' }, agentCookie);
    expect(badCode.statusCode).toBe(400);

    const res = await act(t, c.number, 'resolve', { ...solved, cancelOpenActivities: true }, agentCookie);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'resolved', resolutionCode: 'solved', cause: 'Worn toner cartridge', stage: 'resolve', editable: false, allowedActions: ['reactivate', 'close'] });
    expect(res.json().resolvedAt).toBeTruthy();
    const activities = (await t.call('GET', `/api/v1/cases/${c.number}/activities`, { as: agentCookie })).json().items;
    expect(activities[0]).toMatchObject({ id: task.id, state: 'canceled' });
  });

  it('a resolved case is read-only until reactivated, then must be resolved again', async () => {
    const c = await makeCase(t);
    await act(t, c.number, 'resolve', solved, agentCookie);
    const edit = await t.call('PATCH', `/api/v1/cases/${c.number}`, { as: agentCookie, body: { priority: 1 } });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.message).toMatch(/read-only/);
    expect((await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: 'late note', visibility: 'internal' } })).statusCode).toBe(409);
    expect((await t.call('POST', `/api/v1/cases/${c.number}/activities`, { as: agentCookie, body: { type: 'task', subject: 'x' } })).statusCode).toBe(409);
    expect((await act(t, c.number, 'resolve', solved)).statusCode).toBe(409);

    const re = await act(t, c.number, 'reactivate', {}, agentCookie);
    expect(re.json()).toMatchObject({ status: 'in_progress', resolvedAt: null, editable: true });
    expect((await t.call('PATCH', `/api/v1/cases/${c.number}`, { as: agentCookie, body: { priority: 1 } })).statusCode).toBe(200);
    expect((await act(t, c.number, 'resolve', solved)).json().status).toBe('resolved');
    const closed = await act(t, c.number, 'close');
    expect(closed.json()).toMatchObject({ status: 'closed', allowedActions: [] });
    expect((await act(t, c.number, 'reactivate')).statusCode).toBe(409);
  });

  it('cancel is final and records the reason', async () => {
    const c = await makeCase(t);
    const res = await act(t, c.number, 'cancel', { reason: 'Opened twice' });
    expect(res.json()).toMatchObject({ status: 'canceled', allowedActions: [], editable: false });
    expect(res.json().closedAt).toBeTruthy();
    const tl = (await t.call('GET', `/api/v1/cases/${c.number}/timeline?filter=changes`, { as: agentCookie })).json().items;
    expect(tl[0].change.changes).toEqual(expect.arrayContaining([{ field: 'cancelReason', oldValue: null, newValue: 'Opened twice' }, { field: 'status', oldValue: 'new', newValue: 'canceled' }]));
  });

  it('assign and escalate notify the new assignee or the group; escalate raises the level and records why', async () => {
    const helper = await makeUser(t, { name: 'Second Line' });
    const member = await makeUser(t);
    const group = await makeGroup(t, { memberIds: [member.id] });
    const c = await makeCase(t);
    const assigned = await act(t, c.number, 'assign', { assigneeId: helper.id }, agentCookie);
    expect(assigned.json().assigneeId).toBe(helper.id);
    const notes = (await t.call('GET', '/api/v1/me/notifications', { as: await helper.cookie() })).json();
    expect(notes.unreadCount).toBe(1);
    expect(notes.items[0]).toMatchObject({ kind: 'case_assigned', caseNumber: c.number });

    expect((await act(t, c.number, 'escalate', { reason: 'x' })).statusCode).toBe(400);
    const esc = await act(t, c.number, 'escalate', { assignmentGroupId: group.id, reason: 'Needs a network engineer' }, agentCookie);
    expect(esc.json()).toMatchObject({ escalationLevel: 1, assignmentGroupId: group.id, assigneeId: null });
    const memberNotes = (await t.call('GET', '/api/v1/me/notifications', { as: await member.cookie() })).json().items;
    expect(memberNotes[0]).toMatchObject({ kind: 'case_escalated', caseNumber: c.number });
    expect(memberNotes[0].title).toContain('Needs a network engineer');
    const tl = (await t.call('GET', `/api/v1/cases/${c.number}/timeline?filter=changes`, { as: agentCookie })).json().items;
    expect(tl[0]).toMatchObject({ actorName: 'Agent Smith' });
    expect(tl[0].change.changes).toContainEqual({ field: 'escalationReason', oldValue: null, newValue: 'Needs a network engineer' });

    const badUser = await act(t, c.number, 'assign', { assigneeId: 999999 });
    expect(badUser.statusCode).toBe(400);
    expect(badUser.json().error.details.fields[0].field).toBe('body.assigneeId');
  });

  it('an escalation reason as long as the schema allows still notifies: the title is shortened, the reason kept whole', async () => {
    const member = await makeUser(t);
    const group = await makeGroup(t, { memberIds: [member.id] });
    const c = await makeCase(t);
    const reason = `Needs second line ${'é'.repeat(1980)}`;
    const esc = await act(t, c.number, 'escalate', { assignmentGroupId: group.id, reason }, agentCookie);
    expect(esc.statusCode).toBe(200);
    const note = (await t.call('GET', '/api/v1/me/notifications', { as: await member.cookie() })).json().items[0];
    expect(note).toMatchObject({ kind: 'case_escalated', caseNumber: c.number });
    expect(Array.from(note.title as string).length).toBe(300);
    expect(note.title).toMatch(/…$/);
    const tl = (await t.call('GET', `/api/v1/cases/${c.number}/timeline?filter=changes`, { as: agentCookie })).json().items;
    expect(tl[0].change.changes).toContainEqual({ field: 'escalationReason', oldValue: null, newValue: reason });
  });

  it('actions without parameters accept a request without a body (API clients)', async () => {
    const c = await makeCase(t);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/cases/${c.number}/start`, headers: { cookie: agentCookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('in_progress');
    const cancel = await t.app.inject({ method: 'POST', url: `/api/v1/cases/${c.number}/cancel`, headers: { cookie: agentCookie } });
    expect(cancel.json().status).toBe('canceled');
  });

  it('an action with a stale If-Match is 412 and changes nothing', async () => {
    const c = await makeCase(t);
    await t.call('PATCH', `/api/v1/cases/${c.number}`, { as: agentCookie, body: { priority: 2 } });
    const res = await t.call('POST', `/api/v1/cases/${c.number}/start`, { as: agentCookie, headers: { 'if-match': '"1"' }, body: {} });
    expect(res.statusCode).toBe(412);
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: agentCookie })).json().status).toBe('new');
  });
});

describe('automatic reopening', () => {
  it('a customer reply reopens a resolved case: assignee cleared, queue kept, group told', async () => {
    const member = await makeUser(t);
    const group = await makeGroup(t, { memberIds: [member.id] });
    const q = await makeQueue(t, { memberIds: [agent.id] });
    const c = await makeCase(t, { queueId: q.id, assignmentGroupId: group.id });
    await act(t, c.number, 'start', {}, agentCookie);
    await act(t, c.number, 'resolve', solved, agentCookie);
    expect(await t.db.transaction().execute((trx) => reopenByCustomer(trx, c.id, 'customer replied'))).toBe(true);
    const after = (await t.call('GET', `/api/v1/cases/${c.number}`, { as: agentCookie })).json();
    expect(after).toMatchObject({ status: 'reopened', assigneeId: null, queueId: q.id, resolvedAt: null, editable: true });
    const notes = (await t.call('GET', '/api/v1/me/notifications', { as: await member.cookie() })).json().items;
    expect(notes[0]).toMatchObject({ kind: 'case_reopened', caseNumber: c.number });
    // In progress or final cases do not reopen.
    await act(t, c.number, 'start', {}, agentCookie);
    expect(await t.db.transaction().execute((trx) => reopenByCustomer(trx, c.id, 'again'))).toBe(false);
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: agentCookie })).json().status).toBe('in_progress');
  });
});

describe('auto-close', () => {
  it('closes resolved cases cases.autoCloseAfterDays after resolution; 0 turns it off', async () => {
    const c = await makeCase(t);
    await act(t, c.number, 'resolve', solved, agentCookie);
    expect(await autoCloseResolved(t.db)).toBe(0); // not yet due
    // Properties change before the clock moves (sessions last hours, not days).
    await t.call('PATCH', '/api/v1/properties/cases.autoCloseAfterDays', { as: t.adminCookie, body: { value: 0 } });
    clock.advance(8 * 86_400_000);
    try {
      expect(await autoCloseResolved(t.db)).toBe(0);
    } finally {
      clock.reset();
    }
    await t.call('PATCH', '/api/v1/properties/cases.autoCloseAfterDays', { as: t.adminCookie, body: { value: 7 } });
    clock.advance(8 * 86_400_000);
    try {
      expect(await autoCloseResolved(t.db)).toBeGreaterThanOrEqual(1);
      const after = await t.db.selectFrom('cases').select(['status', 'closed_at']).where('number', '=', c.number).executeTakeFirstOrThrow();
      expect(after.status).toBe('closed');
      expect(after.closed_at).toBeTruthy();
    } finally {
      clock.reset();
    }
  });
});

describe('lists and search', () => {
  it('home shows new cases unassigned or mine; mine and my_resolved follow the assignee', async () => {
    const other = await makeUser(t);
    const fresh = await makeCase(t, { shortDescription: 'Home list fresh' });
    const theirs = await makeCase(t, { shortDescription: 'Home list theirs' });
    await act(t, theirs.number, 'assign', { assigneeId: other.id });
    const mine = await makeCase(t, { shortDescription: 'Home list mine' });
    await act(t, mine.number, 'start', {}, agentCookie);
    // Still new, but given to me: home lists it (the "or mine" half of SPEC §3.3's home).
    const givenToMe = await makeCase(t, { shortDescription: 'Home list given to me' });
    await act(t, givenToMe.number, 'assign', { assigneeId: agent.id });
    const done = await makeCase(t, { shortDescription: 'Home list done' });
    await act(t, done.number, 'start', {}, agentCookie);
    await act(t, done.number, 'resolve', solved, agentCookie);

    const numbers = async (q: string) => (await t.call('GET', `/api/v1/cases?${q}&limit=200`, { as: agentCookie })).json().items.map((c: { number: string }) => c.number);
    const home = await numbers('view=home');
    expect(home).toContain(fresh.number);
    expect(home).not.toContain(theirs.number);
    expect(home).toContain(givenToMe.number);
    expect(home).not.toContain(mine.number); // started: no longer new
    expect(await numbers('view=mine')).toContain(mine.number);
    expect(await numbers('view=mine')).not.toContain(done.number);
    expect(await numbers('view=my_resolved')).toEqual(expect.arrayContaining([done.number]));
    expect(await numbers('view=all&status=resolved')).toContain(done.number);
    expect(await numbers(`view=all&assigneeId=${other.id}`)).toEqual([theirs.number]);
  });

  it('filters by priority and account, sorts, and pages by cursor', async () => {
    const account = await makeAccount(t);
    for (const p of [4, 1, 3, 1, 2]) await makeCase(t, { accountId: account.id, priority: p });
    const byPriority = (await t.call('GET', `/api/v1/cases?accountId=${account.id}&sort=priority&order=asc`, { as: agentCookie })).json().items.map((c: { priority: number }) => c.priority);
    expect(byPriority).toEqual([1, 1, 2, 3, 4]);
    const urgent = (await t.call('GET', `/api/v1/cases?accountId=${account.id}&priority=1,2`, { as: agentCookie })).json().items;
    expect(urgent).toHaveLength(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const body: { items: { number: string }[]; nextCursor: string | null } = (
        await t.call('GET', `/api/v1/cases?accountId=${account.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: agentCookie })
      ).json();
      seen.push(...body.items.map((c) => c.number));
      cursor = body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
  });

  it('full-text search finds words in short description, description and comments, and numbers', async () => {
    const a = await makeCase(t, { shortDescription: 'Kaleidoscope outage in Zürich office' });
    const b = await makeCase(t, { shortDescription: 'Something else', description: 'The flux capacitor smells of ozone' });
    const c = await makeCase(t, { shortDescription: 'Third' });
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: 'Customer mentions a periwinkle warning light', visibility: 'internal' } });
    const find = async (q: string) => (await t.call('GET', `/api/v1/cases?q=${encodeURIComponent(q)}`, { as: agentCookie })).json().items.map((x: { number: string }) => x.number);
    expect(await find('kaleidoscope')).toEqual([a.number]);
    expect(await find('kaleido')).toEqual([a.number]); // prefix
    expect(await find('zurich')).toEqual([a.number]); // diacritics
    expect(await find('capacitor ozone')).toEqual([b.number]);
    expect(await find('periwinkle')).toEqual([c.number]);
    expect(await find(a.number)).toEqual([a.number]);
    expect(await find('"* OR ( NEAR')).toEqual([]); // query syntax is taken as words
    await t.call('PATCH', `/api/v1/cases/${b.number}`, { as: agentCookie, body: { description: 'now about tachyons' } });
    expect(await find('ozone')).toEqual([]);
    expect(await find('tachyons')).toEqual([b.number]);
  });

  it('view=queue needs queueId', async () => {
    expect((await t.call('GET', '/api/v1/cases?view=queue', { as: agentCookie })).statusCode).toBe(400);
  });
});
