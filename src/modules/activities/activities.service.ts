import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { ActivitiesTable, DB } from '../../db/schema.js';
import { clock } from '../../platform/clock.js';
import { badRequest, notFound } from '../../platform/errors.js';
import { text } from '../../platform/http.js';
import { auditCreate, updateVersioned } from '../../platform/records.js';
import { assertCaseWorkable, caseIdOf, type Staff } from '../cases/cases.service.js';
import { notifyUsers } from '../notifications/notifications.service.js';

// Activities on a case (SPEC §3.4): task, phone call, appointment, outbound email; open,
// completed or canceled. Open activities hold up resolving the case.

export const ACTIVITY_TYPES = ['task', 'phone_call', 'appointment', 'email'] as const;
export const ACTIVITY_STATES = ['open', 'completed', 'canceled'] as const;

export const activitySchema = z.object({
  id: z.number(),
  caseNumber: z.string(),
  type: z.enum(ACTIVITY_TYPES),
  state: z.enum(ACTIVITY_STATES),
  subject: z.string(),
  body: z.string(),
  ownerId: z.number().nullable(),
  ownerName: z.string().nullable(),
  dueAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  createdBy: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type ActivityDto = z.infer<typeof activitySchema>;

const dueAt = z.iso.datetime({ offset: true, message: 'must be an ISO date-time' }).transform((v) => new Date(v).toISOString()).nullable().optional();
export const createActivityBody = z.strictObject({
  type: z.enum(ACTIVITY_TYPES),
  subject: text(300),
  body: z.string().max(20_000).optional(),
  ownerId: z.number().int().positive().nullable().optional(),
  dueAt,
});
export const updateActivityBody = z.strictObject({
  subject: text(300).optional(),
  body: z.string().max(20_000).optional(),
  ownerId: z.number().int().positive().nullable().optional(),
  dueAt,
  state: z.enum(ACTIVITY_STATES).optional(),
});

function activitiesWithNames(db: Kysely<DB>) {
  return db
    .selectFrom('activities')
    .innerJoin('cases', 'cases.id', 'activities.case_id')
    .leftJoin('users as owner', 'owner.id', 'activities.owner_id')
    .selectAll('activities')
    .select(['cases.number as case_number', 'owner.name as owner_name']);
}
type Row = Selectable<ActivitiesTable> & { case_number: string; owner_name: string | null };

const toDto = (r: Row): ActivityDto => ({
  id: r.id,
  caseNumber: r.case_number,
  type: r.type,
  state: r.state,
  subject: r.subject,
  body: r.body,
  ownerId: r.owner_id,
  ownerName: r.owner_name,
  dueAt: r.due_at,
  completedAt: r.completed_at,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

export async function getActivity(db: Kysely<DB>, id: number): Promise<ActivityDto> {
  const row = await activitiesWithNames(db).where('activities.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Activity ${id}`);
  return toDto(row);
}

/** A case's activities: open ones first (by due date), then the rest, newest first. */
export async function listActivities(db: Kysely<DB>, number: string): Promise<ActivityDto[]> {
  const caseId = await caseIdOf(db, number);
  const rows = await activitiesWithNames(db).where('activities.case_id', '=', caseId).orderBy('activities.id', 'desc').execute();
  const open = rows.filter((r) => r.state === 'open').sort((a, b) => (a.due_at ?? '9999').localeCompare(b.due_at ?? '9999'));
  return [...open, ...rows.filter((r) => r.state !== 'open')].map(toDto);
}

async function assertOwner(trx: Kysely<DB>, ownerId: number | null | undefined) {
  if (!ownerId) return;
  const u = await trx.selectFrom('users').select('active').where('id', '=', ownerId).executeTakeFirst();
  if (!u || u.active !== 1) throw badRequest('ownerId: no such active user', { fields: [{ field: 'body.ownerId', message: 'no such active user' }] });
}

export async function createActivity(db: Kysely<DB>, actor: Staff, number: string, input: z.infer<typeof createActivityBody>): Promise<ActivityDto> {
  const id = await db.transaction().execute(async (trx) => {
    const c = await assertCaseWorkable(trx, number, 'adding an activity');
    await assertOwner(trx, input.ownerId);
    const now = clock.nowIso();
    const values = {
      case_id: c.id,
      type: input.type,
      state: 'open' as const,
      subject: input.subject,
      body: input.body ?? '',
      owner_id: input.ownerId === undefined ? actor.id : input.ownerId,
      due_at: input.dueAt ?? null,
    };
    const row = await trx.insertInto('activities').values({ ...values, created_by: actor.id, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    await auditCreate(trx, actor, 'activity', row.id, { type: values.type, subject: values.subject, ownerId: values.owner_id, dueAt: values.due_at });
    if (values.owner_id) await notifyUsers(trx, [values.owner_id], { kind: 'activity_assigned', caseId: c.id, title: `New ${values.type.replace('_', ' ')} for you on ${number}`, body: values.subject }, actor.id);
    return row.id;
  });
  return getActivity(db, id);
}

/** Edits, completes, cancels or reopens an activity; only while its case can take work. */
export async function updateActivity(db: Kysely<DB>, actor: Staff, id: number, input: z.infer<typeof updateActivityBody>, expected: number | undefined): Promise<ActivityDto> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('activities').innerJoin('cases', 'cases.id', 'activities.case_id').selectAll('activities').select('cases.number').where('activities.id', '=', id).executeTakeFirst();
    if (!before) throw notFound(`Activity ${id}`);
    await assertCaseWorkable(trx, before.number, 'changing an activity');
    await assertOwner(trx, input.ownerId);
    const stateChanged = input.state !== undefined && input.state !== before.state;
    await updateVersioned(trx, {
      table: 'activities',
      entity: 'activity',
      before,
      changes: {
        subject: input.subject,
        body: input.body,
        owner_id: input.ownerId,
        due_at: input.dueAt,
        state: input.state,
        completed_at: stateChanged ? (input.state === 'open' ? null : clock.nowIso()) : undefined,
      },
      expected,
      actor,
    });
  });
  return getActivity(db, id);
}
