import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { act, makeAccount, makeAsset, makeCase, makeContact, makeCustomer, makeGroup, makeUser } from './helpers/factories.js';
import { pdfText } from './helpers/pdf.js';

let t: TestApp;
let agent: Awaited<ReturnType<typeof makeUser>>;
let agentCookie: string;
let manager: Awaited<ReturnType<typeof makeUser>>;
let managerCookie: string;
let manager2: Awaited<ReturnType<typeof makeUser>>;
let manager2Cookie: string;
let outsiderCookie: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = await makeUser(t, { name: 'Maya Patel' });
  agentCookie = await agent.cookie();
  manager = await makeUser(t, { name: 'Grace Kim', roles: ['manager', 'agent'] });
  managerCookie = await manager.cookie();
  manager2 = await makeUser(t, { name: 'Omar Haddad', roles: ['manager'] });
  manager2Cookie = await manager2.cookie();
  outsiderCookie = await (await makeUser(t)).cookie();
});
afterAll(async () => t?.close());

const solved = { resolutionCode: 'solved', cause: 'The TLS certificate **expired** at midnight.', resolutionNotes: 'Renewed the certificate and restarted the gateway.' };

async function resolvedCase(over: Record<string, unknown> = {}) {
  const account = await makeAccount(t, { name: `Northwind ${Math.random().toString(36).slice(2, 6)}` });
  const contact = await makeCustomer(t, { accountId: account.id, name: 'Nancy Davolio' });
  const asset = await makeAsset(t, { accountId: account.id, name: 'Order gateway', serialNumber: 'NW-GW-0042', product: 'Connect' });
  const c = await makeCase(t, { contactId: contact.contact.id, assetIds: [asset.id], shortDescription: 'Orders stuck in the gateway', ...over });
  await act(t, c.number, 'start', {}, agentCookie);
  await act(t, c.number, 'resolve', solved, agentCookie);
  return { c, account, customer: contact };
}
const review = (number: string, as = agentCookie) => t.call('GET', `/api/v1/reviews/${number}`, { as }).then((r) => r.json());
const rAct = (number: string, action: string, body: unknown = {}, as = agentCookie) => t.call('POST', `/api/v1/reviews/${number}/${action}`, { as, body });
async function createReview(number: string) {
  const res = await t.call('POST', `/api/v1/cases/${number}/review`, { as: agentCookie });
  expect(res.statusCode).toBe(201);
  return res.json();
}

describe('creating a review', () => {
  it('only from a resolved case; one per case; the action disappears once it exists', async () => {
    const open = await makeCase(t);
    const refused = await t.call('POST', `/api/v1/cases/${open.number}/review`, { as: agentCookie });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.message).toMatch(/needs a resolved case/);
    expect((await t.call('GET', `/api/v1/cases/${open.number}`, { as: agentCookie })).json().reviewAvailability).toEqual({ allowed: false, reason: expect.stringMatching(/resolved/) });

    const { c } = await resolvedCase();
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: agentCookie })).json().reviewAvailability).toEqual({ allowed: true, reason: null });
    const r = await createReview(c.number);
    expect(r.number).toMatch(/^PCR\d{7}$/);
    const second = await t.call('POST', `/api/v1/cases/${c.number}/review`, { as: agentCookie });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.details).toEqual({ reviewNumber: r.number });
    const caseNow = (await t.call('GET', `/api/v1/cases/${c.number}`, { as: agentCookie })).json();
    expect(caseNow.review).toEqual({ number: r.number, state: 'new' });
    expect(caseNow.reviewAvailability.allowed).toBe(false);
  });

  it('copies the mapped case fields', async () => {
    const { c } = await resolvedCase();
    const r = await createReview(c.number);
    expect(r).toMatchObject({
      state: 'new',
      caseNumber: c.number,
      shortDescription: 'Orders stuck in the gateway',
      rootCause: solved.cause,
      solution: solved.resolutionNotes,
      affectedAssets: '- Order gateway (serial NW-GW-0042) — Connect',
      summary: '',
      assignedToId: agent.id,
      customerVisible: true,
      approvalRequired: true,
      approvalPolicy: 'any',
      editable: true,
      allowedActions: ['edit', 'request-approval', 'preview', 'work-note'],
    });
  });

  it('customers cannot reach reviews', async () => {
    const { c, customer } = await resolvedCase();
    const r = await createReview(c.number);
    expect((await t.call('GET', `/api/v1/reviews/${r.number}`, { as: customer.cookie })).statusCode).toBe(403);
    expect((await t.call('POST', `/api/v1/cases/${c.number}/review`, { as: customer.cookie })).statusCode).toBe(403);
  });
});

describe('the approval workflow', () => {
  it('edit, request approval (locks), suggest changes, edit again, approve, publish — with notifications', async () => {
    const { c } = await resolvedCase();
    const r = await createReview(c.number);
    const edit = await t.call('PATCH', `/api/v1/reviews/${r.number}`, { as: agentCookie, headers: { 'if-match': `"${r.version}"` }, body: { summary: 'Gateway down for **3 hours**.', symptoms: '- TLS errors\n- No orders' } });
    expect(edit.json()).toMatchObject({ state: 'in_progress', summary: 'Gateway down for **3 hours**.' });

    expect((await rAct(r.number, 'request-approval')).statusCode).toBe(422); // no approvers named
    const req = await rAct(r.number, 'request-approval', { approvalUserIds: [manager.id] });
    expect(req.json()).toMatchObject({ state: 'awaiting_approval', approvalRound: 1, approvers: [{ userId: manager.id, decision: null }], editable: false });
    const mail = await t.db.selectFrom('outbox').selectAll().where('template_key', '=', 'review_approval_requested').where('to_address', '=', manager.email).executeTakeFirstOrThrow();
    expect(mail.text_body).toContain(`https://support.example.test/reviews/${r.number}`);

    const locked = await t.call('PATCH', `/api/v1/reviews/${r.number}`, { as: agentCookie, body: { summary: 'sneaky' } });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().error.message).toMatch(/locked while awaiting approval/);

    expect((await rAct(r.number, 'approve', {}, manager2Cookie)).statusCode).toBe(403); // not named
    expect((await rAct(r.number, 'approve', {}, agentCookie)).statusCode).toBe(403);
    const myApprovals = (await t.call('GET', '/api/v1/reviews?approver=me', { as: managerCookie })).json().items.map((x: { number: string }) => x.number);
    expect(myApprovals).toContain(r.number);

    const suggested = await rAct(r.number, 'suggest-changes', { workNote: 'Add the customer impact in numbers.' }, managerCookie);
    expect(suggested.json()).toMatchObject({ state: 'in_progress', editable: true });
    expect((await review(r.number)).editable).toBe(true);
    const notes = (await t.call('GET', '/api/v1/me/notifications', { as: agentCookie })).json().items;
    expect(notes[0]).toMatchObject({ kind: 'review_changes_suggested' });
    const history = (await t.call('GET', `/api/v1/reviews/${r.number}/history`, { as: agentCookie })).json().items;
    expect(history.some((h: { kind: string; text: string }) => h.kind === 'work_note' && h.text.includes('customer impact'))).toBe(true);

    await t.call('PATCH', `/api/v1/reviews/${r.number}`, { as: agentCookie, body: { summary: 'Gateway down for 3 hours; 1,200 orders delayed.' } });
    await rAct(r.number, 'request-approval');
    expect((await review(r.number)).approvalRound).toBe(2);
    const approved = await rAct(r.number, 'approve', { comment: 'Clear and complete.' }, managerCookie);
    expect(approved.json()).toMatchObject({ state: 'approved', approvers: [{ userId: manager.id, decision: 'approved', comment: 'Clear and complete.' }] });
    expect((await t.call('GET', '/api/v1/me/notifications', { as: agentCookie })).json().items[0]).toMatchObject({ kind: 'review_approved' });
    expect((await t.call('GET', '/api/v1/reviews?approver=me', { as: managerCookie })).json().items.map((x: { number: string }) => x.number)).not.toContain(r.number);

    const published = await rAct(r.number, 'publish');
    expect(published.json()).toMatchObject({ state: 'published', latestDocument: { version: 1, customerVisible: true }, documentCount: 1 });
  });

  it('policy all needs every approver; a group is expanded to its members', async () => {
    await t.call('PATCH', '/api/v1/review-configurations/1', { as: t.adminCookie, body: { approvalPolicy: 'all' } });
    try {
      const group = await makeGroup(t, { memberIds: [manager.id, manager2.id] });
      const { c } = await resolvedCase();
      const r = await createReview(c.number);
      await rAct(r.number, 'request-approval', { approvalGroupId: group.id });
      expect((await rAct(r.number, 'approve', {}, managerCookie)).json()).toMatchObject({ state: 'awaiting_approval' });
      expect((await rAct(r.number, 'approve', {}, managerCookie)).statusCode).toBe(409);
      expect((await rAct(r.number, 'approve', {}, manager2Cookie)).json()).toMatchObject({ state: 'approved' });
    } finally {
      await t.call('PATCH', '/api/v1/review-configurations/1', { as: t.adminCookie, body: { approvalPolicy: 'any' } });
    }
  });

  it('without an approval workflow: publish straight away; request approval is refused', async () => {
    await t.call('PATCH', '/api/v1/review-configurations/1', { as: t.adminCookie, body: { approvalRequired: false } });
    try {
      const { c } = await resolvedCase();
      const r = await createReview(c.number);
      expect(r.allowedActions).toEqual(['edit', 'publish', 'preview', 'work-note']);
      expect((await rAct(r.number, 'request-approval', { approvalUserIds: [manager.id] })).statusCode).toBe(409);
      expect((await rAct(r.number, 'publish')).json().state).toBe('published');
    } finally {
      await t.call('PATCH', '/api/v1/review-configurations/1', { as: t.adminCookie, body: { approvalRequired: true } });
    }
  });
});

async function publishedReview(customerVisible = true) {
  const { c, customer, account } = await resolvedCase();
  const r = await createReview(c.number);
  await t.call('PATCH', `/api/v1/reviews/${r.number}`, { as: agentCookie, body: { summary: 'The gateway was down.', preventiveMeasures: 'Automatic renewal.', customerVisible } });
  await rAct(r.number, 'request-approval', { approvalUserIds: [manager.id] });
  await rAct(r.number, 'approve', {}, managerCookie);
  expect((await rAct(r.number, 'publish')).statusCode).toBe(200);
  return { c, r, customer, account };
}

describe('publishing', () => {
  it('publishing twice makes v1 and v2 with two link comments; the portal shows only the newest', async () => {
    const { c, r, customer } = await publishedReview();
    expect((await rAct(r.number, 'publish')).statusCode).toBe(409); // already published
    expect((await rAct(r.number, 'reopen')).json().state).toBe('in_progress');
    await t.call('PATCH', `/api/v1/reviews/${r.number}`, { as: agentCookie, body: { summary: 'The gateway was down for three hours (corrected).' } });
    await rAct(r.number, 'request-approval');
    await rAct(r.number, 'approve', {}, managerCookie);
    expect((await rAct(r.number, 'publish')).json().latestDocument.version).toBe(2);

    const docs = (await t.call('GET', `/api/v1/reviews/${r.number}/documents`, { as: agentCookie })).json().items;
    expect(docs.map((d: { version: number }) => d.version)).toEqual([2, 1]);
    expect(docs[0].sha256).not.toBe(docs[1].sha256);
    const comments = (await t.call('GET', `/api/v1/cases/${c.number}/timeline?filter=comments`, { as: agentCookie })).json().items.map((e: { comment: { body: string; visibility: string } }) => e.comment);
    expect(comments.filter((x: { body: string }) => x.body.includes(r.number))).toEqual([
      expect.objectContaining({ visibility: 'customer', body: expect.stringContaining('version 2') }),
      expect.objectContaining({ visibility: 'customer', body: expect.stringContaining('version 1') }),
    ]);
    // Both versions stay retrievable to staff; the customer gets only the newest.
    for (const d of docs) expect((await t.call('GET', `/api/v1/documents/${d.id}`, { as: agentCookie })).headers['content-type']).toBe('application/pdf');
    const portal = (await t.call('GET', `/api/v1/portal/cases/${c.number}`, { as: customer.cookie })).json();
    expect(portal.documents).toEqual([expect.objectContaining({ id: docs[0].id, version: 2, reviewNumber: r.number })]);
    expect((await t.call('GET', `/api/v1/documents/${docs[0].id}`, { as: customer.cookie })).statusCode).toBe(200);
    expect((await t.call('GET', `/api/v1/documents/${docs[1].id}`, { as: customer.cookie })).statusCode).toBe(404);
    const other = await makeCustomer(t);
    expect((await t.call('GET', `/api/v1/documents/${docs[0].id}`, { as: other.cookie })).statusCode).toBe(404);
    // The contact was told by mail.
    expect(await t.db.selectFrom('outbox').select('id').where('template_key', '=', 'review_published').where('case_id', '=', c.id).execute()).toHaveLength(2);
  });

  it('an internal review is a work note on the case and never reaches the portal', async () => {
    const { c, r, customer } = await publishedReview(false);
    const docs = (await t.call('GET', `/api/v1/reviews/${r.number}/documents`, { as: agentCookie })).json().items;
    expect(docs[0].customerVisible).toBe(false);
    const portal = (await t.call('GET', `/api/v1/portal/cases/${c.number}`, { as: customer.cookie })).json();
    expect(portal.documents).toEqual([]);
    expect(JSON.stringify(portal)).not.toContain(r.number);
    expect((await t.call('GET', `/api/v1/documents/${docs[0].id}`, { as: customer.cookie })).statusCode).toBe(404);
    const comments = (await t.call('GET', `/api/v1/cases/${c.number}/timeline?filter=comments`, { as: agentCookie })).json().items;
    expect(comments[0].comment).toMatchObject({ visibility: 'internal', body: expect.stringContaining(r.number) });
  });

  it('a closed case: the review shows the notice and publishing still adds the comment', async () => {
    const { c } = await resolvedCase();
    const r = await createReview(c.number);
    await act(t, c.number, 'close', {}, agentCookie);
    const now = await review(r.number);
    expect(now).toMatchObject({ caseClosed: true, caseClosedNotice: `The associated case ${c.number} has been closed.` });
    await rAct(r.number, 'request-approval', { approvalUserIds: [manager.id] });
    await rAct(r.number, 'approve', {}, managerCookie);
    expect((await rAct(r.number, 'publish')).statusCode).toBe(200);
    const comments = (await t.call('GET', `/api/v1/cases/${c.number}/timeline?filter=comments`, { as: agentCookie })).json().items;
    expect(comments[0].comment.body).toContain(r.number);
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: agentCookie })).json().status).toBe('closed');
  });
});

describe('the document', () => {
  it('contains the review fields, the case number and the customer; Markdown renders as text', async () => {
    const { c, r, account } = await publishedReview();
    const docs = (await t.call('GET', `/api/v1/reviews/${r.number}/documents`, { as: agentCookie })).json().items;
    const pdf = await t.app.inject({ method: 'GET', url: `/api/v1/documents/${docs[0].id}`, headers: { cookie: agentCookie } });
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf.rawPayload);
    for (const s of [r.number, c.number, account.name, 'Orders stuck in the gateway', 'The gateway was down.', 'Automatic renewal.', 'Renewed the certificate', 'Order gateway', 'NW-GW-0042', 'Grace Kim', 'Version 1']) {
      expect(text).toContain(s);
    }
    expect(text).toContain('The TLS certificate expired at midnight.'); // **expired** rendered bold, asterisks gone
    expect(text).not.toContain('**');
  });

  it('hostile field content renders as text, never as code', async () => {
    const { c } = await resolvedCase();
    const r = await createReview(c.number);
    const hostile = '#read("/etc/passwd") #import "x.typ" ]}) #set page(width: 1pt) $x^2$ <script>alert(1)</script> [link](javascript:alert(1)) \u202Eevil\u202C 漢字 ' + 'long '.repeat(3000);
    await t.call('PATCH', `/api/v1/reviews/${r.number}`, { as: agentCookie, body: { summary: hostile, symptoms: '```\n#panic("boom")\n```', shortDescription: '#sys.inputs' } });
    const preview = await t.app.inject({ method: 'GET', url: `/api/v1/reviews/${r.number}/preview`, headers: { cookie: agentCookie } });
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(preview.rawPayload);
    expect(text).toContain('#read("/etc/passwd")');
    expect(text).toContain('#import "x.typ"');
    expect(text).toContain('#panic("boom")');
    expect(text).toContain('#sys.inputs');
    expect(text).toContain('PREVIEW');
    expect(text).not.toContain('root:x:0:0');
  });

  it('preview works in every state and for approvers; others may preview too', async () => {
    const { r } = await publishedReview();
    for (const who of [agentCookie, managerCookie, outsiderCookie]) {
      expect((await t.call('GET', `/api/v1/reviews/${r.number}/preview`, { as: who })).statusCode).toBe(200);
    }
  });
});

describe('configuration and templates', () => {
  it('a broken template is refused with line and column, and the old one keeps publishing', async () => {
    const tpl = (await t.call('GET', '/api/v1/document-templates/1', { as: t.adminCookie })).json();
    const broken = await t.call('PATCH', '/api/v1/document-templates/1', { as: t.adminCookie, body: { source: '#let data = json(bytes(sys.inputs.data))\n= Review\n#let x = (\n' } });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.details.problems[0]).toMatchObject({ line: 3, column: expect.any(Number), message: expect.stringMatching(/unclosed/) });
    expect((await t.call('GET', '/api/v1/document-templates/1', { as: t.adminCookie })).json().version).toBe(tpl.version);
    const { r } = await publishedReview();
    expect((await review(r.number)).state).toBe('published');
  });

  it('templates cannot read files; the preview endpoint renders sample data', async () => {
    const read = await t.call('POST', '/api/v1/document-templates/preview', { as: t.adminCookie, body: { source: '#read("/etc/passwd")' } });
    expect(read.statusCode).toBe(400);
    expect(read.json().error.message).toMatch(/file not found|outside/);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/document-templates/preview', headers: { cookie: t.adminCookie }, payload: { source: '#let d = json(bytes(sys.inputs.data))\nHello #d.account.name' } });
    expect(await pdfText(ok.rawPayload)).toContain('Hello Northwind Traders');
  });

  it('admins change mappings; agents may read configurations but not change them', async () => {
    expect((await t.call('GET', '/api/v1/review-configurations', { as: agentCookie })).json().items.map((x: { appliesTo: string }) => x.appliesTo)).toEqual(['ordinary', 'major']);
    expect((await t.call('PATCH', '/api/v1/review-configurations/1', { as: agentCookie, body: { approvalRequired: false } })).statusCode).toBe(403);
    expect((await t.call('GET', '/api/v1/document-templates', { as: agentCookie })).statusCode).toBe(403);
    const res = await t.call('PATCH', '/api/v1/review-configurations/1', {
      as: t.adminCookie,
      body: { fieldMappings: [{ caseField: 'shortDescription', reviewField: 'shortDescription' }, { caseField: 'description', reviewField: 'symptoms' }] },
    });
    expect(res.json().fieldMappings).toHaveLength(2);
    const { c } = await resolvedCase({ description: 'Clients saw TLS errors.' });
    const r = await createReview(c.number);
    expect(r).toMatchObject({ symptoms: 'Clients saw TLS errors.', rootCause: '', solution: '' });
    await t.call('PATCH', '/api/v1/review-configurations/1', {
      as: t.adminCookie,
      body: {
        fieldMappings: [
          { caseField: 'shortDescription', reviewField: 'shortDescription' },
          { caseField: 'cause', reviewField: 'rootCause' },
          { caseField: 'resolutionNotes', reviewField: 'solution' },
          { caseField: 'assets', reviewField: 'affectedAssets' },
        ],
      },
    });
  });
});
