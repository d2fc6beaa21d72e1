import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { z } from 'zod';
import { installErrorHandler } from '../src/platform/errors.js';
import { nextNumber } from '../src/platform/numbering.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { testDialect } from './helpers/database.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe(`record numbers (${testDialect})`, () => {
  it('20 concurrent creations get 20 distinct consecutive numbers', async () => {
    const numbers = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.db.transaction().execute(async (trx) => {
          const n = await nextNumber(trx, 'case');
          // Keep the transaction open a little so the creations really overlap.
          await new Promise((r) => setTimeout(r, 5));
          return n;
        }),
      ),
    );
    const sorted = [...numbers].sort();
    expect(new Set(numbers).size).toBe(20);
    expect(sorted[0]).toBe('CS0001001');
    expect(sorted).toEqual(Array.from({ length: 20 }, (_, i) => `CS${String(1001 + i).padStart(7, '0')}`));
  });

  it('a rolled-back creation leaves no gap', async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await nextNumber(trx, 'review');
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    const n = await t.db.transaction().execute((trx) => nextNumber(trx, 'review'));
    expect(n).toBe('PCR0001001');
  });
});

describe('Idempotency-Key on POST', () => {
  const body = { name: 'Idempotent Industries' };
  it('a retry returns the first response and creates nothing new', async () => {
    const headers = { 'idempotency-key': 'create-account-1' };
    const first = await t.call('POST', '/api/v1/accounts', { as: t.adminCookie, headers, body });
    const retry = await t.call('POST', '/api/v1/accounts', { as: t.adminCookie, headers, body });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const all = (await t.call('GET', '/api/v1/accounts?q=Idempotent', { as: t.adminCookie })).json().items;
    expect(all).toHaveLength(1);
  });

  it('the same key with another body is refused with 422', async () => {
    const headers = { 'idempotency-key': 'create-account-2' };
    await t.call('POST', '/api/v1/accounts', { as: t.adminCookie, headers, body: { name: 'First Body' } });
    const other = await t.call('POST', '/api/v1/accounts', { as: t.adminCookie, headers, body: { name: 'Second Body' } });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('idempotency_key_reused');
    expect((await t.call('GET', '/api/v1/accounts?q=Second Body', { as: t.adminCookie })).json().items).toEqual([]);
  });

  it('keys belong to the caller: another user with the same key is a new request', async () => {
    const headers = { 'idempotency-key': 'shared-key' };
    const res1 = await t.call('POST', '/api/v1/me/tokens', { as: t.adminCookie, headers, body: { name: 't' } });
    const other = await t.call('POST', '/api/v1/users', { as: t.adminCookie, body: { email: 'second-admin@example.test', name: 'Second', roles: ['admin'], password: 'second-admin-password' } });
    const cookie2 = await t.login(other.json().email, 'second-admin-password');
    const res2 = await t.call('POST', '/api/v1/me/tokens', { as: cookie2, headers, body: { name: 't' } });
    expect(res2.json().token).not.toBe(res1.json().token);
  });
});

describe('errors and documents', () => {
  it('5xx answers hide internals', async () => {
    const app = Fastify({ logger: false });
    installErrorHandler(app);
    app.get('/api/v1/explode', async () => {
      throw new Error('secret database detail');
    });
    const res = await app.inject({ method: 'GET', url: '/api/v1/explode' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal_error', message: 'Internal server error' } });
  });

  it('malformed JSON is a 400 in the error shape', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: { cookie: t.adminCookie, 'content-type': 'application/json' }, payload: '{"name": ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
  });

  it('serves the OpenAPI document with every API route and no secret fields', async () => {
    const res = await t.call('GET', '/api/docs');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const r of t.app.apiRoutes.filter((r) => !r.url.startsWith('/api/docs'))) {
      const p = r.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[p]?.[r.method.toLowerCase()], `${r.method} ${p}`).toBeDefined();
    }
    expect(JSON.stringify(doc.paths['/api/v1/users'].get.responses)).not.toMatch(/passwordHash|password_hash/);
  });

  it('timestamps come back as ISO-8601 UTC strings', async () => {
    const res = await t.call('POST', '/api/v1/accounts', { as: t.adminCookie, body: { name: 'Clockwork' } });
    const { createdAt, updatedAt } = res.json();
    expect(createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(z.iso.datetime().safeParse(updatedAt).success).toBe(true);
  });
});
