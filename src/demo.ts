import type { Kysely } from 'kysely';
import type { DB } from './db/schema.js';
import type { Role } from './platform/access.js';
import { createGroup } from './modules/identity/groups.service.js';
import { createUser } from './modules/identity/users.service.js';
import { findUserByEmail } from './modules/identity/users.repository.js';
import { createAccount, createAsset, createContact } from './modules/customers/customers.service.js';

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
export async function loadDemoData(db: Kysely<DB>, print: (line: string) => void): Promise<void> {
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
    print('Demo data loaded.');
  }
  print('');
  print(`  Demo sign-ins (password "${DEMO_PASSWORD}" for all):`);
  for (const s of staff) print(`    workspace  ${s.email.padEnd(24)} ${s.roles.join(', ')}`);
  print('    portal     nancy@northwind.example  customer of Northwind Traders');
  print('    portal     kim@contoso.example      customer of Contoso Pharmaceuticals');
  print('');
}
