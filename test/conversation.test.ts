import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { act, makeCase, makeUser } from './helpers/factories.js';

let t: TestApp;
let cookie: string;
beforeAll(async () => {
  t = await startTestApp();
  cookie = await (await makeUser(t, { name: 'Nora Note' })).cookie();
});
afterAll(async () => t?.close());

function multipart(files: { name: string; content: Buffer | string; type?: string }[]) {
  const boundary = '----casebook' + Math.random().toString(16).slice(2);
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(number: string, files: Parameters<typeof multipart>[0]) {
  const m = multipart(files);
  return t.app.inject({ method: 'POST', url: `/api/v1/cases/${number}/attachments`, headers: { ...m.headers, cookie }, payload: m.payload });
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4b50000000049454e44ae426082', 'hex');

describe('comments', () => {
  it('adds work notes and customer comments; the first customer comment is the first response', async () => {
    const c = await makeCase(t);
    const note = await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: cookie, body: { body: 'Checked the logs', visibility: 'internal' } });
    expect(note.statusCode).toBe(201);
    expect(note.json()).toMatchObject({ visibility: 'internal', authorName: 'Nora Note', attachments: [] });
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: cookie })).json().firstResponseAt).toBeNull();
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: cookie, body: { body: 'We are on it', visibility: 'customer' } });
    const first = (await t.call('GET', `/api/v1/cases/${c.number}`, { as: cookie })).json().firstResponseAt;
    expect(first).toBeTruthy();
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: cookie, body: { body: 'Still on it', visibility: 'customer' } });
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: cookie })).json().firstResponseAt).toBe(first);
    const bad = await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: cookie, body: { body: '', visibility: 'public' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.body', 'body.visibility']);
  });
});

describe('attachments', () => {
  it('stores by content hash, never by the uploaded name, and serves a safe download', async () => {
    const c = await makeCase(t);
    const res = await upload(c.number, [{ name: '../../etc/passwd', content: 'root:x:0:0:root:/root:/bin/bash\n', type: 'image/png' }]);
    expect(res.statusCode).toBe(201);
    const [a] = res.json().items;
    expect(a.fileName).toBe('passwd');
    expect(a.contentType).toBe('text/plain'); // from the content, not the claimed image/png
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    const onDisk = path.join(t.config.dataDir, 'attachments', a.sha256.slice(0, 2), a.sha256);
    expect(fs.readFileSync(onDisk, 'utf8')).toContain('root:x:0:0');
    expect(fs.existsSync(path.join(t.config.dataDir, 'etc'))).toBe(false);

    const dl = await t.call('GET', `/api/v1/attachments/${a.id}`, { as: cookie });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-disposition']).toBe(`attachment; filename="passwd"; filename*=UTF-8''passwd`);
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers['content-type']).toMatch(/^text\/plain/);
    expect(dl.body).toContain('root:x');
    expect((await t.call('GET', `/api/v1/attachments/${a.id}`, { as: null })).statusCode).toBe(401);
  });

  it('types images by content and keeps unicode names for the download', async () => {
    const c = await makeCase(t);
    const [a] = (await upload(c.number, [{ name: 'Screenshot – Zürich.png', content: PNG }])).json().items;
    expect(a).toMatchObject({ contentType: 'image/png', fileName: 'Screenshot – Zürich.png', size: PNG.length });
    const dl = await t.call('GET', `/api/v1/attachments/${a.id}`, { as: cookie });
    expect(dl.headers['content-disposition']).toContain("filename*=UTF-8''Screenshot%20%E2%80%93%20Z%C3%BCrich.png");
    expect(dl.headers['content-disposition']).toContain('filename="Screenshot _ Z_rich.png"');
  });

  it('refuses files over the limit with 413 and records nothing', async () => {
    const c = await makeCase(t);
    await t.call('PATCH', '/api/v1/properties/attachments.maxBytes', { as: t.adminCookie, body: { value: 1024 } });
    try {
      const res = await upload(c.number, [{ name: 'big.bin', content: Buffer.alloc(4096, 7) }]);
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('too_large');
      expect((await t.call('GET', `/api/v1/cases/${c.number}/attachments`, { as: cookie })).json().items).toEqual([]);
      expect(fs.readdirSync(path.join(t.config.dataDir, 'tmp'))).toEqual([]);
    } finally {
      await t.call('PATCH', '/api/v1/properties/attachments.maxBytes', { as: t.adminCookie, body: { value: 25 * 1024 * 1024 } });
    }
  });

  it('links uploaded files to a comment, which gives them its visibility', async () => {
    const c = await makeCase(t);
    const [a] = (await upload(c.number, [{ name: 'screenshot.png', content: PNG }])).json().items;
    const comment = await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: cookie, body: { body: 'See screenshot', visibility: 'customer', attachmentIds: [a.id] } });
    expect(comment.json().attachments).toEqual([expect.objectContaining({ id: a.id, visibility: 'customer' })]);
    const reuse = await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: cookie, body: { body: 'Again', visibility: 'internal', attachmentIds: [a.id] } });
    expect(reuse.statusCode).toBe(400);
    const other = await makeCase(t);
    expect((await t.call('POST', `/api/v1/cases/${other.number}/comments`, { as: cookie, body: { body: 'x', visibility: 'internal', attachmentIds: [a.id] } })).statusCode).toBe(400);
  });

  it('refuses non-multipart uploads and uploads to resolved cases', async () => {
    const c = await makeCase(t);
    expect((await t.call('POST', `/api/v1/cases/${c.number}/attachments`, { as: cookie, body: { file: 'x' } })).statusCode).toBe(415);
    await act(t, c.number, 'resolve', { resolutionCode: 'solved', resolutionNotes: 'done' });
    expect((await upload(c.number, [{ name: 'a.txt', content: 'a' }])).statusCode).toBe(409);
  });
});

describe('timeline', () => {
  it('merges comments, activities and changes, newest first, with author and time', async () => {
    const c = await makeCase(t);
    await act(t, c.number, 'start', {}, cookie);
    const task = (await t.call('POST', `/api/v1/cases/${c.number}/activities`, { as: cookie, body: { type: 'phone_call', subject: 'Call back', dueAt: '2030-01-01T10:00:00+01:00' } })).json();
    expect(task.dueAt).toBe('2030-01-01T09:00:00.000Z');
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: cookie, body: { body: 'Called, no answer', visibility: 'internal' } });
    await t.call('PATCH', `/api/v1/activities/${task.id}`, { as: cookie, headers: { 'if-match': '"1"' }, body: { state: 'completed' } });
    const items = (await t.call('GET', `/api/v1/cases/${c.number}/timeline`, { as: cookie })).json().items;
    const kinds = items.map((e: { kind: string; change?: { entity: string; action: string } }) => (e.kind === 'change' ? `${e.change!.entity}:${e.change!.action}` : e.kind));
    expect(kinds).toEqual(['activity:update', 'comment', 'activity', 'case:update', 'case:create']);
    expect(items.every((e: { actorName: string | null; at: string }) => e.actorName && e.at)).toBe(true);
    expect(items[0].change.changes).toContainEqual({ field: 'state', oldValue: 'open', newValue: 'completed' });
    expect(items[3].change.changes).toContainEqual({ field: 'status', oldValue: 'new', newValue: 'in_progress' });
    const onlyComments = (await t.call('GET', `/api/v1/cases/${c.number}/timeline?filter=comments`, { as: cookie })).json().items;
    expect(onlyComments.map((e: { kind: string }) => e.kind)).toEqual(['comment']);
  });

  it('pages through a long history without losing entries', async () => {
    const c = await makeCase(t);
    for (let i = 0; i < 130; i++) await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: cookie, body: { body: `note ${i}`, visibility: 'internal' } });
    const bodies: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { kind: string; comment?: { body: string } }[]; nextCursor: string | null } = (
        await t.call('GET', `/api/v1/cases/${c.number}/timeline?filter=comments${cursor ? `&cursor=${cursor}` : ''}`, { as: cookie })
      ).json();
      bodies.push(...page.items.map((e) => e.comment!.body));
      cursor = page.nextCursor;
    } while (cursor);
    expect(bodies).toHaveLength(130);
    expect(new Set(bodies).size).toBe(130);
    expect(bodies[0]).toBe('note 129');
  });

  it('activities: owner defaults to the creator; bad owner and bad state are 400; stale If-Match 412', async () => {
    const c = await makeCase(t);
    const a = (await t.call('POST', `/api/v1/cases/${c.number}/activities`, { as: cookie, body: { type: 'appointment', subject: 'On-site visit' } })).json();
    expect(a.ownerName).toBe('Nora Note');
    expect((await t.call('POST', `/api/v1/cases/${c.number}/activities`, { as: cookie, body: { type: 'meeting', subject: 'x' } })).statusCode).toBe(400);
    expect((await t.call('POST', `/api/v1/cases/${c.number}/activities`, { as: cookie, body: { type: 'task', subject: 'x', ownerId: 999999 } })).statusCode).toBe(400);
    await t.call('PATCH', `/api/v1/activities/${a.id}`, { as: cookie, body: { subject: 'On-site visit, 2nd floor' } });
    expect((await t.call('PATCH', `/api/v1/activities/${a.id}`, { as: cookie, headers: { 'if-match': '"1"' }, body: { state: 'canceled' } })).statusCode).toBe(412);
    expect((await t.call('PATCH', '/api/v1/activities/999999', { as: cookie, body: { state: 'canceled' } })).statusCode).toBe(404);
  });
});
