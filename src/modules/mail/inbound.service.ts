import { simpleParser, type ParsedMail } from 'mailparser';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { clock } from '../../platform/clock.js';
import { AppError, badRequest } from '../../platform/errors.js';
import { FileStore, safeFileName, sniffType } from '../../platform/files.js';
import { getProperty } from '../settings/settings.service.js';
import { createCase } from '../cases/cases.service.js';
import { reopenByCustomer } from '../cases/case-actions.service.js';
import { notifyUsers } from '../notifications/notifications.service.js';
import { withoutNul } from '../../platform/text-guard.js';
import { isDigestMessage, noteCaseUpdate } from '../watchers/watchers.service.js';

// Inbound email (SPEC §4): one pipeline for the SMTP listener and POST /inbound/email. A reply is
// matched to its case by In-Reply-To/References, else by the [CS…] subject tag; a participant's
// reply joins the conversation (and may reopen the case); mail from a known contact without a
// thread opens a case; auto-replies and bounces are recorded and never act; a Message-ID seen
// before adds nothing. Everything a message causes happens in one transaction.

export type InboundOutcome = 'added' | 'created' | 'held' | 'auto' | 'duplicate' | 'rejected';
export interface InboundResult {
  outcome: InboundOutcome;
  caseNumber: string | null;
  messageId: number | null;
  reason: string | null;
}

export const MAX_INBOUND_BYTES = 30 * 1024 * 1024;

const headerText = (mail: ParsedMail, name: string): string => {
  const v = mail.headers.get(name);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value);
  return String(v);
};

/** Why a message is machine-written (auto-reply, bounce, list mail, our own), or null. */
export function autoReason(mail: ParsedMail, from: string, ourAddress: string): string | null {
  const autoSubmitted = headerText(mail, 'auto-submitted').toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = headerText(mail, 'precedence').toLowerCase();
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `Precedence: ${precedence}`;
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond')) return 'X-Autoreply header';
  const contentType = headerText(mail, 'content-type').toLowerCase();
  if (contentType.includes('multipart/report') || contentType.includes('message/delivery-status')) return 'delivery report (bounce)';
  const local = from.split('@')[0] ?? '';
  if (/^(mailer-daemon|postmaster|no-?reply)$/.test(local)) return `sent by ${local}`;
  if (from === ourAddress.toLowerCase()) return 'sent from our own address (mail loop)';
  // Responders that set no header at all still say what they are in the subject.
  const subject = (mail.subject ?? '').trim();
  const said = AUTO_SUBJECTS.find((re) => re.test(subject));
  if (said) return `auto-reply subject "${subject.slice(0, 80)}"`;
  return null;
}

/** Subjects of out-of-office and other automatic replies, in the languages our customers write. */
const AUTO_SUBJECTS = [
  /^(re:\s*)?(out of (the )?office|ooo\b)/i,
  /^(re:\s*)?(i am|i'm) (currently )?(out of (the )?office|away|on (vacation|holiday|leave))\b/i,
  /^(automatic|auto)[ -]?(reply|response|antwort|réponse)\b/i,
  /^auto(reply|response|responder)\b/i,
  /^auto:/i,
  /^(abwesenheitsnotiz|abwesend|automatische antwort)\b/i,
  /^(réponse automatique|absence du bureau|respuesta automática|fuera de la oficina|risposta automatica|fuori sede)\b/i,
  /^(delivery status notification|undeliver(ed|able) mail|mail delivery (failed|subsystem)|returned mail)\b/i,
];

async function newCaseLimit(trx: Kysely<DB>): Promise<number> {
  try {
    return Number(await getProperty(trx, 'email.maxNewCasesPerSenderPerHour'));
  } catch {
    return 20; // a database from before the property existed
  }
}

/** The new words of a reply: quoted lines and the quoted original below "On … wrote:" are cut. */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  for (const line of lines) {
    if (/^On .{4,200} wrote:\s*$/.test(line.trim()) || /^-{2,}\s*Original Message\s*-{2,}/i.test(line.trim())) break;
    if (/^>/.test(line)) continue;
    out.push(line);
  }
  const cut = out.join('\n').trim();
  return cut || text.trim();
}

function references(mail: ParsedMail): string[] {
  const refs = mail.references ? (Array.isArray(mail.references) ? mail.references : [mail.references]) : [];
  return [mail.inReplyTo, ...refs.reverse()].filter((x): x is string => !!x).slice(0, 50);
}

async function findThreadCase(trx: Kysely<DB>, mail: ParsedMail) {
  const refs = references(mail);
  if (refs.length) {
    const hit = await trx
      .selectFrom('messages')
      .select('case_id')
      .where('message_id', 'in', refs)
      .where('case_id', 'is not', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (hit?.case_id) return hit.case_id;
  }
  if (refs.length) {
    // A reply to a mail that has no conversation row (a watcher's digest) still finds its case.
    const sent = await trx.selectFrom('outbox').select('case_id').where('message_id', 'in', refs).where('case_id', 'is not', null).orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (sent?.case_id) return sent.case_id;
  }
  const tag = /\[(CS\d{7,})\]/.exec(mail.subject ?? '')?.[1];
  if (tag) {
    const c = await trx.selectFrom('cases').select('id').where('number', '=', tag).executeTakeFirst();
    if (c) return c.id;
  }
  return null;
}

/** Parses raw MIME; refuses (400) what is no email, before anything is stored. */
export async function parseEmail(raw: Buffer): Promise<ParsedMail & { fromAddress: string }> {
  if (raw.length > MAX_INBOUND_BYTES) throw new AppError('too_large', `The message is larger than ${MAX_INBOUND_BYTES} bytes`);
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  } catch (err) {
    throw badRequest(`Not a parsable email: ${(err as Error).message}`);
  }
  const fromAddress = mail.from?.value?.[0]?.address?.trim().toLowerCase();
  if (!fromAddress || !/^[^\s@]+@[^\s@]+$/.test(fromAddress)) throw badRequest('Not an email: it has no valid From address');
  // The columns that keep these are bounded (PostgreSQL would refuse a longer value with a 500;
  // found by the route fuzzer). No real address is longer than 320 characters (RFC 5321).
  if (fromAddress.length > 320) throw badRequest('Not an email: the From address is longer than 320 characters');
  for (const [header, value] of [['Message-ID', mail.messageId], ['In-Reply-To', mail.inReplyTo]] as const) {
    if (value && value.length > 300) throw badRequest(`Not an email we can thread: its ${header} is longer than 300 characters`);
  }
  if (!mail.headers.size || (!mail.subject && !mail.text && !mail.attachments.length)) {
    throw badRequest('Not an email: no subject, no body and no attachments');
  }
  // Mail may carry NUL characters, which no text column keeps (PostgreSQL refuses them): drop them.
  if (mail.subject) mail.subject = withoutNul(mail.subject);
  if (mail.text) mail.text = withoutNul(mail.text);
  for (const a of mail.from?.value ?? []) if (a.name) a.name = withoutNul(a.name).slice(0, 300);
  if (mail.messageId) mail.messageId = withoutNul(mail.messageId);
  if (mail.inReplyTo) mail.inReplyTo = withoutNul(mail.inReplyTo);
  if (mail.references) mail.references = Array.isArray(mail.references) ? mail.references.map(withoutNul) : withoutNul(mail.references);
  return Object.assign(mail, { fromAddress });
}

/** Receives one raw email: matches, records and acts on it (see the module comment). */
export async function receiveEmail(db: Kysely<DB>, dataDir: string, raw: Buffer): Promise<InboundResult> {
  const mail = await parseEmail(raw);
  const from = mail.fromAddress;
  const messageId = mail.messageId ?? null;
  if (messageId) {
    const seen = await db.selectFrom('messages').select(['id', 'case_id']).where('message_id', '=', messageId).where('direction', '=', 'in').executeTakeFirst();
    if (seen) return { outcome: 'duplicate', caseNumber: null, messageId: seen.id, reason: 'this Message-ID was received before' };
  }
  // Files first (content-addressed, so a retry stores nothing twice), then one transaction.
  const mailStore = new FileStore(dataDir, 'mail');
  const rawFile = mailStore.putBuffer(raw);
  const attachmentStore = new FileStore(dataDir, 'attachments');
  const files = mail.attachments
    .filter((a) => a.contentDisposition !== 'inline' || !a.related)
    .slice(0, 20)
    .map((a) => ({ name: safeFileName(a.filename ?? 'attachment'), ...attachmentStore.putBuffer(a.content) }));

  return db.transaction().execute(async (trx) => {
    const ourAddress = String(await getProperty(trx, 'email.from'));
    const now = clock.nowIso();
    const caseId = await findThreadCase(trx, mail);
    const text = mail.text ?? '';
    const record = async (status: 'added' | 'held' | 'auto' | 'rejected', values: { caseId: number | null; reason?: string; contactId?: number | null; commentId?: number | null }) => {
      const row = await trx
        .insertInto('messages')
        .values({
          case_id: values.caseId,
          direction: 'in',
          status,
          reason: values.reason ?? null,
          message_id: messageId,
          in_reply_to: mail.inReplyTo ?? null,
          references: references(mail).join(' ') || null,
          from_address: from,
          from_name: mail.from?.value?.[0]?.name || null,
          to_addresses: (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((t) => t.value.map((v) => v.address ?? '')).join(', '),
          subject: (mail.subject ?? '').slice(0, 2000),
          text_body: text.slice(0, 200_000),
          raw_sha256: rawFile.sha256,
          contact_id: values.contactId ?? null,
          comment_id: values.commentId ?? null,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    };
    const caseNumber = async (id: number | null) => (id ? ((await trx.selectFrom('cases').select('number').where('id', '=', id).executeTakeFirst())?.number ?? null) : null);

    const auto = autoReason(mail, from, ourAddress);
    if (auto) {
      const id = await record('auto', { caseId, reason: auto });
      return { outcome: 'auto', caseNumber: await caseNumber(caseId), messageId: id, reason: auto };
    }

    let contact = await trx.selectFrom('contacts').select(['id', 'account_id', 'active']).where('email', '=', from).executeTakeFirst();
    if (contact && contact.active !== 1) contact = undefined;

    const attach = async (targetCase: number, commentId: number | null, contactId: number | null) => {
      if (!files.length) return;
      await trx
        .insertInto('attachments')
        .values(
          files.map((f) => ({
            case_id: targetCase,
            comment_id: commentId,
            file_name: f.name,
            content_type: sniffType(f.head),
            size: f.size,
            sha256: f.sha256,
            visibility: 'customer' as const,
            uploaded_by_type: contactId ? ('contact' as const) : ('system' as const),
            uploaded_by_id: contactId,
            created_at: now,
          })),
        )
        .execute();
    };

    if (caseId) {
      const c = await trx.selectFrom('cases').select(['id', 'number', 'contact_id', 'account_id', 'assignee_id', 'short_description']).where('id', '=', caseId).executeTakeFirstOrThrow();
      const participant = contact && (contact.id === c.contact_id || (c.account_id !== null && contact.account_id === c.account_id));
      // A reply to one of our watcher digests joins the case but is not broadcast to the watchers
      // again: two auto-responders on one watch list could otherwise keep each other busy.
      const digestReply = await isDigestMessage(trx, references(mail));
      if (!participant) {
        // Staff and the case's watchers are participants too; what they mail joins as a work note
        // (it is no customer's word, so the contact does not see it unasked).
        const staff = await trx.selectFrom('users').select(['id', 'name']).where('email', '=', from).where('active', '=', 1).executeTakeFirst();
        const watcher = staff ? undefined : await trx.selectFrom('case_watchers').select('id').where('case_id', '=', caseId).where('email', '=', from).executeTakeFirst();
        if (staff || watcher) {
          const sender = mail.from?.value?.[0]?.name ? `${mail.from.value[0].name} <${from}>` : from;
          const body = `Email from ${sender}${staff ? '' : ' (watching the case)'}:\n\n${replyText(text) || '(no text)'}`;
          const note = await trx
            .insertInto('comments')
            .values({ case_id: caseId, visibility: 'internal', body, author_type: staff ? 'user' : 'system', author_id: staff?.id ?? null, created_at: now })
            .returning('id')
            .executeTakeFirstOrThrow();
          await trx.updateTable('cases').set({ updated_at: now }).where('id', '=', caseId).execute();
          const id = await record('added', { caseId, commentId: note.id });
          if (files.length) {
            await trx
              .insertInto('attachments')
              .values(files.map((f) => ({ case_id: caseId, comment_id: note.id, file_name: f.name, content_type: sniffType(f.head), size: f.size, sha256: f.sha256, visibility: 'internal' as const, uploaded_by_type: staff ? ('user' as const) : ('system' as const), uploaded_by_id: staff?.id ?? null, created_at: now })))
              .execute();
          }
          if (!digestReply) await noteCaseUpdate(trx, caseId, { kind: 'email', who: sender, text: `Email: ${replyText(text)}`, visibility: 'internal', byUserId: staff?.id ?? null, byAddress: from });
          if (c.assignee_id && c.assignee_id !== staff?.id) {
            await notifyUsers(trx, [c.assignee_id], { kind: 'watcher_reply', caseId, title: `${c.number}: email from ${sender}`, body: mail.subject ?? '' });
          }
          return { outcome: 'added', caseNumber: c.number, messageId: id, reason: staff ? 'added as a work note (staff)' : 'added as a work note (watcher)' };
        }
        const reason = `${from} is not a participant of ${c.number}: held for an agent`;
        const id = await record('held', { caseId, reason, contactId: contact?.id ?? null });
        if (c.assignee_id) await notifyUsers(trx, [c.assignee_id], { kind: 'mail_held', caseId, title: `Mail from ${from} on ${c.number} is held for you`, body: mail.subject ?? '' });
        return { outcome: 'held', caseNumber: c.number, messageId: id, reason };
      }
      const comment = await trx
        .insertInto('comments')
        .values({ case_id: caseId, visibility: 'customer', body: replyText(text) || '(no text)', author_type: 'contact', author_id: contact!.id, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await attach(caseId, comment.id, contact!.id);
      await trx.updateTable('cases').set({ updated_at: now }).where('id', '=', caseId).execute();
      const id = await record('added', { caseId, contactId: contact!.id, commentId: comment.id });
      if (!digestReply) {
        const name = mail.from?.value?.[0]?.name || from;
        await noteCaseUpdate(trx, caseId, { kind: 'comment', who: name, text: `Customer reply (email): ${replyText(text)}`, visibility: 'customer', byAddress: from });
      }
      const reopened = await reopenByCustomer(trx, caseId, 'the customer replied by email');
      if (!reopened && c.assignee_id) {
        await notifyUsers(trx, [c.assignee_id], { kind: 'customer_reply', caseId, title: `${c.number}: new reply from the customer`, body: c.short_description });
      }
      return { outcome: 'added', caseNumber: c.number, messageId: id, reason: reopened ? 'the case was reopened' : null };
    }

    // No thread: a known contact opens a case; an unknown sender per the property. A flood from
    // one address (a loop that lost its thread, a mail bomb) opens a bounded number of cases.
    const limit = await newCaseLimit(trx);
    if (limit > 0) {
      const since = new Date(clock.now().getTime() - 3600_000).toISOString();
      const opened = await trx
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('from_address', '=', from)
        .where('created_at', '>=', since)
        .where('direction', '=', 'in')
        .where('status', '=', 'added')
        .where('comment_id', 'is', null)
        .where('case_id', 'is not', null)
        .executeTakeFirstOrThrow();
      if (Number(opened.n) >= limit) {
        const reason = `${from} opened ${Number(opened.n)} cases by mail in the last hour, the most email.maxNewCasesPerSenderPerHour allows: refused as a probable mail loop or flood`;
        const id = await record('rejected', { caseId: null, reason, contactId: contact?.id ?? null });
        return { outcome: 'rejected', caseNumber: null, messageId: id, reason };
      }
    }
    if (!contact) {
      const policy = String(await getProperty(trx, 'email.unknownSenders'));
      const domain = from.split('@')[1] ?? '';
      const account = policy === 'create_contact' ? await trx.selectFrom('accounts').select('id').where('domain', '=', domain).where('active', '=', 1).executeTakeFirst() : undefined;
      if (!account) {
        const reason = policy === 'create_contact' ? `unknown sender ${from} and no account has the domain ${domain}` : `unknown sender ${from} (email.unknownSenders = reject)`;
        const id = await record('rejected', { caseId: null, reason });
        return { outcome: 'rejected', caseNumber: null, messageId: id, reason };
      }
      const created = await trx
        .insertInto('contacts')
        .values({ account_id: account.id, name: mail.from?.value?.[0]?.name || from, email: from, portal_access: 0, active: 1, created_at: now, updated_at: now })
        .returning(['id', 'account_id', 'active'])
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('audit_log')
        .values({ at: now, actor_type: 'system', actor_id: null, entity: 'contact', entity_id: created.id, action: 'create', field: 'email', old_value: null, new_value: from })
        .execute();
      contact = created;
    }
    const number = await createCase(trx, { type: 'system' }, {
      shortDescription: (mail.subject ?? '').trim().slice(0, 300) || '(no subject)',
      description: text.slice(0, 100_000),
      contactId: contact.id,
      channel: 'email',
    });
    const newCase = await trx.selectFrom('cases').select('id').where('number', '=', number).executeTakeFirstOrThrow();
    await attach(newCase.id, null, contact.id);
    const id = await record('added', { caseId: newCase.id, contactId: contact.id });
    return { outcome: 'created', caseNumber: number, messageId: id, reason: null };
  });
}
