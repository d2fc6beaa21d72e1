import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleServer as buildServer } from '../../scripts/build-server.mjs';
import { sql, type Kysely } from 'kysely';
import SQLite from 'better-sqlite3';
import type { DatabaseConfig } from '../../src/config.js';
import type { DB } from '../../src/db/schema.js';
import { FILE_KINDS } from '../../src/platform/files.js';

// The crash-safety harness: the real server (src/main.ts) as a child process that the test kills
// with SIGKILL, and the checks run on its database and data directory after each crash.

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// CRASH_SERVER_ROOT: run another checkout's server under the same harness (e.g. an older commit, to see what it finds).
const serverRoot = process.env.CRASH_SERVER_ROOT ? path.resolve(process.env.CRASH_SERVER_ROOT) : repo;

/**
 * src/main.ts bundled once per run into one file, as `npm start` runs it (scripts/build-server.mjs):
 * a start then takes ~1 s of module loading instead of ~5 s of compiling TypeScript through tsx,
 * which is what lets the harness restart the server 50 times. Same code, same entry point.
 */
export async function bundleServer(): Promise<string> {
  const outfile = path.join(serverRoot, 'node_modules', '.cache', 'casebook-crash', `main-${process.pid}.mjs`);
  return buildServer({ root: serverRoot, outfile });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  pid: number;
  base: string;
  output: string[];
  /** kill -9: no shutdown hooks, no flushing, no goodbye. */
  kill9(): Promise<void>;
  /** SIGTERM and wait (the orderly shutdown). */
  stop(): Promise<void>;
}

/** Starts `node main.mjs` with the given environment and waits until /api/v1/health answers. */
export async function startServer(bundle: string, port: number, env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [bundle], {
    cwd: serverRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let dead = false;
  void exited.then(() => (dead = true));
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (dead) throw new Error(`server exited during start-up:\n${output.join('')}`);
    try {
      const res = await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    pid: child.pid!,
    base,
    output,
    kill9: async () => {
      if (!dead) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (!dead) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface HttpResult {
  status: number;
  body: string;
  headers: Headers;
}

/** One HTTP request; null when the connection broke before a whole response arrived. */
export async function request(base: string, method: string, url: string, opts: { cookie?: string; json?: unknown; body?: Buffer; contentType?: string; key?: string } = {}): Promise<HttpResult | null> {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.key) headers['idempotency-key'] = opts.key;
  let body: Uint8Array | string | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.body) {
    headers['content-type'] = opts.contentType ?? 'application/octet-stream';
    body = new Uint8Array(opts.body.buffer, opts.body.byteOffset, opts.body.byteLength);
  }
  try {
    const res = await fetch(`${base}${url}`, { method, headers, body: body as BodyInit | undefined, signal: AbortSignal.timeout(30_000) });
    return { status: res.status, body: await res.text(), headers: res.headers };
  } catch {
    return null;
  }
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A seeded random number generator (mulberry32), so a failing run can be repeated from its seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))) };
}

// ---- checks

/** SQLite's own check of the file after a crash (the server is down): pages, indexes, foreign keys. */
export function sqliteIntegrity(file: string): { integrity: string[]; foreignKeys: unknown[] } {
  const db = new SQLite(file);
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    const foreignKeys = db.pragma('foreign_key_check') as unknown[];
    return { integrity, foreignKeys };
  } finally {
    db.close();
  }
}

/**
 * The consistency queries, on either database: each names rows that should not exist. Foreign
 * keys (both databases enforce them; this proves it), numbering without gaps, key rows left
 * "in progress", attachments and documents whose files are missing.
 */
export async function consistencyProblems(db: Kysely<DB>, dataDir: string): Promise<string[]> {
  const problems: string[] = [];
  const orphan = async (label: string, q: Promise<unknown[]>) => {
    const rows = await q;
    if (rows.length) problems.push(`${label}: ${JSON.stringify(rows.slice(0, 5))}`);
  };
  await orphan('comments without case', db.selectFrom('comments').leftJoin('cases', 'cases.id', 'comments.case_id').select('comments.id').where('cases.id', 'is', null).execute());
  await orphan('attachments without case', db.selectFrom('attachments').leftJoin('cases', 'cases.id', 'attachments.case_id').select('attachments.id').where('cases.id', 'is', null).execute());
  await orphan(
    'attachments on a missing comment',
    db.selectFrom('attachments').leftJoin('comments', 'comments.id', 'attachments.comment_id').select('attachments.id').where('attachments.comment_id', 'is not', null).where('comments.id', 'is', null).execute(),
  );
  await orphan('reviews without case', db.selectFrom('reviews').leftJoin('cases', 'cases.id', 'reviews.case_id').select('reviews.id').where('cases.id', 'is', null).execute());
  await orphan('documents without review', db.selectFrom('review_documents').leftJoin('reviews', 'reviews.id', 'review_documents.review_id').select('review_documents.id').where('reviews.id', 'is', null).execute());
  await orphan('outbox mail of a missing case', db.selectFrom('outbox').leftJoin('cases', 'cases.id', 'outbox.case_id').select('outbox.id').where('outbox.case_id', 'is not', null).where('cases.id', 'is', null).execute());
  await orphan('idempotency keys left in progress', db.selectFrom('idempotency_keys').select(['id', 'path']).where('status_code', 'is', null).execute());

  // Case numbers: gapless from CS0001001, and the sequence continues after the highest.
  const numbers = (await db.selectFrom('cases').select('number').orderBy('number').execute()).map((r) => Number(r.number.slice(2)));
  numbers.forEach((n, i) => {
    if (n !== 1001 + i) problems.push(`case numbers have a gap at CS${String(1001 + i).padStart(7, '0')} (found ${n})`);
  });
  const reviewNumbers = (await db.selectFrom('reviews').select('number').orderBy('number').execute()).map((r) => Number(r.number.slice(3)));
  reviewNumbers.forEach((n, i) => {
    if (n !== 1001 + i) problems.push(`review numbers have a gap at PCR${String(1001 + i).padStart(7, '0')} (found ${n})`);
  });

  // Rows whose files are missing, and files no row references.
  const fileOf = (kind: string, sha: string) => path.join(dataDir, kind, sha.slice(0, 2), sha);
  const referenced: Record<string, Set<string>> = {
    attachments: new Set((await db.selectFrom('attachments').select('sha256').execute()).map((r) => r.sha256)),
    documents: new Set((await db.selectFrom('review_documents').select('sha256').execute()).map((r) => r.sha256)),
    mail: new Set((await db.selectFrom('messages').select('raw_sha256').where('raw_sha256', 'is not', null).execute()).map((r) => r.raw_sha256!)),
  };
  for (const kind of FILE_KINDS) {
    for (const sha of referenced[kind]!) {
      const file = fileOf(kind, sha);
      if (!fs.existsSync(file)) problems.push(`${kind} row without its file ${sha}`);
      else if (sha256(fs.readFileSync(file)) !== sha) problems.push(`${kind} file ${sha} does not hold the bytes its name says`);
    }
    const dir = path.join(dataDir, kind);
    for (const sub of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      for (const name of fs.readdirSync(path.join(dir, sub))) if (!referenced[kind]!.has(name)) problems.push(`orphan ${kind} file ${name}`);
    }
  }
  const tmp = path.join(dataDir, 'tmp');
  const left = fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
  if (left.length) problems.push(`staged files left in tmp/: ${left.slice(0, 5).join(', ')}`);
  return problems;
}

/** PostgreSQL's catalogue agrees: every foreign key is validated (none was added NOT VALID). */
export async function pgForeignKeysValid(db: Kysely<DB>): Promise<string[]> {
  const rows = await sql<{ conname: string }>`select conname from pg_constraint where contype = 'f' and not convalidated`.execute(db);
  return rows.rows.map((r) => `foreign key ${r.conname} not validated`);
}

export function databaseUrl(config: DatabaseConfig): string {
  return config.kind === 'sqlite' ? config.file : config.url;
}
