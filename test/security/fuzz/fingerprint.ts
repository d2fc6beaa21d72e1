import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../src/db/schema.js';
import { testDialect } from '../../helpers/database.js';

// "A rejected request changes nothing": every table gets a test-only row trigger that counts its
// inserts, updates and deletes in fuzz_changes. The triggers run inside the writer's transaction,
// so a rolled-back change leaves the counters alone and a committed one moves them — on SQLite and
// PostgreSQL alike. Files under the data directory (attachments, documents) are counted too.

export interface Fingerprint {
  rows: Map<string, number>;
  files: number;
}

const COUNTER = 'fuzz_changes';

/** Creates the counter table and one trigger per application table; returns the tables watched. */
export async function installChangeCounters(db: Kysely<DB>): Promise<string[]> {
  const tables = await userTables(db);
  if (testDialect === 'sqlite') {
    await sql`create table ${sql.table(COUNTER)} (tbl text primary key, n integer not null)`.execute(db);
    for (const t of tables) {
      await sql`insert into ${sql.table(COUNTER)} (tbl, n) values (${t}, 0)`.execute(db);
      for (const op of ['insert', 'update', 'delete']) {
        await sql
          .raw(`create trigger "fuzz_${t}_${op}" after ${op} on "${t}" begin update ${COUNTER} set n = n + 1 where tbl = '${t}'; end`)
          .execute(db);
      }
    }
  } else {
    await sql`create table ${sql.table(COUNTER)} (tbl text primary key, n integer not null)`.execute(db);
    await sql
      .raw(
        `create function fuzz_count() returns trigger language plpgsql as $$ begin update ${COUNTER} set n = n + 1 where tbl = TG_TABLE_NAME; return null; end $$`,
      )
      .execute(db);
    for (const t of tables) {
      await sql`insert into ${sql.table(COUNTER)} (tbl, n) values (${t}, 0)`.execute(db);
      await sql.raw(`create trigger "fuzz_${t}" after insert or update or delete on "${t}" for each row execute function fuzz_count()`).execute(db);
    }
  }
  return tables;
}

async function userTables(db: Kysely<DB>): Promise<string[]> {
  if (testDialect === 'sqlite') {
    const r = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(db);
    // Full-text indexes are virtual tables with shadow tables of their own; their base tables' triggers feed them.
    const virtual = r.rows.filter((x) => /^create virtual table/i.test(x.sql)).map((x) => x.name);
    return r.rows.map((x) => x.name).filter((n) => !virtual.some((v) => n === v || n.startsWith(`${v}_`)));
  }
  const r = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%' order by table_name`.execute(db);
  return r.rows.map((x) => x.name);
}

function countFiles(dir: string): number {
  let n = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.isDirectory()) n += countFiles(path.join(dir, e.name));
    // The SQLite database and its journal change on every write; they are the rows above.
    else if (!/^casebook\.db/.test(e.name)) n++;
  }
  return n;
}

export async function fingerprint(db: Kysely<DB>, dataDir: string): Promise<Fingerprint> {
  const r = await sql<{ tbl: string; n: number | string }>`select tbl, n from ${sql.table(COUNTER)}`.execute(db);
  return { rows: new Map(r.rows.map((x) => [x.tbl, Number(x.n)])), files: countFiles(dataDir) };
}

/** The tables (and files) that changed between two fingerprints, e.g. ["cases +1", "files +1"]. */
export function changes(before: Fingerprint, after: Fingerprint, ignore: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [t, n] of after.rows) {
    if (ignore.includes(t)) continue;
    const d = n - (before.rows.get(t) ?? 0);
    if (d !== 0) out.push(`${t} +${d}`);
  }
  if (after.files !== before.files) out.push(`files ${after.files - before.files > 0 ? '+' : ''}${after.files - before.files}`);
  return out;
}
