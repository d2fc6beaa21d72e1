import type { APIRequestContext } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './env.js';
import { expect, signIn, test, unique } from './fixtures.js';

// The watch list on the case form: an agent watches a case, adds a colleague and an outside
// address, is told clearly when an address is wrong, removes the outsider and stops watching.

async function setUp(request: APIRequestContext, id: string) {
  const ok = async (res: Awaited<ReturnType<APIRequestContext['post']>>) => {
    expect(res.ok(), await res.text()).toBeTruthy();
    return (await res.json()) as { id: number; number: string };
  };
  await ok(await request.post('/api/v1/auth/login', { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }));
  const agent = { name: `Maya Watcher ${id}`, email: `maya.w.${id}@example.test`, password: 'agent-password-5678' };
  await ok(await request.post('/api/v1/users', { data: { ...agent, roles: ['agent'] } }));
  await ok(await request.post('/api/v1/users', { data: { name: `Grace Colleague ${id}`, email: `grace.${id}@example.test`, roles: ['agent'], password: 'agent-password-5678' } }));
  const kase = await ok(await request.post('/api/v1/cases', { data: { shortDescription: `Badge printers offline ${id}` } }));
  await request.post('/api/v1/auth/logout');
  return { agent, number: kase.number };
}

test('an agent keeps a watch list on the case form', async ({ page, request }, info) => {
  const id = unique();
  const { agent, number } = await setUp(request, id);
  await page.goto(`/login?next=${encodeURIComponent(`/cases/${number}`)}`);
  await signIn(page, agent.email, agent.password);
  const panel = page.getByRole('region', { name: /Watch list/ });
  await expect(panel.getByText('Nobody watches this case.')).toBeVisible();

  await panel.getByRole('button', { name: 'Watch', exact: true }).click();
  const watchers = panel.getByRole('list', { name: 'Watchers' });
  await expect(watchers.getByRole('listitem')).toHaveText([`${agent.name} (you)`]);
  await expect(panel.getByRole('button', { name: 'Stop watching' })).toBeVisible();

  const input = panel.getByRole('combobox', { name: 'Add a watcher' });
  await input.fill(`Grace Colleague ${id}`.slice(0, 8));
  await page.getByRole('option', { name: new RegExp(`Grace Colleague ${id}`) }).click();
  await panel.getByRole('button', { name: 'Add' }).click();
  await expect(watchers.getByRole('listitem')).toHaveCount(2);

  await input.fill('not an address');
  await panel.getByRole('button', { name: 'Add' }).click();
  await expect(panel.getByText(/email address/)).toBeVisible();
  await input.fill('Partner@Elsewhere.test');
  await panel.getByRole('button', { name: 'Add' }).click();
  await expect(watchers.getByRole('listitem')).toHaveCount(3);
  await expect(watchers.getByRole('listitem').nth(2)).toContainText('partner@elsewhere.test');
  await expect(watchers.getByRole('listitem').nth(2)).toContainText('email only');
  await expect(panel.getByRole('heading', { name: 'Watch list (3)' }).or(panel.getByText('Watch list (3)'))).toBeVisible();
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: info.outputPath('watch-list.png') });

  await panel.getByRole('button', { name: 'Remove partner@elsewhere.test from the watch list' }).click();
  await expect(watchers.getByRole('listitem')).toHaveCount(2);
  // The timeline tells who joined and left the watch list.
  await expect(page.getByText('took partner@elsewhere.test off the watch list')).toBeVisible();
  await expect(page.getByText('added partner@elsewhere.test to the watch list')).toBeVisible();
  await panel.getByRole('button', { name: 'Stop watching' }).click();
  await expect(watchers.getByRole('listitem')).toHaveText([`Grace Colleague ${id}`]);
  await expect(panel.getByRole('button', { name: 'Watch', exact: true })).toBeVisible();
});

test('an admin edits the watch list digest like every other email template', async ({ page }, info) => {
  await page.goto('/login?next=%2Fadmin%2Femail-templates');
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.getByRole('table', { name: 'Email templates' }).getByRole('link', { name: 'Watch list digest (to watchers)' }).click();
  await expect(page.getByRole('heading', { name: 'Watch list digest (to watchers)', level: 1 })).toBeVisible();
  await expect(page.getByText('Sent to the case’s watchers')).toBeVisible();
  const preview = page.getByRole('region', { name: 'Preview' });
  await expect(preview.getByTestId('preview-subject')).toContainText('Updates on CS0001234: Orders stuck in the gateway');
  await preview.getByRole('tab', { name: 'Text' }).click();
  const text = preview.getByLabel('Text version of the mail');
  await expect(text).toContainText('2 updates on case CS0001234');
  await expect(text).toContainText('Maya Patel · Status: New → In progress');
  await expect(page.getByRole('button', { name: 'Insert u.text' })).toBeVisible();
  await page.screenshot({ path: info.outputPath('digest-template.png') });
});
