import type { Insertable, Kysely } from 'kysely';
import type { AuditLogTable, DB } from '../db/schema.js';
import type { Principal } from './access.js';
import { clock } from './clock.js';

// Every change to an audited record writes who, when, which field, old → new, in the
// same transaction as the change itself.

export type Actor = Principal | { type: 'system' };

export interface AuditOptions {
  /** Fields whose values must never be written to the log (password hashes). */
  secret?: readonly string[];
}

const show = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
};

function actorRow(actor: Actor) {
  return actor.type === 'system'
    ? { actor_type: 'system', actor_id: null }
    : { actor_type: actor.type, actor_id: actor.id };
}

/** Records the difference between before and after, one row per changed field. */
export async function auditChanges(
  db: Kysely<DB>,
  actor: Actor,
  entity: string,
  entityId: number,
  action: 'create' | 'update' | 'delete',
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  options: AuditOptions = {},
): Promise<void> {
  const at = clock.nowIso();
  const rows: Insertable<AuditLogTable>[] = Object.keys(after)
    .filter((field) => show(before[field]) !== show(after[field]))
    .map((field) => {
      const secret = options.secret?.includes(field);
      return {
        at,
        ...actorRow(actor),
        entity,
        entity_id: entityId,
        action,
        field,
        old_value: secret ? (before[field] == null ? null : '[secret]') : show(before[field]),
        new_value: secret ? (after[field] == null ? null : '[secret]') : show(after[field]),
      };
    });
  if (rows.length === 0 && action !== 'update') {
    rows.push({ at, ...actorRow(actor), entity, entity_id: entityId, action, field: null, old_value: null, new_value: null });
  }
  if (rows.length) await db.insertInto('audit_log').values(rows).execute();
}

export interface AuditEntry {
  id: number;
  at: string;
  actorType: string;
  actorId: number | null;
  entity: string;
  entityId: number;
  action: string;
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
}

/** The audit trail of one record, newest first. */
export async function listAudit(db: Kysely<DB>, entity: string, entityId: number, limit = 200): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('entity', '=', entity)
    .where('entity_id', '=', entityId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actorType: r.actor_type,
    actorId: r.actor_id,
    entity: r.entity,
    entityId: r.entity_id,
    action: r.action,
    field: r.field,
    oldValue: r.old_value,
    newValue: r.new_value,
  }));
}
