import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import type { Principal } from '../../platform/access.js';
import { auditChanges } from '../../platform/audit.js';
import { yieldToRequests } from '../../platform/background.js';
import { clock } from '../../platform/clock.js';
import { badRequest, conflict, notFound, rethrowUnique, ruleViolation } from '../../platform/errors.js';
import { email } from '../../platform/http.js';
import { runtime } from '../../platform/runtime.js';
import { getProperty } from '../settings/settings.service.js';
import { renderMail } from '../mail/templates.js';

// Watch lists: staff users and extra email addresses who follow a case. Every update of the case
// (comments, status changes, assignments) is noted for each watcher in the update's own
// transaction; the mail worker later sends each watcher one digest mail listing what piled up,
// once the case has been quiet for a while (or at the latest after a maximum delay). So a burst
// of 100 updates is one mail, not 100. Email-only watchers are outsiders: they hear only what the
// customer may see (customer comments and status changes), never work notes or assignments.

export const MAX_WATCHERS = 50;
const MAX_DIGEST_ITEMS = 1000;
const SUMMARY_CHARS = 500;

export const watcherSchema = z.object({
  id: z.number(),
  caseNumber: z.string(),
  userId: z.number().nullable(),
  name: z.string().nullable(),
  email: z.string(),
  createdAt: z.string(),
  addedBy: z.string().nullable(),
});
export type WatcherDto = z.infer<typeof watcherSchema>;

export const addWatcherBody = z
  .strictObject({
    userId: z.number().int().positive().optional(),
    email: email.optional(),
  })
  .refine((b) => (b.userId === undefined) !== (b.email === undefined), { message: 'give exactly one of userId or email' });

export const watcherParams = z.strictObject({
  number: z.string().max(20).regex(/^CS\d{7,}$/, 'must be a case number like CS0001001'),
  id: z.coerce.number().int().positive(),
});

type Staff = Extract<Principal, { type: 'user' }>;

async function caseRow(db: Kysely<DB>, number: string) {
  const row = await db.selectFrom('cases').leftJoin('contacts', 'contacts.id', 'cases.contact_id').select(['cases.id', 'cases.number', 'contacts.email as contact_email']).where('cases.number', '=', number).executeTakeFirst();
  if (!row) throw notFound(`Case ${number}`);
  return row;
}

async function watchersOf(db: Kysely<DB>, number: string, caseId: number, ids?: number[]): Promise<WatcherDto[]> {
  let q = db
    .selectFrom('case_watchers as w')
    .leftJoin('users as u', 'u.id', 'w.user_id')
    .leftJoin('users as by', 'by.id', 'w.created_by')
    .select(['w.id', 'w.user_id', 'w.email', 'w.created_at', 'u.name as user_name', 'u.email as user_email', 'by.name as by_name'])
    .where('w.case_id', '=', caseId);
  if (ids) q = q.where('w.id', 'in', ids);
  const rows = await q.orderBy('w.id').execute();
  return rows.map((r) => ({
    id: r.id,
    caseNumber: number,
    userId: r.user_id,
    name: r.user_name ?? null,
    email: (r.user_email ?? r.email)!,
    createdAt: r.created_at,
    addedBy: r.by_name ?? null,
  }));
}

/** The case's watch list, oldest first. */
export async function listWatchers(db: Kysely<DB>, number: string): Promise<WatcherDto[]> {
  const c = await caseRow(db, number);
  return watchersOf(db, number, c.id);
}

/**
 * Adds a staff user (by id, or by an address that is a staff user's) or an extra email address to
 * the watch list; audited on the case. 409 when already watching, 422 past MAX_WATCHERS.
 */
export async function addWatcher(db: Kysely<DB>, actor: Staff, number: string, input: z.infer<typeof addWatcherBody>): Promise<WatcherDto> {
  const id = await db.transaction().execute(async (trx) => {
    const c = await caseRow(trx, number);
    let userId: number | null = null;
    let address: string | null = null;
    if (input.userId !== undefined) {
      const u = await trx.selectFrom('users').select(['id', 'active']).where('id', '=', input.userId).executeTakeFirst();
      if (!u || u.active !== 1) throw badRequest('userId: no such active user', { fields: [{ field: 'body.userId', message: 'no such active user' }] });
      userId = u.id;
    } else {
      address = input.email!;
      const u = await trx.selectFrom('users').select(['id', 'active']).where('email', '=', address).executeTakeFirst();
      if (u && u.active === 1) {
        // A colleague's address: watch as that user, so work notes reach them too.
        userId = u.id;
        address = null;
      } else if (c.contact_email && c.contact_email.toLowerCase() === address) {
        throw ruleViolation(`${address} is the case's contact and is mailed about the case already`, { fields: [{ field: 'body.email', message: 'is the contact of the case' }] });
      }
    }
    const dup = await trx
      .selectFrom('case_watchers')
      .select('id')
      .where('case_id', '=', c.id)
      .where((eb) => (userId !== null ? eb('user_id', '=', userId) : eb('email', '=', address!)))
      .executeTakeFirst();
    if (dup) throw conflict(`${userId !== null ? 'This user' : address} already watches ${number}`);
    const count = Number((await trx.selectFrom('case_watchers').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', c.id).executeTakeFirstOrThrow()).n);
    if (count >= MAX_WATCHERS) throw ruleViolation(`${number} has ${MAX_WATCHERS} watchers, the most a case can have`);
    const row = await trx
      .insertInto('case_watchers')
      .values({ case_id: c.id, user_id: userId, email: address, created_by: actor.id, created_at: clock.nowIso() })
      .returning('id')
      .executeTakeFirstOrThrow()
      .catch((err: unknown) => rethrowUnique(err, userId !== null ? 'userId' : 'email', `already watches ${number}`));
    const label = userId !== null ? ((await trx.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst())?.name ?? `user ${userId}`) : address;
    await auditChanges(trx, actor, 'case', c.id, 'update', { watcher: null }, { watcher: label });
    return row.id;
  });
  const c = await caseRow(db, number);
  return (await watchersOf(db, number, c.id, [id]))[0]!;
}

/** Takes someone off the watch list; what was waiting for their digest goes with them. */
export async function removeWatcher(db: Kysely<DB>, actor: Staff, number: string, watcherId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const c = await caseRow(trx, number);
    const [w] = await watchersOf(trx, number, c.id, [watcherId]);
    if (!w) throw notFound(`Watcher ${watcherId} of ${number}`);
    await trx.deleteFrom('watch_notices').where('watcher_id', '=', watcherId).where('outbox_id', 'is', null).execute();
    await trx.deleteFrom('case_watchers').where('id', '=', watcherId).execute();
    await auditChanges(trx, actor, 'case', c.id, 'update', { watcher: w.name ?? w.email }, { watcher: null });
  });
}

export interface CaseUpdate {
  kind: 'comment' | 'work_note' | 'status' | 'assignment' | 'email';
  /** Who made the update, as the digest names them. */
  who: string;
  text: string;
  /** customer: any watcher may read it; internal: staff watchers only. */
  visibility: 'customer' | 'internal';
  /** The author is not told about their own update. */
  byUserId?: number | null;
  byAddress?: string | null;
}

/** Notes an update of a case for each of its watchers (in the caller's transaction). */
export async function noteCaseUpdate(trx: Kysely<DB>, caseId: number, update: CaseUpdate): Promise<number> {
  const watchers = await trx
    .selectFrom('case_watchers as w')
    .leftJoin('users as u', 'u.id', 'w.user_id')
    .select(['w.id', 'w.user_id', 'w.email', 'u.email as user_email', 'u.active as user_active'])
    .where('w.case_id', '=', caseId)
    .execute();
  if (watchers.length === 0) return 0;
  const by = update.byAddress?.toLowerCase() ?? null;
  const now = clock.nowIso();
  const rows = watchers
    .filter((w) => {
      if (w.user_id !== null) return w.user_active === 1 && w.user_id !== update.byUserId && w.user_email?.toLowerCase() !== by;
      return update.visibility === 'customer' && w.email !== by;
    })
    .map((w) => ({
      watcher_id: w.id,
      case_id: caseId,
      kind: update.kind,
      who: update.who.slice(0, 400),
      summary: oneLine(update.text).slice(0, SUMMARY_CHARS) || '(no text)',
      created_at: now,
      outbox_id: null,
    }));
  if (rows.length) await trx.insertInto('watch_notices').values(rows).execute();
  return rows.length;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
const shortTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const asIso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

/** Is this Message-ID one of our digest mails? A reply to a digest is never re-broadcast to watchers. */
export async function isDigestMessage(db: Kysely<DB>, messageIds: string[]): Promise<boolean> {
  if (messageIds.length === 0) return false;
  const hit = await db.selectFrom('outbox').select('id').where('template_key', '=', 'watcher_digest').where('message_id', 'in', messageIds).executeTakeFirst();
  return !!hit;
}

/**
 * Writes the digest mails that are due into the outbox: for each watcher whose oldest waiting
 * update is older than the maximum delay, or whose newest is older than the quiet period, one
 * mail listing all of them. Returns how many digests were queued. Safe to run on several
 * instances at once: a digest's idempotency key is its watcher and first update.
 */
export async function queueDueDigests(db: Kysely<DB>): Promise<number> {
  const now = clock.now().getTime();
  const quiet = Number(await getProperty(db, 'watchers.digestQuietSeconds')) * 1000;
  const maxDelay = Number(await getProperty(db, 'watchers.digestMaxDelaySeconds')) * 1000;
  const quietBefore = new Date(now - quiet).toISOString();
  const oldestBefore = new Date(now - maxDelay).toISOString();
  const due = await db
    .selectFrom('watch_notices')
    .select((eb) => ['watcher_id', eb.fn.max('created_at').as('last'), eb.fn.min('created_at').as('first')])
    .where('outbox_id', 'is', null)
    .groupBy('watcher_id')
    .execute();
  let queued = 0;
  for (const d of due) {
    await yieldToRequests();
    if (!(asIso(d.last) <= quietBefore || asIso(d.first) <= oldestBefore)) continue;
    if (await queueDigest(db, d.watcher_id)) queued++;
  }
  return queued;
}

async function queueDigest(db: Kysely<DB>, watcherId: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const notices = await trx.selectFrom('watch_notices').selectAll().where('watcher_id', '=', watcherId).where('outbox_id', 'is', null).orderBy('id').limit(MAX_DIGEST_ITEMS).execute();
    if (notices.length === 0) return false;
    const w = await trx
      .selectFrom('case_watchers as w')
      .innerJoin('cases as c', 'c.id', 'w.case_id')
      .leftJoin('users as u', 'u.id', 'w.user_id')
      .select(['w.id', 'w.case_id', 'w.user_id', 'w.email', 'u.name as user_name', 'u.email as user_email', 'u.active as user_active', 'c.number', 'c.short_description', 'c.status'])
      .where('w.id', '=', watcherId)
      .executeTakeFirst();
    if (!w) return false;
    const to = w.user_id !== null ? (w.user_active === 1 ? w.user_email : null) : w.email;
    const ids = notices.map((n) => n.id);
    if (!to) {
      // A deactivated user: nothing to send, and nothing left waiting.
      await trx.deleteFrom('watch_notices').where('id', 'in', ids).execute();
      return false;
    }
    const template = await trx.selectFrom('email_templates').select(['subject', 'body']).where('key', '=', 'watcher_digest').executeTakeFirstOrThrow();
    const company = String(await getProperty(trx, 'company.name'));
    const from = String(await getProperty(trx, 'email.from'));
    const rendered = renderMail(template, {
      company: { name: company },
      recipient: { name: w.user_name ?? to },
      // Staff get a link to the workspace; outsiders may have no account at all.
      case: { number: w.number, shortDescription: w.short_description, status: w.status, url: w.user_id !== null ? `${runtime.publicUrl}/cases/${w.number}` : '' },
      count: notices.length,
      updates: notices.map((n) => ({ at: shortTime(asIso(n.created_at)), who: n.who, kind: n.kind, text: n.summary })),
    });
    const nowIso = clock.nowIso();
    const domain = from.split('@')[1]?.replace(/[^a-z0-9.-]/gi, '') || 'casebook.local';
    const inserted = await trx
      .insertInto('outbox')
      .values({
        idempotency_key: `digest:${watcherId}:${ids[0]}`,
        case_id: w.case_id,
        template_key: 'watcher_digest',
        to_address: to,
        subject: `${rendered.subject} [${w.number}]`,
        text_body: rendered.text,
        html_body: rendered.html,
        message_id: `<digest.${w.number}.${randomBytes(9).toString('base64url')}@${domain}>`,
        in_reply_to: null,
        references: null,
        state: 'queued',
        next_attempt_at: nowIso,
        created_at: nowIso,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return false; // another instance queued this digest
    await trx.updateTable('watch_notices').set({ outbox_id: inserted.id }).where('id', 'in', ids).where('outbox_id', 'is', null).execute();
    return true;
  });
}
