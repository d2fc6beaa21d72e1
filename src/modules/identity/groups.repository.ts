import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { contains, whereAfter } from '../../db/sql.js';
import type { CursorValue } from '../../platform/pagination.js';

export function findGroup(db: Kysely<DB>, id: number) {
  return db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function membersOf(db: Kysely<DB>, groupIds: number[]): Promise<Map<number, number[]>> {
  const map = new Map<number, number[]>();
  if (groupIds.length === 0) return map;
  const rows = await db.selectFrom('group_members').select(['group_id', 'user_id']).where('group_id', 'in', groupIds).orderBy('user_id').execute();
  for (const r of rows) map.set(r.group_id, [...(map.get(r.group_id) ?? []), r.user_id]);
  return map;
}

export function listGroups(db: Kysely<DB>, f: { q?: string; active?: boolean; after: CursorValue[] | null; limit: number }) {
  let q = db.selectFrom('groups').selectAll();
  if (f.q) q = q.where(contains('name', f.q));
  if (f.active !== undefined) q = q.where('active', '=', f.active ? 1 : 0);
  q = whereAfter(q, 'name', 'id', f.after);
  return q.orderBy('name').orderBy('id').limit(f.limit + 1).execute();
}

export async function replaceMembers(db: Kysely<DB>, groupId: number, userIds: number[]): Promise<void> {
  await db.deleteFrom('group_members').where('group_id', '=', groupId).execute();
  if (userIds.length) await db.insertInto('group_members').values(userIds.map((user_id) => ({ group_id: groupId, user_id }))).execute();
}

export async function missingUserIds(db: Kysely<DB>, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const found = new Set((await db.selectFrom('users').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
  return ids.filter((id) => !found.has(id));
}
