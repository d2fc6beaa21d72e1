import type { Kysely } from 'kysely';
import type { DB } from './db/schema.js';
import type { Role } from './platform/access.js';
import { createGroup } from './modules/identity/groups.service.js';
import { createUser } from './modules/identity/users.service.js';
import { findUserByEmail } from './modules/identity/users.repository.js';
import { createAccount, createAsset, createContact } from './modules/customers/customers.service.js';
import { createQueue } from './modules/queues/queues.service.js';
import { createCase } from './modules/cases/cases.service.js';
import * as actions from './modules/cases/case-actions.service.js';
import { addComment } from './modules/cases/conversation.service.js';
import { createActivity, updateActivity } from './modules/activities/activities.service.js';
import { getUser } from './modules/identity/users.service.js';
import { receiveEmail } from './modules/mail/inbound.service.js';
import { replyFromPortal } from './modules/portal/portal.service.js';
import * as reviews from './modules/reviews/reviews.service.js';
import { publishReview } from './modules/reviews/review-publishing.service.js';
import { copyToChildren } from './modules/reviews/major-reviews.service.js';
import { DocumentRenderer } from './modules/reviews/review-document.js';
import * as major from './modules/cases/major-cases.service.js';
import { FileStore } from './platform/files.js';
import { createArticle, setArticleState, linkArticle } from './modules/knowledge/knowledge.service.js';
import { dueTimes, markBreaches } from './modules/sla/sla.service.js';

// Demo data for trying Casebook out: `npm run demo` or `npm start -- --demo`. Loading twice is harmless.

export const DEMO_PASSWORD = 'casebook-demo';
const system = { type: 'system' } as const;

const staff: { email: string; name: string; roles: Role[] }[] = [
  { email: 'admin@casebook.demo', name: 'Alex Morgan', roles: ['admin'] },
  { email: 'maya@casebook.demo', name: 'Maya Patel', roles: ['agent'] },
  { email: 'tom@casebook.demo', name: 'Tom Becker', roles: ['agent'] },
  { email: 'priya@casebook.demo', name: 'Priya Nair', roles: ['agent'] },
  { email: 'luis@casebook.demo', name: 'Luis Ortega', roles: ['agent'] },
  { email: 'grace@casebook.demo', name: 'Grace Kim', roles: ['manager', 'agent'] },
  { email: 'omar@casebook.demo', name: 'Omar Haddad', roles: ['major_issue_manager', 'agent'] },
];

const groups = [
  { name: 'Tier 1 Support', description: 'First line: phone, email and portal intake', members: ['maya', 'tom'] },
  { name: 'Tier 2 Support', description: 'Escalations and technical investigation', members: ['priya', 'luis'] },
  { name: 'Service Managers', description: 'Approvers of post case reviews', members: ['grace', 'omar'] },
];

const accounts = [
  {
    name: 'Northwind Traders',
    tier: 'premium',
    domain: 'northwind.example',
    contacts: [
      { name: 'Nancy Davolio', email: 'nancy@northwind.example', phone: '+1 206 555 0101', portal: true },
      { name: 'Andrew Fuller', email: 'andrew@northwind.example', phone: '+1 206 555 0102', portal: false },
    ],
    assets: [
      { name: 'Order gateway', serialNumber: 'NW-GW-0042', product: 'Casebook Connect' },
      { name: 'Warehouse scanners (40)', serialNumber: 'NW-SC-1180', product: 'ScanPro 5' },
    ],
  },
  {
    name: 'Contoso Pharmaceuticals',
    tier: 'enterprise',
    domain: 'contoso.example',
    contacts: [
      { name: 'Kim Abercrombie', email: 'kim@contoso.example', phone: '+44 20 7946 0011', portal: true },
      { name: 'Dan Jump', email: 'dan@contoso.example', phone: null, portal: true },
    ],
    assets: [
      { name: 'Lab data platform', serialNumber: 'CP-LDP-7', product: 'DataVault Enterprise' },
      { name: 'EU tenant', serialNumber: 'CP-EU-01', product: 'Casebook Connect' },
      { name: 'US tenant', serialNumber: 'CP-US-01', product: 'Casebook Connect' },
    ],
  },
  {
    name: 'Fabrikam Logistics',
    tier: 'standard',
    domain: 'fabrikam.example',
    contacts: [{ name: 'Jo Berry', email: 'jo@fabrikam.example', phone: '+49 30 555 7788', portal: true }],
    assets: [{ name: 'Fleet tracker', serialNumber: 'FB-FT-2231', product: 'RouteWise' }],
  },
  {
    name: 'Tailspin Toys',
    tier: 'standard',
    domain: 'tailspin.example',
    contacts: [{ name: 'Mark Hanson', email: 'mark@tailspin.example', phone: null, portal: false }],
    assets: [{ name: 'Web shop', serialNumber: null, product: 'ShopFront' }],
  },
];

/** Loads the demo directory (staff, groups, customers) once and prints how to sign in. */
export async function loadDemoData(db: Kysely<DB>, print: (line: string) => void, dataDir: string): Promise<void> {
  if (!(await findUserByEmail(db, staff[1]!.email))) {
    const ids = new Map<string, number>();
    for (const s of staff) {
      const existing = await findUserByEmail(db, s.email);
      const user = existing ?? (await createUser(db, system, { ...s, password: DEMO_PASSWORD }));
      ids.set(s.email.split('@')[0]!, user.id);
    }
    for (const g of groups) {
      await createGroup(db, system, { name: g.name, description: g.description, memberIds: g.members.map((m) => ids.get(m)!) });
    }
    for (const a of accounts) {
      const account = await createAccount(db, system, { name: a.name, tier: a.tier, domain: a.domain });
      for (const c of a.contacts) {
        await createContact(db, system, {
          accountId: account.id,
          name: c.name,
          email: c.email,
          phone: c.phone,
          portalAccess: c.portal,
          password: c.portal ? DEMO_PASSWORD : undefined,
        });
      }
      for (const asset of a.assets) await createAsset(db, system, { accountId: account.id, ...asset });
    }
    await loadDemoCases(db, ids, dataDir);
    await loadDemoReviews(db, ids, dataDir);
    await loadDemoKnowledge(db, ids);
    print('Demo data loaded.');
  }
  print('');
  print(`  Demo sign-ins (password "${DEMO_PASSWORD}" for all):`);
  for (const s of staff) print(`    workspace  ${s.email.padEnd(24)} ${s.roles.join(', ')}`);
  print('    portal     nancy@northwind.example  customer of Northwind Traders');
  print('    portal     kim@contoso.example      customer of Contoso Pharmaceuticals');
  print('');
}

type Staff = Parameters<typeof createActivity>[1];

async function staffPrincipal(db: Kysely<DB>, id: number): Promise<Staff> {
  const u = await getUser(db, id);
  return { type: 'user', id: u.id, email: u.email, name: u.name, roles: u.roles, via: 'session' };
}

/** Queues of both modes and cases in every status, with activities and a conversation. */
async function loadDemoCases(db: Kysely<DB>, ids: Map<string, number>, dataDir: string): Promise<void> {
  const groupIds = (await db.selectFrom('groups').select(['id', 'name']).execute()).reduce<Record<string, number>>((m, g) => ({ ...m, [g.name]: g.id }), {});
  const general = await createQueue(db, system, { name: 'General support', description: 'Everything that comes in by phone, mail and portal', mode: 'any', groupIds: [groupIds['Tier 1 Support']!, groupIds['Tier 2 Support']!] });
  const priority = await createQueue(db, system, { name: 'Priority line', description: 'Premium and enterprise customers, worked strictly in order', mode: 'next', groupIds: [groupIds['Tier 2 Support']!], memberIds: [ids.get('grace')!] });
  const maya = await staffPrincipal(db, ids.get('maya')!);
  const priya = await staffPrincipal(db, ids.get('priya')!);
  const tom = await staffPrincipal(db, ids.get('tom')!);
  const contacts = await db.selectFrom('contacts').select(['id', 'account_id', 'email']).execute();
  const contact = (email: string) => contacts.find((c) => c.email === email)!;
  const assetsOf = async (accountId: number) => (await db.selectFrom('assets').select('id').where('account_id', '=', accountId).execute()).map((a) => a.id);
  const open = async (email: string, fields: Record<string, unknown>) => {
    const c = contact(email);
    return createCase(db, maya, { contactId: c.id, assetIds: (await assetsOf(c.account_id)).slice(0, 1), ...fields } as never);
  };
  const solved = { resolutionCode: 'solved', cause: 'Expired TLS certificate on the order gateway', resolutionNotes: 'Renewed the certificate and restarted the gateway; orders flow again.' };

  const stuck = await open('nancy@northwind.example', { shortDescription: 'Orders stuck in the gateway since 08:00', description: 'No new orders have reached the warehouse since this morning.', priority: 1, channel: 'phone', category: 'Integration', product: 'Casebook Connect', queueId: general.id });
  await open('jo@fabrikam.example', { shortDescription: 'Fleet tracker shows trucks in the sea', description: 'Positions are offset by about 40 km west.', priority: 3, channel: 'portal', category: 'Data quality', product: 'RouteWise', queueId: general.id });
  await open('kim@contoso.example', { shortDescription: 'EU tenant login page times out', description: 'Users in Frankfurt cannot sign in.', priority: 2, channel: 'email', category: 'Access', product: 'Casebook Connect', queueId: priority.id });
  await open('dan@contoso.example', { shortDescription: 'Export to CSV drops umlauts', description: 'Names like Müller come out as M?ller.', priority: 4, channel: 'email', category: 'Defect', product: 'DataVault Enterprise', queueId: priority.id });

  const working = await open('andrew@northwind.example', { shortDescription: 'Scanner batteries drain overnight', description: 'Twelve of forty scanners are empty every morning.', priority: 3, channel: 'phone', category: 'Hardware', product: 'ScanPro 5', queueId: general.id });
  await actions.start(db, maya, working);
  await addComment(db, maya, working, { body: 'Firmware 5.2 is known to keep Wi-Fi awake; checking which version they run.', visibility: 'internal' });
  await createActivity(db, maya, working, { type: 'phone_call', subject: 'Call Andrew for the firmware version', dueAt: new Date(Date.now() + 86400_000).toISOString() });

  const waiting = await open('kim@contoso.example', { shortDescription: 'Need audit log retention extended to 2 years', priority: 3, channel: 'portal', category: 'Request', product: 'DataVault Enterprise' });
  await actions.start(db, priya, waiting);
  await addComment(db, priya, waiting, { body: 'Could you confirm which environments (EU, US or both) need the longer retention?', visibility: 'customer' });
  await actions.wait(db, priya, waiting, {});

  const resolved = await open('nancy@northwind.example', { shortDescription: 'Order gateway rejects all connections', description: 'Clients report certificate errors.', priority: 1, channel: 'phone', category: 'Integration', product: 'Casebook Connect' });
  await actions.start(db, maya, resolved);
  await addComment(db, maya, resolved, { body: 'The certificate expired at midnight; renewing now.', visibility: 'customer' });
  const call = await createActivity(db, maya, resolved, { type: 'task', subject: 'Renew the gateway certificate' });
  await updateActivity(db, maya, call.id, { state: 'completed' }, undefined);
  await actions.resolve(db, maya, resolved, solved);

  const closed = await open('jo@fabrikam.example', { shortDescription: 'Invoice PDF has the wrong VAT number', priority: 4, channel: 'email', category: 'Billing', product: 'RouteWise' });
  await actions.start(db, tom, closed);
  await actions.resolve(db, tom, closed, { resolutionCode: 'solved', resolutionNotes: 'Corrected the VAT number in the account settings and re-issued the invoice.' });
  await actions.close(db, tom, closed);

  const canceled = await open('mark@tailspin.example', { shortDescription: 'Duplicate: web shop slow', priority: 4, channel: 'web' });
  await actions.cancel(db, tom, canceled, { reason: 'Opened twice by mistake' });

  const reopened = await open('dan@contoso.example', { shortDescription: 'Scheduled report arrives empty', priority: 2, channel: 'email', category: 'Defect', product: 'DataVault Enterprise', queueId: general.id });
  await actions.start(db, tom, reopened);
  await actions.resolve(db, tom, reopened, { resolutionCode: 'workaround', cause: 'Report ran before the nightly load finished', resolutionNotes: 'Moved the schedule to 06:00.' });
  // The customer wrote back that it still happens: back in the queue, assignee cleared.
  // The customer answers the resolution mail: the case reopens, back in the queue, unassigned.
  await receiveEmail(db, dataDir, await replyTo(db, reopened, 'dan@contoso.example', 'Dan Jump', 'The report was empty again this morning, so the schedule change did not help.'));

  // Conversations in both directions: an emailed answer on a working case, a new case by mail,
  // and a customer writing in the portal.
  await addComment(db, maya, working, { body: 'Could you tell us the firmware version shown under Settings → About?', visibility: 'customer' });
  await receiveEmail(db, dataDir, await replyTo(db, working, 'andrew@northwind.example', 'Andrew Fuller', 'All scanners show firmware 5.2.0. They sit in the charging rack overnight.'));
  await receiveEmail(
    db,
    dataDir,
    Buffer.from(
      [
        'From: Kim Abercrombie <kim@contoso.example>',
        'To: support@casebook.local',
        'Subject: Invoice for October missing in the portal',
        `Message-ID: <demo-${Date.now()}@contoso.example>`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hello, the October invoice does not appear under Billing. Could you send it?',
        '',
      ].join('\r\n'),
    ),
  );
  const nancy = await db.selectFrom('contacts').select(['id', 'email', 'name', 'account_id']).where('email', '=', 'nancy@northwind.example').executeTakeFirstOrThrow();
  await replyFromPortal(db, { type: 'contact', id: nancy.id, email: nancy.email, name: nancy.name, accountId: nancy.account_id, roles: ['customer'], via: 'session' }, stuck, {
    body: 'Adding to this: the gateway dashboard shows "TLS handshake failed" for every connection.',
  });
}

/** A customer's emailed reply to the last mail we sent on a case. */
async function replyTo(db: Kysely<DB>, number: string, email: string, name: string, text: string): Promise<Buffer> {
  const c = await db.selectFrom('cases').select(['id', 'short_description']).where('number', '=', number).executeTakeFirstOrThrow();
  const ours = await db.selectFrom('messages').select('message_id').where('case_id', '=', c.id).where('direction', '=', 'out').orderBy('id', 'desc').executeTakeFirst();
  return Buffer.from(
    [
      `From: ${name} <${email}>`,
      'To: support@casebook.local',
      `Subject: Re: ${c.short_description} [${number}]`,
      `Message-ID: <demo-${Date.now()}-${Math.random().toString(36).slice(2)}@${email.split('@')[1]}>`,
      ...(ours?.message_id ? [`In-Reply-To: ${ours.message_id}`, `References: ${ours.message_id}`] : []),
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      '',
    ].join('\r\n'),
  );
}

/** Reviews in every state (with published versions), and a major outage whose review was copied to its children. */
async function loadDemoReviews(db: Kysely<DB>, ids: Map<string, number>, dataDir: string): Promise<void> {
  const renderer = new DocumentRenderer(dataDir);
  const store = new FileStore(dataDir, 'documents');
  const maya = await staffPrincipal(db, ids.get('maya')!);
  const tom = await staffPrincipal(db, ids.get('tom')!);
  const grace = await staffPrincipal(db, ids.get('grace')!);
  const omar = await staffPrincipal(db, ids.get('omar')!);
  const contacts = await db.selectFrom('contacts').select(['id', 'account_id', 'email']).execute();
  const contact = (email: string) => contacts.find((c) => c.email === email)!;
  const assetsOf = async (accountId: number) => (await db.selectFrom('assets').select('id').where('account_id', '=', accountId).execute()).map((a) => a.id);
  const resolvedCase = async (email: string, shortDescription: string, cause: string, notes: string, product: string) => {
    const c = contact(email);
    const number = await createCase(db, maya, { contactId: c.id, assetIds: (await assetsOf(c.account_id)).slice(0, 2), shortDescription, description: shortDescription, priority: 2, product, category: 'Incident', channel: 'phone' });
    await actions.start(db, maya, number);
    await actions.resolve(db, maya, number, { resolutionCode: 'solved', cause, resolutionNotes: notes });
    return number;
  };
  const text = {
    summary: 'For about **two hours** orders from the web shop were not passed on to the warehouse.',
    symptoms: '- Order confirmations were sent, but nothing was picked\n- The integration dashboard showed no errors',
    preventiveMeasures: '- Added an alert when no order has been forwarded for 15 minutes\n- Documented the restart procedure in the runbook',
  };

  // new
  await reviews.createReview(db, maya, await resolvedCase('kim@contoso.example', 'Nightly export stopped at 02:00', 'The export job ran out of disk space.', 'Freed space and moved exports to the larger volume.', 'DataVault Enterprise'));
  // in progress
  const inProgress = await reviews.createReview(db, maya, await resolvedCase('jo@fabrikam.example', 'Tracker positions offset by 40 km', 'A firmware update changed the coordinate datum.', 'Rolled the firmware back on all trackers.', 'RouteWise'));
  await reviews.updateReview(db, maya, inProgress, { summary: 'Fleet positions were shown 40 km west of the real location for a day.' }, undefined);
  // awaiting approval
  const awaiting = await reviews.createReview(db, tom, await resolvedCase('dan@contoso.example', 'Login page timeouts in Frankfurt', 'A DNS change sent EU users to the US login service.', 'Restored the EU DNS records.', 'Casebook Connect'));
  await reviews.updateReview(db, tom, awaiting, { summary: 'EU users could not sign in for 50 minutes.', preventiveMeasures: 'DNS changes now need a second reviewer.' }, undefined);
  await reviews.requestApproval(db, tom, awaiting, { approvalUserIds: [grace.id] });
  // approved
  const approvedReview = await reviews.createReview(db, maya, await resolvedCase('andrew@northwind.example', 'Scanners lost their Wi-Fi profile', 'A configuration push removed the Wi-Fi profile.', 'Re-pushed the profile and locked it.', 'ScanPro 5'));
  await reviews.updateReview(db, maya, approvedReview, { summary: 'Forty scanners could not connect for a morning.' }, undefined);
  await reviews.requestApproval(db, maya, approvedReview, { approvalUserIds: [grace.id] });
  await reviews.approve(db, grace, approvedReview, { comment: 'Good write-up.' });
  // published twice (v1, v2)
  const published = await reviews.createReview(db, maya, await resolvedCase('nancy@northwind.example', 'Web shop orders not forwarded', 'The integration worker stopped after a failed deploy and nobody was alerted.', 'Restarted the worker and replayed 312 orders.', 'Casebook Connect'));
  await reviews.updateReview(db, maya, published, text, undefined);
  await reviews.requestApproval(db, maya, published, { approvalUserIds: [grace.id] });
  await reviews.approve(db, grace, published, {});
  await publishReview(db, renderer, store, maya, published);
  await reviews.reopenReview(db, maya, published);
  await reviews.updateReview(db, maya, published, { solution: 'Restarted the worker and replayed **312** orders; all shipped the same day.' }, undefined);
  await reviews.requestApproval(db, maya, published, {});
  await reviews.approve(db, grace, published, {});
  await publishReview(db, renderer, store, maya, published);

  // A major outage across three accounts, its review published and copied to each child.
  const outage = await createCase(db, omar, { shortDescription: 'EU region: API unreachable', description: 'All EU tenants report timeouts.', priority: 1, category: 'Outage', product: 'Casebook Connect', channel: 'phone' });
  await major.setMajor(db, omar, outage, true);
  const childNumbers = [];
  for (const email of ['nancy@northwind.example', 'kim@contoso.example', 'jo@fabrikam.example']) {
    const c = contact(email);
    childNumbers.push(await createCase(db, maya, { contactId: c.id, assetIds: (await assetsOf(c.account_id)).slice(0, 1), shortDescription: 'Cannot reach the API from Europe', priority: 1, channel: 'email', product: 'Casebook Connect' }));
  }
  await major.linkChildren(db, omar, outage, childNumbers);
  await major.resolveWithChildren(db, omar, outage, { resolutionCode: 'solved', cause: 'A load balancer rule rolled out in the EU region dropped all API traffic.', resolutionNotes: 'Rolled the rule back; traffic recovered within two minutes.' });
  const majorReview = await reviews.createReview(db, omar, outage);
  await reviews.updateReview(db, omar, majorReview, {
    summary: 'On 20 November the API in the EU region was unreachable for **47 minutes**.',
    symptoms: '- API calls timed out\n- The web app showed "service unavailable"',
    preventiveMeasures: '- Load balancer changes are now canaried on 5 % of traffic\n- A synthetic check alerts within one minute',
  }, undefined);
  await reviews.requestApproval(db, omar, majorReview, { approvalUserIds: [grace.id] });
  await reviews.approve(db, grace, majorReview, {});
  await publishReview(db, renderer, store, omar, majorReview);
  await copyToChildren(db, renderer, store, omar, majorReview, { publish: true });
}

/** Published and draft articles linked to cases, and open cases near and past their SLA deadlines. */
async function loadDemoKnowledge(db: Kysely<DB>, ids: Map<string, number>): Promise<void> {
  const maya = await staffPrincipal(db, ids.get('maya')!);
  const articles = [
    { title: 'Renew the order gateway TLS certificate', product: 'Casebook Connect', category: 'Integration', body: 'When clients report **TLS handshake errors**:\n\n1. Check the expiry: `gateway cert show`\n2. Renew: `gateway cert renew`\n3. Restart the gateway and replay queued orders.' },
    { title: 'Scanner batteries drain overnight', product: 'ScanPro 5', category: 'Hardware', body: 'Firmware 5.2 keeps Wi-Fi awake while charging. Update to **5.3** from the device portal, or disable *Wi-Fi in rack* under Settings → Power.' },
    { title: 'Exports show ? instead of umlauts', product: 'DataVault Enterprise', category: 'Defect', body: 'Set the export encoding to **UTF-8** under Export → Options. Older spreadsheet apps may need the BOM option.' },
    { title: 'Fleet tracker positions are offset', product: 'RouteWise', category: 'Data quality', body: 'After firmware 7.1 some trackers use the wrong datum. Roll back to 7.0.4 until 7.1.1 ships.' },
  ];
  const numbers = [];
  for (const a of articles) {
    const created = await createArticle(db, maya, a);
    await setArticleState(db, maya, created.number, 'published');
    numbers.push(created.number);
  }
  await createArticle(db, maya, { title: 'Reset a portal password for a contact', body: 'Draft: steps still to be checked.', product: null, category: 'Access' });
  const gatewayCase = await db.selectFrom('cases').select('number').where('short_description', '=', 'Order gateway rejects all connections').executeTakeFirst();
  if (gatewayCase) await linkArticle(db, maya, gatewayCase.number, numbers[0]!);

  // Cases opened some hours ago: one past its deadline, one close to it.
  const backdate = async (shortDescription: string, priority: number, hoursAgo: number) => {
    const number = await createCase(db, maya, { shortDescription, priority, channel: 'phone', category: 'Incident' });
    const c = await db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    const opened = new Date(Date.now() - hoursAgo * 3600_000).toISOString();
    await db.updateTable('cases').set({ opened_at: opened, ...(await dueTimes(db, { ...c, opened_at: opened })) }).where('id', '=', c.id).execute();
  };
  await backdate('Payment terminal offline in store 12', 1, 5);
  await backdate('Monthly report missing two columns', 1, 3.6);
  await markBreaches(db);
}
