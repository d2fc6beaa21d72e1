import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.js';

// Record ids are 32-bit integers in the database (PostgreSQL `integer`, the same on SQLite), while
// JSON and the schemas take any safe integer. An id beyond that range names no record, but on
// PostgreSQL the query itself fails ("value out of range for type integer") — a 500 the route
// fuzzer found on forty routes. Every path parameter, query parameter and body field that is an id
// (`id`, `…Id`, `…Ids`) is checked once, before validation, and answers 400 naming the field, the
// same on both databases.

export const MAX_ID = 2_147_483_647;

const ID_NAME = /^(id|.+Id|.+Ids)$/;

function tooLarge(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) > MAX_ID;
  if (typeof value === 'string') return /^\s*[+-]?\d+\s*$/.test(value) && Math.abs(Number(value)) > MAX_ID;
  return false;
}

/** The paths (`body.assigneeId`, `params.id`, `body.memberIds.2`) holding an id beyond MAX_ID. */
export function findHugeIds(value: unknown, where: string, out: string[] = [], depth = 0): string[] {
  if (depth > 32 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return out;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (ID_NAME.test(k)) {
      if (Array.isArray(v)) v.forEach((x, i) => tooLarge(x) && out.push(`${where}.${k}.${i}`));
      else if (tooLarge(v)) out.push(`${where}.${k}`);
    }
    if (typeof v === 'object') findHugeIds(v, `${where}.${k}`, out, depth + 1);
  }
  return out;
}

export function registerIdGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const fields = [...findHugeIds(request.params, 'params'), ...findHugeIds(request.query, 'query'), ...findHugeIds(request.body, 'body')];
    if (fields.length) {
      const message = `is not an id (ids are whole numbers up to ${MAX_ID})`;
      throw badRequest(`${fields.join(', ')}: ${message}`, { fields: fields.map((field) => ({ field, message })) });
    }
  });
}
