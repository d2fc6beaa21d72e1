import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

// One error type for the whole app; the handler below maps it to SPEC §10's shape once.

export type ErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid_transition'
  | 'stale_version'
  | 'too_large'
  | 'rule_violation'
  | 'idempotency_key_reused'
  | 'rate_limited'
  | 'locked'
  | 'csrf'
  | 'unsupported_media_type'
  | 'internal_error';

const statusOf: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  stale_version: 412,
  too_large: 413,
  unsupported_media_type: 415,
  rule_violation: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  locked: 423,
  csrf: 403,
  internal_error: 500,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = statusOf[code];
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError('validation_failed', message, details);
export const notFound = (what: string) => new AppError('not_found', `${what} was not found`);
export const forbidden = (message = 'You are not allowed to do this') => new AppError('forbidden', message);
export const conflict = (message: string, details?: unknown) => new AppError('conflict', message, details);
export const ruleViolation = (message: string, details?: unknown) => new AppError('rule_violation', message, details);

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const MALFORMED_MULTIPART = /^(Multipart: |Unexpected end of (form|multipart data)$|Malformed (part header|urlencoded form)$)/;

function body(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Installs the single error handler and the JSON 404 for unknown API routes. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      return reply.status(err.status).send(body(err.code, err.message, err.details));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'request';
      const fields = err.validation.map((v) => {
        const p = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
        const keys = (v.params as { keys?: string[] } | undefined)?.keys;
        // Unrecognized keys name the keys themselves, so the caller sees which field is unknown.
        if (v.keyword === 'unrecognized_keys' && keys?.length) {
          return { field: [where, p, keys.join(', ')].filter(Boolean).join('.'), message: 'unknown field' };
        }
        return { field: [where, p].filter(Boolean).join('.'), message: v.message ?? 'invalid' };
      });
      const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
      return reply.status(400).send(body('validation_failed', `Invalid ${where}: ${summary}`, { fields }));
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause?.issues }, 'response did not match its schema');
      return reply.status(500).send(body('internal_error', 'Internal server error'));
    }
    const status = err.statusCode ?? 500;
    if (status === 429) return reply.status(429).send(body('rate_limited', 'Too many requests; try again later'));
    if (status === 413) return reply.status(413).send(body('too_large', err.message || 'Request body is too large'));
    if (status === 415) return reply.status(415).send(body('unsupported_media_type', err.message));
    if (status >= 400 && status < 500) {
      const code = status === 404 ? 'not_found' : status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : 'validation_failed';
      return reply.status(status).send(body(code, err.message));
    }
    // PostgreSQL refuses a number its column cannot hold (numeric_value_out_of_range); ids are
    // guarded before validation (platform/id-guard.ts), this catches any other such number.
    if ((err as { code?: unknown }).code === '22003') {
      return reply.status(400).send(body('validation_failed', 'A number in the request is out of range'));
    }
    // The multipart parser throws plain errors for a body it cannot read (no boundary, a body that
    // ends mid-part): the sender's mistake, so 400 (found by the fuzzer, test/security/fuzz.test.ts).
    if (MALFORMED_MULTIPART.test(err.message ?? '')) {
      return reply.status(400).send(body('validation_failed', `The multipart body cannot be read: ${err.message}`, { fields: [{ field: 'body', message: 'malformed multipart/form-data' }] }));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(body('internal_error', 'Internal server error'));
  });
}

/** Maps a database unique-constraint violation to a 409 naming the field; rethrows anything else. */
export function rethrowUnique(err: unknown, field: string, message: string): never {
  const e = err as { code?: string; message?: string };
  const unique =
    e?.code === '23505' || // PostgreSQL unique_violation
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  if (unique) throw conflict(message, { field });
  throw err;
}
