import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { makeAccount, makeAsset, makeContact, makeCustomer, makeUser } from './helpers/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('accounts, contacts and assets', () => {
  it('admins create and edit an account; every change is audited', async () => {
    const created = await t.call('POST', '/api/v1/accounts', { as: t.adminCookie, body: { name: 'Northwind', tier: 'premium', domain: 'Northwind.Example' } });
    expect(created.statusCode).toBe(201);
    const account = created.json();
    expect(account).toMatchObject({ name: 'Northwind', tier: 'premium', domain: 'northwind.example', active: true, version: 1 });
    const res = await t.call('PATCH', `/api/v1/accounts/${account.id}`, { as: t.adminCookie, headers: { 'if-match': '"1"' }, body: { tier: 'enterprise' } });
    expect(res.json()).toMatchObject({ tier: 'enterprise', version: 2 });
    const audit = (await t.call('GET', `/api/v1/audit?entity=account&entityId=${account.id}`, { as: t.adminCookie })).json().items;
    expect(audit[0]).toMatchObject({ action: 'update', field: 'tier', oldValue: 'premium', newValue: 'enterprise' });
    expect(audit.some((e: { action: string }) => e.action === 'create')).toBe(true);
  });

  it('validates domain and required names', async () => {
    const res = await t.call('POST', '/api/v1/accounts', { as: t.adminCookie, body: { name: '  ', domain: 'not a domain' } });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.domain']));
  });

  it('contacts belong to an existing account and have unique emails', async () => {
    const account = await makeAccount(t);
    const missing = await t.call('POST', '/api/v1/contacts', { as: t.adminCookie, body: { accountId: 999999, name: 'Nobody', email: 'n@x.test', portalAccess: false } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.fields[0].field).toBe('body.accountId');
    const contact = await makeContact(t, { accountId: account.id, email: 'Jane@Customer.test', phone: '+1 555 0100' });
    expect(contact).toMatchObject({ accountId: account.id, accountName: account.name, email: 'jane@customer.test', phone: '+1 555 0100', portalAccess: false, hasPassword: false });
    const dup = await t.call('POST', '/api/v1/contacts', { as: t.adminCookie, body: { accountId: account.id, name: 'Jane 2', email: 'jane@customer.test', portalAccess: false } });
    expect(dup.statusCode).toBe(409);
    const list = (await t.call('GET', `/api/v1/contacts?accountId=${account.id}`, { as: t.adminCookie })).json();
    expect(list.items.map((c: { id: number }) => c.id)).toEqual([contact.id]);
  });

  it('assets belong to an account and can move, be searched and deactivated', async () => {
    const a = await makeAccount(t);
    const b = await makeAccount(t);
    const asset = await makeAsset(t, { accountId: a.id, name: 'Router R1', serialNumber: 'SN-123', product: 'EdgeRouter' });
    expect(asset).toMatchObject({ accountId: a.id, serialNumber: 'SN-123', product: 'EdgeRouter' });
    const moved = await t.call('PATCH', `/api/v1/assets/${asset.id}`, { as: t.adminCookie, body: { accountId: b.id, active: false } });
    expect(moved.json()).toMatchObject({ accountId: b.id, accountName: b.name, active: false });
    const found = (await t.call('GET', '/api/v1/assets?q=sn-123', { as: t.adminCookie })).json().items;
    expect(found.map((x: { id: number }) => x.id)).toEqual([asset.id]);
    const literal = (await t.call('GET', '/api/v1/assets?q=%25', { as: t.adminCookie })).json().items;
    expect(literal).toEqual([]); // LIKE wildcards in the search text are taken literally
  });

  it('agents read customers but cannot change them', async () => {
    const agent = await (await makeUser(t)).cookie();
    const account = await makeAccount(t);
    expect((await t.call('GET', `/api/v1/accounts/${account.id}`, { as: agent })).statusCode).toBe(200);
    expect((await t.call('PATCH', `/api/v1/accounts/${account.id}`, { as: agent, body: { name: 'Hijacked' } })).statusCode).toBe(403);
    expect((await t.call('POST', '/api/v1/assets', { as: agent, body: { accountId: account.id, name: 'X' } })).statusCode).toBe(403);
  });
});

describe('customer scope', () => {
  it('a customer sees its own account, itself and its account’s assets — nothing else (404)', async () => {
    const mine = await makeAccount(t);
    const theirs = await makeAccount(t);
    const myAsset = await makeAsset(t, { accountId: mine.id });
    const theirAsset = await makeAsset(t, { accountId: theirs.id });
    const colleague = await makeContact(t, { accountId: mine.id });
    const stranger = await makeContact(t, { accountId: theirs.id });
    const { contact, cookie } = await makeCustomer(t, { accountId: mine.id });

    expect((await t.call('GET', `/api/v1/accounts/${mine.id}`, { as: cookie })).statusCode).toBe(200);
    expect((await t.call('GET', `/api/v1/accounts/${theirs.id}`, { as: cookie })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/v1/contacts/${contact.id}`, { as: cookie })).statusCode).toBe(200);
    expect((await t.call('GET', `/api/v1/contacts/${stranger.id}`, { as: cookie })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/v1/contacts/${colleague.id}`, { as: cookie })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/v1/assets/${myAsset.id}`, { as: cookie })).statusCode).toBe(200);
    expect((await t.call('GET', `/api/v1/assets/${theirAsset.id}`, { as: cookie })).statusCode).toBe(404);

    const accounts = (await t.call('GET', '/api/v1/accounts', { as: cookie })).json().items;
    expect(accounts.map((a: { id: number }) => a.id)).toEqual([mine.id]);
    const assets = (await t.call('GET', `/api/v1/assets?accountId=${theirs.id}`, { as: cookie })).json().items;
    expect(assets).toEqual([]);
    const contacts = (await t.call('GET', '/api/v1/contacts', { as: cookie })).json().items;
    expect(contacts.map((c: { id: number }) => c.id)).toEqual([contact.id]);
  });

  it('a customer cannot change anything, not even its own record', async () => {
    const { contact, cookie } = await makeCustomer(t);
    const res = await t.call('PATCH', `/api/v1/contacts/${contact.id}`, { as: cookie, body: { accountId: 1 } });
    expect(res.statusCode).toBe(403);
    expect((await t.call('GET', '/api/v1/users', { as: cookie })).statusCode).toBe(403);
  });
});
