import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { inTransaction, lockRows } from '../../db/sql.js';
import type { Role } from '../../platform/access.js';
import { clock } from '../../platform/clock.js';
import { AppError, badRequest, conflict, notFound, ruleViolation } from '../../platform/errors.js';
import { updateVersioned } from '../../platform/records.js';
import { getProperty } from '../settings/settings.service.js';
import { groupMemberIds, notifyUsers } from '../notifications/notifications.service.js';
import { isQueueMember, workableStatuses } from '../queues/queues.service.js';
import { assertTransition, canReopen, type CaseAction } from './case.workflow.js';
import * as repo from './cases.repository.js';
import type { Staff } from './cases.service.js';
import { stagesOf, type StageField } from './processes.service.js';
import { statusByKey, toFlags } from './statuses.service.js';
import { queueCaseMail, type TemplateKey } from '../mail/outbox.service.js';
import { createSurvey } from '../surveys/surveys.service.js';
import { runtime } from '../../platform/runtime.js';
import { slaChanges } from '../sla/sla.service.js';
import { noteCaseUpdate } from '../watchers/watchers.service.js';

// The workflow actions of SPEC §3 (start, assign, pick, escalate, next-stage, wait, resolve,
// reactivate, cancel, close, and taking the next case of a queue). This service is the only code
// that changes a case's status; each action is one transaction with its audit and notifications.

interface ActionResult {
  changes?: Record<string, unknown>;
  audit?: { before: Record<string, unknown>; after: Record<string, unknown> };
  after?: (trx: Kysely<DB>, row: repo.CaseRow) => Promise<void>;
}

async function runAction(
  db: Kysely<DB>,
  actor: Staff,
  number: string,
  action: CaseAction,
  expected: number | undefined,
  work: (trx: Kysely<DB>, row: repo.CaseRow, target: string | null) => Promise<ActionResult>,
): Promise<void> {
  // In the caller's transaction when there is one (resolving a major case with its children).
  await inTransaction(db, async (trx: Kysely<DB>) => {
    const row = await repo.lockCaseByNumber(trx, number);
    if (!row) throw notFound(`Case ${number}`);
    const status = await statusByKey(trx, row.status);
    const target = assertTransition(toFlags(status), action, actor.roles as Role[]);
    const result = await work(trx, row, target);
    const changes = { ...result.changes };
    if (target && changes.status === undefined) changes.status = target;
    Object.assign(changes, await slaChanges(trx, row, changes));
    await updateVersioned(trx, {
      table: 'cases',
      entity: 'case',
      before: row,
      changes,
      expected,
      actor,
      touch: true,
      extraAudit: result.audit,
    });
    await result.after?.(trx, row);
    await noteWatchedChanges(trx, actor, row, changes);
  });
}

/** Tells the case's watchers (by their next digest) of a status change or a new assignee or group. */
async function noteWatchedChanges(trx: Kysely<DB>, actor: Staff | { type: 'system' }, row: repo.CaseRow, changes: Record<string, unknown>) {
  const who = actor.type === 'user' ? actor.name : 'Casebook';
  const byUserId = actor.type === 'user' ? actor.id : null;
  if (changes.status !== undefined && changes.status !== row.status) {
    const [from, to] = [await statusByKey(trx, row.status), await statusByKey(trx, String(changes.status))];
    await noteCaseUpdate(trx, row.id, { kind: 'status', who, text: `Status: ${from.label} → ${to.label}`, visibility: 'customer', byUserId });
  }
  if (changes.assignee_id !== undefined && changes.assignee_id !== row.assignee_id) {
    const text = changes.assignee_id ? `Assigned to ${await userName(trx, Number(changes.assignee_id))}` : 'Assignee cleared';
    await noteCaseUpdate(trx, row.id, { kind: 'assignment', who, text, visibility: 'internal', byUserId });
  }
  if (changes.assignment_group_id !== undefined && changes.assignment_group_id !== row.assignment_group_id) {
    const group = changes.assignment_group_id ? await trx.selectFrom('groups').select('name').where('id', '=', Number(changes.assignment_group_id)).executeTakeFirst() : null;
    await noteCaseUpdate(trx, row.id, { kind: 'assignment', who, text: group ? `Assignment group: ${group.name}` : 'Assignment group cleared', visibility: 'internal', byUserId });
  }
}

async function userName(trx: Kysely<DB>, id: number): Promise<string> {
  return (await trx.selectFrom('users').select('name').where('id', '=', id).executeTakeFirst())?.name ?? `user ${id}`;
}

async function assertAssignee(trx: Kysely<DB>, userId: number): Promise<void> {
  const u = await trx.selectFrom('users').select('active').where('id', '=', userId).executeTakeFirst();
  if (!u || u.active !== 1) throw badRequest('assigneeId: no such active user', { fields: [{ field: 'body.assigneeId', message: 'no such active user' }] });
}
async function assertGroup(trx: Kysely<DB>, groupId: number): Promise<void> {
  const g = await trx.selectFrom('groups').select('active').where('id', '=', groupId).executeTakeFirst();
  if (!g || g.active !== 1) throw badRequest('assignmentGroupId: no such active group', { fields: [{ field: 'body.assignmentGroupId', message: 'no such active group' }] });
}

/** Tells a new assignee, or (without one) the new group's members, that a case is theirs. */
async function notifyAssignment(trx: Kysely<DB>, actor: Staff, row: repo.CaseRow, assigneeId: number | null, groupId: number | null, kind: string, title: string) {
  const notice = { kind, caseId: row.id, title, body: row.short_description };
  if (assigneeId) await notifyUsers(trx, [assigneeId], notice, actor.id);
  else if (groupId) await notifyUsers(trx, await groupMemberIds(trx, groupId), notice, actor.id);
}

/** Queues a status mail to the case's contact in the action's transaction (once per case version). */
function statusMail(trx: Kysely<DB>, row: repo.CaseRow, template: TemplateKey, data: Record<string, unknown> = {}) {
  return queueCaseMail(trx, {
    caseId: row.id,
    template,
    data,
    idempotencyKey: `case:${row.id}:${template}:v${row.version + 1}`,
    publicUrl: runtime.publicUrl,
  });
}

/** Start: status in progress; the current user becomes the assignee if there is none. The first
 *  start tells the contact the case is open, with its resolution deadline. */
export function start(db: Kysely<DB>, actor: Staff, number: string, expected?: number) {
  return runAction(db, actor, number, 'start', expected, async (_trx, row) => ({
    changes: { assignee_id: row.assignee_id ?? actor.id },
    after: async (t) => {
      if (row.status === 'new') await statusMail(t, row, 'case_opened');
    },
  }));
}

/** Assigns to a user and/or group (null clears); the new assignee or group is notified. */
export function assign(db: Kysely<DB>, actor: Staff, number: string, body: { assigneeId?: number | null; assignmentGroupId?: number | null }, expected?: number) {
  return runAction(db, actor, number, 'assign', expected, async (trx, row) => {
    if (body.assigneeId) await assertAssignee(trx, body.assigneeId);
    if (body.assignmentGroupId) await assertGroup(trx, body.assignmentGroupId);
    const assigneeId = body.assigneeId !== undefined ? body.assigneeId : row.assignee_id;
    const groupId = body.assignmentGroupId !== undefined ? body.assignmentGroupId : row.assignment_group_id;
    return {
      changes: { assignee_id: assigneeId, assignment_group_id: groupId },
      after: async (t) => {
        if (assigneeId !== row.assignee_id || groupId !== row.assignment_group_id) {
          await notifyAssignment(t, actor, row, assigneeId !== row.assignee_id ? assigneeId : null, assigneeId ? null : groupId, 'case_assigned', `${row.number} was assigned to you`);
        }
      },
    };
  });
}

/** Pick: a member of the case's `any`-mode queue takes an unassigned case. Exactly one of two
 *  concurrent pickers wins; the other gets 409. */
export function pick(db: Kysely<DB>, actor: Staff, number: string, expected?: number) {
  return runAction(db, actor, number, 'pick', expected, async (trx, row) => {
    if (!row.queue_id) throw conflict(`Case ${number} is in no queue; assign it instead`);
    const queue = await trx.selectFrom('queues').select(['name', 'mode']).where('id', '=', row.queue_id).executeTakeFirstOrThrow();
    if (!(await isQueueMember(trx, row.queue_id, actor.id))) throw new AppError('forbidden', `You are not a member of queue ${queue.name}`);
    if (queue.mode === 'next') throw conflict(`Queue ${queue.name} hands out cases in order: use "Get next case"`, { mode: 'next' });
    if (row.assignee_id) {
      throw conflict(`Case ${number} was already picked by ${row.assignee_id === actor.id ? 'you' : await userName(trx, row.assignee_id)}`, { assigneeId: row.assignee_id });
    }
    return { changes: { assignee_id: actor.id } };
  });
}

/** The next case of a queue (highest priority, then oldest) assigned to the caller; never the
 *  same case to two callers. Returns its number, or throws 404 when the queue is empty. */
export async function takeNext(db: Kysely<DB>, actor: Staff, queueId: number): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const queue = await trx.selectFrom('queues').select(['name', 'active']).where('id', '=', queueId).executeTakeFirst();
    if (!queue) throw notFound(`Queue ${queueId}`);
    if (!(await isQueueMember(trx, queueId, actor.id))) throw new AppError('forbidden', `You are not a member of queue ${queue.name}`);
    const candidate = await lockRows(
      trx,
      trx
        .selectFrom('cases')
        .selectAll()
        .where('queue_id', '=', queueId)
        .where('assignee_id', 'is', null)
        .where('status', 'in', workableStatuses(trx))
        .orderBy('priority')
        .orderBy('opened_at')
        .orderBy('id')
        .limit(1),
      { skipLocked: true },
    ).executeTakeFirst();
    if (!candidate) throw notFound(`No unassigned case is waiting in queue ${queue.name}`);
    await updateVersioned(trx, {
      table: 'cases',
      entity: 'case',
      before: candidate,
      changes: { assignee_id: actor.id },
      expected: undefined,
      actor,
    });
    return candidate.number;
  });
}

/** Escalate: a new assignee and/or group, escalation level + 1, the reason recorded; they are notified. */
export function escalate(db: Kysely<DB>, actor: Staff, number: string, body: { assigneeId?: number | null; assignmentGroupId?: number | null; reason: string }, expected?: number) {
  return runAction(db, actor, number, 'escalate', expected, async (trx, row) => {
    if (body.assigneeId) await assertAssignee(trx, body.assigneeId);
    if (body.assignmentGroupId) await assertGroup(trx, body.assignmentGroupId);
    // Escalating to a group without a person hands the case to the group: the old assignee leaves.
    const assigneeId = body.assigneeId !== undefined ? body.assigneeId : body.assignmentGroupId ? null : row.assignee_id;
    const groupId = body.assignmentGroupId !== undefined ? body.assignmentGroupId : row.assignment_group_id;
    return {
      changes: { assignee_id: assigneeId, assignment_group_id: groupId, escalation_level: row.escalation_level + 1 },
      audit: { before: { escalationReason: null }, after: { escalationReason: body.reason } },
      after: (t) => notifyAssignment(t, actor, row, assigneeId, groupId, 'case_escalated', `${row.number} was escalated to you: ${body.reason}`),
    };
  });
}

const FIELD_COLUMN: Record<StageField, keyof repo.CaseRow | 'asset_ids'> = {
  shortDescription: 'short_description',
  description: 'description',
  accountId: 'account_id',
  contactId: 'contact_id',
  product: 'product',
  assetIds: 'asset_ids',
  priority: 'priority',
  category: 'category',
  assigneeId: 'assignee_id',
  assignmentGroupId: 'assignment_group_id',
  queueId: 'queue_id',
  resolutionCode: 'resolution_code',
  cause: 'cause',
  resolutionNotes: 'resolution_notes',
};

/** Moves to the process's next stage when the current stage's required fields are filled (else 422). */
export function nextStage(db: Kysely<DB>, actor: Staff, number: string, expected?: number) {
  return runAction(db, actor, number, 'next-stage', expected, async (trx, row) => {
    if (!row.process_id) throw conflict(`Case ${number} follows no process`);
    const stages = await stagesOf(trx, row.process_id);
    const index = Math.max(0, stages.findIndex((s) => s.key === row.stage));
    const current = stages[index]!;
    if (index >= stages.length - 1) throw conflict(`Case ${number} is already at the last stage (${current.name})`);
    const assets = await repo.assetIdsOf(trx, row.id);
    const missing = current.requiredFields.filter((f) => {
      const col = FIELD_COLUMN[f];
      if (col === 'asset_ids') return assets.length === 0;
      const v = row[col];
      return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
    });
    if (missing.length) {
      throw ruleViolation(`Fill in ${missing.join(', ')} before leaving stage ${current.name}`, { stage: current.key, missing });
    }
    return { changes: { stage: stages[index + 1]!.key } };
  });
}

/** Waiting for the customer: a pausing status (waiting_for_response unless another is named). */
export function wait(db: Kysely<DB>, actor: Staff, number: string, body: { status?: string }, expected?: number) {
  return runAction(db, actor, number, 'wait', expected, async (trx) => {
    const after = (t: Kysely<DB>, row: repo.CaseRow) => statusMail(t, row, 'waiting_for_response').then(() => undefined);
    if (!body.status) return { after };
    const s = await trx.selectFrom('statuses').selectAll().where('key', '=', body.status).executeTakeFirst();
    if (!s || s.pause !== 1 || s.resolved === 1 || s.final === 1) {
      throw badRequest('status: must be a pausing status', { fields: [{ field: 'body.status', message: 'must be a status with the pause flag' }] });
    }
    return { changes: { status: s.key }, after };
  });
}

/** Resolve: needs a resolution code and notes; open activities refuse (422) unless the request
 *  cancels them, in the same transaction. */
export function resolve(
  db: Kysely<DB>,
  actor: Staff,
  number: string,
  body: { resolutionCode: string; cause?: string; resolutionNotes: string; cancelOpenActivities?: boolean },
  expected?: number,
) {
  return runAction(db, actor, number, 'resolve', expected, async (trx, row) => {
    const codes = String(await getProperty(trx, 'cases.resolutionCodes')).split(',').map((c) => c.trim()).filter(Boolean);
    if (codes.length && !codes.includes(body.resolutionCode)) {
      throw badRequest(`resolutionCode: must be one of ${codes.join(', ')}`, { fields: [{ field: 'body.resolutionCode', message: `must be one of ${codes.join(', ')}` }] });
    }
    const open = await repo.openActivities(trx, row.id);
    if (open.length && !body.cancelOpenActivities) {
      throw ruleViolation(`Complete or cancel the open activities first: ${open.map((a) => a.subject).join('; ')}`, {
        openActivities: open.map((a) => ({ id: a.id, type: a.type, subject: a.subject })),
      });
    }
    const now = clock.nowIso();
    if (open.length) {
      for (const a of open) {
        const before = await trx.selectFrom('activities').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
        await updateVersioned(trx, { table: 'activities', entity: 'activity', before, changes: { state: 'canceled', completed_at: now }, expected: undefined, actor });
      }
    }
    const stages = row.process_id ? await stagesOf(trx, row.process_id) : [];
    return {
      changes: {
        resolution_code: body.resolutionCode,
        cause: body.cause ?? row.cause,
        resolution_notes: body.resolutionNotes,
        resolved_at: now,
        stage: stages.length ? stages[stages.length - 1]!.key : row.stage,
      },
      // The resolved mail carries the satisfaction survey.
      after: async (t) => {
        const surveyUrl = await createSurvey(t, row.id);
        await statusMail(t, row, 'case_resolved', { survey: { url: surveyUrl } });
      },
    };
  });
}

/** Reactivate: a resolved, non-final case goes back to in progress; it must be resolved again. */
export function reactivate(db: Kysely<DB>, actor: Staff, number: string, expected?: number) {
  return runAction(db, actor, number, 'reactivate', expected, async (_trx, row) => ({
    changes: { resolved_at: null, assignee_id: row.assignee_id ?? actor.id },
  }));
}

/** Cancel: created in error or no longer needed; final. */
export function cancel(db: Kysely<DB>, actor: Staff, number: string, body: { reason?: string }, expected?: number) {
  return runAction(db, actor, number, 'cancel', expected, async () => ({
    changes: { closed_at: clock.nowIso() },
    audit: body.reason ? { before: { cancelReason: null }, after: { cancelReason: body.reason } } : undefined,
    after: async (t, row) => {
      await statusMail(t, row, 'case_canceled', { reason: body.reason ?? '' });
    },
  }));
}

/** Close: a resolved case becomes final. */
export function close(db: Kysely<DB>, actor: Staff, number: string, expected?: number) {
  return runAction(db, actor, number, 'close', expected, async () => ({ changes: { closed_at: clock.nowIso() } }));
}

/**
 * Reopens a case after a customer reply or a low survey score: status reopened, assignee cleared,
 * queue kept (so it is back in the queue), the assignment group told. Returns false (and changes
 * nothing) when the case's status does not reopen, e.g. in progress or final.
 */
export async function reopenByCustomer(trx: Kysely<DB>, caseId: number, why: string): Promise<boolean> {
  const row = await lockRows(trx, trx.selectFrom('cases').selectAll().where('id', '=', caseId)).executeTakeFirst();
  if (!row) throw notFound(`Case ${caseId}`);
  if (!canReopen(toFlags(await statusByKey(trx, row.status)))) return false;
  await updateVersioned(trx, {
    table: 'cases',
    entity: 'case',
    before: row,
    changes: { status: 'reopened', assignee_id: null, resolved_at: null, ...(await slaChanges(trx, row, { status: 'reopened' })) },
    expected: undefined,
    actor: { type: 'system' },
    extraAudit: { before: { reopenReason: null }, after: { reopenReason: why } },
  });
  await noteWatchedChanges(trx, { type: 'system' }, row, { status: 'reopened', assignee_id: null });
  const notice = { kind: 'case_reopened', caseId: row.id, title: `${row.number} was reopened: ${why}`, body: row.short_description };
  if (row.assignment_group_id) await notifyUsers(trx, await groupMemberIds(trx, row.assignment_group_id), notice);
  else if (row.assignee_id) await notifyUsers(trx, [row.assignee_id], notice);
  return true;
}

/** Closes a resolved case on the customer's word (a good survey score); false if it is not resolved. */
export async function closeBySystem(trx: Kysely<DB>, caseId: number, why: string): Promise<boolean> {
  const row = await lockRows(trx, trx.selectFrom('cases').selectAll().where('id', '=', caseId)).executeTakeFirst();
  if (!row) throw notFound(`Case ${caseId}`);
  const flags = toFlags(await statusByKey(trx, row.status));
  if (!flags.resolved || flags.final) return false;
  await updateVersioned(trx, {
    table: 'cases',
    entity: 'case',
    before: row,
    changes: { status: 'closed', closed_at: clock.nowIso() },
    expected: undefined,
    actor: { type: 'system' },
    extraAudit: { before: { closeReason: null }, after: { closeReason: why } },
  });
  await noteWatchedChanges(trx, { type: 'system' }, row, { status: 'closed' });
  return true;
}
