import type { APIRequestContext, Browser, Page } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './env.js';
import { expect, pick, signIn, test, unique } from './fixtures.js';

// A post case review from a resolved case to the customer: the agent resolves the case, creates
// the review from the actions menu, fills it in, previews it and requests approval; the manager
// suggests changes from My approvals; the agent edits and asks again; the manager approves; the
// agent publishes; the customer opens the PDF from the portal.

interface Person {
  name: string;
  email: string;
  password: string;
}

interface Setup {
  agent: Person;
  manager: Person;
  customer: Person;
  caseNumber: string;
  title: string;
}

/** Setup only, as the admin through the API (its own request context): people, customer, case. */
async function setUp(request: APIRequestContext, id: string): Promise<Setup> {
  const ok = async (res: Awaited<ReturnType<APIRequestContext['post']>>) => {
    expect(res.ok(), await res.text()).toBeTruthy();
    return (await res.json()) as { id: number; number?: string };
  };
  await ok(await request.post('/api/v1/auth/login', { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }));
  const agent = { name: `Rita Agent ${id}`, email: `rita.${id}@example.test`, password: 'agent-password-5678' };
  const manager = { name: `Grace Manager ${id}`, email: `grace.${id}@example.test`, password: 'manager-password-5678' };
  const customer = { name: `Nora Customer ${id}`, email: `nora.${id}@northwind.example`, password: 'customer-password-5678' };
  await ok(await request.post('/api/v1/users', { data: { ...agent, roles: ['agent'] } }));
  await ok(await request.post('/api/v1/users', { data: { ...manager, roles: ['manager'] } }));
  const account = await ok(await request.post('/api/v1/accounts', { data: { name: `Northwind ${id}` } }));
  const contact = await ok(await request.post('/api/v1/contacts', { data: { accountId: account.id, ...customer, portalAccess: true } }));
  const title = `Orders stuck in the gateway ${id}`;
  const kase = await ok(
    await request.post('/api/v1/cases', {
      data: { shortDescription: title, description: 'No order reached the warehouse since 08:00.', accountId: account.id, contactId: contact.id, product: 'Order gateway', category: 'Integration', priority: 2 },
    }),
  );
  await request.post('/api/v1/auth/logout');
  return { agent, manager, customer, caseNumber: kase.number!, title };
}

async function signInStaff(page: Page, who: Person) {
  await page.goto('/login');
  await signIn(page, who.email, who.password);
  await expect(page.getByRole('heading', { name: 'Home', level: 1 })).toBeVisible();
}

async function newPerson(browser: Browser, who: Person) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  await signInStaff(page, who);
  return { context, page, errors };
}

const stateBadge = (page: Page, number: string) => page.getByRole('region', { name: `Review ${number}` });

async function moreActions(page: Page, item: string | RegExp) {
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

/** The manager opens the review from My approvals, the way an approver finds it. */
async function openFromMyApprovals(page: Page, number: string) {
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByRole('link', { name: /My approvals/ }).click();
  await expect(page.getByRole('heading', { name: 'My approvals', level: 1 })).toBeVisible();
  await page.getByRole('table', { name: 'My approvals' }).getByRole('link', { name: number }).click();
  await expect(page.getByRole('status', { name: 'Locked while awaiting approval' })).toBeVisible();
}

test('a review goes from the resolved case through approval to the customer portal', async ({ page, request, browser }) => {
  test.setTimeout(120_000);
  const id = unique();
  const s = await setUp(request, id);

  // The agent resolves the case.
  await signInStaff(page, s.agent);
  await page.goto(`/cases/${s.caseNumber}`);
  await expect(page.getByRole('heading', { name: s.title, level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Actions' }).click();
  await expect(page.getByRole('menuitem', { name: 'Create Post Case Review' })).toHaveCount(0); // not resolved yet
  await page.getByRole('menuitem', { name: 'Resolve…' }).click();
  const resolve = page.getByRole('dialog', { name: `Resolve ${s.caseNumber}` });
  await resolve.getByRole('combobox', { name: 'Resolution code' }).click();
  await page.getByRole('option', { name: 'Solved' }).click();
  await resolve.getByLabel('Cause').fill('The gateway’s TLS certificate expired at midnight.');
  await resolve.getByLabel('Resolution notes').fill('Renewed the certificate and replayed the queued orders.');
  await resolve.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.getByText('Case resolved')).toBeVisible();

  // Create Post Case Review from the actions menu: the mapped fields come from the case.
  await page.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: 'Create Post Case Review' }).click();
  await expect(page.getByText(/Review PCR\d+ created/)).toBeVisible();
  await expect(page).toHaveURL(/\/reviews\/PCR\d+$/);
  const number = page.url().match(/PCR\d+/)![0];
  const header = stateBadge(page, number);
  await expect(header.getByText('New', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Root cause analysis', { exact: true })).toHaveValue('The gateway’s TLS certificate expired at midnight.');
  await expect(page.getByLabel('Solution provided', { exact: true })).toHaveValue('Renewed the certificate and replayed the queued orders.');

  // Fill the summary (with the toolbar's bold), save.
  const summary = page.getByLabel('Summary', { exact: true });
  await summary.fill('For three hours no order reached the warehouse. ');
  await page.getByRole('toolbar', { name: 'Formatting of Summary' }).getByRole('button', { name: 'Bold' }).click();
  await expect(summary).toHaveValue('For three hours no order reached the warehouse. **bold text**');
  await page.keyboard.type('All orders were replayed');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Review saved')).toBeVisible();
  await expect(header.getByText('In progress', { exact: true })).toBeVisible();

  // Preview: the PDF in a large dialog.
  await moreActions(page, 'Preview');
  const preview = page.getByRole('dialog', { name: `Preview of ${number}` });
  const frame = preview.locator(`iframe[title="PDF: Preview of ${number}"]`);
  await expect(frame).toBeVisible();
  await expect(preview.getByText('Rendered from the saved record just now; nothing is published.')).toBeVisible();
  const pdf = await page.request.get((await frame.getAttribute('src'))!);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  await preview.getByRole('button', { name: 'Close preview' }).click();

  // Request approval from the manager.
  await page.getByRole('button', { name: 'Request approval' }).click();
  const ask = page.getByRole('dialog', { name: `Request approval of ${number}` });
  await pick(page, ask.getByRole('combobox', { name: 'Approval users' }), s.manager.name, new RegExp(s.manager.name));
  await ask.getByText(/The review is locked while the approvers decide/).click(); // closes the list
  await ask.getByRole('button', { name: 'Request approval' }).click();
  await expect(page.getByText('Approval requested')).toBeVisible();
  await expect(header.getByText('Awaiting approval', { exact: true })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Locked while awaiting approval' })).toBeVisible();
  await expect(page.getByLabel('Summary', { exact: true })).toHaveAttribute('readonly', '');

  // The manager suggests changes.
  const manager = await newPerson(browser, s.manager);
  await openFromMyApprovals(manager.page, number);
  await moreActions(manager.page, 'Suggest changes…');
  const suggest = manager.page.getByRole('dialog', { name: `Suggest changes to ${number}` });
  await suggest.getByLabel('Work note').fill('Please name the monitoring we added under preventive measures.');
  await suggest.getByRole('button', { name: 'Suggest changes' }).click();
  await expect(manager.page.getByText('Changes suggested').first()).toBeVisible();
  await expect(stateBadge(manager.page, number).getByText('In progress', { exact: true })).toBeVisible();

  // The agent sees the note, edits, and requests approval again (approvers kept).
  await page.reload();
  await expect(header.getByText('In progress', { exact: true })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Activity history' }).getByText('suggested changes: Please name the monitoring we added under preventive measures.')).toBeVisible();
  await page.getByLabel('Preventive measures taken', { exact: true }).fill('- Certificates renew automatically\n- Monitoring warns 30 days before expiry');
  await page.getByRole('button', { name: 'Request approval' }).click();
  const again = page.getByRole('dialog', { name: `Request approval of ${number}` });
  await expect(again.getByText(s.manager.name)).toBeVisible();
  await again.getByRole('button', { name: 'Request approval' }).click();
  await expect(header.getByText('Awaiting approval', { exact: true })).toBeVisible();

  // The manager approves.
  await openFromMyApprovals(manager.page, number);
  await manager.page.getByRole('button', { name: 'Approve' }).click();
  const approve = manager.page.getByRole('dialog', { name: `Approve ${number}` });
  await approve.getByLabel('Comment').fill('Good to go.');
  await approve.getByRole('button', { name: 'Approve' }).click();
  await expect(stateBadge(manager.page, number).getByText('Approved', { exact: true })).toBeVisible();
  await expect(manager.page.getByRole('list', { name: 'Approvals' }).getByText('Good to go.')).toBeVisible();
  expect(manager.errors).toEqual([]);
  await manager.context.close();

  // The agent publishes to the case: version 1 is listed.
  await page.reload();
  await page.getByRole('button', { name: 'Publish to case' }).click();
  await expect(page.getByText('Published to the case')).toBeVisible();
  await expect(header.getByText('Published', { exact: true })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Document versions' }).getByRole('link', { name: 'Version 1' })).toBeVisible();

  // The case lists its review under related records.
  await page.getByRole('region', { name: `Review ${number}` }).getByRole('link', { name: s.caseNumber, exact: true }).click();
  await expect(page.getByRole('region', { name: 'Related records' }).getByRole('link', { name: number })).toBeVisible();

  // The customer opens the document from the portal.
  const portal = await browser.newContext();
  const customer = await portal.newPage();
  await customer.goto('/portal/login');
  await signIn(customer, s.customer.email, s.customer.password);
  await customer.getByRole('link', { name: new RegExp(s.title) }).first().click();
  const link = customer.getByRole('link', { name: new RegExp(`Post case review ${number} \\(version 1\\)`) });
  await expect(link).toBeVisible();
  const href = (await link.getAttribute('href'))!;
  expect(href).toMatch(/\/api\/v1\/documents\/\d+$/);
  // The link is absolute (the configured public URL); fetch its path with the customer's session.
  const doc = await customer.request.get(new URL(href, 'http://x').pathname);
  expect(doc.status()).toBe(200);
  expect(doc.headers()['content-type']).toBe('application/pdf');
  expect((await doc.body()).subarray(0, 5).toString()).toBe('%PDF-');
  await portal.close();
});
