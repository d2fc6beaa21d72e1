import type { Generated, ColumnType } from 'kysely';

// Row types as both databases return them: timestamps are ISO-8601 strings (the PostgreSQL
// driver is told to hand them back that way), flags are 0/1 integers.

export type Timestamp = ColumnType<string, string | undefined, string>;
type Flag = ColumnType<number, number | undefined, number>;
type Version = ColumnType<number, number | undefined, number>;

interface Audited {
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Version;
}

export interface UsersTable extends Audited {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string | null;
  active: Flag;
}
export interface UserRolesTable {
  user_id: number;
  role: string;
}
export interface GroupsTable extends Audited {
  id: Generated<number>;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  active: Flag;
}
export interface GroupMembersTable {
  group_id: number;
  user_id: number;
}
export interface AccountsTable extends Audited {
  id: Generated<number>;
  name: string;
  tier: ColumnType<string, string | undefined, string>;
  domain: string | null;
  active: Flag;
}
export interface ContactsTable extends Audited {
  id: Generated<number>;
  account_id: number;
  name: string;
  email: string;
  phone: string | null;
  portal_access: Flag;
  password_hash: string | null;
  active: Flag;
}
export interface AssetsTable extends Audited {
  id: Generated<number>;
  account_id: number;
  name: string;
  serial_number: string | null;
  product: string | null;
  active: Flag;
}
export interface SessionsTable {
  id: string;
  principal_type: 'user' | 'contact';
  principal_id: number;
  created_at: string;
  expires_at: string;
}
export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_type: string;
  actor_id: number | null;
  entity: string;
  entity_id: number;
  action: string;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
}
export interface NumberSequencesTable {
  name: string;
  prefix: string;
  next_value: number;
}
export interface IdempotencyKeysTable {
  id: Generated<number>;
  principal: string;
  idem_key: string;
  method: string;
  path: string;
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  created_at: string;
}
export interface PropertiesTable {
  key: string;
  type: string;
  value: string;
  description: ColumnType<string, string | undefined, string>;
  updated_at: Timestamp;
  version: Version;
}

export interface DB {
  users: UsersTable;
  user_roles: UserRolesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  accounts: AccountsTable;
  contacts: ContactsTable;
  assets: AssetsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  number_sequences: NumberSequencesTable;
  idempotency_keys: IdempotencyKeysTable;
  properties: PropertiesTable;
}
