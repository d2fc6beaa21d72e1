import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Principal } from '../../platform/access.js';
import { clock } from '../../platform/clock.js';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import type { FileStore } from '../../platform/files.js';
import { runtime } from '../../platform/runtime.js';
import { updateVersioned } from '../../platform/records.js';
import { getProperty } from '../settings/settings.service.js';
import { queueCaseMail } from '../mail/outbox.service.js';
import { noteCaseUpdate } from '../watchers/watchers.service.js';
import { getConfiguration } from './configurations.service.js';
import { markdownTree } from './markdown.js';
import { TemplateError, type DocumentRenderer } from './review-document.js';
import { assertReviewTransition } from './review.workflow.js';
import { actorsOf, findReview, lockReview, type Staff } from './reviews.service.js';

// Rendering reviews to PDF: Preview (any state, nothing stored) and Publish to case (an
// immutable document version with its sha-256, a link comment on the case, even a closed one).

const PRIORITY = ['', '1 – Critical', '2 – High', '3 – Medium', '4 – Low'];
const when = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }) + ' UTC' : null;

/**
 * The data a document template receives. For a major case (SPEC §8) it carries no account,
 * contact or assets at all — so no template can print them.
 */
export async function documentData(db: Kysely<DB>, reviewId: number, publication: { version: number; publishedAt: string | null }, personalFor?: { caseId: number }) {
  const r = await db.selectFrom('reviews').selectAll().where('id', '=', reviewId).executeTakeFirstOrThrow();
  const caseId = personalFor?.caseId ?? r.case_id;
  const c = await db.selectFrom('cases').innerJoin('statuses', 'statuses.key', 'cases.status').selectAll('cases').select('statuses.label as status_label').where('cases.id', '=', caseId).executeTakeFirstOrThrow();
  const major = c.major === 1;
  const [account, contact, assets, decisions, assignee] = await Promise.all([
    !major && c.account_id ? db.selectFrom('accounts').select(['name', 'tier']).where('id', '=', c.account_id).executeTakeFirst() : undefined,
    !major && c.contact_id ? db.selectFrom('contacts').select(['name', 'email']).where('id', '=', c.contact_id).executeTakeFirst() : undefined,
    major
      ? []
      : db.selectFrom('case_assets').innerJoin('assets', 'assets.id', 'case_assets.asset_id').select(['assets.name', 'assets.serial_number', 'assets.product']).where('case_assets.case_id', '=', caseId).orderBy('assets.name').execute(),
    db
      .selectFrom('review_decisions')
      .innerJoin('users', 'users.id', 'review_decisions.user_id')
      .select(['users.name', 'review_decisions.decision', 'review_decisions.at', 'review_decisions.comment'])
      .where('review_decisions.review_id', '=', r.id)
      .where('review_decisions.round', '=', r.approval_round)
      .where('review_decisions.decision', '=', 'approved')
      .orderBy('review_decisions.id')
      .execute(),
    r.assigned_to_id ? db.selectFrom('users').select('name').where('id', '=', r.assigned_to_id).executeTakeFirst() : undefined,
  ]);
  return {
    company: { name: String(await getProperty(db, 'company.name')), address: String(await getProperty(db, 'company.address')) },
    review: {
      number: r.number,
      state: r.state,
      shortDescription: r.short_description,
      summary: markdownTree(r.summary),
      symptoms: markdownTree(r.symptoms),
      affectedAssets: markdownTree(r.affected_assets),
      rootCause: markdownTree(r.root_cause),
      solution: markdownTree(r.solution),
      preventiveMeasures: markdownTree(r.preventive_measures),
      customerVisible: r.customer_visible === 1,
      commitmentDate: when(r.commitment_date),
      assignedTo: assignee?.name ?? null,
      version: publication.version,
      publishedAt: when(publication.publishedAt),
      major,
    },
    case: {
      number: c.number,
      shortDescription: c.short_description,
      priority: c.priority,
      priorityLabel: PRIORITY[c.priority] ?? String(c.priority),
      product: c.product,
      category: c.category,
      statusLabel: c.status_label,
      resolutionCode: c.resolution_code,
      openedAt: when(c.opened_at),
      resolvedAt: when(c.resolved_at),
      closedAt: when(c.closed_at),
    },
    account: account ? { name: account.name, tier: account.tier } : null,
    contact: contact ? { name: contact.name, email: contact.email } : null,
    assets: assets.map((a) => ({ name: a.name, serialNumber: a.serial_number, product: a.product })),
    approvals: decisions.map((d) => ({ name: d.name, decision: 'Approved', at: when(d.at), comment: d.comment })),
    generatedAt: when(clock.nowIso()),
  };
}

async function templateOf(db: Kysely<DB>, configurationId: number) {
  const config = await getConfiguration(db, configurationId);
  return db.selectFrom('document_templates').select(['id', 'source', 'version']).where('id', '=', config.documentTemplateId).executeTakeFirstOrThrow();
}

function render(renderer: DocumentRenderer, source: string, data: unknown): Buffer {
  try {
    return renderer.render(source, data);
  } catch (err) {
    if (err instanceof TemplateError) throw new AppError('rule_violation', `The document template failed on this review: ${err.message}`, { problems: err.problems });
    throw err;
  }
}

/** Preview in any state: the current record through the template; nothing is stored. */
export async function previewReview(db: Kysely<DB>, renderer: DocumentRenderer, who: Staff, number: string): Promise<Buffer> {
  const r = await findReview(db, number);
  const config = await getConfiguration(db, r.configuration_id);
  assertReviewTransition(r.state, 'preview', await actorsOf(db, who, r), config.approvalRequired);
  const last = await db.selectFrom('review_documents').select((eb) => eb.fn.max('doc_version').as('v')).where('review_id', '=', r.id).executeTakeFirst();
  const template = await templateOf(db, r.configuration_id);
  return render(renderer, template.source, await documentData(db, r.id, { version: Number(last?.v ?? 0) + 1, publishedAt: null }));
}

// Links in comments and mails are absolute; in API answers they are paths on this server.
const documentUrl = (id: number) => `${runtime.publicUrl}${documentPath(id)}`;
const documentPath = (id: number) => `/api/v1/documents/${id}`;

/**
 * Publish to case: renders the next version, stores it (content-addressed, immutable), adds the
 * link comment to the case — customer-visible if the review is, else a work note — even when the
 * case is closed, and marks the review published. The contact is mailed when the document is
 * customer-visible. Returns the new version number.
 */
export async function publishReview(db: Kysely<DB>, renderer: DocumentRenderer, store: FileStore, who: Staff, number: string, expected?: number): Promise<number> {
  // Render first (outside the transaction), from a snapshot; the transaction checks the snapshot still holds.
  const snapshot = await findReview(db, number);
  const config = await getConfiguration(db, snapshot.configuration_id);
  assertReviewTransition(snapshot.state, 'publish', await actorsOf(db, who, snapshot), config.approvalRequired);
  if (expected !== undefined && expected !== snapshot.version) throw new AppError('stale_version', `The review has changed since you read it (now version ${snapshot.version})`, { currentVersion: snapshot.version });
  const last = await db.selectFrom('review_documents').select((eb) => eb.fn.max('doc_version').as('v')).where('review_id', '=', snapshot.id).executeTakeFirst();
  const version = Number(last?.v ?? 0) + 1;
  const publishedAt = clock.nowIso();
  const template = await templateOf(db, snapshot.configuration_id);
  const pdf = render(renderer, template.source, await documentData(db, snapshot.id, { version, publishedAt }));
  // Staged until the document's row commits, so a refused or interrupted publish leaves no file.
  const file = store.stageBuffer(pdf);

  try {
    await db.transaction().execute(async (trx) => {
      const review = await lockReview(trx, number);
      if (review.version !== snapshot.version) throw conflict(`Review ${number} changed while it was being published; publish again`);
      const docVersion = version;
      const doc = await trx
        .insertInto('review_documents')
        .values({
          review_id: review.id,
          doc_version: docVersion,
          sha256: file.sha256,
          size: file.size,
          customer_visible: review.customer_visible,
          published_by: who.id,
          published_at: publishedAt,
          template_id: template.id,
          template_version: template.version,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // The system's own publication comment: allowed on resolved and closed cases (SPEC §3.5, §7.6).
      const visibility = review.customer_visible === 1 ? 'customer' : 'internal';
      const comment = await trx
        .insertInto('comments')
        .values({
          case_id: review.case_id,
          visibility,
          body: `Post case review ${review.number}, version ${docVersion}, was published: ${documentUrl(doc.id)}`,
          author_type: 'user',
          author_id: who.id,
          created_at: publishedAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.updateTable('review_documents').set({ comment_id: comment.id }).where('id', '=', doc.id).execute();
      await noteCaseUpdate(trx, review.case_id, { kind: visibility === 'customer' ? 'comment' : 'work_note', who: who.name, text: `Post case review ${review.number}, version ${docVersion}, was published`, visibility, byUserId: who.id });
      await trx.updateTable('cases').set({ updated_at: publishedAt }).where('id', '=', review.case_id).execute();
      if (visibility === 'customer') {
        await queueCaseMail(trx, { caseId: review.case_id, template: 'review_published', idempotencyKey: `review:${review.id}:published:v${docVersion}`, publicUrl: runtime.publicUrl, commentId: comment.id });
      }
      await updateVersioned(trx, {
        table: 'reviews',
        entity: 'review',
        before: review,
        changes: { state: 'published' },
        expected: undefined,
        actor: who,
        touch: true,
        extraAudit: { before: { publishedVersion: docVersion - 1 || null }, after: { publishedVersion: docVersion } },
      });
    });
  } catch (err) {
    store.discard([file]);
    throw err;
  }
  store.promote(file);
  return version;
}

// ---- documents

export async function listDocuments(db: Kysely<DB>, number: string) {
  const r = await findReview(db, number);
  const rows = await db
    .selectFrom('review_documents')
    .leftJoin('users', 'users.id', 'review_documents.published_by')
    .selectAll('review_documents')
    .select('users.name as publisher')
    .where('review_id', '=', r.id)
    .orderBy('doc_version', 'desc')
    .execute();
  return rows.map((d) => ({
    id: d.id,
    reviewNumber: r.number,
    version: d.doc_version,
    sha256: d.sha256,
    size: d.size,
    customerVisible: d.customer_visible === 1,
    publishedById: d.published_by,
    publishedByName: d.publisher,
    publishedAt: d.published_at,
    url: documentPath(d.id),
  }));
}

/**
 * A published document for download. Staff may open every version; a customer only the newest
 * version of a customer-visible review of a case in their portal scope (404 otherwise).
 */
export async function documentFor(db: Kysely<DB>, who: Principal, id: number) {
  const d = await db
    .selectFrom('review_documents')
    .innerJoin('reviews', 'reviews.id', 'review_documents.review_id')
    .innerJoin('cases', 'cases.id', 'reviews.case_id')
    .select(['review_documents.id', 'review_documents.sha256', 'review_documents.size', 'review_documents.doc_version', 'review_documents.customer_visible', 'review_documents.review_id', 'reviews.number', 'cases.contact_id', 'cases.account_id'])
    .where('review_documents.id', '=', id)
    .executeTakeFirst();
  if (!d) throw notFound(`Document ${id}`);
  if (who.type === 'contact') {
    const wide = (await getProperty(db, 'portal.accountWideVisibility')) === true;
    const inScope = wide ? d.account_id === who.accountId : d.contact_id === who.id;
    const newest = await db.selectFrom('review_documents').select('id').where('review_id', '=', d.review_id).where('customer_visible', '=', 1).orderBy('doc_version', 'desc').executeTakeFirst();
    if (!inScope || d.customer_visible !== 1 || newest?.id !== d.id) throw notFound(`Document ${id}`);
  }
  return { ...d, fileName: `${d.number}-v${d.doc_version}.pdf` };
}

/** The portal's documents of a case: the newest customer-visible version of its review. */
export async function portalDocuments(db: Kysely<DB>, caseId: number) {
  const rows = await db
    .selectFrom('review_documents')
    .innerJoin('reviews', 'reviews.id', 'review_documents.review_id')
    .select(['review_documents.id', 'review_documents.doc_version', 'review_documents.published_at', 'review_documents.size', 'reviews.number', 'reviews.short_description'])
    .where('reviews.case_id', '=', caseId)
    .where('review_documents.customer_visible', '=', 1)
    .orderBy('review_documents.doc_version', 'desc')
    .limit(1)
    .execute();
  return rows.map((d) => ({ id: d.id, reviewNumber: d.number, title: d.short_description, version: d.doc_version, publishedAt: d.published_at, size: d.size, url: documentPath(d.id) }));
}
