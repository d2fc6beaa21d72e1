import { randomBytes } from 'node:crypto';
import type { TestApp } from './app.js';

// Small factories: each makes one record through the API, as an admin, with overridable fields.

const uniq = () => randomBytes(4).toString('hex');
export const PASSWORD = 'a-good-password-42';

async function create(t: TestApp, url: string, body: Record<string, unknown>) {
  const res = await t.call('POST', url, { as: t.adminCookie, body });
  if (res.statusCode !== 201) throw new Error(`POST ${url} → ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function makeUser(t: TestApp, over: Record<string, unknown> = {}) {
  const u = uniq();
  const user = await create(t, '/api/v1/users', { email: `user-${u}@example.test`, name: `User ${u}`, roles: ['agent'], password: PASSWORD, ...over });
  return { ...user, cookie: () => t.login(user.email, (over.password as string) ?? PASSWORD) };
}

export const makeGroup = (t: TestApp, over: Record<string, unknown> = {}) => create(t, '/api/v1/groups', { name: `Group ${uniq()}`, ...over });

export const makeAccount = (t: TestApp, over: Record<string, unknown> = {}) => create(t, '/api/v1/accounts', { name: `Account ${uniq()}`, ...over });

export async function makeContact(t: TestApp, over: Record<string, unknown> = {}) {
  const accountId = (over.accountId as number) ?? (await makeAccount(t)).id;
  return create(t, '/api/v1/contacts', { accountId, name: `Contact ${uniq()}`, email: `contact-${uniq()}@customer.test`, portalAccess: false, ...over });
}

/** A contact with portal access, signed in: returns the contact and its session cookie. */
export async function makeCustomer(t: TestApp, over: Record<string, unknown> = {}) {
  const contact = await makeContact(t, { portalAccess: true, password: PASSWORD, ...over });
  return { contact, cookie: await t.login(contact.email, PASSWORD, true) };
}

export async function makeAsset(t: TestApp, over: Record<string, unknown> = {}) {
  const accountId = (over.accountId as number) ?? (await makeAccount(t)).id;
  return create(t, '/api/v1/assets', { accountId, name: `Asset ${uniq()}`, ...over });
}

export async function makeQueue(t: TestApp, over: Record<string, unknown> = {}) {
  return create(t, '/api/v1/queues', { name: `Queue ${uniq()}`, mode: 'any', ...over });
}

/** A case opened by the admin through the API. */
export async function makeCase(t: TestApp, over: Record<string, unknown> = {}, as?: string) {
  const res = await t.call('POST', '/api/v1/cases', { as: as ?? t.adminCookie, body: { shortDescription: `Printer on fire ${uniq()}`, ...over } });
  if (res.statusCode !== 201) throw new Error(`POST /cases → ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Runs a case action and returns the response. */
export function act(t: TestApp, number: string, action: string, body: unknown = {}, as?: string) {
  return t.call('POST', `/api/v1/cases/${number}/${action}`, { as: as ?? t.adminCookie, body });
}
