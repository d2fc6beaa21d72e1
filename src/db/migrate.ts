import { Migrator, type Kysely, type Migration } from 'kysely';
import * as m0001 from './migrations/0001_foundation.js';
import * as m0002 from './migrations/0002_cases.js';
import * as m0003 from './migrations/0003_mail.js';
import * as m0004 from './migrations/0004_reviews.js';
import * as m0005 from './migrations/0005_sla_knowledge.js';
import * as m0006 from './migrations/0006_auth_tokens.js';
import * as m0007 from './migrations/0007_watchers.js';
import * as m0008 from './migrations/0008_upload_limits.js';

// Migrations are listed here in order; each file is frozen once released.
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_cases': m0002,
  '0003_mail': m0003,
  '0004_reviews': m0004,
  '0005_sla_knowledge': m0005,
  '0006_auth_tokens': m0006,
  '0007_watchers': m0007,
  '0008_upload_limits': m0008,
};

/** Brings the schema up to date. Kysely holds a lock while it runs, so concurrent starts are safe. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The names of the migrations this version knows, in order. */
export const knownMigrations = (): string[] => Object.keys(migrations);

/**
 * Brings an empty or older schema up to the named migration and no further (a restore of an
 * older backup loads its rows into the schema they were written in, then migrates to the latest).
 */
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  if (!(name in migrations)) throw new Error(`Unknown migration ${name}`);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
