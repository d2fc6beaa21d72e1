import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { AppError, badRequest } from './errors.js';
import { clock } from './clock.js';

// Idempotency-Key on POST: the first request's response is stored under (caller, key); a retry
// gets that response again, the same key with another body gets 422, and a retry while the
// first is still running gets 409.

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyRowId?: number;
  }
}

const RETENTION_MS = 24 * 60 * 60 * 1000;

function callerKey(request: { principal: { type: string; id: number } | null; ip: string }): string {
  return request.principal ? `${request.principal.type}:${request.principal.id}` : `anon:${request.ip}`;
}

export function registerIdempotency(app: FastifyInstance, db: Kysely<DB>): void {
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || !request.routeOptions.config?.access) return;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || key.length < 1 || key.length > 200) {
      throw badRequest('Idempotency-Key must be 1–200 characters', { fields: [{ field: 'headers.idempotency-key', message: 'invalid' }] });
    }
    const principal = callerKey(request);
    const bodyText = String(request.headers['content-type'] ?? '').startsWith('multipart/') ? `multipart:${request.headers['content-length'] ?? ''}` : JSON.stringify(request.body ?? null);
    const hash = createHash('sha256').update(`${request.method} ${request.url}\n${bodyText}`).digest('hex');

    const existing = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('principal', '=', principal)
      .where('idem_key', '=', key)
      .executeTakeFirst();
    if (existing) {
      if (existing.request_hash !== hash) {
        throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used for a different request', { idempotencyKey: key });
      }
      if (existing.status_code === null) {
        throw new AppError('conflict', 'A request with this Idempotency-Key is still being processed');
      }
      reply.header('idempotent-replayed', 'true');
      reply.type('application/json; charset=utf-8').status(existing.status_code);
      return reply.send(existing.response_body);
    }
    try {
      const row = await db
        .insertInto('idempotency_keys')
        .values({ principal, idem_key: key, method: request.method, path: request.url, request_hash: hash, created_at: clock.nowIso() })
        .returning('id')
        .executeTakeFirstOrThrow();
      request.idempotencyRowId = row.id;
    } catch {
      // A concurrent request with the same key inserted first.
      throw new AppError('conflict', 'A request with this Idempotency-Key is still being processed');
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const id = request.idempotencyRowId;
    if (id === undefined) return payload;
    request.idempotencyRowId = undefined;
    if (reply.statusCode >= 500 || reply.statusCode === 429 || typeof payload !== 'string') {
      // Nothing durable happened (or we cannot replay it): let the client retry for real.
      await db.deleteFrom('idempotency_keys').where('id', '=', id).execute();
    } else {
      await db.updateTable('idempotency_keys').set({ status_code: reply.statusCode, response_body: payload }).where('id', '=', id).execute();
    }
    return payload;
  });
}

/** Drops stored responses older than a day. */
export async function pruneIdempotencyKeys(db: Kysely<DB>): Promise<void> {
  const before = new Date(clock.now().getTime() - RETENTION_MS).toISOString();
  await db.deleteFrom('idempotency_keys').where('created_at', '<', before).execute();
}
