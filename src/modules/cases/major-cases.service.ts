import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import { lockRows } from '../../db/sql.js';
import { hasRole, type Role } from '../../platform/access.js';
import { AppError, badRequest, conflict, notFound, ruleViolation } from '../../platform/errors.js';
import { updateVersioned } from '../../platform/records.js';
import { isEditable } from './case.workflow.js';
import { resolve } from './case-actions.service.js';
import type { Staff } from './cases.service.js';
import { toFlags } from './statuses.service.js';

// Major cases (SPEC §8): a manager or major issue manager marks a case major and links other
// cases — of any account — as its children; they can be resolved together with it.

const MAJOR_ROLES: Role[] = ['manager', 'major_issue_manager', 'admin'];

function assertMajorRole(who: Staff) {
  if (!hasRole(who, ...MAJOR_ROLES)) throw new AppError('forbidden', 'Only a manager or major issue manager manages major cases');
}

export const childSchema = z.object({
  id: z.number(),
  number: z.string(),
  shortDescription: z.string(),
  accountName: z.string().nullable(),
  contactName: z.string().nullable(),
  status: z.string(),
  statusLabel: z.string(),
  resolved: z.boolean(),
  reviewNumber: z.string().nullable(),
  reviewState: z.string().nullable(),
  reviewSourceNumber: z.string().nullable(),
});

export async function listChildren(db: Kysely<DB>, number: string) {
  const parent = await db.selectFrom('cases').select('id').where('number', '=', number).executeTakeFirst();
  if (!parent) throw notFound(`Case ${number}`);
  const rows = await db
    .selectFrom('cases')
    .innerJoin('statuses', 'statuses.key', 'cases.status')
    .leftJoin('accounts', 'accounts.id', 'cases.account_id')
    .leftJoin('contacts', 'contacts.id', 'cases.contact_id')
    .leftJoin('reviews', 'reviews.case_id', 'cases.id')
    .leftJoin('reviews as source', 'source.id', 'reviews.source_review_id')
    .select([
      'cases.id',
      'cases.number',
      'cases.short_description',
      'accounts.name as account_name',
      'contacts.name as contact_name',
      'cases.status',
      'statuses.label',
      'statuses.resolved',
      'reviews.number as review_number',
      'reviews.state as review_state',
      'source.number as source_number',
    ])
    .where('cases.parent_id', '=', parent.id)
    .orderBy('cases.number')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    shortDescription: r.short_description,
    accountName: r.account_name,
    contactName: r.contact_name,
    status: r.status,
    statusLabel: r.label,
    resolved: r.resolved === 1,
    reviewNumber: r.review_number,
    reviewState: r.review_state,
    reviewSourceNumber: r.source_number,
  }));
}

async function lockCase(trx: Kysely<DB>, number: string) {
  const row = await lockRows(trx, trx.selectFrom('cases').selectAll().where('number', '=', number)).executeTakeFirst();
  if (!row) throw notFound(`Case ${number}`);
  return row;
}

/** Marks a case major, or unmarks it while it has no children. */
export async function setMajor(db: Kysely<DB>, who: Staff, number: string, major: boolean, expected?: number) {
  assertMajorRole(who);
  await db.transaction().execute(async (trx) => {
    const row = await lockCase(trx, number);
    if (major && row.parent_id) throw conflict(`Case ${number} is a child of another major case; unlink it first`);
    if (!major) {
      const child = await trx.selectFrom('cases').select('number').where('parent_id', '=', row.id).limit(1).executeTakeFirst();
      if (child) throw conflict(`Case ${number} still has child cases (e.g. ${child.number}); unlink them first`);
    }
    await updateVersioned(trx, { table: 'cases', entity: 'case', before: row, changes: { major: major ? 1 : 0 }, expected, actor: who });
  });
}

/** Links cases as children of a major case: one parent each, no major case as a child, none final. */
export async function linkChildren(db: Kysely<DB>, who: Staff, number: string, childNumbers: string[]) {
  assertMajorRole(who);
  await db.transaction().execute(async (trx) => {
    const parent = await lockCase(trx, number);
    if (parent.major !== 1) throw ruleViolation(`Case ${number} is not a major case; mark it major first`);
    const problems: { field: string; message: string }[] = [];
    for (const childNumber of [...new Set(childNumbers)]) {
      const child = await lockRows(trx, trx.selectFrom('cases').selectAll().where('number', '=', childNumber)).executeTakeFirst();
      if (!child) problems.push({ field: 'body.caseNumbers', message: `${childNumber}: no such case` });
      else if (child.id === parent.id) problems.push({ field: 'body.caseNumbers', message: `${childNumber}: a case cannot be its own child` });
      else if (child.major === 1) problems.push({ field: 'body.caseNumbers', message: `${childNumber}: a major case cannot be a child` });
      else if (child.parent_id && child.parent_id !== parent.id) problems.push({ field: 'body.caseNumbers', message: `${childNumber}: already a child of another major case` });
      else if (child.parent_id !== parent.id) {
        const status = await trx.selectFrom('statuses').selectAll().where('key', '=', child.status).executeTakeFirstOrThrow();
        if (status.final === 1) problems.push({ field: 'body.caseNumbers', message: `${childNumber}: it is ${status.label.toLowerCase()}` });
        else await updateVersioned(trx, { table: 'cases', entity: 'case', before: child, changes: { parent_id: parent.id }, expected: undefined, actor: who });
      }
    }
    if (problems.length) throw badRequest(problems.map((p) => p.message).join('; '), { fields: problems });
  });
}

export async function unlinkChild(db: Kysely<DB>, who: Staff, number: string, childNumber: string) {
  assertMajorRole(who);
  await db.transaction().execute(async (trx) => {
    const parent = await lockCase(trx, number);
    const child = await lockCase(trx, childNumber);
    if (child.parent_id !== parent.id) throw notFound(`Case ${childNumber} as a child of ${number}`);
    await updateVersioned(trx, { table: 'cases', entity: 'case', before: child, changes: { parent_id: null }, expected: undefined, actor: who });
  });
}

/**
 * Resolves the major case (if it is not yet) and every open child with its resolution, in one
 * transaction; each child's contact gets its own resolved mail. Open activities of any of them
 * refuse it (422, listed per case) unless cancelOpenActivities.
 */
export async function resolveWithChildren(
  db: Kysely<DB>,
  who: Staff,
  number: string,
  body: { resolutionCode: string; cause?: string; resolutionNotes: string; cancelOpenActivities?: boolean },
): Promise<string[]> {
  assertMajorRole(who);
  return db.transaction().execute(async (trx) => {
    const parent = await lockCase(trx, number);
    if (parent.major !== 1) throw ruleViolation(`Case ${number} is not a major case`);
    const children = await trx.selectFrom('cases').selectAll().where('parent_id', '=', parent.id).orderBy('number').execute();
    const open = [];
    for (const c of [parent, ...children]) {
      const status = await trx.selectFrom('statuses').selectAll().where('key', '=', c.status).executeTakeFirstOrThrow();
      if (isEditable(toFlags(status))) open.push(c);
    }
    if (!body.cancelOpenActivities) {
      const blocked = await trx
        .selectFrom('activities')
        .innerJoin('cases', 'cases.id', 'activities.case_id')
        .select(['cases.number', 'activities.id', 'activities.type', 'activities.subject'])
        .where('activities.case_id', 'in', open.length ? open.map((c) => c.id) : [0])
        .where('activities.state', '=', 'open')
        .orderBy('cases.number')
        .execute();
      if (blocked.length) {
        throw ruleViolation(`Complete or cancel the open activities first (${blocked.length} on ${[...new Set(blocked.map((b) => b.number))].join(', ')})`, {
          openActivities: blocked.map((b) => ({ caseNumber: b.number, id: b.id, type: b.type, subject: b.subject })),
        });
      }
    }
    for (const c of open) await resolve(trx, who, c.number, body);
    return open.map((c) => c.number);
  });
}
