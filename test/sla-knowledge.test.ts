import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markBreaches } from '../src/modules/sla/sla.service.js';
import { clock } from '../src/platform/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { act, makeAccount, makeCase, makeContact, makeCustomer, makeGroup, makeUser } from './helpers/factories.js';

let t: TestApp;
let agent: Awaited<ReturnType<typeof makeUser>>;
let agentCookie: string;
let around: number;
beforeAll(async () => {
  t = await startTestApp();
  agent = await makeUser(t, { name: 'Maya Patel' });
  agentCookie = await agent.cookie();
  // A 24×7 calendar makes due times independent of when the suite runs.
  around = (await t.call('GET', '/api/v1/calendars', { as: t.adminCookie })).json().items.find((c: { name: string }) => c.name === 'Around the clock').id;
  for (const p of (await t.call('GET', '/api/v1/sla-policies', { as: t.adminCookie })).json().items) {
    await t.call('PATCH', `/api/v1/sla-policies/${p.id}`, { as: t.adminCookie, body: { calendarId: around } });
  }
});
afterAll(async () => {
  clock.reset();
  await t?.close();
});

const H = 3_600_000;
const get = async (number: string) => (await t.call('GET', `/api/v1/cases/${number}`, { as: agentCookie })).json();

describe('SLA', () => {
  it('due times at creation from the priority policy; recomputed on a priority change', async () => {
    const c = await makeCase(t, { priority: 3 });
    const opened = Date.parse(c.openedAt);
    expect(Date.parse(c.responseDueAt) - opened).toBe(4 * H);
    expect(Date.parse(c.resolutionDueAt) - opened).toBe(30 * H);
    expect(c.sla).toMatchObject({ policyName: 'Medium', response: { state: 'running', targetMinutes: 240 } });
    const changed = (await t.call('PATCH', `/api/v1/cases/${c.number}`, { as: agentCookie, body: { priority: 1 } })).json();
    expect(Date.parse(changed.resolutionDueAt) - opened).toBe(4 * H);
    expect(changed.sla.policyName).toBe('Critical');
  });

  it('an account tier gets its own policy', async () => {
    const account = await makeAccount(t, { tier: 'premium' });
    const c = await makeCase(t, { accountId: account.id, priority: 2 });
    expect(c.sla.policyName).toBe('High (premium)');
    expect(Date.parse(c.resolutionDueAt) - Date.parse(c.openedAt)).toBe(8 * H);
  });

  it('the clock stops while waiting for the customer and the deadline moves by the pause', async () => {
    const c = await makeCase(t, { priority: 1 });
    await act(t, c.number, 'start', {}, agentCookie);
    const due = Date.parse((await get(c.number)).resolutionDueAt);
    await act(t, c.number, 'wait', {}, agentCookie);
    expect((await get(c.number)).sla).toMatchObject({ pausedSince: expect.any(String), resolution: { state: 'paused' } });
    clock.advance(2 * H);
    try {
      await act(t, c.number, 'start', {}, agentCookie);
      const after = await get(c.number);
      expect(after.sla.pausedSince).toBeNull();
      expect(Math.round((Date.parse(after.resolutionDueAt) - due) / 1000)).toBe(2 * 3600);
    } finally {
      clock.reset();
    }
  });

  it('the worker marks breaches when they happen, once, and tells the assignee and group', async () => {
    const member = await makeUser(t);
    const group = await makeGroup(t, { memberIds: [member.id] });
    const c = await makeCase(t, { priority: 1, assignmentGroupId: group.id });
    await act(t, c.number, 'assign', { assigneeId: agent.id }, t.adminCookie);
    clock.advance(1 * H); // the 30-minute first response is overdue
    try {
      expect(await markBreaches(t.db)).toBeGreaterThanOrEqual(1);
      expect(await markBreaches(t.db)).toBe(0);
      const now = await get(c.number);
      expect(now.sla.response.state).toBe('breached');
      expect(now.sla.response.breachedAt).toBeTruthy();
      expect(now.sla.resolution.state).not.toBe('breached');
      for (const cookie of [agentCookie, await member.cookie()]) {
        const notes = (await t.call('GET', '/api/v1/me/notifications', { as: cookie })).json().items;
        expect(notes.some((n: { kind: string; caseNumber: string }) => n.kind === 'sla_breached' && n.caseNumber === c.number)).toBe(true);
      }
      const breached = (await t.call('GET', '/api/v1/cases?sla=breached&limit=200', { as: agentCookie })).json().items.map((x: { number: string }) => x.number);
      expect(breached).toContain(c.number);
    } finally {
      clock.reset();
    }
  });

  it('first response is recorded once, by the first customer-visible reply of an agent', async () => {
    const contact = await makeContact(t);
    const c = await makeCase(t, { contactId: contact.id });
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: 'note', visibility: 'internal' } });
    expect((await get(c.number)).firstResponseAt).toBeNull();
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: 'hello', visibility: 'customer' } });
    const first = (await get(c.number)).firstResponseAt;
    expect((await get(c.number)).sla.response.state).toBe('met');
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: 'again', visibility: 'customer' } });
    expect((await get(c.number)).firstResponseAt).toBe(first);
  });

  it('lists sort by due time and show the SLA state; at-risk view', async () => {
    const account = await makeAccount(t);
    const low = await makeCase(t, { accountId: account.id, priority: 4 });
    const crit = await makeCase(t, { accountId: account.id, priority: 1 });
    const sorted = (await t.call('GET', `/api/v1/cases?accountId=${account.id}&sort=due&order=asc`, { as: agentCookie })).json().items;
    expect(sorted.map((x: { number: string }) => x.number)).toEqual([crit.number, low.number]);
    // Critical: the 30-minute first response is always within the last hour, so at risk.
    expect(sorted.map((x: { slaState: string }) => x.slaState)).toEqual(['at_risk', 'running']);
    expect(sorted[0].slaDueAt).toBe((await get(crit.number)).responseDueAt);
    clock.advance(20 * 60_000); // 10 minutes before the 30-minute first response
    try {
      const risky = (await t.call('GET', '/api/v1/cases?sla=at_risk&limit=200', { as: agentCookie })).json().items.map((x: { number: string }) => x.number);
      expect(risky).toContain(crit.number);
      expect(risky).not.toContain(low.number);
    } finally {
      clock.reset();
    }
  });

  it('resolving before any reply stops the response clock too', async () => {
    const c = await makeCase(t, { priority: 4 });
    await act(t, c.number, 'resolve', { resolutionCode: 'solved', resolutionNotes: 'Fixed.' }, agentCookie);
    const now = await get(c.number);
    expect(now.sla.response.state).toBe('met');
    expect(now.sla.resolution.state).toBe('met');
    const item = (await t.call('GET', `/api/v1/cases?q=${c.number}`, { as: agentCookie })).json().items[0];
    expect(item).toMatchObject({ slaState: 'met', slaDueAt: now.resolutionDueAt });
  });

  it('the case-opened mail states the resolution deadline in the calendar’s time', async () => {
    const contact = await makeContact(t);
    const c = await makeCase(t, { contactId: contact.id, priority: 2 });
    await act(t, c.number, 'start', {}, agentCookie);
    const mail = await t.db.selectFrom('outbox').select('text_body').where('case_id', '=', c.id).where('template_key', '=', 'case_opened').executeTakeFirstOrThrow();
    expect(mail.text_body).toMatch(/We aim to resolve it by \w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC/);
  });

  it('calendars validate timezone and hours; agents may not change them', async () => {
    const bad = await t.call('POST', '/api/v1/calendars', { as: t.adminCookie, body: { name: 'Bad', timezone: 'Mars/Olympus', workingHours: { '1': [['17:00', '09:00']] } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.timezone', 'body.workingHours']);
    const ok = await t.call('POST', '/api/v1/calendars', { as: t.adminCookie, body: { name: 'Sydney', timezone: 'Australia/Sydney', workingHours: { '1': [['09:00', '17:00']] }, holidays: [{ date: '2026-12-25', name: 'Christmas' }] } });
    expect(ok.statusCode).toBe(201);
    expect((await t.call('PATCH', `/api/v1/calendars/${ok.json().id}`, { as: agentCookie, body: { name: 'x' } })).statusCode).toBe(403);
  });
});

describe('knowledge base', () => {
  it('draft → published → retired, with versions; search finds published words', async () => {
    const a = (await t.call('POST', '/api/v1/articles', { as: agentCookie, body: { title: 'Renew an expired gateway certificate', body: 'Run **renew-cert** on the gateway host.', product: 'Connect' } })).json();
    expect(a).toMatchObject({ number: expect.stringMatching(/^KB\d{7}$/), state: 'draft', bodyHtml: '<p>Run <strong>renew-cert</strong> on the gateway host.</p>\n' });
    await t.call('PATCH', `/api/v1/articles/${a.number}`, { as: agentCookie, headers: { 'if-match': '"1"' }, body: { body: 'Run **renew-cert** on the gateway host, then restart it.' } });
    expect((await t.call('POST', `/api/v1/articles/${a.number}/retire`, { as: agentCookie })).statusCode).toBe(409);
    const pub = await t.call('POST', `/api/v1/articles/${a.number}/publish`, { as: agentCookie });
    expect(pub.json()).toMatchObject({ state: 'published', publishedAt: expect.any(String) });
    const versions = (await t.call('GET', `/api/v1/articles/${a.number}/versions`, { as: agentCookie })).json().items;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const found = (await t.call('GET', '/api/v1/articles?q=gateway certif', { as: agentCookie })).json().items;
    expect(found.map((x: { number: string }) => x.number)).toEqual([a.number]);
    await t.call('POST', `/api/v1/articles/${a.number}/retire`, { as: agentCookie });
    expect((await t.call('PATCH', `/api/v1/articles/${a.number}`, { as: agentCookie, body: { title: 'x' } })).statusCode).toBe(409);
  });

  it('the editor previews unsaved Markdown the same safe way', async () => {
    const res = await t.call('POST', '/api/v1/articles/preview', { as: agentCookie, body: { body: '**bold** <script>x</script>' } });
    expect(res.json().bodyHtml).toBe('<p><strong>bold</strong> &lt;script&gt;x&lt;/script&gt;</p>\n');
  });

  it('article HTML is safe: raw HTML escaped, script links dropped', async () => {
    const a = (await t.call('POST', '/api/v1/articles', { as: agentCookie, body: { title: 'Hostile', body: '<script>alert(1)</script> [x](javascript:alert(1)) ![img](http://x/y.png) <img src=x onerror=alert(1)>' } })).json();
    expect(a.bodyHtml).not.toMatch(/<script|<img|href="javascript/); // tags are escaped to inert text
    expect(a.bodyHtml).toContain('&lt;script&gt;');
  });

  it('customers see only published articles in the portal', async () => {
    const draft = (await t.call('POST', '/api/v1/articles', { as: agentCookie, body: { title: 'Portal draft zebra' } })).json();
    const live = (await t.call('POST', '/api/v1/articles', { as: agentCookie, body: { title: 'Portal live zebra' } })).json();
    await t.call('POST', `/api/v1/articles/${live.number}/publish`, { as: agentCookie });
    const { cookie } = await makeCustomer(t);
    const list = (await t.call('GET', '/api/v1/portal/articles?q=zebra', { as: cookie })).json().items.map((x: { number: string }) => x.number);
    expect(list).toEqual([live.number]);
    expect((await t.call('GET', `/api/v1/portal/articles/${draft.number}`, { as: cookie })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/v1/portal/articles/${live.number}`, { as: cookie })).statusCode).toBe(200);
    expect((await t.call('GET', '/api/v1/articles', { as: cookie })).statusCode).toBe(403);
  });

  it('the resolve dialog’s suggestions match the case text; linking is many to many', async () => {
    const a = (await t.call('POST', '/api/v1/articles', { as: agentCookie, body: { title: 'Scanner battery drains overnight', body: 'Update the firmware to 5.3.', product: 'ScanPro' } })).json();
    await t.call('POST', `/api/v1/articles/${a.number}/publish`, { as: agentCookie });
    const c1 = await makeCase(t, { shortDescription: 'Our scanner batteries drain in the night', product: 'ScanPro' });
    const c2 = await makeCase(t, { shortDescription: 'Battery problem on scanners' });
    const s = (await t.call('GET', `/api/v1/cases/${c1.number}/article-suggestions`, { as: agentCookie })).json().items;
    expect(s.map((x: { number: string }) => x.number)).toContain(a.number);
    for (const c of [c1, c2]) await t.call('POST', `/api/v1/cases/${c.number}/articles`, { as: agentCookie, body: { articleNumber: a.number } });
    expect((await t.call('GET', `/api/v1/cases/${c1.number}/articles`, { as: agentCookie })).json().items.map((x: { number: string }) => x.number)).toEqual([a.number]);
    expect((await t.call('GET', `/api/v1/cases/${c1.number}/article-suggestions`, { as: agentCookie })).json().items.map((x: { number: string }) => x.number)).not.toContain(a.number);
    expect((await t.call('DELETE', `/api/v1/cases/${c2.number}/articles/${a.number}`, { as: agentCookie })).statusCode).toBe(204);
  });

  it('create-after-resolution: offered only with the property on and no linked article; the draft links on save', async () => {
    const c = await makeCase(t, { shortDescription: 'Export drops umlauts', description: 'Müller becomes M?ller' });
    await act(t, c.number, 'resolve', { resolutionCode: 'solved', cause: 'Wrong encoding', resolutionNotes: 'Export as UTF-8.' }, agentCookie);
    const off = (await t.call('GET', `/api/v1/cases/${c.number}/article-draft`, { as: agentCookie })).json();
    expect(off).toMatchObject({ offer: false, reason: expect.stringMatching(/off/) });
    await t.call('PATCH', '/api/v1/properties/kb.createArticleAfterResolution', { as: t.adminCookie, body: { value: true } });
    try {
      const on = (await t.call('GET', `/api/v1/cases/${c.number}/article-draft`, { as: agentCookie })).json();
      expect(on).toMatchObject({ offer: true, draft: { title: 'Export drops umlauts' } });
      expect(on.draft.body).toContain('Wrong encoding');
      expect(on.draft.body).toContain('Export as UTF-8.');
      const saved = await t.call('POST', '/api/v1/articles', { as: agentCookie, body: { ...on.draft, product: on.draft.product ?? undefined, category: on.draft.category ?? undefined, caseNumber: c.number } });
      expect(saved.json().state).toBe('draft');
      expect((await t.call('GET', `/api/v1/cases/${c.number}/articles`, { as: agentCookie })).json().items.map((x: { number: string }) => x.number)).toEqual([saved.json().number]);
      expect((await t.call('GET', `/api/v1/cases/${c.number}/article-draft`, { as: agentCookie })).json().offer).toBe(false);
    } finally {
      await t.call('PATCH', '/api/v1/properties/kb.createArticleAfterResolution', { as: t.adminCookie, body: { value: false } });
    }
  });
});
