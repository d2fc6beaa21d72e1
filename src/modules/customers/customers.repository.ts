import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { contains, whereAfter } from '../../db/sql.js';
import type { CursorValue } from '../../platform/pagination.js';

export interface Scope {
  accountId?: number;
  contactId?: number;
}
interface ListFilter {
  q?: string;
  accountId?: number;
  active?: boolean;
  after: CursorValue[] | null;
  limit: number;
}

export function findAccount(db: Kysely<DB>, id: number, scope: Scope = {}) {
  let q = db.selectFrom('accounts').selectAll().where('id', '=', id);
  if (scope.accountId !== undefined) q = q.where('id', '=', scope.accountId);
  return q.executeTakeFirst();
}

export function listAccounts(db: Kysely<DB>, f: ListFilter, scope: Scope = {}) {
  let q = db.selectFrom('accounts').selectAll();
  if (scope.accountId !== undefined) q = q.where('id', '=', scope.accountId);
  if (f.q) {
    const text = f.q;
    q = q.where((eb) => eb.or([contains('name', text), contains('domain', text)]));
  }
  if (f.active !== undefined) q = q.where('active', '=', f.active ? 1 : 0);
  q = whereAfter(q, 'name', 'id', f.after);
  return q.orderBy('name').orderBy('id').limit(f.limit + 1).execute();
}

const contactColumns = [
  'contacts.id',
  'contacts.account_id',
  'accounts.name as account_name',
  'contacts.name',
  'contacts.email',
  'contacts.phone',
  'contacts.portal_access',
  'contacts.password_hash',
  'contacts.active',
  'contacts.created_at',
  'contacts.updated_at',
  'contacts.version',
] as const;

export function findContact(db: Kysely<DB>, id: number, scope: Scope = {}) {
  let q = db.selectFrom('contacts').innerJoin('accounts', 'accounts.id', 'contacts.account_id').select(contactColumns).where('contacts.id', '=', id);
  if (scope.contactId !== undefined) q = q.where('contacts.id', '=', scope.contactId);
  return q.executeTakeFirst();
}

export function listContacts(db: Kysely<DB>, f: ListFilter, scope: Scope = {}) {
  let q = db.selectFrom('contacts').innerJoin('accounts', 'accounts.id', 'contacts.account_id').select(contactColumns);
  if (scope.contactId !== undefined) q = q.where('contacts.id', '=', scope.contactId);
  if (f.accountId !== undefined) q = q.where('contacts.account_id', '=', f.accountId);
  if (f.q) {
    const text = f.q;
    q = q.where((eb) => eb.or([contains('contacts.name', text), contains('contacts.email', text), contains('contacts.phone', text)]));
  }
  if (f.active !== undefined) q = q.where('contacts.active', '=', f.active ? 1 : 0);
  q = whereAfter(q, 'contacts.name', 'contacts.id', f.after);
  return q.orderBy('contacts.name').orderBy('contacts.id').limit(f.limit + 1).execute();
}

const assetColumns = [
  'assets.id',
  'assets.account_id',
  'accounts.name as account_name',
  'assets.name',
  'assets.serial_number',
  'assets.product',
  'assets.active',
  'assets.created_at',
  'assets.updated_at',
  'assets.version',
] as const;

export function findAsset(db: Kysely<DB>, id: number, scope: Scope = {}) {
  let q = db.selectFrom('assets').innerJoin('accounts', 'accounts.id', 'assets.account_id').select(assetColumns).where('assets.id', '=', id);
  if (scope.accountId !== undefined) q = q.where('assets.account_id', '=', scope.accountId);
  return q.executeTakeFirst();
}

export function listAssets(db: Kysely<DB>, f: ListFilter, scope: Scope = {}) {
  let q = db.selectFrom('assets').innerJoin('accounts', 'accounts.id', 'assets.account_id').select(assetColumns);
  if (scope.accountId !== undefined) q = q.where('assets.account_id', '=', scope.accountId);
  if (f.accountId !== undefined) q = q.where('assets.account_id', '=', f.accountId);
  if (f.q) {
    const text = f.q;
    q = q.where((eb) => eb.or([contains('assets.name', text), contains('assets.serial_number', text), contains('assets.product', text)]));
  }
  if (f.active !== undefined) q = q.where('assets.active', '=', f.active ? 1 : 0);
  q = whereAfter(q, 'assets.name', 'assets.id', f.after);
  return q.orderBy('assets.name').orderBy('assets.id').limit(f.limit + 1).execute();
}
