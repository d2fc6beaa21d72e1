import { test as base, expect, type Page } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './env.js';

/** Every test fails on an uncaught error in the page. */
export const test = base.extend<{ pageErrors: Error[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: Error[] = [];
      page.on('pageerror', (err) => errors.push(err));
      await use(errors);
      expect(errors.map((e) => e.stack ?? e.message), 'uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/** Fills the sign-in form the way a person does; works for /login and /portal/login. */
export async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs the admin in and opens Accounts (the workspace's home is the case list). */
export async function signInAsAdmin(page: Page) {
  await page.goto('/login?next=%2Fcustomers%2Faccounts');
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
}

export async function signOutOfWorkspace(page: Page, name: string) {
  await page.getByRole('button', { name: `User menu for ${name}` }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
}

/** Picks an option of a Mantine Select/MultiSelect by typing into it. */
export async function pick(page: Page, input: ReturnType<Page['getByRole']>, typed: string, option: string | RegExp) {
  await input.click();
  await input.fill(typed);
  await page.getByRole('option', { name: option }).click();
}

/** A short unique suffix, so reruns against a kept database do not collide. */
export const unique = () => Date.now().toString(36).slice(-5);
