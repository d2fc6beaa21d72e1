import type { APIRequestContext, APIResponse } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './env.js';
import { expect, signIn, test, unique } from './fixtures.js';

// The customer and the agent talk through the portal: the customer opens a case with a file, the
// agent answers and waits for the customer, the customer's reply reopens the case. And the
// satisfaction survey of a resolved case closes it with one click.

interface Person {
  name: string;
  email: string;
  password: string;
}
interface Setup {
  agent: Person;
  customer: Person;
  accountId: number;
  contactId: number;
}

async function ok<T = { id: number }>(res: APIResponse): Promise<T> {
  expect(res.ok(), `${res.url()}: ${await res.text()}`).toBeTruthy();
  return (res.status() === 204 ? undefined : await res.json()) as T;
}

/** Setup only: an agent, an account and a contact with portal access, created by the admin through the API. */
async function setUp(request: APIRequestContext, id: string): Promise<Setup> {
  await ok(await request.post('/api/v1/auth/login', { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }));
  const agent = { name: `Maya Agent ${id}`, email: `maya.${id}@example.test`, password: 'agent-password-5678' };
  const customer = { name: `Nancy Customer ${id}`, email: `nancy.${id}@northwind.example`, password: 'portal-password-5678' };
  await ok(await request.post('/api/v1/users', { data: { ...agent, roles: ['agent'] } }));
  const account = await ok(await request.post('/api/v1/accounts', { data: { name: `Northwind ${id}` } }));
  const contact = await ok(await request.post('/api/v1/contacts', { data: { accountId: account.id, name: customer.name, email: customer.email, portalAccess: true, password: customer.password } }));
  return { agent, customer, accountId: account.id, contactId: contact.id };
}

test('a customer opens a case in the portal, the agent asks back, and the customer’s reply reopens it', async ({ page, browser }) => {
  const id = unique();
  const s = await setUp(page.request, id);
  await page.request.post('/api/v1/auth/logout');
  const title = `Orders do not reach the warehouse ${id}`;
  const question = `Which order numbers are missing? ${id}`;
  const answer = `Orders 4711 and 4712 are missing. ${id}`;

  // The customer signs in and has no cases yet.
  await page.goto('/portal/login');
  await signIn(page, s.customer.email, s.customer.password);
  await expect(page.getByRole('heading', { name: `Hello, ${s.customer.name}`, level: 1 })).toBeVisible();
  const myCases = page.getByRole('region', { name: 'My cases' });
  await expect(myCases.getByText('You have no cases yet — tell us what’s wrong')).toBeVisible();

  // New case, with a screenshot.
  await myCases.getByRole('link', { name: 'New case' }).click();
  await expect(page.getByRole('heading', { name: 'New case', level: 1 })).toBeVisible();
  const form = page.getByRole('form', { name: 'New case' });
  await form.getByRole('button', { name: 'Send case' }).click();
  await expect(form.getByText('Tell us in a few words what is wrong')).toBeVisible();
  await form.getByLabel('Short description').fill(title);
  await form.getByRole('textbox', { name: 'Description', exact: true }).fill('Since 08:00 no web shop order arrives in the warehouse system.');
  const chooser = page.waitForEvent('filechooser');
  await form.getByRole('button', { name: 'Attach files' }).click();
  await (await chooser).setFiles({ name: 'gateway-error.txt', mimeType: 'text/plain', buffer: Buffer.from('TLS handshake failed\n') });
  await expect(form.getByRole('listitem').filter({ hasText: 'gateway-error.txt' })).toBeVisible();
  await form.getByRole('button', { name: 'Send case' }).click();
  await expect(page.getByText('Thank you — your case is open')).toBeVisible();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  const number = page.url().match(/CS\d+/)![0];
  const status = page.getByRole('region', { name: 'Status' });
  await expect(status.getByText('We’re working on it')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Files of the case' }).getByRole('link', { name: /gateway-error\.txt/ })).toBeVisible();

  // The agent, in another browser, starts the case, asks the customer and waits for the answer.
  const agentContext = await browser.newContext();
  const agentPage = await agentContext.newPage();
  const agentErrors: Error[] = [];
  agentPage.on('pageerror', (e) => agentErrors.push(e));
  await agentPage.goto(`/login?next=${encodeURIComponent(`/cases/${number}`)}`);
  await signIn(agentPage, s.agent.email, s.agent.password);
  await expect(agentPage.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  const header = agentPage.getByRole('region', { name: `Case ${number}` });
  await agentPage.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(header.getByText('In progress', { exact: true })).toBeVisible();
  await expect(header.getByText(s.agent.name)).toBeVisible();
  await agentPage.getByRole('tab', { name: 'Reply to customer' }).click();
  await agentPage.getByRole('textbox', { name: 'Reply to customer' }).fill(question);
  await agentPage.getByRole('button', { name: 'Send reply' }).click();
  await expect(agentPage.getByText('Reply sent')).toBeVisible();
  const timeline = agentPage.getByRole('region', { name: 'Timeline' });
  const sent = timeline.getByRole('listitem').filter({ hasText: question });
  await expect(sent).toBeVisible();
  // Our mail to the customer shows its delivery state.
  await expect(sent.getByText(`Emailed to ${s.customer.email}`)).toBeVisible();
  await expect(sent.getByLabel(/^Email (queued|sending|sent|not delivered)$/)).toBeVisible();
  await agentPage.getByRole('button', { name: 'Actions' }).click();
  await agentPage.getByRole('menuitem', { name: 'Wait for customer' }).click();
  await expect(header.getByText('Waiting for response', { exact: true })).toBeVisible();

  // The customer sees the question and answers.
  await page.reload();
  await expect(status.getByText('Waiting for your reply')).toBeVisible();
  const messages = page.getByRole('list', { name: 'Messages' });
  await expect(messages.getByRole('listitem', { name: `Message from ${s.agent.name}`, exact: false }).filter({ hasText: question })).toBeVisible();
  await page.getByRole('textbox', { name: 'Your reply' }).fill(answer);
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByText('Your case is open again')).toBeVisible();
  await expect(messages.getByRole('listitem', { name: 'Your message' }).filter({ hasText: answer })).toBeVisible();
  await expect(status.getByText('We’re working on it')).toBeVisible();

  // Back in My cases the case says so in words.
  await page.getByRole('link', { name: 'My cases', exact: true }).click();
  await expect(myCases.getByRole('link', { name: `${title}, ${number}` })).toContainText('We’re working on it');

  // The agent sees the case reopened, back in the queue without an assignee, with the reply.
  await agentPage.reload();
  await expect(header.getByText('Reopened', { exact: true })).toBeVisible();
  await expect(header.getByText('Unassigned')).toBeVisible();
  const reply = timeline.getByRole('listitem').filter({ hasText: answer });
  await expect(reply).toBeVisible();
  await expect(reply.getByText('From the customer')).toBeVisible();
  await agentContext.close();
  expect(agentErrors.map((e) => e.message), 'uncaught errors in the agent’s page').toEqual([]);
});

test('a closed case cannot be answered in the portal', async ({ page }) => {
  const id = unique();
  const s = await setUp(page.request, id);
  const kase = await ok<{ number: string }>(await page.request.post('/api/v1/cases', { data: { shortDescription: `Printer offline ${id}`, accountId: s.accountId, contactId: s.contactId } }));
  await ok(await page.request.post(`/api/v1/cases/${kase.number}/cancel`, { data: { reason: 'Opened twice by mistake' } }));
  await page.request.post('/api/v1/auth/logout');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/portal/cases/${kase.number}`);
  await signIn(page, s.customer.email, s.customer.password);
  await expect(page.getByRole('heading', { name: `Printer offline ${id}`, level: 1 })).toBeVisible();
  await expect(page.getByText('This case is closed — open a new case')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Your reply' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Open a new case' }).first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('the survey link of the resolved mail closes the case with one click', async ({ page }) => {
  const id = unique();
  const s = await setUp(page.request, id);
  const kase = await ok<{ number: string }>(await page.request.post('/api/v1/cases', { data: { shortDescription: `Scanner batteries drain ${id}`, accountId: s.accountId, contactId: s.contactId } }));
  await ok(await page.request.post(`/api/v1/cases/${kase.number}/resolve`, { data: { resolutionCode: 'solved', resolutionNotes: 'Updated the scanner firmware to 5.3.' } }));

  // The resolved mail in the outbox carries the survey link.
  const outbox = await ok<{ items: { caseNumber: string | null; text: string }[] }>(await page.request.get('/api/v1/outbox', { params: { limit: 200 } }));
  const mail = outbox.items.find((m) => m.caseNumber === kase.number && m.text.includes('/survey/'));
  expect(mail, 'the resolved mail with the survey link').toBeTruthy();
  const path = mail!.text.match(/\/survey\/[A-Za-z0-9_-]+/)![0];

  // On a phone, without signing in.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(path);
  await expect(page.getByRole('heading', { name: 'How satisfied are you with how we handled your case?', level: 1 })).toBeVisible();
  await expect(page.getByText(`Your case ${kase.number}`)).toBeVisible();
  const scores = page.getByRole('group', { name: /Choose a score/ });
  await expect(scores.getByRole('button')).toHaveCount(5);
  await page.getByLabel('Anything you want to tell us? (optional)').fill('Quick and friendly, thank you.');
  await scores.getByRole('button', { name: '4 – Satisfied' }).click();
  await expect(page.getByRole('heading', { name: 'Thank you for your feedback!' })).toBeVisible();
  await expect(page.getByText('Your rating: 4 – Satisfied')).toBeVisible();

  const after = await ok<{ status: string; satisfaction: number | null }>(await page.request.get(`/api/v1/cases/${kase.number}`));
  expect(after.status).toBe('closed');
  expect(after.satisfaction).toBe(4);

  // The link works once; opening it again says so.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'You have already answered — thank you' })).toBeVisible();
  // An unknown link is explained, not an error page.
  await page.goto('/survey/this-is-not-a-real-survey-token');
  await expect(page.getByRole('heading', { name: 'This survey link is not valid' })).toBeVisible();
});

test('an admin edits an email template with a live preview, and the outbox shows the mail it wrote', async ({ page }) => {
  const id = unique();
  const s = await setUp(page.request, id);
  await page.goto('/admin/email-templates');
  await expect(page.getByRole('heading', { name: 'Email templates', level: 1 })).toBeVisible();
  await page.getByRole('table', { name: 'Email templates' }).getByRole('link', { name: 'Case canceled' }).click();
  await expect(page.getByRole('heading', { name: 'Case canceled', level: 1 })).toBeVisible();
  const preview = page.getByRole('region', { name: 'Preview' });
  await expect(preview.getByTestId('preview-subject')).toContainText('Canceled: Orders stuck in the gateway [CS0001234]');

  // A broken template is named on its field while typing, before any save.
  const body = page.getByRole('textbox', { name: 'Body' });
  const original = await body.inputValue();
  await body.fill(`${original}\n{{ reason | nosuchfilter }}`);
  await expect(page.getByText(/undefined filter: nosuchfilter/).first()).toBeVisible();
  await expect(body).toHaveAttribute('aria-invalid', 'true');

  // Fixed: the preview follows, and the template is saved (If-Match).
  const sorry = `We are sorry for the trouble, {{ contact.name }}. ${id}`;
  await body.fill(`${original}\n\n${sorry}`);
  await preview.getByRole('tab', { name: 'Text' }).click();
  await expect(preview.getByLabel('Text version of the mail')).toContainText(`We are sorry for the trouble, Nancy Davolio. ${id}`);
  await expect(body).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Template saved')).toBeVisible();

  // Real mail uses it: a canceled case writes to its contact.
  const title = `Printer offline ${id}`;
  const kase = await ok<{ number: string }>(await page.request.post('/api/v1/cases', { data: { shortDescription: title, accountId: s.accountId, contactId: s.contactId } }));
  await ok(await page.request.post(`/api/v1/cases/${kase.number}/cancel`, { data: { reason: 'Opened twice by mistake' } }));
  await body.fill(original);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Template saved').nth(1)).toBeVisible();

  // The outbox shows it queued (no mail server here), with its text in the panel; Failed is empty.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Outbox' }).click();
  await expect(page.getByRole('heading', { name: 'Outbox', level: 1 })).toBeVisible();
  const subject = `Canceled: ${title} [${kase.number}]`;
  const row = page.getByRole('table', { name: 'Outbox' }).getByRole('row').filter({ hasText: subject });
  await expect(row.getByText('Queued')).toBeVisible();
  await row.getByRole('link').click();
  const drawer = page.getByRole('dialog', { name: subject });
  await expect(drawer.getByLabel('The mail’s text')).toContainText(`We are sorry for the trouble, ${s.customer.name}. ${id}`);
  await drawer.getByRole('button', { name: 'Close panel' }).click();
  await page.getByRole('radiogroup', { name: 'Show mail' }).getByText('Failed').click();
  await expect(page.getByText('No failed mail')).toBeVisible();
});
