import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { act, makeAccount, makeCase, makeContact, makeCustomer, makeUser } from './helpers/factories.js';

let t: TestApp;
let agent: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = await (await makeUser(t, { name: 'Maya Patel' })).cookie();
});
afterAll(async () => t?.close());

function multipart(name: string, content: string) {
  const b = '----portal' + Math.random().toString(16).slice(2);
  return {
    payload: Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--${b}--\r\n`),
    headers: { 'content-type': `multipart/form-data; boundary=${b}` },
  };
}

describe('customer portal', () => {
  it('a customer opens a case, sees only customer-visible words, and replies', async () => {
    const { contact, cookie } = await makeCustomer(t, { name: 'Nancy Davolio' });
    const created = await t.call('POST', '/api/v1/portal/cases', { as: cookie, body: { shortDescription: 'Cannot log in', description: 'Since the update.' } });
    expect(created.statusCode).toBe(201);
    const pc = created.json();
    expect(pc).toMatchObject({ shortDescription: 'Cannot log in', statusLabel: 'New', phase: 'open', canReply: true, messages: [] });
    const staffView = (await t.call('GET', `/api/v1/cases/${pc.number}`, { as: agent })).json();
    expect(staffView).toMatchObject({ channel: 'portal', contactId: contact.id, accountId: contact.accountId });

    await t.call('POST', `/api/v1/cases/${pc.number}/comments`, { as: agent, body: { body: 'Secret internal analysis', visibility: 'internal' } });
    await t.call('POST', `/api/v1/cases/${pc.number}/comments`, { as: agent, body: { body: 'Please clear your cache.', visibility: 'customer' } });
    await t.call('POST', `/api/v1/cases/${pc.number}/activities`, { as: agent, body: { type: 'task', subject: 'Internal task' } });
    const view = (await t.call('GET', `/api/v1/portal/cases/${pc.number}`, { as: cookie })).json();
    expect(view.messages.map((m: { body: string }) => m.body)).toEqual(['Please clear your cache.']);
    expect(view.messages[0]).toMatchObject({ fromCustomer: false, authorName: 'Maya Patel (Casebook)' });
    expect(JSON.stringify(view)).not.toMatch(/Secret internal|Internal task/);

    const reply = await t.call('POST', `/api/v1/portal/cases/${pc.number}/comments`, { as: cookie, body: { body: 'Did that, still broken.' } });
    expect(reply.statusCode).toBe(201);
    expect(reply.json().messages.map((m: { fromCustomer: boolean }) => m.fromCustomer)).toEqual([false, true]);
    const list = (await t.call('GET', '/api/v1/portal/cases', { as: cookie })).json().items;
    expect(list.map((c: { number: string }) => c.number)).toEqual([pc.number]);
  });

  it('a portal reply reopens a waiting or resolved case (assignee cleared); a closed case refuses it', async () => {
    const { contact, cookie } = await makeCustomer(t);
    const c = await makeCase(t, { contactId: contact.id });
    await act(t, c.number, 'start', {}, agent);
    await act(t, c.number, 'resolve', { resolutionCode: 'solved', resolutionNotes: 'Cleared the cache.' }, agent);
    const resolved = (await t.call('GET', `/api/v1/portal/cases/${c.number}`, { as: cookie })).json();
    expect(resolved).toMatchObject({ phase: 'resolved', resolutionNotes: 'Cleared the cache.' });
    await t.call('POST', `/api/v1/portal/cases/${c.number}/comments`, { as: cookie, body: { body: 'It came back.' } });
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: agent })).json()).toMatchObject({ status: 'reopened', assigneeId: null });

    await act(t, c.number, 'start', {}, agent);
    await act(t, c.number, 'cancel', {}, agent);
    const refused = await t.call('POST', `/api/v1/portal/cases/${c.number}/comments`, { as: cookie, body: { body: 'Hello?' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/open a new case/);
  });

  it('customers upload files to their case and download only customer-visible ones', async () => {
    const { contact, cookie } = await makeCustomer(t);
    const c = await makeCase(t, { contactId: contact.id });
    const m = multipart('screenshot.txt', 'what I see');
    const up = await t.app.inject({ method: 'POST', url: `/api/v1/portal/cases/${c.number}/attachments`, headers: { ...m.headers, cookie }, payload: m.payload });
    expect(up.statusCode).toBe(201);
    const [file] = up.json().items;
    const reply = await t.call('POST', `/api/v1/portal/cases/${c.number}/comments`, { as: cookie, body: { body: 'See attached', attachmentIds: [file.id] } });
    expect(reply.json().messages[0].attachments[0]).toMatchObject({ id: file.id, fileName: 'screenshot.txt' });
    expect((await t.call('GET', `/api/v1/portal/attachments/${file.id}`, { as: cookie })).body).toBe('what I see');
    // An agent's internal upload stays internal.
    const m2 = multipart('internal.txt', 'internal');
    const internal = (await t.app.inject({ method: 'POST', url: `/api/v1/cases/${c.number}/attachments`, headers: { ...m2.headers, cookie: agent }, payload: m2.payload })).json().items[0];
    expect((await t.call('GET', `/api/v1/portal/attachments/${internal.id}`, { as: cookie })).statusCode).toBe(404);
  });
});

describe('portal isolation', () => {
  it("a customer can't read, list, reply to or download another customer's or account's case (404)", async () => {
    const accountA = await makeAccount(t);
    const accountB = await makeAccount(t);
    const me = await makeCustomer(t, { accountId: accountA.id });
    const colleague = await makeContact(t, { accountId: accountA.id });
    const stranger = await makeContact(t, { accountId: accountB.id });
    const theirs = await makeCase(t, { contactId: stranger.id });
    const colleagues = await makeCase(t, { contactId: colleague.id });
    const m = multipart('secret.txt', 'secret');
    const att = (await t.app.inject({ method: 'POST', url: `/api/v1/cases/${theirs.number}/attachments`, headers: { ...m.headers, cookie: agent }, payload: m.payload })).json().items[0];
    await t.call('POST', `/api/v1/cases/${theirs.number}/comments`, { as: agent, body: { body: 'for them', visibility: 'customer', attachmentIds: [att.id] } });

    for (const c of [theirs, colleagues]) {
      expect((await t.call('GET', `/api/v1/portal/cases/${c.number}`, { as: me.cookie })).statusCode).toBe(404);
      expect((await t.call('POST', `/api/v1/portal/cases/${c.number}/comments`, { as: me.cookie, body: { body: 'x' } })).statusCode).toBe(404);
    }
    expect((await t.call('GET', `/api/v1/portal/attachments/${att.id}`, { as: me.cookie })).statusCode).toBe(404);
    expect((await t.call('GET', '/api/v1/portal/cases', { as: me.cookie })).json().items).toEqual([]);
    // Staff routes are closed to customers altogether.
    expect((await t.call('GET', `/api/v1/cases/${theirs.number}/timeline`, { as: me.cookie })).statusCode).toBe(403);
    expect((await t.call('GET', `/api/v1/attachments/${att.id}`, { as: me.cookie })).statusCode).toBe(403);

    // With account-wide visibility the colleague's case appears — still not the other account's.
    await t.call('PATCH', '/api/v1/properties/portal.accountWideVisibility', { as: t.adminCookie, body: { value: true } });
    try {
      const list = (await t.call('GET', '/api/v1/portal/cases', { as: me.cookie })).json().items.map((c: { number: string }) => c.number);
      expect(list).toEqual([colleagues.number]);
      expect((await t.call('GET', `/api/v1/portal/cases/${theirs.number}`, { as: me.cookie })).statusCode).toBe(404);
    } finally {
      await t.call('PATCH', '/api/v1/properties/portal.accountWideVisibility', { as: t.adminCookie, body: { value: false } });
    }
  });

  it('customers cannot set fields they do not own', async () => {
    const me = await makeCustomer(t);
    const res = await t.call('POST', '/api/v1/portal/cases', { as: me.cookie, body: { shortDescription: 'x', accountId: 1, status: 'closed' } });
    expect(res.statusCode).toBe(400);
  });
});

describe('satisfaction survey', () => {
  async function resolvedWithSurvey() {
    const { contact } = await makeCustomer(t);
    const c = await makeCase(t, { contactId: contact.id });
    await act(t, c.number, 'start', {}, agent);
    await act(t, c.number, 'resolve', { resolutionCode: 'solved', resolutionNotes: 'Fixed.' }, agent);
    const mail = await t.db.selectFrom('outbox').select('text_body').where('case_id', '=', c.id).where('template_key', '=', 'case_resolved').executeTakeFirstOrThrow();
    const token = /\/survey\/([A-Za-z0-9_-]+)/.exec(mail.text_body)![1]!;
    return { c, token };
  }

  it('score 4 closes the case; the token cannot be used again', async () => {
    const { c, token } = await resolvedWithSurvey();
    const view = (await t.call('GET', `/api/v1/surveys/${token}`)).json();
    expect(view).toMatchObject({ state: 'open', caseNumber: c.number });
    expect(view.levels).toHaveLength(5);
    const res = await t.call('POST', `/api/v1/surveys/${token}`, { body: { score: 4 } });
    expect(res.json()).toMatchObject({ state: 'answered', answeredScore: 4 });
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: agent })).json()).toMatchObject({ status: 'closed', satisfaction: 4 });
    const again = await t.call('POST', `/api/v1/surveys/${token}`, { body: { score: 1 } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/already answered/);
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: agent })).json().status).toBe('closed');
  });

  it('score 2 reopens the case and clears the assignee', async () => {
    const { c, token } = await resolvedWithSurvey();
    await t.call('POST', `/api/v1/surveys/${token}`, { body: { score: 2, comment: 'Not fixed at all' } });
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: agent })).json()).toMatchObject({ status: 'reopened', assigneeId: null, satisfaction: 2 });
  });

  it('an unknown token is 404; an expired one is refused; levels are admin-editable', async () => {
    expect((await t.call('GET', '/api/v1/surveys/not-a-real-token-at-all-xyz')).statusCode).toBe(404);
    const { c, token } = await resolvedWithSurvey();
    await t.db.updateTable('surveys').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('case_id', '=', c.id).execute();
    expect((await t.call('GET', `/api/v1/surveys/${token}`)).json().state).toBe('expired');
    const res = await t.call('POST', `/api/v1/surveys/${token}`, { body: { score: 5 } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/expired/);
    const lvl = await t.call('PATCH', '/api/v1/satisfaction-levels/3', { as: t.adminCookie, headers: { 'if-match': '"1"' }, body: { outcome: 'reopen' } });
    expect(lvl.json()).toMatchObject({ score: 3, outcome: 'reopen', version: 2 });
    expect((await t.call('PATCH', '/api/v1/satisfaction-levels/3', { as: t.adminCookie, headers: { 'if-match': '"1"' }, body: { outcome: 'close' } })).statusCode).toBe(412);
    expect((await t.call('PATCH', '/api/v1/satisfaction-levels/3', { as: agent, body: { outcome: 'close' } })).statusCode).toBe(403);
    await t.call('PATCH', '/api/v1/satisfaction-levels/3', { as: t.adminCookie, body: { outcome: 'close' } });
  });
});
