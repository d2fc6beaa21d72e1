import type { Kysely, Selectable } from 'kysely';
import type { DB, PropertiesTable } from '../../db/schema.js';
import type { Principal } from '../../platform/access.js';
import { clock } from '../../platform/clock.js';
import { assertVersion, staleVersion } from '../../platform/concurrency.js';
import { badRequest, notFound } from '../../platform/errors.js';

// System properties: typed key/value settings (SPEC §9), audited like every configuration change.

export type PropertyValue = string | number | boolean;
export interface PropertyDto {
  key: string;
  type: 'string' | 'integer' | 'boolean';
  value: PropertyValue;
  description: string;
  updatedAt: string;
  version: number;
}

function parse(type: string, raw: string): PropertyValue {
  if (type === 'boolean') return raw === 'true';
  if (type === 'integer') return Number(raw);
  return raw;
}

const toDto = (r: Selectable<PropertiesTable>): PropertyDto => ({
  key: r.key,
  type: r.type as PropertyDto['type'],
  value: parse(r.type, r.value),
  description: r.description,
  updatedAt: r.updated_at,
  version: r.version,
});

export async function listProperties(db: Kysely<DB>): Promise<PropertyDto[]> {
  return (await db.selectFrom('properties').selectAll().orderBy('key').execute()).map(toDto);
}

/** The typed value of one property. */
export async function getProperty(db: Kysely<DB>, key: string): Promise<PropertyValue> {
  const row = await db.selectFrom('properties').selectAll().where('key', '=', key).executeTakeFirst();
  if (!row) throw notFound(`Property ${key}`);
  return parse(row.type, row.value);
}

// The largest value each whole-number property may take. Days, minutes and seconds become dates:
// a value the clock cannot reach (the fuzzer set surveys.validDays to 10^21) made every resolve a
// 500 ("Invalid time value"). Any other whole number stays within a 32-bit integer.
const MAX_INTEGER: Record<string, number> = {
  'cases.autoCloseAfterDays': 3650,
  'surveys.validDays': 3650,
  'auth.lockoutMinutes': 525_600,
  'auth.lockoutAfterFailures': 1000,
  'watchers.digestQuietSeconds': 86_400,
  'watchers.digestMaxDelaySeconds': 7 * 86_400,
  'attachments.maxBytes': 1024 * 1024 * 1024, // the multipart parser's own ceiling
  'attachments.maxFilesPerRequest': 10,
};
const DEFAULT_MAX_INTEGER = 2_147_483_647;

function serialise(type: string, value: PropertyValue, key = ''): string {
  const bad = (what: string) => badRequest(`value: must be ${what}`, { fields: [{ field: 'body.value', message: `must be ${what}` }] });
  if (type === 'boolean') {
    if (typeof value !== 'boolean') throw bad('true or false');
    return String(value);
  }
  if (type === 'integer') {
    const max = MAX_INTEGER[key] ?? DEFAULT_MAX_INTEGER;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) throw bad(`a whole number from 0 to ${max}`);
    return String(value);
  }
  if (typeof value !== 'string' || value.length > 2000) throw bad('a text of at most 2000 characters');
  return value;
}

export async function updateProperty(db: Kysely<DB>, actor: Principal, key: string, value: PropertyValue, expected: number | undefined): Promise<PropertyDto> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('properties').selectAll().where('key', '=', key).executeTakeFirst();
    if (!before) throw notFound(`Property ${key}`);
    assertVersion(expected, before.version);
    const raw = serialise(before.type, value, key);
    if (raw === before.value) return toDto(before);
    const result = await trx
      .updateTable('properties')
      .set({ value: raw, updated_at: clock.nowIso(), version: before.version + 1 })
      .where('key', '=', key)
      .where('version', '=', before.version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw staleVersion(before.version + 1);
    await trx
      .insertInto('audit_log')
      .values({ at: clock.nowIso(), actor_type: actor.type, actor_id: actor.id, entity: 'property', entity_id: 0, action: 'update', field: key, old_value: before.value, new_value: raw })
      .execute();
    return toDto((await trx.selectFrom('properties').selectAll().where('key', '=', key).executeTakeFirstOrThrow()));
  });
}
