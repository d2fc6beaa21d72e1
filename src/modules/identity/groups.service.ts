import type { Kysely, Selectable } from 'kysely';
import type { DB, GroupsTable } from '../../db/schema.js';
import type { Principal } from '../../platform/access.js';
import { clock } from '../../platform/clock.js';
import { AppError, badRequest, notFound, rethrowUnique } from '../../platform/errors.js';
import { decodeCursor, page } from '../../platform/pagination.js';
import { auditCreate, updateVersioned } from '../../platform/records.js';
import * as repo from './groups.repository.js';
import type { GroupDto } from './identity.schemas.js';

type GroupRow = Selectable<GroupsTable>;

const toDto = (r: GroupRow, memberIds: number[]): GroupDto => ({
  id: r.id,
  name: r.name,
  description: r.description,
  active: r.active === 1,
  memberIds,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

async function toDtos(db: Kysely<DB>, rows: GroupRow[]): Promise<GroupDto[]> {
  const members = await repo.membersOf(db, rows.map((r) => r.id));
  return rows.map((r) => toDto(r, members.get(r.id) ?? []));
}

export async function getGroup(db: Kysely<DB>, id: number): Promise<GroupDto> {
  const row = await repo.findGroup(db, id);
  if (!row) throw notFound(`Group ${id}`);
  return (await toDtos(db, [row]))[0]!;
}

export async function listGroups(db: Kysely<DB>, query: { q?: string; active: 'true' | 'false' | 'all'; cursor?: string; limit: number }) {
  const rows = await repo.listGroups(db, {
    q: query.q || undefined,
    active: query.active === 'all' ? undefined : query.active === 'true',
    after: decodeCursor(query.cursor, 2),
    limit: query.limit,
  });
  const result = page(rows, query.limit, (r) => [r.name, r.id], (r) => r);
  return { items: await toDtos(db, result.items), nextCursor: result.nextCursor };
}

async function assertUsersExist(db: Kysely<DB>, ids: number[]): Promise<void> {
  const missing = await repo.missingUserIds(db, ids);
  if (missing.length) throw badRequest(`Unknown users: ${missing.join(', ')}`, { fields: [{ field: 'body.memberIds', message: `unknown users ${missing.join(', ')}` }] });
}

/** Creates a group (team) with its members. */
export async function createGroup(
  db: Kysely<DB>,
  actor: Principal | { type: 'system' },
  input: { name: string; description?: string; memberIds?: number[]; active?: boolean },
): Promise<GroupDto> {
  const memberIds = [...new Set(input.memberIds ?? [])].sort((a, b) => a - b);
  const id = await db
    .transaction()
    .execute(async (trx) => {
      await assertUsersExist(trx, memberIds);
      const now = clock.nowIso();
      const row = await trx
        .insertInto('groups')
        .values({ name: input.name, description: input.description ?? '', active: input.active === false ? 0 : 1, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await repo.replaceMembers(trx, row.id, memberIds);
      await auditCreate(trx, actor, 'group', row.id, { name: input.name, description: input.description ?? '', memberIds, active: input.active !== false });
      return row.id;
    })
    .catch((err) => {
      if (err instanceof AppError) throw err;
      rethrowUnique(err, 'name', `A group named ${input.name} already exists`);
    });
  return getGroup(db, id);
}

export async function updateGroup(
  db: Kysely<DB>,
  actor: Principal,
  id: number,
  input: { name?: string; description?: string; memberIds?: number[]; active?: boolean },
  expected: number | undefined,
): Promise<GroupDto> {
  await db
    .transaction()
    .execute(async (trx) => {
      const before = await repo.findGroup(trx, id);
      if (!before) throw notFound(`Group ${id}`);
      const oldMembers = (await repo.membersOf(trx, [id])).get(id) ?? [];
      const newMembers = input.memberIds ? [...new Set(input.memberIds)].sort((a, b) => a - b) : oldMembers;
      const membersChanged = newMembers.join(',') !== oldMembers.join(',');
      if (membersChanged) await assertUsersExist(trx, newMembers);
      await updateVersioned(trx, {
        table: 'groups',
        entity: 'group',
        before,
        changes: { name: input.name, description: input.description, active: input.active === undefined ? undefined : input.active ? 1 : 0 },
        expected,
        actor,
        touch: membersChanged,
        extraAudit: membersChanged ? { before: { memberIds: oldMembers }, after: { memberIds: newMembers } } : undefined,
      });
      if (membersChanged) await repo.replaceMembers(trx, id, newMembers);
    })
    .catch((err) => {
      if (err instanceof AppError) throw err;
      rethrowUnique(err, 'name', `A group named ${input.name} already exists`);
    });
  return getGroup(db, id);
}
