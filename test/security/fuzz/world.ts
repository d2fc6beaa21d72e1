import { sql } from 'kysely';
import type { TestApp } from '../../helpers/app.js';
import { act, makeAccount, makeAsset, makeCase, makeContact, makeCustomer, makeGroup, makeQueue, makeUser, PASSWORD } from '../../helpers/factories.js';

// The records the fuzzer aims at: a little of everything, so that shaped requests reach real rows
// (a case in each state, a review with a published document, attachments, articles, surveys).

export interface Principals {
  admin: string;
  agent: string;
  customer: string;
}

export interface World {
  principals: Principals;
  /** Ids of principals the fuzzer must not edit (it would lock itself out). */
  protectedUserIds: number[];
  protectedContactIds: number[];
  /** Re-signs the principals in (a fuzzed logout or password change may have ended a session). */
  refresh(): Promise<void>;
}

function multipart(files: { name: string; content: string; type: string }[]) {
  const boundary = '----fuzzworld' + Math.random().toString(16).slice(2);
  const chunks = files.map((f) => `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n${f.content}\r\n`);
  return { payload: chunks.join('') + `--${boundary}--\r\n`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function ok(res: { statusCode: number; body: string }, what: string) {
  if (res.statusCode >= 300) throw new Error(`${what} → ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body);
}

export async function buildWorld(t: TestApp): Promise<World> {
  const agentUser = await makeUser(t, { name: 'Fuzz Agent', roles: ['agent'] });
  const manager = await makeUser(t, { name: 'Fuzz Manager', roles: ['manager', 'agent'] });
  await makeUser(t, { name: 'Major Issue Manager', roles: ['major_issue_manager'] });
  const other = await makeUser(t, { name: 'Other Agent', roles: ['agent'] });
  const group = await makeGroup(t, { memberIds: [agentUser.id, manager.id, other.id] });
  await makeQueue(t, { memberIds: [agentUser.id, other.id], groupIds: [group.id] });
  await makeQueue(t, { mode: 'next', memberIds: [agentUser.id] });

  const account = await makeAccount(t, { name: 'Northwind', tier: 'gold', domain: 'northwind.example' });
  const foreign = await makeAccount(t, { name: 'Contoso' });
  const customer = await makeCustomer(t, { accountId: account.id, name: 'Nancy Portal' });
  const foreignContact = await makeContact(t, { accountId: foreign.id, portalAccess: true, password: PASSWORD });
  const asset = await makeAsset(t, { accountId: account.id, serialNumber: 'NW-1', product: 'Gateway' });
  await makeAsset(t, { accountId: foreign.id });

  const base = { contactId: customer.contact.id, assetIds: [asset.id], product: 'Gateway' };
  const fresh = await makeCase(t, { ...base, shortDescription: 'New one' });
  const working = await makeCase(t, { ...base, shortDescription: 'Working on it' });
  await act(t, working.number, 'start');
  await ok(await t.call('POST', `/api/v1/cases/${working.number}/activities`, { as: t.adminCookie, body: { type: 'task', subject: 'Call back' } }), 'activity');
  await ok(await t.call('POST', `/api/v1/cases/${working.number}/comments`, { as: t.adminCookie, body: { body: 'Hello **there**', visibility: 'customer' } }), 'comment');
  const up = multipart([{ name: 'screenshot.png', content: '\x89PNG\r\n\x1a\nfake', type: 'image/png' }, { name: 'notes.txt', content: 'plain notes', type: 'text/plain' }]);
  await ok(await t.app.inject({ method: 'POST', url: `/api/v1/cases/${working.number}/attachments`, headers: { cookie: t.adminCookie, ...up.headers }, payload: up.payload }), 'upload');
  const portalUp = multipart([{ name: 'photo.jpg', content: '\xff\xd8\xff\xe0fake', type: 'image/jpeg' }]);
  await ok(await t.app.inject({ method: 'POST', url: `/api/v1/portal/cases/${working.number}/attachments`, headers: { cookie: customer.cookie, ...portalUp.headers }, payload: portalUp.payload }), 'portal upload');
  await ok(await t.call('POST', '/api/v1/portal/cases', { as: customer.cookie, body: { shortDescription: 'From the portal', description: 'Help' } }), 'portal case');
  const waiting = await makeCase(t, { ...base, shortDescription: 'Waiting' });
  await act(t, waiting.number, 'start');
  await act(t, waiting.number, 'wait');

  const solved = { resolutionCode: 'solved', cause: 'Expired certificate', resolutionNotes: 'Renewed it' };
  const resolved = await makeCase(t, { ...base, shortDescription: 'Resolved' });
  await act(t, resolved.number, 'start');
  await ok(await act(t, resolved.number, 'resolve', solved), 'resolve');
  const published = await makeCase(t, { ...base, shortDescription: 'Reviewed' });
  await act(t, published.number, 'start');
  await ok(await act(t, published.number, 'resolve', solved), 'resolve');
  const review = await ok(await t.call('POST', `/api/v1/cases/${published.number}/review`, { as: t.adminCookie }), 'review');
  await t.call('PATCH', `/api/v1/reviews/${review.number}`, { as: t.adminCookie, body: { summary: 'What happened', customerVisible: true } });
  await t.call('POST', `/api/v1/reviews/${review.number}/publish`, { as: t.adminCookie, body: {} });
  const reviewed2 = await makeCase(t, { ...base, shortDescription: 'Second review' });
  await act(t, reviewed2.number, 'start');
  await act(t, reviewed2.number, 'resolve', solved);
  await t.call('POST', `/api/v1/cases/${reviewed2.number}/review`, { as: t.adminCookie });

  const major = await makeCase(t, { shortDescription: 'Outage' });
  await act(t, major.number, 'major', { major: true });
  const child = await makeCase(t, { contactId: foreignContact.id, shortDescription: 'Child of outage' });
  await t.call('POST', `/api/v1/cases/${major.number}/children`, { as: t.adminCookie, body: { childNumbers: [child.number] } });
  await makeCase(t, { contactId: foreignContact.id, shortDescription: 'Foreign account case' });
  await makeCase(t, { shortDescription: 'Unassigned in queue' });
  await makeCase(t, { shortDescription: 'Canceled' }).then((c) => act(t, c.number, 'cancel', {}));

  const article = await ok(await t.call('POST', '/api/v1/articles', { as: t.adminCookie, body: { title: 'Renew certificates', body: '# Steps\n1. Renew' } }), 'article');
  await t.call('POST', `/api/v1/articles/${article.number}/publish`, { as: t.adminCookie, body: {} });
  await ok(await t.call('POST', '/api/v1/articles', { as: t.adminCookie, body: { title: 'Draft article', body: 'Draft' } }), 'article');
  await ok(await t.call('POST', '/api/v1/me/tokens', { as: t.adminCookie, body: { name: 'integration' } }), 'token');

  const adminId = (await ok(await t.call('GET', '/api/v1/me', { as: t.adminCookie }), 'me')).id as number;
  const principals: Principals = { admin: t.adminCookie, agent: await agentUser.cookie(), customer: customer.cookie };
  return {
    principals,
    protectedUserIds: [adminId, agentUser.id],
    protectedContactIds: [customer.contact.id],
    refresh: async () => {
      // Sign in again only where a session ended (a password hash costs ~25 ms).
      const alive = async (cookie: string) => (await t.call('GET', '/api/v1/me', { as: cookie })).statusCode === 200;
      if (!(await alive(principals.admin))) principals.admin = await t.login('admin@example.test', 'admin-password-123');
      if (!(await alive(principals.agent))) principals.agent = await t.login(agentUser.email, PASSWORD);
      if (!(await alive(principals.customer))) principals.customer = await t.login(customer.contact.email, PASSWORD, true);
    },
  };
}

/** Values of existing rows for a path parameter, by the resource the URL names. */
export async function poolFor(t: TestApp, world: World, url: string, param: string): Promise<string[]> {
  const db = t.db;
  const seg = url.split('/').filter(Boolean);
  const before = seg[seg.indexOf(`:${param}`) - 1] ?? '';
  const col = async (table: string, column: string, where = '') => {
    const r = await sql<{ v: string | number }>`select ${sql.ref(column)} as v from ${sql.table(table)} ${sql.raw(where)} order by 1`.execute(db);
    return r.rows.map((x) => String(x.v));
  };
  if (param === 'number') {
    if (before === 'reviews') return col('reviews', 'number');
    if (before === 'articles') return col('articles', 'number');
    return col('cases', 'number');
  }
  if (param === 'child') return col('cases', 'number');
  if (param === 'article') return col('articles', 'number');
  if (param === 'score') return col('satisfaction_levels', 'score');
  if (param === 'key') return before === 'email-templates' ? col('email_templates', 'key') : col('properties', 'key');
  if (param === 'token') {
    // Survey links travel only in the resolved mail; read them back from the outbox.
    const rows = await sql<Record<string, unknown>>`select * from outbox`.execute(db);
    const tokens = new Set<string>();
    for (const m of JSON.stringify(rows.rows).matchAll(/surveys?\/([A-Za-z0-9_-]{16,})/g)) tokens.add(m[1]);
    return [...tokens];
  }
  const tables: Record<string, string> = {
    users: 'users',
    groups: 'groups',
    accounts: 'accounts',
    contacts: 'contacts',
    assets: 'assets',
    statuses: 'statuses',
    processes: 'processes',
    queues: 'queues',
    activities: 'activities',
    attachments: 'attachments',
    outbox: 'outbox',
    messages: 'messages',
    notifications: 'notifications',
    tokens: 'api_tokens',
    documents: 'review_documents',
    'review-configurations': 'review_configurations',
    'document-templates': 'document_templates',
    calendars: 'calendars',
    'sla-policies': 'sla_policies',
  };
  const table = tables[before];
  if (!table) return [];
  let ids = await col(table, 'id');
  if (table === 'users') ids = ids.filter((id) => !world.protectedUserIds.includes(Number(id)));
  if (table === 'contacts') ids = ids.filter((id) => !world.protectedContactIds.includes(Number(id)));
  return ids;
}
