import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeFileName, sniffType } from '../../src/platform/files.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeAccount, makeCase, makeContact, makeCustomer, makeUser } from '../helpers/factories.js';
import { multipartBody, type UploadFile } from '../helpers/multipart.js';

// Uploads (agent workspace and customer portal): size, count and per-account quota limits, the
// type taken from the bytes, markup never served inline, hostile file names stored and served
// safely, and a refused upload leaving neither rows nor files behind.

let t: TestApp;
let agent: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = await (await makeUser(t, { name: 'Uma Upload' })).cookie();
});
afterAll(async () => t?.close());

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('png body')]);
const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
const BINARY = Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x00, 0x13, 0x37]);

function upload(number: string, files: UploadFile[], cookie = agent, portal = false) {
  const m = multipartBody(files);
  const url = portal ? `/api/v1/portal/cases/${number}/attachments` : `/api/v1/cases/${number}/attachments`;
  return t.app.inject({ method: 'POST', url, headers: { ...m.headers, cookie }, payload: m.payload });
}
const download = (id: number, cookie = agent, portal = false) => t.call('GET', portal ? `/api/v1/portal/attachments/${id}` : `/api/v1/attachments/${id}`, { as: cookie });
const setProperty = (key: string, value: number) => t.call('PATCH', `/api/v1/properties/${key}`, { as: t.adminCookie, body: { value } });
async function withProperty(key: string, value: number, fn: () => Promise<void>) {
  const before = (await t.call('GET', '/api/v1/properties', { as: t.adminCookie })).json().items.find((p: { key: string }) => p.key === key).value;
  expect((await setProperty(key, value)).statusCode).toBe(200);
  try {
    await fn();
  } finally {
    await setProperty(key, before);
  }
}

/** Every file under the data directory (the store, staged files). */
function filesOnDisk(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(t.config.dataDir, p));
    }
  };
  walk(t.config.dataDir);
  return out.filter((f) => /^(attachments|tmp)\//.test(f));
}
const attachmentCount = async () => (await t.db.selectFrom('attachments').select('id').execute()).length;

describe('limits', () => {
  it('a file over attachments.maxBytes is refused with 413 naming the limit; nothing is kept', async () => {
    const c = await makeCase(t);
    await withProperty('attachments.maxBytes', 1024, async () => {
      const before = { rows: await attachmentCount(), files: filesOnDisk() };
      const res = await upload(c.number, [{ name: 'small.txt', content: 'fine' }, { name: 'big.bin', content: Buffer.alloc(4096, 7) }]);
      expect(res.statusCode).toBe(413);
      expect(res.json().error).toMatchObject({ code: 'too_large', message: expect.stringContaining('attachments.maxBytes') });
      expect(res.json().error.message).toContain('big.bin');
      expect(await attachmentCount()).toBe(before.rows);
      expect(filesOnDisk()).toEqual(before.files); // not even the first, small file
      // A file of exactly the limit is fine.
      expect((await upload(c.number, [{ name: 'exact.bin', content: Buffer.alloc(1024, 1) }])).statusCode).toBe(201);
    });
  });

  it('the portal keeps the same size limit', async () => {
    const { contact, cookie } = await makeCustomer(t);
    const c = await makeCase(t, { contactId: contact.id });
    await withProperty('attachments.maxBytes', 100, async () => {
      const res = await upload(c.number, [{ name: 'big.txt', content: 'x'.repeat(101) }], cookie, true);
      expect(res.statusCode).toBe(413);
      expect(res.json().error.message).toContain('attachments.maxBytes');
    });
  });

  it('more files in one upload than attachments.maxFilesPerRequest: 413 naming it, nothing kept', async () => {
    const c = await makeCase(t);
    await withProperty('attachments.maxFilesPerRequest', 3, async () => {
      const before = { rows: await attachmentCount(), files: filesOnDisk() };
      const res = await upload(c.number, [1, 2, 3, 4].map((i) => ({ name: `f${i}.txt`, content: `file ${i}` })));
      expect(res.statusCode).toBe(413);
      expect(res.json().error).toMatchObject({ code: 'too_large', details: { property: 'attachments.maxFilesPerRequest', limit: 3 } });
      expect(await attachmentCount()).toBe(before.rows);
      expect(filesOnDisk()).toEqual(before.files);
      expect((await upload(c.number, [1, 2, 3].map((i) => ({ name: `f${i}.txt`, content: `file ${i}` })))).statusCode).toBe(201);
    });
  });

  it('a case holds at most attachments.maxFilesPerCase files: 422 naming it', async () => {
    const c = await makeCase(t);
    await withProperty('attachments.maxFilesPerCase', 4, async () => {
      expect((await upload(c.number, [1, 2, 3].map((i) => ({ name: `a${i}.txt`, content: `first ${i}` })))).statusCode).toBe(201);
      const before = filesOnDisk();
      const res = await upload(c.number, [{ name: 'b1.txt', content: 'second 1' }, { name: 'b2.txt', content: 'second 2' }]);
      expect(res.statusCode).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'rule_violation', details: { property: 'attachments.maxFilesPerCase', limit: 4, current: 3 } });
      expect(res.json().error.message).toContain(c.number);
      expect(filesOnDisk()).toEqual(before);
      const list = (await t.call('GET', `/api/v1/cases/${c.number}/attachments`, { as: agent })).json().items;
      expect(list.map((a: { fileName: string }) => a.fileName).sort()).toEqual(['a1.txt', 'a2.txt', 'a3.txt']);
      expect((await upload(c.number, [{ name: 'b1.txt', content: 'second 1' }])).statusCode).toBe(201);
    });
  });

  it("portal and agent uploads count against the case's account quota (attachments.accountQuotaBytes)", async () => {
    const account = await makeAccount(t);
    const { contact, cookie } = await makeCustomer(t, { accountId: account.id });
    const other = await makeContact(t, { accountId: account.id });
    const mine = await makeCase(t, { contactId: contact.id });
    const colleagues = await makeCase(t, { contactId: other.id }); // another case of the same account
    const elsewhere = await makeCase(t, { contactId: (await makeContact(t)).id });
    await withProperty('attachments.accountQuotaBytes', 10_000, async () => {
      expect((await upload(colleagues.number, [{ name: 'agent.bin', content: Buffer.alloc(6000, 1) }])).statusCode).toBe(201);
      expect((await upload(mine.number, [{ name: 'customer.bin', content: Buffer.alloc(3000, 2) }], cookie, true)).statusCode).toBe(201);
      const before = filesOnDisk();
      const over = await upload(mine.number, [{ name: 'one-too-many.bin', content: Buffer.alloc(1001, 3) }], cookie, true);
      expect(over.statusCode).toBe(413);
      expect(over.json().error).toMatchObject({ code: 'too_large', details: { property: 'attachments.accountQuotaBytes', limit: 10_000, used: 9000, adding: 1001 } });
      expect(over.json().error.message).toBe("The account's attachment storage quota (attachments.accountQuotaBytes, 9.8 KB) would be exceeded: 8.8 KB used, this upload adds 1001 bytes");
      const agentOver = await upload(colleagues.number, [{ name: 'agent2.bin', content: Buffer.alloc(1001, 4) }]);
      expect(agentOver.statusCode).toBe(413);
      expect(filesOnDisk()).toEqual(before);
      // What is left of the quota may still be used; other accounts are not affected.
      expect((await upload(mine.number, [{ name: 'fits.bin', content: Buffer.alloc(1000, 5) }], cookie, true)).statusCode).toBe(201);
      expect((await upload(elsewhere.number, [{ name: 'other-account.bin', content: Buffer.alloc(9000, 6) }])).statusCode).toBe(201);
    });
  });
});

describe('types come from the content', () => {
  it('the name and the claimed type are ignored; the bytes decide', async () => {
    const c = await makeCase(t);
    const res = await upload(c.number, [
      { name: 'report.pdf', content: PNG, type: 'application/pdf' },
      { name: 'photo.png', content: PDF, type: 'image/png' },
      { name: 'notes.txt', content: BINARY, type: 'text/plain' },
      { name: 'readme', content: 'plain words, ünïcödé', type: 'application/x-msdownload' },
    ]);
    expect(res.statusCode).toBe(201);
    expect(res.json().items.map((a: { fileName: string; contentType: string }) => [a.fileName, a.contentType])).toEqual([
      ['report.pdf', 'image/png'],
      ['photo.png', 'application/pdf'],
      ['notes.txt', 'application/octet-stream'],
      ['readme', 'text/plain'],
    ]);
    const png = await download(res.json().items[0].id);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.equals(PNG)).toBe(true);
  });

  it('recognises the common formats by their signatures', () => {
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(sniffType(Buffer.from('GIF89a\x01\x00', 'latin1'))).toBe('image/gif');
    expect(sniffType(Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffType(Buffer.from('PK\x03\x04\x14\x00', 'latin1'))).toBe('application/zip');
    expect(sniffType(Buffer.from([0x1f, 0x8b, 0x08, 0x00]))).toBe('application/gzip');
    expect(sniffType(Buffer.from('\x00\x00\x00\x18ftypmp42', 'latin1'))).toBe('video/mp4');
    expect(sniffType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('text/plain');
    // Text whose 512-byte head ends inside a multi-byte character is still text.
    expect(sniffType(Buffer.from('a'.repeat(511) + 'é').subarray(0, 512))).toBe('text/plain');
  });

  const markup: [string, string, string][] = [
    ['evil.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><script>alert(1)</script></svg>'],
    ['page.html', 'text/html', '<!doctype html><html><body><script>fetch("/api/v1/me")</script></body></html>'],
    ['data.xml', 'application/xml', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'],
    ['app.js', 'text/javascript', 'alert(document.domain)'],
    ['page.xhtml', 'application/xhtml+xml', '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'],
  ];
  it.each(markup)('%s is stored as plain text and only ever downloaded, never rendered (agent and portal)', async (name, claimed, content) => {
    const { contact, cookie } = await makeCustomer(t);
    const c = await makeCase(t, { contactId: contact.id });
    for (const [who, portal] of [[agent, false], [cookie, true]] as const) {
      const res = await upload(c.number, [{ name, content, type: claimed }], who, portal);
      expect(res.statusCode).toBe(201);
      const a = res.json().items[0];
      expect(a.contentType).toBe('text/plain');
      const dl = await download(a.id, who, portal);
      expect(dl.statusCode).toBe(200);
      expect(dl.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(dl.headers['content-disposition']).toMatch(/^attachment; /);
      expect(dl.headers['x-content-type-options']).toBe('nosniff');
      expect(dl.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
      expect(dl.body).toBe(content);
    }
  });

  it('a stored row with a dangerous type (older data, another import) is still served as an octet stream', async () => {
    const c = await makeCase(t);
    const a = (await upload(c.number, [{ name: 'legacy.svg', content: '<svg onload="alert(1)"/>' }])).json().items[0];
    for (const type of ['image/svg+xml', 'text/html', 'application/javascript', 'text/xml']) {
      await t.db.updateTable('attachments').set({ content_type: type }).where('id', '=', a.id).execute();
      const dl = await download(a.id);
      expect(dl.headers['content-type']).toBe('application/octet-stream');
      expect(dl.headers['content-disposition']).toMatch(/^attachment; /);
    }
  });
});

describe('hostile file names', () => {
  const hostile = [
    '../../x',
    '..\\..\\windows\\win.ini',
    '/etc/passwd',
    'nul\u0000byte.txt',
    'invoice\u202Egnp.exe',
    'bidi\u2066isolate\u2069.txt',
    `${'A'.repeat(1000)}.txt`,
    'CON',
    'con.txt',
    'LPT1.log',
    'aux',
    'trailing dot.',
    '...',
    '"quoted";name.txt',
    '<script>alert(1)</script>.txt',
    'zero\u200Ewidth\u200F.txt',
    '\uFEFFbom.txt',
    "'; drop table attachments; --.txt",
    'emoji 🎉 ünïcödé.txt',
  ];

  it(`${hostile.length} names: stored as a clean last segment, served in a header that cannot break`, async () => {
    const c = await makeCase(t);
    expect((await upload(c.number, [])).statusCode).toBe(400); // no file at all: refused
    const stored: string[] = [];
    for (const name of hostile) {
      const up = await upload(c.number, [{ name, content: `content of ${name.length}`, encoded: true }]);
      expect(up.statusCode, `${name}: ${up.body}`).toBe(201);
      const a = up.json().items[0];
      const fileName: string = a.fileName;
      stored.push(fileName);
      expect(fileName).not.toMatch(/[\\/\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069\u200e\u200f\ufeff<>:"|?*]/);
      expect(Array.from(fileName).length).toBeLessThanOrEqual(200);
      expect(fileName).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
      expect(fileName).not.toMatch(/^\.|[. ]$/);
      const dl = await download(a.id);
      expect(dl.statusCode).toBe(200);
      const disposition = String(dl.headers['content-disposition']);
      expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%!#$&+\-.^_`|~]*$/);
      expect(dl.headers['set-cookie']).toBeUndefined();
    }
    expect(stored.slice(0, 3)).toEqual(['x', 'win.ini', 'passwd']);
    expect(stored[3]).toBe('nulbyte.txt');
    expect(stored[4]).toBe('invoicegnp.exe');
    expect(stored[6]).toMatch(/^A{196}\.txt$/); // cut to 200, the extension kept
    expect(stored.slice(7, 10)).toEqual(['_CON', '_con.txt', '_LPT1.log']);
    expect(stored[12]).toBe('file');
    expect(stored[18]).toBe('emoji 🎉 ünïcödé.txt');
    // On disk there are only content hashes: no uploaded name ever reached the file system.
    for (const f of filesOnDisk()) expect(f).toMatch(/^attachments\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
  });

  it('CR/LF in a name cannot inject headers: raw it ends the part header, encoded the part is refused', async () => {
    const c = await makeCase(t);
    const raw = await upload(c.number, [{ name: 'line\r\nSet-Cookie: casebook_session=stolen\r\nX-Evil: 1', content: 'crlf' }]);
    expect(raw.statusCode).toBe(201);
    const a = raw.json().items[0];
    expect(a.fileName).toBe('line');
    const dl = await download(a.id);
    expect(dl.headers['set-cookie']).toBeUndefined();
    expect(dl.headers['x-evil']).toBeUndefined();
    const before = { rows: await attachmentCount(), files: filesOnDisk() };
    const encoded = await upload(c.number, [{ name: 'line\r\nSet-Cookie: casebook_session=stolen.txt', content: 'crlf', encoded: true }]);
    expect(encoded.statusCode).toBe(400);
    expect(encoded.json().error.message).toMatch(/at least one file/);
    expect({ rows: await attachmentCount(), files: filesOnDisk() }).toEqual(before);
    // Whatever a name holds, the header we write has none of it raw.
    expect(safeFileName('a\r\nb\u0000c.txt')).toBe('abc.txt');
  });

  it('safeFileName keeps ordinary names as they are', () => {
    expect(safeFileName('Screenshot 2024-05-01 at 10.15.png')).toBe('Screenshot 2024-05-01 at 10.15.png');
    expect(safeFileName('Quarterly report (final) v2.docx')).toBe('Quarterly report (final) v2.docx');
    expect(safeFileName('Zürich – Übersicht.pdf')).toBe('Zürich – Übersicht.pdf');
    expect(safeFileName('console.log')).toBe('console.log'); // not a device name
    expect(safeFileName(undefined)).toBe('file');
  });
});

describe('who may upload and download', () => {
  it("customers reach only their own cases' customer-visible files", async () => {
    const { contact, cookie } = await makeCustomer(t);
    const stranger = await makeCustomer(t);
    const c = await makeCase(t, { contactId: contact.id });
    const mine = (await upload(c.number, [{ name: 'mine.txt', content: 'mine' }], cookie, true)).json().items[0];
    expect((await download(mine.id, stranger.cookie, true)).statusCode).toBe(404);
    expect((await upload(c.number, [{ name: 'x.txt', content: 'x' }], stranger.cookie, true)).statusCode).toBe(404);
    const internal = (await upload(c.number, [{ name: 'internal.txt', content: 'internal' }])).json().items[0];
    expect((await download(internal.id, cookie, true)).statusCode).toBe(404);
    expect((await upload(c.number, [{ name: 'x.txt', content: 'x' }], cookie, false)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/cases/${c.number}/attachments`, ...multipartBody([{ name: 'a', content: 'a' }]) })).statusCode).toBe(401);
  });
});
