import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import { clock } from '../../platform/clock.js';
import { AppError, badRequest, notFound, ruleViolation } from '../../platform/errors.js';
import { FileStore, safeFileName, sniffType, type StagedFile } from '../../platform/files.js';
import { lockRows } from '../../db/sql.js';
import { getProperty } from '../settings/settings.service.js';
import { text } from '../../platform/http.js';
import { assertCaseWorkable, caseIdOf, type Staff } from './cases.service.js';
import { queueCaseMail } from '../mail/outbox.service.js';
import { runtime } from '../../platform/runtime.js';
import { recordFirstResponse } from '../sla/sla.service.js';
import { noteCaseUpdate } from '../watchers/watchers.service.js';

// The conversation on a case: comments (customer-visible "additional comments" or internal work
// notes), attachments, and the timeline that merges them with activities and field changes.

export const attachmentSchema = z.object({
  id: z.number(),
  caseNumber: z.string(),
  commentId: z.number().nullable(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  visibility: z.enum(['customer', 'internal']),
  createdAt: z.string(),
});
export type AttachmentDto = z.infer<typeof attachmentSchema>;

export const commentSchema = z.object({
  id: z.number(),
  caseNumber: z.string(),
  visibility: z.enum(['customer', 'internal']),
  body: z.string(),
  authorType: z.enum(['user', 'contact', 'system']),
  authorId: z.number().nullable(),
  authorName: z.string().nullable(),
  createdAt: z.string(),
  attachments: z.array(attachmentSchema),
  /** How the comment travelled by mail: a customer's emailed reply, or our mail to the contact with its delivery state. */
  email: z
    .object({ direction: z.enum(['in', 'out']), address: z.string(), state: z.enum(['queued', 'sending', 'sent', 'failed']).nullable(), lastError: z.string().nullable() })
    .nullable(),
});
export type CommentDto = z.infer<typeof commentSchema>;

export const createCommentBody = z.strictObject({
  body: text(100_000),
  visibility: z.enum(['customer', 'internal']),
  attachmentIds: z.array(z.number().int().positive()).max(20).optional(),
});

type AttachmentRow = {
  id: number;
  case_id: number;
  comment_id: number | null;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  visibility: 'customer' | 'internal';
  created_at: string;
};
const attachmentDto = (number: string, a: AttachmentRow): AttachmentDto => ({
  id: a.id,
  caseNumber: number,
  commentId: a.comment_id,
  fileName: a.file_name,
  contentType: a.content_type,
  size: a.size,
  sha256: a.sha256,
  visibility: a.visibility,
  createdAt: a.created_at,
});

/** Adds a comment; linked attachments take its visibility. The first customer-visible reply of
 *  an agent is the case's first response. */
export async function addComment(db: Kysely<DB>, actor: Staff, number: string, input: z.infer<typeof createCommentBody>): Promise<CommentDto> {
  const id = await db.transaction().execute(async (trx) => {
    const c = await assertCaseWorkable(trx, number, 'commenting');
    const now = clock.nowIso();
    const ids = [...new Set(input.attachmentIds ?? [])];
    if (ids.length) {
      const found = await trx.selectFrom('attachments').select(['id', 'comment_id']).where('case_id', '=', c.id).where('id', 'in', ids).execute();
      const bad = ids.filter((i) => !found.some((f) => f.id === i && f.comment_id === null));
      if (bad.length) throw badRequest(`attachmentIds: not unlinked attachments of ${number}: ${bad.join(', ')}`, { fields: [{ field: 'body.attachmentIds', message: `unknown or already used: ${bad.join(', ')}` }] });
    }
    const row = await trx
      .insertInto('comments')
      .values({ case_id: c.id, visibility: input.visibility, body: input.body, author_type: 'user', author_id: actor.id, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (ids.length) await trx.updateTable('attachments').set({ comment_id: row.id, visibility: input.visibility }).where('id', 'in', ids).execute();
    if (input.visibility === 'customer') {
      await recordFirstResponse(trx, c.id, now);
      // The contact is told by mail; the same words show in the portal.
      await queueCaseMail(trx, {
        caseId: c.id,
        template: 'new_reply',
        data: { comment: { body: input.body }, author: { name: actor.name } },
        idempotencyKey: `comment:${row.id}`,
        publicUrl: runtime.publicUrl,
        commentId: row.id,
      });
    }
    await noteCaseUpdate(trx, c.id, {
      kind: input.visibility === 'customer' ? 'comment' : 'work_note',
      who: actor.name,
      text: `${input.visibility === 'customer' ? 'Comment' : 'Work note'}: ${input.body}`,
      visibility: input.visibility,
      byUserId: actor.id,
    });
    await trx.updateTable('cases').set({ updated_at: now }).where('id', '=', c.id).execute();
    return row.id;
  });
  return (await commentsOf(db, number, [id]))[0]!;
}

async function commentsOf(db: Kysely<DB>, number: string, ids: number[]): Promise<CommentDto[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('comments')
    .leftJoin('users', (j) => j.onRef('users.id', '=', 'comments.author_id').on('comments.author_type', '=', 'user'))
    .leftJoin('contacts', (j) => j.onRef('contacts.id', '=', 'comments.author_id').on('comments.author_type', '=', 'contact'))
    .selectAll('comments')
    .select(['users.name as user_name', 'contacts.name as contact_name'])
    .where('comments.id', 'in', ids)
    .orderBy('comments.id', 'desc')
    .execute();
  const atts = await db.selectFrom('attachments').selectAll().where('comment_id', 'in', ids).orderBy('id').execute();
  const mails = await db
    .selectFrom('messages')
    .leftJoin('outbox', 'outbox.id', 'messages.outbox_id')
    .select(['messages.comment_id', 'messages.direction', 'messages.from_address', 'messages.to_addresses', 'outbox.state', 'outbox.last_error'])
    .where('messages.comment_id', 'in', ids)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    caseNumber: number,
    visibility: r.visibility,
    body: r.body,
    authorType: r.author_type,
    authorId: r.author_id,
    authorName: r.user_name ?? r.contact_name ?? (r.author_type === 'system' ? 'Casebook' : null),
    createdAt: r.created_at,
    attachments: atts.filter((a) => a.comment_id === r.id).map((a) => attachmentDto(number, a)),
    email: ((m) => (m ? { direction: m.direction, address: m.direction === 'in' ? m.from_address : m.to_addresses, state: m.state ?? null, lastError: m.last_error ?? null } : null))(
      mails.find((m) => m.comment_id === r.id),
    ),
  }));
}

export interface UploadedPart {
  filename: string;
  file: Readable & { truncated?: boolean };
}

export interface Uploader {
  type: 'user' | 'contact';
  id: number;
}

/**
 * Receives uploaded files and records them on a case (not yet on a comment): each file is staged
 * under its hash, then one transaction checks the case's file count and the account's storage
 * quota and writes the rows, and only then do the files move into the store (crash-safe: see
 * platform/files.ts). A refused upload leaves neither rows nor files behind.
 */
export async function storeUploads(
  db: Kysely<DB>,
  store: FileStore,
  caseId: number,
  parts: AsyncIterable<UploadedPart>,
  uploader: Uploader,
  visibility: 'customer' | 'internal',
  assertOpen: (trx: Kysely<DB>) => Promise<unknown>,
): Promise<AttachmentRow[]> {
  const maxFiles = Math.min(10, Number(await getProperty(db, 'attachments.maxFilesPerRequest')));
  const staged: (StagedFile & { name: string })[] = [];
  try {
    for await (const part of parts) {
      const name = safeFileName(part.filename);
      staged.push({ ...(await store.stage(part.file, name)), name });
    }
  } catch (err) {
    store.discard(staged);
    if ((err as { code?: string }).code === 'FST_FILES_LIMIT') {
      throw new AppError('too_large', `Send at most ${maxFiles} files per upload (attachments.maxFilesPerRequest)`, { property: 'attachments.maxFilesPerRequest', limit: maxFiles });
    }
    throw err;
  }
  if (staged.length === 0) throw badRequest('Send at least one file (multipart field "file")');
  let rows: AttachmentRow[];
  try {
    rows = await db.transaction().execute(async (trx) => {
      await assertOpen(trx);
      await assertUploadLimits(trx, caseId, staged);
      const now = clock.nowIso();
      return trx
        .insertInto('attachments')
        .values(
          staged.map((s) => ({
            case_id: caseId,
            comment_id: null,
            file_name: s.name,
            content_type: sniffType(s.head),
            size: s.size,
            sha256: s.sha256,
            visibility,
            uploaded_by_type: uploader.type,
            uploaded_by_id: uploader.id,
            created_at: now,
          })),
        )
        .returningAll()
        .execute();
    });
  } catch (err) {
    store.discard(staged);
    throw err;
  }
  for (const s of staged) store.promote(s);
  return rows.sort((a, b) => a.id - b.id);
}

const bytes = (n: number) => (n < 1024 ? `${n} bytes` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MB` : `${(n / 1024 ** 3).toFixed(2)} GB`);

/** The case's file count (attachments.maxFilesPerCase) and its account's storage quota (attachments.accountQuotaBytes). */
async function assertUploadLimits(trx: Kysely<DB>, caseId: number, files: { size: number }[]): Promise<void> {
  // Concurrent uploads to one case or account take their turn (PostgreSQL; SQLite has one writer).
  const c = await lockRows(trx, trx.selectFrom('cases').select(['id', 'number', 'account_id']).where('id', '=', caseId)).executeTakeFirstOrThrow();
  const maxPerCase = Number(await getProperty(trx, 'attachments.maxFilesPerCase'));
  const count = Number((await trx.selectFrom('attachments').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', caseId).executeTakeFirstOrThrow()).n);
  if (maxPerCase > 0 && count + files.length > maxPerCase) {
    throw ruleViolation(`Case ${c.number} may have at most ${maxPerCase} attachments (attachments.maxFilesPerCase); it has ${count}, this upload adds ${files.length}`, {
      property: 'attachments.maxFilesPerCase',
      limit: maxPerCase,
      current: count,
    });
  }
  if (c.account_id === null) return;
  const quota = Number(await getProperty(trx, 'attachments.accountQuotaBytes'));
  if (quota <= 0) return;
  await lockRows(trx, trx.selectFrom('accounts').select('id').where('id', '=', c.account_id)).execute();
  const used = Number(
    (
      await trx
        .selectFrom('attachments')
        .innerJoin('cases', 'cases.id', 'attachments.case_id')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('attachments.size'), eb.lit(0)).as('n'))
        .where('cases.account_id', '=', c.account_id)
        .executeTakeFirstOrThrow()
    ).n,
  );
  const adding = files.reduce((n, f) => n + f.size, 0);
  if (used + adding > quota) {
    throw new AppError('too_large', `The account's attachment storage quota (attachments.accountQuotaBytes, ${bytes(quota)}) would be exceeded: ${bytes(used)} used, this upload adds ${bytes(adding)}`, {
      property: 'attachments.accountQuotaBytes',
      limit: quota,
      used,
      adding,
    });
  }
}

/** Stores uploaded files by content hash and records them on the case (not yet on a comment). */
export async function addAttachments(db: Kysely<DB>, store: FileStore, actor: Staff, number: string, parts: AsyncIterable<UploadedPart>): Promise<AttachmentDto[]> {
  const c = await assertCaseWorkable(db, number, 'attaching files');
  const rows = await storeUploads(db, store, c.id, parts, { type: 'user', id: actor.id }, 'internal', (trx) => assertCaseWorkable(trx, number, 'attaching files'));
  return rows.map((r) => attachmentDto(number, r));
}

export async function getAttachment(db: Kysely<DB>, id: number) {
  const row = await db.selectFrom('attachments').innerJoin('cases', 'cases.id', 'attachments.case_id').selectAll('attachments').select('cases.number').where('attachments.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Attachment ${id}`);
  return row;
}

export async function listAttachments(db: Kysely<DB>, number: string): Promise<AttachmentDto[]> {
  const caseId = await caseIdOf(db, number);
  const rows = await db.selectFrom('attachments').selectAll().where('case_id', '=', caseId).orderBy('id', 'desc').execute();
  return rows.map((r) => attachmentDto(number, r));
}

// ---- timeline

export const TIMELINE_FILTERS = ['all', 'comments', 'emails', 'activities', 'changes'] as const;

const changeSchema = z.object({ field: z.string().nullable(), oldValue: z.string().nullable(), newValue: z.string().nullable() });
const messageSchema = z.object({
  id: z.number(),
  direction: z.enum(['in', 'out']),
  status: z.enum(['added', 'held', 'auto', 'rejected', 'sent', 'released']),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  reason: z.string().nullable(),
  deliveryState: z.enum(['queued', 'sending', 'sent', 'failed']).nullable(),
  lastError: z.string().nullable(),
});
export const timelineEntrySchema = z.object({
  kind: z.enum(['comment', 'activity', 'change', 'message']),
  at: z.string(),
  actorType: z.string(),
  actorId: z.number().nullable(),
  actorName: z.string().nullable(),
  comment: commentSchema.optional(),
  activity: z
    .object({ id: z.number(), type: z.string(), state: z.string(), subject: z.string(), body: z.string(), dueAt: z.string().nullable(), completedAt: z.string().nullable() })
    .optional(),
  change: z.object({ action: z.string(), entity: z.string(), entityId: z.number(), changes: z.array(changeSchema) }).optional(),
  /** Mail that is not a comment: status notifications we sent, and held, automatic or other inbound mail. */
  message: messageSchema.optional(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

const PAGE = 100;

/**
 * The case's history, newest first: comments, activities and field changes (the audit trail of
 * the case and of its activities), with who and when. `cursor` is the oldest time already shown.
 */
export async function timeline(db: Kysely<DB>, number: string, filter: (typeof TIMELINE_FILTERS)[number], cursor?: string) {
  const caseId = await caseIdOf(db, number);
  const before = cursor ? decodeTimeCursor(cursor) : null;
  const want = (k: string) => filter === 'all' || filter === k;

  const [comments, activities, audit, messages] = await Promise.all([
    want('comments')
      ? db.selectFrom('comments').select(['id', 'created_at as at']).where('case_id', '=', caseId).$if(!!before, (q) => q.where('created_at', '<=', before!)).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(PAGE).execute()
      : [],
    want('activities')
      ? db.selectFrom('activities').selectAll().where('case_id', '=', caseId).$if(!!before, (q) => q.where('created_at', '<=', before!)).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(PAGE).execute()
      : [],
    want('changes') || want('activities')
      ? db
          .selectFrom('audit_log')
          .selectAll()
          .where((eb) =>
            eb.or([
              eb.and([eb('entity', '=', 'case'), eb('entity_id', '=', caseId)]),
              eb.and([eb('entity', '=', 'activity'), eb('action', '=', 'update'), eb('entity_id', 'in', db.selectFrom('activities').select('id').where('case_id', '=', caseId))]),
            ]),
          )
          .$if(!!before, (q) => q.where('at', '<=', before!))
          .orderBy('at', 'desc')
          .orderBy('id', 'desc')
          .limit(PAGE * 4)
          .execute()
      : [],
    want('emails')
      ? db
          .selectFrom('messages')
          .leftJoin('outbox', 'outbox.id', 'messages.outbox_id')
          .selectAll('messages')
          .select(['outbox.state as delivery_state', 'outbox.last_error'])
          .where('messages.case_id', '=', caseId)
          .where('messages.comment_id', 'is', null)
          .$if(!!before, (q) => q.where('messages.created_at', '<=', before!))
          .orderBy('messages.created_at', 'desc')
          .orderBy('messages.id', 'desc')
          .limit(PAGE)
          .execute()
      : [],
  ]);

  // A source that filled its page may hold more rows at its oldest time: show only what is
  // complete (strictly newer than that time) and continue from it on the next page.
  const full = [
    comments.length === PAGE ? comments[comments.length - 1]!.at : null,
    activities.length === PAGE ? activities[activities.length - 1]!.created_at : null,
    audit.length === PAGE * 4 ? audit[audit.length - 1]!.at : null,
    messages.length === PAGE ? messages[messages.length - 1]!.created_at : null,
  ].filter((x): x is string => x !== null);
  const cutoff = full.length ? full.sort().reverse()[0]! : null;
  const keep = (at: string) => !cutoff || at > cutoff;

  const entries: TimelineEntry[] = [];
  const commentDtos = await commentsOf(db, number, comments.filter((c) => keep(c.at)).map((c) => c.id));
  for (const m of messages.filter((x) => keep(x.created_at))) {
    entries.push({
      kind: 'message',
      at: m.created_at,
      actorType: m.direction === 'in' ? 'contact' : 'system',
      actorId: m.direction === 'in' ? m.contact_id : null,
      actorName: m.direction === 'in' ? (m.from_name ?? m.from_address) : 'Casebook',
      message: {
        id: m.id,
        direction: m.direction,
        status: m.status,
        from: m.from_address,
        to: m.to_addresses,
        subject: m.subject,
        text: m.text_body,
        reason: m.reason,
        deliveryState: m.delivery_state ?? null,
        lastError: m.last_error ?? null,
      },
    });
  }
  for (const c of commentDtos) entries.push({ kind: 'comment', at: c.createdAt, actorType: c.authorType, actorId: c.authorId, actorName: c.authorName, comment: c });
  for (const a of activities.filter((x) => keep(x.created_at))) {
    entries.push({
      kind: 'activity',
      at: a.created_at,
      actorType: 'user',
      actorId: a.created_by,
      actorName: null,
      activity: { id: a.id, type: a.type, state: a.state, subject: a.subject, body: a.body, dueAt: a.due_at, completedAt: a.completed_at },
    });
  }
  // One entry per change event: the audit rows of one write share actor, time and record.
  const groups = new Map<string, typeof audit>();
  for (const r of audit.filter((x) => keep(x.at))) {
    if (r.entity === 'activity' && !want('activities') && !want('changes')) continue;
    const key = `${r.at}|${r.actor_type}|${r.actor_id}|${r.entity}|${r.entity_id}|${r.action}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const rows of groups.values()) {
    const r = rows[0]!;
    entries.push({
      kind: 'change',
      at: r.at,
      actorType: r.actor_type,
      actorId: r.actor_id,
      actorName: null,
      change: { action: r.action, entity: r.entity, entityId: r.entity_id, changes: rows.reverse().map((x) => ({ field: x.field, oldValue: x.old_value, newValue: x.new_value })) },
    });
  }
  const userIds = [...new Set(entries.filter((e) => e.actorType === 'user' && e.actorId && !e.actorName).map((e) => e.actorId!))];
  const names = userIds.length ? await db.selectFrom('users').select(['id', 'name']).where('id', 'in', userIds).execute() : [];
  for (const e of entries) {
    if (!e.actorName) e.actorName = e.actorType === 'system' ? 'Casebook' : (names.find((n) => n.id === e.actorId)?.name ?? null);
  }
  const order = { comment: 0, message: 1, activity: 2, change: 3 };
  entries.sort((a, b) => (a.at === b.at ? order[a.kind] - order[b.kind] : a.at < b.at ? 1 : -1));
  return { items: entries, nextCursor: cutoff ? Buffer.from(cutoff).toString('base64url') : null };
}

function decodeTimeCursor(cursor: string): string {
  const at = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(at)) throw badRequest('query.cursor: not a cursor this timeline handed out');
  return at;
}
