import type { APIRequestContext, APIResponse, Locator, Page } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './env.js';
import { expect, signIn, test, unique } from './fixtures.js';

// Knowledge on resolve (SPEC §6): an agent resolves a case and links the article the resolve dialog
// suggests; with "create article after resolution" on, the agent resolves another case, is offered
// a draft written from it, saves it, and the draft exists and is linked to that case.

interface Setup {
  agent: { name: string; email: string; password: string };
  article: { number: string; title: string };
  first: { number: string; title: string };
  second: { number: string; title: string };
}

async function ok<T>(res: APIResponse): Promise<T> {
  expect(res.ok(), `${res.url()}: ${await res.text()}`).toBeTruthy();
  return (await res.json()) as T;
}

const setProperty = async (request: APIRequestContext, value: boolean) =>
  ok(await request.patch('/api/v1/properties/kb.createArticleAfterResolution', { data: { value } }));

/** Setup only, as the admin through the API: an agent, a published article, two started cases. */
async function setUp(request: APIRequestContext, id: string): Promise<Setup> {
  await ok(await request.post('/api/v1/auth/login', { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }));
  await setProperty(request, false);
  const agent = { name: `Kim Agent ${id}`, email: `kim.${id}@example.test`, password: 'agent-password-9876' };
  const user = await ok<{ id: number }>(await request.post('/api/v1/users', { data: { ...agent, roles: ['agent'] } }));

  const title = `Scanner battery drains overnight ${id}`;
  const draft = await ok<{ number: string; version: number }>(
    await request.post('/api/v1/articles', {
      data: { title, body: '## Solution\n\nUpdate the scanner firmware to **5.3**; it lets the Wi-Fi sleep while charging.', product: 'ScanPro 5', category: 'Hardware' },
    }),
  );
  await ok(await request.post(`/api/v1/articles/${draft.number}/publish`, { data: {}, headers: { 'If-Match': `"${draft.version}"` } }));

  const openCase = async (shortDescription: string) => {
    const c = await ok<{ number: string; version: number }>(
      await request.post('/api/v1/cases', { data: { shortDescription, description: 'The handheld scanners are empty every morning.', product: 'ScanPro 5', priority: 3 } }),
    );
    const assigned = await ok<{ version: number }>(await request.post(`/api/v1/cases/${c.number}/assign`, { data: { assigneeId: user.id }, headers: { 'If-Match': `"${c.version}"` } }));
    await ok(await request.post(`/api/v1/cases/${c.number}/start`, { data: {}, headers: { 'If-Match': `"${assigned.version}"` } }));
    return { number: c.number, title: shortDescription };
  };
  const first = await openCase(`Scanner batteries drain at night ${id}`);
  const second = await openCase(`Warehouse scanner batteries drain at night ${id}`);
  await request.post('/api/v1/auth/logout');
  return { agent, article: { number: draft.number, title }, first, second };
}

async function fillResolve(dialog: Locator, page: Page, notes: string) {
  await dialog.getByRole('combobox', { name: 'Resolution code' }).click();
  await page.getByRole('option', { name: 'Solved' }).click();
  await dialog.getByLabel('Cause').fill('Firmware 5.2 keeps the Wi-Fi awake while charging.');
  await dialog.getByLabel('Resolution notes').fill(notes);
}

test('an agent links the suggested article on resolve, then saves the offered draft article', async ({ page, playwright, baseURL }) => {
  const id = unique();
  const s = await setUp(page.request, id);

  await page.goto('/login');
  await signIn(page, s.agent.email, s.agent.password);
  await expect(page.getByRole('heading', { name: 'Home', level: 1 })).toBeVisible();

  // First case: the resolve dialog suggests the article; link it there.
  await page.goto(`/cases/${s.first.number}`);
  await expect(page.getByRole('heading', { name: s.first.title, level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Resolve…' }).click();
  const resolve = page.getByRole('dialog', { name: `Resolve ${s.first.number}` });
  const suggested = resolve.getByRole('list', { name: 'Suggested articles' });
  await expect(suggested.getByRole('link', { name: s.article.title })).toBeVisible();
  await suggested.getByRole('button', { name: `Link ${s.article.title}` }).click();
  await expect(page.getByText('Article linked')).toBeVisible();
  const linked = resolve.getByRole('list', { name: 'Linked articles' });
  await expect(linked.getByRole('link', { name: s.article.title })).toBeVisible();
  await expect(linked.getByRole('button', { name: `Unlink ${s.article.title}` })).toBeVisible();
  await expect(resolve.getByRole('list', { name: 'Suggested articles' }).getByRole('link', { name: s.article.title })).toHaveCount(0);

  await fillResolve(resolve, page, 'Updated the scanners to firmware 5.3.');
  await resolve.getByRole('button', { name: 'Resolve', exact: true }).click();
  await expect(resolve).toBeHidden();
  await expect(page.getByRole('dialog', { name: 'Create a knowledge article from this case?' })).toHaveCount(0);
  // The case form lists the linked article too.
  const kb = page.getByRole('region', { name: 'Knowledge articles' });
  await expect(kb.getByRole('list', { name: 'Linked articles' }).getByRole('link', { name: s.article.title })).toBeVisible();

  // The admin turns on "create article after resolution" (a second session, not the agent's).
  const admin = await playwright.request.newContext({ baseURL });
  await ok(await admin.post('/api/v1/auth/login', { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }));
  await setProperty(admin, true);

  // Second case: resolve without linking; the draft offer follows, prefilled from the case.
  await page.goto(`/cases/${s.second.number}`);
  await expect(page.getByRole('heading', { name: s.second.title, level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Resolve…' }).click();
  const resolve2 = page.getByRole('dialog', { name: `Resolve ${s.second.number}` });
  await expect(resolve2.getByRole('list', { name: 'Suggested articles' }).getByRole('link', { name: s.article.title })).toBeVisible();
  await fillResolve(resolve2, page, 'Updated the warehouse scanners to firmware 5.3.');
  await resolve2.getByRole('button', { name: 'Resolve', exact: true }).click();

  const offer = page.getByRole('dialog', { name: 'Create a knowledge article from this case?' });
  await expect(offer).toBeVisible();
  await expect(offer.getByLabel('Title')).toHaveValue(s.second.title);
  await expect(offer.getByLabel('Product')).toHaveValue('ScanPro 5');
  await expect(offer.getByRole('textbox', { name: 'Body' })).toHaveValue(/## Solution\s+Updated the warehouse scanners to firmware 5\.3\./);
  const draftTitle = `Warehouse scanners lose charge overnight ${id}`;
  await offer.getByLabel('Title').fill(draftTitle);
  await offer.getByLabel('Category').fill('Hardware');
  await offer.getByRole('button', { name: 'Save draft article' }).click();
  await expect(page.getByText('Draft article saved')).toBeVisible();
  await expect(offer).toBeHidden();

  // The draft is linked to the case (the case form shows it) and exists as a draft.
  const draftLink = kb.getByRole('list', { name: 'Linked articles' }).getByRole('link', { name: draftTitle });
  await expect(draftLink).toBeVisible();
  await draftLink.click();
  await expect(page.getByRole('heading', { name: draftTitle, level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: /^Article KB\d+$/ }).getByText('Draft', { exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Article text' })).toContainText('Updated the warehouse scanners to firmware 5.3.');
  await expect(page.getByRole('button', { name: 'Publish' })).toBeVisible();

  // And through the API: linked to the second case as a draft.
  const links = await ok<{ items: { title: string; state: string }[] }>(await admin.get(`/api/v1/cases/${s.second.number}/articles`));
  expect(links.items).toEqual([expect.objectContaining({ title: draftTitle, state: 'draft' })]);
  await setProperty(admin, false);
  await admin.dispose();
});
