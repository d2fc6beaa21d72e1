import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { auditChanges, type Actor } from './audit.js';
import { clock } from './clock.js';
import { assertVersion, staleVersion } from './concurrency.js';

// The one way a versioned record is changed: check the expected version, write only what
// changed, bump the version guarded by the old one (so a concurrent writer gets 412), audit.

type VersionedTable = 'users' | 'groups' | 'accounts' | 'contacts' | 'assets' | 'processes' | 'queues' | 'cases' | 'activities' | 'reviews' | 'review_configurations' | 'document_templates' | 'calendars' | 'sla_policies' | 'articles';

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export interface UpdateVersioned {
  table: VersionedTable;
  entity: string;
  before: { id: number; version: number } & Record<string, unknown>;
  /** Column → new value; undefined values are ignored. */
  changes: Record<string, unknown>;
  expected: number | undefined;
  actor: Actor;
  /** Bump the version even if no column changed (e.g. group membership changed). */
  touch?: boolean;
  /** Extra audit entries for changes outside the table's own columns. */
  extraAudit?: { before: Record<string, unknown>; after: Record<string, unknown> };
  secret?: readonly string[];
}

/** Applies a change to a versioned row; returns the new version (unchanged if nothing changed). */
export async function updateVersioned(trx: Kysely<DB>, u: UpdateVersioned): Promise<number> {
  assertVersion(u.expected, u.before.version);
  const changed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(u.changes)) {
    if (v !== undefined && v !== u.before[k]) changed[k] = v;
  }
  if (Object.keys(changed).length === 0 && !u.touch) return u.before.version;
  const version = u.before.version + 1;
  const result = await (trx as Kysely<any>)
    .updateTable(u.table)
    .set({ ...changed, updated_at: clock.nowIso(), version })
    .where('id', '=', u.before.id)
    .where('version', '=', u.before.version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw staleVersion(u.before.version + 1);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const k of Object.keys(changed)) {
    before[camel(k)] = u.before[k];
    after[camel(k)] = changed[k];
  }
  Object.assign(before, u.extraAudit?.before);
  Object.assign(after, u.extraAudit?.after);
  await auditChanges(trx, u.actor, u.entity, u.before.id, 'update', before, after, {
    secret: u.secret?.map(camel),
  });
  return version;
}

/** Audits the creation of a record with its initial values. */
export async function auditCreate(
  trx: Kysely<DB>,
  actor: Actor,
  entity: string,
  id: number,
  values: Record<string, unknown>,
  secret?: readonly string[],
): Promise<void> {
  await auditChanges(trx, actor, entity, id, 'create', {}, values, { secret });
}
