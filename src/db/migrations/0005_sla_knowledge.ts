import { sql, type Kysely } from 'kysely';
import { columns, isPostgres } from './0001_foundation.js';

// SLA (SPEC §5): business calendars, policies by priority (and account tier), the clock state of
// each case. Knowledge base (SPEC §6): articles with versions, linked to cases, full-text search.
// Frozen: imports only the column helpers.

const weekdays = (from: string, to: string) => JSON.stringify(Object.fromEntries([1, 2, 3, 4, 5].map((d) => [d, [[from, to]]])));
const allWeek = JSON.stringify(Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((d) => [d, [['00:00', '24:00']]])));

export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  const ts = c.timestamp;
  const stamps = c.stamps;

  await stamps(
    c.id(db.schema.createTable('calendars'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull().unique())
      .addColumn('timezone', 'varchar(64)', (col) => col.notNull())
      .addColumn('working_hours', 'text', (col) => col.notNull()) // JSON {weekday: [["09:00","17:00"], …]}
      .addColumn('holidays', 'text', (col) => col.notNull().defaultTo('[]')), // JSON [{date, name}]
  ).execute();
  const business = await db
    .insertInto('calendars')
    .values({ name: 'Business hours (Berlin)', timezone: 'Europe/Berlin', working_hours: weekdays('08:00', '18:00'), holidays: JSON.stringify([{ date: '2026-12-24', name: 'Christmas Eve' }, { date: '2026-12-25', name: 'Christmas Day' }, { date: '2026-12-26', name: 'Boxing Day' }, { date: '2026-12-31', name: "New Year's Eve" }, { date: '2027-01-01', name: "New Year's Day" }]) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const always = await db.insertInto('calendars').values({ name: 'Around the clock', timezone: 'UTC', working_hours: allWeek, holidays: '[]' }).returning('id').executeTakeFirstOrThrow();

  await stamps(
    c.id(db.schema.createTable('sla_policies'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('priority', 'integer', (col) => col.notNull())
      .addColumn('account_tier', 'varchar(40)')
      .addColumn('calendar_id', 'integer', (col) => col.notNull().references('calendars.id'))
      .addColumn('first_response_minutes', 'integer', (col) => col.notNull())
      .addColumn('resolution_minutes', 'integer', (col) => col.notNull())
      .addColumn('active', 'integer', c.flag(1)),
  ).execute();
  await db.schema.createIndex('sla_policies_match_idx').on('sla_policies').columns(['priority', 'account_tier']).execute();
  const p = (name: string, priority: number, tier: string | null, cal: number, response: number, resolution: number) => ({ name, priority, account_tier: tier, calendar_id: cal, first_response_minutes: response, resolution_minutes: resolution, active: 1 });
  await db
    .insertInto('sla_policies')
    .values([
      p('Critical', 1, null, always.id, 30, 4 * 60),
      p('High', 2, null, business.id, 2 * 60, 10 * 60),
      p('Medium', 3, null, business.id, 4 * 60, 30 * 60),
      p('Low', 4, null, business.id, 10 * 60, 50 * 60),
      p('High (premium)', 2, 'premium', always.id, 60, 8 * 60),
      p('High (enterprise)', 2, 'enterprise', always.id, 60, 8 * 60),
    ])
    .execute();

  await db.schema.alterTable('cases').addColumn('sla_policy_id', 'integer', (col) => col.references('sla_policies.id')).execute();
  await db.schema.alterTable('cases').addColumn('sla_paused_at', ts).execute();
  await db.schema.alterTable('cases').addColumn('sla_paused_ms', 'bigint', (col) => col.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('cases').addColumn('response_breached_at', ts).execute();
  await db.schema.alterTable('cases').addColumn('resolution_breached_at', ts).execute();
  await db.schema.createIndex('cases_resolution_due_idx').on('cases').columns(['resolution_due_at', 'id']).execute();
  await db.schema.createIndex('cases_response_due_idx').on('cases').columns(['response_due_at', 'id']).execute();

  await stamps(
    c.id(db.schema.createTable('articles'))
      .addColumn('number', 'varchar(20)', (col) => col.notNull().unique())
      .addColumn('title', 'varchar(300)', (col) => col.notNull())
      .addColumn('body', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('product', 'varchar(200)')
      .addColumn('category', 'varchar(100)')
      .addColumn('state', 'varchar(20)', (col) => col.notNull().defaultTo('draft'))
      .addColumn('created_by', 'integer', (col) => col.references('users.id'))
      .addColumn('updated_by', 'integer', (col) => col.references('users.id'))
      .addColumn('published_at', ts)
      .addColumn('retired_at', ts),
  ).execute();
  await db.schema.createIndex('articles_state_idx').on('articles').columns(['state', 'updated_at', 'id']).execute();
  await c.id(db.schema.createTable('article_versions'))
    .addColumn('article_id', 'integer', (col) => col.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('article_version', 'integer', (col) => col.notNull())
    .addColumn('title', 'varchar(300)', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('product', 'varchar(200)')
    .addColumn('category', 'varchar(100)')
    .addColumn('state', 'varchar(20)', (col) => col.notNull())
    .addColumn('edited_by', 'integer', (col) => col.references('users.id'))
    .addColumn('at', ts, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('article_versions_idx').on('article_versions').columns(['article_id', 'article_version']).execute();
  await db.schema
    .createTable('case_articles')
    .addColumn('case_id', 'integer', (col) => col.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('article_id', 'integer', (col) => col.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('linked_by', 'integer', (col) => col.references('users.id'))
    .addColumn('linked_at', ts, (col) => col.notNull())
    .addPrimaryKeyConstraint('case_articles_pk', ['case_id', 'article_id'])
    .execute();
  await db.schema.createIndex('case_articles_article_idx').on('case_articles').column('article_id').execute();

  if (isPostgres(db)) {
    await sql`alter table articles add column search tsvector generated always as (
      to_tsvector('simple', casebook_fold(number || ' ' || title || ' ' || coalesce(product, '') || ' ' || body))) stored`.execute(db);
    await sql`create index articles_search_idx on articles using gin (search)`.execute(db);
  } else {
    await sql`create virtual table articles_fts using fts5(body, tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
    await sql`create trigger articles_fts_ai after insert on articles begin
      insert into articles_fts(rowid, body) values (new.id, new.number || ' ' || new.title || ' ' || coalesce(new.product, '') || ' ' || new.body);
    end`.execute(db);
    await sql`create trigger articles_fts_au after update of title, body, product on articles begin
      delete from articles_fts where rowid = old.id;
      insert into articles_fts(rowid, body) values (new.id, new.number || ' ' || new.title || ' ' || coalesce(new.product, '') || ' ' || new.body);
    end`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
