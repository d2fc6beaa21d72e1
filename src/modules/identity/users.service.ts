import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { isPostgres } from '../../db/sql.js';
import type { Principal, Role } from '../../platform/access.js';
import type { Actor } from '../../platform/audit.js';
import { clock } from '../../platform/clock.js';
import { AppError, conflict, forbidden, notFound, rethrowUnique } from '../../platform/errors.js';
import { decodeCursor, page } from '../../platform/pagination.js';
import { auditCreate, updateVersioned } from '../../platform/records.js';
import type { UserDto } from './identity.schemas.js';
import { sendInvitation } from './account-tokens.service.js';
import { lockedUntil } from './lockout.js';
import { hashPassword } from './passwords.js';
import * as repo from './users.repository.js';

export interface CreateUserInput {
  email: string;
  name: string;
  roles: Role[];
  password?: string;
  active?: boolean;
}
export type UpdateUserInput = Partial<CreateUserInput>;

function toDto(row: repo.UserRow, roles: string[], groupIds: number[], locked: string | null): UserDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: roles as UserDto['roles'],
    active: row.active === 1,
    hasPassword: row.password_hash !== null,
    lockedUntil: locked,
    groupIds,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

async function toDtos(db: Kysely<DB>, rows: repo.UserRow[]): Promise<UserDto[]> {
  const ids = rows.map((r) => r.id);
  const [roles, groups, locks] = await Promise.all([repo.rolesOf(db, ids), repo.groupIdsOf(db, ids), lockedUntil(db, rows.map((r) => r.email))]);
  return rows.map((r) => toDto(r, roles.get(r.id) ?? [], groups.get(r.id) ?? [], locks.get(r.email) ?? null));
}

/** One user as the API shows it, or 404. */
export async function getUser(db: Kysely<DB>, id: number): Promise<UserDto> {
  const row = await repo.findUserById(db, id);
  if (!row) throw notFound(`User ${id}`);
  return (await toDtos(db, [row]))[0]!;
}

export async function listUsers(
  db: Kysely<DB>,
  query: { q?: string; role?: Role; active: 'true' | 'false' | 'all'; cursor?: string; limit: number },
) {
  const rows = await repo.listUsers(db, {
    q: query.q || undefined,
    role: query.role,
    active: query.active === 'all' ? undefined : query.active === 'true',
    after: decodeCursor(query.cursor, 2),
    limit: query.limit,
  });
  const result = page(rows, query.limit, (r) => [r.name, r.id], (r) => r);
  return { items: await toDtos(db, result.items), nextCursor: result.nextCursor };
}

// Nobody hands out a role they do not hold themselves; admins hold every power.
function assertMayGrant(actor: Principal, roles: readonly string[]): void {
  const held = actor.roles as readonly Role[];
  if (held.includes('admin')) return;
  const missing = roles.filter((r) => !held.includes(r as Role));
  if (missing.length) throw forbidden(`You cannot grant roles you do not hold: ${missing.join(', ')}`);
}

/** Creates a staff user with roles; the password, if given, is stored as an argon2id hash. Without
 *  one, an active user is mailed an invitation link that sets it (SPEC §10). */
export async function createUser(db: Kysely<DB>, actor: Principal | { type: 'system' }, input: CreateUserInput): Promise<UserDto> {
  if (actor.type !== 'system') assertMayGrant(actor, input.roles);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const roles = [...new Set(input.roles)].sort();
  const id = await db
    .transaction()
    .execute(async (trx) => {
      const now = clock.nowIso();
      const row = await trx
        .insertInto('users')
        .values({ email: input.email, name: input.name, password_hash: passwordHash, active: input.active === false ? 0 : 1, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await repo.replaceRoles(trx, row.id, roles);
      await auditCreate(trx, actor as Actor, 'user', row.id, { email: input.email, name: input.name, roles, active: input.active !== false, password: passwordHash }, ['password']);
      if (!passwordHash && input.active !== false) await sendInvitation(trx, 'user', row.id, actor as Actor);
      return row.id;
    })
    .catch((err) => rethrowUnique(err, 'email', `A user with email ${input.email} already exists`));
  return getUser(db, id);
}

/** Changes a user; refuses to leave the system without an active admin. */
export async function updateUser(
  db: Kysely<DB>,
  actor: Principal,
  id: number,
  input: UpdateUserInput,
  expected: number | undefined,
  currentSessionId?: string,
): Promise<UserDto> {
  if (input.roles) assertMayGrant(actor, input.roles);
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      const before = await repo.findUserById(trx, id);
      if (!before) throw notFound(`User ${id}`);
      const oldRoles = (await repo.rolesOf(trx, [id])).get(id) ?? [];
      const newRoles = input.roles ? [...new Set(input.roles)].sort() : oldRoles;
      const rolesChanged = newRoles.join(',') !== oldRoles.join(',');
      const willBeAdmin = newRoles.includes('admin') && (input.active ?? before.active === 1);
      const wasAdmin = oldRoles.includes('admin') && before.active === 1;
      if (wasAdmin && !willBeAdmin) {
        const admins = await repo.activeAdminIds(trx, isPostgres(trx));
        if (admins.filter((a) => a !== id).length === 0) {
          throw conflict('This is the last active admin: make another user admin first', { field: input.active === false ? 'active' : 'roles' });
        }
      }
      await updateVersioned(trx, {
        table: 'users',
        entity: 'user',
        before,
        changes: {
          email: input.email,
          name: input.name,
          active: input.active === undefined ? undefined : input.active ? 1 : 0,
          password_hash: passwordHash,
        },
        expected,
        actor,
        touch: rolesChanged,
        extraAudit: rolesChanged ? { before: { roles: oldRoles }, after: { roles: newRoles } } : undefined,
        secret: ['password_hash'],
      });
      if (rolesChanged) await repo.replaceRoles(trx, id, newRoles);
      // A deactivated user or a changed password ends the user's other sessions at once.
      if (input.active === false || passwordHash) {
        await repo.deleteSessionsOf(trx, 'user', id, actor.type === 'user' && actor.id === id ? currentSessionId : undefined);
        if (input.active === false) await trx.updateTable('api_tokens').set({ revoked_at: clock.nowIso() }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
      }
    })
    .catch((err) => {
      if (err instanceof AppError) throw err;
      rethrowUnique(err, 'email', `A user with email ${input.email} already exists`);
    });
  return getUser(db, id);
}
