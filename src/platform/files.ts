import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { AppError } from './errors.js';

// Content-addressed file store under CASEBOOK_DATA_DIR: a file is kept by the sha-256 of its
// bytes, never by the name it was uploaded with, so no uploaded name ever reaches the file system.
//
// Crash safety: bytes are first written to tmp/ ("staged"), named by their hash once known, and
// moved into place after the row that references them commits. A crash leaves at most a staged
// file; the start-up sweep (sweepFiles) moves a staged file whose row committed into place and
// deletes staged and stored files that nothing references.

export interface StoredFile {
  sha256: string;
  size: number;
  /** The first bytes, for telling the type from the content. */
  head: Buffer;
}

export interface StagedFile extends StoredFile {
  kind: string;
  tmpPath: string;
}

const STAGED = /^([a-z]+)\.([0-9a-f]{64})\.[0-9a-f]{16}$/;

export class FileStore {
  constructor(private readonly root: string, private readonly kind: string) {}

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha-256');
    return path.join(this.root, this.kind, sha256.slice(0, 2), sha256);
  }

  private tmpDir(): string {
    const dir = path.join(this.root, 'tmp');
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Streams the bytes to tmp/ under their hash; refuses (413) a stream its sender cut at maxBytes. */
  async stage(stream: Readable & { truncated?: boolean }, label = 'file'): Promise<StagedFile> {
    const part = path.join(this.tmpDir(), `${randomBytes(16).toString('hex')}.part`);
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        if (head.length < 512) head = Buffer.concat([head, chunk.subarray(0, 512 - head.length)]);
        done(null, chunk);
      },
    });
    const out = fs.createWriteStream(part, { flags: 'wx' });
    try {
      await pipeline(stream, meter, out);
      if (stream.truncated) throw tooLarge(label);
    } catch (err) {
      // A sender that breaks off before the file is even open: the stream still opens (creating the
      // file) before it closes, so wait for that, or an orphan .part outlives the refusal (fuzzer).
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      fs.rmSync(part, { force: true });
      if ((err as { statusCode?: number }).statusCode === 413 && !(err instanceof AppError)) throw tooLarge(label);
      throw err;
    }
    const sha256 = hash.digest('hex');
    const tmpPath = path.join(path.dirname(part), `${this.kind}.${sha256}.${randomBytes(8).toString('hex')}`);
    fs.renameSync(part, tmpPath);
    return { kind: this.kind, sha256, size, head, tmpPath };
  }

  /** Stages bytes already in memory (rendered documents, mail). */
  stageBuffer(bytes: Buffer): StagedFile {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const tmpPath = path.join(this.tmpDir(), `${this.kind}.${sha256}.${randomBytes(8).toString('hex')}`);
    fs.writeFileSync(tmpPath, bytes, { flag: 'wx' });
    return { kind: this.kind, sha256, size: bytes.length, head: bytes.subarray(0, 512), tmpPath };
  }

  /** Moves a staged file into its hash's place (once: the same bytes stored before are kept). */
  promote(file: StagedFile): void {
    const dest = this.pathOf(file.sha256);
    if (fs.existsSync(dest)) {
      fs.rmSync(file.tmpPath, { force: true });
      return;
    }
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    try {
      fs.renameSync(file.tmpPath, dest);
    } catch (err) {
      // The sweep of another instance moved it already.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !fs.existsSync(dest)) throw err;
    }
  }

  discard(files: StagedFile[]): void {
    for (const f of files) fs.rmSync(f.tmpPath, { force: true });
  }

  /** Stores bytes at once (for rows written after the file, whose orphans the sweep removes). */
  putBuffer(bytes: Buffer): StoredFile {
    const staged = this.stageBuffer(bytes);
    this.promote(staged);
    return { sha256: staged.sha256, size: staged.size, head: staged.head };
  }

  /** Stores a stream at once; see putBuffer. */
  async put(stream: Readable & { truncated?: boolean }): Promise<StoredFile> {
    const staged = await this.stage(stream);
    this.promote(staged);
    return { sha256: staged.sha256, size: staged.size, head: staged.head };
  }

  exists(sha256: string): boolean {
    return fs.existsSync(this.pathOf(sha256));
  }

  open(sha256: string): fs.ReadStream {
    return fs.createReadStream(this.pathOf(sha256));
  }
}

const tooLarge = (label: string) => new AppError('too_large', `${label} is larger than the attachment limit (attachments.maxBytes)`, { property: 'attachments.maxBytes' });

// ---- the start-up sweep

/** Which rows reference the files of each store. */
const REFERENCES: Record<string, (db: Kysely<DB>) => Promise<string[]>> = {
  attachments: async (db) => (await db.selectFrom('attachments').select('sha256').distinct().execute()).map((r) => r.sha256),
  documents: async (db) => (await db.selectFrom('review_documents').select('sha256').distinct().execute()).map((r) => r.sha256),
  mail: async (db) => (await db.selectFrom('messages').select('raw_sha256').where('raw_sha256', 'is not', null).distinct().execute()).map((r) => r.raw_sha256!),
};
export const FILE_KINDS = Object.keys(REFERENCES);

export interface SweepResult {
  restored: number;
  removedStaged: number;
  removedUnreferenced: number;
}

/**
 * Finishes what a crash interrupted: a staged file whose row committed is moved into place;
 * staged files and stored files that no row references are deleted when older than graceMs
 * (0 when this is the only instance; other instances may be writing files right now).
 */
export async function sweepFiles(db: Kysely<DB>, root: string, graceMs: number, now = Date.now()): Promise<SweepResult> {
  const result: SweepResult = { restored: 0, removedStaged: 0, removedUnreferenced: 0 };
  const referenced = new Map<string, Set<string>>();
  for (const kind of FILE_KINDS) referenced.set(kind, new Set(await REFERENCES[kind]!(db)));
  const old = (file: string) => {
    try {
      return now - fs.statSync(file).mtimeMs >= graceMs;
    } catch {
      return false;
    }
  };
  const tmp = path.join(root, 'tmp');
  for (const name of fs.existsSync(tmp) ? fs.readdirSync(tmp) : []) {
    const file = path.join(tmp, name);
    const m = STAGED.exec(name);
    const refs = m ? referenced.get(m[1]!) : undefined;
    if (m && refs?.has(m[2]!)) {
      const store = new FileStore(root, m[1]!);
      if (!store.exists(m[2]!)) result.restored++;
      store.promote({ kind: m[1]!, sha256: m[2]!, size: 0, head: Buffer.alloc(0), tmpPath: file });
    } else if (old(file)) {
      fs.rmSync(file, { force: true });
      result.removedStaged++;
    }
  }
  for (const kind of FILE_KINDS) {
    const dir = path.join(root, kind);
    if (!fs.existsSync(dir)) continue;
    const refs = referenced.get(kind)!;
    for (const prefix of fs.readdirSync(dir)) {
      const sub = path.join(dir, prefix);
      if (!fs.statSync(sub).isDirectory()) continue;
      for (const name of fs.readdirSync(sub)) {
        const file = path.join(sub, name);
        if (refs.has(name) || !old(file)) continue;
        // Referenced after we listed the rows? Look again before deleting.
        if (await isReferenced(db, kind, name)) continue;
        fs.rmSync(file, { force: true });
        result.removedUnreferenced++;
      }
    }
  }
  return result;
}

async function isReferenced(db: Kysely<DB>, kind: string, sha256: string): Promise<boolean> {
  if (kind === 'attachments') return !!(await db.selectFrom('attachments').select('id').where('sha256', '=', sha256).executeTakeFirst());
  if (kind === 'documents') return !!(await db.selectFrom('review_documents').select('id').where('sha256', '=', sha256).executeTakeFirst());
  return !!(await db.selectFrom('messages').select('id').where('raw_sha256', '=', sha256).executeTakeFirst());
}

// ---- types and names

const SIGNATURES: [string, number[], number?][] = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', [0x47, 0x49, 0x46, 0x38]],
  ['image/bmp', [0x42, 0x4d]],
  ['application/pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['application/zip', [0x50, 0x4b, 0x03, 0x04]],
  ['application/gzip', [0x1f, 0x8b]],
  ['video/mp4', [0x66, 0x74, 0x79, 0x70], 4],
];

/** The types we serve as themselves; anything else goes out as application/octet-stream. */
export const SERVED_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/bmp', 'image/webp', 'application/pdf', 'application/zip', 'application/gzip', 'video/mp4', 'text/plain', 'application/octet-stream']);

/** The type of a file from its first bytes, never from its name or the sender's claim. */
export function sniffType(head: Buffer): string {
  for (const [type, sig, at = 0] of SIGNATURES) if (head.length >= at + sig.length && sig.every((b, i) => head[at + i] === b)) return type;
  if (head.length >= 12 && head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (!head.includes(0)) {
    // Cut a multi-byte character at the 512-byte boundary off before judging.
    let text = head.toString('utf8');
    if (head.length === 512) text = text.replace(/\uFFFD{1,3}$/, '');
    // Markup (HTML, SVG, XML, script) is served as plain text: it never runs in our origin.
    if (!text.includes('\uFFFD')) return 'text/plain';
  }
  return 'application/octet-stream';
}

/** The Content-Type a stored file is sent with: only types that browsers do not execute. */
export function servedType(stored: string): string {
  const type = SERVED_TYPES.has(stored) ? stored : 'application/octet-stream';
  return type === 'text/plain' ? 'text/plain; charset=utf-8' : type;
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

/**
 * A file name safe to show, to save on any desktop and to put in Content-Disposition: the last
 * path segment only, no control, bidi or Windows-forbidden characters, no reserved device names,
 * at most 200 characters.
 */
export function safeFileName(name: string | undefined): string {
  const base = (name ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  let cleaned = base
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (WINDOWS_RESERVED.test(cleaned)) cleaned = `_${cleaned}`;
  const chars = Array.from(cleaned);
  if (chars.length > 200) {
    // Keep the extension: it is what the reader's desktop opens the file with.
    const ext = /\.[^.]{1,10}$/.exec(cleaned)?.[0] ?? '';
    cleaned = Array.from(cleaned.slice(0, cleaned.length - ext.length)).slice(0, 200 - ext.length).join('') + ext;
  }
  return cleaned || 'file';
}

export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Sends a stored file as a download: typed from its content, never rendered in our origin. */
export function sendDownload(reply: FastifyReply, store: FileStore, file: { sha256: string; size: number; contentType: string; fileName: string }) {
  return reply
    .header('content-type', servedType(file.contentType))
    .header('content-disposition', contentDisposition(safeFileName(file.fileName)))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cross-origin-resource-policy', 'same-origin')
    .header('cache-control', 'private, no-store')
    .header('content-length', String(file.size))
    .send(store.open(file.sha256) as never);
}

/** The files of a multipart upload, each at most maxBytes (413 beyond), at most maxFiles of them. */
export function uploadedFiles(req: FastifyRequest, maxBytes: number, maxFiles = 10) {
  if (!req.isMultipart()) throw new AppError('unsupported_media_type', 'Send the files as multipart/form-data');
  return req.files({ limits: { fileSize: maxBytes, files: maxFiles } });
}

