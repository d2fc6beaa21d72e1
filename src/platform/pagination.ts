import { z } from 'zod';
import { badRequest } from './errors.js';

// Keyset pagination: the cursor is the sort key of the last row sent, opaque to clients.

export type CursorValue = string | number | null;

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): CursorValue[] | null {
  if (!cursor) return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => v === null || typeof v === 'string' || typeof v === 'number')
    ) {
      return values as CursorValue[];
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest('query.cursor: not a cursor this list handed out', { fields: [{ field: 'query.cursor', message: 'invalid cursor' }] });
}

export const listQuery = {
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

/** Cuts a page of limit+1 rows to limit and builds the cursor of the next page. */
export function page<Row, Item>(
  rows: Row[],
  limit: number,
  key: (row: Row) => CursorValue[],
  map: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return {
    items: kept.map(map),
    nextCursor: more && kept.length ? encodeCursor(key(kept[kept.length - 1]!)) : null,
  };
}
