import type { Kysely, Selectable } from 'kysely';
import type { DB, UsersTable } from '../../db/schema.js';
import type { CursorValue } from '../../platform/pagination.js';
import { contains, whereAfter } from '../../db/sql.js';

export type UserRow = Selectable<UsersTable>;

export function findUserById(db: Kysely<DB>, id: number) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByEmail(db: Kysely<DB>, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function rolesOf(db: Kysely<DB>, userIds: number[]): Promise<Map<number, string[]>> {
  const map = new Map<number, string[]>();
  if (userIds.length === 0) return map;
  const rows = await db.selectFrom('user_roles').select(['user_id', 'role']).where('user_id', 'in', userIds).orderBy('role').execute();
  for (const r of rows) map.set(r.user_id, [...(map.get(r.user_id) ?? []), r.role]);
  return map;
}

export async function groupIdsOf(db: Kysely<DB>, userIds: number[]): Promise<Map<number, number[]>> {
  const map = new Map<number, number[]>();
  if (userIds.length === 0) return map;
  const rows = await db.selectFrom('group_members').select(['user_id', 'group_id']).where('user_id', 'in', userIds).orderBy('group_id').execute();
  for (const r of rows) map.set(r.user_id, [...(map.get(r.user_id) ?? []), r.group_id]);
  return map;
}

export interface UserFilter {
  q?: string;
  role?: string;
  active?: boolean;
  after: CursorValue[] | null;
  limit: number;
}

/** Users ordered by name then id, one page plus one row to tell whether more follow. */
export function listUsers(db: Kysely<DB>, f: UserFilter) {
  let q = db.selectFrom('users').selectAll('users');
  if (f.q) {
    const text = f.q;
    q = q.where((eb) => eb.or([contains('users.name', text), contains('users.email', text)]));
  }
  if (f.role) q = q.where('users.id', 'in', db.selectFrom('user_roles').select('user_id').where('role', '=', f.role));
  if (f.active !== undefined) q = q.where('users.active', '=', f.active ? 1 : 0);
  q = whereAfter(q, 'users.name', 'users.id', f.after);
  return q.orderBy('users.name').orderBy('users.id').limit(f.limit + 1).execute();
}

export async function replaceRoles(db: Kysely<DB>, userId: number, roles: string[]): Promise<void> {
  await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (roles.length) await db.insertInto('user_roles').values(roles.map((role) => ({ user_id: userId, role }))).execute();
}

/** Ids of active admins; on PostgreSQL their rows stay locked until commit so two
 *  concurrent demotions cannot both pass the last-admin check. */
export async function activeAdminIds(db: Kysely<DB>, lock: boolean): Promise<number[]> {
  let q = db
    .selectFrom('users')
    .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .select('users.id')
    .where('user_roles.role', '=', 'admin')
    .where('users.active', '=', 1);
  if (lock) q = q.forUpdate('users');
  const rows = await q.execute();
  return rows.map((r) => r.id);
}

export function countUsers(db: Kysely<DB>) {
  return db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
}

export async function deleteSessionsOf(db: Kysely<DB>, principalType: 'user' | 'contact', id: number, exceptSessionId?: string) {
  let q = db.deleteFrom('sessions').where('principal_type', '=', principalType).where('principal_id', '=', id);
  if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
  await q.execute();
}
