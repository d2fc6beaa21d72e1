import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './env.js';
import { expect, pick, signIn, test, unique } from './fixtures.js';

// An agent works a case from start to finish: creates it in their queue, moves it through the
// stages (refused first for missing fields), picks it, plans a task, is refused Resolve while the
// task is open, completes it, resolves, reactivates and resolves again.

interface Setup {
  agent: { name: string; email: string; password: string };
  account: string;
  contact: string;
  queue: string;
}

/** Setup only: the directory the scenario needs, created by the admin through the API. */
async function setUp(request: APIRequestContext, id: string): Promise<Setup> {
  const ok = async (res: Awaited<ReturnType<APIRequestContext['post']>>) => {
    expect(res.ok(), await res.text()).toBeTruthy();
    return (await res.json()) as { id: number };
  };
  await ok(await request.post('/api/v1/auth/login', { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }));
  const setup: Setup = {
    agent: { name: `Maya Agent ${id}`, email: `maya.${id}@example.test`, password: 'agent-password-5678' },
    account: `Northwind ${id}`,
    contact: `Nancy Contact ${id}`,
    queue: `Service desk ${id}`,
  };
  const agent = await ok(await request.post('/api/v1/users', { data: { ...setup.agent, roles: ['agent'] } }));
  const account = await ok(await request.post('/api/v1/accounts', { data: { name: setup.account } }));
  await ok(await request.post('/api/v1/contacts', { data: { accountId: account.id, name: setup.contact, email: `nancy.${id}@northwind.example`, portalAccess: false } }));
  await ok(await request.post('/api/v1/queues', { data: { name: setup.queue, mode: 'any', memberIds: [agent.id] } }));
  await request.post('/api/v1/auth/logout');
  return setup;
}

const currentStage = (page: Page) => page.getByRole('navigation', { name: 'Stages' }).locator('[aria-current="step"]');

async function openActions(page: Page, item: string) {
  await page.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

async function fillResolve(dialog: Locator, page: Page) {
  await dialog.getByRole('combobox', { name: 'Resolution code' }).click();
  await page.getByRole('option', { name: 'Solved' }).click();
  await dialog.getByLabel('Resolution notes').fill('Reset the customer’s password and confirmed they can sign in.');
}

test('an agent works a case from the New case form to resolved, reactivated and resolved again', async ({ page }) => {
  const id = unique();
  const s = await setUp(page.request, id);
  const title = `Cannot sign in to the portal ${id}`;
  const task = `Call the customer back ${id}`;

  await page.goto('/login');
  await signIn(page, s.agent.email, s.agent.password);
  await expect(page.getByRole('heading', { name: 'Home', level: 1 })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: s.queue })).toBeVisible();

  // New case, in the agent's queue, without a contact yet.
  await page.getByRole('button', { name: 'New case' }).first().click();
  const newCase = page.getByRole('dialog', { name: 'New case' });
  await newCase.getByLabel('Short description').fill(title);
  await newCase.getByRole('textbox', { name: 'Description', exact: true }).fill('The customer gets "password expired" on every attempt.');
  await pick(page, newCase.getByRole('combobox', { name: 'Queue' }), s.queue, s.queue);
  await newCase.getByRole('button', { name: 'Create case' }).click();
  await expect(page.getByText('Case created')).toBeVisible();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  const number = page.url().match(/CS\d+/)![0];
  const header = page.getByRole('region', { name: `Case ${number}` });
  await expect(header.getByText('New', { exact: true })).toBeVisible();
  await expect(currentStage(page)).toContainText('Identify');

  // Next stage is refused: the fields Identify needs are named and marked.
  await page.getByRole('button', { name: 'Next stage' }).click();
  const missing = page.getByRole('alert').filter({ hasText: 'Fill in before leaving Identify' });
  await expect(missing).toBeVisible();
  await expect(missing).toContainText('Account, Contact');
  await expect(page.getByRole('combobox', { name: 'Account' })).toHaveAttribute('aria-invalid', 'true');
  await expect(currentStage(page)).toContainText('Identify');

  // Fill them, save, and move on.
  await pick(page, page.getByRole('combobox', { name: 'Account' }), s.account, s.account);
  await pick(page, page.getByRole('combobox', { name: 'Contact' }), s.contact, s.contact);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Case saved')).toBeVisible();
  await page.getByRole('button', { name: 'Next stage' }).click();
  await expect(currentStage(page)).toContainText('Research');
  await expect(missing).toBeHidden();

  // Research needs product and category: Next stage saves what was typed, then advances.
  await page.getByRole('combobox', { name: 'Product' }).fill('Customer portal');
  await page.getByRole('textbox', { name: 'Category' }).fill('Access');
  await page.getByRole('button', { name: 'Next stage' }).click();
  await expect(currentStage(page)).toContainText('Resolve');
  await expect(page.getByRole('button', { name: 'Next stage' })).toHaveCount(0);

  // Pick it from the queue page.
  await nav.getByRole('link', { name: s.queue }).click();
  await expect(page.getByRole('heading', { name: s.queue, level: 1 })).toBeVisible();
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: number }) });
  await row.getByRole('button', { name: `Pick ${number}` }).click();
  await expect(page.getByText(`You picked ${number}`)).toBeVisible();
  await expect(row.getByRole('cell', { name: s.agent.name })).toBeVisible();
  await expect(row.getByRole('button', { name: `Pick ${number}` })).toHaveCount(0);
  await row.getByRole('link', { name: number }).click();
  await expect(header.getByText(s.agent.name)).toBeVisible();

  // Plan a task.
  await page.getByRole('button', { name: 'Add activity' }).click();
  const addActivity = page.getByRole('dialog', { name: 'Add activity' });
  await addActivity.getByLabel('Subject').fill(task);
  await addActivity.getByRole('button', { name: 'Add activity' }).click();
  await expect(page.getByText('Task added')).toBeVisible();
  const activities = page.getByRole('list', { name: 'Activities of the case' });
  await expect(activities.getByText(task)).toBeVisible();

  // Resolve is refused while the task is open; the dialog names it.
  await openActions(page, 'Resolve…');
  const resolve = page.getByRole('dialog', { name: `Resolve ${number}` });
  await expect(resolve.getByRole('list', { name: 'Open activities' }).getByText(task)).toBeVisible();
  await fillResolve(resolve, page);
  await resolve.getByRole('button', { name: 'Resolve', exact: true }).click();
  const refused = resolve.getByRole('alert').filter({ hasText: 'Not resolved: activities are still open' });
  await expect(refused).toBeVisible();
  await expect(refused.getByText(task)).toBeVisible();
  await resolve.getByRole('button', { name: 'Back' }).click();
  await expect(resolve).toBeHidden();

  // Complete the task, then resolve.
  await activities.getByRole('button', { name: `Complete ${task}` }).click();
  await expect(page.getByText('Task completed')).toBeVisible();
  await expect(activities.getByRole('button', { name: `Reopen ${task}` })).toBeVisible();
  await openActions(page, 'Resolve…');
  await expect(resolve.getByRole('list', { name: 'Open activities' })).toHaveCount(0);
  await fillResolve(resolve, page);
  await resolve.getByRole('button', { name: 'Resolve', exact: true }).click();
  await expect(resolve).toBeHidden();
  await expect(header.getByText('Resolved', { exact: true })).toBeVisible();
  await expect(page.getByText('Resolved — reactivate to make changes')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0);

  // Reactivate: in progress and editable again; the timeline says what happened.
  await page.getByRole('button', { name: 'Reactivate' }).click();
  await expect(header.getByText('In progress', { exact: true })).toBeVisible();
  await expect(page.getByText('Resolved — reactivate to make changes')).toBeHidden();
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await expect(timeline.getByText(`${s.agent.name} changed Status from Resolved to In progress`)).toBeVisible();

  // And resolve again.
  await openActions(page, 'Resolve…');
  await fillResolve(resolve, page);
  await resolve.getByRole('button', { name: 'Resolve', exact: true }).click();
  await expect(resolve).toBeHidden();
  await expect(header.getByText('Resolved', { exact: true })).toBeVisible();
  await expect(timeline.getByText(`${s.agent.name} changed Status from In progress to Resolved`)).toBeVisible();
});
