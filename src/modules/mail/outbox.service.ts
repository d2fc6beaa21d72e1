import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import { clock } from '../../platform/clock.js';
import { conflict, notFound } from '../../platform/errors.js';
import { decodeCursor, page } from '../../platform/pagination.js';
import { getProperty } from '../settings/settings.service.js';
import { renderMail, type TemplateData } from './templates.js';
import { deadlineText } from '../sla/sla.service.js';

// The outbox: every mail is written here in the transaction of the change that causes it, and a
// worker delivers it (mail-worker.ts). Nothing is lost when SMTP is down; the idempotency key
// makes writing the same mail twice impossible.

/** Emitted after mail is queued, so the worker in this process delivers without waiting a poll. */
export const outboxEvents = new EventEmitter();

export type TemplateKey = 'case_opened' | 'waiting_for_response' | 'new_reply' | 'case_resolved' | 'case_canceled' | 'review_published';
export type StaffTemplateKey = 'review_approval_requested' | 'review_approved' | 'review_changes_suggested' | 'review_work_note';

/** The data every case mail template can use. */
export async function caseMailData(trx: Kysely<DB>, caseId: number, publicUrl: string) {
  const row = await trx
    .selectFrom('cases')
    .leftJoin('contacts', 'contacts.id', 'cases.contact_id')
    .leftJoin('accounts', 'accounts.id', 'cases.account_id')
    .select([
      'cases.id',
      'cases.number',
      'cases.short_description',
      'cases.description',
      'cases.resolution_notes',
      'cases.resolution_due_at',
      'cases.sla_policy_id',
      'cases.status',
      'contacts.id as contact_id',
      'contacts.name as contact_name',
      'contacts.email as contact_email',
      'contacts.active as contact_active',
      'accounts.name as account_name',
    ])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
  if (!row) throw notFound(`Case ${caseId}`);
  const company = String(await getProperty(trx, 'company.name'));
  return {
    row,
    data: {
      case: {
        number: row.number,
        shortDescription: row.short_description,
        description: row.description,
        resolutionNotes: row.resolution_notes ?? '',
        resolutionDueAt: row.resolution_due_at,
        resolutionDue: await deadlineText(trx, row.sla_policy_id, row.resolution_due_at),
        status: row.status,
      },
      contact: { name: row.contact_name ?? '', email: row.contact_email ?? '' },
      account: { name: row.account_name ?? '' },
      company: { name: company },
      portal: { url: `${publicUrl}/portal`, caseUrl: `${publicUrl}/portal/cases/${row.number}` },
    } satisfies TemplateData,
  };
}

function domainOf(address: string): string {
  return address.split('@')[1]?.replace(/[^a-z0-9.-]/gi, '') || 'casebook.local';
}

/** Message-IDs of a case's mail, oldest first: what a new mail replies to and references. */
async function threadOf(trx: Kysely<DB>, caseId: number) {
  const rows = await trx
    .selectFrom('messages')
    .select(['message_id', 'direction'])
    .where('case_id', '=', caseId)
    .where('message_id', 'is not', null)
    .orderBy('id', 'desc')
    .limit(10)
    .execute();
  const ids = rows.map((r) => r.message_id!).reverse();
  const lastInbound = rows.find((r) => r.direction === 'in')?.message_id ?? null;
  return { inReplyTo: lastInbound ?? ids[ids.length - 1] ?? null, references: ids.length ? ids.join(' ') : null };
}

export interface CaseMail {
  caseId: number;
  template: TemplateKey;
  /** Extra template data (comment, survey, author, reason). */
  data?: TemplateData;
  /** Unique per logical mail, e.g. `comment:42` or `case:7:resolved:v5`. */
  idempotencyKey: string;
  publicUrl: string;
  commentId?: number;
}

/**
 * Queues a mail to the case's contact, rendered from its template, threaded into the case's
 * conversation and tagged [CS…] in the subject. Returns null (and queues nothing) when the case
 * has no active contact to write to.
 */
export async function queueCaseMail(trx: Kysely<DB>, mail: CaseMail): Promise<number | null> {
  const { row, data } = await caseMailData(trx, mail.caseId, mail.publicUrl);
  if (!row.contact_email || row.contact_active !== 1) return null;
  const template = await trx.selectFrom('email_templates').select(['subject', 'body']).where('key', '=', mail.template).executeTakeFirstOrThrow();
  const rendered = renderMail(template, { ...data, ...mail.data });
  const from = String(await getProperty(trx, 'email.from'));
  const messageId = `<${row.number}.${randomBytes(9).toString('base64url')}@${domainOf(from)}>`;
  const thread = await threadOf(trx, row.id);
  const now = clock.nowIso();
  const subject = `${rendered.subject} [${row.number}]`;
  const inserted = await trx
    .insertInto('outbox')
    .values({
      idempotency_key: mail.idempotencyKey,
      case_id: row.id,
      template_key: mail.template,
      to_address: row.contact_email,
      subject,
      text_body: rendered.text,
      html_body: rendered.html,
      message_id: messageId,
      in_reply_to: thread.inReplyTo,
      references: thread.references,
      state: 'queued',
      next_attempt_at: now,
      created_at: now,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return null; // the same mail was already queued
  await trx
    .insertInto('messages')
    .values({
      case_id: row.id,
      direction: 'out',
      status: 'sent',
      message_id: messageId,
      in_reply_to: thread.inReplyTo,
      references: thread.references,
      from_address: from,
      to_addresses: row.contact_email,
      subject,
      text_body: rendered.text,
      contact_id: row.contact_id,
      comment_id: mail.commentId ?? null,
      outbox_id: inserted.id,
      created_at: now,
    })
    .execute();
  setImmediate(() => outboxEvents.emit('queued'));
  return inserted.id;
}

/**
 * Queues a mail to a staff user (review approvals, work notes). Inactive users get nothing.
 * Rendered with the recipient's name plus the given data.
 */
export async function queueStaffMail(
  trx: Kysely<DB>,
  mail: { userId: number; template: StaffTemplateKey; data: TemplateData; idempotencyKey: string; caseId: number | null },
): Promise<number | null> {
  const user = await trx.selectFrom('users').select(['email', 'name', 'active']).where('id', '=', mail.userId).executeTakeFirst();
  if (!user || user.active !== 1) return null;
  const template = await trx.selectFrom('email_templates').select(['subject', 'body']).where('key', '=', mail.template).executeTakeFirstOrThrow();
  const company = String(await getProperty(trx, 'company.name'));
  const rendered = renderMail(template, { company: { name: company }, recipient: { name: user.name }, ...mail.data });
  const from = String(await getProperty(trx, 'email.from'));
  const now = clock.nowIso();
  const inserted = await trx
    .insertInto('outbox')
    .values({
      idempotency_key: mail.idempotencyKey,
      case_id: mail.caseId,
      template_key: mail.template,
      to_address: user.email,
      subject: rendered.subject,
      text_body: rendered.text,
      html_body: rendered.html,
      message_id: `<staff.${randomBytes(9).toString('base64url')}@${domainOf(from)}>`,
      in_reply_to: null,
      references: null,
      state: 'queued',
      next_attempt_at: now,
      created_at: now,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) setImmediate(() => outboxEvents.emit('queued'));
  return inserted?.id ?? null;
}

// ---- admin: the outbox screen

export const outboxItemSchema = z.object({
  id: z.number(),
  caseNumber: z.string().nullable(),
  template: z.string().nullable(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  messageId: z.string(),
  state: z.enum(['queued', 'sending', 'sent', 'failed']),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

export async function listOutbox(db: Kysely<DB>, q: { state?: 'queued' | 'sending' | 'sent' | 'failed'; cursor?: string; limit: number }) {
  let query = db
    .selectFrom('outbox')
    .leftJoin('cases', 'cases.id', 'outbox.case_id')
    .selectAll('outbox')
    .select('cases.number as case_number');
  if (q.state) query = query.where('outbox.state', '=', q.state);
  const after = decodeCursor(q.cursor, 1);
  if (after) query = query.where('outbox.id', '<', after[0] as number);
  const rows = await query.orderBy('outbox.id', 'desc').limit(q.limit + 1).execute();
  return page(rows, q.limit, (r) => [r.id], (r) => ({
    id: r.id,
    caseNumber: r.case_number,
    template: r.template_key,
    to: r.to_address,
    subject: r.subject,
    text: r.text_body,
    messageId: r.message_id,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  }));
}

/** Puts a failed mail back in the queue, due now. */
export async function retryMail(db: Kysely<DB>, id: number): Promise<void> {
  const row = await db.selectFrom('outbox').select('state').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Mail ${id}`);
  if (row.state !== 'failed') throw conflict(`Mail ${id} is ${row.state}; only failed mail can be retried`);
  await db.updateTable('outbox').set({ state: 'queued', next_attempt_at: clock.nowIso(), attempts: 0 }).where('id', '=', id).execute();
  setImmediate(() => outboxEvents.emit('queued'));
}
