import type { FastifyRequest } from 'fastify';
import { AppError, badRequest } from './errors.js';

// Optimistic concurrency: a client sends back the version it read as If-Match ("3", W/"3" or 3).

/** The version the client expects, or undefined when it sent no If-Match. */
export function expectedVersion(request: FastifyRequest): number | undefined {
  const raw = request.headers['if-match'];
  if (raw === undefined || raw === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(String(raw));
  if (!m) throw badRequest('If-Match must be the version number of the record, e.g. "3"', { fields: [{ field: 'headers.if-match', message: 'not a version' }] });
  return Number(m[1]);
}

export function staleVersion(current: number): AppError {
  return new AppError('stale_version', `The record has changed since you read it (now version ${current}); reload and try again`, {
    currentVersion: current,
  });
}

/** Throws 412 when the client expected another version than the current one. */
export function assertVersion(expected: number | undefined, current: number): void {
  if (expected !== undefined && expected !== current) throw staleVersion(current);
}

export function etag(version: number): string {
  return `"${version}"`;
}
