import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createHash } from 'node:crypto';
import type { DatabaseConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { knownMigrations, migrateTo, migrateToLatest } from '../db/migrate.js';
import {
  BackupError,
  dataTables,
  fileColumns,
  FORMAT,
  FORMAT_VERSION,
  insertionOrder,
  isStoredPath,
  MANIFEST,
  openRaw,
  quote,
  sha256File,
  tableShape,
  type Manifest,
  type Raw,
  type TableEntry,
} from './backup-format.js';

// npm run restore -- [--force] [--verify] <backup>: puts a backup into an empty instance.
//
// The backup is checked completely before anything is written: the manifest, each table file's
// sha-256 and row count, each stored file's size and sha-256, and that every file a row names is
// there. The database is brought to the backup's schema by this version's migrations (up to the
// backup's last one), then all rows go in in one transaction (so a failed restore leaves the
// database as it was), parents before children; identity sequences are moved past the restored
// ids, so new records get the next numbers. A backup of an older version is then migrated to the
// latest schema like any older database.

export interface RestoreOptions {
  database: DatabaseConfig;
  dataDir: string;
  source: string;
  /** Replace whatever the database holds. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface RestoreResult {
  manifest: Manifest;
  rows: number;
  files: number;
  /** Migrations applied after the rows went in (the backup came from an older version). */
  upgraded: string[];
}

// Tables whose rows mean someone has used this instance (a fresh one has only the seeded lookups).
const CONTENT_TABLES = ['users', 'accounts', 'contacts', 'cases', 'reviews', 'articles'];

/** Checks a backup end to end without touching any database; throws BackupError naming the first problem. */
export async function verifyBackup(source: string): Promise<Manifest> {
  const dir = path.resolve(source);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new BackupError(`${dir} is not a backup directory`);
  const manifestPath = path.join(dir, MANIFEST);
  if (!fs.existsSync(manifestPath)) throw new BackupError(`${dir} has no ${MANIFEST}: the backup is incomplete (it may have been interrupted) or not a Casebook backup`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch (err) {
    throw new BackupError(`${MANIFEST} is damaged: ${(err as Error).message}`);
  }
  if (manifest?.format !== FORMAT) throw new BackupError(`${MANIFEST} is not a Casebook backup manifest`);
  if (manifest.formatVersion !== FORMAT_VERSION) throw new BackupError(`The backup has format version ${manifest.formatVersion}; this Casebook reads version ${FORMAT_VERSION}`);
  if (!Array.isArray(manifest.tables) || !Array.isArray(manifest.files) || !Array.isArray(manifest.migrations)) throw new BackupError(`${MANIFEST} lacks its tables, files or migrations`);

  const shas = new Set<string>();
  for (const f of manifest.files) {
    if (typeof f.path !== 'string' || !isStoredPath(f.path)) throw new BackupError(`The manifest names an unexpected file path ${JSON.stringify(f.path)}`);
    const file = path.join(dir, 'files', f.path);
    if (!fs.existsSync(file)) throw new BackupError(`The backup is incomplete: the file ${f.path} is missing`);
    const actual = await sha256File(file);
    if (actual.size !== f.size || actual.sha256 !== f.sha256) throw new BackupError(`The file ${f.path} is damaged (its size or sha-256 differs from the manifest)`);
    shas.add(f.sha256);
  }
  for (const t of manifest.tables) {
    quote(t.name);
    t.columns.forEach(quote);
    const file = path.join(dir, t.file ?? '');
    if (t.file !== `tables/${t.name}.jsonl` || !fs.existsSync(file)) throw new BackupError(`The backup is incomplete: the rows of table ${t.name} are missing`);
    const hash = createHash('sha256');
    let rows = 0;
    const refs = fileColumns(t.columns).map((c) => t.columns.indexOf(c));
    for await (const line of lines(file, (chunk) => hash.update(chunk))) {
      rows++;
      if (refs.length) {
        const row = JSON.parse(line) as unknown[];
        for (const i of refs) {
          const v = row[i];
          if (typeof v === 'string' && !shas.has(v)) throw new BackupError(`Table ${t.name} names the stored file ${v}, which the backup does not contain`);
        }
      }
    }
    if (hash.digest('hex') !== t.sha256) throw new BackupError(`The rows of table ${t.name} are damaged (sha-256 differs from the manifest)`);
    if (rows !== t.rows) throw new BackupError(`Table ${t.name} has ${rows} rows in the backup; the manifest says ${t.rows}`);
  }
  return manifest;
}

/** The lines of a file, reporting every raw chunk read (for hashing exactly the bytes on disk). */
async function* lines(file: string, onChunk?: (chunk: Buffer) => void): AsyncGenerator<string> {
  const stream = fs.createReadStream(file);
  if (onChunk) stream.on('data', (c) => onChunk(c as Buffer));
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of rl) if (line !== '') yield line;
}

/** Restores a verified backup into the configured database and data directory. */
export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const log = opts.log ?? (() => {});
  const source = path.resolve(opts.source);
  const manifest = await verifyBackup(source);
  log(`Backup verified: ${manifest.tables.length} tables, ${manifest.files.length} files, made ${manifest.createdAt} on ${manifest.source.dialect}`);

  // The schema the rows were written in first: this version's migrations up to the backup's last.
  const known = knownMigrations();
  const newer = manifest.migrations.filter((m) => !known.includes(m));
  if (newer.length) throw new BackupError(`The backup was made by a newer Casebook (migrations ${newer.join(', ')} are unknown here); restore it with that version or a later one`);
  if (!manifest.migrations.length || !manifest.migrations.every((m, i) => known[i] === m)) {
    throw new BackupError(`The backup's migrations (${manifest.migrations.join(', ') || 'none'}) are not a beginning of this version's (${known.join(', ')})`);
  }
  const backupLevel = manifest.migrations[manifest.migrations.length - 1]!;
  const database = openDatabase(opts.database, { poolSize: 1 });
  try {
    const applied = await database.db
      .selectFrom('schema_migrations' as never)
      .select('name' as never)
      .execute()
      .then((rows) => rows.map((r) => String((r as { name: string }).name)))
      .catch(() => [] as string[]);
    const ahead = applied.filter((m) => !manifest.migrations.includes(m));
    if (ahead.length) {
      throw new BackupError(
        `This database already has migrations the backup predates (${ahead.join(', ')}); restore the backup into a new, empty database — it is upgraded after the restore`,
      );
    }
    await migrateTo(database.db, backupLevel);
  } finally {
    await database.close();
  }

  const raw = await openRaw(opts.database);
  let result: RestoreResult;
  try {
    const tables = await dataTables(raw);
    const shapes = await Promise.all(tables.map((t) => tableShape(raw, t)));
    const inBackup = new Map(manifest.tables.map((t) => [t.name, t]));
    const unknown = manifest.tables.filter((t) => !tables.includes(t.name)).map((t) => t.name);
    if (unknown.length) throw new BackupError(`The backup has tables this database lacks: ${unknown.join(', ')}`);
    for (const s of shapes) {
      const t = inBackup.get(s.name);
      const extra = t?.columns.filter((c) => !s.columns.includes(c)) ?? [];
      if (extra.length) throw new BackupError(`Table ${s.name} in the backup has columns this database lacks: ${extra.join(', ')}`);
    }

    const held: string[] = [];
    for (const t of CONTENT_TABLES.filter((x) => tables.includes(x))) {
      const n = Number((await raw.query(`select count(*) as n from ${quote(t)}`))[0]!.n);
      if (n > 0) held.push(`${n} ${t}`);
    }
    if (held.length && !opts.force) {
      throw new BackupError(`The database is not empty (it holds ${held.join(', ')}); a restore replaces everything in it — run again with --force to do that`);
    }

    // Files first: they are content-addressed, so one already there is the same file.
    for (const f of manifest.files) {
      const dest = path.join(opts.dataDir, f.path);
      if (fs.existsSync(dest) && (await sha256File(dest)).sha256 === f.sha256) continue;
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      const tmpDir = path.join(opts.dataDir, 'tmp');
      fs.mkdirSync(tmpDir, { recursive: true });
      const tmp = path.join(tmpDir, `restore-${process.pid}-${f.sha256}`);
      fs.copyFileSync(path.join(source, 'files', f.path), tmp);
      fs.renameSync(tmp, dest);
    }

    const rows = await restoreRows(raw, source, shapes, inBackup);
    log(`Restored ${rows} rows into ${manifest.tables.length} tables and ${manifest.files.length} files into ${opts.dataDir}`);
    result = { manifest, rows, files: manifest.files.length, upgraded: [] };
  } finally {
    await raw.close();
  }
  // A backup of an older version is upgraded now, exactly as a start of this version would.
  const upgrade = openDatabase(opts.database, { poolSize: 1 });
  try {
    result.upgraded = await migrateToLatest(upgrade.db);
  } finally {
    await upgrade.close();
  }
  if (result.upgraded.length) log(`Upgraded the restored database with migrations ${result.upgraded.join(', ')}`);
  return result;
}

const PARAMS_PER_STATEMENT = 10_000;

async function restoreRows(raw: Raw, source: string, shapes: Awaited<ReturnType<typeof tableShape>>[], inBackup: Map<string, TableEntry>): Promise<number> {
  const pg = raw.dialect === 'postgres';
  const { order, deferred } = insertionOrder(shapes);
  let total = 0;
  await raw.exec(pg ? 'begin' : 'begin immediate');
  try {
    // Out with what the migrations seeded (or, with --force, whatever was there).
    if (pg) {
      await raw.exec(`truncate ${shapes.map((s) => quote(s.name)).join(', ')} restart identity cascade`);
    } else {
      await raw.exec('pragma defer_foreign_keys = on');
      for (const s of [...order].reverse()) await raw.exec(`delete from ${quote(s.name)}`);
      const virtual = await raw.query(`select name from sqlite_master where type = 'table' and sql like 'create virtual table%' collate nocase`);
      for (const v of virtual) await raw.exec(`delete from ${quote(String(v.name))}`);
    }

    const later: { table: string; column: string; key: string[]; values: unknown[][] }[] = [];
    for (const shape of order) {
      const entry = inBackup.get(shape.name);
      if (!entry || entry.rows === 0) continue;
      const cols = entry.columns;
      const deferCols = (deferred.get(shape.name) ?? []).filter((c) => cols.includes(c));
      if (deferCols.length && !shape.primaryKey.every((k) => cols.includes(k))) throw new BackupError(`Table ${shape.name} refers to itself but has no primary key to restore by`);
      const deferIdx = deferCols.map((c) => cols.indexOf(c));
      const keyIdx = shape.primaryKey.map((k) => cols.indexOf(k));
      const pending = deferCols.map((column) => ({ table: shape.name, column, key: shape.primaryKey, values: [] as unknown[][] }));
      const perStatement = Math.max(1, Math.floor(PARAMS_PER_STATEMENT / cols.length));
      let batch: unknown[][] = [];
      const flush = async () => {
        if (!batch.length) return;
        let n = 0;
        const tuples = batch.map((r) => `(${r.map(() => (pg ? `$${++n}` : '?')).join(', ')})`).join(', ');
        await raw.exec(`insert into ${quote(shape.name)} (${cols.map(quote).join(', ')}) values ${tuples}`, batch.flat());
        batch = [];
      };
      for await (const line of lines(path.join(source, entry.file))) {
        const row = (JSON.parse(line) as unknown[]).map((v, i) => decode(v, pg, shape.booleans.has(cols[i]!)));
        deferIdx.forEach((i, j) => {
          if (row[i] !== null) {
            pending[j]!.values.push([row[i], ...keyIdx.map((k) => row[k])]);
            row[i] = null;
          }
        });
        batch.push(row);
        total++;
        if (batch.length >= perStatement) await flush();
      }
      await flush();
      later.push(...pending);
    }
    // References that had to wait until their rows were in (a child case's major case).
    for (const p of later) {
      let n = 1;
      const where = p.key.map((k) => `${quote(k)} = ${pg ? `$${++n}` : '?'}`).join(' and ');
      for (const v of p.values) await raw.exec(`update ${quote(p.table)} set ${quote(p.column)} = ${pg ? '$1' : '?'} where ${where}`, v);
    }

    // New records continue after the restored ids.
    if (pg) {
      for (const s of shapes.filter((x) => x.identity)) {
        const id = quote(s.identity!);
        await raw.query(`select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${id}) from ${quote(s.name)}), 0) + 1, false)`, [s.name, s.identity]);
      }
    } else {
      const seqs = await raw.query(`select name from sqlite_master where name = 'sqlite_sequence'`);
      if (seqs.length) {
        for (const r of await raw.query('select name from sqlite_sequence')) {
          const t = String(r.name);
          if (!shapes.some((s) => s.name === t)) continue;
          await raw.exec(`update sqlite_sequence set seq = coalesce((select max(rowid) from ${quote(t)}), 0) where name = ?`, [t]);
        }
      }
      const broken = await raw.query('pragma foreign_key_check');
      if (broken.length) throw new BackupError(`The backup's rows break ${broken.length} references (e.g. table ${String(broken[0]!.table)}); nothing was restored`);
    }
    await raw.exec('commit');
  } catch (err) {
    await raw.exec('rollback').catch(() => {});
    throw err;
  }
  if (pg) await raw.exec('analyze');
  return total;
}

function decode(v: unknown, pg: boolean, boolean: boolean): unknown {
  if (v !== null && typeof v === 'object' && '$base64' in (v as object)) return Buffer.from(String((v as { $base64: string }).$base64), 'base64');
  if (typeof v === 'boolean') return pg ? v : v ? 1 : 0;
  if (pg && boolean && typeof v === 'number') return v !== 0;
  return v;
}
