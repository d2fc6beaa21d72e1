import type { Kysely, Selectable } from 'kysely';
import type { z } from 'zod';
import type { DB, ReviewsTable } from '../../db/schema.js';
import { lockRows } from '../../db/sql.js';
import { hasRole, type Principal, type Role } from '../../platform/access.js';
import { clock } from '../../platform/clock.js';
import { badRequest, conflict, notFound, ruleViolation } from '../../platform/errors.js';
import { nextNumber } from '../../platform/numbering.js';
import { decodeCursor, page } from '../../platform/pagination.js';
import { auditCreate, updateVersioned } from '../../platform/records.js';
import { runtime } from '../../platform/runtime.js';
import { whereAfter } from '../../db/sql.js';
import { getProperty } from '../settings/settings.service.js';
import { groupMemberIds, notifyUsers } from '../notifications/notifications.service.js';
import { queueStaffMail, type StaffTemplateKey } from '../mail/outbox.service.js';
import { configurationFor, getConfiguration, type FieldMapping } from './configurations.service.js';
import { allowedReviewActions, assertReviewTransition, isReviewEditable, type ReviewAction, type ReviewActor, type ReviewState } from './review.workflow.js';
import type { ReviewDto, updateReviewBody } from './reviews.schemas.js';
import { copyProgress } from './major-reviews.service.js';

// Post case reviews (SPEC §7): created from a resolved case, edited, approved per the
// configuration, published as immutable document versions with a link comment on the case.
// This service is the only code that changes a review's state.

export type Staff = Extract<Principal, { type: 'user' }>;
type ReviewRow = Selectable<ReviewsTable>;

const MAJOR_ROLES: Role[] = ['manager', 'major_issue_manager', 'admin'];
// Managers approve where named (SPEC §1) and admins hold every power; agents and major issue
// managers write and publish reviews but never approve one, even when named.
export const APPROVER_ROLES: Role[] = ['manager', 'admin'];

// ---- reading

function reviewsWithCase(db: Kysely<DB>) {
  return db
    .selectFrom('reviews')
    .innerJoin('cases', 'cases.id', 'reviews.case_id')
    .innerJoin('statuses', 'statuses.key', 'cases.status')
    .leftJoin('accounts', 'accounts.id', 'cases.account_id')
    .leftJoin('users as assignee', 'assignee.id', 'reviews.assigned_to_id')
    .selectAll('reviews')
    .select([
      'cases.number as case_number',
      'cases.short_description as case_short_description',
      'cases.status as case_status',
      'cases.major as case_major',
      'statuses.label as case_status_label',
      'statuses.final as case_final',
      'accounts.name as account_name',
      'assignee.name as assigned_to_name',
    ]);
}
type ReviewWithCase = Awaited<ReturnType<ReturnType<typeof reviewsWithCase>['executeTakeFirstOrThrow']>>;

const summaryOf = (r: ReviewWithCase) => ({
  id: r.id,
  number: r.number,
  caseNumber: r.case_number,
  shortDescription: r.short_description,
  state: r.state,
  major: r.case_major === 1,
  accountName: r.case_major === 1 ? null : r.account_name,
  assignedToId: r.assigned_to_id,
  assignedToName: r.assigned_to_name,
  commitmentDate: r.commitment_date,
  updatedAt: r.updated_at,
  version: r.version,
});

async function findReview(db: Kysely<DB>, number: string): Promise<ReviewWithCase> {
  const r = await reviewsWithCase(db).where('reviews.number', '=', number).executeTakeFirst();
  if (!r) throw notFound(`Review ${number}`);
  return r;
}

async function approvalUserIds(db: Kysely<DB>, reviewId: number): Promise<number[]> {
  return (await db.selectFrom('review_approval_users').select('user_id').where('review_id', '=', reviewId).orderBy('user_id').execute()).map((r) => r.user_id);
}

/** Which of these users hold a role that may approve. */
async function mayApprove(db: Kysely<DB>, ids: number[]): Promise<number[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('user_roles').select('user_id').where('user_id', 'in', ids).where('role', 'in', APPROVER_ROLES).execute();
  return [...new Set(rows.map((r) => r.user_id))].sort((a, b) => a - b);
}

/** Everyone named as approver who may approve: the users plus the approval group's active managers. */
async function namedApprovers(db: Kysely<DB>, r: Pick<ReviewRow, 'id' | 'approval_group_id'>): Promise<number[]> {
  const users = await approvalUserIds(db, r.id);
  const group = r.approval_group_id ? await groupMemberIds(db, r.approval_group_id) : [];
  return mayApprove(db, [...new Set([...users, ...group])]);
}

async function roundApprovers(db: Kysely<DB>, reviewId: number, round: number): Promise<number[]> {
  return (await db.selectFrom('review_round_approvers').select('user_id').where('review_id', '=', reviewId).where('round', '=', round).execute()).map((r) => r.user_id);
}

/** Who the caller is to this review: author side, a named approver of the current round, or other staff. */
async function actorsOf(db: Kysely<DB>, who: Staff, r: ReviewWithCase): Promise<ReviewActor[]> {
  const actors: ReviewActor[] = ['other'];
  if (r.case_major !== 1 || hasRole(who, ...MAJOR_ROLES)) actors.push('author');
  if (r.state === 'awaiting_approval' && hasRole(who, ...APPROVER_ROLES) && (await roundApprovers(db, r.id, r.approval_round)).includes(who.id)) actors.push('approver');
  return actors;
}

/** The whole review as the form shows it, with the actions the caller may take now. */
export async function getReview(db: Kysely<DB>, who: Staff, number: string): Promise<ReviewDto> {
  const r = await findReview(db, number);
  const config = await getConfiguration(db, r.configuration_id);
  const [users, notesList, approvers, decisions, docs, groups, source, actors] = await Promise.all([
    approvalUserIds(db, r.id),
    db.selectFrom('review_work_notes_list').select('user_id').where('review_id', '=', r.id).orderBy('user_id').execute(),
    r.approval_round ? roundApprovers(db, r.id, r.approval_round) : Promise.resolve([]),
    db.selectFrom('review_decisions').selectAll().where('review_id', '=', r.id).where('round', '=', r.approval_round).orderBy('id').execute(),
    db.selectFrom('review_documents').select(['id', 'doc_version', 'published_at', 'customer_visible']).where('review_id', '=', r.id).orderBy('doc_version', 'desc').execute(),
    db.selectFrom('groups').select(['id', 'name']).where('id', 'in', [r.assignment_group_id ?? 0, r.approval_group_id ?? 0]).execute(),
    r.source_review_id ? db.selectFrom('reviews').select('number').where('id', '=', r.source_review_id).executeTakeFirst() : Promise.resolve(undefined),
    actorsOf(db, who, r),
  ]);
  const names = approvers.length ? await db.selectFrom('users').select(['id', 'name']).where('id', 'in', approvers).execute() : [];
  const closed = r.case_final === 1;
  return {
    ...summaryOf(r),
    caseId: r.case_id,
    caseShortDescription: r.case_short_description,
    caseStatus: r.case_status,
    caseStatusLabel: r.case_status_label,
    caseClosed: closed,
    caseClosedNotice: closed ? `The associated case ${r.case_number} has been ${r.case_status === 'canceled' ? 'canceled' : 'closed'}.` : null,
    assignmentGroupId: r.assignment_group_id,
    assignmentGroupName: groups.find((g) => g.id === r.assignment_group_id)?.name ?? null,
    approvalGroupId: r.approval_group_id,
    approvalGroupName: groups.find((g) => g.id === r.approval_group_id)?.name ?? null,
    approvalUserIds: users,
    summary: r.summary,
    symptoms: r.symptoms,
    affectedAssets: r.affected_assets,
    rootCause: r.root_cause,
    solution: r.solution,
    preventiveMeasures: r.preventive_measures,
    customerVisible: r.customer_visible === 1,
    workNotesList: notesList.map((n) => n.user_id),
    configurationId: r.configuration_id,
    approvalRequired: config.approvalRequired,
    approvalPolicy: config.approvalPolicy,
    approvalRound: r.approval_round,
    approvers: approvers.map((userId) => {
      const d = [...decisions].reverse().find((x) => x.user_id === userId);
      return { userId, name: names.find((n) => n.id === userId)?.name ?? `user ${userId}`, decision: d?.decision ?? null, at: d?.at ?? null, comment: d?.comment ?? null };
    }),
    latestDocument: docs[0] ? { id: docs[0].id, version: docs[0].doc_version, publishedAt: docs[0].published_at, customerVisible: docs[0].customer_visible === 1 } : null,
    documentCount: docs.length,
    sourceReviewNumber: source?.number ?? null,
    childCopies: r.case_major === 1 ? await copyProgress(db, r.id, r.case_id) : null,
    locallyEdited: r.locally_edited === 1,
    allowedActions: allowedReviewActions(r.state, actors, config.approvalRequired),
    editable: isReviewEditable(r.state) && actors.includes('author'),
    createdAt: r.created_at,
  };
}

export async function listReviews(db: Kysely<DB>, who: Staff, q: { state?: ReviewState[]; assignedTo?: 'me' | number; approver?: 'me'; cursor?: string; limit: number }) {
  let query = reviewsWithCase(db);
  if (q.state?.length) query = query.where('reviews.state', 'in', q.state);
  if (q.assignedTo) query = query.where('reviews.assigned_to_id', '=', q.assignedTo === 'me' ? who.id : q.assignedTo);
  if (q.approver === 'me') {
    // Waiting for my decision: I am an approver of the current round and have not decided yet.
    query = query
      .where('reviews.state', '=', 'awaiting_approval')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('review_round_approvers as ra')
            .select('ra.user_id')
            .whereRef('ra.review_id', '=', 'reviews.id')
            .whereRef('ra.round', '=', 'reviews.approval_round')
            .where('ra.user_id', '=', who.id),
        ),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('review_decisions as d')
              .select('d.id')
              .whereRef('d.review_id', '=', 'reviews.id')
              .whereRef('d.round', '=', 'reviews.approval_round')
              .where('d.user_id', '=', who.id),
          ),
        ),
      );
  }
  query = whereAfter(query, 'reviews.updated_at', 'reviews.id', decodeCursor(q.cursor, 2), '<');
  const rows = await query.orderBy('reviews.updated_at', 'desc').orderBy('reviews.id', 'desc').limit(q.limit + 1).execute();
  return page(rows, q.limit, (r) => [r.updated_at, r.id], summaryOf);
}

// ---- creating

export interface ReviewAvailability {
  allowed: boolean;
  reason: string | null;
  reviewNumber: string | null;
}

/** Whether "Create Post Case Review" is offered on a case for this user, and why not (SPEC §7.3, §8). */
export async function reviewAvailability(db: Kysely<DB>, who: Principal, caseId: number): Promise<ReviewAvailability> {
  const c = await db
    .selectFrom('cases')
    .innerJoin('statuses', 'statuses.key', 'cases.status')
    .leftJoin('cases as parent', 'parent.id', 'cases.parent_id')
    .select(['cases.number', 'cases.major', 'cases.parent_id', 'parent.number as parent_number', 'statuses.resolved', 'statuses.label'])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
  if (!c) throw notFound(`Case ${caseId}`);
  const existing = await db.selectFrom('reviews').select('number').where('case_id', '=', caseId).executeTakeFirst();
  if (existing) return { allowed: false, reason: `Case ${c.number} already has review ${existing.number}`, reviewNumber: existing.number };
  if (c.resolved !== 1) return { allowed: false, reason: `Case ${c.number} is ${c.label.toLowerCase()}: a review needs a resolved case`, reviewNumber: null };
  const majorOn = (await getProperty(db, 'reviews.majorCaseReviews.enabled')) === true;
  if (majorOn && c.parent_id) {
    return { allowed: false, reason: `Case ${c.number} is a child of major case ${c.parent_number}: its review comes from the major case`, reviewNumber: null };
  }
  if (c.major === 1) {
    if (!majorOn) return { allowed: false, reason: 'Major-case reviews are turned off (reviews.majorCaseReviews.enabled)', reviewNumber: null };
    if (!hasRole(who, ...MAJOR_ROLES)) return { allowed: false, reason: 'Only a manager or major issue manager creates the review of a major case', reviewNumber: null };
  }
  return { allowed: true, reason: null, reviewNumber: null };
}

function assetList(assets: { name: string; serial_number: string | null; product: string | null }[]): string {
  return assets.map((a) => `- ${a.name}${a.serial_number ? ` (serial ${a.serial_number})` : ''}${a.product ? ` — ${a.product}` : ''}`).join('\n');
}

/** The case values a configuration can copy into a review. Major cases give no account data. */
async function caseSourceValues(db: Kysely<DB>, caseId: number, major: boolean): Promise<Record<string, string>> {
  const c = await db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
  const assets = major
    ? []
    : await db.selectFrom('case_assets').innerJoin('assets', 'assets.id', 'case_assets.asset_id').select(['assets.name', 'assets.serial_number', 'assets.product']).where('case_assets.case_id', '=', caseId).orderBy('assets.name').execute();
  return {
    shortDescription: c.short_description,
    description: c.description,
    cause: c.cause ?? '',
    resolutionNotes: c.resolution_notes ?? '',
    resolutionCode: c.resolution_code ?? '',
    product: c.product ?? '',
    category: c.category ?? '',
    assets: assetList(assets),
  };
}

const REVIEW_COLUMN: Record<string, keyof ReviewRow> = {
  shortDescription: 'short_description',
  summary: 'summary',
  symptoms: 'symptoms',
  affectedAssets: 'affected_assets',
  rootCause: 'root_cause',
  solution: 'solution',
  preventiveMeasures: 'preventive_measures',
};

export function mappedValues(mappings: FieldMapping[], source: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of mappings) out[REVIEW_COLUMN[m.reviewField]!] = (source[m.caseField] ?? '').slice(0, m.reviewField === 'shortDescription' ? 300 : 100_000);
  return out;
}

/** Creates the review of a resolved case with the configuration's mapped fields (SPEC §7.3). */
export async function createReview(db: Kysely<DB>, who: Staff, caseNumber: string): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const c = await lockRows(trx, trx.selectFrom('cases').select(['id', 'major', 'assignee_id', 'assignment_group_id', 'short_description']).where('number', '=', caseNumber)).executeTakeFirst();
    if (!c) throw notFound(`Case ${caseNumber}`);
    const availability = await reviewAvailability(trx, who, c.id);
    if (!availability.allowed) {
      if (availability.reviewNumber) throw conflict(availability.reason!, { reviewNumber: availability.reviewNumber });
      throw ruleViolation(availability.reason!);
    }
    const config = await configurationFor(trx, c.major === 1 ? 'major' : 'ordinary');
    const values = mappedValues(config.fieldMappings, await caseSourceValues(trx, c.id, c.major === 1));
    const number = await nextNumber(trx, 'review');
    const now = clock.nowIso();
    const row = await trx
      .insertInto('reviews')
      .values({
        number,
        case_id: c.id,
        configuration_id: config.id,
        state: 'new',
        assigned_to_id: who.id,
        assignment_group_id: c.assignment_group_id,
        short_description: values.short_description ?? c.short_description,
        ...values,
        customer_visible: config.customerVisibleDefault ? 1 : 0,
        created_by: who.id,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('review_work_notes_list').values({ review_id: row.id, user_id: who.id }).execute();
    await auditCreate(trx, who, 'review', row.id, { number, caseNumber, state: 'new', ...values });
    return number;
  });
}

// ---- changing

async function lockReview(trx: Kysely<DB>, number: string): Promise<ReviewRow> {
  const r = await lockRows(trx, trx.selectFrom('reviews').selectAll().where('number', '=', number)).executeTakeFirst();
  if (!r) throw notFound(`Review ${number}`);
  return r;
}

interface Step {
  trx: Kysely<DB>;
  review: ReviewRow;
  full: ReviewWithCase;
  config: Awaited<ReturnType<typeof getConfiguration>>;
  to: ReviewState | null | 'decided';
}

/** One review action in one transaction: lock, check the table, do the work, audit. */
async function reviewAction(db: Kysely<DB>, who: Staff, number: string, action: ReviewAction, expected: number | undefined, work: (s: Step) => Promise<Record<string, unknown> | void>) {
  await db.transaction().execute(async (trx) => {
    const review = await lockReview(trx, number);
    const full = await findReview(trx, number);
    const config = await getConfiguration(trx, review.configuration_id);
    const to = assertReviewTransition(review.state, action, await actorsOf(trx, who, full), config.approvalRequired);
    const changes = (await work({ trx, review, full, config, to })) ?? {};
    if (to && to !== 'decided' && changes.state === undefined) changes.state = to;
    await updateVersioned(trx, { table: 'reviews', entity: 'review', before: review, changes, expected, actor: who, touch: true });
  });
}

const reviewUrl = (number: string) => `${runtime.publicUrl}/reviews/${number}`;

/** Tells users by in-app notification and mail (SPEC §7.5). */
async function tell(
  trx: Kysely<DB>,
  who: Staff,
  review: Pick<ReviewRow, 'id' | 'number' | 'short_description' | 'case_id' | 'version'>,
  userIds: number[],
  template: StaffTemplateKey,
  title: string,
  extra: Record<string, unknown> = {},
) {
  const recipients = [...new Set(userIds)].filter((u) => u !== who.id);
  if (!recipients.length) return;
  await notifyUsers(trx, recipients, { kind: template, caseId: review.case_id, title, body: review.short_description });
  const caseNumber = (await trx.selectFrom('cases').select('number').where('id', '=', review.case_id).executeTakeFirstOrThrow()).number;
  for (const userId of recipients) {
    await queueStaffMail(trx, {
      userId,
      template,
      caseId: review.case_id,
      idempotencyKey: `review:${review.id}:${template}:v${review.version + 1}:u${userId}`,
      data: { review: { number: review.number, shortDescription: review.short_description, url: reviewUrl(review.number) }, case: { number: caseNumber }, actor: { name: who.name }, ...extra },
    });
  }
}

async function assertActiveUsers(trx: Kysely<DB>, ids: number[], field: string) {
  if (!ids.length) return;
  const found = await trx.selectFrom('users').select('id').where('id', 'in', ids).where('active', '=', 1).execute();
  const missing = ids.filter((i) => !found.some((f) => f.id === i));
  if (missing.length) throw badRequest(`${field}: no such active users ${missing.join(', ')}`, { fields: [{ field: `body.${field}`, message: `no such active users: ${missing.join(', ')}` }] });
}
/** Named approval users must be active users who may approve (managers or admins). */
async function assertApprovers(trx: Kysely<DB>, ids: number[], field: string) {
  await assertActiveUsers(trx, ids, field);
  const allowed = await mayApprove(trx, ids);
  const not = ids.filter((i) => !allowed.includes(i));
  if (not.length) {
    const names = (await trx.selectFrom('users').select('name').where('id', 'in', not).orderBy('id').execute()).map((u) => u.name);
    const message = `cannot approve (only managers approve reviews): ${names.join(', ')}`;
    throw badRequest(`${field}: ${message}`, { fields: [{ field: `body.${field}`, message }] });
  }
}
async function assertGroup(trx: Kysely<DB>, groupId: number | null | undefined, field: string) {
  if (!groupId) return;
  if (!(await trx.selectFrom('groups').select('id').where('id', '=', groupId).where('active', '=', 1).executeTakeFirst())) {
    throw badRequest(`${field}: no such active group`, { fields: [{ field: `body.${field}`, message: 'no such active group' }] });
  }
}

async function replaceSet(trx: Kysely<DB>, table: 'review_approval_users' | 'review_work_notes_list', reviewId: number, userIds: number[]) {
  await trx.deleteFrom(table).where('review_id', '=', reviewId).execute();
  if (userIds.length) await trx.insertInto(table).values(userIds.map((user_id) => ({ review_id: reviewId, user_id }))).execute();
}

/** Saves field changes (new and in progress only); the first save moves a new review to in progress. */
export async function updateReview(db: Kysely<DB>, who: Staff, number: string, input: z.infer<typeof updateReviewBody>, expected: number | undefined) {
  await reviewAction(db, who, number, 'edit', expected, async ({ trx, review }) => {
    if (input.assignedToId) await assertActiveUsers(trx, [input.assignedToId], 'assignedToId');
    await assertGroup(trx, input.assignmentGroupId, 'assignmentGroupId');
    await assertGroup(trx, input.approvalGroupId, 'approvalGroupId');
    if (input.approvalUserIds) {
      const ids = [...new Set(input.approvalUserIds)].sort((a, b) => a - b);
      await assertApprovers(trx, ids, 'approvalUserIds');
      await replaceSet(trx, 'review_approval_users', review.id, ids);
    }
    if (input.workNotesList) {
      const ids = [...new Set(input.workNotesList)].sort((a, b) => a - b);
      await assertActiveUsers(trx, ids, 'workNotesList');
      await replaceSet(trx, 'review_work_notes_list', review.id, ids);
    }
    const text: Record<string, unknown> = {};
    for (const [k, col] of Object.entries(REVIEW_COLUMN)) {
      const v = (input as Record<string, unknown>)[k];
      if (v !== undefined) text[col] = v;
    }
    const edited = Object.entries(text).some(([col, v]) => review[col as keyof ReviewRow] !== v);
    return {
      ...text,
      customer_visible: input.customerVisible === undefined ? undefined : input.customerVisible ? 1 : 0,
      assigned_to_id: input.assignedToId,
      assignment_group_id: input.assignmentGroupId,
      approval_group_id: input.approvalGroupId,
      commitment_date: input.commitmentDate,
      // A copy of a major-case review changed here is not overwritten by the next copy (SPEC §8).
      locally_edited: review.source_review_id && edited ? 1 : undefined,
    };
  });
}

/** Request approval: needs approvers (group and/or users); locks the record; mails each approver. */
export async function requestApproval(db: Kysely<DB>, who: Staff, number: string, body: { approvalGroupId?: number | null; approvalUserIds?: number[] } = {}, expected?: number) {
  await reviewAction(db, who, number, 'request-approval', expected, async ({ trx, review }) => {
    if (body.approvalGroupId !== undefined) await assertGroup(trx, body.approvalGroupId, 'approvalGroupId');
    if (body.approvalUserIds) {
      const ids = [...new Set(body.approvalUserIds)].sort((a, b) => a - b);
      await assertApprovers(trx, ids, 'approvalUserIds');
      await replaceSet(trx, 'review_approval_users', review.id, ids);
    }
    const groupId = body.approvalGroupId !== undefined ? body.approvalGroupId : review.approval_group_id;
    // Four eyes: whoever asks for approval is no approver of their own request.
    const approvers = (await namedApprovers(trx, { id: review.id, approval_group_id: groupId })).filter((u) => u !== who.id);
    if (approvers.length === 0) {
      throw ruleViolation('Name an approval group with managers or approval users (managers other than yourself) before requesting approval', {
        fields: [{ field: 'body.approvalUserIds', message: 'no approvers' }],
      });
    }
    const round = review.approval_round + 1;
    await trx.insertInto('review_round_approvers').values(approvers.map((user_id) => ({ review_id: review.id, round, user_id }))).execute();
    await tell(trx, who, review, approvers, 'review_approval_requested', `Please approve ${review.number}`);
    return { approval_group_id: groupId, approval_round: round };
  });
}

/** Approve: recorded for the round; policy any → approved now, all → once every approver has. */
export async function approve(db: Kysely<DB>, who: Staff, number: string, body: { comment?: string } = {}, expected?: number) {
  await reviewAction(db, who, number, 'approve', expected, async ({ trx, review, config }) => {
    const round = review.approval_round;
    const already = await trx.selectFrom('review_decisions').select('id').where('review_id', '=', review.id).where('round', '=', round).where('user_id', '=', who.id).executeTakeFirst();
    if (already) throw conflict('You already decided in this approval round');
    await trx.insertInto('review_decisions').values({ review_id: review.id, round, user_id: who.id, decision: 'approved', comment: body.comment ?? null, at: clock.nowIso() }).execute();
    const required = await roundApprovers(trx, review.id, round);
    const approved = (await trx.selectFrom('review_decisions').select('user_id').where('review_id', '=', review.id).where('round', '=', round).where('decision', '=', 'approved').execute()).map((d) => d.user_id);
    const done = config.approvalPolicy === 'any' || required.every((u) => approved.includes(u));
    if (!done) return { state: 'awaiting_approval' };
    if (review.assigned_to_id) await tell(trx, who, review, [review.assigned_to_id], 'review_approved', `${review.number} was approved`, { comment: body.comment ?? '' });
    return { state: 'approved' };
  });
}

/** Suggest changes: the approver's work note; back to in progress; the assignee is told. */
export async function suggestChanges(db: Kysely<DB>, who: Staff, number: string, body: { workNote: string }, expected?: number) {
  await reviewAction(db, who, number, 'suggest-changes', expected, async ({ trx, review }) => {
    const now = clock.nowIso();
    await trx.insertInto('review_decisions').values({ review_id: review.id, round: review.approval_round, user_id: who.id, decision: 'changes_suggested', comment: body.workNote, at: now }).execute();
    await trx.insertInto('review_work_notes').values({ review_id: review.id, author_id: who.id, body: body.workNote, created_at: now }).execute();
    if (review.assigned_to_id) await tell(trx, who, review, [review.assigned_to_id], 'review_changes_suggested', `Changes suggested on ${review.number}`, { note: body.workNote });
  });
}

/** Reopen a published review for edits; publishing again makes the next version. */
export async function reopenReview(db: Kysely<DB>, who: Staff, number: string, expected?: number) {
  await reviewAction(db, who, number, 'reopen', expected, async () => undefined);
}

/** A work note on the review; the work notes list is told (SPEC §7.5). */
export async function addWorkNote(db: Kysely<DB>, who: Staff, number: string, body: string) {
  await db.transaction().execute(async (trx) => {
    const review = await lockReview(trx, number);
    const full = await findReview(trx, number);
    const config = await getConfiguration(trx, review.configuration_id);
    assertReviewTransition(review.state, 'work-note', await actorsOf(trx, who, full), config.approvalRequired);
    await trx.insertInto('review_work_notes').values({ review_id: review.id, author_id: who.id, body, created_at: clock.nowIso() }).execute();
    const list = (await trx.selectFrom('review_work_notes_list').select('user_id').where('review_id', '=', review.id).execute()).map((r) => r.user_id);
    const noteKey = { ...review, version: Number((await trx.selectFrom('review_work_notes').select((eb) => eb.fn.countAll<number>().as('n')).where('review_id', '=', review.id).executeTakeFirstOrThrow()).n) };
    await tell(trx, who, noteKey, list, 'review_work_note', `Work note on ${review.number}`, { note: body });
  });
}

export type { ReviewWithCase };
export { findReview, actorsOf, lockReview, namedApprovers, reviewUrl, MAJOR_ROLES };

/** The review's activity history, newest first: field and state changes, decisions, work notes, publications. */
export async function reviewHistory(db: Kysely<DB>, number: string) {
  const r = await findReview(db, number);
  const [audit, decisions, notes, docs] = await Promise.all([
    db.selectFrom('audit_log').selectAll().where('entity', '=', 'review').where('entity_id', '=', r.id).orderBy('id', 'desc').limit(500).execute(),
    db.selectFrom('review_decisions').selectAll().where('review_id', '=', r.id).execute(),
    db.selectFrom('review_work_notes').selectAll().where('review_id', '=', r.id).execute(),
    db.selectFrom('review_documents').selectAll().where('review_id', '=', r.id).execute(),
  ]);
  const userIds = [...new Set([...audit.map((a) => a.actor_id), ...decisions.map((d) => d.user_id), ...notes.map((n) => n.author_id), ...docs.map((d) => d.published_by)].filter((x): x is number => !!x))];
  const users = userIds.length ? await db.selectFrom('users').select(['id', 'name']).where('id', 'in', userIds).execute() : [];
  const name = (id: number | null) => (id ? (users.find((u) => u.id === id)?.name ?? null) : 'Casebook');
  type Entry = { at: string; kind: 'change' | 'decision' | 'work_note' | 'document'; actorName: string | null; text: string; changes?: { field: string | null; oldValue: string | null; newValue: string | null }[] };
  const entries: Entry[] = [];
  const groups = new Map<string, typeof audit>();
  for (const a of audit) groups.set(`${a.at}|${a.actor_id}|${a.action}`, [...(groups.get(`${a.at}|${a.actor_id}|${a.action}`) ?? []), a]);
  for (const rows of groups.values()) {
    const a = rows[0]!;
    const state = rows.find((x) => x.field === 'state');
    entries.push({
      at: a.at,
      kind: 'change',
      actorName: name(a.actor_id),
      text: a.action === 'create' ? 'created the review' : state ? `moved it from ${state.old_value} to ${state.new_value}` : `changed ${rows.map((x) => x.field).join(', ')}`,
      changes: rows.reverse().map((x) => ({ field: x.field, oldValue: x.old_value, newValue: x.new_value })),
    });
  }
  for (const d of decisions) entries.push({ at: d.at, kind: 'decision', actorName: name(d.user_id), text: d.decision === 'approved' ? `approved${d.comment ? `: ${d.comment}` : ''}` : `suggested changes: ${d.comment ?? ''}` });
  for (const n of notes) entries.push({ at: n.created_at, kind: 'work_note', actorName: name(n.author_id), text: n.body });
  for (const d of docs) entries.push({ at: d.published_at, kind: 'document', actorName: name(d.published_by), text: `published version ${d.doc_version}${d.customer_visible ? ' (customer-visible)' : ' (internal)'}` });
  const order = { change: 3, decision: 1, work_note: 2, document: 0 };
  return entries.sort((a, b) => (a.at === b.at ? order[a.kind] - order[b.kind] : a.at < b.at ? 1 : -1));
}
