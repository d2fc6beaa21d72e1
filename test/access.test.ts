import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { registerAccessControl } from '../src/platform/access.js';
import { startTestApp, type TestApp } from './helpers/app.js';

// The registration rules of access control. What every route answers to every principal (401,
// 403, 404 for foreign records, and the allowed cells) is test/security/authorization-matrix.test.ts,
// against the policy table in test/security/policy.ts.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('access control', () => {
  it('the router knows our routes, each with its declared access', () => {
    expect(t.app.apiRoutes.length).toBeGreaterThan(20);
    expect(t.app.apiRoutes.every((r) => typeof r.access === 'string' && r.access.length > 0)).toBe(true);
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
