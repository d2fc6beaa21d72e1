import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../src/demo.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { makeUser } from './helpers/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('system properties', () => {
  it('lists typed properties with their defaults', async () => {
    const items = (await t.call('GET', '/api/v1/properties', { as: t.adminCookie })).json().items;
    const byKey = Object.fromEntries(items.map((p: { key: string; value: unknown }) => [p.key, p.value]));
    expect(byKey).toMatchObject({
      'reviews.majorCaseReviews.enabled': true,
      'kb.createArticleAfterResolution': false,
      'portal.accountWideVisibility': false,
      'cases.autoCloseAfterDays': 7,
    });
  });

  it('changes a property with its type checked, audited, and If-Match honoured', async () => {
    const wrongType = await t.call('PATCH', '/api/v1/properties/kb.createArticleAfterResolution', { as: t.adminCookie, body: { value: 'yes' } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.details.fields[0].field).toBe('body.value');
    const ok = await t.call('PATCH', '/api/v1/properties/kb.createArticleAfterResolution', { as: t.adminCookie, headers: { 'if-match': '"1"' }, body: { value: true } });
    expect(ok.json()).toMatchObject({ value: true, version: 2 });
    const stale = await t.call('PATCH', '/api/v1/properties/kb.createArticleAfterResolution', { as: t.adminCookie, headers: { 'if-match': '"1"' }, body: { value: false } });
    expect(stale.statusCode).toBe(412);
    const audit = (await t.call('GET', '/api/v1/audit?entity=property&entityId=0', { as: t.adminCookie })).json().items;
    expect(audit[0]).toMatchObject({ field: 'kb.createArticleAfterResolution', oldValue: 'false', newValue: 'true' });
    expect((await t.call('PATCH', '/api/v1/properties/no.such.key', { as: t.adminCookie, body: { value: 1 } })).statusCode).toBe(404);
  });

  it('agents read properties but cannot change them; only admins read the audit trail', async () => {
    const agent = await (await makeUser(t)).cookie();
    expect((await t.call('GET', '/api/v1/properties', { as: agent })).statusCode).toBe(200);
    expect((await t.call('PATCH', '/api/v1/properties/email.from', { as: agent, body: { value: 'x@y.z' } })).statusCode).toBe(403);
    expect((await t.call('GET', '/api/v1/audit?entity=user&entityId=1', { as: agent })).statusCode).toBe(403);
  });
});

describe('demo data', () => {
  it('loads staff of every role, groups and customers, and loading twice adds nothing', async () => {
    await loadDemoData(t.db, () => {}, t.config.dataDir);
    const count = async (table: 'users' | 'groups' | 'accounts' | 'contacts' | 'assets' | 'cases') =>
      Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = { users: await count('users'), groups: await count('groups'), accounts: await count('accounts'), contacts: await count('contacts'), cases: await count('cases') };
    await loadDemoData(t.db, () => {}, t.config.dataDir);
    expect({ users: await count('users'), groups: await count('groups'), accounts: await count('accounts'), contacts: await count('contacts'), cases: await count('cases') }).toEqual(before);
    const roles = (await t.db.selectFrom('user_roles').select('role').distinct().execute()).map((r) => r.role).sort();
    expect(roles).toEqual(['admin', 'agent', 'major_issue_manager', 'manager']);
    const statuses = (await t.db.selectFrom('cases').select('status').distinct().execute()).map((r) => r.status).sort();
    expect(statuses).toEqual(['canceled', 'closed', 'in_progress', 'new', 'reopened', 'resolved', 'waiting_for_response']);
    const modes = (await t.db.selectFrom('queues').select('mode').distinct().execute()).map((r) => r.mode).sort();
    expect(modes).toEqual(['any', 'next']);
    expect(Number((await t.db.selectFrom('activities').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBeGreaterThan(0);
    const reviewStates = (await t.db.selectFrom('reviews').select('state').distinct().execute()).map((r) => r.state).sort();
    expect(reviewStates).toEqual(['approved', 'awaiting_approval', 'in_progress', 'new', 'published']);
    expect(Number((await t.db.selectFrom('review_documents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBeGreaterThanOrEqual(6);
    const copies = await t.db.selectFrom('reviews').select('id').where('source_review_id', 'is not', null).execute();
    expect(copies).toHaveLength(3);
    const portal = await t.login('nancy@northwind.example', 'casebook-demo', true);
    expect((await t.call('GET', '/api/v1/me', { as: portal })).json()).toMatchObject({ type: 'contact', roles: ['customer'] });
  });
});
