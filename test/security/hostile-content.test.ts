import { randomBytes } from 'node:crypto';
import { Parser } from 'htmlparser2';
import { simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailWorker } from '../../src/modules/mail/mail-worker.js';
import { INBOUND_TOKEN, startTestApp, type TestApp } from '../helpers/app.js';
import { makeUser, PASSWORD } from '../helpers/factories.js';
import { pdfText } from '../helpers/pdf.js';
import { HOSTILE, visible, type HostilePayload } from './hostile-corpus.js';

// The hostile content corpus through every text field of the API, then out again through every
// server-side surface: JSON read-back (nothing lost), the outbox mails (HTML part escaped, no
// injected header lines), the review PDF (preview and published: the payloads as literal text),
// knowledge article HTML (no active content), inbound mail (raw MIME with hostile subject, body,
// sender name and file names), uploads, and admin template inputs (Liquid and Typst).
// The browser surfaces are test/e2e/hostile-content.spec.ts.

let t: TestApp;
let manager: Awaited<ReturnType<typeof makeUser>>;
let managerCookie: string;
const uniq = () => randomBytes(4).toString('hex');

// Counts for docs/SECURITY.md.
const stats = { writes: 0, kept: 0, refused: 0, pdfs: 0, mails: 0, articleHtml: 0, uploads: 0, inbound: 0, templates: 0, fieldsProbed: new Set<string>() };

beforeAll(async () => {
  t = await startTestApp({ rateLimitPerMinute: 1_000_000 });
  manager = await makeUser(t, { name: 'Grace Kim', roles: ['manager', 'agent'] });
  managerCookie = await manager.cookie();
});
afterAll(async () => {
  console.log(
    `hostile-content: ${HOSTILE.length} payloads, ${stats.fieldsProbed.size} API text fields, ${stats.writes} writes ` +
      `(${stats.kept} kept literally, ${stats.refused} refused with 400/413 naming the field), ${stats.pdfs} PDFs, ${stats.mails} mails, ` +
      `${stats.articleHtml} article HTML renders, ${stats.uploads} uploads, ${stats.inbound} inbound mails, ${stats.templates} template inputs`,
  );
  await t?.close();
});

interface Field {
  name: string;
  max: number;
  /** The API trims the value (single-line texts). */
  trims?: boolean;
}
const f = (name: string, max: number, trims = true): Field => ({ name, max, trims });

/** Why a value must be refused, or null when the field must keep it literally. */
function mustRefuse(value: string, field: Field): string | null {
  if (value.includes('\u0000')) return 'NUL';
  if ((field.trims ? value.trim() : value).length > field.max) return 'too long';
  return null;
}

/**
 * Writes a payload into the given fields. What fits is kept; what does not is refused with
 * 400 (or 413 for a body over the 1 MB request limit) naming each field. Then the write is
 * repeated with the refused fields set to a safe value. Returns the accepted response's JSON.
 */
async function write(method: 'POST' | 'PATCH', url: string, as: string, payload: string, fields: Field[], base: Record<string, unknown>, where: string) {
  const refused = fields.filter((x) => mustRefuse(payload, x));
  const body = { ...base, ...Object.fromEntries(fields.map((x) => [x.name, payload])) };
  stats.writes++;
  for (const x of fields) stats.fieldsProbed.add(`${where}.${x.name}`);
  const res = await t.call(method, url, { as, body });
  if (refused.length === 0) {
    expect(res.statusCode, `${method} ${url} ${res.body.slice(0, 300)}`).toBeLessThan(300);
    stats.kept += fields.length;
    return res.json();
  }
  expect([400, 413], `${method} ${url}: ${res.body.slice(0, 300)}`).toContain(res.statusCode);
  const error = res.json().error;
  if (res.statusCode === 400) {
    const named = ((error.details?.fields ?? []) as { field: string }[]).map((d) => d.field);
    for (const x of refused) expect(named, `${where}.${x.name} refused without naming it: ${error.message}`).toContain(`body.${x.name}`);
  } else {
    expect(error.code).toBe('too_large');
  }
  stats.refused += refused.length;
  stats.kept += fields.length - refused.length;
  const safe = { ...body, ...Object.fromEntries(refused.map((x) => [x.name, `safe ${x.name} ${uniq()}`])) };
  stats.writes++;
  const retry = await t.call(method, url, { as, body: safe });
  expect(retry.statusCode, `${method} ${url} with safe values: ${retry.body.slice(0, 300)}`).toBeLessThan(300);
  return retry.json();
}

/** The value a field holds after a write: the payload itself (trimmed where the field trims). */
function expectKept(got: unknown, payload: string, field: Field, where: string) {
  if (mustRefuse(payload, field)) return;
  expect(got, `${where} lost or changed text`).toBe(field.trims ? payload.trim() : payload);
}

/** True when every character of `shows` reaches the rendered text, ignoring layout whitespace. */
const showsIn = (rendered: string, payload: HostilePayload) => visible(rendered).includes(visible(payload.shows));

// ---- HTML checks (mail HTML parts, article bodies)

const ACTIVE_TAGS = new Set(['script', 'iframe', 'object', 'embed', 'svg', 'math', 'style', 'link', 'meta', 'base', 'form', 'input', 'button', 'img', 'video', 'audio', 'source', 'template', 'noscript', 'details', 'frame', 'frameset', 'textarea', 'title', 'body', 'html', 'head']);

/** Elements and attributes of an HTML fragment, and its text. */
function inspectHtml(html: string) {
  const tags: string[] = [];
  const attributes: { tag: string; name: string; value: string }[] = [];
  let text = '';
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        tags.push(name);
        for (const [k, v] of Object.entries(attrs)) attributes.push({ tag: name, name: k, value: v });
      },
      ontext(s) {
        text += s;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return { tags, attributes, text };
}

/** An article body's HTML: only harmless elements, no handlers or styles, only web and mail links. */
function expectInertArticleHtml(html: string, where: string) {
  const { tags, attributes, text } = inspectHtml(html);
  expect(tags.filter((x) => ACTIVE_TAGS.has(x)), `${where}: active elements`).toEqual([]);
  for (const a of attributes) {
    expect(a.name, `${where}: attribute on <${a.tag}>`).toMatch(/^(href|rel|target|start|class|align|checked|disabled|type)$/);
    if (a.name === 'href') expect(a.value, `${where}: link target`).toMatch(/^(https?:|mailto:)/i);
    if (a.name === 'type') expect(a.tag).toBe('input');
  }
  return text;
}

/** A mail's HTML part: the template's own frame only; every payload character arrives escaped. */
function expectInertMailHtml(html: string, where: string) {
  const { tags, attributes, text } = inspectHtml(html);
  for (const tag of tags) expect(['html', 'body', 'p', 'br'], `${where}: element <${tag}> in the HTML part`).toContain(tag);
  for (const a of attributes) expect(`${a.tag}[${a.name}]`, where).toBe('body[style]');
  return text;
}

// ---- multipart and MIME builders

const rfc5987 = (s: string) => encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** One multipart part per file; the name travels as filename* (RFC 5987), so every character arrives. */
function multipart(files: { name: string; content: Buffer; type: string }[]) {
  const boundary = `----casebook${uniq()}`;
  const chunks: Buffer[] = [];
  for (const file of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${rfc5987(file.name)}\r\nContent-Type: ${file.type}\r\n\r\n`));
    chunks.push(file.content, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const SVG_WITH_SCRIPT = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>');
const HTML_PAGE = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');

/**
 * Uploads files; returns the stored items. A name with a line break cannot travel in a multipart
 * header (the parser drops such a part), so that upload is refused with 400 — then the files are
 * sent again under the payload with its line breaks percent-encoded, as browsers send them.
 */
async function upload(url: string, as: string, files: { name: string; content: Buffer; type: string }[]) {
  stats.uploads += files.length;
  const send = (list: typeof files) => {
    const { payload, headers } = multipart(list);
    return t.app.inject({ method: 'POST', url, headers: { ...headers, cookie: as }, payload });
  };
  let res = await send(files);
  if (files.some((x) => /[\r\n]/.test(x.name))) {
    expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
    expect(res.json().error.message).toMatch(/file/);
    res = await send(files.map((x) => ({ ...x, name: x.name.replace(/\r/g, '%0D').replace(/\n/g, '%0A') })));
  }
  expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
  return res.json().items as { id: number; fileName: string; contentType: string }[];
}

/** What the API stores for an uploaded name: no path, no control or bidi characters, at most 200. */
function expectSafeStoredName(name: string, where: string) {
  expect(name, where).not.toMatch(/[\\/\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
  expect(name.length, where).toBeGreaterThan(0);
  expect(name.length, where).toBeLessThanOrEqual(200);
  expect(name.startsWith('.'), where).toBe(false);
}

/** A download: one-line Content-Disposition, never rendered inline, never active content. */
function expectSafeDownload(res: Awaited<ReturnType<TestApp['call']>>, where: string) {
  expect(res.statusCode, where).toBe(200);
  const disposition = String(res.headers['content-disposition']);
  expect(disposition, where).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%!'()*._~-]*$/);
  expect(String(res.headers['content-type']), where).not.toMatch(/html|svg|xml|javascript/);
  expect(res.headers['x-content-type-options'], where).toBe('nosniff');
  expect(String(res.headers['content-security-policy']), where).toContain('sandbox');
}

const mimeWord = (s: string) => `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
const b64lines = (b: Buffer) => b.toString('base64').replace(/.{1,76}/g, '$&\r\n');

/** A raw email from `from`: hostile subject, sender name, body and attachment names. */
function hostileMime(from: string, payload: string) {
  const boundary = `b${uniq()}`;
  const name = payload.slice(0, 300);
  return Buffer.from(
    [
      `From: ${mimeWord(payload.slice(0, 200))} <${from}>`,
      'To: support@casebook.local',
      `Subject: ${mimeWord(payload.slice(0, 500))}`,
      `Message-ID: <${uniq()}.${Date.now()}@customer.test>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      b64lines(Buffer.from(payload.slice(0, 100_000), 'utf8')),
      `--${boundary}`,
      `Content-Type: image/svg+xml; name="${mimeWord(name)}"`,
      `Content-Disposition: attachment; filename="${mimeWord(name)}"`,
      'Content-Transfer-Encoding: base64',
      '',
      b64lines(SVG_WITH_SCRIPT),
      `--${boundary}`,
      'Content-Type: text/html',
      `Content-Disposition: attachment; filename*=UTF-8''${rfc5987(name)}`,
      'Content-Transfer-Encoding: base64',
      '',
      b64lines(HTML_PAGE),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

// ---- the run, one payload at a time

const reviewFields = [f('summary', 100_000, false), f('symptoms', 100_000, false), f('affectedAssets', 100_000, false), f('preventiveMeasures', 100_000, false)];
const caseNumbers = new Map<string, string>();

describe('every text field, every payload', () => {
  it.each(HOSTILE.map((x) => [x.id, x] as const))('%s: kept literally or refused naming the field; rendered inert in PDF and article HTML', async (id, x) => {
    const payload = x.text;
    const admin = t.adminCookie;

    // Customers: account, contact (with portal access), asset.
    const accountF = [f('name', 200)];
    const account = await write('POST', '/api/v1/accounts', admin, payload, accountF, {}, 'account');
    expectKept(account.name, payload, accountF[0], 'account.name');
    const contactF = [f('name', 200)];
    const contactEmail = `hostile-${uniq()}@customer.test`;
    const contact = await write('POST', '/api/v1/contacts', admin, payload, contactF, { accountId: account.id, email: contactEmail, portalAccess: true, password: PASSWORD }, 'contact');
    expectKept(contact.name, payload, contactF[0], 'contact.name');
    const assetF = [f('name', 200), f('serialNumber', 200), f('product', 200)];
    const asset = await write('POST', '/api/v1/assets', admin, payload, assetF, { accountId: account.id }, 'asset');
    for (const field of assetF) expectKept(asset[field.name], payload, field, `asset.${field.name}`);

    // The case, its activity, comments, attachments; started and resolved (each sends mail).
    const caseF = [f('shortDescription', 300), f('description', 100_000, false), f('category', 100), f('product', 200)];
    const created = await write('POST', '/api/v1/cases', admin, payload, caseF, { contactId: contact.id, accountId: account.id, assetIds: [asset.id] }, 'case');
    const number = created.number as string;
    caseNumbers.set(id, number);
    const c = (await t.call('GET', `/api/v1/cases/${number}`, { as: admin })).json();
    for (const field of caseF) expectKept(c[field.name], payload, field, `case.${field.name}`);
    expect((await t.call('POST', `/api/v1/cases/${number}/start`, { as: admin, body: {} })).statusCode).toBe(200);
    const patchF = [f('shortDescription', 300), f('category', 100)];
    const patched = await write('PATCH', `/api/v1/cases/${number}`, admin, payload, patchF, {}, 'case-patch');
    for (const field of patchF) expectKept(patched[field.name], payload, field, `case-patch.${field.name}`);

    const activityF = [f('subject', 300), f('body', 20_000, false)];
    const activity = await write('POST', `/api/v1/cases/${number}/activities`, admin, payload, activityF, { type: 'task' }, 'activity');
    for (const field of activityF) expectKept(activity[field.name], payload, field, `activity.${field.name}`);

    const files = await upload(`/api/v1/cases/${number}/attachments`, admin, [
      { name: payload.slice(0, 1000), content: SVG_WITH_SCRIPT, type: 'image/svg+xml' },
      { name: `${payload.slice(0, 200)}.html`, content: HTML_PAGE, type: 'text/html' },
    ]);
    const attachmentIds: number[] = [];
    for (const a of files) {
      expectSafeStoredName(a.fileName, `${id}: stored attachment name`);
      expect(a.contentType).toBe('text/plain'); // from the content: markup is served as text, never as a page
      expectSafeDownload(await t.call('GET', `/api/v1/attachments/${a.id}`, { as: admin }), `${id}: attachment download`);
      attachmentIds.push(a.id);
    }

    const commentF = [f('body', 100_000)];
    for (const visibility of ['customer', 'internal']) {
      const comment = await write('POST', `/api/v1/cases/${number}/comments`, admin, payload, commentF, { visibility, ...(visibility === 'customer' ? { attachmentIds } : {}) }, `comment-${visibility}`);
      expectKept(comment.body, payload, commentF[0], `comment.${visibility}`);
    }
    const timeline = (await t.call('GET', `/api/v1/cases/${number}/timeline`, { as: admin })).json();
    expect(timeline.items.length).toBeGreaterThan(2);

    const resolveF = [f('cause', 20_000), f('resolutionNotes', 20_000)];
    const resolved = await write('POST', `/api/v1/cases/${number}/resolve`, admin, payload, resolveF, { resolutionCode: 'solved', cancelOpenActivities: true }, 'resolve');
    for (const field of resolveF) expectKept(resolved[field.name], payload, field, `resolve.${field.name}`);
    // A resolution code is a lookup value, not free text: a hostile one is refused, naming it.
    const badCode = await t.call('POST', `/api/v1/cases/${number}/reactivate`, { as: admin, body: {} });
    expect(badCode.statusCode).toBe(200);
    const codeRes = await t.call('POST', `/api/v1/cases/${number}/resolve`, { as: admin, body: { resolutionCode: payload, resolutionNotes: 'ok' } });
    expect(codeRes.statusCode).toBe(payload.length > 1_000_000 ? 413 : 400);
    if (codeRes.statusCode === 400) expect(JSON.stringify(codeRes.json().error.details)).toContain('body.resolutionCode');
    expect((await t.call('POST', `/api/v1/cases/${number}/resolve`, { as: admin, body: { resolutionCode: 'solved', resolutionNotes: resolved.resolutionNotes, cause: resolved.cause ?? undefined } })).statusCode).toBe(200);

    // The review: created from the case (root cause and solution copied), every field written.
    const review = (await t.call('POST', `/api/v1/cases/${number}/review`, { as: admin })).json();
    expect(review.number, JSON.stringify(review).slice(0, 300)).toMatch(/^PCR/);
    const rUrl = `/api/v1/reviews/${review.number}`;
    const rF = [...reviewFields, f('shortDescription', 300)];
    const edited = await write('PATCH', rUrl, admin, payload, rF, {}, 'review');
    for (const field of rF) expectKept(edited[field.name], payload, field, `review.${field.name}`);
    const noteF = [f('body', 20_000)];
    await write('POST', `${rUrl}/work-notes`, admin, payload, noteF, {}, 'review-work-note');

    // The preview PDF shows the payload as literal text, in plain and in Markdown fields.
    const preview = await t.app.inject({ method: 'GET', url: `${rUrl}/preview`, headers: { cookie: admin } });
    expect(preview.statusCode, preview.body.slice(0, 300)).toBe(200);
    const previewText = await pdfText(preview.rawPayload);
    stats.pdfs++;
    expect(previewText).not.toContain('root:x:0:0');
    if (!mustRefuse(payload, f('summary', 100_000, false))) expect(showsIn(previewText, x), `${id}: preview PDF lost the text`).toBe(true);
    if (!mustRefuse(payload, f('shortDescription', 300))) {
      // The title is plain text: every visible character of the payload is there.
      expect(visible(previewText), `${id}: preview title`).toContain(visible(x.pdf ?? payload.trim()));
    }

    // Approval round trip with hostile notes, then publish: the stored document says the same.
    expect((await t.call('POST', `${rUrl}/request-approval`, { as: admin, body: { approvalUserIds: [manager.id] } })).statusCode).toBe(200);
    await write('POST', `${rUrl}/suggest-changes`, managerCookie, payload, [f('workNote', 20_000)], {}, 'review-suggest-changes');
    expect((await t.call('POST', `${rUrl}/request-approval`, { as: admin, body: {} })).statusCode).toBe(200);
    await write('POST', `${rUrl}/approve`, managerCookie, payload, [f('comment', 10_000)], {}, 'review-approve');
    const published = await t.call('POST', `${rUrl}/publish`, { as: admin, body: {} });
    expect(published.statusCode, published.body.slice(0, 300)).toBe(200);
    const doc = published.json().latestDocument;
    const pdf = await t.app.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}`, headers: { cookie: admin } });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const docText = await pdfText(pdf.rawPayload);
    stats.pdfs++;
    expect(docText).not.toContain('root:x:0:0');
    if (!mustRefuse(payload, f('summary', 100_000, false))) expect(showsIn(docText, x), `${id}: published PDF lost the text`).toBe(true);
    if (!mustRefuse(payload, f('name', 200))) expect(visible(docText), `${id}: customer name in the PDF`).toContain(visible(x.pdf ?? payload.trim()));

    // Knowledge: title, body (Markdown → HTML), product, category; the HTML has no active content.
    const articleF = [f('title', 300), f('body', 200_000, false), f('product', 200), f('category', 100)];
    const article = await write('POST', '/api/v1/articles', admin, payload, articleF, {}, 'article');
    for (const field of articleF) expectKept(article[field.name], payload, field, `article.${field.name}`);
    const articleText = expectInertArticleHtml(article.bodyHtml, `${id}: article HTML`);
    stats.articleHtml++;
    if (!mustRefuse(payload, articleF[1])) expect(showsIn(articleText, x), `${id}: article HTML lost the text: ${article.bodyHtml.slice(0, 200)}`).toBe(true);
    const previewHtml = await t.call('POST', '/api/v1/articles/preview', { as: admin, body: { body: payload } });
    if (previewHtml.statusCode === 200) {
      expectInertArticleHtml(previewHtml.json().bodyHtml, `${id}: article preview HTML`);
      stats.articleHtml++;
    } else expect([400, 413]).toContain(previewHtml.statusCode);

    // The portal: the contact opens a case, replies, uploads; what they see is what they wrote.
    const customer = await t.login(contactEmail, PASSWORD, true);
    const pcF = [f('shortDescription', 300), f('description', 100_000), f('product', 200)];
    const pc = await write('POST', '/api/v1/portal/cases', customer, payload, pcF, {}, 'portal-case');
    const pFiles = await upload(`/api/v1/portal/cases/${pc.number}/attachments`, customer, [{ name: payload.slice(0, 1000), content: SVG_WITH_SCRIPT, type: 'image/svg+xml' }]);
    for (const a of pFiles) {
      expectSafeStoredName(a.fileName, `${id}: portal upload name`);
      expectSafeDownload(await t.call('GET', `/api/v1/portal/attachments/${a.id}`, { as: customer }), `${id}: portal download`);
    }
    await write('POST', `/api/v1/portal/cases/${pc.number}/comments`, customer, payload, [f('body', 100_000)], {}, 'portal-reply');
    const portalCase = (await t.call('GET', `/api/v1/portal/cases/${pc.number}`, { as: customer })).json();
    for (const field of pcF.slice(0, 2)) expectKept(portalCase[field.name], payload, field, `portal-case.${field.name}`);

    // Inbound mail from the contact: subject, body, sender name and attachment names are hostile.
    const inbound = await t.app.inject({
      method: 'POST',
      url: '/api/v1/inbound/email',
      headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${INBOUND_TOKEN}` },
      payload: hostileMime(contactEmail, payload),
    });
    stats.inbound++;
    expect(inbound.statusCode, inbound.body.slice(0, 300)).toBe(200);
    expect(inbound.json().outcome).toBe('created');
    const mailCase = (await t.call('GET', `/api/v1/cases/${inbound.json().caseNumber}`, { as: admin })).json();
    expect(visible(mailCase.shortDescription)).toBe(visible(payload.slice(0, 500).trim()).slice(0, visible(mailCase.shortDescription).length));
    expect(mailCase.shortDescription.length).toBeGreaterThan(0);
    expect(visible(mailCase.description), `${id}: inbound body`).toContain(visible(x.shows).slice(0, 1000));
    const mailFiles = (await t.call('GET', `/api/v1/cases/${mailCase.number}/attachments`, { as: admin })).json().items as { id: number; fileName: string; contentType: string }[];
    expect(mailFiles).toHaveLength(2);
    for (const a of mailFiles) {
      expectSafeStoredName(a.fileName, `${id}: inbound attachment name`);
      expect(a.contentType).toBe('text/plain');
      expectSafeDownload(await t.call('GET', `/api/v1/attachments/${a.id}`, { as: admin }), `${id}: inbound attachment download`);
    }
  });
});

/** Delivers all queued mail through the worker's real code path and checks every message's form. */
async function deliverAndCheck() {
  const captured: Buffer[] = [];
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  // A transport that keeps the exact bytes nodemailer would put on the wire.
  const transport = {
    sendMail: async (mail: SendMailOptions) => {
      const info = await stream.sendMail(mail);
      captured.push(info.message as Buffer);
      return info;
    },
    close: () => {},
  } as unknown as Transporter;
  const worker = new MailWorker(t.db, transport, { warn: () => {}, info: () => {} }, 60_000);
  while ((await worker.runOnce()) > 0);
  expect(await t.db.selectFrom('outbox').select(['id', 'state']).where('state', '!=', 'sent').execute()).toEqual([]);
  stats.mails += captured.length;
  const mails = [];
  for (const raw of captured) {
    const text = raw.toString('latin1');
    const headerBlock = text.slice(0, text.indexOf('\r\n\r\n'));
    // Unfolded header lines: well-formed, one From, To and Subject, none that a payload brought in.
    const lines = headerBlock.replace(/\r\n[ \t]/g, ' ').split('\r\n');
    for (const line of lines) expect(line, 'header line').toMatch(/^[A-Za-z][A-Za-z0-9-]*: [\x20-\x7e]*$/);
    const names = lines.map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
    for (const one of ['from', 'to', 'subject']) expect(names.filter((n) => n === one), one).toHaveLength(1);
    expect(names.filter((n) => ['bcc', 'cc', 'set-cookie', 'x-injected', 'reply-to'].includes(n))).toEqual([]);
    const mail = await simpleParser(raw);
    expect(mail.headers.has('x-injected')).toBe(false);
    expect(mail.bcc).toBeUndefined();
    expect(mail.cc).toBeUndefined();
    const to = Array.isArray(mail.to) ? mail.to : [mail.to!];
    expect(to.flatMap((a) => a.value)).toHaveLength(1);
    expect(mail.from?.value).toHaveLength(1);
    expect(mail.subject ?? '').not.toMatch(/[\r\n]/);
    const htmlText = expectInertMailHtml(String(mail.html), `mail ${mail.subject}`);
    mails.push({ mail, htmlText });
  }
  return mails;
}

describe('the mails the payloads caused', () => {
  it('every outbox mail: HTML part escaped, no injected header lines, one recipient, payload text intact', async () => {
    const mails = await deliverAndCheck();
    expect(mails.length).toBeGreaterThan(HOSTILE.length * 4);
    const byNumber = new Map([...caseNumbers].map(([id, n]) => [n, HOSTILE.find((h) => h.id === id)!]));
    let checkedPayloadMails = 0;
    for (const { mail, htmlText } of mails) {
      const tag = /\[(CS\d{7})\]/.exec(mail.subject ?? '')?.[1];
      const payload = tag ? byNumber.get(tag) : undefined;
      if (payload && !payload.text.includes('\u0000') && payload.text.length < 300) {
        // The short description is in the subject and the body, as the literal text.
        expect(visible(mail.subject ?? ''), `subject of ${tag}`).toContain(visible(payload.text.trim().replace(/[\r\n]+/g, ' ')).slice(0, 200));
        expect(visible(htmlText + (mail.text ?? '')), `body of ${tag}`).toContain(visible(payload.shows));
        checkedPayloadMails++;
      }
    }
    expect(checkedPayloadMails).toBeGreaterThan(HOSTILE.length * 2);
  });
});

describe('names, reasons and company details staff write', () => {
  let original: Record<string, unknown> = {};
  beforeAll(async () => {
    const items = (await t.call('GET', '/api/v1/properties', { as: t.adminCookie })).json().items as { key: string; value: unknown }[];
    original = Object.fromEntries(items.filter((p) => p.key.startsWith('company.')).map((p) => [p.key, p.value]));
  });
  afterAll(async () => {
    for (const [key, value] of Object.entries(original)) await t.call('PATCH', `/api/v1/properties/${key}`, { as: t.adminCookie, body: { value } });
  });

  it.each(HOSTILE.map((x) => [x.id, x] as const))('%s as a user, group and queue name, escalate and cancel reason, company name and address: kept or refused, inert in mail and PDF', async (_id, x) => {
    const admin = t.adminCookie;
    const payload = x.text;
    // Directory names.
    const user = await write('POST', '/api/v1/users', admin, payload, [f('name', 200)], { email: `staff-${uniq()}@example.test`, roles: ['agent', 'manager'], password: PASSWORD }, 'user');
    expectKept(user.name, payload, f('name', 200), 'user.name');
    const group = await write('POST', '/api/v1/groups', admin, payload, [f('name', 200), f('description', 2000)], { memberIds: [user.id] }, 'group');
    expectKept(group.name, payload, f('name', 200), 'group.name');
    const queue = await write('POST', '/api/v1/queues', admin, payload, [f('name', 200)], { mode: 'any', memberIds: [user.id] }, 'queue');
    expectKept(queue.name, payload, f('name', 200), 'queue.name');
    // Company details reach every mail's From name and every document.
    for (const key of ['company.name', 'company.address']) {
      const res = await t.call('PATCH', `/api/v1/properties/${key}`, { as: admin, body: { value: payload } });
      stats.writes++;
      stats.fieldsProbed.add(`property.${key}`);
      if (mustRefuse(payload, f('value', 2000))) {
        expect([400, 413], res.body.slice(0, 200)).toContain(res.statusCode);
        if (res.statusCode === 400) expect(JSON.stringify(res.json().error.details)).toContain('body.value');
        stats.refused++;
      } else {
        expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
        stats.kept++;
      }
    }
    // The hostile user works a case: escalates it with a hostile reason, answers, cancels it.
    const cookie = await t.login(user.email, PASSWORD);
    const contact = (await t.call('POST', '/api/v1/contacts', { as: admin, body: { accountId: (await t.call('POST', '/api/v1/accounts', { as: admin, body: { name: `Acct ${uniq()}` } })).json().id, name: 'Nancy', email: `c-${uniq()}@customer.test` } })).json();
    const c = (await t.call('POST', '/api/v1/cases', { as: cookie, body: { shortDescription: `Printer ${x.id}`, contactId: contact.id } })).json();
    expect((await t.call('POST', `/api/v1/cases/${c.number}/start`, { as: cookie, body: {} })).statusCode).toBe(200);
    await write('POST', `/api/v1/cases/${c.number}/escalate`, cookie, payload, [f('reason', 2000)], { assignmentGroupId: group.id }, 'escalate');
    expect((await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: cookie, body: { body: 'We are on it.', visibility: 'customer' } })).statusCode).toBe(201);
    // The review document names the hostile approver and the hostile company.
    const r = await t.call('POST', `/api/v1/cases/${c.number}/resolve`, { as: cookie, body: { resolutionCode: 'solved', resolutionNotes: 'Fixed.' } });
    expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
    const review = (await t.call('POST', `/api/v1/cases/${c.number}/review`, { as: admin })).json();
    expect((await t.call('POST', `/api/v1/reviews/${review.number}/request-approval`, { as: admin, body: { approvalUserIds: [user.id] } })).statusCode).toBe(200);
    expect((await t.call('POST', `/api/v1/reviews/${review.number}/approve`, { as: cookie, body: {} })).statusCode).toBe(200);
    const preview = await t.app.inject({ method: 'GET', url: `/api/v1/reviews/${review.number}/preview`, headers: { cookie: admin } });
    expect(preview.statusCode, preview.body.slice(0, 300)).toBe(200);
    const text = await pdfText(preview.rawPayload);
    stats.pdfs++;
    if (!mustRefuse(payload, f('name', 200))) expect(visible(text), `${x.id}: approver name in the PDF`).toContain(visible(x.pdf ?? payload.trim()));
    expect(text).not.toContain('root:x:0:0');
    // A second case, canceled with a hostile reason (the contact is told the reason by mail).
    const c2 = (await t.call('POST', '/api/v1/cases', { as: cookie, body: { shortDescription: `Duplicate ${x.id}`, contactId: contact.id } })).json();
    await write('POST', `/api/v1/cases/${c2.number}/cancel`, cookie, payload, [f('reason', 2000)], {}, 'cancel');
    const mails = await deliverAndCheck();
    expect(mails.length, x.id).toBeGreaterThanOrEqual(4);
    for (const { mail } of mails) {
      if (!mustRefuse(payload, f('value', 2000)) && mail.to && !Array.isArray(mail.to) && mail.to.value[0].address === contact.email) {
        // The From name is the company's name, on one line, every visible character kept.
        expect(visible(mail.from!.value[0].name), `${x.id}: From name`).toContain(visible(payload.replace(/[\r\n]+/g, ' ')).slice(0, 100));
      }
    }
    const canceled = mails.find((m) => /^Canceled/.test(m.mail.subject ?? ''));
    expect(canceled, `${x.id}: the canceled mail`).toBeDefined();
    if (!mustRefuse(payload, f('reason', 2000))) expect(visible(canceled!.htmlText), `${x.id}: reason in the canceled mail`).toContain(visible(x.shows));
  });
});

describe('admin template inputs', () => {
  it('email templates: a hostile template is rendered or refused (400 naming the field), never reads files or hangs; data stays data', async () => {
    for (const x of HOSTILE) {
      for (const field of ['subject', 'body'] as const) {
        const body = { subject: 'Hello {{ contact.name }}', body: 'Dear {{ contact.name }},\n\n{{ comment.body }}', [field]: x.text };
        const res = await t.call('POST', '/api/v1/email-templates/preview', { as: t.adminCookie, body });
        stats.templates++;
        expect([200, 400, 413], `${x.id} as template ${field}: ${res.body.slice(0, 200)}`).toContain(res.statusCode);
        if (res.statusCode === 400) expect(JSON.stringify(res.json().error)).toMatch(/body\.(subject|body)/);
        if (res.statusCode === 200) {
          const out = res.json();
          expect(out.subject).not.toMatch(/[\r\n]/);
          expect(JSON.stringify(out)).not.toContain('root:x:0:0');
          // Templates are text: what the admin wrote reaches the HTML part escaped, like the data.
          expectInertMailHtml(out.html, `${x.id} as template ${field}`);
        }
      }
    }
  });

  it('document templates: hostile sources compile to text or are refused naming body.source; none reads a file', async () => {
    for (const x of HOSTILE) {
      const sources = [x.text, `#let d = json(bytes(sys.inputs.data))\n= #d.account.name\n${x.text}`];
      for (const source of sources) {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/document-templates/preview', headers: { cookie: t.adminCookie }, payload: { source } });
        stats.templates++;
        expect([200, 400, 413], `${x.id}: ${res.body.slice(0, 200)}`).toContain(res.statusCode);
        if (res.statusCode === 400) expect(JSON.stringify(res.json().error)).toContain('body.source');
        if (res.statusCode === 200) {
          expect(res.headers['content-type']).toBe('application/pdf');
          expect(await pdfText(res.rawPayload)).not.toContain('root:x:0:0');
        }
      }
    }
  });
});

describe('the served Content-Security-Policy', () => {
  it('forbids inline script and foreign script on every response', async () => {
    for (const url of ['/api/v1/health', '/', '/portal/cases/CS0001001']) {
      const res = await t.app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      expect(directives['script-src'], `${url}: ${csp}`).toEqual(["'self'"]);
      expect(directives['script-src-attr'], csp).toEqual(["'none'"]);
      expect(directives['object-src']).toEqual(["'none'"]);
      expect(directives['base-uri']).toEqual(["'self'"]);
      expect(directives['frame-ancestors']).toEqual(["'self'"]);
      expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});
