import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ControlledTransaction, Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { AppError, badRequest } from './errors.js';
import { clock } from './clock.js';

// Idempotency-Key on POST: the first request's response is stored under (caller, key); a retry
// gets that response again, and the same key with another body gets 422.
//
// A keyed request runs inside one database transaction that holds its key row, every change the
// handler makes (each service transaction becomes a savepoint of it) and the stored response, and
// commits just before the response leaves. So a crash (kill -9) at any point leaves either all of
// it — a retry replays the original response — or none of it — a retry performs the change once.
// A retry that arrives while the first attempt still runs waits for it (PostgreSQL: the key's
// unique index; SQLite: the single writer) and then replays its answer.

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyScope?: RequestScope;
  }
}

interface RequestScope {
  trx: ControlledTransaction<DB>;
  rowId: number;
  savepoints: number;
  done: boolean;
}

const RETENTION_MS = 24 * 60 * 60 * 1000;
const scopes = new AsyncLocalStorage<RequestScope>();

function callerKey(request: { principal: { type: string; id: number } | null; ip: string }): string {
  return request.principal ? `${request.principal.type}:${request.principal.id}` : `anon:${request.ip}`;
}

/**
 * The database as the app's routes see it: inside a keyed request every query runs in that
 * request's transaction and `transaction().execute(fn)` runs fn in a savepoint of it; elsewhere
 * it is the database itself.
 */
export function requestScopedDatabase(db: Kysely<DB>): Kysely<DB> {
  return new Proxy(db, {
    get(target, prop) {
      const scope = scopes.getStore();
      if (!scope || scope.done) {
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      if (prop === 'transaction') return () => savepointBuilder(scope);
      const v = Reflect.get(scope.trx, prop, scope.trx);
      return typeof v === 'function' ? v.bind(scope.trx) : v;
    },
  });
}

function savepointBuilder(scope: RequestScope) {
  const builder = {
    setIsolationLevel: () => builder,
    setAccessMode: () => builder,
    async execute<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
      const name = `request_sp_${++scope.savepoints}`;
      const sp = await scope.trx.savepoint(name).execute();
      let result: T;
      try {
        result = await fn(sp as unknown as Transaction<DB>);
      } catch (err) {
        await sp.rollbackToSavepoint(name).execute();
        throw err;
      }
      await sp.releaseSavepoint(name).execute();
      return result;
    },
  };
  return builder;
}

const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || /UNIQUE constraint failed/i.test(e.message ?? '');
};

export function registerIdempotency(app: FastifyInstance, db: Kysely<DB>): void {
  // The handler of a keyed request runs with the request's transaction in scope.
  app.addHook('onRoute', (route) => {
    if (![route.method].flat().includes('POST')) return;
    const handler = route.handler;
    route.handler = function (this: unknown, request, reply) {
      const scope = request.idempotencyScope;
      return scope ? scopes.run(scope, () => handler.call(this as never, request, reply)) : handler.call(this as never, request, reply);
    } as typeof route.handler;
  });

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
    const stored = () => db.selectFrom('idempotency_keys').selectAll().where('principal', '=', principal).where('idem_key', '=', key).executeTakeFirst();
    const replay = (existing: NonNullable<Awaited<ReturnType<typeof stored>>>) => {
      if (existing.request_hash !== hash) {
        throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used for a different request', { idempotencyKey: key });
      }
      if (existing.status_code === null) throw new AppError('conflict', 'A request with this Idempotency-Key is still being processed');
      reply.header('idempotent-replayed', 'true');
      reply.type('application/json; charset=utf-8').status(existing.status_code);
      return reply.send(existing.response_body);
    };

    const trx = await db.startTransaction().execute();
    let rowId: number;
    try {
      const existing = await trx.selectFrom('idempotency_keys').selectAll().where('principal', '=', principal).where('idem_key', '=', key).executeTakeFirst();
      if (existing) {
        await trx.rollback().execute();
        return replay(existing);
      }
      // PostgreSQL: a concurrent first attempt holds this key's index entry; the insert waits
      // for it to finish, then fails (it committed: replay it) or proceeds (it rolled back).
      rowId = (
        await trx
          .insertInto('idempotency_keys')
          .values({ principal, idem_key: key, method: request.method, path: request.url, request_hash: hash, created_at: clock.nowIso() })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    } catch (err) {
      if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute();
      if (!isUniqueViolation(err)) throw err;
      const existing = await stored();
      if (!existing) throw new AppError('conflict', 'A request with this Idempotency-Key is still being processed');
      return replay(existing);
    }
    request.idempotencyScope = { trx, rowId, savepoints: 0, done: false };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const scope = request.idempotencyScope;
    if (!scope || scope.done) return payload;
    scope.done = true;
    request.idempotencyScope = undefined;
    if (reply.statusCode >= 500 || reply.statusCode === 429 || typeof payload !== 'string') {
      // Nothing durable may stay (or we cannot replay it): let the client retry for real.
      await scope.trx.rollback().execute();
      return payload;
    }
    await scope.trx.updateTable('idempotency_keys').set({ status_code: reply.statusCode, response_body: payload }).where('id', '=', scope.rowId).execute();
    await scope.trx.commit().execute();
    return payload;
  });

  // A request that ended without a response (aborted) gives its transaction back.
  app.addHook('onResponse', async (request) => {
    const scope = request.idempotencyScope;
    if (!scope || scope.done) return;
    scope.done = true;
    request.idempotencyScope = undefined;
    await scope.trx.rollback().execute();
  });
}

/** Drops stored responses older than a day. */
export async function pruneIdempotencyKeys(db: Kysely<DB>): Promise<void> {
  const before = new Date(clock.now().getTime() - RETENTION_MS).toISOString();
  await db.deleteFrom('idempotency_keys').where('created_at', '<', before).execute();
}
