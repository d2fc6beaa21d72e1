import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Principal, Role } from '../../platform/access.js';
import { auditCreate, updateVersioned } from '../../platform/records.js';
import { clock } from '../../platform/clock.js';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors.js';
import { nextNumber } from '../../platform/numbering.js';
import { decodeCursor, page } from '../../platform/pagination.js';
import { inTransaction } from '../../db/sql.js';
import { allowedActions, isEditable } from './case.workflow.js';
import type { CaseDto, CaseListQuery, CaseSummaryDto } from './cases.schemas.js';
import * as repo from './cases.repository.js';
import { processForQueue, stagesOf } from './processes.service.js';
import { listStatuses } from './statuses.service.js';
import { reviewAvailability } from '../reviews/reviews.service.js';
import { isQueueMember } from '../queues/queues.service.js';
import { clockState, dueTimes, slaChanges } from '../sla/sla.service.js';

// Cases: create, read, list, edit. The workflow actions live in case-actions.service.ts.

export type Staff = Extract<Principal, { type: 'user' }>;
type Actor = Principal | { type: 'system' };

const flagsOf = (r: repo.CaseWithNames) => ({ key: r.status, pause: r.status_pause === 1, resolved: r.status_resolved === 1, final: r.status_final === 1 });

export function toSummary(r: repo.CaseSummaryRow): CaseSummaryDto {
  return {
    id: r.id,
    number: r.number,
    shortDescription: r.short_description,
    accountId: r.account_id,
    accountName: r.account_name,
    contactId: r.contact_id,
    contactName: r.contact_name,
    priority: r.priority,
    category: r.category,
    channel: r.channel as CaseSummaryDto['channel'],
    status: r.status,
    statusLabel: r.status_label,
    stage: r.stage,
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_name,
    assignmentGroupId: r.assignment_group_id,
    assignmentGroupName: r.assignment_group_name,
    queueId: r.queue_id,
    queueName: r.queue_name,
    escalationLevel: r.escalation_level,
    major: r.major === 1,
    parentId: r.parent_id,
    openedAt: r.opened_at,
    resolvedAt: r.resolved_at,
    responseDueAt: r.response_due_at,
    resolutionDueAt: r.resolution_due_at,
    ...((c) => ({ slaState: c.state, slaDueAt: c.dueAt }))(r.first_response_at || r.resolved_at || r.status_final === 1 || !r.response_due_at ? resolutionClock(r) : responseClock(r)),
    updatedAt: r.updated_at,
    version: r.version,
  };
}

// A case resolved (or ended) before any reply stops its response clock at that moment.
const responseClock = (r: repo.CaseSummaryRow) => ({
  dueAt: r.response_due_at,
  state: clockState(r.response_due_at, r.first_response_at ?? r.resolved_at ?? (r.status_final === 1 ? r.closed_at : null), r.sla_paused_at, r.response_breached_at, r.sla_response_minutes),
  breachedAt: r.response_breached_at,
  targetMinutes: r.sla_response_minutes,
});
const resolutionClock = (r: repo.CaseSummaryRow) => ({
  dueAt: r.resolution_due_at,
  state: clockState(r.resolution_due_at, r.resolved_at ?? (r.status_final === 1 ? r.closed_at : null), r.sla_paused_at, r.resolution_breached_at, r.sla_resolution_minutes),
  breachedAt: r.resolution_breached_at,
  targetMinutes: r.sla_resolution_minutes,
});

/** The whole case as the case form shows it, with the actions the caller may take now. */
export async function getCase(db: Kysely<DB>, principal: Staff, number: string): Promise<CaseDto> {
  const r = await repo.findCaseByNumber(db, number);
  if (!r) throw notFound(`Case ${number}`);
  const [assetIds, stages, open, parent, review, availability, children] = await Promise.all([
    repo.assetIdsOf(db, r.id),
    r.process_id ? stagesOf(db, r.process_id) : Promise.resolve([]),
    repo.openActivities(db, r.id),
    r.parent_id ? db.selectFrom('cases').select('number').where('id', '=', r.parent_id).executeTakeFirst() : Promise.resolve(undefined),
    db.selectFrom('reviews').select(['number', 'state']).where('case_id', '=', r.id).executeTakeFirst(),
    reviewAvailability(db, principal, r.id),
    r.major === 1 ? db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('parent_id', '=', r.id).executeTakeFirstOrThrow() : Promise.resolve({ n: 0 }),
  ]);
  const flags = flagsOf(r);
  return {
    ...toSummary(r),
    description: r.description,
    contactEmail: r.contact_email,
    product: r.product,
    assetIds,
    processId: r.process_id,
    stages,
    resolutionCode: r.resolution_code,
    cause: r.cause,
    resolutionNotes: r.resolution_notes,
    parentNumber: parent?.number ?? null,
    firstResponseAt: r.first_response_at,
    closedAt: r.closed_at,
    satisfaction: r.satisfaction,
    createdAt: r.created_at,
    allowedActions: await offeredActions(db, principal, r, flags, stages),
    editable: isEditable(flags),
    openActivityCount: open.length,
    review: review ?? null,
    sla: { policyName: r.sla_policy_name, pausedSince: r.sla_paused_at, response: responseClock(r), resolution: resolutionClock(r) },
    childCount: Number(children.n),
    reviewAvailability: { allowed: availability.allowed, reason: availability.reason },
  };
}

/**
 * The actions the menu offers: the workflow's for the status, less those that would fail for
 * other reasons — Pick needs an unassigned case in an 'any' queue the caller belongs to; Next
 * stage needs a process with a stage after the current one.
 */
async function offeredActions(db: Kysely<DB>, principal: Staff, r: repo.CaseWithNames, flags: Parameters<typeof allowedActions>[0], stages: { key: string }[]) {
  const actions = allowedActions(flags, principal.roles as Role[]);
  let canPick = false;
  if (actions.includes('pick') && r.queue_id && !r.assignee_id) {
    const q = await db.selectFrom('queues').select('mode').where('id', '=', r.queue_id).executeTakeFirst();
    canPick = q?.mode === 'any' && (await isQueueMember(db, r.queue_id, principal.id));
  }
  const index = stages.findIndex((s) => s.key === r.stage);
  const hasNextStage = stages.length > 0 && Math.max(0, index) < stages.length - 1;
  return actions.filter((a) => (a === 'pick' ? canPick : a === 'next-stage' ? hasNextStage : true));
}

export async function listCases(db: Kysely<DB>, principal: Staff, q: CaseListQuery) {
  if (q.view === 'queue' && !q.queueId) throw badRequest('view=queue needs queueId', { fields: [{ field: 'query.queueId', message: 'required for view=queue' }] });
  if (q.status?.length) {
    // Statuses are a lookup: a key that names none is a mistake to report, not an empty list.
    const known = new Set((await listStatuses(db)).map((s) => s.key));
    const unknown = q.status.filter((k) => !known.has(k));
    if (unknown.length) {
      throw badRequest(`status: no status ${unknown.join(', ')}; use one of ${[...known].join(', ')}`, { fields: [{ field: 'querystring.status', message: `unknown status ${unknown.join(', ')}` }] });
    }
  }
  const rows = await repo.listCases(db, {
    view: q.view,
    me: principal.id,
    queueId: q.queueId,
    status: q.status,
    priority: q.priority,
    accountId: q.accountId,
    assigneeId: q.assigneeId,
    q: q.q || undefined,
    sla: q.sla,
    now: clock.nowIso(),
    sort: q.sort,
    order: q.order,
    after: decodeCursor(q.cursor, 2),
    limit: q.limit,
  });
  return page(rows, q.limit, (r) => [repo.sortValue(r, q.sort), r.id], toSummary);
}

export interface CaseFields {
  shortDescription?: string;
  description?: string;
  accountId?: number | null;
  contactId?: number | null;
  product?: string | null;
  assetIds?: number[];
  priority?: number;
  category?: string | null;
  channel?: string;
  queueId?: number | null;
  assignmentGroupId?: number | null;
}

const field = (name: string, message: string) => ({ field: `body.${name}`, message });

/**
 * Checks that the account, contact, assets and queue exist and fit together; fills the account
 * from the contact when only the contact is given.
 */
async function checkCustomerRefs(trx: Kysely<DB>, f: { accountId: number | null; contactId: number | null; assetIds: number[]; queueId: number | null; assignmentGroupId?: number | null }) {
  const problems: { field: string; message: string }[] = [];
  let accountId = f.accountId;
  if (f.contactId) {
    const c = await trx.selectFrom('contacts').select(['account_id', 'active']).where('id', '=', f.contactId).executeTakeFirst();
    if (!c) problems.push(field('contactId', 'no such contact'));
    else if (accountId && c.account_id !== accountId) problems.push(field('contactId', 'the contact belongs to another account'));
    else accountId = c.account_id;
  }
  if (accountId && !(await trx.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst())) {
    problems.push(field('accountId', 'no such account'));
  }
  if (f.assetIds.length) {
    const assets = await trx.selectFrom('assets').select(['id', 'account_id']).where('id', 'in', f.assetIds).execute();
    const missing = f.assetIds.filter((id) => !assets.some((a) => a.id === id));
    if (missing.length) problems.push(field('assetIds', `no such assets: ${missing.join(', ')}`));
    else if (assets.some((a) => a.account_id !== accountId)) problems.push(field('assetIds', "every asset must belong to the case's account"));
  }
  if (f.queueId) {
    const q = await trx.selectFrom('queues').select('active').where('id', '=', f.queueId).executeTakeFirst();
    if (!q) problems.push(field('queueId', 'no such queue'));
    else if (q.active !== 1) problems.push(field('queueId', 'the queue is inactive'));
  }
  if (f.assignmentGroupId && !(await trx.selectFrom('groups').select('id').where('id', '=', f.assignmentGroupId).where('active', '=', 1).executeTakeFirst())) {
    problems.push(field('assignmentGroupId', 'no such active group'));
  }
  if (problems.length) throw badRequest(problems.map((p) => `${p.field}: ${p.message}`).join('; '), { fields: problems });
  return accountId;
}

/** Opens a new case (status new, first stage of its process) and numbers it in the same transaction. */
export async function createCase(db: Kysely<DB>, actor: Actor, input: CaseFields & { shortDescription: string }): Promise<string> {
  return inTransaction(db, async (trx: Kysely<DB>) => {
    const assetIds = [...new Set(input.assetIds ?? [])].sort((a, b) => a - b);
    const queueId = input.queueId ?? null;
    const accountId = await checkCustomerRefs(trx, {
      accountId: input.accountId ?? null,
      contactId: input.contactId ?? null,
      assetIds,
      queueId,
      assignmentGroupId: input.assignmentGroupId,
    });
    const process = await processForQueue(trx, queueId);
    const number = await nextNumber(trx, 'case');
    const now = clock.nowIso();
    const values = {
      number,
      short_description: input.shortDescription,
      description: input.description ?? '',
      account_id: accountId,
      contact_id: input.contactId ?? null,
      product: input.product ?? null,
      priority: input.priority ?? 3,
      category: input.category ?? null,
      channel: input.channel ?? 'web',
      status: 'new',
      process_id: process?.id ?? null,
      stage: process?.stages[0]?.key ?? null,
      queue_id: queueId,
      assignment_group_id: input.assignmentGroupId ?? null,
      opened_at: now,
    };
    const sla = await dueTimes(trx, { opened_at: now, priority: values.priority, account_id: accountId, sla_paused_ms: 0 });
    const row = await trx
      .insertInto('cases')
      .values({ ...values, ...sla, created_by: actor.type === 'user' ? actor.id : null, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await repo.replaceAssets(trx, row.id, assetIds);
    await auditCreate(trx, actor, 'case', row.id, {
      number,
      shortDescription: values.short_description,
      status: 'new',
      priority: values.priority,
      channel: values.channel,
      accountId: values.account_id,
      contactId: values.contact_id,
      queueId,
    });
    return number;
  });
}

const CASE_COLUMNS: Record<string, string> = {
  shortDescription: 'short_description',
  description: 'description',
  accountId: 'account_id',
  contactId: 'contact_id',
  product: 'product',
  priority: 'priority',
  category: 'category',
  channel: 'channel',
  queueId: 'queue_id',
};

/**
 * Edits a case's fields; resolved and final cases refuse (409) — reactivate first. Answers the
 * case as this edit left it, read in its own transaction: read after the commit, a concurrent
 * edit could already show through (two answers of six concurrent PATCHes named one version).
 */
export async function updateCase(db: Kysely<DB>, actor: Staff, number: string, input: CaseFields, expected: number | undefined): Promise<CaseDto> {
  return db.transaction().execute(async (trx) => {
    const before = await repo.lockCaseByNumber(trx, number);
    if (!before) throw notFound(`Case ${number}`);
    const status = await trx.selectFrom('statuses').selectAll().where('key', '=', before.status).executeTakeFirstOrThrow();
    const flags = { key: status.key, pause: status.pause === 1, resolved: status.resolved === 1, final: status.final === 1 };
    if (!isEditable(flags)) {
      throw new AppError('conflict', `Case ${number} is ${status.label.toLowerCase()} and read-only${flags.final ? '' : '; reactivate it to change it'}`, {
        status: status.key,
        allowed: allowedActions(flags, actor.roles as Role[]),
      });
    }
    const oldAssets = await repo.assetIdsOf(trx, before.id);
    const assetIds = input.assetIds ? [...new Set(input.assetIds)].sort((a, b) => a - b) : oldAssets;
    let contactId = input.contactId !== undefined ? input.contactId : before.contact_id;
    // Changing the account without naming a contact drops the old account's contact.
    if (input.accountId !== undefined && input.contactId === undefined && contactId) {
      const c = await trx.selectFrom('contacts').select('account_id').where('id', '=', contactId).executeTakeFirst();
      if (c?.account_id !== input.accountId) contactId = null;
    }
    const accountInput = input.accountId !== undefined ? input.accountId : input.contactId ? null : before.account_id;
    const accountId = await checkCustomerRefs(trx, {
      accountId: accountInput,
      contactId,
      assetIds: input.assetIds !== undefined || input.accountId !== undefined ? assetIds : [],
      queueId: input.queueId !== undefined ? input.queueId : null,
    });
    const changes: Record<string, unknown> = {};
    for (const [k, col] of Object.entries(CASE_COLUMNS)) {
      const v = (input as Record<string, unknown>)[k];
      if (v !== undefined) changes[col] = v;
    }
    changes.account_id = accountId;
    changes.contact_id = contactId;
    Object.assign(changes, await slaChanges(trx, before, changes));
    const assetsChanged = assetIds.join() !== oldAssets.join();
    await updateVersioned(trx, {
      table: 'cases',
      entity: 'case',
      before,
      changes,
      expected,
      actor,
      touch: assetsChanged,
      extraAudit: assetsChanged ? { before: { assetIds: oldAssets }, after: { assetIds } } : undefined,
    });
    if (assetsChanged) await repo.replaceAssets(trx, before.id, assetIds);
    return getCase(trx, actor, number);
  });
}

/** The case id for a number, or 404. */
export async function caseIdOf(db: Kysely<DB>, number: string): Promise<number> {
  const row = await db.selectFrom('cases').select('id').where('number', '=', number).executeTakeFirst();
  if (!row) throw notFound(`Case ${number}`);
  return row.id;
}

/** Throws 409 unless the case may take new work (activities, comments, attachments). */
export async function assertCaseWorkable(trx: Kysely<DB>, number: string, what: string): Promise<{ id: number; status: string }> {
  const row = await trx
    .selectFrom('cases')
    .innerJoin('statuses', 'statuses.key', 'cases.status')
    .select(['cases.id', 'cases.status', 'statuses.label', 'statuses.pause', 'statuses.resolved', 'statuses.final'])
    .where('cases.number', '=', number)
    .executeTakeFirst();
  if (!row) throw notFound(`Case ${number}`);
  if (!isEditable({ key: row.status, pause: row.pause === 1, resolved: row.resolved === 1, final: row.final === 1 })) {
    throw conflict(`Case ${number} is ${row.label.toLowerCase()} and read-only: ${what} is not possible${row.final ? '' : '; reactivate it first'}`, { status: row.status });
  }
  return { id: row.id, status: row.status };
}
