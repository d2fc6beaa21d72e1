import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { DB, StatusesTable } from '../../db/schema.js';
import type { Principal } from '../../platform/access.js';
import { auditChanges } from '../../platform/audit.js';
import { clock } from '../../platform/clock.js';
import { assertVersion, staleVersion } from '../../platform/concurrency.js';
import { AppError, conflict, notFound, rethrowUnique } from '../../platform/errors.js';
import { text } from '../../platform/http.js';
import { auditCreate } from '../../platform/records.js';
import type { StatusFlags } from './case.workflow.js';

// The statuses lookup (SPEC §3.1). The seven system statuses keep their keys and flags (the
// workflow relies on them); admins rename them, reorder them, and add statuses of their own.

export const statusSchema = z.object({
  id: z.number(),
  key: z.string(),
  label: z.string(),
  pause: z.boolean(),
  resolved: z.boolean(),
  final: z.boolean(),
  closeFormOnSave: z.boolean(),
  sortOrder: z.number(),
  system: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type StatusDto = z.infer<typeof statusSchema>;
const flags = {
  pause: z.boolean().optional(),
  resolved: z.boolean().optional(),
  final: z.boolean().optional(),
  closeFormOnSave: z.boolean().optional(),
  sortOrder: z.number().int().min(0).max(10000).optional(),
};
export const createStatusBody = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{1,59}$/, 'must be lower_snake_case, 2–60 characters'),
  label: text(120),
  ...flags,
});
export const updateStatusBody = z.strictObject({ label: text(120).optional(), ...flags });
export const statusListQuery = z.strictObject({});

type Row = Selectable<StatusesTable>;
const toDto = (r: Row): StatusDto => ({
  id: r.id,
  key: r.key,
  label: r.label,
  pause: r.pause === 1,
  resolved: r.resolved === 1,
  final: r.final === 1,
  closeFormOnSave: r.close_form_on_save === 1,
  sortOrder: r.sort_order,
  system: r.system === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

export const toFlags = (r: Pick<Row, 'key' | 'pause' | 'resolved' | 'final'>): StatusFlags => ({
  key: r.key,
  pause: r.pause === 1,
  resolved: r.resolved === 1,
  final: r.final === 1,
});

export async function listStatuses(db: Kysely<DB>): Promise<StatusDto[]> {
  return (await db.selectFrom('statuses').selectAll().orderBy('sort_order').orderBy('id').execute()).map(toDto);
}

export async function getStatus(db: Kysely<DB>, id: number): Promise<StatusDto> {
  const row = await db.selectFrom('statuses').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Status ${id}`);
  return toDto(row);
}

/** The status row by key, for the workflow; throws if the key is unknown. */
export async function statusByKey(db: Kysely<DB>, key: string): Promise<Row> {
  const row = await db.selectFrom('statuses').selectAll().where('key', '=', key).executeTakeFirst();
  if (!row) throw notFound(`Status ${key}`);
  return row;
}

const flagValue = (v: boolean | undefined) => (v === undefined ? undefined : v ? 1 : 0);

export async function createStatus(db: Kysely<DB>, actor: Principal, input: z.infer<typeof createStatusBody>): Promise<StatusDto> {
  const id = await db
    .transaction()
    .execute(async (trx) => {
      const now = clock.nowIso();
      const values = {
        key: input.key,
        label: input.label,
        pause: input.pause ? 1 : 0,
        resolved: input.resolved || input.final ? (input.resolved ? 1 : 0) : 0,
        final: input.final ? 1 : 0,
        close_form_on_save: input.closeFormOnSave ? 1 : 0,
        sort_order: input.sortOrder ?? 100,
      };
      const row = await trx.insertInto('statuses').values({ ...values, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
      await auditCreate(trx, actor, 'status', row.id, values);
      return row.id;
    })
    .catch((err) => rethrowUnique(err, 'key', `A status with key ${input.key} already exists`));
  return getStatus(db, id);
}

export async function updateStatus(db: Kysely<DB>, actor: Principal, id: number, input: z.infer<typeof updateStatusBody>, expected: number | undefined) {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('statuses').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound(`Status ${id}`);
    assertVersion(expected, before.version);
    const changes: Record<string, number | string | undefined> = {
      label: input.label,
      pause: flagValue(input.pause),
      resolved: flagValue(input.resolved),
      final: flagValue(input.final),
      close_form_on_save: flagValue(input.closeFormOnSave),
      sort_order: input.sortOrder,
    };
    if (before.system === 1) {
      const locked = (['pause', 'resolved', 'final'] as const).filter((f) => changes[f] !== undefined && changes[f] !== before[f]);
      if (locked.length) throw conflict(`The flags of system status ${before.key} are fixed: ${locked.join(', ')}`, { field: locked[0] });
    }
    const changed = Object.fromEntries(Object.entries(changes).filter(([k, v]) => v !== undefined && v !== before[k as keyof Row]));
    if (Object.keys(changed).length === 0) return;
    const result = await trx
      .updateTable('statuses')
      .set({ ...changed, updated_at: clock.nowIso(), version: before.version + 1 })
      .where('id', '=', id)
      .where('version', '=', before.version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw staleVersion(before.version + 1);
    const old = Object.fromEntries(Object.keys(changed).map((k) => [k, before[k as keyof Row]]));
    await auditChanges(trx, actor, 'status', id, 'update', old, changed);
  });
  return getStatus(db, id);
}

/** Deletes an admin-made status that no case uses. */
export async function deleteStatus(db: Kysely<DB>, actor: Principal, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('statuses').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`Status ${id}`);
    if (row.system === 1) throw conflict(`System status ${row.key} cannot be deleted`);
    const used = await trx.selectFrom('cases').select('id').where('status', '=', row.key).limit(1).executeTakeFirst();
    if (used) throw new AppError('conflict', `Status ${row.key} is in use by cases and cannot be deleted`);
    await trx.deleteFrom('statuses').where('id', '=', id).execute();
    await auditChanges(trx, actor, 'status', id, 'delete', { key: row.key, label: row.label }, { key: null, label: null });
  });
}
