import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { PERMISSIONS, registerAccessControl } from '../src/platform/access.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { makeCustomer, makeUser } from './helpers/factories.js';

// Reads every API route from the router and checks the declared access is enforced.

let t: TestApp;
let agent: string;
let customer: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = await (await makeUser(t)).cookie();
  customer = (await makeCustomer(t)).cookie;
});
afterAll(async () => t?.close());

const concrete = (url: string) => url.replace(/:id\b/g, '1').replace(/:key\b/g, 'email.from');

describe('authorization on every route', () => {
  it('the router knows our routes', () => {
    expect(t.app.apiRoutes.length).toBeGreaterThan(20);
  });

  it('anonymous callers get 401 on every non-public route', async () => {
    const failures: string[] = [];
    for (const r of t.app.apiRoutes.filter((r) => r.access !== 'public')) {
      const res = await t.call(r.method as 'GET', concrete(r.url), { as: null, body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
      if (res.statusCode !== 401) failures.push(`${r.method} ${r.url} → ${res.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  it('callers without the permission get 403 on every permission-guarded route', async () => {
    const failures: string[] = [];
    for (const r of t.app.apiRoutes) {
      if (r.access === 'public' || r.access === 'authenticated') continue;
      const allowed = PERMISSIONS[r.access] as readonly string[];
      for (const [who, cookie, role] of [['agent', agent, 'agent'], ['customer', customer, 'customer']] as const) {
        if (allowed.includes(role)) continue;
        const res = await t.call(r.method as 'GET', concrete(r.url), { as: cookie, body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
        if (res.statusCode !== 403) failures.push(`${who}: ${r.method} ${r.url} → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('a route that declares no access cannot be registered', () => {
    const app = Fastify();
    registerAccessControl(app);
    expect(() => app.get('/api/v1/forgotten', async () => 'oops')).toThrow(/declares no access/);
    expect(() => app.get('/api/v1/typo', { config: { access: 'users.mange' as never } }, async () => 'oops')).toThrow(/unknown permission/);
  });

  it('unknown API paths answer a JSON 404', async () => {
    const res = await t.call('GET', '/api/v1/nothing-here', { as: t.adminCookie });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});
