import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp } from './helpers/app.js';
import { makeGroup, makeUser } from './helpers/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('users', () => {
  it('creates a user and never returns the password hash', async () => {
    const res = await t.call('POST', '/api/v1/users', {
      as: t.adminCookie,
      body: { email: 'Ana.Silva@Example.test', name: 'Ana Silva', roles: ['agent', 'manager'], password: 'long-enough-password' },
    });
    expect(res.statusCode).toBe(201);
    const user = res.json();
    expect(user).toMatchObject({ email: 'ana.silva@example.test', name: 'Ana Silva', roles: ['agent', 'manager'], active: true, hasPassword: true, version: 1 });
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).not.toMatch(/argon2|password_hash|passwordHash/);
    const stored = await t.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    const list = await t.call('GET', '/api/v1/users?q=silva', { as: t.adminCookie });
    expect(list.json().items.map((u: { id: number }) => u.id)).toEqual([user.id]);
    expect(list.body).not.toContain('argon2');
  });

  it('answers 400 naming the bad field, and 400 for unknown fields', async () => {
    const bad = await t.call('POST', '/api/v1/users', { as: t.adminCookie, body: { email: 'not-an-email', name: 'X', roles: ['agent'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    expect(bad.json().error.details.fields).toContainEqual({ field: 'body.email', message: 'must be an email address' });
    const unknown = await t.call('POST', '/api/v1/users', { as: t.adminCookie, body: { email: 'u@example.test', name: 'X', roles: ['agent'], isAdmin: true } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.fields[0]).toEqual({ field: 'body.isAdmin', message: 'unknown field' });
    const role = await t.call('POST', '/api/v1/users', { as: t.adminCookie, body: { email: 'u@example.test', name: 'X', roles: ['customer'] } });
    expect(role.statusCode).toBe(400);
    expect(role.json().error.details.fields[0].field).toBe('body.roles.0');
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'u@example.test').executeTakeFirst()).toBeUndefined();
  });

  it('refuses a duplicate email with 409', async () => {
    const user = await makeUser(t);
    const res = await t.call('POST', '/api/v1/users', { as: t.adminCookie, body: { email: user.email, name: 'Twin', roles: ['agent'] } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.details).toEqual({ field: 'email' });
  });

  it('updates with If-Match, answers 412 for a stale version, and audits old → new', async () => {
    const user = await makeUser(t, { name: 'Before Name' });
    const ok = await t.call('PATCH', `/api/v1/users/${user.id}`, { as: t.adminCookie, headers: { 'if-match': '"1"' }, body: { name: 'After Name', roles: ['agent', 'manager'] } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ name: 'After Name', roles: ['agent', 'manager'], version: 2 });
    const stale = await t.call('PATCH', `/api/v1/users/${user.id}`, { as: t.adminCookie, headers: { 'if-match': '"1"' }, body: { name: 'Lost Update' } });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().error.details).toEqual({ currentVersion: 2 });
    expect((await t.call('GET', `/api/v1/users/${user.id}`, { as: t.adminCookie })).json().name).toBe('After Name');

    const audit = (await t.call('GET', `/api/v1/audit?entity=user&entityId=${user.id}`, { as: t.adminCookie })).json().items;
    expect(audit).toContainEqual(expect.objectContaining({ action: 'update', field: 'name', oldValue: 'Before Name', newValue: 'After Name', actorType: 'user' }));
    expect(audit).toContainEqual(expect.objectContaining({ field: 'roles', oldValue: '["agent"]', newValue: '["agent","manager"]' }));
    expect(JSON.stringify(audit)).not.toContain('argon2');
  });

  it('does not let the last active admin be demoted or deactivated', async () => {
    const admin = (await t.call('GET', '/api/v1/me', { as: t.adminCookie })).json();
    const otherAdmins = (await t.call('GET', '/api/v1/users?role=admin&active=true', { as: t.adminCookie })).json().items.filter((u: { id: number }) => u.id !== admin.id);
    expect(otherAdmins).toEqual([]);
    const demote = await t.call('PATCH', `/api/v1/users/${admin.id}`, { as: t.adminCookie, body: { roles: ['agent'] } });
    expect(demote.statusCode).toBe(409);
    const deactivate = await t.call('PATCH', `/api/v1/users/${admin.id}`, { as: t.adminCookie, body: { active: false } });
    expect(deactivate.statusCode).toBe(409);
    expect((await t.call('GET', `/api/v1/users/${admin.id}`, { as: t.adminCookie })).json()).toMatchObject({ roles: ['admin'], active: true });

    // With a second admin, the first may step down.
    const second = await makeUser(t, { roles: ['admin'] });
    expect((await t.call('PATCH', `/api/v1/users/${admin.id}`, { as: t.adminCookie, body: { roles: ['admin', 'agent'] } })).statusCode).toBe(200);
    const step = await t.call('PATCH', `/api/v1/users/${second.id}`, { as: t.adminCookie, body: { active: false } });
    expect(step.statusCode).toBe(200);
  });

  it('changing a password ends the user’s sessions; the new password works', async () => {
    const user = await makeUser(t);
    const cookie = await user.cookie();
    const res = await t.call('PATCH', `/api/v1/users/${user.id}`, { as: t.adminCookie, body: { password: 'a-brand-new-password' } });
    expect(res.statusCode).toBe(200);
    expect((await t.call('GET', '/api/v1/me', { as: cookie })).statusCode).toBe(401);
    expect((await t.login(user.email, 'a-brand-new-password')).length).toBeGreaterThan(10);
  });

  it('agents can read the directory but not change it', async () => {
    const agent = await makeUser(t);
    const cookie = await agent.cookie();
    expect((await t.call('GET', '/api/v1/users', { as: cookie })).statusCode).toBe(200);
    expect((await t.call('POST', '/api/v1/users', { as: cookie, body: { email: 'x@example.test', name: 'X', roles: ['admin'] } })).statusCode).toBe(403);
    expect((await t.call('PATCH', `/api/v1/users/${agent.id}`, { as: cookie, body: { roles: ['admin'] } })).statusCode).toBe(403);
    expect((await t.call('GET', `/api/v1/users/${agent.id}`, { as: cookie })).json().roles).toEqual(['agent']);
  });

  it('paginates by cursor without repeats or gaps', async () => {
    for (let i = 0; i < 7; i++) await makeUser(t, { name: `Pager ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/users?q=pager&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await t.call('GET', url, { as: t.adminCookie })).json();
      seen.push(...body.items.map((u: { name: string }) => u.name));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `Pager ${i}`));
    const bad = await t.call('GET', '/api/v1/users?cursor=garbage', { as: t.adminCookie });
    expect(bad.statusCode).toBe(400);
  });

  it('returns 404 for an unknown user', async () => {
    expect((await t.call('GET', '/api/v1/users/999999', { as: t.adminCookie })).statusCode).toBe(404);
  });
});

describe('groups', () => {
  it('creates a group with members, changes membership, audits it', async () => {
    const a = await makeUser(t);
    const b = await makeUser(t);
    const group = await makeGroup(t, { name: 'Tier 1', memberIds: [a.id] });
    expect(group).toMatchObject({ name: 'Tier 1', memberIds: [a.id], active: true, version: 1 });
    expect((await t.call('GET', `/api/v1/users/${a.id}`, { as: t.adminCookie })).json().groupIds).toEqual([group.id]);

    const res = await t.call('PATCH', `/api/v1/groups/${group.id}`, { as: t.adminCookie, headers: { 'if-match': '1' }, body: { memberIds: [b.id, a.id] } });
    expect(res.json()).toMatchObject({ memberIds: [a.id, b.id].sort((x, y) => x - y), version: 2 });
    const audit = (await t.call('GET', `/api/v1/audit?entity=group&entityId=${group.id}`, { as: t.adminCookie })).json().items;
    expect(audit[0]).toMatchObject({ field: 'memberIds', oldValue: `[${a.id}]` });
  });

  it('refuses unknown members and duplicate names', async () => {
    const res = await t.call('POST', '/api/v1/groups', { as: t.adminCookie, body: { name: 'Ghosts', memberIds: [424242] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields[0].field).toBe('body.memberIds');
    expect((await t.call('GET', '/api/v1/groups?q=Ghosts', { as: t.adminCookie })).json().items).toEqual([]);
    await makeGroup(t, { name: 'Unique Team' });
    expect((await t.call('POST', '/api/v1/groups', { as: t.adminCookie, body: { name: 'Unique Team' } })).statusCode).toBe(409);
  });

  it('deactivates a group and filters by state', async () => {
    const group = await makeGroup(t, { name: 'Night Shift' });
    await t.call('PATCH', `/api/v1/groups/${group.id}`, { as: t.adminCookie, body: { active: false } });
    const inactive = (await t.call('GET', '/api/v1/groups?active=false', { as: t.adminCookie })).json().items;
    expect(inactive.map((g: { name: string }) => g.name)).toContain('Night Shift');
    const active = (await t.call('GET', '/api/v1/groups?active=true', { as: t.adminCookie })).json().items;
    expect(active.map((g: { name: string }) => g.name)).not.toContain('Night Shift');
  });
});

describe('admin bootstrap', () => {
  it('created exactly one admin from the configured credentials', async () => {
    const admins = (await t.call('GET', '/api/v1/users?role=admin', { as: t.adminCookie })).json().items;
    expect(admins.map((u: { email: string }) => u.email)).toContain(ADMIN.email);
  });
});
