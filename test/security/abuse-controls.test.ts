import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { clock } from '../../src/platform/clock.js';
import { ADMIN, startTestApp, type TestApp } from '../helpers/app.js';
import { makeAccount, makeContact, makeUser, PASSWORD } from '../helpers/factories.js';

// Abuse controls: sign-in throttling and lockout, one-time password links (reset and invitation),
// CSRF protection of cookie sessions, security headers.

let t: TestApp;
let ipCounter = 1;
beforeAll(async () => {
  t = await startTestApp();
});
afterEach(() => clock.reset());
afterAll(async () => {
  clock.reset();
  await t?.close();
});

const MIN = 60_000;
/** A sign-in attempt from its own address, so the per-address limit of other tests does not interfere. */
function attempt(email: string, password: string, ip = '10.0.0.1', portal?: boolean) {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, payload: { email, password, ...(portal ? { portal } : {}) } });
}
const freshIp = () => `10.1.${Math.floor(ipCounter / 250)}.${ipCounter++ % 250}`;

/** Fails n times in a row for each email, stepping past the 15-minute throttle window after every 5 failures. */
async function failTimes(emails: string | string[], n: number) {
  const codes: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % 5 === 0) clock.advance(16 * MIN);
    for (const email of [emails].flat()) codes.push((await attempt(email, 'wrong-password!', freshIp())).statusCode);
  }
  return codes;
}

const outboxTo = (to: string) => t.db.selectFrom('outbox').selectAll().where('to_address', '=', to).orderBy('id').execute();
const linkIn = (text: string) => {
  const m = text.match(/(https:\/\/support\.example\.test\S*#token=([A-Za-z0-9_-]+))/);
  if (!m) throw new Error(`no link in mail: ${text}`);
  return { url: m[1]!, token: m[2]! };
};

describe('sign-in throttling (429) and lockout (423)', () => {
  it('throttles a burst of failures per email with 429, the same for existing and unknown emails, and lets go after the window', async () => {
    const user = await makeUser(t);
    for (const email of [user.email, 'ghost-throttle@example.test']) {
      const codes = [];
      for (let i = 0; i < 7; i++) codes.push((await attempt(email, 'wrong-password!', freshIp())).statusCode);
      expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429]);
    }
    const throttled = await attempt(user.email, PASSWORD, freshIp());
    const ghost = await attempt('ghost-throttle@example.test', PASSWORD, freshIp());
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json()).toEqual(ghost.json());
    clock.advance(16 * MIN);
    expect((await attempt(user.email, PASSWORD, freshIp())).statusCode).toBe(200);
  });

  it('throttles one address trying many emails', async () => {
    const ip = '10.9.9.9';
    const codes = [];
    for (let i = 0; i < 31; i++) codes.push((await attempt(`spray-${i}@example.test`, 'wrong-password!', ip)).statusCode);
    expect(codes.slice(0, 30).every((c) => c === 401)).toBe(true);
    expect(codes[30]).toBe(429);
    expect((await attempt(ADMIN.email, ADMIN.password, ip)).statusCode).toBe(429);
  });

  it('locks the sign-in after 10 consecutive failures, even for the right password, and says nothing about whether the account exists', async () => {
    const user = await makeUser(t);
    const ghost = 'ghost-lock@example.test';
    expect(await failTimes([user.email, ghost], 10)).toEqual(Array(20).fill(401));
    clock.advance(16 * MIN); // past the throttle window: what answers now is the lockout
    const locked = await attempt(user.email, PASSWORD, freshIp());
    const lockedGhost = await attempt(ghost, PASSWORD, freshIp());
    expect(locked.statusCode).toBe(423);
    expect(lockedGhost.statusCode).toBe(423);
    expect(locked.json().error.code).toBe('locked');
    expect(lockedGhost.json().error.code).toBe('locked');
    // The same words for both, apart from the minute the lock ends.
    const shape = (m: string) => m.replace(/\d{4}-\d\d-\d\d \d\d:\d\d/, 'TIME');
    expect(shape(locked.json().error.message)).toBe(shape(lockedGhost.json().error.message));

    // Audited on the user, by the system.
    const audit = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'user').where('entity_id', '=', user.id).where('field', '=', 'lockedUntil').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'system', old_value: null });

    // The lock ends by itself after auth.lockoutMinutes (30).
    clock.advance(31 * MIN);
    expect((await attempt(user.email, PASSWORD, freshIp())).statusCode).toBe(200);
  });

  it('a success in between starts the count again (consecutive failures only)', async () => {
    const user = await makeUser(t);
    expect(await failTimes(user.email, 9)).toEqual(Array(9).fill(401));
    clock.advance(16 * MIN);
    expect((await attempt(user.email, PASSWORD, freshIp())).statusCode).toBe(200);
    expect(await failTimes(user.email, 9)).toEqual(Array(9).fill(401));
    clock.advance(16 * MIN);
    expect((await attempt(user.email, PASSWORD, freshIp())).statusCode).toBe(200);
  });

  it('admins see locked sign-ins (list and user record) and can unlock one; others may not', async () => {
    const user = await makeUser(t);
    await failTimes(user.email, 10);
    clock.advance(16 * MIN);
    const agent = await makeUser(t, { roles: ['agent', 'manager'] });
    const agentCookie = await t.login(agent.email, PASSWORD);

    const list = await t.call('GET', '/api/v1/sign-in-lockouts', { as: t.adminCookie });
    expect(list.statusCode).toBe(200);
    const entry = list.json().items.find((i: { email: string }) => i.email === user.email);
    expect(entry).toMatchObject({ account: { type: 'user', id: user.id, name: user.name } });
    expect(Date.parse(entry.lockedUntil)).toBeGreaterThan(clock.now().getTime());
    expect((await t.call('GET', `/api/v1/users/${user.id}`, { as: t.adminCookie })).json().lockedUntil).toBe(entry.lockedUntil);

    expect((await t.call('GET', '/api/v1/sign-in-lockouts', { as: agentCookie })).statusCode).toBe(403);
    expect((await t.call('POST', '/api/v1/sign-in-lockouts/unlock', { as: agentCookie, body: { email: user.email } })).statusCode).toBe(403);
    expect((await attempt(user.email, PASSWORD, freshIp())).statusCode).toBe(423);

    const unlocked = await t.call('POST', '/api/v1/sign-in-lockouts/unlock', { as: t.adminCookie, body: { email: user.email } });
    expect(unlocked.statusCode).toBe(204);
    expect((await t.call('POST', '/api/v1/sign-in-lockouts/unlock', { as: t.adminCookie, body: { email: user.email } })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/v1/users/${user.id}`, { as: t.adminCookie })).json().lockedUntil).toBeNull();
    const audit = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'user').where('entity_id', '=', user.id).where('field', '=', 'lockedUntil').orderBy('id').execute();
    expect(audit.map((a) => [a.actor_type, a.new_value === null])).toEqual([
      ['system', false],
      ['user', true],
    ]);
    expect((await attempt(user.email, PASSWORD, freshIp())).statusCode).toBe(200);
  });

  it('the limit is a system property: 3 locks after 3 failures, 0 never locks', async () => {
    const setLimit = async (value: number) => {
      const res = await t.call('PATCH', '/api/v1/properties/auth.lockoutAfterFailures', { as: t.adminCookie, body: { value } });
      expect(res.statusCode).toBe(200);
    };
    const strict = await makeUser(t);
    const lenient = await makeUser(t);
    try {
      await setLimit(3);
      expect(await failTimes(strict.email, 3)).toEqual([401, 401, 401]);
      expect((await attempt(strict.email, PASSWORD, freshIp())).statusCode).toBe(423);
      await setLimit(0);
      expect(await failTimes(lenient.email, 15)).toEqual(Array(15).fill(401));
      clock.advance(16 * MIN);
      expect((await attempt(lenient.email, PASSWORD, freshIp())).statusCode).toBe(200);
    } finally {
      await setLimit(10);
    }
  });

  it('an email that grows when lower-cased is refused with 400, not stored (İ → i̇)', async () => {
    const email = 'İ'.repeat(320);
    for (const url of ['/api/v1/auth/login', '/api/v1/auth/password-reset']) {
      const res = await t.app.inject({ method: 'POST', url, remoteAddress: freshIp(), payload: url.endsWith('login') ? { email, password: 'wrong-password!' } : { email } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details.fields[0].field).toBe('body.email');
    }
    expect(await t.db.selectFrom('login_failures').select('email').where('email', 'like', 'i%').execute()).toEqual([]);
  });

  it('locks portal contacts the same way', async () => {
    const contact = await makeContact(t, { portalAccess: true, password: PASSWORD });
    await failTimes(contact.email, 10);
    clock.advance(16 * MIN);
    expect((await attempt(contact.email, PASSWORD, freshIp(), true)).statusCode).toBe(423);
    const list = (await t.call('GET', '/api/v1/sign-in-lockouts', { as: t.adminCookie })).json();
    expect(list.items.find((i: { email: string }) => i.email === contact.email).account).toMatchObject({ type: 'contact', id: contact.id });
  });
});

describe('password reset', () => {
  const ask = (email: string, portal?: boolean) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', remoteAddress: freshIp(), payload: { email, ...(portal ? { portal } : {}) } });

  it('always answers 202 with the same body, and mails a link only when the account exists', async () => {
    const user = await makeUser(t);
    const inactive = await makeUser(t, { active: false });
    const answers = await Promise.all([ask(user.email), ask('nobody-reset@example.test'), ask(inactive.email)]);
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(await outboxTo('nobody-reset@example.test')).toHaveLength(0);
    expect(await outboxTo(inactive.email)).toHaveLength(0);
    const mails = await outboxTo(user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ template_key: 'password_reset', state: 'queued', case_id: null });
    expect(mails[0]!.subject).toBe('Reset your Casebook password');
    const link = linkIn(mails[0]!.text_body);
    expect(link.url.startsWith('https://support.example.test/reset-password#token=')).toBe(true);
    expect(mails[0]!.html_body).toContain(link.token);
  });

  it('the token is 256 random bits, stored only as a hash', async () => {
    const user = await makeUser(t);
    await ask(user.email);
    await ask(user.email);
    const [a, b] = (await outboxTo(user.email)).map((m) => linkIn(m.text_body).token);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
    expect(a).not.toBe(b);
    const rows = await t.db.selectFrom('auth_tokens').selectAll().where('principal_type', '=', 'user').where('principal_id', '=', user.id).execute();
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(r)).not.toContain(a!);
      expect(JSON.stringify(r)).not.toContain(b!);
    }
  });

  it('sets the new password once: the old password and every session end, the link cannot be used again', async () => {
    const user = await makeUser(t);
    const session1 = await t.login(user.email, PASSWORD);
    const session2 = await t.login(user.email, PASSWORD);
    await ask(user.email);
    const { token } = linkIn((await outboxTo(user.email))[0]!.text_body);

    const check = await t.call('POST', '/api/v1/auth/password-reset/check', { body: { token } });
    expect(check.statusCode).toBe(200);
    expect(check.json()).toMatchObject({ kind: 'password_reset', email: user.email, name: user.name, portal: false });

    const short = await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details.fields[0].field).toBe('body.password');

    const done = await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'a-brand-new-password-1' } });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ kind: 'password_reset', email: user.email, portal: false });
    for (const s of [session1, session2]) expect((await t.call('GET', '/api/v1/me', { as: s })).statusCode).toBe(401);
    expect((await attempt(user.email, PASSWORD, freshIp())).statusCode).toBe(401);
    expect((await attempt(user.email, 'a-brand-new-password-1', freshIp())).statusCode).toBe(200);

    const again = await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'yet-another-password-2' } });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.details.fields[0].field).toBe('body.token');
    expect((await t.call('POST', '/api/v1/auth/password-reset/check', { body: { token } })).statusCode).toBe(400);
    // Audited as the user's own change, with the hash hidden.
    const audit = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'user').where('entity_id', '=', user.id).where('field', '=', 'passwordHash').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_type: 'user', actor_id: user.id, new_value: '[secret]' });
  });

  it('a link expires after one hour', async () => {
    const user = await makeUser(t);
    await ask(user.email);
    const { token } = linkIn((await outboxTo(user.email))[0]!.text_body);
    clock.advance(61 * MIN);
    const res = await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'a-brand-new-password-1' } });
    expect(res.statusCode).toBe(400);
    expect((await attempt(user.email, PASSWORD, freshIp())).statusCode).toBe(200);
  });

  it('a newer link voids the older one', async () => {
    const user = await makeUser(t);
    await ask(user.email);
    await ask(user.email);
    const [older, newer] = (await outboxTo(user.email)).map((m) => linkIn(m.text_body).token);
    expect((await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token: older, password: 'a-brand-new-password-1' } })).statusCode).toBe(400);
    expect((await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token: newer, password: 'a-brand-new-password-1' } })).statusCode).toBe(200);
  });

  it('two concurrent uses of one link: exactly one sets the password', async () => {
    const user = await makeUser(t);
    await ask(user.email);
    const { token } = linkIn((await outboxTo(user.email))[0]!.text_body);
    const results = await Promise.all(
      ['first-new-password-1', 'second-new-password-2', 'third-new-password-3'].map((password) => t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password } })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400, 400]);
  });

  it('unknown and malformed tokens are refused with 400', async () => {
    for (const token of ['x'.repeat(43), 'short', 'x'.repeat(500)]) {
      const res = await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'a-brand-new-password-1' } });
      expect(res.statusCode).toBe(400);
    }
  });

  it('sends at most 3 reset mails per person per hour, answering 202 all the same', async () => {
    const user = await makeUser(t);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await ask(user.email)).statusCode);
    expect(answers).toEqual([202, 202, 202, 202, 202]);
    expect(await outboxTo(user.email)).toHaveLength(3);
    clock.advance(61 * MIN);
    await ask(user.email);
    expect(await outboxTo(user.email)).toHaveLength(4);
  });

  it('a burst of reset requests from one address gets 429', async () => {
    const ip = '10.8.8.8';
    const codes = [];
    for (let i = 0; i < 31; i++) codes.push((await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', remoteAddress: ip, payload: { email: `burst-${i}@example.test` } })).statusCode);
    expect(codes.slice(0, 30).every((c) => c === 202)).toBe(true);
    const last = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', remoteAddress: ip, payload: { email: 'burst-last@example.test' } });
    expect(last.statusCode).toBe(429);
    expect(last.json().error.message).toMatch(/password reset requests/);
  });

  it('a portal contact gets a portal link; a reset lifts the sign-in lockout', async () => {
    const contact = await makeContact(t, { portalAccess: true, password: PASSWORD });
    await failTimes(contact.email, 10);
    await ask(contact.email, true);
    const link = linkIn((await outboxTo(contact.email))[0]!.text_body);
    expect(link.url.startsWith('https://support.example.test/portal/reset-password#token=')).toBe(true);
    const done = await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token: link.token, password: 'a-brand-new-password-1' } });
    expect(done.json()).toMatchObject({ portal: true });
    clock.advance(16 * MIN);
    expect((await attempt(contact.email, 'a-brand-new-password-1', freshIp(), true)).statusCode).toBe(200);
  });

  it('the mail comes from its editable template', async () => {
    const user = await makeUser(t);
    const tpl = (await t.call('GET', '/api/v1/email-templates/password_reset', { as: t.adminCookie })).json();
    const preview = await t.call('POST', '/api/v1/email-templates/preview', { as: t.adminCookie, body: { subject: tpl.subject, body: tpl.body } });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().text).toContain('https://support.example.com/reset-password#token=example-token');
    expect(preview.json().text).toContain('1 hour');
    const edited = await t.call('PATCH', '/api/v1/email-templates/password_reset', {
      as: t.adminCookie,
      headers: { 'if-match': `"${tpl.version}"` },
      body: { subject: 'Your {{ company.name }} sign-in', body: `Hi {{ recipient.name }}, here is your link: {{ link.url }}` },
    });
    expect(edited.statusCode).toBe(200);
    try {
      await ask(user.email);
      const [mail] = await outboxTo(user.email);
      expect(mail!.subject).toBe('Your Casebook sign-in');
      expect(mail!.text_body).toBe(`Hi ${user.name}, here is your link: ${linkIn(mail!.text_body).url}`);
    } finally {
      const now = (await t.call('GET', '/api/v1/email-templates/password_reset', { as: t.adminCookie })).json();
      await t.call('PATCH', '/api/v1/email-templates/password_reset', { as: t.adminCookie, headers: { 'if-match': `"${now.version}"` }, body: { subject: tpl.subject, body: tpl.body } });
    }
  });
});

describe('invitations', () => {
  it('a user created without a password is mailed an invitation that sets it (7 days)', async () => {
    const res = await t.call('POST', '/api/v1/users', { as: t.adminCookie, body: { email: 'invited@example.test', name: 'Ivy Invited', roles: ['agent'] } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ hasPassword: false, lockedUntil: null });
    const [mail] = await outboxTo('invited@example.test');
    expect(mail).toMatchObject({ template_key: 'invitation', subject: 'You are invited to Casebook' });
    expect(mail!.text_body).toContain('the support workspace');
    const { url, token } = linkIn(mail!.text_body);
    expect(url.startsWith('https://support.example.test/invitation#token=')).toBe(true);

    const check = (await t.call('POST', '/api/v1/auth/password-reset/check', { body: { token } })).json();
    expect(check).toMatchObject({ kind: 'invitation', email: 'invited@example.test', name: 'Ivy Invited', portal: false });
    expect(Date.parse(check.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 24 * 60 * MIN);

    // The admin sends it again: the first link stops working.
    const again = await t.call('POST', `/api/v1/users/${res.json().id}/invitation`, { as: t.adminCookie });
    expect(again.statusCode).toBe(202);
    const mails = await outboxTo('invited@example.test');
    expect(mails).toHaveLength(2);
    const second = linkIn(mails[1]!.text_body).token;
    expect((await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'my-first-password-1' } })).statusCode).toBe(400);
    expect((await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token: second, password: 'my-first-password-1' } })).statusCode).toBe(200);
    expect((await attempt('invited@example.test', 'my-first-password-1', freshIp())).statusCode).toBe(200);
    expect((await t.call('GET', `/api/v1/users/${res.json().id}`, { as: t.adminCookie })).json().hasPassword).toBe(true);

    // Each mailed link is on the user's history, by whom it was sent; the link itself is not.
    const sent = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'user').where('entity_id', '=', res.json().id).where('field', '=', 'invitationSent').execute();
    expect(sent).toHaveLength(2);
    expect(sent.every((a) => a.actor_type === 'user' && !String(a.new_value).includes(token))).toBe(true);

    // Once the password is set there is nothing to invite to.
    const done = await t.call('POST', `/api/v1/users/${res.json().id}/invitation`, { as: t.adminCookie });
    expect(done.statusCode).toBe(409);
  });

  it('an invitation expires after 7 days', async () => {
    const user = (await t.call('POST', '/api/v1/users', { as: t.adminCookie, body: { email: 'late@example.test', name: 'Lee Late', roles: ['agent'] } })).json();
    const { token } = linkIn((await outboxTo(user.email))[0]!.text_body);
    clock.advance(7 * 24 * 60 * MIN + MIN);
    expect((await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'my-first-password-1' } })).statusCode).toBe(400);
  });

  it('only admins invite, and only active people without a password', async () => {
    const agent = await makeUser(t);
    const agentCookie = await t.login(agent.email, PASSWORD);
    const invited = (await t.call('POST', '/api/v1/users', { as: t.adminCookie, body: { email: 'twice@example.test', name: 'Tom Twice', roles: ['agent'] } })).json();
    expect((await t.call('POST', `/api/v1/users/${invited.id}/invitation`, { as: agentCookie })).statusCode).toBe(403);
    expect((await t.call('POST', `/api/v1/users/${invited.id}/invitation`)).statusCode).toBe(401);
    expect((await t.call('POST', '/api/v1/users/999999/invitation', { as: t.adminCookie })).statusCode).toBe(404);
    const inactive = (await t.call('POST', '/api/v1/users', { as: t.adminCookie, body: { email: 'dormant@example.test', name: 'Dee Dormant', roles: ['agent'], active: false } })).json();
    expect(await outboxTo('dormant@example.test')).toHaveLength(0);
    expect((await t.call('POST', `/api/v1/users/${inactive.id}/invitation`, { as: t.adminCookie })).statusCode).toBe(409);
  });

  it('a portal contact created without a password is invited to the portal', async () => {
    const account = await makeAccount(t);
    const contact = (await t.call('POST', '/api/v1/contacts', { as: t.adminCookie, body: { accountId: account.id, name: 'Pat Portal', email: 'pat@customer.test', portalAccess: true } })).json();
    const [mail] = await outboxTo('pat@customer.test');
    expect(mail!.text_body).toContain('the customer portal');
    const { url, token } = linkIn(mail!.text_body);
    expect(url.startsWith('https://support.example.test/portal/invitation#token=')).toBe(true);
    expect((await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'portal-password-12' } })).json()).toMatchObject({ kind: 'invitation', portal: true });
    expect((await attempt('pat@customer.test', 'portal-password-12', freshIp(), true)).statusCode).toBe(200);
    // A contact without portal access gets no mail and cannot be invited.
    const plain = await makeContact(t, { accountId: account.id });
    expect(await outboxTo(plain.email)).toHaveLength(0);
    expect((await t.call('POST', `/api/v1/contacts/${plain.id}/invitation`, { as: t.adminCookie })).statusCode).toBe(409);
    expect(contact.id).toBeGreaterThan(0);
  });
});

describe('CSRF protection of cookie sessions', () => {
  const name = () => `CSRF ${Math.random().toString(36).slice(2)}`;
  const create = (headers: Record<string, string>, as: string | null = t.adminCookie) => t.call('POST', '/api/v1/accounts', { as, body: { name: name() }, headers });
  const count = async () => Number((await t.db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('refuses unsafe requests a browser sends for another site (403 csrf) and changes nothing', async () => {
    const before = await count();
    for (const headers of <Record<string, string>[]>[
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: 'https://support.example.test.evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { referer: 'https://evil.example/page' },
    ]) {
      const res = await create(headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json().error.code).toBe('csrf');
    }
    const account = await makeAccount(t);
    for (const [method, url, body] of [
      ['PATCH', `/api/v1/accounts/${account.id}`, { name: 'Hijacked' }],
      ['DELETE', '/api/v1/me/tokens/1', undefined],
      ['POST', '/api/v1/auth/logout', undefined],
      ['POST', '/api/v1/auth/login', { email: ADMIN.email, password: ADMIN.password }],
    ] as const) {
      const res = await t.call(method, url, { as: t.adminCookie, body, headers: { origin: 'https://evil.example' } });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    expect(await count()).toBe(before + 1);
    expect((await t.call('GET', `/api/v1/accounts/${account.id}`, { as: t.adminCookie })).json().name).toBe(account.name);
    // Reading is not a change: a GET with a foreign Origin is answered.
    expect((await t.call('GET', `/api/v1/accounts/${account.id}`, { as: t.adminCookie, headers: { origin: 'https://evil.example' } })).statusCode).toBe(200);
  });

  it('lets our own pages, non-browser clients and Bearer tokens through', async () => {
    expect((await create({ origin: 'http://localhost:80' })).statusCode).toBe(201); // inject's Host is localhost:80
    expect((await create({ origin: 'https://support.example.test' })).statusCode).toBe(201); // the public URL
    expect((await create({ 'sec-fetch-site': 'same-origin' })).statusCode).toBe(201);
    expect((await create({ referer: 'http://localhost:80/customers/accounts' })).statusCode).toBe(201);
    expect((await create({})).statusCode).toBe(201);
    const token = (await t.call('POST', '/api/v1/me/tokens', { as: t.adminCookie, body: { name: 'integration' } })).json().token;
    expect((await create({ origin: 'https://evil.example' }, token)).statusCode).toBe(201);
  });

  it('the session cookie is HttpOnly and SameSite=Strict', async () => {
    const res = await t.call('POST', '/api/v1/auth/login', { body: ADMIN });
    const cookie = res.cookies.find((c) => c.name === 'casebook_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.secure).toBeFalsy();
  });
});

describe('security headers', () => {
  it('the web app has no inline script for the CSP to allow', () => {
    const html = fs.readFileSync(path.resolve(import.meta.dirname, '../../web/index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+\s*=/i); // no inline event handlers either
  });

  it('API answers carry CSP, nosniff, frame-ancestors, Referrer-Policy, no-store and no X-Powered-By', async () => {
    for (const url of ['/api/v1/health', '/api/v1/me', '/api/v1/no-such-route', '/some/page']) {
      const res = await t.call('GET', url, { as: url === '/api/v1/me' ? t.adminCookie : null });
      const csp = String(res.headers['content-security-policy']);
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      expect(directives['script-src'], url).toEqual(["'self'"]);
      expect(directives['default-src']).toEqual(["'self'"]);
      expect(directives['object-src']).toEqual(["'none'"]);
      expect(directives['frame-ancestors']).toEqual(["'self'"]);
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['x-powered-by']).toBeUndefined();
      if (url.startsWith('/api/')) expect(res.headers['cache-control'], url).toBe('no-store');
    }
  });

  it('with CASEBOOK_SECURE_COOKIES the session cookie is Secure and HSTS is sent', async () => {
    const secureApp = await buildApp({ ...t.config, secureCookies: true }, t.db, { logger: false });
    try {
      const res = await secureApp.inject({ method: 'POST', url: '/api/v1/auth/login', payload: ADMIN, remoteAddress: freshIp() });
      expect(res.statusCode).toBe(200);
      const cookie = res.cookies.find((c) => c.name === 'casebook_session')!;
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true });
      expect(String(res.headers['strict-transport-security'])).toMatch(/max-age=\d+/);
    } finally {
      await secureApp.close();
    }
  });
});
