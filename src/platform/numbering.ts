import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export type Sequence = 'case' | 'review' | 'article';

/**
 * Takes the next record number (CS0001001 …) inside the caller's transaction. The increment
 * locks the sequence row until commit, and rolls back with the transaction, so numbers stay
 * unique and gapless under concurrent creation on both databases.
 */
export async function nextNumber(trx: Kysely<DB>, sequence: Sequence): Promise<string> {
  const row = await trx
    .updateTable('number_sequences')
    .set((eb) => ({ next_value: eb('next_value', '+', 1) }))
    .where('name', '=', sequence)
    .returning(['prefix', 'next_value'])
    .executeTakeFirstOrThrow();
  return formatNumber(row.prefix, row.next_value - 1);
}

export function formatNumber(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(7, '0')}`;
}
