import { ADMIN_EMAIL } from './env.js';
import { expect, pick, signIn, signInAsAdmin, signOutOfWorkspace, test, unique } from './fixtures.js';

test.describe('agent workspace', () => {
  test('sign-in shows the API error for a wrong password', async ({ page }) => {
    await page.goto('/customers/accounts');
    await expect(page).toHaveURL(/\/login\?next=%2Fcustomers%2Faccounts$/);
    await signIn(page, ADMIN_EMAIL, 'not-the-password');
    await expect(page.getByRole('alert')).toContainText('Email or password is wrong');
  });

  test('admin creates an agent and a group; the agent signs in without the Admin section', async ({ page }) => {
    const id = unique();
    const agent = { name: `Ada Agent ${id}`, email: `ada.${id}@example.test`, password: 'agent-password-1234' };
    const groupName = `Service desk ${id}`;

    await signInAsAdmin(page);
    const nav = page.getByRole('navigation');
    await expect(nav.getByRole('link', { name: 'Users' })).toBeVisible();

    // Admin → Users → New user
    await nav.getByRole('link', { name: 'Users' }).click();
    await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
    await page.getByRole('link', { name: 'New user' }).first().click();
    const userDialog = page.getByRole('dialog', { name: 'New user' });
    await userDialog.getByLabel('Name').fill(agent.name);
    await userDialog.getByLabel('Email').fill(agent.email);
    // Roles start as Agent; the form shows it as a chosen pill.
    await expect(userDialog.getByText('Agent', { exact: true })).toBeVisible();
    // A too-short password is refused next to the field before anything is sent.
    await userDialog.getByRole('textbox', { name: 'Password', exact: true }).fill('short');
    await userDialog.getByRole('button', { name: 'Create user' }).click();
    await expect(userDialog.getByText('Use at least 12 characters')).toBeVisible();
    await userDialog.getByRole('textbox', { name: 'Password', exact: true }).fill(agent.password);
    await userDialog.getByRole('button', { name: 'Create user' }).click();
    await expect(page.getByText('User created')).toBeVisible();
    await expect(userDialog).toBeHidden();
    await expect(page.getByRole('table', { name: 'Users' }).getByRole('link', { name: agent.name })).toBeVisible();

    // A duplicate email comes back from the API next to the Email field.
    await page.getByRole('link', { name: 'New user' }).first().click();
    const dupDialog = page.getByRole('dialog', { name: 'New user' });
    await dupDialog.getByLabel('Name').fill('Someone Else');
    await dupDialog.getByLabel('Email').fill(agent.email);
    await dupDialog.getByRole('textbox', { name: 'Password', exact: true }).fill('another-password-123');
    await dupDialog.getByRole('button', { name: 'Create user' }).click();
    await expect(dupDialog.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
    await dupDialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dupDialog).toBeHidden();

    // Admin → Groups → New group with the agent as member
    await nav.getByRole('link', { name: 'Groups' }).click();
    await expect(page.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
    await page.getByRole('link', { name: 'New group' }).first().click();
    const groupDialog = page.getByRole('dialog', { name: 'New group' });
    await groupDialog.getByLabel('Name').fill(groupName);
    await groupDialog.getByLabel('Description').fill('First-line support');
    await pick(page, groupDialog.getByRole('combobox', { name: 'Members' }), agent.name, new RegExp(agent.name));
    // The members list stays open for more picks (and, with more users, covers the button):
    // leave it as a person would, by clicking elsewhere in the form.
    await groupDialog.getByLabel('Description').click();
    await expect(page.getByRole('option', { name: new RegExp(agent.name) })).toBeHidden();
    await groupDialog.getByRole('button', { name: 'Create group' }).click();
    await expect(page.getByText('Group created')).toBeVisible();
    const groupRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: groupName }) });
    await expect(groupRow.getByRole('cell').nth(2)).toHaveText('1');

    // The group shows the agent as member when opened again.
    await groupRow.getByRole('link', { name: groupName }).click();
    const editGroup = page.getByRole('dialog', { name: groupName });
    await expect(editGroup.getByText(new RegExp(agent.name))).toBeVisible();
    await editGroup.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(editGroup).toBeHidden();

    await signOutOfWorkspace(page, 'Administrator');

    // The agent signs in on Home (the case list): their name in the header, Customers but no Admin section.
    await signIn(page, agent.email, agent.password);
    await expect(page.getByRole('heading', { name: 'Home', level: 1 })).toBeVisible();
    await expect(page.getByRole('banner').getByText(agent.name)).toBeVisible();
    const agentNav = page.getByRole('navigation');
    await expect(agentNav.getByRole('link', { name: 'Accounts' })).toBeVisible();
    await expect(agentNav.getByRole('link', { name: 'Contacts' })).toBeVisible();
    await expect(agentNav.getByRole('link', { name: 'Assets' })).toBeVisible();
    await expect(agentNav.getByText('Admin')).toHaveCount(0);
    await expect(agentNav.getByRole('link', { name: 'Users' })).toHaveCount(0);
    // Agents read accounts but do not create them.
    await agentNav.getByRole('link', { name: 'Accounts' }).click();
    await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
    await expect(page.getByRole('link', { name: 'New account' })).toHaveCount(0);
    // Staff who open the portal are sent back to the workspace.
    await page.goto('/portal');
    await expect(page.getByRole('heading', { name: 'Home', level: 1 })).toBeVisible();
    await expect(page).toHaveURL(/:\d+\/$/);
  });
});

test.describe('editing', () => {
  test('a stale save offers Reload and keeps what was typed', async ({ page }) => {
    const id = unique();
    await signInAsAdmin(page);
    const created = await page.request.post('/api/v1/accounts', { data: { name: `Initech ${id}` } });
    expect(created.status()).toBe(201);
    const account = (await created.json()) as { id: number };

    await page.getByRole('searchbox', { name: 'Search accounts' }).fill(`Initech ${id}`);
    await page.getByRole('table', { name: 'Accounts' }).getByRole('link', { name: `Initech ${id}` }).click();
    await expect(page.getByRole('dialog', { name: `Initech ${id}` })).toBeVisible();
    // The panel's title follows the record's name, so find it by role alone from here on.
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Domain').fill('initech.example');

    // Someone else renames the account meanwhile.
    const other = await page.request.patch(`/api/v1/accounts/${account.id}`, { data: { name: `Initech Global ${id}` } });
    expect(other.status()).toBe(200);

    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog.getByRole('alert').filter({ hasText: 'This record was changed by someone else' })).toBeVisible();
    await dialog.getByRole('button', { name: 'Reload' }).click();
    await expect(dialog.getByLabel('Name')).toHaveValue(`Initech Global ${id}`);
    await expect(dialog.getByLabel('Domain')).toHaveValue('initech.example');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText('Account saved')).toBeVisible();

    const saved = (await (await page.request.get(`/api/v1/accounts/${account.id}`)).json()) as { name: string; domain: string };
    expect(saved).toMatchObject({ name: `Initech Global ${id}`, domain: 'initech.example' });

    // A field error from the API appears next to its field.
    await dialog.getByLabel('Domain').fill('not a domain');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(dialog.getByText('must be a domain name like example.com', { exact: false })).toBeVisible();
    await expect(dialog.getByLabel('Domain')).toHaveAttribute('aria-invalid', 'true');
  });
});

test.describe('customer portal', () => {
  test('a contact with portal access signs in and sees their account', async ({ page }) => {
    const id = unique();
    const accountName = `Globex ${id}`;
    const contact = { name: `Carla Customer ${id}`, email: `carla.${id}@globex.example`, password: 'portal-password-5678' };

    await signInAsAdmin(page);

    // New account
    await page.getByRole('link', { name: 'New account' }).first().click();
    const accountDialog = page.getByRole('dialog', { name: 'New account' });
    await accountDialog.getByLabel('Name').fill(accountName);
    await accountDialog.getByLabel('Domain').fill('globex.example');
    await accountDialog.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByText('Account created')).toBeVisible();
    await expect(page.getByRole('table', { name: 'Accounts' }).getByRole('link', { name: accountName })).toBeVisible();

    // New contact with portal access and a password
    await page.getByRole('navigation').getByRole('link', { name: 'Contacts' }).click();
    await expect(page.getByRole('heading', { name: 'Contacts', level: 1 })).toBeVisible();
    await page.getByRole('link', { name: 'New contact' }).first().click();
    const contactDialog = page.getByRole('dialog', { name: 'New contact' });
    await pick(page, contactDialog.getByRole('combobox', { name: 'Account' }), accountName, accountName);
    await contactDialog.getByLabel('Name').fill(contact.name);
    await contactDialog.getByLabel('Email').fill(contact.email);
    await contactDialog.getByRole('switch', { name: /^Portal access/ }).check();
    await contactDialog.getByRole('textbox', { name: 'Portal password', exact: true }).fill(contact.password);
    await contactDialog.getByRole('button', { name: 'Create contact' }).click();
    await expect(page.getByText('Contact created')).toBeVisible();
    await expect(page.getByRole('table', { name: 'Contacts' }).getByRole('link', { name: contact.name })).toBeVisible();

    // An asset of the account, to show under "Your products"
    await page.getByRole('navigation').getByRole('link', { name: 'Assets' }).click();
    await page.getByRole('link', { name: 'New asset' }).first().click();
    const assetDialog = page.getByRole('dialog', { name: 'New asset' });
    await pick(page, assetDialog.getByRole('combobox', { name: 'Account' }), accountName, accountName);
    await assetDialog.getByLabel('Name').fill('Head office router');
    await assetDialog.getByLabel('Product').fill('RX-500');
    await assetDialog.getByLabel('Serial number').fill(`SN-${id}`);
    await assetDialog.getByRole('button', { name: 'Create asset' }).click();
    await expect(page.getByText('Asset created')).toBeVisible();

    await signOutOfWorkspace(page, 'Administrator');

    // The contact signs in on a phone-sized screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/portal');
    await expect(page).toHaveURL(/\/portal\/login/);
    await signIn(page, contact.email, contact.password);
    await expect(page.getByRole('heading', { name: `Hello, ${contact.name}`, level: 1 })).toBeVisible();
    await expect(page.getByRole('main').getByText(accountName).first()).toBeVisible();
    const products = page.getByRole('region', { name: 'Your products' });
    await expect(products.getByText('Head office router')).toBeVisible();
    await expect(products.getByText(`SN-${id}`)).toBeVisible();
    // No horizontal scrolling on the phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    // Customers who open the workspace are sent to the portal.
    await page.goto('/customers/accounts');
    await expect(page).toHaveURL(/\/portal$/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/portal\/login$/);
  });
});
