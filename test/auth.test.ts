import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clock } from '../src/platform/clock.js';
import { ADMIN, startTestApp, type TestApp } from './helpers/app.js';
import { makeCustomer, makeUser, PASSWORD } from './helpers/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  clock.reset();
  await t?.close();
});

describe('sign-in and sessions', () => {
  it('sets an HttpOnly SameSite session cookie and answers /me', async () => {
    const res = await t.call('POST', '/api/v1/auth/login', { body: { email: ADMIN.email.toUpperCase(), password: ADMIN.password } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'casebook_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(res.json()).toMatchObject({ type: 'user', email: ADMIN.email, roles: ['admin'], accountId: null });
    const me = await t.call('GET', '/api/v1/me', { as: `casebook_session=${cookie.value}` });
    expect(me.json().email).toBe(ADMIN.email);
  });

  it('gives a new session id on every sign-in and ends the old one', async () => {
    const first = await t.login(ADMIN.email, ADMIN.password);
    const res = await t.call('POST', '/api/v1/auth/login', { as: first, body: { email: ADMIN.email, password: ADMIN.password } });
    const second = `casebook_session=${res.cookies.find((c) => c.name === 'casebook_session')!.value}`;
    expect(second).not.toBe(first);
    expect((await t.call('GET', '/api/v1/me', { as: first })).statusCode).toBe(401);
    expect((await t.call('GET', '/api/v1/me', { as: second })).statusCode).toBe(200);
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    const wrong = await t.call('POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: 'not-the-password' } });
    const unknown = await t.call('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.test', password: 'not-the-password' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
  });

  it('rate-limits repeated failures with 429, for existing and unknown emails alike', async () => {
    const user = await makeUser(t);
    for (const email of [user.email, 'ghost@example.test']) {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) {
        codes.push((await t.call('POST', '/api/v1/auth/login', { body: { email, password: 'wrong-password!' } })).statusCode);
      }
      expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(codes.slice(5)).toEqual([429, 429]);
    }
    // Even the right password is refused while the limit holds.
    expect((await t.call('POST', '/api/v1/auth/login', { body: { email: user.email, password: PASSWORD } })).statusCode).toBe(429);
  });

  it('logout ends the session on the server', async () => {
    const cookie = await t.login(ADMIN.email, ADMIN.password);
    expect((await t.call('POST', '/api/v1/auth/logout', { as: cookie })).statusCode).toBe(204);
    expect((await t.call('GET', '/api/v1/me', { as: cookie })).statusCode).toBe(401);
  });

  it('sessions expire', async () => {
    const cookie = await t.login(ADMIN.email, ADMIN.password);
    clock.advance((t.config.sessionTtlHours + 1) * 3600_000);
    try {
      expect((await t.call('GET', '/api/v1/me', { as: cookie })).statusCode).toBe(401);
    } finally {
      clock.reset();
    }
  });

  it('a deactivated user is signed out at once and cannot sign in', async () => {
    const user = await makeUser(t);
    const cookie = await user.cookie();
    const res = await t.call('PATCH', `/api/v1/users/${user.id}`, { as: t.adminCookie, body: { active: false } });
    expect(res.statusCode).toBe(200);
    expect((await t.call('GET', '/api/v1/me', { as: cookie })).statusCode).toBe(401);
    expect((await t.call('POST', '/api/v1/auth/login', { body: { email: user.email, password: PASSWORD } })).statusCode).toBe(401);
  });

  it('a portal contact signs in as role customer with its account', async () => {
    const { contact, cookie } = await makeCustomer(t);
    const me = await t.call('GET', '/api/v1/me', { as: cookie });
    expect(me.json()).toEqual({ type: 'contact', id: contact.id, email: contact.email, name: contact.name, roles: ['customer'], accountId: contact.accountId });
  });

  it('a contact without portal access cannot sign in', async () => {
    const { contact } = await makeCustomer(t);
    await t.call('PATCH', `/api/v1/contacts/${contact.id}`, { as: t.adminCookie, body: { portalAccess: false } });
    expect((await t.call('POST', '/api/v1/auth/login', { body: { email: contact.email, password: PASSWORD, portal: true } })).statusCode).toBe(401);
  });

  it('rejects unknown fields in the login body', async () => {
    const res = await t.call('POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: ADMIN.password, remember: true } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields[0].field).toBe('body.remember');
  });
});

describe('personal API tokens', () => {
  it('are shown once, stored hashed, work as Bearer and can be revoked', async () => {
    const user = await makeUser(t);
    const cookie = await user.cookie();
    const created = await t.call('POST', '/api/v1/me/tokens', { as: cookie, body: { name: 'CI integration' } });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json();
    expect(token).toMatch(/^cbk_/);
    const stored = await t.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(token);

    const me = await t.call('GET', '/api/v1/me', { as: token });
    expect(me.json().email).toBe(user.email);
    const list = await t.call('GET', '/api/v1/me/tokens', { as: cookie });
    expect(list.json().items).toHaveLength(1);
    expect(list.body).not.toContain(token);

    expect((await t.call('DELETE', `/api/v1/me/tokens/${id}`, { as: cookie })).statusCode).toBe(204);
    expect((await t.call('GET', '/api/v1/me', { as: token })).statusCode).toBe(401);
  });

  it("cannot revoke someone else's token", async () => {
    const a = await makeUser(t);
    const b = await makeUser(t);
    const created = (await t.call('POST', '/api/v1/me/tokens', { as: await a.cookie(), body: { name: 'a' } })).json();
    expect((await t.call('DELETE', `/api/v1/me/tokens/${created.id}`, { as: await b.cookie() })).statusCode).toBe(404);
    expect((await t.call('GET', '/api/v1/me', { as: created.token })).statusCode).toBe(200);
  });

  it('customers have no API tokens', async () => {
    const { cookie } = await makeCustomer(t);
    expect((await t.call('POST', '/api/v1/me/tokens', { as: cookie, body: { name: 'x' } })).statusCode).toBe(403);
  });

  it('an unknown bearer token is 401', async () => {
    expect((await t.call('GET', '/api/v1/me', { as: 'cbk_nonsense' })).statusCode).toBe(401);
  });
});
