import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { whereAfter } from '../../db/sql.js';
import type { DB, ProcessesTable, ProcessStagesTable } from '../../db/schema.js';
import type { Principal } from '../../platform/access.js';
import { clock } from '../../platform/clock.js';
import { AppError, notFound, rethrowUnique } from '../../platform/errors.js';
import { text } from '../../platform/http.js';
import { decodeCursor, page } from '../../platform/pagination.js';
import { auditCreate, updateVersioned } from '../../platform/records.js';

// Guided business processes (SPEC §3.2): ordered stages, each naming the case fields it requires.

/** Case fields a stage may require. */
export const STAGE_FIELDS = [
  'shortDescription',
  'description',
  'accountId',
  'contactId',
  'product',
  'assetIds',
  'priority',
  'category',
  'assigneeId',
  'assignmentGroupId',
  'queueId',
  'resolutionCode',
  'cause',
  'resolutionNotes',
] as const;
export type StageField = (typeof STAGE_FIELDS)[number];

const stageSchema = z.object({ key: z.string(), name: z.string(), requiredFields: z.array(z.enum(STAGE_FIELDS)) });
export const processSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  isDefault: z.boolean(),
  active: z.boolean(),
  stages: z.array(stageSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type ProcessDto = z.infer<typeof processSchema>;
export type Stage = z.infer<typeof stageSchema>;

const stageInput = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,59}$/, 'must be lower_snake_case'),
  name: text(120),
  requiredFields: z.array(z.enum(STAGE_FIELDS)).max(STAGE_FIELDS.length).default([]),
});
const stages = z
  .array(stageInput)
  .min(1, 'a process needs at least one stage')
  .max(20)
  .refine((s) => new Set(s.map((x) => x.key)).size === s.length, 'stage keys must be unique');
export const createProcessBody = z.strictObject({
  name: text(200),
  description: z.string().trim().max(2000).optional(),
  isDefault: z.boolean().optional(),
  active: z.boolean().optional(),
  stages,
});
export const updateProcessBody = z.strictObject({
  name: text(200).optional(),
  description: z.string().trim().max(2000).optional(),
  isDefault: z.boolean().optional(),
  active: z.boolean().optional(),
  stages: stages.optional(),
});
export const processListQuery = z.strictObject({
  active: z.enum(['true', 'false', 'all']).default('all'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

type Row = Selectable<ProcessesTable>;
type StageRow = Selectable<ProcessStagesTable>;

const stageDto = (s: StageRow): Stage => ({ key: s.key, name: s.name, requiredFields: JSON.parse(s.required_fields) as StageField[] });

async function toDtos(db: Kysely<DB>, rows: Row[]): Promise<ProcessDto[]> {
  const ids = rows.map((r) => r.id);
  const stageRows = ids.length ? await db.selectFrom('process_stages').selectAll().where('process_id', 'in', ids).orderBy('position').execute() : [];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    isDefault: r.is_default === 1,
    active: r.active === 1,
    stages: stageRows.filter((s) => s.process_id === r.id).map(stageDto),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  }));
}

export async function getProcess(db: Kysely<DB>, id: number): Promise<ProcessDto> {
  const row = await db.selectFrom('processes').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Process ${id}`);
  return (await toDtos(db, [row]))[0]!;
}

export async function listProcesses(db: Kysely<DB>, q: z.infer<typeof processListQuery>) {
  let query = db.selectFrom('processes').selectAll();
  if (q.active !== 'all') query = query.where('active', '=', q.active === 'true' ? 1 : 0);
  const after = decodeCursor(q.cursor, 2);
  query = whereAfter(query, 'name', 'id', after);
  const rows = await query.orderBy('name').orderBy('id').limit(q.limit + 1).execute();
  const result = page(rows, q.limit, (r) => [r.name, r.id], (r) => r);
  return { items: await toDtos(db, result.items), nextCursor: result.nextCursor };
}

// Every case create and case read needs its process's stages; processes change rarely, so they
// are cached for a few seconds. This instance drops the cache on its own edits; other instances
// (several app servers on one PostgreSQL) see an edit within CACHE_MS.
const CACHE_MS = 10_000;
// One cache per database (a transaction shares its database's adapter object).
const caches = new WeakMap<object, Map<number | 'default', { at: number; value: ProcessDto | null }>>();
const cacheOf = (db: Kysely<DB>) => {
  const key = db.getExecutor().adapter;
  let c = caches.get(key);
  if (!c) caches.set(key, (c = new Map()));
  return c;
};

async function cached(db: Kysely<DB>, key: number | 'default', load: () => Promise<ProcessDto | null>): Promise<ProcessDto | null> {
  const cache = cacheOf(db);
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const value = await load();
  cache.set(key, { at: Date.now(), value });
  return value;
}

/** A process's stages for case work (cached briefly). */
export async function stagesOf(db: Kysely<DB>, processId: number): Promise<Stage[]> {
  return (await cached(db, processId, () => getProcess(db, processId).catch(() => null)))?.stages ?? [];
}

/** The process a new case follows: its queue's process, else the default one. */
export async function processForQueue(db: Kysely<DB>, queueId: number | null): Promise<ProcessDto | null> {
  if (queueId) {
    const q = await db.selectFrom('queues').select('process_id').where('id', '=', queueId).executeTakeFirst();
    if (q?.process_id) {
      const id = q.process_id;
      return cached(db, id, () => getProcess(db, id));
    }
  }
  return cached(db, 'default', async () => {
    const d = await db.selectFrom('processes').select('id').where('is_default', '=', 1).where('active', '=', 1).executeTakeFirst();
    return d ? getProcess(db, d.id) : null;
  });
}

async function writeStages(trx: Kysely<DB>, processId: number, list: z.infer<typeof stageInput>[]) {
  await trx.deleteFrom('process_stages').where('process_id', '=', processId).execute();
  await trx
    .insertInto('process_stages')
    .values(list.map((s, i) => ({ process_id: processId, position: i + 1, key: s.key, name: s.name, required_fields: JSON.stringify(s.requiredFields) })))
    .execute();
}

// Only one process is the default.
async function clearDefault(trx: Kysely<DB>, except: number) {
  await trx.updateTable('processes').set({ is_default: 0 }).where('id', '!=', except).where('is_default', '=', 1).execute();
}

export async function createProcess(db: Kysely<DB>, actor: Principal, input: z.infer<typeof createProcessBody>): Promise<ProcessDto> {
  cacheOf(db).clear();
  const id = await db
    .transaction()
    .execute(async (trx) => {
      const now = clock.nowIso();
      const values = { name: input.name, description: input.description ?? '', is_default: input.isDefault ? 1 : 0, active: input.active === false ? 0 : 1 };
      const row = await trx.insertInto('processes').values({ ...values, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
      await writeStages(trx, row.id, input.stages);
      if (input.isDefault) await clearDefault(trx, row.id);
      await auditCreate(trx, actor, 'process', row.id, { ...values, stages: input.stages });
      return row.id;
    })
    .catch((err) => rethrowUnique(err, 'name', `A process named ${input.name} already exists`));
  cacheOf(db).clear();
  return getProcess(db, id);
}

export async function updateProcess(db: Kysely<DB>, actor: Principal, id: number, input: z.infer<typeof updateProcessBody>, expected: number | undefined) {
  cacheOf(db).clear();
  await db
    .transaction()
    .execute(async (trx) => {
      const before = await trx.selectFrom('processes').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw notFound(`Process ${id}`);
      const oldStages = (await toDtos(trx, [before]))[0]!.stages;
      const stagesChanged = input.stages !== undefined && JSON.stringify(input.stages) !== JSON.stringify(oldStages);
      await updateVersioned(trx, {
        table: 'processes',
        entity: 'process',
        before,
        changes: {
          name: input.name,
          description: input.description,
          is_default: input.isDefault === undefined ? undefined : input.isDefault ? 1 : 0,
          active: input.active === undefined ? undefined : input.active ? 1 : 0,
        },
        expected,
        actor,
        touch: stagesChanged,
        extraAudit: stagesChanged ? { before: { stages: oldStages }, after: { stages: input.stages } } : undefined,
      });
      if (stagesChanged) await writeStages(trx, id, input.stages!);
      if (input.isDefault) await clearDefault(trx, id);
    })
    .catch((err) => {
      if (err instanceof AppError) throw err;
      rethrowUnique(err, 'name', `A process named ${input.name} already exists`);
    });
  cacheOf(db).clear();
  return getProcess(db, id);
}
