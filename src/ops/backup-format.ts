import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import { createPgPool } from '../db/database.js';

// What backup and restore share: the manifest, the raw connection they read and write through,
// and what they learn from the database itself about its tables (columns, keys, references).

export const FORMAT = 'casebook-backup';
export const FORMAT_VERSION = 1;
export const MANIFEST = 'manifest.json';

export interface TableEntry {
  name: string;
  columns: string[];
  rows: number;
  /** Relative path of the table's JSON-lines file (one JSON array of values per row). */
  file: string;
  sha256: string;
}

export interface FileEntry {
  /** Path relative to CASEBOOK_DATA_DIR, always with forward slashes. */
  path: string;
  size: number;
  sha256: string;
}

export interface Manifest {
  format: typeof FORMAT;
  formatVersion: number;
  createdAt: string;
  source: { dialect: 'sqlite' | 'postgres' };
  migrations: string[];
  tables: TableEntry[];
  files: FileEntry[];
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** A plain connection: rows as objects, parameters positional ($1… on PostgreSQL, ? on SQLite). */
export interface Raw {
  dialect: 'sqlite' | 'postgres';
  query(sqlText: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs a statement that returns nothing. */
  exec(sqlText: string, params?: unknown[]): Promise<void>;
  /** Streams the rows of a query as arrays of values (inside the caller's transaction on PostgreSQL). */
  iterate(sqlText: string): AsyncIterable<unknown[]>;
  close(): Promise<void>;
}

export async function openRaw(config: DatabaseConfig, options: { readonly?: boolean } = {}): Promise<Raw> {
  if (config.kind === 'sqlite') {
    if (options.readonly && !fs.existsSync(config.file)) throw new BackupError(`No SQLite database at ${config.file}`);
    const db = new SQLite(config.file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    db.pragma('busy_timeout = 10000');
    if (!options.readonly) db.pragma('foreign_keys = ON');
    return {
      dialect: 'sqlite',
      query: async (s, p = []) => db.prepare(s).all(...(p as unknown[])) as Record<string, unknown>[],
      exec: async (s, p = []) => {
        const stmt = db.prepare(s);
        if (stmt.reader) stmt.all(...(p as unknown[]));
        else stmt.run(...(p as unknown[]));
      },
      iterate: (s) => ({
        async *[Symbol.asyncIterator]() {
          for (const row of db.prepare(s).raw(true).iterate()) yield row as unknown[];
        },
      }),
      close: async () => {
        db.close();
      },
    };
  }
  const pool: pg.Pool = createPgPool(config.url, 1);
  const client = await pool.connect();
  return {
    dialect: 'postgres',
    query: async (s, p = []) => (await client.query(s, p as unknown[])).rows,
    exec: async (s, p = []) => {
      await client.query(s, p as unknown[]);
    },
    iterate: (s) => ({
        async *[Symbol.asyncIterator]() {
          const cursor = `backup_cursor_${Math.random().toString(36).slice(2)}`;
          await client.query(`declare ${cursor} no scroll cursor for ${s}`);
          try {
            for (;;) {
              const res = await client.query({ text: `fetch 2000 from ${cursor}`, rowMode: 'array' });
              if (!res.rows.length) break;
              for (const row of res.rows as unknown[][]) yield row;
            }
          } finally {
            await client.query(`close ${cursor}`);
          }
        },
      }),
    close: async () => {
      client.release();
      await pool.end();
    },
  };
}

/** Tables Casebook keeps its data in (not the migrator's own, not SQLite's full-text indexes). */
export async function dataTables(raw: Raw): Promise<string[]> {
  const skip = (n: string) => n === 'schema_migrations' || n === 'schema_migrations_lock';
  if (raw.dialect === 'postgres') {
    const rows = await raw.query(`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`);
    return rows.map((r) => String(r.name)).filter((n) => !skip(n));
  }
  const rows = await raw.query(`select name, sql from sqlite_master where type = 'table' order by name`);
  const virtual = rows.filter((r) => /^\s*create\s+virtual\s+table/i.test(String(r.sql ?? ''))).map((r) => String(r.name));
  // A full-text index is rebuilt by its triggers as the rows go back in; its shadow tables go with it.
  return rows
    .map((r) => String(r.name))
    .filter((n) => !n.startsWith('sqlite_') && !skip(n) && !virtual.includes(n) && !virtual.some((v) => n.startsWith(`${v}_`)));
}

export interface TableShape {
  name: string;
  /** Stored columns, in table order (generated columns such as search vectors are left out). */
  columns: string[];
  notNull: Set<string>;
  primaryKey: string[];
  /** column → referenced table */
  references: Map<string, string>;
  /** The identity column PostgreSQL numbers from a sequence, if any. */
  identity: string | null;
  booleans: Set<string>;
}

export async function tableShape(raw: Raw, table: string): Promise<TableShape> {
  if (raw.dialect === 'sqlite') {
    const cols = (await raw.query(`select * from pragma_table_xinfo(?)`, [table])) as { name: string; notnull: number; pk: number; hidden: number; type: string }[];
    const fks = (await raw.query(`select * from pragma_foreign_key_list(?)`, [table])) as { table: string; from: string }[];
    const stored = cols.filter((c) => c.hidden === 0);
    return {
      name: table,
      columns: stored.map((c) => c.name),
      notNull: new Set(stored.filter((c) => c.notnull || c.pk).map((c) => c.name)),
      primaryKey: stored.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      references: new Map(fks.map((f) => [f.from, f.table])),
      identity: null,
      booleans: new Set(),
    };
  }
  const cols = await raw.query(
    `select column_name, is_nullable, is_identity, data_type from information_schema.columns
      where table_schema = current_schema() and table_name = $1 and is_generated = 'NEVER' order by ordinal_position`,
    [table],
  );
  const pk = await raw.query(
    `select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = to_regclass($1) and i.indisprimary order by array_position(i.indkey, a.attnum)`,
    [table],
  );
  const fks = await raw.query(
    `select a.attname as col, c.confrelid::regclass::text as ref from pg_constraint c
       join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
      where c.contype = 'f' and c.conrelid = to_regclass($1)`,
    [table],
  );
  return {
    name: table,
    columns: cols.map((c) => String(c.column_name)),
    notNull: new Set(cols.filter((c) => c.is_nullable === 'NO').map((c) => String(c.column_name))),
    primaryKey: pk.map((r) => String(r.attname)),
    references: new Map(fks.map((f) => [String(f.col), String(f.ref).replace(/^.*\./, '').replace(/"/g, '')])),
    identity: (cols.find((c) => c.is_identity === 'YES')?.column_name as string | undefined) ?? null,
    booleans: new Set(cols.filter((c) => c.data_type === 'boolean').map((c) => String(c.column_name))),
  };
}

/**
 * The order to insert tables in so every reference points at a row already there. A table that
 * refers to itself, or sits in a cycle, has those (nullable) columns filled in afterwards.
 */
export function insertionOrder(shapes: TableShape[]): { order: TableShape[]; deferred: Map<string, string[]> } {
  const byName = new Map(shapes.map((s) => [s.name, s]));
  const deferred = new Map<string, string[]>();
  const defer = (t: string, col: string) => deferred.set(t, [...(deferred.get(t) ?? []), col]);
  const pending = new Map<string, Map<string, string>>(); // table → unresolved column → referenced table
  for (const s of shapes) {
    const deps = new Map<string, string>();
    for (const [col, ref] of s.references) {
      if (!byName.has(ref)) continue;
      if (ref === s.name) defer(s.name, col);
      else deps.set(col, ref);
    }
    pending.set(s.name, deps);
  }
  const order: TableShape[] = [];
  const done = new Set<string>();
  while (order.length < shapes.length) {
    const ready = [...pending.entries()].filter(([t, deps]) => !done.has(t) && [...deps.values()].every((r) => done.has(r)));
    if (ready.length) {
      for (const [t] of ready.sort(([a], [b]) => a.localeCompare(b))) {
        done.add(t);
        order.push(byName.get(t)!);
      }
      continue;
    }
    // A cycle: break it at a table whose unresolved references may be left empty for a moment.
    const candidates = [...pending.entries()].filter(([t, deps]) => !done.has(t) && [...deps.entries()].every(([col, r]) => done.has(r) || !byName.get(t)!.notNull.has(col)));
    if (!candidates.length) throw new BackupError(`The tables ${[...pending.keys()].filter((t) => !done.has(t)).join(', ')} refer to each other through required columns`);
    const [t, deps] = candidates[0]!;
    for (const [col, r] of deps) if (!done.has(r)) defer(t, col);
    done.add(t);
    order.push(byName.get(t)!);
  }
  return { order, deferred };
}

export const sha256Of = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

export const quote = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new BackupError(`Unexpected table or column name ${JSON.stringify(name)}`);
  return `"${name}"`;
};

// The file store's layout (src/platform/files.ts): <kind>/<first two hex digits>/<sha-256>.
const STORED = /^[a-z][a-z0-9_-]*\/[0-9a-f]{2}\/([0-9a-f]{64})$/;

/**
 * The stored files of a data directory: attachments, documents, raw mail — each kept under its
 * sha-256. Temporary uploads, the SQLite file and anything else an operator keeps there are not ours.
 */
export function dataFiles(dataDir: string): { path: string; sha256: string }[] {
  const root = path.resolve(dataDir);
  const out: { path: string; sha256: string }[] = [];
  if (!fs.existsSync(root)) return out;
  for (const kind of fs.readdirSync(root, { withFileTypes: true })) {
    if (!kind.isDirectory() || kind.name === 'tmp') continue;
    for (const bucket of fs.readdirSync(path.join(root, kind.name), { withFileTypes: true })) {
      if (!bucket.isDirectory() || !/^[0-9a-f]{2}$/.test(bucket.name)) continue;
      for (const f of fs.readdirSync(path.join(root, kind.name, bucket.name), { withFileTypes: true })) {
        const rel = `${kind.name}/${bucket.name}/${f.name}`;
        const m = STORED.exec(rel);
        if (f.isFile() && m) out.push({ path: rel, sha256: m[1]! });
      }
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export const isStoredPath = (p: string) => STORED.test(p);

/** Columns whose values name a stored file by its sha-256. */
export const fileColumns = (columns: string[]) => columns.filter((c) => c === 'sha256' || c.endsWith('_sha256'));
