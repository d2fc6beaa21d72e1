import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.js';

// NUL is never text: PostgreSQL cannot store it in a text column (the write would fail with a
// 500) and SQLite would keep a string other tools cut short. Every JSON body, query string and
// path parameter is checked once, before validation, and a NUL answers 400 naming the field —
// the same on both databases.

const NUL = '\u0000';

/** The paths (`body.a.b`, `query.q`) whose strings hold a NUL. */
export function findNul(value: unknown, where: string, out: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') {
    if (value.includes(NUL)) out.push(where);
  } else if (depth <= 32 && value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k.includes(NUL)) out.push(`${where}.${k.replace(/\u0000/g, '\\0')}`);
      else findNul(v, `${where}.${k}`, out, depth + 1);
    }
  }
  return out;
}

export function registerTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const fields = [...findNul(request.params, 'params'), ...findNul(request.query, 'query'), ...findNul(request.body, 'body')];
    if (fields.length) {
      const message = 'must not contain NUL characters';
      throw badRequest(`${fields.join(', ')}: ${message}`, { fields: fields.map((field) => ({ field, message })) });
    }
  });
}

/** Text from outside (mail) without NUL characters, for storing. */
export const withoutNul = (s: string): string => s.replace(/\u0000/g, '');

/**
 * Text without explicit direction controls (embeddings, overrides, isolates: U+202A–U+202E,
 * U+2066–U+2069), for one-line headers and documents, so "invoice\u202Egpj.exe" cannot pose as
 * "invoiceexe.jpg". Right-to-left scripts still read right to left (that needs no controls).
 */
export const withoutBidiControls = (s: string): string => s.replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
