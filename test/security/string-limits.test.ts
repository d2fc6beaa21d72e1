import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

// Every string a client can send has a maximum length: the OpenAPI document (built from the
// routes' own zod schemas) is walked, and any request string without maxLength fails the suite.
// Enums, constants and format-checked strings (date-time, email, uuid, …) are bounded by shape.

type Schema = Record<string, any>;

const BOUNDED_FORMATS = new Set(['date-time', 'date', 'time', 'email', 'uuid', 'uri', 'ipv4', 'ipv6', 'int64', 'int32']);

function unboundedStrings(schema: Schema | undefined, where: string, out: string[], seen = new Set<Schema>()): void {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) for (const [i, s] of (schema[key] ?? []).entries()) unboundedStrings(s, `${where}|${key}${i}`, out, seen);
  if (schema.not) return;
  const types = [schema.type].flat();
  if (types.includes('string')) {
    const bounded = schema.maxLength !== undefined || schema.enum !== undefined || schema.const !== undefined || BOUNDED_FORMATS.has(schema.format) || (schema.pattern && /^\^.*\$$/.test(schema.pattern) && !/[*+]|\{\d+,\}/.test(schema.pattern));
    if (!bounded) out.push(where);
  }
  if (schema.properties) for (const [k, s] of Object.entries(schema.properties)) unboundedStrings(s as Schema, `${where}.${k}`, out, seen);
  if (schema.items) unboundedStrings(schema.items, `${where}[]`, out, seen);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') unboundedStrings(schema.additionalProperties, `${where}.*`, out, seen);
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('maximum lengths on every request string', () => {
  it('the OpenAPI document has a maxLength (or an enum / format) on each request string property and query parameter', () => {
    const doc = t.app.swagger() as unknown as { paths: Record<string, Record<string, Schema>> };
    const problems: string[] = [];
    let operations = 0;
    let inputs = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op || typeof op !== 'object' || !('responses' in op)) continue;
        operations++;
        for (const p of (op.parameters ?? []) as Schema[]) {
          inputs++;
          unboundedStrings(p.schema, `${method.toUpperCase()} ${path} ${p.in}:${p.name}`, problems);
        }
        for (const [type, media] of Object.entries((op.requestBody?.content ?? {}) as Record<string, Schema>)) {
          inputs++;
          unboundedStrings(media.schema, `${method.toUpperCase()} ${path} body(${type})`, problems);
        }
      }
    }
    console.log(`string-limits: ${operations} operations, ${inputs} parameter/body schemas walked, ${problems.length} unbounded strings`);
    expect(operations).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });
});

describe('the limits are enforced with a 400 naming the field', () => {
  it.each([
    ['POST', '/api/v1/cases', { shortDescription: 'x'.repeat(5000) }, 'body.shortDescription'],
    ['POST', '/api/v1/accounts', { name: 'x'.repeat(201) }, 'body.name'],
    ['GET', `/api/v1/cases/CS${'1'.repeat(30)}`, undefined, 'params.number'],
  ] as const)('%s %s', async (method, url, body, field) => {
    const before = await t.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await t.call(method, url, { as: t.adminCookie, body });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    const after = await t.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('an If-Match header longer than 100 characters is refused', async () => {
    const account = (await t.call('POST', '/api/v1/accounts', { as: t.adminCookie, body: { name: 'Limits Ltd' } })).json();
    const res = await t.call('PATCH', `/api/v1/accounts/${account.id}`, { as: t.adminCookie, body: { name: 'Other' }, headers: { 'if-match': `"${'1'.repeat(200)}"` } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/if-match/);
  });
});
