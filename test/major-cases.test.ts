import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { act, makeAccount, makeAsset, makeCase, makeCustomer, makeUser } from './helpers/factories.js';
import { pdfText } from './helpers/pdf.js';

let t: TestApp;
let agentCookie: string;
let mim: Awaited<ReturnType<typeof makeUser>>;
let mimCookie: string;
let managerCookie: string;
beforeAll(async () => {
  t = await startTestApp();
  agentCookie = await (await makeUser(t)).cookie();
  mim = await makeUser(t, { name: 'Omar Haddad', roles: ['major_issue_manager'] });
  mimCookie = await mim.cookie();
  managerCookie = await (await makeUser(t, { name: 'Grace Kim', roles: ['manager'] })).cookie();
});
afterAll(async () => t?.close());

const resolution = { resolutionCode: 'solved', cause: 'A faulty load balancer rule dropped EU traffic.', resolutionNotes: 'Rolled back the rule.' };

/** A major case with children from three accounts, each with its own contact and asset. */
async function outage() {
  const major = await makeCase(t, { shortDescription: 'EU region outage', priority: 1 });
  const children = [];
  for (const name of ['Alpha Foods', 'Beta Bank', 'Gamma Games']) {
    const account = await makeAccount(t, { name: `${name} ${Math.random().toString(36).slice(2, 6)}` });
    const customer = await makeCustomer(t, { accountId: account.id, name: `${name} Contact` });
    const asset = await makeAsset(t, { accountId: account.id, name: `${name} tenant`, serialNumber: `SN-${name.slice(0, 1)}-1` });
    const c = await makeCase(t, { contactId: customer.contact.id, assetIds: [asset.id], shortDescription: `${name} cannot reach the app` });
    children.push({ account, customer, asset, c });
  }
  expect((await t.call('POST', `/api/v1/cases/${major.number}/major`, { as: mimCookie, body: { major: true } })).json().major).toBe(true);
  const linked = await t.call('POST', `/api/v1/cases/${major.number}/children`, { as: mimCookie, body: { caseNumbers: children.map((x) => x.c.number) } });
  expect(linked.json().items).toHaveLength(3);
  return { major, children };
}

describe('major cases', () => {
  it('only managers and major issue managers mark cases major and link children', async () => {
    const c = await makeCase(t);
    expect((await t.call('POST', `/api/v1/cases/${c.number}/major`, { as: agentCookie, body: { major: true } })).statusCode).toBe(403);
    expect((await t.call('POST', `/api/v1/cases/${c.number}/major`, { as: managerCookie, body: { major: true } })).statusCode).toBe(200);
    const other = await makeCase(t);
    expect((await t.call('POST', `/api/v1/cases/${c.number}/children`, { as: agentCookie, body: { caseNumbers: [other.number] } })).statusCode).toBe(403);
  });

  it('a child has one parent; a major case is no child; unmarking needs no children', async () => {
    const { major, children } = await outage();
    const second = await makeCase(t);
    await t.call('POST', `/api/v1/cases/${second.number}/major`, { as: mimCookie, body: { major: true } });
    const steal = await t.call('POST', `/api/v1/cases/${second.number}/children`, { as: mimCookie, body: { caseNumbers: [children[0]!.c.number, major.number] } });
    expect(steal.statusCode).toBe(400);
    expect(steal.json().error.message).toMatch(/already a child of another major case.*a major case cannot be a child/);
    expect((await t.call('POST', `/api/v1/cases/${major.number}/major`, { as: mimCookie, body: { major: false } })).statusCode).toBe(409);
    const child = (await t.call('GET', `/api/v1/cases/${children[0]!.c.number}`, { as: agentCookie })).json();
    expect(child).toMatchObject({ parentId: major.id, parentNumber: major.number });
    expect((await t.call('DELETE', `/api/v1/cases/${major.number}/children/${children[0]!.c.number}`, { as: mimCookie })).statusCode).toBe(204);
    expect((await t.call('GET', `/api/v1/cases/${major.number}/children`, { as: agentCookie })).json().items).toHaveLength(2);
  });

  it('resolving together: one transaction, open activities listed, each contact mailed', async () => {
    const { major, children } = await outage();
    await t.call('POST', `/api/v1/cases/${children[1]!.c.number}/activities`, { as: agentCookie, body: { type: 'task', subject: 'Call Beta Bank' } });
    const blocked = await t.call('POST', `/api/v1/cases/${major.number}/resolve-with-children`, { as: mimCookie, body: resolution });
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json().error.details.openActivities).toEqual([expect.objectContaining({ caseNumber: children[1]!.c.number, subject: 'Call Beta Bank' })]);
    expect((await t.call('GET', `/api/v1/cases/${children[0]!.c.number}`, { as: agentCookie })).json().status).toBe('new'); // nothing half-done
    const res = await t.call('POST', `/api/v1/cases/${major.number}/resolve-with-children`, { as: mimCookie, body: { ...resolution, cancelOpenActivities: true } });
    expect(res.json().resolved).toEqual([major.number, ...children.map((x) => x.c.number)]);
    for (const x of children) {
      expect((await t.call('GET', `/api/v1/cases/${x.c.number}`, { as: agentCookie })).json()).toMatchObject({ status: 'resolved', resolutionNotes: 'Rolled back the rule.' });
      const mail = await t.db.selectFrom('outbox').select('to_address').where('case_id', '=', x.c.id).where('template_key', '=', 'case_resolved').execute();
      expect(mail).toEqual([{ to_address: x.customer.contact.email }]);
    }
  });
});

describe('major-case reviews', () => {
  async function publishedMajorReview() {
    const o = await outage();
    await t.call('POST', `/api/v1/cases/${o.major.number}/resolve-with-children`, { as: mimCookie, body: { ...resolution, cancelOpenActivities: true } });
    expect((await t.call('POST', `/api/v1/cases/${o.major.number}/review`, { as: agentCookie })).statusCode).toBe(422);
    const created = await t.call('POST', `/api/v1/cases/${o.major.number}/review`, { as: mimCookie });
    expect(created.statusCode).toBe(201);
    const r = created.json();
    expect(r).toMatchObject({ major: true, accountName: null, affectedAssets: '', approvalPolicy: 'all' });
    await t.call('PATCH', `/api/v1/reviews/${r.number}`, { as: mimCookie, body: { summary: 'EU customers could not reach the app for 47 minutes.', preventiveMeasures: 'Load balancer rules are now reviewed by two engineers.' } });
    await t.call('POST', `/api/v1/reviews/${r.number}/request-approval`, { as: mimCookie, body: { approvalUserIds: [(await t.call('GET', '/api/v1/me', { as: managerCookie })).json().id] } });
    await t.call('POST', `/api/v1/reviews/${r.number}/approve`, { as: managerCookie, body: {} });
    expect((await t.call('POST', `/api/v1/reviews/${r.number}/publish`, { as: agentCookie, body: {} })).statusCode).toBe(403);
    expect((await t.call('POST', `/api/v1/reviews/${r.number}/publish`, { as: mimCookie, body: {} })).json().state).toBe('published');
    return { ...o, r };
  }

  it("the major review's document carries no account data; child cases get no review of their own", async () => {
    const { r, children } = await publishedMajorReview();
    const doc = (await t.call('GET', `/api/v1/reviews/${r.number}/documents`, { as: mimCookie })).json().items[0];
    const text = await pdfText((await t.app.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}`, headers: { cookie: mimCookie } })).rawPayload);
    expect(text).toContain('EU customers could not reach the app');
    for (const x of children) {
      expect(text).not.toContain(x.account.name);
      expect(text).not.toContain(x.customer.contact.name);
      expect(text).not.toContain(x.asset.name);
    }
    const child = await t.call('POST', `/api/v1/cases/${children[0]!.c.number}/review`, { as: mimCookie });
    expect(child.statusCode).toBe(422);
    expect(child.json().error.message).toMatch(/child of major case/);
  });

  it('copy to children: each document personalised with its own account and assets, none of another’s; portal isolation', async () => {
    const { r, children } = await publishedMajorReview();
    expect((await t.call('POST', `/api/v1/reviews/${r.number}/copy-to-children`, { as: agentCookie, body: {} })).statusCode).toBe(403);
    const res = await t.call('POST', `/api/v1/reviews/${r.number}/copy-to-children`, { as: mimCookie, body: { publish: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((i: { outcome: string; published: boolean }) => [i.outcome, i.published])).toEqual([['created', true], ['created', true], ['created', true]]);
    expect(res.json().review.childCopies).toEqual({ children: 3, published: 3 });

    for (const [i, x] of children.entries()) {
      const portal = (await t.call('GET', `/api/v1/portal/cases/${x.c.number}`, { as: x.customer.cookie })).json();
      expect(portal.documents).toHaveLength(1);
      const pdf = await t.app.inject({ method: 'GET', url: `/api/v1/documents/${portal.documents[0].id}`, headers: { cookie: x.customer.cookie } });
      const text = await pdfText(pdf.rawPayload);
      expect(text).toContain(x.account.name);
      expect(text).toContain(x.asset.name);
      expect(text).toContain('EU customers could not reach the app');
      for (const [j, other] of children.entries()) {
        if (i === j) continue;
        expect(text).not.toContain(other.account.name);
        expect(text).not.toContain(other.asset.name);
        // …and the other customers cannot open this one.
        expect((await t.call('GET', `/api/v1/documents/${portal.documents[0].id}`, { as: other.customer.cookie })).statusCode).toBe(404);
      }
      const childReview = (await t.call('GET', `/api/v1/cases/${x.c.number}`, { as: mimCookie })).json().review;
      expect((await t.call('GET', `/api/v1/reviews/${childReview.number}`, { as: mimCookie })).json().sourceReviewNumber).toBe(r.number);
    }
  });

  it('a locally edited copy is kept unless overwrite; copies before approval are refused', async () => {
    const { r, children } = await publishedMajorReview();
    await t.call('POST', `/api/v1/reviews/${r.number}/copy-to-children`, { as: mimCookie, body: { caseNumbers: [children[0]!.c.number] } });
    const childReview = (await t.call('GET', `/api/v1/cases/${children[0]!.c.number}`, { as: mimCookie })).json().review;
    expect(childReview.state).toBe('approved');
    await t.call('POST', `/api/v1/reviews/${childReview.number}/publish`, { as: agentCookie, body: {} });
    await t.call('POST', `/api/v1/reviews/${childReview.number}/reopen`, { as: agentCookie, body: {} });
    await t.call('PATCH', `/api/v1/reviews/${childReview.number}`, { as: agentCookie, body: { summary: 'Alpha-specific summary' } });
    const again = (await t.call('POST', `/api/v1/reviews/${r.number}/copy-to-children`, { as: mimCookie, body: {} })).json().items;
    expect(again.find((i: { caseNumber: string }) => i.caseNumber === children[0]!.c.number)).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/edited/) });
    expect((await t.call('GET', `/api/v1/reviews/${childReview.number}`, { as: agentCookie })).json().summary).toBe('Alpha-specific summary');
    const forced = (await t.call('POST', `/api/v1/reviews/${r.number}/copy-to-children`, { as: mimCookie, body: { overwrite: true, caseNumbers: [children[0]!.c.number] } })).json().items;
    expect(forced[0]).toMatchObject({ outcome: 'updated' });
    expect((await t.call('GET', `/api/v1/reviews/${childReview.number}`, { as: agentCookie })).json().summary).toBe('EU customers could not reach the app for 47 minutes.');

    const { major } = await outage();
    await t.call('POST', `/api/v1/cases/${major.number}/resolve-with-children`, { as: mimCookie, body: resolution });
    const draft = (await t.call('POST', `/api/v1/cases/${major.number}/review`, { as: mimCookie })).json();
    expect((await t.call('POST', `/api/v1/reviews/${draft.number}/copy-to-children`, { as: mimCookie, body: {} })).statusCode).toBe(409);
  });

  it('with the property off, children are ordinary cases and major-case reviews are refused', async () => {
    const { major, children } = await outage();
    await t.call('POST', `/api/v1/cases/${major.number}/resolve-with-children`, { as: mimCookie, body: resolution });
    await t.call('PATCH', '/api/v1/properties/reviews.majorCaseReviews.enabled', { as: t.adminCookie, body: { value: false } });
    try {
      expect((await t.call('POST', `/api/v1/cases/${children[0]!.c.number}/review`, { as: agentCookie })).statusCode).toBe(201);
      const refused = await t.call('POST', `/api/v1/cases/${major.number}/review`, { as: mimCookie });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().error.message).toMatch(/turned off/);
    } finally {
      await t.call('PATCH', '/api/v1/properties/reviews.majorCaseReviews.enabled', { as: t.adminCookie, body: { value: true } });
    }
  });
});
