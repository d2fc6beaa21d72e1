import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, type Role } from '../../src/platform/access.js';
import { INBOUND_TOKEN, startTestApp } from '../helpers/app.js';
import { changes, fingerprint, installChangeCounters, type Fingerprint } from './fuzz/fingerprint.js';
import { enc, requestArb, type FuzzRequest, type RouteSpec, type Who } from './fuzz/requests.js';
import { REVIEW_STATES } from '../../src/modules/reviews/review.workflow.js';
import { errorShapeProblem, LEAK, ResponseValidator, routeSpecs, takesInput } from './fuzz/routes.js';
import { buildWorld, poolFor } from './fuzz/world.js';
import { sql } from 'kysely';

// Fuzzing every API route with fast-check (issue 9). For each route the router knows, requests
// shaped by its OpenAPI entry and deliberately broken ones are sent as principals allowed to use it.
// Properties: never a 5xx; a rejected (4xx) request changes no row and no file; every JSON
// response matches the schema the route declares, errors have SPEC §10's shape; no internals leak.
//
// CASEBOOK_FUZZ_RUNS (default 100) sets runs per route, CASEBOOK_FUZZ_SEED replays a run,
// CASEBOOK_FUZZ_ROUTE (a substring of "METHOD /url") limits the routes, CASEBOOK_FUZZ_SHRINK=1
// lets fast-check shrink a counterexample, CASEBOOK_FUZZ_DEBUG=1 prints every refusal.

const RUNS = Number(process.env.CASEBOOK_FUZZ_RUNS ?? 100);
const SEED = process.env.CASEBOOK_FUZZ_SEED !== undefined ? Number(process.env.CASEBOOK_FUZZ_SEED) : (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0;
const ONLY = process.env.CASEBOOK_FUZZ_ROUTE;
// Routes without any input still get a few calls (junk query strings and bodies).
const RUNS_WITHOUT_INPUT = Math.max(10, Math.round(RUNS / 5));
console.log(`fuzz: seed ${SEED} — replay with CASEBOOK_FUZZ_SEED=${SEED}; ${RUNS} runs per route`);

const t = await startTestApp({ rateLimitPerMinute: 10_000_000 });
const world = await buildWorld(t);
const watched = await installChangeCounters(t.db);
// Bookkeeping a rejected sign-in is meant to write (attempt counters, lockouts) is not a change of data.
const THROTTLE_TABLES = watched.filter((n) => /login|attempt|throttl|lockout/.test(n));
const validator = new ResponseValidator();
const stats = { routes: 0, withInput: 0, requests: 0, byStatus: new Map<number, number>(), succeeded: new Set<string>(), never: [] as string[] };
afterAll(async () => {
  const byStatus = [...stats.byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ');
  console.log(`fuzz: time in requests ${Math.round(profile.send)} ms, in fingerprints ${Math.round(profile.fingerprint)} ms`);
  console.log(`fuzz: ${stats.routes} routes fuzzed (${stats.withInput} take input: ${RUNS} runs each; the others ${RUNS_WITHOUT_INPUT}), ${stats.requests} requests in all (seed ${SEED}); fuzzed statuses ${byStatus}`);
  const never = all.map((r) => `${r.method} ${r.url}`).filter((r) => !stats.succeeded.has(r));
  console.log(`fuzz: ${stats.succeeded.size} routes answered a 2xx to some fuzzed request; only 4xx: ${never.join(', ') || 'none'}`);
  await t.close();
});

const ROLE_OF: Record<Exclude<Who, 'anonymous'>, Role> = { admin: 'admin', agent: 'agent', customer: 'customer' };
function principalsFor(route: RouteSpec): Who[] {
  if (route.access === 'public') return route.url.startsWith('/api/v1/auth/') ? ['anonymous'] : ['anonymous', 'admin'];
  if (route.access === 'authenticated') return ['admin', 'agent', 'customer'];
  const allowed = PERMISSIONS[route.access as keyof typeof PERMISSIONS] as readonly Role[];
  return (['admin', 'agent', 'customer'] as const).filter((w) => allowed.includes(ROLE_OF[w]));
}

// Sign-in is fuzzed last: a lockout it provokes must not end the other routes' sessions.
const all = routeSpecs(t.app)
  .filter((r) => r.url !== '/api/docs')
  .filter((r) => !ONLY || `${r.method} ${r.url}`.includes(ONLY))
  .sort((a, b) => Number(a.url === '/api/v1/auth/login') - Number(b.url === '/api/v1/auth/login') || Number(a.url === '/api/v1/auth/logout') - Number(b.url === '/api/v1/auth/logout'));

/** Existing values for body fields, by field name, so shaped bodies name real records. */
async function bodyPools(): Promise<(name: string) => unknown[]> {
  const q = async (s: string) => (await sql.raw<{ v: unknown }>(s).execute(t.db)).rows.map((r) => (typeof r.v === 'string' && /^\d+$/.test(r.v) ? Number(r.v) : r.v));
  const users = await q('select id as v from users order by id');
  const values: Record<string, unknown[]> = {
    accountId: await q('select id as v from accounts'),
    contactId: await q('select id as v from contacts'),
    assetIds: await q('select id as v from assets'),
    queueId: await q('select id as v from queues'),
    processId: await q('select id as v from processes'),
    users,
    groups: await q('select id as v from groups'),
    calendarId: await q('select id as v from calendars'),
    attachmentIds: await q('select id as v from attachments'),
    configurationId: await q('select id as v from review_configurations'),
    templateId: await q('select id as v from document_templates'),
    caseNumber: await q('select number as v from cases'),
    reviewNumber: await q('select number as v from reviews'),
    articleNumber: await q('select number as v from articles'),
    status: await q('select key as v from statuses'),
    state: [...REVIEW_STATES],
    // Other people's addresses only: a storm of failed sign-ins must not lock the fuzzer's principals out.
    email: [...(await q(`select email as v from users where id not in (${world.protectedUserIds.join(',')})`)), ...(await q('select email as v from contacts'))],
  };
  return (name: string) => {
    if (values[name]) return values[name];
    if (/^(assigneeId|ownerId|assignedToId|userId|approvalUserIds|memberIds|workNotesList|approverId)$/.test(name)) return values.users;
    if (/group/i.test(name)) return values.groups;
    if (/case/i.test(name) && /number/i.test(name)) return values.caseNumber;
    if (/^(childNumbers|numbers)$/.test(name)) return values.caseNumber;
    if (/article/i.test(name)) return values.articleNumber;
    return [];
  };
}

interface Outcome {
  status: number;
  problem?: string;
}

async function send(req: FuzzRequest): Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }> {
  const headers = { ...req.headers };
  if (req.who !== 'anonymous') headers.cookie = world.principals[req.who];
  const res = await t.app.inject({ method: req.method as 'GET', url: req.url, headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
  return { statusCode: res.statusCode, body: res.body, headers: res.headers };
}

/** Sends one request and checks the properties; returns what went wrong, if anything. */
// One fingerprint per request: the one taken after a request is the next one's "before" (nothing
// else writes in between; it is dropped whenever the suite itself writes, e.g. signing in again).
let last: Fingerprint | null = null;
const profile = { send: 0, fingerprint: 0 };
async function probe(route: RouteSpec, req: FuzzRequest): Promise<Outcome> {
  const before = last ?? (await fingerprint(t.db, t.config.dataDir));
  last = null;
  const t0 = performance.now();
  const res = await send(req);
  const t1 = performance.now();
  const after = await fingerprint(t.db, t.config.dataDir);
  profile.send += t1 - t0;
  profile.fingerprint += performance.now() - t1;
  last = after;
  const status = res.statusCode;
  if (status >= 500) return { status, problem: `${status}: ${res.body.slice(0, 300)}` };
  if (LEAK.test(res.body)) return { status, problem: `response leaks internals: ${res.body.match(LEAK)![0]}` };
  const type = String(res.headers['content-type'] ?? '');
  if (status >= 400) {
    if (process.env.CASEBOOK_FUZZ_DEBUG) console.log(`${status} ${req.method} ${req.url.slice(0, 80)} ${res.body.slice(0, 160)}`);
    if (!type.startsWith('application/json')) return { status, problem: `${status} answered ${type || 'no content type'}` };
    const shape = errorShapeProblem(JSON.parse(res.body));
    if (shape) return { status, problem: `error body: ${shape}: ${res.body.slice(0, 200)}` };
    const ignore = [...THROTTLE_TABLES, ...(req.idempotencyKey ? ['idempotency_keys'] : [])];
    const changed = changes(before, after, ignore);
    if (changed.length) return { status, problem: `rejected with ${status} but changed ${changed.join(', ')}: ${res.body.slice(0, 200)}` };
    return { status };
  }
  if (status >= 200 && status < 300 && type.startsWith('application/json')) {
    const invalid = validator.check(route, status, JSON.parse(res.body));
    if (invalid) return { status, problem: `${status} body does not match its schema: ${invalid}` };
  } else if (status >= 200 && status < 300 && type.startsWith('application/pdf') && !res.body.startsWith('%PDF-')) {
    return { status, problem: 'a PDF response that is no PDF' };
  }
  return { status };
}

const describeRoute = (req: FuzzRequest) =>
  `${req.who} ${req.method} ${req.url.slice(0, 300)} ${JSON.stringify(req.headers)} ${typeof req.payload === 'string' ? req.payload.slice(0, 400) : req.payload ? `<${req.payload.length} bytes>` : ''}`;


describe('fuzzing every API route', () => {
  it('reads the routes from the router', () => {
    expect(all.length).toBeGreaterThan(ONLY ? 0 : 100);
  });

  for (const route of all) {
    const runs = takesInput(route) ? RUNS : RUNS_WITHOUT_INPUT;
    it(`${route.method} ${route.url}`, { timeout: 300_000 }, async () => {
      const names = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
      const pools: Record<string, string[]> = {};
      for (const n of names) pools[n] = await poolFor(t, world, route.url, n);
      const avoid: Record<string, string[]> = {};
      if (/^\/api\/v1\/users\/:id/.test(route.url)) avoid.id = world.protectedUserIds.map(String);
      if (/^\/api\/v1\/contacts\/:id/.test(route.url)) avoid.id = world.protectedContactIds.map(String);
      const arb = requestArb(route, { principals: principalsFor(route), pools, avoid, bodyPool: await bodyPools(), inboundToken: INBOUND_TOKEN });
      const seed = (SEED + hash(`${route.method} ${route.url}`)) | 0;
      stats.routes++;
      if (takesInput(route)) stats.withInput++;
      await fc.assert(
        fc.asyncProperty(arb, async (req) => {
          const outcome = await probe(route, req);
          stats.requests++;
          stats.byStatus.set(outcome.status, (stats.byStatus.get(outcome.status) ?? 0) + 1);
          if (outcome.status < 300) stats.succeeded.add(`${route.method} ${route.url}`);
          if (outcome.problem) throw new Error(`${outcome.problem}\n  request: ${describeRoute(req)}`);
        }),
        { numRuns: runs, seed, endOnFailure: process.env.CASEBOOK_FUZZ_SHRINK !== '1' },
      );
      last = null;
      if (route.url !== '/api/v1/auth/login') await world.refresh();
    });
  }

});

// Sort and filter parameters take only their vocabulary: an enum from the route's schema, or a
// lookup (statuses, review states, priorities); anything else is a 400 that names the parameter.
const VOCABULARIES: Record<string, Record<string, () => Promise<string[]>>> = {
  '/api/v1/cases': {
    status: async () => (await sql<{ key: string }>`select key from statuses`.execute(t.db)).rows.map((r) => r.key),
    priority: async () => ['1', '2', '3', '4'],
  },
  '/api/v1/reviews': { state: async () => [...REVIEW_STATES] },
};

describe('sort and filter parameters accept only their allowed values', () => {
  const lists = routeSpecs(t.app).filter((r) => r.method === 'GET' && r.query.length && (!ONLY || `${r.method} ${r.url}`.includes(ONLY)));
  const cases: { route: RouteSpec; name: string; allowed: () => Promise<string[]> }[] = [];
  for (const route of lists) {
    for (const p of route.query) {
      const values = p.schema.enum ?? p.schema.anyOf?.flatMap((a) => a.enum ?? []);
      if (values?.length && !p.schema.anyOf) cases.push({ route, name: p.name, allowed: async () => values.map(String) });
      const vocabulary = VOCABULARIES[route.url]?.[p.name];
      if (vocabulary) cases.push({ route, name: p.name, allowed: vocabulary });
    }
  }

  it('finds the sort and filter parameters', () => {
    expect(cases.length).toBeGreaterThan(ONLY ? 0 : 15);
  });

  for (const { route, name, allowed } of cases) {
    it(`${route.method} ${route.url} ?${name}=`, async () => {
      const pools: Record<string, string[]> = {};
      for (const n of [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1])) pools[n] = await poolFor(t, world, route.url, n);
      const path = route.url.replace(/:([A-Za-z]+)/g, (_m, n: string) => encodeURIComponent(pools[n]?.[0] ?? '1'));
      const who = principalsFor(route).find((w) => w !== 'anonymous') ?? 'anonymous';
      const ok = await allowed();
      const namesParam = (body: string) => {
        const fields = (JSON.parse(body).error?.details?.fields ?? []) as { field: string }[];
        return fields.some((f) => f.field === `querystring.${name}` || f.field.startsWith(`querystring.${name}.`) || f.field === `query.${name}`);
      };
      // Every allowed value is accepted.
      for (const v of ok) {
        const res = await send({ who, method: 'GET', url: `${path}?${name}=${encodeURIComponent(v)}`, headers: {}, idempotencyKey: false });
        if (res.statusCode === 400) expect(namesParam(res.body), `${name}=${v} was refused: ${res.body}`).toBe(false);
        expect(res.statusCode).toBeLessThan(500);
      }
      // Anything else is refused, naming the parameter.
      const seed = (SEED + hash(`${route.url}?${name}`)) | 0;
      const wrong = fc
        .oneof(
          fc.string({ maxLength: 20 }),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
          fc.constantFrom(...ok).map((v) => v.toUpperCase() + 'X'),
          fc.constantFrom(...ok).map((v) => `${v};drop table cases`),
          fc.constantFrom(' ', '*', '%', '__proto__', 'constructor', 'null', '-1', '0', '5', '1e3', 'x'.repeat(600), "' or 1=1 --"),
        )
        // (lists are comma-separated; a list of nothing but commas and blanks is no filter at all)
        .filter((v) => !v.split(',').every((x) => ok.includes(x.trim()) || x.trim() === ''));
      await fc.assert(
        fc.asyncProperty(wrong, async (v) => {
          const res = await send({ who, method: 'GET', url: `${path}?${name}=${enc(v)}`, headers: {}, idempotencyKey: false });
          stats.requests++;
          if (res.statusCode !== 400 || !namesParam(res.body)) throw new Error(`${name}=${JSON.stringify(v)} → ${res.statusCode} ${res.body.slice(0, 300)}`);
        }),
        { numRuns: Math.max(25, Math.round(RUNS / 4)), seed },
      );
    });
  }
});

// Whatever the fuzzer's accepted requests configured (odd calendars, statuses, properties,
// templates), the instance must still do its everyday work afterwards: that is how the SLA
// calendar bug showed itself (every new case a 500 after a fuzzed calendar).
describe('after the fuzzing the instance still works', () => {
  it('an agent opens, works and resolves a case; a customer opens one on the portal; lists answer', async () => {
    const json = (payload: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload), idempotencyKey: false });
    await world.refresh();
    // Resolution codes are the admin's to configure (and the fuzzer configured them): use one.
    const codes = (await sql<{ value: string }>`select value from properties where key = 'cases.resolutionCodes'`.execute(t.db)).rows[0].value;
    const resolutionCode = codes.split(',').map((c) => c.trim()).find(Boolean) ?? 'solved';
    for (const priority of [1, 2, 3, 4]) {
      const created = await send({ who: 'agent', method: 'POST', url: '/api/v1/cases', ...json({ shortDescription: `After the fuzz P${priority}`, priority }) });
      expect(created.statusCode, created.body).toBe(201);
      const number = JSON.parse(created.body).number as string;
      const steps: [string, unknown][] = [
        ['start', {}],
        ['comments', { body: 'Looking into it', visibility: 'internal' }],
        ['resolve', { resolutionCode, resolutionNotes: 'Done', cancelOpenActivities: true }],
      ];
      for (const [action, body] of steps) {
        const res = await send({ who: 'agent', method: 'POST', url: `/api/v1/cases/${number}/${action}`, ...json(body) });
        expect(res.statusCode, `${action}: ${res.body}`).toBeLessThan(300);
      }
    }
    const portal = await send({ who: 'customer', method: 'POST', url: '/api/v1/portal/cases', ...json({ shortDescription: 'After the fuzz, from the portal' }) });
    expect(portal.statusCode, portal.body).toBe(201);
    for (const [who, url] of [['agent', '/api/v1/cases'], ['agent', '/api/v1/reviews'], ['agent', '/api/v1/articles'], ['customer', '/api/v1/portal/cases']] as const) {
      const res = await send({ who, method: 'GET', url, headers: {}, idempotencyKey: false });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
  });
});

// The counterexamples the fuzzer found, shrunk, kept as plain regression tests.
describe('regressions found by the fuzzer', () => {
  const error = (res: { statusCode: number; body: string }) => ({ status: res.statusCode, shape: errorShapeProblem(JSON.parse(res.body)) });

  it('a path with broken percent-encoding answers 400 in the API error shape', async () => {
    const res = await send({ who: 'admin', method: 'GET', url: '/api/v1/groups/%C0%AE', headers: {}, idempotencyKey: false });
    expect(error(res)).toEqual({ status: 400, shape: null });
    expect(JSON.parse(res.body).error.code).toBe('validation_failed');
  });

  it('a path parameter longer than the router allows answers 400 in the API error shape', async () => {
    const res = await send({ who: 'admin', method: 'PATCH', url: `/api/v1/contacts/${'a'.repeat(3000)}`, headers: { 'content-type': 'application/json' }, payload: '{}', idempotencyKey: false });
    expect(error(res)).toEqual({ status: 400, shape: null });
  });

  it('a multipart upload without a boundary, or cut off mid-part, is a 400 that stores nothing', async () => {
    const created = await send({ who: 'admin', method: 'POST', url: '/api/v1/cases', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ shortDescription: 'Upload target' }), idempotencyKey: false });
    expect(created.statusCode, created.body).toBe(201);
    const number = JSON.parse(created.body).number as string;
    for (const [type, payload] of [
      ['multipart/form-data', 'not multipart'],
      ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="file"; filename="cut.txt"\r\n\r\nno end'],
      ['multipart/form-data; boundary=b', 'garbage'],
    ]) {
      const before = await fingerprint(t.db, t.config.dataDir);
      const res = await send({ who: 'agent', method: 'POST', url: `/api/v1/cases/${number}/attachments`, headers: { 'content-type': type }, payload, idempotencyKey: false });
      expect(error(res)).toEqual({ status: 400, shape: null });
      expect(JSON.parse(res.body).error.message).toMatch(/multipart body cannot be read/);
      expect(changes(before, await fingerprint(t.db, t.config.dataDir))).toEqual([]);
    }
  });

  it('an id beyond what the database holds is a 400 naming the field, on PostgreSQL as on SQLite (was a 500 on PostgreSQL)', async () => {
    const path = await send({ who: 'agent', method: 'GET', url: '/api/v1/users/9007199254740991', headers: {}, idempotencyKey: false });
    expect(path.statusCode).toBe(400);
    expect(JSON.parse(path.body).error.details.fields).toEqual([{ field: 'params.id', message: expect.stringMatching(/not an id/) }]);
    const before = await fingerprint(t.db, t.config.dataDir);
    const body = await send({ who: 'admin', method: 'POST', url: '/api/v1/groups', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'Huge ids', memberIds: [2, 9007199254740991] }), idempotencyKey: false });
    expect(body.statusCode).toBe(400);
    expect(JSON.parse(body.body).error.details.fields).toEqual([{ field: 'body.memberIds.1', message: expect.stringMatching(/not an id/) }]);
    const query = await send({ who: 'admin', method: 'GET', url: '/api/v1/cases?accountId=2593652164864597', headers: {}, idempotencyKey: false });
    expect(JSON.parse(query.body).error.details.fields[0].field).toBe('query.accountId');
    expect(changes(before, await fingerprint(t.db, t.config.dataDir))).toEqual([]);
  });

  it('inbound mail with a From address or Message-ID longer than the columns hold is a 400 (was a 500 on PostgreSQL)', async () => {
    for (const head of [`From: ${'x'.repeat(400)}@example.test`, `From: someone@example.test\r\nMessage-ID: <${'m'.repeat(400)}@fuzz>`]) {
      const payload = [head, 'To: support@example.test', 'Subject: hello', 'Content-Type: text/plain', '', 'body'].join('\r\n');
      const res = await send({ who: 'anonymous', method: 'POST', url: '/api/v1/inbound/email', headers: { authorization: `Bearer ${INBOUND_TOKEN}`, 'content-type': 'message/rfc822' }, payload, idempotencyKey: false });
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body).error.message).toMatch(/longer than (320|300) characters/);
    }
  });

  it('a calendar with a minute of work a week under a long SLA target leaves cases without a deadline instead of failing them (was a 500 on every new case)', async () => {
    const json = (payload: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload), idempotencyKey: false });
    const tier = `horizon-${SEED & 0xffff}`;
    const calendar = await send({ who: 'admin', method: 'POST', url: '/api/v1/calendars', ...json({ name: `One minute a week ${tier}`, timezone: 'UTC', workingHours: { '1': [['09:00', '09:01']] } }) });
    expect(calendar.statusCode, calendar.body).toBe(201);
    const policy = await send({ who: 'admin', method: 'POST', url: '/api/v1/sla-policies', ...json({ name: `Far ${tier}`, priority: 4, accountTier: tier, calendarId: JSON.parse(calendar.body).id, firstResponseMinutes: 60, resolutionMinutes: 100_000 }) });
    expect(policy.statusCode, policy.body).toBe(201);
    const account = await send({ who: 'admin', method: 'POST', url: '/api/v1/accounts', ...json({ name: `Account ${tier}`, tier }) });
    const created = await send({ who: 'agent', method: 'POST', url: '/api/v1/cases', ...json({ shortDescription: 'Far away deadline', priority: 4, accountId: JSON.parse(account.body).id }) });
    expect(created.statusCode, created.body).toBe(201);
    expect(JSON.parse(created.body).resolutionDueAt).toBeNull();
    expect(JSON.parse(created.body).responseDueAt).toMatch(/^\d{4}-/); // 60 minutes of work: 60 weeks away, within reach
  });

  it('a whole-number property the clock cannot reach is a 400 (surveys.validDays = 10^21 made every resolve a 500)', async () => {
    const json = (payload: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload), idempotencyKey: false });
    for (const key of ['surveys.validDays', 'cases.autoCloseAfterDays', 'auth.lockoutMinutes']) {
      const res = await send({ who: 'admin', method: 'PATCH', url: `/api/v1/properties/${key}`, ...json({ value: 1e21 }) });
      expect(res.statusCode, `${key}: ${res.body}`).toBe(400);
      expect(JSON.parse(res.body).error.details.fields).toEqual([{ field: 'body.value', message: expect.stringMatching(/whole number from 0 to \d+/) }]);
    }
    const ok = await send({ who: 'admin', method: 'PATCH', url: '/api/v1/properties/surveys.validDays', ...json({ value: 3650 }) });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('a case list filtered by a status that does not exist is a 400 naming status, not an empty list', async () => {
    const res = await send({ who: 'agent', method: 'GET', url: '/api/v1/cases?status=new,bogus', headers: {}, idempotencyKey: false });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error.details.fields).toEqual([{ field: 'querystring.status', message: 'unknown status bogus' }]);
  });
});

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}
