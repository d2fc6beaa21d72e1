import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseConfig } from '../config.js';
import {
  BackupError,
  dataFiles,
  dataTables,
  fileColumns,
  FORMAT,
  FORMAT_VERSION,
  MANIFEST,
  openRaw,
  quote,
  sha256File,
  tableShape,
  type FileEntry,
  type Manifest,
  type TableEntry,
} from './backup-format.js';

// npm run backup -- <target>: a portable, consistent copy of a running instance.
//
// Every table is read inside one snapshot (SQLite: one read transaction on a WAL database, which
// never blocks the server's writers; PostgreSQL: one REPEATABLE READ READ ONLY transaction) and
// written as JSON lines, so a backup restores into either database. Stored files (attachments,
// documents, raw mail) are content-addressed and never change; they are copied after the snapshot
// is read, and a file the snapshot names is either in the store or, for a moment after its row
// committed (or after a crash, until the next start), still staged in tmp/ — the backup takes it
// from there; a file it cannot find fails the backup. The manifest (counts and the sha-256 of
// every file) is written last and the directory is renamed into place at the very end: a backup
// is either complete or visibly not there.

export interface BackupOptions {
  database: DatabaseConfig;
  dataDir: string;
  target: string;
  log?: (line: string) => void;
}

export interface BackupResult {
  target: string;
  manifest: Manifest;
}

/** Writes a complete backup of the database and the stored files to a new directory. */
export async function backup(opts: BackupOptions): Promise<BackupResult> {
  const log = opts.log ?? (() => {});
  const target = path.resolve(opts.target);
  if (fs.existsSync(target) && (!fs.statSync(target).isDirectory() || fs.readdirSync(target).length > 0)) {
    throw new BackupError(`${target} already exists and is not an empty directory; choose a new place for the backup`);
  }
  const partial = `${target}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(path.join(partial, 'tables'), { recursive: true });
  try {
    const raw = await openRaw(opts.database, { readonly: true });
    const tables: TableEntry[] = [];
    const referenced = new Set<string>();
    let migrations: string[];
    try {
      await raw.exec(raw.dialect === 'postgres' ? 'begin isolation level repeatable read read only' : 'begin');
      migrations = (await raw.query('select name from schema_migrations order by name')).map((r) => String(r.name));
      for (const name of await dataTables(raw)) {
        const shape = await tableShape(raw, name);
        const file = `tables/${name}.jsonl`;
        const out = fs.openSync(path.join(partial, file), 'w');
        const hash = createHash('sha256');
        const fileCols = fileColumns(shape.columns).map((c) => shape.columns.indexOf(c));
        let rows = 0;
        let buffered: string[] = [];
        const flush = () => {
          const chunk = buffered.join('');
          hash.update(chunk);
          fs.writeSync(out, chunk);
          buffered = [];
        };
        const order = shape.primaryKey.length ? ` order by ${shape.primaryKey.map(quote).join(', ')}` : '';
        for await (const row of raw.iterate(`select ${shape.columns.map(quote).join(', ')} from ${quote(name)}${order}`)) {
          for (const i of fileCols) if (typeof row[i] === 'string') referenced.add(row[i] as string);
          buffered.push(JSON.stringify(row.map(encode)) + '\n');
          rows++;
          if (buffered.length >= 1000) flush();
        }
        flush();
        fs.closeSync(out);
        tables.push({ name, columns: shape.columns, rows, file, sha256: hash.digest('hex') });
      }
      await raw.exec('commit');
    } finally {
      await raw.close();
    }

    const files: FileEntry[] = [];
    const have = new Set<string>();
    for (const f of dataFiles(opts.dataDir)) {
      const dest = path.join(partial, 'files', f.path);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(path.join(opts.dataDir, f.path), dest);
      const check = await sha256File(dest);
      if (check.sha256 !== f.sha256) throw new BackupError(`The stored file ${f.path} does not match its sha-256 (the data directory is damaged)`);
      files.push({ path: f.path, size: check.size, sha256: check.sha256 });
      have.add(f.sha256);
    }
    // A file whose row has just committed may still be staged in tmp/ for a moment (it moves into
    // place after the commit; after a crash, at the next start): take it from there.
    for (const sha of [...referenced].filter((x) => !have.has(x))) {
      const found = stagedOrStored(opts.dataDir, sha);
      if (!found) continue;
      const dest = path.join(partial, 'files', found.path);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      try {
        fs.copyFileSync(found.source, dest);
      } catch {
        // Moved into place while we looked: copy it from there.
        const again = stagedOrStored(opts.dataDir, sha);
        if (!again) continue;
        fs.copyFileSync(again.source, dest);
      }
      const check = await sha256File(dest);
      if (check.sha256 !== sha) throw new BackupError(`The staged file for ${found.path} does not match its sha-256 (the data directory is damaged)`);
      files.push({ path: found.path, size: check.size, sha256: sha });
      have.add(sha);
    }
    files.sort((a, b) => a.path.localeCompare(b.path));
    const missing = [...referenced].filter((s) => !have.has(s));
    if (missing.length) {
      throw new BackupError(`The database refers to ${missing.length} stored file(s) missing from ${opts.dataDir} (e.g. ${missing[0]}); is CASEBOOK_DATA_DIR the instance's data directory?`);
    }

    const manifest: Manifest = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      source: { dialect: opts.database.kind },
      migrations,
      tables,
      files,
    };
    fs.writeFileSync(path.join(partial, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    if (fs.existsSync(target)) fs.rmdirSync(target);
    fs.renameSync(partial, target);
    const rowCount = tables.reduce((n, t) => n + t.rows, 0);
    const bytes = files.reduce((n, f) => n + f.size, 0);
    log(`Backup written to ${target}: ${tables.length} tables, ${rowCount} rows, ${files.length} files (${bytes} bytes)`);
    return { target, manifest };
  } catch (err) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw err;
  }
}

/** Where the bytes of a file are: in the store under some kind, or staged in tmp/ as <kind>.<sha-256>.<random>. */
function stagedOrStored(dataDir: string, sha: string): { path: string; source: string } | null {
  const stored = dataFiles(dataDir).find((f) => f.sha256 === sha);
  if (stored) return { path: stored.path, source: path.join(dataDir, stored.path) };
  const tmp = path.join(dataDir, 'tmp');
  const name = fs.existsSync(tmp) ? fs.readdirSync(tmp).find((n) => new RegExp(`^[a-z]+\\.${sha}\\.[0-9a-f]{16}$`).test(n)) : undefined;
  if (!name) return null;
  return { path: `${name.split('.')[0]}/${sha.slice(0, 2)}/${sha}`, source: path.join(tmp, name) };
}

/** Values as JSON: numbers, strings, null and booleans as they are; bytes as base64. */
function encode(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return { $base64: v.toString('base64') };
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number(v);
  return v;
}
