import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

// Content-addressed file store under CASEBOOK_DATA_DIR: a file is kept by the sha-256 of its
// bytes, never by the name it was uploaded with, so no uploaded name ever reaches the file system.

export interface StoredFile {
  sha256: string;
  size: number;
  /** The first bytes, for telling the type from the content. */
  head: Buffer;
}

export class FileStore {
  constructor(private readonly root: string, private readonly kind: string) {}

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha-256');
    return path.join(this.root, this.kind, sha256.slice(0, 2), sha256);
  }

  /** Streams the bytes to a temporary file, then moves it to its hash's place (once). */
  async put(stream: Readable): Promise<StoredFile> {
    const tmpDir = path.join(this.root, 'tmp');
    fs.mkdirSync(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, randomBytes(16).toString('hex'));
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
    try {
      await pipeline(stream, meter, fs.createWriteStream(tmp, { flags: 'wx' }));
      const sha256 = hash.digest('hex');
      const dest = this.pathOf(sha256);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      if (fs.existsSync(dest)) fs.rmSync(tmp);
      else fs.renameSync(tmp, dest);
      return { sha256, size, head };
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }

  /** Stores bytes already in memory (rendered documents). */
  putBuffer(bytes: Buffer): StoredFile {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const dest = this.pathOf(sha256);
    if (!fs.existsSync(dest)) {
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      const tmpDir = path.join(this.root, 'tmp');
      fs.mkdirSync(tmpDir, { recursive: true });
      const tmp = path.join(tmpDir, randomBytes(16).toString('hex'));
      fs.writeFileSync(tmp, bytes, { flag: 'wx' });
      fs.renameSync(tmp, dest);
    }
    return { sha256, size: bytes.length, head: bytes.subarray(0, 512) };
  }

  open(sha256: string): fs.ReadStream {
    return fs.createReadStream(this.pathOf(sha256));
  }
}

const SIGNATURES: [string, number[]][] = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', [0x47, 0x49, 0x46, 0x38]],
  ['application/pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['application/zip', [0x50, 0x4b, 0x03, 0x04]],
];

/** The type of a file from its first bytes, never from its name or the sender's claim. */
export function sniffType(head: Buffer): string {
  for (const [type, sig] of SIGNATURES) if (sig.every((b, i) => head[i] === b)) return type;
  if (head.length >= 12 && head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (!head.includes(0)) {
    const text = head.toString('utf8');
    // Markup is served as plain text: an uploaded page or SVG never runs in our origin.
    if (!text.includes('\uFFFD')) return 'text/plain';
  }
  return 'application/octet-stream';
}

/** A file name safe to show and to put in Content-Disposition: no paths, no control characters. */
export function safeFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 200);
  return cleaned || 'file';
}

export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Sends a stored file as a download: typed from its content, never rendered in our origin. */
export function sendDownload(reply: FastifyReply, store: FileStore, file: { sha256: string; size: number; contentType: string; fileName: string }) {
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', contentDisposition(file.fileName))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('content-length', String(file.size))
    .send(store.open(file.sha256) as never);
}

/** The files of a multipart upload, each at most maxBytes (413 beyond), ten at most. */
export function uploadedFiles(req: FastifyRequest, maxBytes: number) {
  if (!req.isMultipart()) throw new AppError('unsupported_media_type', 'Send the files as multipart/form-data');
  return req.files({ limits: { fileSize: maxBytes, files: 10 } });
}
