import type { APIRequestContext, Page } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './env.js';
import { expect, pick, signIn, test, unique } from './fixtures.js';

// A major incident: the major issue manager marks a case major, links three cases of three
// accounts to it, resolves them together (canceling an open task), writes and publishes the major
// review, and copies it to the children, published right away. A customer of one child account
// gets their own personalised PDF on the portal.

interface Person {
  name: string;
  email: string;
  password: string;
}

interface Setup {
  mim: Person;
  manager: Person;
  customer: Person;
  major: string;
  children: { number: string; account: string }[];
}

type Json = { id: number; number?: string };

async function ok(res: Awaited<ReturnType<APIRequestContext['post']>>): Promise<Json> {
  expect(res.ok(), await res.text()).toBeTruthy();
  return (await res.json()) as Json;
}

/** Setup only, as the admin through the API (its own request context). */
async function setUp(request: APIRequestContext, id: string): Promise<Setup> {
  await ok(await request.post('/api/v1/auth/login', { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }));
  const mim = { name: `Omar Incident ${id}`, email: `omar.${id}@example.test`, password: 'mim-password-5678' };
  const manager = { name: `Gina Approver ${id}`, email: `gina.${id}@example.test`, password: 'manager-password-5678' };
  const customer = { name: `Kim Contoso ${id}`, email: `kim.${id}@contoso.example`, password: 'customer-password-5678' };
  await ok(await request.post('/api/v1/users', { data: { ...mim, roles: ['major_issue_manager'] } }));
  await ok(await request.post('/api/v1/users', { data: { ...manager, roles: ['manager'] } }));
  const major = await ok(await request.post('/api/v1/cases', { data: { shortDescription: `EU region: API unreachable ${id}`, description: 'All EU tenants report timeouts.', priority: 1, product: 'Casebook Connect' } }));
  const children: Setup['children'] = [];
  for (const [i, name] of ['Northwind', 'Contoso', 'Fabrikam'].entries()) {
    const account = await ok(await request.post('/api/v1/accounts', { data: { name: `${name} ${id}` } }));
    const contact = await ok(
      await request.post('/api/v1/contacts', {
        data: i === 1 ? { accountId: account.id, ...customer, portalAccess: true } : { accountId: account.id, name: `${name} contact ${id}`, email: `it.${id}@${name.toLowerCase()}.example` },
      }),
    );
    const kase = await ok(await request.post('/api/v1/cases', { data: { shortDescription: `Cannot reach the API from Europe ${id}`, accountId: account.id, contactId: contact.id, priority: 2 } }));
    children.push({ number: kase.number!, account: `${name} ${id}` });
  }
  // An open task on one child: resolving together must deal with it.
  await ok(await request.post(`/api/v1/cases/${children[0]!.number}/activities`, { data: { type: 'task', subject: `Call Northwind back ${id}` } }));
  await request.post('/api/v1/auth/logout');
  return { mim, manager, customer, major: major.number!, children };
}

async function caseAction(page: Page, item: string) {
  await page.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

test('a major issue manager resolves a major case with its children and copies the review to them', async ({ page, request, playwright, baseURL }) => {
  test.setTimeout(120_000);
  const id = unique();
  const s = await setUp(request, id);

  await page.goto('/login');
  await signIn(page, s.mim.email, s.mim.password);
  await expect(page.getByRole('heading', { name: 'Home', level: 1 })).toBeVisible();

  // Mark the case major.
  await page.goto(`/cases/${s.major}`);
  const header = page.getByRole('region', { name: `Case ${s.major}` });
  await caseAction(page, 'Mark as major case');
  await expect(page.getByText('Marked as major case')).toBeVisible();
  await expect(header.getByText('Major case', { exact: true })).toBeVisible();

  // Link the three cases of three accounts: found by words, chosen together.
  await caseAction(page, 'Link child cases…');
  const link = page.getByRole('dialog', { name: `Link child cases to ${s.major}` });
  await link.getByLabel('Find cases').fill(`Cannot reach the API from Europe ${id}`);
  const results = link.getByRole('group', { name: 'Search results' });
  for (const c of s.children) await results.getByRole('checkbox', { name: `Choose ${c.number}` }).check();
  await link.getByRole('button', { name: 'Link 3 cases' }).click();
  await expect(page.getByText('Linked 3 cases')).toBeVisible();
  const related = page.getByRole('region', { name: 'Related records' });
  const childList = related.getByRole('list', { name: 'Child cases' });
  for (const c of s.children) {
    await expect(childList.getByRole('link', { name: c.number })).toBeVisible();
    await expect(childList.getByText(c.account)).toBeVisible();
  }

  // Resolve them together: the open task is listed per case and canceled along.
  await caseAction(page, 'Resolve with children…');
  const resolve = page.getByRole('dialog', { name: `Resolve ${s.major} with its child cases` });
  await expect(resolve.getByRole('table', { name: 'Open activities per case' }).getByRole('row', { name: new RegExp(`${s.children[0]!.number}.*Call Northwind back ${id}`) })).toBeVisible();
  await resolve.getByRole('combobox', { name: 'Resolution code' }).click();
  await page.getByRole('option', { name: 'Solved' }).click();
  await resolve.getByLabel('Cause').fill('A load balancer rule dropped all API traffic in the EU region.');
  await resolve.getByLabel('Resolution notes').fill('Rolled the rule back; traffic recovered within two minutes.');
  await resolve.getByRole('checkbox', { name: 'Cancel the 1 open activity' }).check();
  await resolve.getByRole('button', { name: 'Resolve 4 cases' }).click();
  await expect(page.getByText('Resolved with its children')).toBeVisible();
  await expect(header.getByText('Resolved', { exact: true })).toBeVisible();
  await expect(childList.getByText('Resolved')).toHaveCount(3);

  // The major review: created from the case, written, approved, published.
  await caseAction(page, 'Create Post Case Review');
  await expect(page).toHaveURL(/\/reviews\/PCR\d+$/);
  const number = page.url().match(/PCR\d+/)![0];
  const review = page.getByRole('region', { name: `Review ${number}` });
  await expect(review.getByText('Major case review')).toBeVisible();
  await page.getByLabel('Summary', { exact: true }).fill('On Monday the API in the EU region was unreachable for **47 minutes**.');
  await page.getByLabel('Preventive measures taken', { exact: true }).fill('- Load balancer changes are canaried\n- A synthetic check alerts within one minute');
  await page.getByRole('button', { name: 'Request approval' }).click();
  const ask = page.getByRole('dialog', { name: `Request approval of ${number}` });
  await pick(page, ask.getByRole('combobox', { name: 'Approval users' }), s.manager.name, new RegExp(s.manager.name));
  await ask.getByText(/The review is locked while the approvers decide/).click();
  await ask.getByRole('button', { name: 'Request approval' }).click();
  await expect(review.getByText('Awaiting approval', { exact: true })).toBeVisible();

  // The approval itself is the reviews spec's subject: here the manager approves through the API.
  const managerApi = await playwright.request.newContext({ baseURL });
  await ok(await managerApi.post('/api/v1/auth/login', { data: { email: s.manager.email, password: s.manager.password } }));
  await ok(await managerApi.post(`/api/v1/reviews/${number}/approve`, { data: {} }));
  await managerApi.dispose();

  await page.reload();
  await page.getByRole('button', { name: 'Publish to case' }).click();
  await expect(page.getByText('Published to the case')).toBeVisible();
  await expect(review.getByText('Published to 0 of 3 children')).toBeVisible();

  // Copy to the children, published right away: one personalised copy each.
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Copy to child cases…' }).click();
  const copy = page.getByRole('dialog', { name: `Copy ${number} to child cases` });
  const childRows = copy.getByRole('table', { name: 'Child cases' });
  for (const c of s.children) await expect(childRows.getByRole('row', { name: new RegExp(`${c.number}.*${c.account}`) })).toBeVisible();
  await expect(copy.getByRole('checkbox', { name: 'Publish right away' })).toBeChecked();
  await copy.getByRole('button', { name: 'Copy to 3 cases' }).click();
  const outcome = copy.getByRole('table', { name: 'Copy results' });
  for (const c of s.children) await expect(outcome.getByRole('row', { name: new RegExp(`${c.number}.*${c.account}.*PCR\\d+.*Created.*Version 1`) })).toBeVisible();
  await expect(copy.getByText('Published to 3 of 3 children.')).toBeVisible();
  await copy.getByRole('button', { name: 'Done' }).click();
  await expect(review.getByText('Published to 3 of 3 children')).toBeVisible();

  // A customer of the Contoso child gets their own PDF.
  const child = s.children[1]!;
  const portal = await page.context().browser()!.newContext();
  const customer = await portal.newPage();
  await customer.goto('/portal/login');
  await signIn(customer, s.customer.email, s.customer.password);
  await customer.getByRole('link', { name: new RegExp(child.number) }).click();
  await expect(customer.getByRole('link', { name: /Post case review PCR\d+ \(version 1\)/ })).toBeVisible();
  const docs = await customer.request.get(`/api/v1/portal/cases/${child.number}/documents`);
  expect(docs.ok()).toBeTruthy();
  const [doc] = ((await docs.json()) as { items: { id: number; reviewNumber: string }[] }).items;
  expect(doc).toBeTruthy();
  expect(doc!.reviewNumber).not.toBe(number); // the child's own copy, not the major review
  const pdf = await customer.request.get(`/api/v1/documents/${doc!.id}`);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).length).toBeGreaterThan(0);
  await portal.close();
});
