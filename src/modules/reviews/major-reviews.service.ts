import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import { hasRole } from '../../platform/access.js';
import { auditCreate, updateVersioned } from '../../platform/records.js';
import { clock } from '../../platform/clock.js';
import { AppError, badRequest, conflict, ruleViolation } from '../../platform/errors.js';
import type { FileStore } from '../../platform/files.js';
import { nextNumber } from '../../platform/numbering.js';
import { getProperty } from '../settings/settings.service.js';
import { configurationFor } from './configurations.service.js';
import type { DocumentRenderer } from './review-document.js';
import { publishReview } from './review-publishing.service.js';
import { findReview, lockReview, MAJOR_ROLES, type Staff } from './reviews.service.js';

// Copy to child cases (SPEC §8): the major case's review becomes each child's review, and each
// child's document is rendered with that child's own account, contact and assets. A copy
// remembers its source; a copy edited locally is kept unless the caller says overwrite.

export const copyBody = z
  .strictObject({
    caseNumbers: z.array(z.string().max(20).regex(/^CS\d{7,}$/, 'must be case numbers')).max(500).optional(),
    publish: z.boolean().optional(),
    overwrite: z.boolean().optional(),
  })
  .nullish();

export const copyResultSchema = z.object({
  caseNumber: z.string(),
  accountName: z.string().nullable(),
  reviewNumber: z.string().nullable(),
  outcome: z.enum(['created', 'updated', 'skipped']),
  published: z.boolean(),
  documentVersion: z.number().nullable(),
  reason: z.string().nullable(),
});
export type CopyResult = z.infer<typeof copyResultSchema>;

const CONTENT = ['short_description', 'summary', 'symptoms', 'root_cause', 'solution', 'preventive_measures'] as const;

async function childAssets(db: Kysely<DB>, caseId: number): Promise<string> {
  const rows = await db
    .selectFrom('case_assets')
    .innerJoin('assets', 'assets.id', 'case_assets.asset_id')
    .select(['assets.name', 'assets.serial_number', 'assets.product'])
    .where('case_assets.case_id', '=', caseId)
    .orderBy('assets.name')
    .execute();
  return rows.map((a) => `- ${a.name}${a.serial_number ? ` (serial ${a.serial_number})` : ''}${a.product ? ` — ${a.product}` : ''}`).join('\n');
}

export async function copyToChildren(
  db: Kysely<DB>,
  renderer: DocumentRenderer,
  store: FileStore,
  who: Staff,
  number: string,
  options: { caseNumbers?: string[]; publish?: boolean; overwrite?: boolean } = {},
): Promise<CopyResult[]> {
  if (!hasRole(who, ...MAJOR_ROLES)) throw new AppError('forbidden', 'Only a manager or major issue manager copies major-case reviews');
  if ((await getProperty(db, 'reviews.majorCaseReviews.enabled')) !== true) throw ruleViolation('Major-case reviews are turned off (reviews.majorCaseReviews.enabled)');
  const source = await findReview(db, number);
  if (source.case_major !== 1) throw ruleViolation(`${number} is not the review of a major case`);
  if (source.state !== 'approved' && source.state !== 'published') throw conflict(`${number} is ${source.state.replace('_', ' ')}: copy it once it is approved or published`);

  let children = await db
    .selectFrom('cases')
    .innerJoin('statuses', 'statuses.key', 'cases.status')
    .leftJoin('accounts', 'accounts.id', 'cases.account_id')
    .select(['cases.id', 'cases.number', 'cases.assignment_group_id', 'statuses.resolved', 'statuses.label', 'accounts.name as account_name'])
    .where('cases.parent_id', '=', source.case_id)
    .orderBy('cases.number')
    .execute();
  if (options.caseNumbers) {
    const unknown = options.caseNumbers.filter((n) => !children.some((c) => c.number === n));
    if (unknown.length) throw badRequest(`Not children of ${source.case_number}: ${unknown.join(', ')}`, { fields: [{ field: 'body.caseNumbers', message: `not children: ${unknown.join(', ')}` }] });
    children = children.filter((c) => options.caseNumbers!.includes(c.number));
  }
  const ordinary = await configurationFor(db, 'ordinary');
  // Copies carry the major case's approval; without an approval workflow they wait in progress.
  const copyState = ordinary.approvalRequired ? ('approved' as const) : ('in_progress' as const);
  const results: CopyResult[] = [];

  for (const child of children) {
    const base = { caseNumber: child.number, accountName: child.account_name, published: false, documentVersion: null };
    if (child.resolved !== 1) {
      results.push({ ...base, reviewNumber: null, outcome: 'skipped', reason: `the case is ${child.label.toLowerCase()}, not resolved` });
      continue;
    }
    const outcome = await db.transaction().execute(async (trx) => {
      const major = await lockReview(trx, number);
      const content = Object.fromEntries(CONTENT.map((k) => [k, major[k]])) as Record<(typeof CONTENT)[number], string>;
      const affected_assets = await childAssets(trx, child.id);
      const existing = await trx.selectFrom('reviews').selectAll().where('case_id', '=', child.id).executeTakeFirst();
      if (!existing) {
        const reviewNumber = await nextNumber(trx, 'review');
        const now = clock.nowIso();
        const row = await trx
          .insertInto('reviews')
          .values({
            number: reviewNumber,
            case_id: child.id,
            configuration_id: ordinary.id,
            state: copyState,
            assigned_to_id: who.id,
            assignment_group_id: child.assignment_group_id,
            ...content,
            affected_assets,
            customer_visible: major.customer_visible,
            approval_round: 0,
            source_review_id: major.id,
            locally_edited: 0,
            created_by: who.id,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await auditCreate(trx, who, 'review', row.id, { number: reviewNumber, copiedFrom: major.number, state: copyState });
        return { reviewNumber, outcome: 'created' as const, reason: null };
      }
      if (existing.source_review_id !== major.id) {
        return { reviewNumber: existing.number, outcome: 'skipped' as const, reason: 'the case has a review of its own, not a copy of this one' };
      }
      if (existing.locally_edited === 1 && !options.overwrite) {
        return { reviewNumber: existing.number, outcome: 'skipped' as const, reason: 'the copy was edited since it was copied; copy with overwrite to replace it' };
      }
      await updateVersioned(trx, {
        table: 'reviews',
        entity: 'review',
        before: existing,
        changes: { ...content, affected_assets, customer_visible: major.customer_visible, state: copyState, locally_edited: 0 },
        expected: undefined,
        actor: who,
        touch: true,
        extraAudit: { before: { copiedFrom: null }, after: { copiedFrom: major.number } },
      });
      return { reviewNumber: existing.number, outcome: 'updated' as const, reason: null };
    });
    let published = false;
    let documentVersion: number | null = null;
    if (options.publish && outcome.outcome !== 'skipped') {
      documentVersion = await publishReview(db, renderer, store, who, outcome.reviewNumber);
      published = true;
    }
    results.push({ ...base, ...outcome, published, documentVersion });
  }
  return results;
}

/** How far a major review has reached its children: how many have a published copy. */
export async function copyProgress(db: Kysely<DB>, reviewId: number, caseId: number) {
  const [children, published] = await Promise.all([
    db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('parent_id', '=', caseId).executeTakeFirstOrThrow(),
    db.selectFrom('reviews').select((eb) => eb.fn.countAll<number>().as('n')).where('source_review_id', '=', reviewId).where('state', '=', 'published').executeTakeFirstOrThrow(),
  ]);
  return { children: Number(children.n), published: Number(published.n) };
}
