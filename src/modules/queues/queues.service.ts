import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { whereAfter } from '../../db/sql.js';
import type { DB, QueuesTable } from '../../db/schema.js';
import type { Principal } from '../../platform/access.js';
import { clock } from '../../platform/clock.js';
import { AppError, badRequest, notFound, rethrowUnique } from '../../platform/errors.js';
import { text } from '../../platform/http.js';
import { decodeCursor, page } from '../../platform/pagination.js';
import { auditCreate, updateVersioned } from '../../platform/records.js';

// Queues (SPEC §3.3): members are users and/or groups; mode `any` lets a member pick any case,
// mode `next` hands out only the next one (highest priority, then oldest).

export const queueSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  mode: z.enum(['any', 'next']),
  processId: z.number().nullable(),
  memberIds: z.array(z.number()),
  groupIds: z.array(z.number()),
  active: z.boolean(),
  waitingCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type QueueDto = z.infer<typeof queueSchema>;
const ids = z.array(z.number().int().positive()).max(1000);
export const createQueueBody = z.strictObject({
  name: text(200),
  description: z.string().trim().max(2000).optional(),
  mode: z.enum(['any', 'next']),
  memberIds: ids.optional(),
  groupIds: ids.optional(),
  processId: z.number().int().positive().nullable().optional(),
  active: z.boolean().optional(),
});
export const updateQueueBody = z.strictObject({
  name: text(200).optional(),
  description: z.string().trim().max(2000).optional(),
  mode: z.enum(['any', 'next']).optional(),
  memberIds: ids.optional(),
  groupIds: ids.optional(),
  processId: z.number().int().positive().nullable().optional(),
  active: z.boolean().optional(),
});
export const queueListQuery = z.strictObject({
  mine: z.enum(['true', 'false']).optional(),
  active: z.enum(['true', 'false', 'all']).default('all'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

type Row = Selectable<QueuesTable>;

/** Statuses whose cases wait in a queue to be worked (not resolved, not final). */
export function workableStatuses(db: Kysely<DB>) {
  return db.selectFrom('statuses').select('key').where('resolved', '=', 0).where('final', '=', 0);
}

async function toDtos(db: Kysely<DB>, rows: Row[]): Promise<QueueDto[]> {
  const qids = rows.map((r) => r.id);
  if (qids.length === 0) return [];
  const [members, groups, waiting] = await Promise.all([
    db.selectFrom('queue_members').selectAll().where('queue_id', 'in', qids).orderBy('user_id').execute(),
    db.selectFrom('queue_groups').selectAll().where('queue_id', 'in', qids).orderBy('group_id').execute(),
    db
      .selectFrom('cases')
      .select(['queue_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('queue_id', 'in', qids)
      .where('assignee_id', 'is', null)
      .where('status', 'in', workableStatuses(db))
      .groupBy('queue_id')
      .execute(),
  ]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    mode: r.mode,
    processId: r.process_id,
    memberIds: members.filter((m) => m.queue_id === r.id).map((m) => m.user_id),
    groupIds: groups.filter((g) => g.queue_id === r.id).map((g) => g.group_id),
    active: r.active === 1,
    waitingCount: Number(waiting.find((w) => w.queue_id === r.id)?.n ?? 0),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  }));
}

export async function getQueue(db: Kysely<DB>, id: number): Promise<QueueDto> {
  const row = await db.selectFrom('queues').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Queue ${id}`);
  return (await toDtos(db, [row]))[0]!;
}

/** Queues the user belongs to, directly or through a group. */
export function memberQueueIds(db: Kysely<DB>, userId: number) {
  return db
    .selectFrom('queue_members')
    .select('queue_id')
    .where('user_id', '=', userId)
    .union(
      db
        .selectFrom('queue_groups')
        .innerJoin('group_members', 'group_members.group_id', 'queue_groups.group_id')
        .innerJoin('groups', 'groups.id', 'queue_groups.group_id')
        .select('queue_groups.queue_id')
        .where('group_members.user_id', '=', userId)
        .where('groups.active', '=', 1),
    );
}

export async function isQueueMember(db: Kysely<DB>, queueId: number, userId: number): Promise<boolean> {
  const rows = await memberQueueIds(db, userId).execute();
  return rows.some((r) => r.queue_id === queueId);
}

export async function listQueues(db: Kysely<DB>, principal: Principal, q: z.infer<typeof queueListQuery>) {
  let query = db.selectFrom('queues').selectAll();
  if (q.active !== 'all') query = query.where('active', '=', q.active === 'true' ? 1 : 0);
  if (q.mine === 'true') query = query.where('id', 'in', memberQueueIds(db, principal.id));
  const after = decodeCursor(q.cursor, 2);
  query = whereAfter(query, 'name', 'id', after);
  const rows = await query.orderBy('name').orderBy('id').limit(q.limit + 1).execute();
  const result = page(rows, q.limit, (r) => [r.name, r.id], (r) => r);
  return { items: await toDtos(db, result.items), nextCursor: result.nextCursor };
}

async function validateRefs(trx: Kysely<DB>, input: { memberIds?: number[]; groupIds?: number[]; processId?: number | null }) {
  const missing = async (table: 'users' | 'groups', list: number[] | undefined) => {
    if (!list?.length) return [];
    const found = new Set((await trx.selectFrom(table).select('id').where('id', 'in', list).execute()).map((r) => r.id));
    return list.filter((i) => !found.has(i));
  };
  const fields: { field: string; message: string }[] = [];
  const mu = await missing('users', input.memberIds);
  if (mu.length) fields.push({ field: 'body.memberIds', message: `unknown users ${mu.join(', ')}` });
  const mg = await missing('groups', input.groupIds);
  if (mg.length) fields.push({ field: 'body.groupIds', message: `unknown groups ${mg.join(', ')}` });
  if (input.processId && !(await trx.selectFrom('processes').select('id').where('id', '=', input.processId).executeTakeFirst())) {
    fields.push({ field: 'body.processId', message: 'no such process' });
  }
  if (fields.length) throw badRequest(fields.map((f) => `${f.field}: ${f.message}`).join('; '), { fields });
}

const sortedUnique = (list: number[]) => [...new Set(list)].sort((a, b) => a - b);

async function replaceLinks(trx: Kysely<DB>, queueId: number, memberIds: number[] | undefined, groupIds: number[] | undefined) {
  if (memberIds) {
    await trx.deleteFrom('queue_members').where('queue_id', '=', queueId).execute();
    if (memberIds.length) await trx.insertInto('queue_members').values(memberIds.map((user_id) => ({ queue_id: queueId, user_id }))).execute();
  }
  if (groupIds) {
    await trx.deleteFrom('queue_groups').where('queue_id', '=', queueId).execute();
    if (groupIds.length) await trx.insertInto('queue_groups').values(groupIds.map((group_id) => ({ queue_id: queueId, group_id }))).execute();
  }
}

export async function createQueue(db: Kysely<DB>, actor: Principal | { type: 'system' }, input: z.infer<typeof createQueueBody>): Promise<QueueDto> {
  const memberIds = sortedUnique(input.memberIds ?? []);
  const groupIds = sortedUnique(input.groupIds ?? []);
  const id = await db
    .transaction()
    .execute(async (trx) => {
      await validateRefs(trx, input);
      const now = clock.nowIso();
      const values = { name: input.name, description: input.description ?? '', mode: input.mode, process_id: input.processId ?? null, active: input.active === false ? 0 : 1 };
      const row = await trx.insertInto('queues').values({ ...values, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
      await replaceLinks(trx, row.id, memberIds, groupIds);
      await auditCreate(trx, actor, 'queue', row.id, { ...values, memberIds, groupIds });
      return row.id;
    })
    .catch((err) => {
      if (err instanceof AppError) throw err;
      rethrowUnique(err, 'name', `A queue named ${input.name} already exists`);
    });
  return getQueue(db, id);
}

export async function updateQueue(db: Kysely<DB>, actor: Principal, id: number, input: z.infer<typeof updateQueueBody>, expected: number | undefined) {
  await db
    .transaction()
    .execute(async (trx) => {
      const before = await trx.selectFrom('queues').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw notFound(`Queue ${id}`);
      await validateRefs(trx, input);
      const old = (await toDtos(trx, [before]))[0]!;
      const memberIds = input.memberIds ? sortedUnique(input.memberIds) : undefined;
      const groupIds = input.groupIds ? sortedUnique(input.groupIds) : undefined;
      const extraBefore: Record<string, unknown> = {};
      const extraAfter: Record<string, unknown> = {};
      if (memberIds && memberIds.join() !== old.memberIds.join()) [extraBefore.memberIds, extraAfter.memberIds] = [old.memberIds, memberIds];
      if (groupIds && groupIds.join() !== old.groupIds.join()) [extraBefore.groupIds, extraAfter.groupIds] = [old.groupIds, groupIds];
      const touch = Object.keys(extraAfter).length > 0;
      await updateVersioned(trx, {
        table: 'queues',
        entity: 'queue',
        before,
        changes: {
          name: input.name,
          description: input.description,
          mode: input.mode,
          process_id: input.processId,
          active: input.active === undefined ? undefined : input.active ? 1 : 0,
        },
        expected,
        actor,
        touch,
        extraAudit: touch ? { before: extraBefore, after: extraAfter } : undefined,
      });
      await replaceLinks(trx, id, extraAfter.memberIds ? memberIds : undefined, extraAfter.groupIds ? groupIds : undefined);
    })
    .catch((err) => {
      if (err instanceof AppError) throw err;
      rethrowUnique(err, 'name', `A queue named ${input.name} already exists`);
    });
  return getQueue(db, id);
}
