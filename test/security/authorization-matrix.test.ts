import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, type Role } from '../../src/platform/access.js';
import { INBOUND_TOKEN, startTestApp, type TestApp } from '../helpers/app.js';
import { act, makeAccount, makeAsset, makeCase, makeCustomer, makeUser, PASSWORD } from '../helpers/factories.js';
import { isDenial, POLICY, PRINCIPALS, type Cell, type Outcome, type PrincipalName } from './policy.js';

// The authorization matrix: every API route the router knows × every principal × own and
// foreign objects, each cell a real request with a valid body, compared with the one policy table
// in ./policy.ts. A route the table does not classify fails the suite.

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type StaffName = Exclude<PrincipalName, 'anonymous' | 'customer' | 'customerOtherAccount'>;
type Obj = 'own' | 'foreign' | null;
interface World {
  name: 'A' | 'B';
  account: { id: number; name: string };
  contact: { id: number; email: string };
  customerCookie: string;
  asset: { id: number };
}
interface Req {
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides the principal's credentials (e.g. a fresh session for logout). */
  as?: string | null;
}
interface CellCtx {
  who: PrincipalName;
  obj: Obj;
  /** The account the object belongs to. */
  w: World;
  /** False when the request is refused before it reaches any record (wrong role, no session): fixtures may be shared. */
  fresh: boolean;
}
type Recipe = (c: CellCtx) => Promise<Req>;

const uniq = () => randomBytes(4).toString('hex');
const SOLVED = { resolutionCode: 'solved', cause: 'A certificate expired.', resolutionNotes: 'Renewed the certificate.' };

let t: TestApp;
const users = {} as Record<StaffName, { id: number; cookie: string; roles: Role[] }>;
let other: { id: number; cookie: string }; // a staff user whose tokens and notifications are "foreign"
const worlds = {} as Record<'A' | 'B', World>;
let queueAny: number;
let queueNext: number;

const STAFF_ROLES: Record<StaffName, Role[]> = {
  agent: ['agent'],
  agentOutsideQueue: ['agent'],
  manager: ['manager'],
  managerNotApprover: ['manager'],
  majorIssueManager: ['major_issue_manager'],
  admin: ['admin'],
};

async function ok<T = any>(method: Method, url: string, body?: unknown, as: string | null = t.adminCookie, headers?: Record<string, string>): Promise<T> {
  const res = await t.call(method, url, { as, body, headers });
  if (res.statusCode >= 300) throw new Error(`fixture ${method} ${url} → ${res.statusCode} ${res.body}`);
  return res.statusCode === 204 ? (undefined as T) : res.json();
}

function multipart(name: string, content: string) {
  const b = '----matrix' + uniq();
  return {
    body: Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--${b}--\r\n`),
    headers: { 'content-type': `multipart/form-data; boundary=${b}` },
  };
}

// ---- fixtures: each builds one fresh record in a known state, as the admin

const F = {
  case: (w: World, over: Record<string, unknown> = {}) => makeCase(t, { contactId: w.contact.id, assetIds: [w.asset.id], queueId: queueAny, ...over }),
  async started(w: World) {
    const c = await F.case(w);
    await ok('POST', `/api/v1/cases/${c.number}/start`, {});
    return c;
  },
  async resolved(w: World) {
    const c = await F.started(w);
    await ok('POST', `/api/v1/cases/${c.number}/resolve`, SOLVED);
    return c;
  },
  async review(w: World, state: 'new' | 'awaiting' | 'approved' | 'published') {
    const c = await F.resolved(w);
    const r = await ok('POST', `/api/v1/cases/${c.number}/review`);
    if (state === 'new') return { ...r, caseId: c.id };
    await ok('POST', `/api/v1/reviews/${r.number}/request-approval`, { approvalUserIds: [users.manager.id] });
    if (state === 'awaiting') return { ...r, caseId: c.id };
    await ok('POST', `/api/v1/reviews/${r.number}/approve`, {}, users.manager.cookie);
    if (state === 'approved') return { ...r, caseId: c.id };
    await ok('POST', `/api/v1/reviews/${r.number}/publish`, {});
    return { ...r, caseId: c.id };
  },
  async document(w: World) {
    const r = await F.review(w, 'published');
    return (await ok('GET', `/api/v1/reviews/${r.number}/documents`)).items[0].id as number;
  },
  async major(w: World) {
    const c = await F.case(w);
    await ok('POST', `/api/v1/cases/${c.number}/major`, { major: true });
    return c;
  },
  async majorWithChild(w: World) {
    const m = await F.major(w);
    const child = await F.case(w);
    await ok('POST', `/api/v1/cases/${m.number}/children`, { caseNumbers: [child.number] });
    return { m, child };
  },
  async majorReview(w: World) {
    const { m } = await F.majorWithChild(w);
    await ok('POST', `/api/v1/cases/${m.number}/resolve-with-children`, { ...SOLVED, cancelOpenActivities: true });
    const r = await ok('POST', `/api/v1/cases/${m.number}/review`);
    await ok('POST', `/api/v1/reviews/${r.number}/request-approval`, { approvalUserIds: [users.manager.id] });
    await ok('POST', `/api/v1/reviews/${r.number}/approve`, {}, users.manager.cookie);
    return r;
  },
  async staffAttachment(w: World) {
    const c = await F.case(w);
    const m = multipart('notes.txt', 'staff notes');
    return (await ok('POST', `/api/v1/cases/${c.number}/attachments`, m.body, t.adminCookie, m.headers)).items[0].id as number;
  },
  async portalAttachment(w: World) {
    const c = await F.case(w);
    const m = multipart('screenshot.txt', 'what I saw');
    return (await ok('POST', `/api/v1/portal/cases/${c.number}/attachments`, m.body, w.customerCookie, m.headers)).items[0].id as number;
  },
  async heldMessage(w: World) {
    const c = await F.case(w);
    const raw = `From: stranger-${uniq()}@elsewhere.test\r\nTo: support@casebook.local\r\nSubject: Re: [${c.number}]\r\nMessage-ID: <${uniq()}@elsewhere.test>\r\n\r\nLet me in.\r\n`;
    const res = await ok('POST', '/api/v1/inbound/email', raw, null, { 'content-type': 'message/rfc822', authorization: `Bearer ${INBOUND_TOKEN}` });
    if (res.outcome !== 'held') throw new Error(`expected a held message, got ${JSON.stringify(res)}`);
    return res.messageId as number;
  },
  async activity(w: World) {
    const c = await F.case(w);
    return ok('POST', `/api/v1/cases/${c.number}/activities`, { type: 'task', subject: 'Call back' });
  },
  article: () => ok('POST', '/api/v1/articles', { title: `How to ${uniq()}`, body: 'Steps.' }),
  async publishedArticle() {
    const a = await F.article();
    return ok('POST', `/api/v1/articles/${a.number}/publish`, {});
  },
  async surveyToken(w: World) {
    const c = await F.resolved(w);
    const mail = await t.db.selectFrom('outbox').select('text_body').where('case_id', '=', c.id).where('template_key', '=', 'case_resolved').executeTakeFirstOrThrow();
    return /\/survey\/([A-Za-z0-9_-]+)/.exec(mail.text_body)![1]!;
  },
  async failedMail() {
    const row = await t.db.selectFrom('outbox').select('id').where('state', '=', 'queued').orderBy('id', 'desc').executeTakeFirstOrThrow();
    await t.db.updateTable('outbox').set({ state: 'failed' }).where('id', '=', row.id).execute();
    return row.id;
  },
  /** A password-reset link's token, as mailed to a fresh user. */
  async resetToken() {
    const u = await F.user();
    await ok('POST', '/api/v1/auth/password-reset', { email: u.email }, null);
    const mail = await t.db.selectFrom('outbox').select('text_body').where('to_address', '=', u.email).orderBy('id', 'desc').executeTakeFirstOrThrow();
    return /#token=([A-Za-z0-9_-]+)/.exec(mail.text_body)![1]!;
  },
  /** An email whose sign-in is locked now. */
  async lockout() {
    const u = await F.user();
    const until = new Date(Date.now() + 3600_000).toISOString();
    await t.db.insertInto('login_failures').values({ email: u.email, failures: 10, last_failed_at: new Date().toISOString(), locked_until: until }).execute();
    return u.email as string;
  },
  status: () => ok('POST', '/api/v1/statuses', { key: `s_${uniq()}`, label: 'Scratch status' }),
  process: () => ok('POST', '/api/v1/processes', { name: `Process ${uniq()}`, stages: [{ key: 'only', name: 'Only' }] }),
  queue: () => ok('POST', '/api/v1/queues', { name: `Queue ${uniq()}`, mode: 'any' }),
  calendar: () => ok('POST', '/api/v1/calendars', { name: `Calendar ${uniq()}`, timezone: 'Europe/Berlin', workingHours: { '1': [['09:00', '17:00']] } }),
  async policy() {
    const cal = await F.calendar();
    return ok('POST', '/api/v1/sla-policies', { name: `Policy ${uniq()}`, priority: 4, accountTier: `tier_${uniq()}`, calendarId: cal.id, firstResponseMinutes: 60, resolutionMinutes: 600 });
  },
  template: () => ok('POST', '/api/v1/document-templates', { name: `Template ${uniq()}`, source: '= Review' }),
  user: () => makeUser(t),
  group: () => ok('POST', '/api/v1/groups', { name: `Group ${uniq()}` }),
  /** A token of the given staff user (own) or of the other user (foreign). */
  async token(cookie: string) {
    return (await ok('POST', '/api/v1/me/tokens', { name: `t-${uniq()}` }, cookie)).id as number;
  },
  /** A notification for a staff user: a case assigned to them. */
  async notification(userId: number, cookie: string, w: World) {
    const c = await F.case(w);
    // Nobody is notified of their own change: someone else assigns it.
    await ok('POST', `/api/v1/cases/${c.number}/assign`, { assigneeId: userId }, userId === other.id ? t.adminCookie : other.cookie);
    const items = (await ok('GET', '/api/v1/me/notifications?unread=true', undefined, cookie)).items;
    const n = items.find((x: { caseNumber: string | null }) => x.caseNumber === c.number);
    if (!n) throw new Error('no notification for the assigned case');
    return n.id as number;
  },
};

// Shared fixtures for cells refused before they reach a record: built once per kind and account.
const shared = new Map<string, Promise<unknown>>();
function get<T>(c: CellCtx, kind: string, build: () => Promise<T>): Promise<T> {
  if (c.fresh) return build();
  const key = `${kind}:${c.w.name}`;
  if (!shared.has(key)) shared.set(key, build());
  return shared.get(key) as Promise<T>;
}
const caseOf = (c: CellCtx, kind: 'new' | 'started' | 'resolved' = 'new') =>
  get(c, `case-${kind}`, () => (kind === 'new' ? F.case(c.w) : kind === 'started' ? F.started(c.w) : F.resolved(c.w)));
const reviewOf = (c: CellCtx, state: Parameters<typeof F.review>[1]) => get(c, `review-${state}`, () => F.review(c.w, state));
const staffCookie = (who: PrincipalName) => (who in users ? users[who as StaffName] : null);

// ---- one recipe per route: a valid request for the cell (the policy decides what should happen)

const R: Record<string, Recipe> = {
  'GET /api/docs': async () => ({ url: '/api/docs' }),
  'GET /api/v1/health': async () => ({ url: '/api/v1/health' }),
  'GET /api/v1/ready': async () => ({ url: '/api/v1/ready' }),
  'POST /api/v1/auth/login': async () => {
    const u = await get({ fresh: false, w: worlds.A } as CellCtx, 'login-user', () => F.user());
    return { url: '/api/v1/auth/login', body: { email: u.email, password: PASSWORD }, as: null };
  },
  // A fresh session of the same principal, so signing out does not end the matrix's own session.
  'POST /api/v1/auth/logout': async (c) => {
    const as = c.who === 'anonymous' ? null : c.who === 'customer' || c.who === 'customerOtherAccount' ? await t.login(c.w.contact.email, PASSWORD, true) : await t.login(`${c.who.toLowerCase()}@matrix.test`, PASSWORD);
    return { url: '/api/v1/auth/logout', as };
  },
  'GET /api/v1/me': async () => ({ url: '/api/v1/me' }),
  'GET /api/v1/me/tokens': async () => ({ url: '/api/v1/me/tokens' }),
  'POST /api/v1/me/tokens': async () => ({ url: '/api/v1/me/tokens', body: { name: 'integration' } }),
  'DELETE /api/v1/me/tokens/:id': async (c) => {
    const mine = staffCookie(c.who);
    const id = c.obj === 'own' && mine ? await F.token(mine.cookie) : await get(c, 'other-token', () => F.token(other.cookie));
    return { url: `/api/v1/me/tokens/${id}` };
  },
  'GET /api/v1/me/notifications': async () => ({ url: '/api/v1/me/notifications' }),
  'POST /api/v1/me/notifications/:id/read': async (c) => {
    const mine = staffCookie(c.who);
    const id = c.obj === 'own' && mine ? await F.notification(mine.id, mine.cookie, c.w) : await get(c, 'other-notification', () => F.notification(other.id, other.cookie, c.w));
    return { url: `/api/v1/me/notifications/${id}/read` };
  },
  'POST /api/v1/me/notifications/read-all': async () => ({ url: '/api/v1/me/notifications/read-all' }),
  'POST /api/v1/inbound/email': async (c) => {
    const raw = `From: ${c.w.contact.email}\r\nTo: support@casebook.local\r\nSubject: Printer ${uniq()}\r\nMessage-ID: <${uniq()}@customer.test>\r\n\r\nIt is on fire.\r\n`;
    return { url: '/api/v1/inbound/email', body: raw, headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${c.obj === 'own' ? INBOUND_TOKEN : 'forged-token-0123456789abcdef0123'}` } };
  },
  'GET /api/v1/surveys/:token': async (c) => ({ url: `/api/v1/surveys/${c.obj === 'own' ? await F.surveyToken(c.w) : `forged${uniq()}${uniq()}`}` }),
  'POST /api/v1/surveys/:token': async (c) => ({ url: `/api/v1/surveys/${c.obj === 'own' ? await F.surveyToken(c.w) : `forged${uniq()}${uniq()}`}`, body: { score: 4 } }),

  'POST /api/v1/auth/password-reset': async () => ({ url: '/api/v1/auth/password-reset', body: { email: `someone-${uniq()}@example.test` }, as: null }),
  'POST /api/v1/auth/password-reset/check': async (c) => ({ url: '/api/v1/auth/password-reset/check', body: { token: c.obj === 'own' ? await F.resetToken() : `forged-${uniq()}-${uniq()}-${uniq()}` } }),
  'POST /api/v1/auth/password-reset/confirm': async (c) => ({ url: '/api/v1/auth/password-reset/confirm', body: { token: c.obj === 'own' ? await F.resetToken() : `forged-${uniq()}-${uniq()}-${uniq()}`, password: 'a-new-password-43' } }),
  'GET /api/v1/sign-in-lockouts': async () => ({ url: '/api/v1/sign-in-lockouts' }),
  'POST /api/v1/sign-in-lockouts/unlock': async (c) => ({ url: '/api/v1/sign-in-lockouts/unlock', body: { email: await get(c, 'lockout', F.lockout) } }),
  'POST /api/v1/users/:id/invitation': async (c) => ({ url: `/api/v1/users/${(await get(c, 'invitee', () => ok('POST', '/api/v1/users', { email: `inv-${uniq()}@example.test`, name: 'Invitee', roles: ['agent'] }))).id}/invitation` }),
  'POST /api/v1/contacts/:id/invitation': async (c) => ({
    url: `/api/v1/contacts/${(await get(c, 'contact-invitee', () => ok('POST', '/api/v1/contacts', { accountId: c.w.account.id, name: 'Invitee', email: `inv-${uniq()}@customer.test`, portalAccess: true }))).id}/invitation`,
  }),
  'GET /api/v1/cases/:number/watchers': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/watchers` }),
  'POST /api/v1/cases/:number/watchers': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/watchers`, body: { userId: other.id } }),
  'DELETE /api/v1/cases/:number/watchers/:id': async (c) => {
    const k = await caseOf(c);
    const watcher = await get(c, 'watcher', () => ok('POST', `/api/v1/cases/${k.number}/watchers`, { email: `watcher-${uniq()}@example.test` }));
    return { url: `/api/v1/cases/${k.number}/watchers/${watcher.id}` };
  },
  'GET /api/v1/users': async () => ({ url: '/api/v1/users' }),
  'POST /api/v1/users': async () => ({ url: '/api/v1/users', body: { email: `new-${uniq()}@example.test`, name: 'New Agent', roles: ['agent'], password: PASSWORD } }),
  'GET /api/v1/users/:id': async () => ({ url: `/api/v1/users/${other.id}` }),
  'PATCH /api/v1/users/:id': async (c) => ({ url: `/api/v1/users/${(await get(c, 'user', F.user)).id}`, body: { name: 'Renamed' } }),
  'GET /api/v1/groups': async () => ({ url: '/api/v1/groups' }),
  'POST /api/v1/groups': async () => ({ url: '/api/v1/groups', body: { name: `Team ${uniq()}` } }),
  'GET /api/v1/groups/:id': async (c) => ({ url: `/api/v1/groups/${(await get(c, 'group', F.group)).id}` }),
  'PATCH /api/v1/groups/:id': async (c) => ({ url: `/api/v1/groups/${(await get(c, 'group', F.group)).id}`, body: { description: 'Renamed' } }),

  'GET /api/v1/accounts': async () => ({ url: '/api/v1/accounts' }),
  'POST /api/v1/accounts': async () => ({ url: '/api/v1/accounts', body: { name: `Account ${uniq()}` } }),
  'GET /api/v1/accounts/:id': async (c) => ({ url: `/api/v1/accounts/${c.w.account.id}` }),
  'PATCH /api/v1/accounts/:id': async (c) => ({ url: `/api/v1/accounts/${c.w.account.id}`, body: { active: true } }),
  'GET /api/v1/contacts': async () => ({ url: '/api/v1/contacts' }),
  'POST /api/v1/contacts': async (c) => ({ url: '/api/v1/contacts', body: { accountId: c.w.account.id, name: 'New Contact', email: `c-${uniq()}@customer.test`, portalAccess: false } }),
  'GET /api/v1/contacts/:id': async (c) => ({ url: `/api/v1/contacts/${c.w.contact.id}` }),
  'PATCH /api/v1/contacts/:id': async (c) => ({ url: `/api/v1/contacts/${c.w.contact.id}`, body: { phone: '+1 555 0100' } }),
  'GET /api/v1/assets': async () => ({ url: '/api/v1/assets' }),
  'POST /api/v1/assets': async (c) => ({ url: '/api/v1/assets', body: { accountId: c.w.account.id, name: `Asset ${uniq()}` } }),
  'GET /api/v1/assets/:id': async (c) => ({ url: `/api/v1/assets/${c.w.asset.id}` }),
  'PATCH /api/v1/assets/:id': async (c) => ({ url: `/api/v1/assets/${c.w.asset.id}`, body: { product: 'Connect' } }),

  'GET /api/v1/properties': async () => ({ url: '/api/v1/properties' }),
  'PATCH /api/v1/properties/:key': async () => ({ url: '/api/v1/properties/company.name', body: { value: 'Casebook Matrix' } }),
  'GET /api/v1/audit': async (c) => ({ url: `/api/v1/audit?entity=account&entityId=${c.w.account.id}` }),
  'GET /api/v1/statuses': async () => ({ url: '/api/v1/statuses' }),
  'POST /api/v1/statuses': async () => ({ url: '/api/v1/statuses', body: { key: `s_${uniq()}`, label: 'On hold' } }),
  'GET /api/v1/statuses/:id': async () => ({ url: '/api/v1/statuses/1' }),
  'PATCH /api/v1/statuses/:id': async (c) => ({ url: `/api/v1/statuses/${(await get(c, 'status', F.status)).id}`, body: { label: 'Renamed' } }),
  'DELETE /api/v1/statuses/:id': async (c) => ({ url: `/api/v1/statuses/${(await get(c, 'status', F.status)).id}` }),
  'GET /api/v1/processes': async () => ({ url: '/api/v1/processes' }),
  'POST /api/v1/processes': async () => ({ url: '/api/v1/processes', body: { name: `Process ${uniq()}`, stages: [{ key: 'one', name: 'One' }] } }),
  'GET /api/v1/processes/:id': async (c) => ({ url: `/api/v1/processes/${(await get(c, 'process', F.process)).id}` }),
  'PATCH /api/v1/processes/:id': async (c) => ({ url: `/api/v1/processes/${(await get(c, 'process', F.process)).id}`, body: { description: 'Renamed' } }),
  'GET /api/v1/queues': async () => ({ url: '/api/v1/queues' }),
  'POST /api/v1/queues': async () => ({ url: '/api/v1/queues', body: { name: `Queue ${uniq()}`, mode: 'any' } }),
  'GET /api/v1/queues/:id': async () => ({ url: `/api/v1/queues/${queueAny}` }),
  'PATCH /api/v1/queues/:id': async (c) => ({ url: `/api/v1/queues/${(await get(c, 'queue', F.queue)).id}`, body: { name: `Renamed ${uniq()}` } }),
  'GET /api/v1/calendars': async () => ({ url: '/api/v1/calendars' }),
  'POST /api/v1/calendars': async () => ({ url: '/api/v1/calendars', body: { name: `Cal ${uniq()}`, timezone: 'Europe/Berlin', workingHours: { '1': [['09:00', '17:00']] } } }),
  'GET /api/v1/calendars/:id': async (c) => ({ url: `/api/v1/calendars/${(await get(c, 'calendar', F.calendar)).id}` }),
  'PATCH /api/v1/calendars/:id': async (c) => ({ url: `/api/v1/calendars/${(await get(c, 'calendar', F.calendar)).id}`, body: { name: `Renamed ${uniq()}` } }),
  'GET /api/v1/sla-policies': async () => ({ url: '/api/v1/sla-policies' }),
  'POST /api/v1/sla-policies': async (c) => {
    const cal = await get(c, 'calendar', F.calendar);
    return { url: '/api/v1/sla-policies', body: { name: `P ${uniq()}`, priority: 4, accountTier: `tier_${uniq()}`, calendarId: cal.id, firstResponseMinutes: 60, resolutionMinutes: 600 } };
  },
  'GET /api/v1/sla-policies/:id': async (c) => ({ url: `/api/v1/sla-policies/${(await get(c, 'policy', F.policy)).id}` }),
  'PATCH /api/v1/sla-policies/:id': async (c) => ({ url: `/api/v1/sla-policies/${(await get(c, 'policy', F.policy)).id}`, body: { resolutionMinutes: 900 } }),
  'GET /api/v1/satisfaction-levels': async () => ({ url: '/api/v1/satisfaction-levels' }),
  'PATCH /api/v1/satisfaction-levels/:score': async () => ({ url: '/api/v1/satisfaction-levels/3', body: { outcome: 'close' } }),

  'GET /api/v1/outbox': async () => ({ url: '/api/v1/outbox' }),
  'POST /api/v1/outbox/:id/retry': async (c) => ({ url: `/api/v1/outbox/${await get(c, 'failed-mail', F.failedMail)}/retry` }),
  'GET /api/v1/email-templates': async () => ({ url: '/api/v1/email-templates' }),
  'GET /api/v1/email-templates/:key': async () => ({ url: '/api/v1/email-templates/new_reply' }),
  'PATCH /api/v1/email-templates/:key': async () => {
    const cur = await ok('GET', '/api/v1/email-templates/new_reply');
    return { url: '/api/v1/email-templates/new_reply', body: { subject: cur.subject, body: cur.body } };
  },
  'POST /api/v1/email-templates/preview': async () => ({ url: '/api/v1/email-templates/preview', body: { subject: 'Hi {{ contact.name }}', body: 'Case {{ case.number }}' } }),
  'POST /api/v1/messages/:id/release': async (c) => ({ url: `/api/v1/messages/${await get(c, 'held', () => F.heldMessage(c.w))}/release` }),

  // The queue's list: staff see every case, so a non-member may read it (taking work is what membership limits).
  'GET /api/v1/cases': async () => ({ url: `/api/v1/cases?view=queue&queueId=${queueAny}` }),
  'POST /api/v1/cases': async (c) => ({ url: '/api/v1/cases', body: { shortDescription: 'The printer is on fire', contactId: c.w.contact.id, assetIds: [c.w.asset.id] } }),
  'GET /api/v1/cases/:number': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}` }),
  'PATCH /api/v1/cases/:number': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}`, body: { priority: 2 } }),
  'POST /api/v1/cases/:number/start': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/start`, body: {} }),
  'POST /api/v1/cases/:number/assign': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/assign`, body: { assigneeId: users.agent.id } }),
  'POST /api/v1/cases/:number/pick': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/pick`, body: {} }),
  'POST /api/v1/cases/:number/escalate': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c, 'started')).number}/escalate`, body: { assigneeId: users.manager.id, reason: 'Needs a manager' } }),
  'POST /api/v1/cases/:number/next-stage': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c, 'started')).number}/next-stage`, body: {} }),
  'POST /api/v1/cases/:number/wait': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c, 'started')).number}/wait`, body: {} }),
  'POST /api/v1/cases/:number/resolve': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c, 'started')).number}/resolve`, body: SOLVED }),
  'POST /api/v1/cases/:number/reactivate': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c, 'resolved')).number}/reactivate`, body: {} }),
  'POST /api/v1/cases/:number/cancel': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/cancel`, body: {} }),
  'POST /api/v1/cases/:number/close': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c, 'resolved')).number}/close`, body: {} }),
  'POST /api/v1/queues/:id/next': async (c) => {
    if (c.fresh) await F.case(c.w, { queueId: queueNext });
    return { url: `/api/v1/queues/${queueNext}/next`, body: {} };
  },
  'POST /api/v1/cases/:number/major': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/major`, body: { major: true } }),
  'GET /api/v1/cases/:number/children': async (c) => ({ url: `/api/v1/cases/${(await get(c, 'major', () => F.major(c.w))).number}/children` }),
  'POST /api/v1/cases/:number/children': async (c) => {
    const m = await get(c, 'major', () => F.major(c.w));
    const child = await get(c, 'case-new', () => F.case(c.w));
    return { url: `/api/v1/cases/${m.number}/children`, body: { caseNumbers: [child.number] } };
  },
  'DELETE /api/v1/cases/:number/children/:child': async (c) => {
    const { m, child } = await get(c, 'major-child', () => F.majorWithChild(c.w));
    return { url: `/api/v1/cases/${m.number}/children/${child.number}` };
  },
  'POST /api/v1/cases/:number/resolve-with-children': async (c) => {
    const { m } = await get(c, 'major-child', () => F.majorWithChild(c.w));
    return { url: `/api/v1/cases/${m.number}/resolve-with-children`, body: SOLVED };
  },
  'POST /api/v1/cases/:number/comments': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/comments`, body: { body: 'Checked the logs', visibility: 'internal' } }),
  'GET /api/v1/cases/:number/timeline': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/timeline` }),
  'GET /api/v1/cases/:number/attachments': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/attachments` }),
  'POST /api/v1/cases/:number/attachments': async (c) => {
    const m = multipart('log.txt', 'a log line');
    return { url: `/api/v1/cases/${(await caseOf(c)).number}/attachments`, body: m.body, headers: m.headers };
  },
  'GET /api/v1/attachments/:id': async (c) => ({ url: `/api/v1/attachments/${await get(c, 'staff-attachment', () => F.staffAttachment(c.w))}` }),
  'GET /api/v1/cases/:number/activities': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/activities` }),
  'POST /api/v1/cases/:number/activities': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/activities`, body: { type: 'phone_call', subject: 'Call the customer' } }),
  'PATCH /api/v1/activities/:id': async (c) => ({ url: `/api/v1/activities/${(await get(c, 'activity', () => F.activity(c.w))).id}`, body: { subject: 'Call again' } }),

  'GET /api/v1/portal/cases': async () => ({ url: '/api/v1/portal/cases' }),
  'POST /api/v1/portal/cases': async () => ({ url: '/api/v1/portal/cases', body: { shortDescription: 'Cannot sign in' } }),
  'GET /api/v1/portal/cases/:number': async (c) => ({ url: `/api/v1/portal/cases/${(await caseOf(c)).number}` }),
  'GET /api/v1/portal/cases/:number/documents': async (c) => ({ url: `/api/v1/portal/cases/${(await caseOf(c)).number}/documents` }),
  'POST /api/v1/portal/cases/:number/comments': async (c) => ({ url: `/api/v1/portal/cases/${(await caseOf(c)).number}/comments`, body: { body: 'Any news?' } }),
  'POST /api/v1/portal/cases/:number/attachments': async (c) => {
    const m = multipart('photo.txt', 'a photo');
    return { url: `/api/v1/portal/cases/${(await caseOf(c)).number}/attachments`, body: m.body, headers: m.headers };
  },
  'GET /api/v1/portal/attachments/:id': async (c) => ({ url: `/api/v1/portal/attachments/${await get(c, 'portal-attachment', () => F.portalAttachment(c.w))}` }),
  'GET /api/v1/portal/articles': async () => ({ url: '/api/v1/portal/articles' }),
  'GET /api/v1/portal/articles/:number': async (c) => ({ url: `/api/v1/portal/articles/${(await get({ ...c, fresh: false }, 'published-article', F.publishedArticle)).number}` }),

  'POST /api/v1/cases/:number/review': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c, 'resolved')).number}/review` }),
  'GET /api/v1/reviews': async () => ({ url: '/api/v1/reviews' }),
  'GET /api/v1/reviews/:number': async (c) => ({ url: `/api/v1/reviews/${(await reviewOf(c, 'new')).number}` }),
  'PATCH /api/v1/reviews/:number': async (c) => ({ url: `/api/v1/reviews/${(await reviewOf(c, 'new')).number}`, body: { summary: 'What happened' } }),
  'POST /api/v1/reviews/:number/request-approval': async (c) => ({ url: `/api/v1/reviews/${(await reviewOf(c, 'new')).number}/request-approval`, body: { approvalUserIds: [users.manager.id, users.managerNotApprover.id] } }),
  'POST /api/v1/reviews/:number/approve': async (c) => ({ url: `/api/v1/reviews/${(await reviewOf(c, 'awaiting')).number}/approve`, body: {} }),
  'POST /api/v1/reviews/:number/suggest-changes': async (c) => ({ url: `/api/v1/reviews/${(await reviewOf(c, 'awaiting')).number}/suggest-changes`, body: { workNote: 'Name the root cause' } }),
  'POST /api/v1/reviews/:number/publish': async (c) => ({ url: `/api/v1/reviews/${(await reviewOf(c, 'approved')).number}/publish`, body: {} }),
  'POST /api/v1/reviews/:number/reopen': async (c) => ({ url: `/api/v1/reviews/${(await reviewOf(c, 'published')).number}/reopen`, body: {} }),
  'POST /api/v1/reviews/:number/copy-to-children': async (c) => ({ url: `/api/v1/reviews/${(await get(c, 'major-review', () => F.majorReview(c.w))).number}/copy-to-children`, body: {} }),
  'POST /api/v1/reviews/:number/work-notes': async (c) => ({ url: `/api/v1/reviews/${(await reviewOf(c, 'new')).number}/work-notes`, body: { body: 'Asked the network team' } }),
  'GET /api/v1/reviews/:number/history': async (c) => ({ url: `/api/v1/reviews/${(await reviewOf(c, 'new')).number}/history` }),
  'GET /api/v1/reviews/:number/preview': async (c) => ({ url: `/api/v1/reviews/${(await get({ ...c, fresh: false }, 'review-new', () => F.review(c.w, 'new'))).number}/preview` }),
  'GET /api/v1/reviews/:number/documents': async (c) => ({ url: `/api/v1/reviews/${(await get({ ...c, fresh: false }, 'review-published', () => F.review(c.w, 'published'))).number}/documents` }),
  'GET /api/v1/documents/:id': async (c) => ({ url: `/api/v1/documents/${await get({ ...c, fresh: false }, 'document', () => F.document(c.w))}` }),
  'GET /api/v1/review-configurations': async () => ({ url: '/api/v1/review-configurations' }),
  'GET /api/v1/review-configurations/:id': async () => ({ url: '/api/v1/review-configurations/1' }),
  'PATCH /api/v1/review-configurations/:id': async () => ({ url: '/api/v1/review-configurations/1', body: { approvalRequired: true } }),
  'GET /api/v1/document-templates': async () => ({ url: '/api/v1/document-templates' }),
  'POST /api/v1/document-templates': async () => ({ url: '/api/v1/document-templates', body: { name: `Tpl ${uniq()}`, source: '= Review' } }),
  'GET /api/v1/document-templates/:id': async () => ({ url: '/api/v1/document-templates/1' }),
  'PATCH /api/v1/document-templates/:id': async (c) => ({ url: `/api/v1/document-templates/${(await get(c, 'template', F.template)).id}`, body: { description: 'Changed' } }),
  'POST /api/v1/document-templates/preview': async () => ({ url: '/api/v1/document-templates/preview', body: { source: '= Hello' } }),

  'GET /api/v1/articles': async () => ({ url: '/api/v1/articles' }),
  'POST /api/v1/articles': async () => ({ url: '/api/v1/articles', body: { title: `Fix ${uniq()}`, body: 'Steps.' } }),
  'POST /api/v1/articles/preview': async () => ({ url: '/api/v1/articles/preview', body: { body: '# Title' } }),
  'GET /api/v1/articles/:number': async (c) => ({ url: `/api/v1/articles/${(await get({ ...c, fresh: false }, 'article', F.article)).number}` }),
  'PATCH /api/v1/articles/:number': async (c) => ({ url: `/api/v1/articles/${(await get(c, 'article', F.article)).number}`, body: { title: `Renamed ${uniq()}` } }),
  'POST /api/v1/articles/:number/publish': async (c) => ({ url: `/api/v1/articles/${(await get(c, 'article', F.article)).number}/publish`, body: {} }),
  'POST /api/v1/articles/:number/retire': async (c) => ({ url: `/api/v1/articles/${(await get(c, 'published-article', F.publishedArticle)).number}/retire`, body: {} }),
  'GET /api/v1/articles/:number/versions': async (c) => ({ url: `/api/v1/articles/${(await get({ ...c, fresh: false }, 'article', F.article)).number}/versions` }),
  'GET /api/v1/cases/:number/articles': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/articles` }),
  'POST /api/v1/cases/:number/articles': async (c) => {
    const a = await get({ ...c, fresh: false }, 'published-article', F.publishedArticle);
    return { url: `/api/v1/cases/${(await caseOf(c)).number}/articles`, body: { articleNumber: a.number } };
  },
  'DELETE /api/v1/cases/:number/articles/:article': async (c) => {
    const a = await get({ ...c, fresh: false }, 'published-article', F.publishedArticle);
    const k = await caseOf(c);
    await t.call('POST', `/api/v1/cases/${k.number}/articles`, { as: t.adminCookie, body: { articleNumber: a.number } });
    return { url: `/api/v1/cases/${k.number}/articles/${a.number}` };
  },
  'GET /api/v1/cases/:number/article-suggestions': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c)).number}/article-suggestions` }),
  'GET /api/v1/cases/:number/article-draft': async (c) => ({ url: `/api/v1/cases/${(await caseOf(c, 'resolved')).number}/article-draft` }),
};

// ---- the matrix

const routeKey = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
const isCustomer = (p: PrincipalName) => p === 'customer' || p === 'customerOtherAccount';

function credentials(who: PrincipalName, w: World): string | null {
  if (who === 'anonymous') return null;
  if (who === 'customer') return worlds.A.customerCookie;
  if (who === 'customerOtherAccount') return worlds.B.customerCookie;
  return users[who].cookie;
}

/** The account whose records are "own" (or "foreign") for the principal. */
function worldFor(who: PrincipalName, obj: Obj): World {
  const home = who === 'customerOtherAccount' ? worlds.B : worlds.A;
  const away = who === 'customerOtherAccount' ? worlds.A : worlds.B;
  return obj === 'foreign' ? away : home;
}

/** Whether the route's declared permission refuses the principal outright (no record is reached). */
function refusedByRole(access: string, who: PrincipalName): boolean {
  if (access === 'public') return false;
  if (who === 'anonymous') return true;
  if (access === 'authenticated') return false;
  const role: Role = isCustomer(who) ? 'customer' : STAFF_ROLES[who as StaffName][0]!;
  return !(PERMISSIONS[access as keyof typeof PERMISSIONS] as readonly string[]).includes(role);
}

function matches(expected: Outcome, status: number): boolean {
  if (expected === 'allow') return status >= 200 && status < 300;
  if (expected === 'rule') return status === 409 || status === 422;
  if (expected === 400) return status === 400;
  return status === expected;
}

const outcomeOf = (cell: Cell, obj: Obj): Outcome => (typeof cell === 'object' ? cell[obj === 'foreign' ? 'foreign' : 'own'] : cell);

beforeAll(async () => {
  // The request-rate limit is another suite's subject; this one sends thousands of requests from one address.
  t = await startTestApp({ rateLimitPerMinute: 1_000_000 });
  for (const [name, roles] of Object.entries(STAFF_ROLES) as [StaffName, Role[]][]) {
    if (name === 'admin') {
      const me = (await t.call('GET', '/api/v1/me', { as: t.adminCookie })).json();
      // A second admin with a known address, so logout cells can sign in afresh.
      await ok('POST', '/api/v1/users', { email: 'admin@matrix.test', name: 'Matrix Admin', roles: ['admin'], password: PASSWORD });
      users.admin = { id: me.id, cookie: t.adminCookie, roles };
      continue;
    }
    const u = await makeUser(t, { email: `${name.toLowerCase()}@matrix.test`, name, roles });
    users[name] = { id: u.id, cookie: await u.cookie(), roles };
  }
  const o = await makeUser(t, { name: 'Other Agent' });
  other = { id: o.id, cookie: await o.cookie() };
  for (const name of ['A', 'B'] as const) {
    const account = await makeAccount(t, { name: `Account ${name}` });
    const { contact, cookie } = await makeCustomer(t, { accountId: account.id, name: `Customer ${name}` });
    const asset = await makeAsset(t, { accountId: account.id, name: `Asset ${name}` });
    worlds[name] = { name, account, contact, customerCookie: cookie, asset };
  }
  const members = (['agent', 'manager', 'managerNotApprover', 'majorIssueManager', 'admin'] as const).map((n) => users[n].id);
  queueAny = (await ok('POST', '/api/v1/queues', { name: 'Matrix any', mode: 'any', memberIds: members })).id;
  queueNext = (await ok('POST', '/api/v1/queues', { name: 'Matrix next', mode: 'next', memberIds: members })).id;
}, 120_000);
afterAll(async () => t?.close());

describe('authorization matrix', () => {
  it('every route in the router is in the policy table, and every policy row is a real route', () => {
    const routes = t.app.apiRoutes.map(routeKey);
    const unclassified = routes.filter((k) => !POLICY[k]);
    const withoutRecipe = routes.filter((k) => !R[k]);
    const stale = Object.keys(POLICY).filter((k) => !routes.includes(k));
    expect({ unclassified, withoutRecipe, stale }).toEqual({ unclassified: [], withoutRecipe: [], stale: [] });
  });

  it('every (route, principal, object) cell answers as the policy says; zero unexpected allows', async () => {
    const failures: string[] = [];
    let cells = 0;
    let unexpectedAllows = 0;
    let allowsChecked = 0;
    let denialsChecked = 0;
    let refusedBeforeValidation = 0;
    const routes = t.app.apiRoutes.filter((r) => POLICY[routeKey(r)] && R[routeKey(r)]);
    for (const route of routes) {
      const key = routeKey(route);
      const policy = POLICY[key]!;
      const objects: Obj[] = policy.objects === 'none' ? [null] : ['own', 'foreign'];
      for (const who of PRINCIPALS) {
        for (const obj of objects) {
          const expected = outcomeOf(policy.expect[who], obj);
          const w = policy.objects === 'account' || policy.objects === 'user' ? worldFor(who, obj) : worldFor(who, 'own');
          const fresh = !(isDenial(expected) && refusedByRole(route.access, who));
          let req: Req;
          try {
            req = await R[key]!({ who, obj, w, fresh });
          } catch (err) {
            failures.push(`${key} as ${who}${obj ? ` (${obj})` : ''}: fixture failed: ${(err as Error).message.slice(0, 300)}`);
            continue;
          }
          const as = req.as !== undefined ? req.as : credentials(who, w);
          const res = await t.call(route.method as Method, req.url, { as, body: req.body ?? (route.method === 'GET' || route.method === 'DELETE' ? undefined : {}), headers: req.headers });
          cells++;
          if (isDenial(expected)) denialsChecked++;
          else allowsChecked++;
          // A refusal by role comes before the body is even read: an empty body gets the same answer.
          if (!fresh && route.method !== 'GET' && route.method !== 'DELETE' && expected !== 400) {
            const bare = await t.call(route.method as Method, req.url, { as, body: {} });
            refusedBeforeValidation++;
            if (bare.statusCode !== res.statusCode) failures.push(`${key} as ${who}: with an empty body ${bare.statusCode}, with a valid one ${res.statusCode}`);
          }
          if (res.statusCode >= 500) failures.push(`${key} as ${who}${obj ? ` (${obj})` : ''}: ${res.statusCode} ${res.body.slice(0, 200)}`);
          else if (!matches(expected, res.statusCode)) {
            if (isDenial(expected) && res.statusCode < 300) unexpectedAllows++;
            failures.push(`${key} as ${who}${obj ? ` (${obj})` : ''}: expected ${expected}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
          }
        }
      }
    }
    console.log(
      `authorization matrix: ${routes.length} routes × ${PRINCIPALS.length} principals → ${cells} cells (${allowsChecked} allowed, ${denialsChecked} refused, ${refusedBeforeValidation} also refused with an empty body); unexpected allows: ${unexpectedAllows}; mismatches: ${failures.length}`,
    );
    expect(failures).toEqual([]);
    expect(unexpectedAllows).toBe(0);
  }, 600_000);
});

// ---- no one grants a power they do not hold

const rolesOf = async (id: number) => ((await t.db.selectFrom('user_roles').select('role').where('user_id', '=', id).execute()).map((r) => r.role) as string[]).sort();
const userCount = async () => Number((await t.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('role granting', () => {
  it('no staff member but an admin can change roles, create users or join groups and queues, by session or token', async () => {
    const attempts: [StaffName, string, Method, string, unknown][] = [];
    for (const who of ['agent', 'agentOutsideQueue', 'manager', 'managerNotApprover', 'majorIssueManager'] as const) {
      const self = users[who].id;
      attempts.push(
        [who, 'session', 'PATCH', `/api/v1/users/${self}`, { roles: ['admin'] }],
        [who, 'session', 'PATCH', `/api/v1/users/${self}`, { roles: [...users[who].roles, 'manager', 'major_issue_manager'] }],
        [who, 'session', 'PATCH', `/api/v1/users/${users.agent.id === self ? other.id : users.agent.id}`, { roles: ['admin'] }],
        [who, 'session', 'POST', '/api/v1/users', { email: `sneaky-${uniq()}@example.test`, name: 'Sneaky', roles: ['admin'], password: PASSWORD }],
        [who, 'session', 'POST', '/api/v1/users', { email: `sneaky-${uniq()}@example.test`, name: 'Sneaky', roles: users[who].roles, password: PASSWORD }],
        [who, 'session', 'POST', '/api/v1/groups', { name: `Mine ${uniq()}`, memberIds: [self] }],
        [who, 'session', 'PATCH', `/api/v1/queues/${queueAny}`, { memberIds: [self] }],
        [who, 'session', 'PATCH', '/api/v1/properties/reviews.majorCaseReviews.enabled', { value: false }],
      );
    }
    const before = { users: await userCount(), roles: Object.fromEntries(await Promise.all(Object.values(users).map(async (u) => [u.id, await rolesOf(u.id)]))) };
    const queueBefore = (await ok('GET', `/api/v1/queues/${queueAny}`)).memberIds;
    const failures: string[] = [];
    for (const [who, via, method, url, body] of attempts) {
      for (const as of [users[who].cookie, (await ok('POST', '/api/v1/me/tokens', { name: 'probe' }, users[who].cookie)).token as string]) {
        const res = await t.call(method, url, { as, body });
        if (res.statusCode !== 403) failures.push(`${who} (${as.startsWith('cbk_') ? 'token' : via}) ${method} ${url} ${JSON.stringify(body)} → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await userCount()).toBe(before.users);
    for (const u of Object.values(users)) expect(await rolesOf(u.id)).toEqual(before.roles[u.id]);
    expect((await ok('GET', `/api/v1/queues/${queueAny}`)).memberIds).toEqual(queueBefore);
    console.log(`role granting: ${attempts.length * 2} attempts by 5 non-admin principals (session and token), all 403`);
  });

  it('the user service itself refuses grants beyond the actor’s roles, whatever route calls it', async () => {
    const { createUser, updateUser } = await import('../../src/modules/identity/users.service.js');
    const manager = { type: 'user' as const, id: users.manager.id, email: 'manager@matrix.test', name: 'manager', roles: ['manager'] as Role[], via: 'session' as const };
    await expect(createUser(t.db, manager, { email: `svc-${uniq()}@example.test`, name: 'X', roles: ['admin'] })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(updateUser(t.db, manager, users.agent.id, { roles: ['agent', 'admin'] }, undefined)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(updateUser(t.db, manager, users.manager.id, { roles: ['manager', 'major_issue_manager'] }, undefined)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await rolesOf(users.agent.id)).toEqual(['agent']);
    expect(await rolesOf(users.manager.id)).toEqual(['manager']);
  });

  it('an admin can grant roles (the refusals above are about who asks, not a broken route)', async () => {
    const u = await makeUser(t);
    const res = await t.call('PATCH', `/api/v1/users/${u.id}`, { as: t.adminCookie, body: { roles: ['agent', 'manager'] } });
    expect(res.statusCode).toBe(200);
    expect(await rolesOf(u.id)).toEqual(['agent', 'manager']);
  });

  it('a token never exceeds its user: it follows role changes and deactivation, and cannot mint more tokens', async () => {
    const u = await makeUser(t, { roles: ['manager'] });
    const cookie = await u.cookie();
    const token = (await ok('POST', '/api/v1/me/tokens', { name: 'ci' }, cookie)).token as string;
    const c = await F.case(worlds.A);
    // As a manager the token may mark a case major; once the user is only an agent, it may not.
    expect((await t.call('POST', `/api/v1/cases/${c.number}/major`, { as: token, body: { major: true } })).statusCode).toBe(200);
    await ok('PATCH', `/api/v1/users/${u.id}`, { roles: ['agent'] });
    expect((await t.call('POST', `/api/v1/cases/${c.number}/major`, { as: token, body: { major: false } })).statusCode).toBe(403);
    expect((await t.call('GET', '/api/v1/me', { as: token })).json().roles).toEqual(['agent']);
    // A token cannot make another token: a leaked token must not outlive its own revocation.
    const minted = await t.call('POST', '/api/v1/me/tokens', { as: token, body: { name: 'persist' } });
    expect(minted.statusCode).toBe(403);
    expect((await ok('GET', '/api/v1/me/tokens', undefined, cookie)).items).toHaveLength(1);
    // Deactivated: the token is dead too.
    await ok('PATCH', `/api/v1/users/${u.id}`, { active: false });
    expect((await t.call('GET', '/api/v1/me', { as: token })).statusCode).toBe(401);
  });
});

// ---- approvals: only managers named on the review approve, never the author of the request

describe('who may approve', () => {
  it('an agent cannot name themselves (or another agent) approver and approve their own review', async () => {
    const r = await F.review(worlds.A, 'new');
    const mine = await t.call('POST', `/api/v1/reviews/${r.number}/request-approval`, { as: users.agent.cookie, body: { approvalUserIds: [users.agent.id] } });
    expect(mine.statusCode).toBe(400);
    expect(mine.json().error.message).toMatch(/approvalUserIds/);
    const another = await t.call('POST', `/api/v1/reviews/${r.number}/request-approval`, { as: users.agent.cookie, body: { approvalUserIds: [users.agentOutsideQueue.id] } });
    expect(another.statusCode).toBe(400);
    expect((await ok('GET', `/api/v1/reviews/${r.number}`)).state).toBe('new');
  });

  it('the manager who asks for approval is not an approver of their own request', async () => {
    const r = await F.review(worlds.A, 'new');
    const res = await t.call('POST', `/api/v1/reviews/${r.number}/request-approval`, { as: users.manager.cookie, body: { approvalUserIds: [users.manager.id, users.managerNotApprover.id] } });
    expect(res.statusCode).toBe(200);
    expect((await t.call('POST', `/api/v1/reviews/${r.number}/approve`, { as: users.manager.cookie, body: {} })).statusCode).toBe(403);
    expect((await ok('GET', `/api/v1/reviews/${r.number}`)).state).toBe('awaiting_approval');
    expect((await t.call('POST', `/api/v1/reviews/${r.number}/approve`, { as: users.managerNotApprover.cookie, body: {} })).statusCode).toBe(200);
    expect((await ok('GET', `/api/v1/reviews/${r.number}`)).state).toBe('approved');
  });

  it('an approval group approves through its managers only; an agent in the group is no approver', async () => {
    const group = await ok('POST', '/api/v1/groups', { name: `Approvers ${uniq()}`, memberIds: [users.agentOutsideQueue.id, users.managerNotApprover.id] });
    const r = await F.review(worlds.A, 'new');
    expect((await t.call('POST', `/api/v1/reviews/${r.number}/request-approval`, { as: users.agent.cookie, body: { approvalGroupId: group.id } })).statusCode).toBe(200);
    const view = await ok('GET', `/api/v1/reviews/${r.number}`);
    expect(view.approvers.map((a: { userId: number }) => a.userId)).toEqual([users.managerNotApprover.id]);
    expect((await t.call('POST', `/api/v1/reviews/${r.number}/approve`, { as: users.agentOutsideQueue.cookie, body: {} })).statusCode).toBe(403);
    expect((await t.call('POST', `/api/v1/reviews/${r.number}/suggest-changes`, { as: users.agentOutsideQueue.cookie, body: { workNote: 'Looks fine to me' } })).statusCode).toBe(403);
    expect((await ok('GET', `/api/v1/reviews/${r.number}`)).state).toBe('awaiting_approval');
  });
});

// ---- mass assignment: a customer cannot set what is not theirs to set

const count = async (table: 'cases' | 'comments' | 'attachments') => Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const caseRow = (number: string) => t.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();

describe('mass assignment', () => {
  const forbiddenCaseFields = () => ({
    accountId: worlds.B.account.id,
    contactId: worlds.B.contact.id,
    status: 'closed',
    assigneeId: users.agent.id,
    assignmentGroupId: 1,
    queueId: queueAny,
    priority: 1,
    channel: 'phone',
    number: 'CS9999999',
    version: 7,
    id: 1,
    major: true,
    parentId: 1,
    approvedBy: users.manager.id,
    escalationLevel: 3,
    openedAt: '2000-01-01T00:00:00.000Z',
    resolvedAt: '2000-01-01T00:00:00.000Z',
    satisfaction: 5,
  });

  it('portal: opening a case with any field beyond the customer’s own is a 400 naming it, and nothing is created', async () => {
    const fields = forbiddenCaseFields();
    const before = await count('cases');
    const failures: string[] = [];
    for (const [field, value] of Object.entries(fields)) {
      const res = await t.call('POST', '/api/v1/portal/cases', { as: worlds.A.customerCookie, body: { shortDescription: 'Help', [field]: value } });
      if (res.statusCode !== 400 || !JSON.stringify(res.json().error).includes(field)) failures.push(`${field} → ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    // Another account's asset is refused too, without telling whether it exists.
    const foreignAsset = await t.call('POST', '/api/v1/portal/cases', { as: worlds.A.customerCookie, body: { shortDescription: 'Help', assetIds: [worlds.B.asset.id] } });
    const noAsset = await t.call('POST', '/api/v1/portal/cases', { as: worlds.A.customerCookie, body: { shortDescription: 'Help', assetIds: [99_999_999] } });
    expect(failures).toEqual([]);
    expect(foreignAsset.statusCode).toBe(400);
    expect(foreignAsset.json().error.message).toBe(noAsset.json().error.message.replace('99999999', String(worlds.B.asset.id)));
    expect(await count('cases')).toBe(before);
    console.log(`mass assignment: ${Object.keys(fields).length} forbidden case fields refused on POST /portal/cases`);
  });

  it('portal: the case the customer opens is theirs, on the portal channel, whatever they wish', async () => {
    const res = await t.call('POST', '/api/v1/portal/cases', { as: worlds.A.customerCookie, body: { shortDescription: 'Help', assetIds: [worlds.A.asset.id] } });
    expect(res.statusCode).toBe(201);
    const row = await caseRow(res.json().number);
    expect(row).toMatchObject({ account_id: worlds.A.account.id, contact_id: worlds.A.contact.id, channel: 'portal', status: 'new', assignee_id: null, major: 0, parent_id: null });
  });

  it('portal: a reply cannot turn internal, change its author, move to another case or take others’ files', async () => {
    const c = await F.case(worlds.A);
    const foreignFile = await F.portalAttachment(worlds.B);
    const staffFile = await F.staffAttachment(worlds.A);
    const before = { comments: await count('comments'), row: await caseRow(c.number) };
    const bodies: Record<string, unknown>[] = [
      { body: 'x', visibility: 'internal' },
      { body: 'x', authorId: users.agent.id },
      { body: 'x', authorType: 'user' },
      { body: 'x', caseId: 1 },
      { body: 'x', status: 'closed' },
      { body: 'x', assigneeId: users.agent.id },
    ];
    for (const body of bodies) {
      const res = await t.call('POST', `/api/v1/portal/cases/${c.number}/comments`, { as: worlds.A.customerCookie, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.json().error)).toContain(Object.keys(body)[1]!);
    }
    for (const id of [foreignFile, staffFile]) {
      const res = await t.call('POST', `/api/v1/portal/cases/${c.number}/comments`, { as: worlds.A.customerCookie, body: { body: 'see file', attachmentIds: [id] } });
      expect(res.statusCode).toBe(400);
    }
    expect(await count('comments')).toBe(before.comments);
    expect(await caseRow(c.number)).toEqual(before.row);
  });

  it('portal: a survey answer cannot set anything but the score and comment', async () => {
    const token = await F.surveyToken(worlds.A);
    for (const extra of [{ caseId: 1 }, { status: 'closed' }, { satisfaction: 5 }, { contactId: worlds.B.contact.id }]) {
      const res = await t.call('POST', `/api/v1/surveys/${token}`, { body: { score: 1, ...extra } });
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json().error)).toContain(Object.keys(extra)[0]!);
    }
    expect((await t.call('GET', `/api/v1/surveys/${token}`)).json().state).not.toBe('answered');
  });

  it('staff writes refuse fields that only the workflow sets (status, number, version, approval), the row unchanged', async () => {
    const c = await F.case(worlds.A);
    const before = await caseRow(c.number);
    for (const extra of [{ status: 'closed' }, { number: 'CS9999999' }, { version: 99 }, { assigneeId: users.agent.id }, { major: true }, { parentId: 1 }, { resolvedAt: '2000-01-01T00:00:00Z' }, { escalationLevel: 5 }]) {
      const res = await t.call('PATCH', `/api/v1/cases/${c.number}`, { as: users.agent.cookie, body: extra });
      expect(res.statusCode, JSON.stringify(extra)).toBe(400);
      expect(JSON.stringify(res.json().error)).toContain(Object.keys(extra)[0]!);
    }
    expect(await caseRow(c.number)).toEqual(before);
    const r = await F.review(worlds.A, 'new');
    const reviewBefore = await t.db.selectFrom('reviews').selectAll().where('number', '=', r.number).executeTakeFirstOrThrow();
    for (const extra of [{ state: 'approved' }, { approvedBy: users.agent.id }, { number: 'PCR9999999' }, { version: 9 }, { caseNumber: 'CS0000001' }, { configurationId: 2 }, { approvalRound: 5 }]) {
      const res = await t.call('PATCH', `/api/v1/reviews/${r.number}`, { as: users.agent.cookie, body: extra });
      expect(res.statusCode, JSON.stringify(extra)).toBe(400);
      expect(JSON.stringify(res.json().error)).toContain(Object.keys(extra)[0]!);
    }
    expect(await t.db.selectFrom('reviews').selectAll().where('number', '=', r.number).executeTakeFirstOrThrow()).toEqual(reviewBefore);
  });
});

// ---- what a customer sees of their own case: customer-visible words and files only

describe('customer scope inside their own account', () => {
  it('work notes, staff files and internal or superseded review documents of their own case stay hidden', async () => {
    const w = worlds.A;
    const c = await F.case(w);
    await ok('POST', `/api/v1/cases/${c.number}/comments`, { body: 'internal: customer is difficult', visibility: 'internal' });
    await ok('POST', `/api/v1/cases/${c.number}/comments`, { body: 'We are on it', visibility: 'customer' });
    const staffFile = await F.staffAttachment(w);
    const view = await ok('GET', `/api/v1/portal/cases/${c.number}`, undefined, w.customerCookie);
    expect(view.messages.map((m: { body: string }) => m.body)).toEqual(['We are on it']);
    expect((await t.call('GET', `/api/v1/portal/attachments/${staffFile}`, { as: w.customerCookie })).statusCode).toBe(404);

    // A published review that is not customer-visible, and an older version of a visible one.
    const hidden = await F.review(w, 'new');
    await ok('PATCH', `/api/v1/reviews/${hidden.number}`, { customerVisible: false });
    await ok('POST', `/api/v1/reviews/${hidden.number}/request-approval`, { approvalUserIds: [users.manager.id] });
    await ok('POST', `/api/v1/reviews/${hidden.number}/approve`, {}, users.manager.cookie);
    await ok('POST', `/api/v1/reviews/${hidden.number}/publish`, {});
    const hiddenDoc = (await ok('GET', `/api/v1/reviews/${hidden.number}/documents`)).items[0].id;
    expect((await t.call('GET', `/api/v1/documents/${hiddenDoc}`, { as: w.customerCookie })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/v1/documents/${hiddenDoc}`, { as: users.agent.cookie })).statusCode).toBe(200);

    const shown = await F.review(w, 'published');
    const v1 = (await ok('GET', `/api/v1/reviews/${shown.number}/documents`)).items[0].id;
    await ok('POST', `/api/v1/reviews/${shown.number}/reopen`, {});
    await ok('PATCH', `/api/v1/reviews/${shown.number}`, { summary: 'Second version' });
    await ok('POST', `/api/v1/reviews/${shown.number}/request-approval`, { approvalUserIds: [users.manager.id] });
    await ok('POST', `/api/v1/reviews/${shown.number}/approve`, {}, users.manager.cookie);
    await ok('POST', `/api/v1/reviews/${shown.number}/publish`, {});
    const v2 = (await ok('GET', `/api/v1/reviews/${shown.number}/documents`)).items[0].id;
    expect(v2).not.toBe(v1);
    expect((await t.call('GET', `/api/v1/documents/${v1}`, { as: w.customerCookie })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/v1/documents/${v2}`, { as: w.customerCookie })).statusCode).toBe(200);
    expect((await t.call('GET', `/api/v1/documents/${v2}`, { as: worlds.B.customerCookie })).statusCode).toBe(404);
  });

  it('a colleague’s cases and contact record are theirs alone, unless the company shares cases account-wide (never across accounts)', async () => {
    const colleague = await makeCustomer(t, { accountId: worlds.A.account.id, name: 'Colleague A' });
    const theirs = await makeCase(t, { contactId: colleague.contact.id });
    const foreign = await F.case(worlds.B);
    const get = (url: string, as: string) => t.call('GET', url, { as }).then((r) => r.statusCode);
    expect(await get(`/api/v1/portal/cases/${theirs.number}`, worlds.A.customerCookie)).toBe(404);
    expect(await get(`/api/v1/contacts/${colleague.contact.id}`, worlds.A.customerCookie)).toBe(404);
    expect((await ok('GET', '/api/v1/contacts', undefined, worlds.A.customerCookie)).items.map((x: { id: number }) => x.id)).toEqual([worlds.A.contact.id]);
    await ok('PATCH', '/api/v1/properties/portal.accountWideVisibility', { value: true });
    try {
      expect(await get(`/api/v1/portal/cases/${theirs.number}`, worlds.A.customerCookie)).toBe(200);
      expect(await get(`/api/v1/portal/cases/${foreign.number}`, worlds.A.customerCookie)).toBe(404);
      expect(await get(`/api/v1/portal/cases/${theirs.number}`, worlds.B.customerCookie)).toBe(404);
      const listed = (await ok('GET', '/api/v1/portal/cases?limit=100', undefined, worlds.A.customerCookie)).items.map((x: { number: string }) => x.number);
      expect(listed).toContain(theirs.number);
      expect(listed).not.toContain(foreign.number);
    } finally {
      await ok('PATCH', '/api/v1/properties/portal.accountWideVisibility', { value: false });
    }
  });
});

describe('idempotency keys are per caller', () => {
  it('the same Idempotency-Key from another principal never replays the first one’s answer', async () => {
    const key = `matrix-${uniq()}`;
    const body = { shortDescription: 'Keyed case', contactId: worlds.A.contact.id };
    const first = await t.call('POST', '/api/v1/cases', { as: users.agent.cookie, body, headers: { 'idempotency-key': key } });
    expect(first.statusCode).toBe(201);
    // The customer of another account sends the same key to the portal: its own new case, not the agent's answer.
    const customer = await t.call('POST', '/api/v1/portal/cases', { as: worlds.B.customerCookie, body: { shortDescription: 'Keyed case' }, headers: { 'idempotency-key': key } });
    expect(customer.statusCode).toBe(201);
    expect(customer.json().number).not.toBe(first.json().number);
    expect(customer.body).not.toContain(worlds.A.contact.email);
    // Another agent with the same key and body makes a case of their own.
    const second = await t.call('POST', '/api/v1/cases', { as: users.agentOutsideQueue.cookie, body, headers: { 'idempotency-key': key } });
    expect(second.statusCode).toBe(201);
    expect(second.json().number).not.toBe(first.json().number);
    // Anonymous callers are refused before any key is looked at.
    expect((await t.call('POST', '/api/v1/cases', { as: null, body, headers: { 'idempotency-key': key } })).statusCode).toBe(401);
    // The owner's retry replays the original.
    const retry = await t.call('POST', '/api/v1/cases', { as: users.agent.cookie, body, headers: { 'idempotency-key': key } });
    expect(retry.json().number).toBe(first.json().number);
  });
});

describe('revoked powers end at once', () => {
  it('a removed role, a deactivated user and a contact who loses portal access are refused on their very next request', async () => {
    const m = await makeUser(t, { roles: ['manager'] });
    const cookie = await m.cookie();
    const c = await F.case(worlds.A);
    expect((await t.call('POST', `/api/v1/cases/${c.number}/major`, { as: cookie, body: { major: true } })).statusCode).toBe(200);
    await ok('PATCH', `/api/v1/users/${m.id}`, { roles: ['agent'] });
    expect((await t.call('POST', `/api/v1/cases/${c.number}/major`, { as: cookie, body: { major: false } })).statusCode).toBe(403);
    await ok('PATCH', `/api/v1/users/${m.id}`, { active: false });
    expect((await t.call('GET', '/api/v1/me', { as: cookie })).statusCode).toBe(401);

    const { contact, cookie: portal } = await makeCustomer(t, { accountId: worlds.A.account.id });
    const mine = await ok('POST', '/api/v1/portal/cases', { shortDescription: 'Mine' }, portal);
    await ok('PATCH', `/api/v1/contacts/${contact.id}`, { portalAccess: false });
    expect((await t.call('GET', `/api/v1/portal/cases/${mine.number}`, { as: portal })).statusCode).toBe(401);
    expect((await t.call('POST', '/api/v1/auth/login', { body: { email: contact.email, password: PASSWORD, portal: true } })).statusCode).toBe(401);
  });
});

describe('knowledge on the portal', () => {
  it('customers read published articles only: drafts and retired ones are 404 and never listed', async () => {
    const draft = await F.article();
    const published = await F.publishedArticle();
    const retired = await F.publishedArticle();
    await ok('POST', `/api/v1/articles/${retired.number}/retire`, {});
    const as = worlds.A.customerCookie;
    expect((await t.call('GET', `/api/v1/portal/articles/${published.number}`, { as })).statusCode).toBe(200);
    expect((await t.call('GET', `/api/v1/portal/articles/${draft.number}`, { as })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/v1/portal/articles/${retired.number}`, { as })).statusCode).toBe(404);
    const listed = (await ok('GET', '/api/v1/portal/articles?limit=100', undefined, as)).items.map((a: { number: string }) => a.number);
    expect(listed).toContain(published.number);
    expect(listed).not.toContain(draft.number);
    expect(listed).not.toContain(retired.number);
    const searched = (await ok('GET', `/api/v1/portal/articles?q=${encodeURIComponent(draft.title)}`, undefined, as)).items.map((a: { number: string }) => a.number);
    expect(searched).not.toContain(draft.number);
    // A customer cannot ask for drafts by state either.
    expect((await t.call('GET', '/api/v1/portal/articles?state=draft', { as })).statusCode).toBe(400);
  });
});

describe('major-case reviews and customer lists', () => {
  it('an agent may read a major-case review and add work notes, but not write, submit, publish or reopen it', async () => {
    const { m } = await F.majorWithChild(worlds.A);
    await ok('POST', `/api/v1/cases/${m.number}/resolve-with-children`, { ...SOLVED, cancelOpenActivities: true });
    const r = await ok('POST', `/api/v1/cases/${m.number}/review`, undefined, users.majorIssueManager.cookie);
    const agent = users.agent.cookie;
    const status = (method: Method, url: string, body?: unknown) => t.call(method, url, { as: agent, body }).then((x) => x.statusCode);
    expect(await status('GET', `/api/v1/reviews/${r.number}`)).toBe(200);
    expect(await status('POST', `/api/v1/reviews/${r.number}/work-notes`, { body: 'Network team confirms' })).toBe(200);
    expect(await status('PATCH', `/api/v1/reviews/${r.number}`, { summary: 'Agent text' })).toBe(403);
    expect(await status('POST', `/api/v1/reviews/${r.number}/request-approval`, { approvalUserIds: [users.manager.id] })).toBe(403);
    await ok('POST', `/api/v1/reviews/${r.number}/request-approval`, { approvalUserIds: [users.manager.id] }, users.majorIssueManager.cookie);
    await ok('POST', `/api/v1/reviews/${r.number}/approve`, {}, users.manager.cookie);
    expect(await status('POST', `/api/v1/reviews/${r.number}/publish`, {})).toBe(403);
    await ok('POST', `/api/v1/reviews/${r.number}/publish`, {}, users.majorIssueManager.cookie);
    expect(await status('POST', `/api/v1/reviews/${r.number}/reopen`, {})).toBe(403);
    expect(await status('POST', `/api/v1/reviews/${r.number}/copy-to-children`, {})).toBe(403);
    const row = await t.db.selectFrom('reviews').select(['summary', 'state']).where('number', '=', r.number).executeTakeFirstOrThrow();
    expect(row).toEqual({ summary: expect.not.stringContaining('Agent text'), state: 'published' });
  });

  it('a customer’s lists of accounts, contacts and assets hold their own account only', async () => {
    const as = worlds.A.customerCookie;
    const list = async (url: string) => (await ok('GET', `${url}?limit=200`, undefined, as)).items as { id: number; accountId?: number }[];
    expect((await list('/api/v1/accounts')).map((x) => x.id)).toEqual([worlds.A.account.id]);
    expect((await list('/api/v1/contacts')).map((x) => x.id)).toEqual([worlds.A.contact.id]);
    const assets = await list('/api/v1/assets');
    expect(assets.map((x) => x.id)).toContain(worlds.A.asset.id);
    expect(new Set(assets.map((x) => x.accountId))).toEqual(new Set([worlds.A.account.id]));
    // Filtering for another account finds nothing rather than its records.
    expect((await ok('GET', `/api/v1/assets?accountId=${worlds.B.account.id}`, undefined, as)).items).toEqual([]);
    expect((await ok('GET', `/api/v1/contacts?accountId=${worlds.B.account.id}`, undefined, as)).items).toEqual([]);
  });
});
