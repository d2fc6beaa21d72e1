import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { customerScope, type Principal } from '../../platform/access.js';
import { clock } from '../../platform/clock.js';
import { AppError, badRequest, notFound, rethrowUnique } from '../../platform/errors.js';
import { decodeCursor, page } from '../../platform/pagination.js';
import { auditCreate, updateVersioned } from '../../platform/records.js';
import { sendInvitation } from '../identity/account-tokens.service.js';
import { hashPassword } from '../identity/passwords.js';
import type { AccountDto, AssetDto, ContactDto } from './customers.schemas.js';
import * as repo from './customers.repository.js';

// Accounts, contacts and assets. Customers (portal contacts) see only their own account, their
// own contact record and their account's assets: the scope goes into the query itself.

type Actor = Principal | { type: 'system' };
type ListQuery = { q?: string; accountId?: number; active: 'true' | 'false' | 'all'; cursor?: string; limit: number };

function scopeOf(principal: Principal | null): repo.Scope {
  const s = customerScope(principal);
  return s ? { accountId: s.accountId, contactId: s.contactId } : {};
}
const filterOf = (q: ListQuery) => ({
  q: q.q || undefined,
  accountId: q.accountId,
  active: q.active === 'all' ? undefined : q.active === 'true',
  after: decodeCursor(q.cursor, 2),
  limit: q.limit,
});
const flag = (v: boolean | undefined) => (v === undefined ? undefined : v ? 1 : 0);

async function transact<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>, uniqueField: string, uniqueMessage: string): Promise<T> {
  return db
    .transaction()
    .execute(work)
    .catch((err) => {
      if (err instanceof AppError) throw err;
      return rethrowUnique(err, uniqueField, uniqueMessage);
    });
}

async function assertAccount(db: Kysely<DB>, accountId: number): Promise<void> {
  if (!(await repo.findAccount(db, accountId))) {
    throw badRequest(`Account ${accountId} does not exist`, { fields: [{ field: 'body.accountId', message: 'no such account' }] });
  }
}

// ---- accounts

type AccountRow = NonNullable<Awaited<ReturnType<typeof repo.findAccount>>>;
const accountDto = (r: AccountRow): AccountDto => ({
  id: r.id,
  name: r.name,
  tier: r.tier,
  domain: r.domain,
  active: r.active === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

export async function getAccount(db: Kysely<DB>, principal: Principal | null, id: number): Promise<AccountDto> {
  const row = await repo.findAccount(db, id, scopeOf(principal));
  if (!row) throw notFound(`Account ${id}`);
  return accountDto(row);
}

export async function listAccounts(db: Kysely<DB>, principal: Principal | null, q: ListQuery) {
  const rows = await repo.listAccounts(db, filterOf(q), scopeOf(principal));
  return page(rows, q.limit, (r) => [r.name, r.id], accountDto);
}

export async function createAccount(db: Kysely<DB>, actor: Actor, input: { name: string; tier?: string; domain?: string | null; active?: boolean }) {
  const id = await transact(
    db,
    async (trx) => {
      const now = clock.nowIso();
      const values = { name: input.name, tier: input.tier ?? 'standard', domain: input.domain ?? null, active: input.active === false ? 0 : 1 };
      const row = await trx.insertInto('accounts').values({ ...values, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
      await auditCreate(trx, actor, 'account', row.id, values);
      return row.id;
    },
    'name',
    'Account already exists',
  );
  return getAccount(db, null, id);
}

export async function updateAccount(
  db: Kysely<DB>,
  actor: Principal,
  id: number,
  input: { name?: string; tier?: string; domain?: string | null; active?: boolean },
  expected: number | undefined,
) {
  await transact(
    db,
    async (trx) => {
      const before = await repo.findAccount(trx, id);
      if (!before) throw notFound(`Account ${id}`);
      await updateVersioned(trx, {
        table: 'accounts',
        entity: 'account',
        before,
        changes: { name: input.name, tier: input.tier, domain: input.domain, active: flag(input.active) },
        expected,
        actor,
      });
    },
    'name',
    'Account already exists',
  );
  return getAccount(db, null, id);
}

// ---- contacts

type ContactRow = NonNullable<Awaited<ReturnType<typeof repo.findContact>>>;
const contactDto = (r: ContactRow): ContactDto => ({
  id: r.id,
  accountId: r.account_id,
  accountName: r.account_name,
  name: r.name,
  email: r.email,
  phone: r.phone,
  portalAccess: r.portal_access === 1,
  hasPassword: r.password_hash !== null,
  active: r.active === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

export async function getContact(db: Kysely<DB>, principal: Principal | null, id: number): Promise<ContactDto> {
  const row = await repo.findContact(db, id, scopeOf(principal));
  if (!row) throw notFound(`Contact ${id}`);
  return contactDto(row);
}

export async function listContacts(db: Kysely<DB>, principal: Principal | null, q: ListQuery) {
  const rows = await repo.listContacts(db, filterOf(q), scopeOf(principal));
  return page(rows, q.limit, (r) => [r.name, r.id], contactDto);
}

interface ContactInput {
  accountId?: number;
  name?: string;
  email?: string;
  phone?: string | null;
  portalAccess?: boolean;
  password?: string;
  active?: boolean;
}

/** Creates a contact; with portal access and a password the contact can sign in to the portal. */
export async function createContact(db: Kysely<DB>, actor: Actor, input: ContactInput & { accountId: number; name: string; email: string }) {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const id = await transact(
    db,
    async (trx) => {
      await assertAccount(trx, input.accountId);
      const now = clock.nowIso();
      const values = {
        account_id: input.accountId,
        name: input.name,
        email: input.email,
        phone: input.phone ?? null,
        portal_access: input.portalAccess ? 1 : 0,
        active: input.active === false ? 0 : 1,
      };
      const row = await trx
        .insertInto('contacts')
        .values({ ...values, password_hash: passwordHash, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await auditCreate(trx, actor, 'contact', row.id, { ...values, password: passwordHash }, ['password']);
      // A portal contact without a password is invited to choose one.
      if (!passwordHash && values.portal_access === 1 && values.active === 1) await sendInvitation(trx, 'contact', row.id, actor);
      return row.id;
    },
    'email',
    `A contact with email ${input.email} already exists`,
  );
  return getContact(db, null, id);
}

export async function updateContact(db: Kysely<DB>, actor: Principal, id: number, input: ContactInput, expected: number | undefined) {
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  await transact(
    db,
    async (trx) => {
      const before = await repo.findContact(trx, id);
      if (!before) throw notFound(`Contact ${id}`);
      if (input.accountId !== undefined && input.accountId !== before.account_id) await assertAccount(trx, input.accountId);
      await updateVersioned(trx, {
        table: 'contacts',
        entity: 'contact',
        before,
        changes: {
          account_id: input.accountId,
          name: input.name,
          email: input.email,
          phone: input.phone,
          portal_access: flag(input.portalAccess),
          password_hash: passwordHash,
          active: flag(input.active),
        },
        expected,
        actor,
        secret: ['password_hash'],
      });
      // Losing access (or a new password) ends the contact's portal sessions.
      if (input.active === false || input.portalAccess === false || passwordHash) {
        await trx.deleteFrom('sessions').where('principal_type', '=', 'contact').where('principal_id', '=', id).execute();
      }
    },
    'email',
    `A contact with email ${input.email} already exists`,
  );
  return getContact(db, null, id);
}

// ---- assets

type AssetRow = NonNullable<Awaited<ReturnType<typeof repo.findAsset>>>;
const assetDto = (r: AssetRow): AssetDto => ({
  id: r.id,
  accountId: r.account_id,
  accountName: r.account_name,
  name: r.name,
  serialNumber: r.serial_number,
  product: r.product,
  active: r.active === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

export async function getAsset(db: Kysely<DB>, principal: Principal | null, id: number): Promise<AssetDto> {
  const row = await repo.findAsset(db, id, scopeOf(principal));
  if (!row) throw notFound(`Asset ${id}`);
  return assetDto(row);
}

export async function listAssets(db: Kysely<DB>, principal: Principal | null, q: ListQuery) {
  const rows = await repo.listAssets(db, filterOf(q), scopeOf(principal));
  return page(rows, q.limit, (r) => [r.name, r.id], assetDto);
}

interface AssetInput {
  accountId?: number;
  name?: string;
  serialNumber?: string | null;
  product?: string | null;
  active?: boolean;
}

export async function createAsset(db: Kysely<DB>, actor: Actor, input: AssetInput & { accountId: number; name: string }) {
  const id = await transact(
    db,
    async (trx) => {
      await assertAccount(trx, input.accountId);
      const now = clock.nowIso();
      const values = {
        account_id: input.accountId,
        name: input.name,
        serial_number: input.serialNumber ?? null,
        product: input.product ?? null,
        active: input.active === false ? 0 : 1,
      };
      const row = await trx.insertInto('assets').values({ ...values, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
      await auditCreate(trx, actor, 'asset', row.id, values);
      return row.id;
    },
    'name',
    'Asset already exists',
  );
  return getAsset(db, null, id);
}

export async function updateAsset(db: Kysely<DB>, actor: Principal, id: number, input: AssetInput, expected: number | undefined) {
  await transact(
    db,
    async (trx) => {
      const before = await repo.findAsset(trx, id);
      if (!before) throw notFound(`Asset ${id}`);
      if (input.accountId !== undefined && input.accountId !== before.account_id) await assertAccount(trx, input.accountId);
      await updateVersioned(trx, {
        table: 'assets',
        entity: 'asset',
        before,
        changes: {
          account_id: input.accountId,
          name: input.name,
          serial_number: input.serialNumber,
          product: input.product,
          active: flag(input.active),
        },
        expected,
        actor,
      });
    },
    'name',
    'Asset already exists',
  );
  return getAsset(db, null, id);
}
