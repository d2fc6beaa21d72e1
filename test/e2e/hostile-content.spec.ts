import type { APIRequestContext, APIResponse, Page } from '@playwright/test';
import { request as playwrightRequest } from '@playwright/test';
import { HOSTILE, PWNED, visible } from '../security/hostile-corpus.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, E2E_PORT } from './env.js';
import { expect, signIn, test, unique } from './fixtures.js';

// The hostile content corpus, stored through the API in every text field and file name, then
// shown where people read it: the agent workspace (lists, case form, timeline, activities,
// attachments, review form, knowledge article, customer directory, outbox) and the portal (my
// cases, the case page with its conversation and documents, help articles). Each page listens
// for dialogs, CSP violations (the securitypolicyviolation event and the console) and the
// window.__pwned marker every payload tries to set — none may happen. Then one inline script is
// injected on purpose, to prove the served policy blocks it.

const baseURL = `http://127.0.0.1:${E2E_PORT}`;
const usable = HOSTILE.filter((x) => !x.text.includes('\u0000') && x.kind !== 'size');
const fit = (max: number) => usable.filter((x) => x.text.trim().length <= max);
const joined = (max: number) => {
  let out = '';
  for (const x of usable) if (out.length + x.text.length + 2 <= max) out += `${x.text}\n\n`;
  return out.trim();
};
// Everything in one text: the long line and all payloads (description, article body, comments).
const ALL = `${joined(60_000)}\n\n${HOSTILE.find((x) => x.id === 'long-line')!.text}`;
const SHORT = joined(19_000);

async function ok<T = { id: number; number: string }>(res: APIResponse): Promise<T> {
  expect(res.ok(), `${res.url()}: ${res.status()} ${(await res.text()).slice(0, 300)}`).toBeTruthy();
  return (await res.json()) as T;
}

function multipart(name: string, content: string, mimeType: string) {
  // Playwright sends the name as a quoted filename, the way a browser does.
  return { multipart: { file: { name, mimeType, buffer: Buffer.from(content) } } };
}

interface Seeded {
  number: string;
  portalNumber: string;
  review: string;
  article: string;
  customer: { email: string; password: string };
}

/** Stores the corpus through the API, as the admin, a manager (approval) and the customer. */
async function seed(api: APIRequestContext, id: string): Promise<Seeded> {
  await ok(await api.post('/api/v1/auth/login', { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }));
  const manager = { email: `grace.${id}@example.test`, password: 'manager-password-0451' };
  const managerUser = await ok(await api.post('/api/v1/users', { data: { ...manager, name: `Grace ${fit(180)[0].text}`, roles: ['manager', 'agent'] } }));
  const account = await ok(await api.post('/api/v1/accounts', { data: { name: `Northwind ${id} <img src=x onerror="window.__pwned='account'">` } }));
  const customer = { email: `nancy.${id}@customer.test`, password: 'portal-password-0451' };
  const contact = await ok(await api.post('/api/v1/contacts', { data: { accountId: account.id, name: `Nancy "><svg onload=window.__pwned='contact'>`, email: customer.email, portalAccess: true, password: customer.password } }));
  const asset = await ok(await api.post('/api/v1/assets', { data: { accountId: account.id, name: '<script>window.__pwned="asset"</script>', serialNumber: '"><img src=x onerror=window.__pwned=1>', product: '[p](javascript:window.__pwned=1)' } }));
  // Directory lists: one account, contact and asset per payload that fits a name.
  for (const x of fit(190)) {
    const a = await ok(await api.post('/api/v1/accounts', { data: { name: `${x.text} ${id}` } }));
    await ok(await api.post('/api/v1/assets', { data: { accountId: a.id, name: x.text, product: x.text } }));
  }
  // Case list: one case per payload in its short description, category and product.
  for (const x of fit(100)) await ok(await api.post('/api/v1/cases', { data: { shortDescription: x.text, category: x.text, product: x.text, accountId: account.id } }));

  // The case everyone reads: every field, activities, comments, files; resolved with a review.
  const c = await ok(await api.post('/api/v1/cases', { data: { shortDescription: `<script>window.__pwned="title"</script> ${id}`, description: ALL, category: '<svg onload=window.__pwned=1>', product: '"><img src=x onerror=window.__pwned=1>', contactId: contact.id, accountId: account.id, assetIds: [asset.id] } }));
  await ok(await api.post(`/api/v1/cases/${c.number}/start`, { data: {} }));
  for (const x of fit(300).filter((p) => ['script', 'event-handler', 'svg', 'markup-breakout'].includes(p.kind)).slice(0, 8)) {
    await ok(await api.post(`/api/v1/cases/${c.number}/activities`, { data: { type: 'task', subject: x.text, body: SHORT } }));
  }
  const files = [];
  for (const [name, content, type] of [
    ['<img src=x onerror=window.__pwned=1>.svg', '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=\'svg-file\'"><script>window.__pwned="svg-file"</script></svg>', 'image/svg+xml'],
    ['"><script>window.__pwned=1</script>.html', '<script>window.__pwned="html-file"</script>', 'text/html'],
    ['invoice\u202Egpj.exe', 'MZ', 'application/octet-stream'],
    ['../../../etc/passwd', 'root:x:0:0', 'text/plain'],
    ['javascript:window.__pwned=1', 'x', 'text/plain'],
  ] as const) {
    files.push(...(await ok<{ items: { id: number }[] }>(await api.post(`/api/v1/cases/${c.number}/attachments`, multipart(name, content, type)))).items);
  }
  await ok(await api.post(`/api/v1/cases/${c.number}/comments`, { data: { body: ALL, visibility: 'customer', attachmentIds: files.map((f) => f.id) } }));
  await ok(await api.post(`/api/v1/cases/${c.number}/comments`, { data: { body: ALL, visibility: 'internal' } }));
  for (const x of fit(2000).filter((p) => ['script', 'event-handler', 'svg', 'url-scheme'].includes(p.kind))) {
    await ok(await api.post(`/api/v1/cases/${c.number}/comments`, { data: { body: x.text, visibility: 'customer' } }));
  }
  await ok(await api.post(`/api/v1/cases/${c.number}/resolve`, { data: { resolutionCode: 'solved', cause: SHORT, resolutionNotes: SHORT, cancelOpenActivities: true } }));

  const review = await ok(await api.post(`/api/v1/cases/${c.number}/review`));
  await ok(await api.patch(`/api/v1/reviews/${review.number}`, { data: { summary: ALL, symptoms: ALL, affectedAssets: SHORT, preventiveMeasures: ALL, shortDescription: '<img src=x onerror="window.__pwned=\'review\'"> #read("/etc/passwd")', customerVisible: true } }));
  await ok(await api.post(`/api/v1/reviews/${review.number}/work-notes`, { data: { body: SHORT } }));
  await ok(await api.post(`/api/v1/reviews/${review.number}/request-approval`, { data: { approvalUserIds: [managerUser.id] } }));
  const managerApi = await playwrightRequest.newContext({ baseURL });
  await ok(await managerApi.post('/api/v1/auth/login', { data: manager }));
  await ok(await managerApi.post(`/api/v1/reviews/${review.number}/approve`, { data: { comment: SHORT } }));
  await managerApi.dispose();
  await ok(await api.post(`/api/v1/reviews/${review.number}/publish`, { data: {} }));

  // A published article with the corpus as its Markdown body, linked to the case.
  const article = await ok(await api.post('/api/v1/articles', { data: { title: `<script>window.__pwned="kb"</script> ${id}`, body: ALL, product: '<svg onload=window.__pwned=1>', category: '{{constructor.constructor("window.__pwned=1")()}}', caseNumber: c.number } }));
  await ok(await api.post(`/api/v1/articles/${article.number}/publish`, { data: {} }));

  // The customer's own words: a portal case and a reply.
  const portal = await playwrightRequest.newContext({ baseURL });
  await ok(await portal.post('/api/v1/auth/login', { data: { ...customer, portal: true } }));
  const pc = await ok(await portal.post('/api/v1/portal/cases', { data: { shortDescription: `"><img src=x onerror=window.__pwned='portal'> ${id}`, description: ALL } }));
  await ok(await portal.post(`/api/v1/portal/cases/${pc.number}/comments`, { data: { body: ALL } }));
  await ok(await portal.post(`/api/v1/portal/cases/${c.number}/comments`, { data: { body: SHORT } }));
  await portal.dispose();
  return { number: c.number, portalNumber: pc.number, review: review.number, article: article.number, customer };
}

/** What a page may not do: alert, violate the policy, or set the marker. */
interface Watch {
  dialogs: string[];
  console: string[];
}

async function watch(page: Page): Promise<Watch> {
  const w: Watch = { dialogs: [], console: [] };
  page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|Refused to (execute|load|apply|frame)/i.test(m.text())) w.console.push(m.text());
  });
  await page.addInitScript((marker: string) => {
    const w = window as unknown as Record<string, unknown>;
    const hits: unknown[] = [];
    const csp: string[] = [];
    w.__hits = hits;
    w.__csp = csp;
    // Any write to the marker is recorded, even where the value is later overwritten.
    Object.defineProperty(window, marker, { configurable: false, get: () => undefined, set: (v: unknown) => void hits.push(v) });
    document.addEventListener('securitypolicyviolation', (e) => csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`), true);
  }, PWNED);
  return w;
}

/** Elements or links no payload may have created. */
const ACTIVE = [
  'object', 'embed', 'base', 'meta[http-equiv]', 'svg[onload]', 'img[onerror]', 'details[ontoggle]', 'input[onfocus]', 'source[onerror]',
  '[onmouseover]', '[onload]', '[onerror]', 'style:not([data-mantine-styles]):not([data-emotion])',
  'a[href^="javascript:" i]', 'a[href^="data:" i]', 'a[href^=" javascript:" i]', 'form[action^="javascript:" i]',
].join(', ');

const counts = { pages: 0, executions: 0, violations: 0 };

async function check(page: Page, w: Watch, where: string, mustShow: string[] = []) {
  await page.waitForLoadState('networkidle');
  // Move over the page and let handlers (onmouseover, autofocus, ontoggle) have their chance.
  await page.mouse.move(400, 300);
  await page.mouse.move(900, 500);
  await page.waitForTimeout(150);
  const state = await page.evaluate((sel) => {
    const w = window as unknown as { __hits: unknown[]; __csp: string[] };
    const active = [...document.body.querySelectorAll(sel)].map((e) => e.outerHTML.slice(0, 120));
    // The app's own frames: PDFs from our API or a blob, and fully sandboxed mail previews.
    for (const f of document.body.querySelectorAll('iframe')) {
      const src = f.getAttribute('src') ?? '';
      const ours = src.startsWith('blob:') || (src !== '' && new URL(src, location.href).origin === location.origin && new URL(src, location.href).pathname.startsWith('/api/'));
      const sandboxed = f.hasAttribute('sandbox') && f.sandbox.length === 0;
      if (!ours && !sandboxed) active.push(f.outerHTML.slice(0, 120));
    }
    const scripts = [...document.scripts].filter((s) => !s.src || new URL(s.src).origin !== location.origin).map((s) => s.outerHTML.slice(0, 120));
    return { hits: w.__hits, csp: w.__csp, active, scripts, text: document.body.innerText };
  }, ACTIVE);
  counts.pages++;
  counts.executions += state.hits.length + w.dialogs.length;
  counts.violations += state.csp.length + w.console.length;
  expect(state.hits, `${where}: window.${PWNED} was set`).toEqual([]);
  expect(w.dialogs, `${where}: dialogs`).toEqual([]);
  expect(state.csp, `${where}: CSP violations`).toEqual([]);
  expect(w.console, `${where}: CSP messages in the console`).toEqual([]);
  expect(state.active, `${where}: active elements from content`).toEqual([]);
  expect(state.scripts, `${where}: scripts not from our origin`).toEqual([]);
  const seen = visible(state.text);
  for (const s of mustShow) expect(seen, `${where}: shows ${s.slice(0, 60)} as text`).toContain(visible(s));
}

test.describe.configure({ mode: 'serial' });

let seeded: Seeded;
test.beforeAll(async () => {
  test.setTimeout(120_000); // about 300 writes through the API
  const api = await playwrightRequest.newContext({ baseURL });
  seeded = await seed(api, unique());
  await api.dispose();
});
test.afterAll(() => {
  console.log(`hostile-content (browser): ${usable.length} payloads, ${counts.pages} page checks, ${counts.executions} executions, ${counts.violations} CSP violations`);
});

const scriptLike = usable.filter((x) => ['script', 'event-handler', 'svg', 'markup-breakout', 'css'].includes(x.kind)).map((x) => x.shows);

test('the agent workspace shows the corpus as text and runs none of it', async ({ page }) => {
  test.setTimeout(120_000);
  const w = await watch(page);
  await page.goto(`/login?next=${encodeURIComponent('/cases')}`);
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // Every page of the list: each case's short description reads as the payload's text.
  await expect(page.getByRole('button', { name: 'Load more' })).toBeVisible();
  while (await page.getByRole('button', { name: 'Load more' }).isVisible()) {
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.waitForLoadState('networkidle');
  }
  await check(page, w, 'case list', fit(100).map((x) => x.text));

  await page.goto(`/cases/${seeded.number}`);
  await expect(page.getByRole('heading', { name: /window.__pwned="title"/, level: 1 })).toBeVisible();
  await check(page, w, 'case form and timeline', scriptLike);
  await expect(page.getByRole('link', { name: /onerror=window.__pwned=1.*\.svg/ }).first()).toBeVisible();

  await page.goto(`/reviews/${seeded.review}`);
  await expect(page.getByRole('heading', { name: /window.__pwned='review'/, level: 1 })).toBeVisible();
  await check(page, w, 'review form');
  // The preview: the hostile review rendered to PDF and shown in the app's own frame.
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'Preview' }).click();
  const preview = page.getByRole('dialog', { name: `Preview of ${seeded.review}` });
  await expect(preview.locator(`iframe[title="PDF: Preview of ${seeded.review}"]`)).toBeVisible();
  await check(page, w, 'review preview');
  await preview.getByRole('button', { name: 'Close preview' }).click();
  await page.goto('/reviews');
  await check(page, w, 'review list', ['#read("/etc/passwd")']);

  await page.goto(`/knowledge/${seeded.article}`);
  await expect(page.getByRole('heading', { name: /window.__pwned="kb"/, level: 1 })).toBeVisible();
  await check(page, w, 'knowledge article', [...scriptLike, 'click me 2', 'click me 6']);
  await page.goto('/knowledge');
  await check(page, w, 'knowledge list');

  for (const list of ['accounts', 'contacts', 'assets']) {
    await page.goto(`/customers/${list}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await check(page, w, `${list} list`);
  }
  await page.goto('/admin/outbox');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await check(page, w, 'outbox');
});

test('the portal shows the corpus as text and runs none of it', async ({ page }) => {
  test.setTimeout(90_000);
  const w = await watch(page);
  await page.goto('/portal/login');
  await signIn(page, seeded.customer.email, seeded.customer.password);
  await expect(page.getByRole('heading', { name: /^Hello, Nancy/, level: 1 })).toBeVisible();
  await check(page, w, 'portal home', [`window.__pwned='portal'`]);

  await page.goto(`/portal/cases/${seeded.number}`);
  await expect(page.getByRole('heading', { name: /window.__pwned="title"/, level: 1 })).toBeVisible();
  await check(page, w, 'portal case: conversation and documents', scriptLike);
  await expect(page.getByRole('link', { name: /PCR\d+/ }).first()).toBeVisible();

  await page.goto(`/portal/cases/${seeded.portalNumber}`);
  await check(page, w, 'portal case of the customer', scriptLike);

  await page.goto(`/portal/knowledge/${seeded.article}`);
  await check(page, w, 'portal help article', ['click me 2']);
});

test('admin template editors: hostile template text previews as text, and a template cannot read files', async ({ page }) => {
  test.setTimeout(90_000);
  const w = await watch(page);
  await page.goto(`/login?next=${encodeURIComponent('/admin/email-templates/new_reply')}`);
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  const body = page.getByRole('textbox', { name: 'Body' });
  await expect(body).toBeVisible();
  // Typed, not saved: the live preview renders what the admin wrote, on sample data.
  const hostileTemplate = `Dear {{ contact.name }},\n\n${usable.filter((x) => ['script', 'event-handler', 'svg', 'markup-breakout', 'url-scheme'].includes(x.kind) && !/[{}%]/.test(x.text)).map((x) => x.text).join('\n\n')}`;
  await body.fill(hostileTemplate);
  const frame = page.frameLocator('iframe[title="HTML preview of the mail"]');
  await expect(frame.locator('body')).toContainText('<script>window.__pwned="script-tag"</script>');
  await expect(frame.locator('body')).toContainText('Dear Nancy Davolio');
  expect(await frame.locator('script, img, svg, iframe, a, form, object').count()).toBe(0);
  await check(page, w, 'email template editor');

  await page.goto('/admin/document-templates/1');
  const source = page.getByRole('textbox', { name: 'Typst source' });
  await expect(source).toBeVisible();
  await source.fill('#read("/etc/passwd")');
  await expect(page.getByRole('alert', { name: 'Template problems' })).toContainText(/file not found|outside|cannot read/i);
  await source.fill('#let d = json(bytes(sys.inputs.data))\n= #d.account.name\n<script>window.__pwned=1</script> #d.case.number');
  await expect(page.getByRole('alert', { name: 'Template problems' })).toHaveCount(0);
  await check(page, w, 'document template editor');
});

test('the served policy forbids inline script: an injected script and handler are blocked', async ({ page }) => {
  const w = await watch(page);
  const res = await page.goto('/login');
  const csp = res!.headers()['content-security-policy'];
  expect(csp).toMatch(/script-src 'self'(;|$)/);
  expect(csp).toContain("script-src-attr 'none'");
  expect(csp).not.toMatch(/unsafe-inline[^;]*;?.*script|script-src[^;]*unsafe/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  const outcome = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = "ran"';
    document.head.appendChild(s);
    const host = document.createElement('div');
    host.innerHTML = '<img src="data:," onerror="window.__inline2 = \'ran\'">';
    document.body.appendChild(host);
    await new Promise((r) => setTimeout(r, 300));
    const win = window as unknown as { __inline?: string; __inline2?: string; __csp: string[] };
    return { inline: win.__inline ?? null, handler: win.__inline2 ?? null, csp: [...win.__csp] };
  });
  expect(outcome.inline).toBeNull();
  expect(outcome.handler).toBeNull();
  expect(outcome.csp.some((v) => v.startsWith('script-src-elem'))).toBe(true);
  expect(outcome.csp.some((v) => v.startsWith('script-src-attr'))).toBe(true);
  // The marker trap itself works: a write to window.__pwned is recorded.
  const hits = await page.evaluate((marker) => {
    (window as unknown as Record<string, unknown>)[marker] = 'self-test';
    return (window as unknown as { __hits: unknown[] }).__hits;
  }, PWNED);
  expect(hits).toEqual(['self-test']);
  expect(w.dialogs).toEqual([]);
});
