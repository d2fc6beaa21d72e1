import { request as apiRequest, type APIRequestContext } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './env.js';
import { expect, signIn, signInAsAdmin, signOutOfWorkspace, test, unique } from './fixtures.js';

// "Forgot password?" end to end: the sign-in page, the mail in the outbox (no SMTP server in
// these runs, so mail waits there), the link's page, the new password, the spent link.

let admin: APIRequestContext;
test.beforeAll(async ({ baseURL }) => {
  admin = await apiRequest.newContext({ baseURL });
  const res = await admin.post('/api/v1/auth/login', { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  expect(res.status()).toBe(200);
});
test.afterAll(async () => {
  await admin?.dispose();
});

/** Content-Security-Policy violations the page reports (there must be none). */
function watchCsp(page: import('@playwright/test').Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

/** The link in the newest mail to this address, as a path on the server under test. */
async function linkMailedTo(email: string): Promise<string> {
  let link: string | undefined;
  await expect(async () => {
    const res = await admin.get('/api/v1/outbox?limit=50');
    const mail = (await res.json()).items.find((m: { to: string }) => m.to === email);
    link = mail?.text.match(/https?:\/\/\S+#token=[A-Za-z0-9_-]+/)?.[0];
    expect(link).toBeTruthy();
  }).toPass();
  const url = new URL(link!);
  return url.pathname + url.hash;
}

test('a staff user resets a forgotten password from the sign-in page', async ({ page }, info) => {
  const csp = watchCsp(page);
  const email = `forgetful-${unique()}@example.test`;
  const created = await admin.post('/api/v1/users', { data: { email, name: 'Frances Forgetful', roles: ['agent'], password: 'the-old-password-1' } });
  expect(created.status()).toBe(201);

  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveValue(email); // carried over from the sign-in form
  await page.screenshot({ path: info.outputPath('forgot-password.png') });
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText(email);

  const link = await linkMailedTo(email);
  expect(link).toMatch(/^\/reset-password#token=/);
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await expect(page.getByText(`For ${email}.`)).toBeVisible();
  await expect(page).toHaveURL(/\/reset-password$/); // the token left the address bar
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Use at least 12 characters')).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill('a-fresh-password-22');
  await page.getByLabel('Repeat the password').fill('a-fresh-password-2');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('The two passwords differ')).toBeVisible();
  await page.getByLabel('Repeat the password').fill('a-fresh-password-22');
  await page.screenshot({ path: info.outputPath('reset-password.png') });
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('heading', { name: 'Your password is changed' })).toBeVisible();

  await page.getByRole('link', { name: 'Go to sign-in' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await page.getByLabel('Password', { exact: true }).fill('the-old-password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Email or password is wrong');
  await signIn(page, email, 'a-fresh-password-22');
  await expect(page.getByRole('button', { name: 'User menu for Frances Forgetful' })).toBeVisible();

  // The link was spent: opening it again explains what to do.
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This link does not work any more' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'ask for a new link' })).toHaveAttribute('href', '/forgot-password');
  expect(csp).toEqual([]);
});

test('an invited portal contact sets a password from the invitation', async ({ page }, info) => {
  const csp = watchCsp(page);
  const account = await (await admin.post('/api/v1/accounts', { data: { name: `Invited Ltd ${unique()}` } })).json();
  const email = `invited-${unique()}@customer.test`;
  const contact = await admin.post('/api/v1/contacts', { data: { accountId: account.id, name: 'Ines Invited', email, portalAccess: true } });
  expect(contact.status()).toBe(201);
  const first = await linkMailedTo(email);

  // The admin sends the invitation again from the contact's form: only the new link works.
  await signInAsAdmin(page);
  await page.goto(`/customers/contacts/${(await contact.json()).id}`);
  await page.getByRole('dialog').getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText('Invitation sent')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await signOutOfWorkspace(page, 'Administrator');
  await expect.poll(() => linkMailedTo(email)).not.toBe(first);
  await page.goto(first);
  await expect(page.getByRole('heading', { name: 'This link does not work any more' })).toBeVisible();

  const link = await linkMailedTo(email);
  expect(link).toMatch(/^\/portal\/invitation#token=/);
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Welcome, Ines Invited' })).toBeVisible();
  await page.screenshot({ path: info.outputPath('invitation.png') });
  await page.getByLabel('New password', { exact: true }).fill('my-portal-password-7');
  await page.getByLabel('Repeat the password').fill('my-portal-password-7');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByRole('heading', { name: 'Your password is set' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to sign-in' }).click();
  await expect(page).toHaveURL(/\/portal\/login$/);
  await page.getByLabel('Password', { exact: true }).fill('my-portal-password-7');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/portal$/);
  expect(csp).toEqual([]);
});
