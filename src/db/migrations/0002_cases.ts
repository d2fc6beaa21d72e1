import { sql, type Kysely } from 'kysely';
import { columns, isPostgres } from './0001_foundation.js';

// Cases and everything an agent works on them with: statuses, processes and stages, queues,
// activities, comments, attachments, in-app notifications, and full-text search.
// Frozen: imports only the previous migration's column helpers.

export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  const pg = isPostgres(db);
  const ts = c.timestamp;
  const stamps = c.stamps;

  await stamps(
    c.id(db.schema.createTable('statuses'))
      .addColumn('key', 'varchar(60)', (col) => col.notNull().unique())
      .addColumn('label', 'varchar(120)', (col) => col.notNull())
      .addColumn('pause', 'integer', c.flag(0))
      .addColumn('resolved', 'integer', c.flag(0))
      .addColumn('final', 'integer', c.flag(0))
      .addColumn('close_form_on_save', 'integer', c.flag(0))
      .addColumn('sort_order', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('system', 'integer', c.flag(0)),
  ).execute();
  await db
    .insertInto('statuses')
    .values([
      { key: 'new', label: 'New', pause: 0, resolved: 0, final: 0, close_form_on_save: 0, sort_order: 10, system: 1 },
      { key: 'in_progress', label: 'In progress', pause: 0, resolved: 0, final: 0, close_form_on_save: 0, sort_order: 20, system: 1 },
      { key: 'waiting_for_response', label: 'Waiting for response', pause: 1, resolved: 0, final: 0, close_form_on_save: 0, sort_order: 30, system: 1 },
      { key: 'reopened', label: 'Reopened', pause: 0, resolved: 0, final: 0, close_form_on_save: 0, sort_order: 40, system: 1 },
      { key: 'resolved', label: 'Resolved', pause: 0, resolved: 1, final: 0, close_form_on_save: 1, sort_order: 50, system: 1 },
      { key: 'closed', label: 'Closed', pause: 0, resolved: 1, final: 1, close_form_on_save: 1, sort_order: 60, system: 1 },
      { key: 'canceled', label: 'Canceled', pause: 0, resolved: 0, final: 1, close_form_on_save: 1, sort_order: 70, system: 1 },
    ])
    .execute();

  await stamps(
    c.id(db.schema.createTable('processes'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull().unique())
      .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('is_default', 'integer', c.flag(0))
      .addColumn('active', 'integer', c.flag(1)),
  ).execute();
  await c.id(db.schema.createTable('process_stages'))
    .addColumn('process_id', 'integer', (col) => col.notNull().references('processes.id').onDelete('cascade'))
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('key', 'varchar(60)', (col) => col.notNull())
    .addColumn('name', 'varchar(120)', (col) => col.notNull())
    .addColumn('required_fields', 'text', (col) => col.notNull().defaultTo('[]'))
    .addUniqueConstraint('process_stages_position_uq', ['process_id', 'position'])
    .addUniqueConstraint('process_stages_key_uq', ['process_id', 'key'])
    .execute();
  const proc = await db
    .insertInto('processes')
    .values({ name: 'Standard case process', description: 'Identify the customer and problem, research it, resolve it.', is_default: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('process_stages')
    .values([
      { process_id: proc.id, position: 1, key: 'identify', name: 'Identify', required_fields: JSON.stringify(['accountId', 'contactId', 'shortDescription']) },
      { process_id: proc.id, position: 2, key: 'research', name: 'Research', required_fields: JSON.stringify(['product', 'category', 'description']) },
      { process_id: proc.id, position: 3, key: 'resolve', name: 'Resolve', required_fields: JSON.stringify([]) },
    ])
    .execute();

  await stamps(
    c.id(db.schema.createTable('queues'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull().unique())
      .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('mode', 'varchar(10)', (col) => col.notNull().defaultTo('any'))
      .addColumn('process_id', 'integer', (col) => col.references('processes.id'))
      .addColumn('active', 'integer', c.flag(1)),
  ).execute();
  await db.schema
    .createTable('queue_members')
    .addColumn('queue_id', 'integer', (col) => col.notNull().references('queues.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('queue_members_pk', ['queue_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('queue_groups')
    .addColumn('queue_id', 'integer', (col) => col.notNull().references('queues.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (col) => col.notNull().references('groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('queue_groups_pk', ['queue_id', 'group_id'])
    .execute();

  await stamps(
    c.id(db.schema.createTable('cases'))
      .addColumn('number', 'varchar(20)', (col) => col.notNull().unique())
      .addColumn('short_description', 'varchar(300)', (col) => col.notNull())
      .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('account_id', 'integer', (col) => col.references('accounts.id'))
      .addColumn('contact_id', 'integer', (col) => col.references('contacts.id'))
      .addColumn('product', 'varchar(200)')
      .addColumn('priority', 'integer', (col) => col.notNull().defaultTo(3))
      .addColumn('category', 'varchar(100)')
      .addColumn('channel', 'varchar(20)', (col) => col.notNull().defaultTo('web'))
      .addColumn('status', 'varchar(60)', (col) => col.notNull().references('statuses.key'))
      .addColumn('process_id', 'integer', (col) => col.references('processes.id'))
      .addColumn('stage', 'varchar(60)')
      .addColumn('assignee_id', 'integer', (col) => col.references('users.id'))
      .addColumn('assignment_group_id', 'integer', (col) => col.references('groups.id'))
      .addColumn('queue_id', 'integer', (col) => col.references('queues.id'))
      .addColumn('escalation_level', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('resolution_code', 'varchar(60)')
      .addColumn('cause', 'text')
      .addColumn('resolution_notes', 'text')
      .addColumn('major', 'integer', c.flag(0))
      .addColumn('parent_id', 'integer', (col) => col.references('cases.id'))
      .addColumn('opened_at', ts, (col) => col.notNull())
      .addColumn('first_response_at', ts)
      .addColumn('resolved_at', ts)
      .addColumn('closed_at', ts)
      .addColumn('response_due_at', ts)
      .addColumn('resolution_due_at', ts)
      .addColumn('satisfaction', 'integer')
      .addColumn('created_by', 'integer', (col) => col.references('users.id')),
  ).execute();
  // Indexes for the lists: each view filters on one leading column and pages by (updated_at, id).
  await db.schema.createIndex('cases_status_idx').on('cases').columns(['status', 'updated_at', 'id']).execute();
  await db.schema.createIndex('cases_assignee_idx').on('cases').columns(['assignee_id', 'status', 'updated_at', 'id']).execute();
  // Taking the next case: unassigned cases of a queue by priority, then age.
  await db.schema.createIndex('cases_queue_idx').on('cases').columns(['queue_id', 'assignee_id', 'priority', 'opened_at', 'id']).execute();
  await db.schema.createIndex('cases_queue_updated_idx').on('cases').columns(['queue_id', 'updated_at', 'id']).execute();
  await db.schema.createIndex('cases_account_idx').on('cases').columns(['account_id', 'updated_at', 'id']).execute();
  await db.schema.createIndex('cases_updated_idx').on('cases').columns(['updated_at', 'id']).execute();
  await db.schema.createIndex('cases_parent_idx').on('cases').column('parent_id').execute();
  await db.schema.createIndex('cases_contact_idx').on('cases').columns(['contact_id', 'updated_at', 'id']).execute();

  await db.schema
    .createTable('case_assets')
    .addColumn('case_id', 'integer', (col) => col.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('asset_id', 'integer', (col) => col.notNull().references('assets.id'))
    .addPrimaryKeyConstraint('case_assets_pk', ['case_id', 'asset_id'])
    .execute();

  await stamps(
    c.id(db.schema.createTable('activities'))
      .addColumn('case_id', 'integer', (col) => col.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('type', 'varchar(20)', (col) => col.notNull())
      .addColumn('state', 'varchar(20)', (col) => col.notNull().defaultTo('open'))
      .addColumn('subject', 'varchar(300)', (col) => col.notNull())
      .addColumn('body', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('owner_id', 'integer', (col) => col.references('users.id'))
      .addColumn('due_at', ts)
      .addColumn('completed_at', ts)
      .addColumn('created_by', 'integer', (col) => col.references('users.id')),
  ).execute();
  await db.schema.createIndex('activities_case_idx').on('activities').columns(['case_id', 'state']).execute();

  await c.id(db.schema.createTable('comments'))
    .addColumn('case_id', 'integer', (col) => col.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('visibility', 'varchar(20)', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('author_type', 'varchar(10)', (col) => col.notNull())
    .addColumn('author_id', 'integer')
    .addColumn('created_at', ts, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('comments_case_idx').on('comments').columns(['case_id', 'id']).execute();

  await c.id(db.schema.createTable('attachments'))
    .addColumn('case_id', 'integer', (col) => col.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('comment_id', 'integer', (col) => col.references('comments.id'))
    .addColumn('file_name', 'varchar(255)', (col) => col.notNull())
    .addColumn('content_type', 'varchar(200)', (col) => col.notNull())
    .addColumn('size', 'integer', (col) => col.notNull())
    .addColumn('sha256', 'varchar(64)', (col) => col.notNull())
    .addColumn('visibility', 'varchar(20)', (col) => col.notNull().defaultTo('internal'))
    .addColumn('uploaded_by_type', 'varchar(10)', (col) => col.notNull())
    .addColumn('uploaded_by_id', 'integer')
    .addColumn('created_at', ts, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('attachments_case_idx').on('attachments').columns(['case_id', 'id']).execute();
  await db.schema.createIndex('attachments_comment_idx').on('attachments').column('comment_id').execute();

  await c.id(db.schema.createTable('notifications'))
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(40)', (col) => col.notNull())
    .addColumn('case_id', 'integer', (col) => col.references('cases.id').onDelete('cascade'))
    .addColumn('title', 'varchar(300)', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('read_at', ts)
    .execute();
  await db.schema.createIndex('notifications_user_idx').on('notifications').columns(['user_id', 'read_at', 'id']).execute();

  await db.insertInto('properties').values([
    { key: 'cases.resolutionCodes', type: 'string', value: 'solved,workaround,not_reproducible,duplicate,customer_education,no_response', description: 'Resolution codes offered when resolving a case (comma separated).' },
  ]).execute();

  // Full-text search over number, short description, description and comments.
  if (pg) {
    // Accents are folded like SQLite's remove_diacritics (unaccent is a trusted extension since
    // PostgreSQL 13); where it is not installed, text is indexed as it is.
    const hasUnaccent = await sql<{ n: number }>`select count(*)::int as n from pg_available_extensions where name = 'unaccent'`.execute(db);
    if (hasUnaccent.rows[0]!.n > 0) {
      await sql`create extension if not exists unaccent`.execute(db);
      await sql`create function casebook_fold(t text) returns text language sql immutable parallel safe strict
        as $$ select public.unaccent('public.unaccent'::regdictionary, t) $$`.execute(db);
    } else {
      await sql`create function casebook_fold(t text) returns text language sql immutable parallel safe strict as $$ select t $$`.execute(db);
    }
    await sql`alter table cases add column search tsvector generated always as (
      to_tsvector('simple', casebook_fold(number || ' ' || short_description || ' ' || description))) stored`.execute(db);
    await sql`create index cases_search_idx on cases using gin (search)`.execute(db);
    await sql`alter table comments add column search tsvector generated always as (to_tsvector('simple', casebook_fold(body))) stored`.execute(db);
    await sql`create index comments_search_idx on comments using gin (search)`.execute(db);
  } else {
    // Two FTS5 indexes whose rowids are the case id and the comment id, kept by triggers, so an
    // update replaces its row by key instead of scanning the index.
    await sql`create virtual table cases_fts using fts5(body, tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
    await sql`create virtual table comments_fts using fts5(body, tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
    await sql`create trigger cases_fts_ai after insert on cases begin
      insert into cases_fts(rowid, body) values (new.id, new.number || ' ' || new.short_description || ' ' || new.description);
    end`.execute(db);
    await sql`create trigger cases_fts_au after update of short_description, description on cases begin
      delete from cases_fts where rowid = old.id;
      insert into cases_fts(rowid, body) values (new.id, new.number || ' ' || new.short_description || ' ' || new.description);
    end`.execute(db);
    await sql`create trigger comments_fts_ai after insert on comments begin
      insert into comments_fts(rowid, body) values (new.id, new.body);
    end`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
