import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import { clock } from '../../platform/clock.js';
import { notFound } from '../../platform/errors.js';
import { decodeCursor, page } from '../../platform/pagination.js';

// In-app notifications for staff ("you were assigned CS…", "a case came back to your group").
// Written in the transaction of the change that causes them. Email follows in the mail module.

export const notificationSchema = z.object({
  id: z.number(),
  kind: z.string(),
  caseNumber: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

export interface Notice {
  kind: string;
  caseId: number | null;
  title: string;
  body?: string;
}

/** The longest title a notification keeps (its column); the full text stays on the record. */
export const NOTICE_TITLE_MAX = 300;

// A title is a summary built from user text (an escalation's reason): it is shortened to its
// column, counted in characters as PostgreSQL counts them (the fuzzer's 600-character reason
// made escalate answer 500 there; SQLite does not enforce the length).
const fitTitle = (title: string) => {
  const chars = Array.from(title);
  return chars.length <= NOTICE_TITLE_MAX ? title : `${chars.slice(0, NOTICE_TITLE_MAX - 1).join('')}…`;
};

/** Notifies each user once (duplicates and the acting user are dropped). */
export async function notifyUsers(trx: Kysely<DB>, userIds: Iterable<number>, notice: Notice, exceptUserId?: number): Promise<void> {
  const ids = [...new Set(userIds)].filter((id) => id !== exceptUserId);
  if (ids.length === 0) return;
  const at = clock.nowIso();
  const title = fitTitle(notice.title);
  await trx
    .insertInto('notifications')
    .values(ids.map((user_id) => ({ user_id, kind: notice.kind, case_id: notice.caseId, title, body: notice.body ?? '', created_at: at })))
    .execute();
}

/** Active members of a group. */
export async function groupMemberIds(trx: Kysely<DB>, groupId: number): Promise<number[]> {
  const rows = await trx
    .selectFrom('group_members')
    .innerJoin('users', 'users.id', 'group_members.user_id')
    .select('users.id')
    .where('group_members.group_id', '=', groupId)
    .where('users.active', '=', 1)
    .execute();
  return rows.map((r) => r.id);
}

export async function listNotifications(db: Kysely<DB>, userId: number, q: { unread?: boolean; cursor?: string; limit: number }) {
  let query = db
    .selectFrom('notifications')
    .leftJoin('cases', 'cases.id', 'notifications.case_id')
    .select(['notifications.id', 'notifications.kind', 'cases.number as case_number', 'notifications.title', 'notifications.body', 'notifications.created_at', 'notifications.read_at'])
    .where('notifications.user_id', '=', userId);
  if (q.unread) query = query.where('notifications.read_at', 'is', null);
  const after = decodeCursor(q.cursor, 1);
  if (after) query = query.where('notifications.id', '<', after[0] as number);
  const rows = await query.orderBy('notifications.id', 'desc').limit(q.limit + 1).execute();
  const unread = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    ...page(rows, q.limit, (r) => [r.id], (r) => ({
      id: r.id,
      kind: r.kind,
      caseNumber: r.case_number,
      title: r.title,
      body: r.body,
      createdAt: r.created_at,
      readAt: r.read_at,
    })),
    unreadCount: Number(unread.n),
  };
}

export async function markRead(db: Kysely<DB>, userId: number, id: number | 'all'): Promise<void> {
  let q = db.updateTable('notifications').set({ read_at: clock.nowIso() }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (id !== 'all') {
    const exists = await db.selectFrom('notifications').select('id').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    if (!exists) throw notFound(`Notification ${id}`);
    q = q.where('id', '=', id);
  }
  await q.execute();
}
