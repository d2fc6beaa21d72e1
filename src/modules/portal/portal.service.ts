import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import type { Principal } from '../../platform/access.js';
import { clock } from '../../platform/clock.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import type { FileStore } from '../../platform/files.js';
import { text } from '../../platform/http.js';
import { decodeCursor, page } from '../../platform/pagination.js';
import { whereAfter } from '../../db/sql.js';
import { getProperty } from '../settings/settings.service.js';
import { createCase } from '../cases/cases.service.js';
import { reopenByCustomer } from '../cases/case-actions.service.js';
import { notifyUsers, groupMemberIds } from '../notifications/notifications.service.js';
import { storeUploads, type UploadedPart } from '../cases/conversation.service.js';
import { portalDocuments } from '../reviews/review-publishing.service.js';
import { noteCaseUpdate } from '../watchers/watchers.service.js';

// The customer portal. Every query is scoped to the signed-in contact's own cases (or its
// account's, with portal.accountWideVisibility) inside the query itself; what is out of scope is
// a 404. Customers see customer-visible comments and attachments only — never work notes.

export type Customer = Extract<Principal, { type: 'contact' }>;

export const portalCaseSchema = z.object({
  number: z.string(),
  shortDescription: z.string(),
  description: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  /** open: we are on it; waiting: we need your answer; resolved; closed (final). */
  phase: z.enum(['open', 'waiting', 'resolved', 'closed']),
  product: z.string().nullable(),
  contactName: z.string().nullable(),
  openedAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  canReply: z.boolean(),
});
export const portalAttachmentSchema = z.object({ id: z.number(), fileName: z.string(), contentType: z.string(), size: z.number(), createdAt: z.string() });
export const portalMessageSchema = z.object({
  id: z.number(),
  body: z.string(),
  fromCustomer: z.boolean(),
  authorName: z.string(),
  createdAt: z.string(),
  attachments: z.array(portalAttachmentSchema),
});
export const portalDocumentSchema = z.object({ id: z.number(), reviewNumber: z.string(), title: z.string(), version: z.number(), publishedAt: z.string(), size: z.number(), url: z.string() });
export const portalCaseDetailSchema = portalCaseSchema.extend({
  messages: z.array(portalMessageSchema),
  /** Published post case review documents: the newest customer-visible version. */
  documents: z.array(portalDocumentSchema),
  attachments: z.array(portalAttachmentSchema),
  resolutionNotes: z.string().nullable(),
});
export const createPortalCaseBody = z.strictObject({
  shortDescription: text(300),
  description: z.string().trim().max(100_000).optional(),
  product: z.string().trim().max(200).optional(),
  assetIds: z.array(z.number().int().positive()).max(50).optional(),
});
export const portalReplyBody = z.strictObject({ body: text(100_000), attachmentIds: z.array(z.number().int().positive()).max(20).optional() });

async function scopedCases(db: Kysely<DB>, who: Customer) {
  const wide = (await getProperty(db, 'portal.accountWideVisibility')) === true;
  return db
    .selectFrom('cases')
    .innerJoin('statuses', 'statuses.key', 'cases.status')
    .leftJoin('contacts', 'contacts.id', 'cases.contact_id')
    .select([
      'cases.id',
      'cases.number',
      'cases.short_description',
      'cases.description',
      'cases.status',
      'cases.product',
      'cases.opened_at',
      'cases.updated_at',
      'cases.resolved_at',
      'cases.resolution_notes',
      'cases.assignee_id',
      'cases.assignment_group_id',
      'statuses.label as status_label',
      'statuses.pause',
      'statuses.resolved',
      'statuses.final',
      'contacts.name as contact_name',
    ])
    .where(wide ? 'cases.account_id' : 'cases.contact_id', '=', wide ? who.accountId : who.id);
}
type Row = Awaited<ReturnType<Awaited<ReturnType<typeof scopedCases>>['executeTakeFirstOrThrow']>>;

const phase = (r: Row) => (r.final === 1 ? 'closed' : r.resolved === 1 ? 'resolved' : r.pause === 1 ? 'waiting' : 'open');
const toCase = (r: Row) => ({
  number: r.number,
  shortDescription: r.short_description,
  description: r.description,
  status: r.status,
  statusLabel: r.status_label,
  phase: phase(r) as 'open' | 'waiting' | 'resolved' | 'closed',
  product: r.product,
  contactName: r.contact_name,
  openedAt: r.opened_at,
  updatedAt: r.updated_at,
  resolvedAt: r.resolved_at,
  canReply: r.final !== 1,
});

async function findCase(db: Kysely<DB>, who: Customer, number: string): Promise<Row> {
  const row = await (await scopedCases(db, who)).where('cases.number', '=', number).executeTakeFirst();
  if (!row) throw notFound(`Case ${number}`);
  return row;
}

export async function listPortalCases(db: Kysely<DB>, who: Customer, q: { cursor?: string; limit: number }) {
  let query = await scopedCases(db, who);
  query = whereAfter(query, 'cases.updated_at', 'cases.id', decodeCursor(q.cursor, 2), '<');
  const rows = await query.orderBy('cases.updated_at', 'desc').orderBy('cases.id', 'desc').limit(q.limit + 1).execute();
  return page(rows, q.limit, (r) => [r.updated_at, r.id], toCase);
}

/** A case with its conversation as the customer may see it. */
export async function getPortalCase(db: Kysely<DB>, who: Customer, number: string) {
  const r = await findCase(db, who, number);
  const [comments, attachments] = await Promise.all([
    db
      .selectFrom('comments')
      .leftJoin('users', (j) => j.onRef('users.id', '=', 'comments.author_id').on('comments.author_type', '=', 'user'))
      .leftJoin('contacts', (j) => j.onRef('contacts.id', '=', 'comments.author_id').on('comments.author_type', '=', 'contact'))
      .select(['comments.id', 'comments.body', 'comments.author_type', 'comments.created_at', 'users.name as user_name', 'contacts.name as contact_name'])
      .where('comments.case_id', '=', r.id)
      .where('comments.visibility', '=', 'customer')
      .orderBy('comments.id')
      .execute(),
    db.selectFrom('attachments').selectAll().where('case_id', '=', r.id).where('visibility', '=', 'customer').orderBy('id').execute(),
  ]);
  const company = String(await getProperty(db, 'company.name'));
  const att = (a: (typeof attachments)[number]) => ({ id: a.id, fileName: a.file_name, contentType: a.content_type, size: a.size, createdAt: a.created_at });
  return {
    ...toCase(r),
    resolutionNotes: r.resolved === 1 ? r.resolution_notes : null,
    messages: comments.map((c) => ({
      id: c.id,
      body: c.body,
      fromCustomer: c.author_type === 'contact',
      authorName: c.author_type === 'contact' ? (c.contact_name ?? 'You') : c.author_type === 'user' ? `${c.user_name ?? 'Agent'} (${company})` : company,
      createdAt: c.created_at,
      attachments: attachments.filter((a) => a.comment_id === c.id).map(att),
    })),
    attachments: attachments.map(att),
    documents: await portalDocuments(db, r.id),
  };
}

/** A customer opens a case from the portal (channel portal, their contact and account). */
export async function createPortalCase(db: Kysely<DB>, who: Customer, input: z.infer<typeof createPortalCaseBody>) {
  // Another account's asset is "no such asset" to a customer: the answer must not tell it exists.
  const assetIds = [...new Set(input.assetIds ?? [])];
  if (assetIds.length) {
    const own = await db.selectFrom('assets').select('id').where('id', 'in', assetIds).where('account_id', '=', who.accountId).execute();
    const missing = assetIds.filter((id) => !own.some((a) => a.id === id));
    if (missing.length) throw badRequest(`body.assetIds: no such assets: ${missing.join(', ')}`, { fields: [{ field: 'body.assetIds', message: `no such assets: ${missing.join(', ')}` }] });
  }
  const number = await createCase(db, who, { ...input, contactId: who.id, accountId: who.accountId, channel: 'portal' });
  return getPortalCase(db, who, number);
}

/** The customer writes on their case; a paused or resolved case reopens, as with an email reply. */
export async function replyFromPortal(db: Kysely<DB>, who: Customer, number: string, input: z.infer<typeof portalReplyBody>) {
  await db.transaction().execute(async (trx) => {
    const r = await findCase(trx, who, number);
    if (r.final === 1) throw conflict(`Case ${number} is ${r.status_label.toLowerCase()}; please open a new case`);
    const now = clock.nowIso();
    const ids = [...new Set(input.attachmentIds ?? [])];
    if (ids.length) {
      const mine = await trx.selectFrom('attachments').select('id').where('case_id', '=', r.id).where('id', 'in', ids).where('comment_id', 'is', null).where('uploaded_by_type', '=', 'contact').where('uploaded_by_id', '=', who.id).execute();
      if (mine.length !== ids.length) throw badRequest('attachmentIds: not files you uploaded to this case', { fields: [{ field: 'body.attachmentIds', message: 'unknown or already used' }] });
    }
    const c = await trx.insertInto('comments').values({ case_id: r.id, visibility: 'customer', body: input.body, author_type: 'contact', author_id: who.id, created_at: now }).returning('id').executeTakeFirstOrThrow();
    if (ids.length) await trx.updateTable('attachments').set({ comment_id: c.id }).where('id', 'in', ids).execute();
    await trx.updateTable('cases').set({ updated_at: now }).where('id', '=', r.id).execute();
    await noteCaseUpdate(trx, r.id, { kind: 'comment', who: who.name, text: `Customer reply (portal): ${input.body}`, visibility: 'customer', byAddress: who.email });
    const reopened = await reopenByCustomer(trx, r.id, 'the customer replied in the portal');
    if (!reopened) {
      const notice = { kind: 'customer_reply', caseId: r.id, title: `${number}: new reply from the customer`, body: r.short_description };
      if (r.assignee_id) await notifyUsers(trx, [r.assignee_id], notice);
      else if (r.assignment_group_id) await notifyUsers(trx, await groupMemberIds(trx, r.assignment_group_id), notice);
    }
  });
  return getPortalCase(db, who, number);
}

/** Files a customer uploads to their case (then linked to a reply by id); they count against the account's quota. */
export async function uploadFromPortal(db: Kysely<DB>, store: FileStore, who: Customer, number: string, parts: AsyncIterable<UploadedPart>) {
  const assertOpen = async (q: Kysely<DB>) => {
    const r = await findCase(q, who, number);
    if (r.final === 1) throw conflict(`Case ${number} is ${r.status_label.toLowerCase()}; please open a new case`);
    return r;
  };
  const r = await assertOpen(db);
  const rows = await storeUploads(db, store, r.id, parts, { type: 'contact', id: who.id }, 'customer', assertOpen);
  return rows.map((a) => ({ id: a.id, fileName: a.file_name, contentType: a.content_type, size: a.size, createdAt: a.created_at }));
}

/** A customer-visible attachment of a case in scope, or 404. */
export async function portalAttachment(db: Kysely<DB>, who: Customer, id: number) {
  const a = await db.selectFrom('attachments').innerJoin('cases', 'cases.id', 'attachments.case_id').selectAll('attachments').select('cases.number').where('attachments.id', '=', id).where('attachments.visibility', '=', 'customer').executeTakeFirst();
  if (!a) throw notFound(`Attachment ${id}`);
  await findCase(db, who, a.number);
  return a;
}

/** The published review documents of one of my cases. */
export async function portalCaseDocuments(db: Kysely<DB>, who: Customer, number: string) {
  const r = await findCase(db, who, number);
  return portalDocuments(db, r.id);
}
