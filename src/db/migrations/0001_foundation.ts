import { Kysely, PostgresAdapter, sql, type ColumnDefinitionBuilder, type CreateTableBuilder } from 'kysely';

// Frozen in time: this file never imports app code. The same steps build the same schema on
// SQLite and PostgreSQL; only the column types differ (timestamps, identity keys).

type Table = CreateTableBuilder<string, never>;

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export function columns(db: Kysely<any>) {
  const pg = isPostgres(db);
  return {
    id: (t: Table) =>
      pg
        ? t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
        : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()),
    // ISO-8601 text on SQLite (sorts correctly), timestamptz on PostgreSQL.
    timestamp: pg ? ('timestamptz' as const) : ('text' as const),
    now: pg ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
    // Flags are 0/1 integers on both databases so bound parameters are the same everywhere.
    flag: (dflt: 0 | 1) => (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(dflt),
    /** created_at, updated_at and version: the columns of every audited, versioned record. */
    stamps: (t: Table) =>
      t
        .addColumn('created_at', pg ? 'timestamptz' : 'text', (col) => col.notNull().defaultTo(pg ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`))
        .addColumn('updated_at', pg ? 'timestamptz' : 'text', (col) => col.notNull().defaultTo(pg ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`))
        .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1)),
  };
}

export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  const audited = c.stamps;

  await audited(
    c.id(db.schema.createTable('users'))
      .addColumn('email', 'varchar(320)', (col) => col.notNull().unique())
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('active', 'integer', c.flag(1)),
  ).execute();

  await db.schema
    .createTable('user_roles')
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'varchar(40)', (col) => col.notNull())
    .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role'])
    .execute();
  await db.schema.createIndex('user_roles_role_idx').on('user_roles').columns(['role', 'user_id']).execute();

  await audited(
    c.id(db.schema.createTable('groups'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull().unique())
      .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('active', 'integer', c.flag(1)),
  ).execute();

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'integer', (col) => col.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('group_members_user_idx').on('group_members').columns(['user_id', 'group_id']).execute();

  await audited(
    c.id(db.schema.createTable('accounts'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('tier', 'varchar(40)', (col) => col.notNull().defaultTo('standard'))
      .addColumn('domain', 'varchar(253)')
      .addColumn('active', 'integer', c.flag(1)),
  ).execute();
  await db.schema.createIndex('accounts_name_idx').on('accounts').columns(['name', 'id']).execute();

  await audited(
    c.id(db.schema.createTable('contacts'))
      .addColumn('account_id', 'integer', (col) => col.notNull().references('accounts.id'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('email', 'varchar(320)', (col) => col.notNull().unique())
      .addColumn('phone', 'varchar(50)')
      .addColumn('portal_access', 'integer', c.flag(0))
      .addColumn('password_hash', 'text')
      .addColumn('active', 'integer', c.flag(1)),
  ).execute();
  await db.schema.createIndex('contacts_account_idx').on('contacts').columns(['account_id', 'name', 'id']).execute();
  await db.schema.createIndex('contacts_name_idx').on('contacts').columns(['name', 'id']).execute();

  await audited(
    c.id(db.schema.createTable('assets'))
      .addColumn('account_id', 'integer', (col) => col.notNull().references('accounts.id'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('serial_number', 'varchar(200)')
      .addColumn('product', 'varchar(200)')
      .addColumn('active', 'integer', c.flag(1)),
  ).execute();
  await db.schema.createIndex('assets_account_idx').on('assets').columns(['account_id', 'name', 'id']).execute();
  await db.schema.createIndex('assets_name_idx').on('assets').columns(['name', 'id']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'varchar(64)', (col) => col.primaryKey()) // sha-256 of the cookie value
    .addColumn('principal_type', 'varchar(10)', (col) => col.notNull())
    .addColumn('principal_id', 'integer', (col) => col.notNull())
    .addColumn('created_at', c.timestamp, (col) => col.notNull())
    .addColumn('expires_at', c.timestamp, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('sessions_principal_idx').on('sessions').columns(['principal_type', 'principal_id']).execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

  await c.id(db.schema.createTable('api_tokens'))
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'varchar(200)', (col) => col.notNull())
    .addColumn('token_hash', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('prefix', 'varchar(20)', (col) => col.notNull())
    .addColumn('created_at', c.timestamp, (col) => col.notNull())
    .addColumn('last_used_at', c.timestamp)
    .addColumn('revoked_at', c.timestamp)
    .execute();
  await db.schema.createIndex('api_tokens_user_idx').on('api_tokens').column('user_id').execute();

  await c.id(db.schema.createTable('audit_log'))
    .addColumn('at', c.timestamp, (col) => col.notNull())
    .addColumn('actor_type', 'varchar(10)', (col) => col.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('entity', 'varchar(40)', (col) => col.notNull())
    .addColumn('entity_id', 'integer', (col) => col.notNull())
    .addColumn('action', 'varchar(20)', (col) => col.notNull())
    .addColumn('field', 'varchar(80)')
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .execute();
  await db.schema.createIndex('audit_log_entity_idx').on('audit_log').columns(['entity', 'entity_id', 'id']).execute();

  await db.schema
    .createTable('number_sequences')
    .addColumn('name', 'varchar(40)', (col) => col.primaryKey())
    .addColumn('prefix', 'varchar(10)', (col) => col.notNull())
    .addColumn('next_value', 'integer', (col) => col.notNull())
    .execute();
  await db
    .insertInto('number_sequences')
    .values([
      { name: 'case', prefix: 'CS', next_value: 1001 },
      { name: 'review', prefix: 'PCR', next_value: 1001 },
      { name: 'article', prefix: 'KB', next_value: 1001 },
    ])
    .execute();

  await c.id(db.schema.createTable('idempotency_keys'))
    .addColumn('principal', 'varchar(40)', (col) => col.notNull())
    .addColumn('idem_key', 'varchar(200)', (col) => col.notNull())
    .addColumn('method', 'varchar(10)', (col) => col.notNull())
    .addColumn('path', 'text', (col) => col.notNull())
    .addColumn('request_hash', 'varchar(64)', (col) => col.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('created_at', c.timestamp, (col) => col.notNull())
    .addUniqueConstraint('idempotency_keys_key_uq', ['principal', 'idem_key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();

  await db.schema
    .createTable('properties')
    .addColumn('key', 'varchar(120)', (col) => col.primaryKey())
    .addColumn('type', 'varchar(20)', (col) => col.notNull())
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('updated_at', c.timestamp, (col) => col.notNull().defaultTo(c.now))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .execute();
  await db
    .insertInto('properties')
    .values([
      { key: 'cases.autoCloseAfterDays', type: 'integer', value: '7', description: 'Days after which a resolved case closes by itself (0 = never).' },
      { key: 'kb.createArticleAfterResolution', type: 'boolean', value: 'false', description: 'Offer a draft knowledge article after resolving a case with none linked.' },
      { key: 'portal.accountWideVisibility', type: 'boolean', value: 'false', description: "Portal contacts see all of their account's cases, not only their own." },
      { key: 'reviews.majorCaseReviews.enabled', type: 'boolean', value: 'true', description: 'Major-case reviews are available; child cases get their reviews from the major case.' },
      { key: 'email.from', type: 'string', value: 'support@casebook.local', description: 'Sender address of outgoing mail.' },
      { key: 'attachments.maxBytes', type: 'integer', value: String(25 * 1024 * 1024), description: 'Largest accepted attachment, in bytes.' },
    ])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
