import type { Kysely } from 'kysely';
import { columns } from './0001_foundation.js';

// Watch lists (issue 9): a case's watchers — staff users or extra email addresses — and the
// updates waiting for each watcher's next digest mail. Frozen: imports only the column helpers.

const DIGEST_BODY = `Hello {{ recipient.name }},

{{ count }} update{% if count != 1 %}s{% endif %} on case {{ case.number }} ({{ case.shortDescription }}):

{% for u in updates %}- {{ u.at }} · {{ u.who }} · {{ u.text }}
{% endfor %}
{% if case.url != blank %}Open the case: {{ case.url }}

{% endif %}You get this mail because you watch {{ case.number }}. Updates are collected and sent together.`;

export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  const ts = c.timestamp;

  await c.id(db.schema.createTable('case_watchers'))
    .addColumn('case_id', 'integer', (col) => col.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (col) => col.references('users.id').onDelete('cascade'))
    .addColumn('email', 'varchar(320)')
    .addColumn('created_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (col) => col.notNull())
    .execute();
  // One row per person per case; a row names a user or an address, never both.
  await db.schema.createIndex('case_watchers_user_uq').on('case_watchers').columns(['case_id', 'user_id']).unique().execute();
  await db.schema.createIndex('case_watchers_email_uq').on('case_watchers').columns(['case_id', 'email']).unique().execute();
  await db.schema.createIndex('case_watchers_user_idx').on('case_watchers').column('user_id').execute();

  await c.id(db.schema.createTable('watch_notices'))
    .addColumn('watcher_id', 'integer', (col) => col.notNull().references('case_watchers.id').onDelete('cascade'))
    .addColumn('case_id', 'integer', (col) => col.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(40)', (col) => col.notNull())
    .addColumn('who', 'varchar(400)', (col) => col.notNull())
    .addColumn('summary', 'text', (col) => col.notNull())
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('outbox_id', 'integer', (col) => col.references('outbox.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('watch_notices_pending_idx').on('watch_notices').columns(['outbox_id', 'watcher_id', 'created_at']).execute();

  // Inbound mail looks up replies to our digests by Message-ID, and counts a sender's new cases.
  await db.schema.createIndex('outbox_message_id_idx').on('outbox').column('message_id').execute();
  await db.schema.createIndex('messages_from_idx').on('messages').columns(['from_address', 'created_at']).execute();

  await db
    .insertInto('email_templates')
    .values({ key: 'watcher_digest', name: 'Watch list digest (to watchers)', subject: 'Updates on {{ case.number }}: {{ case.shortDescription }}', body: DIGEST_BODY })
    .execute();
  await db
    .insertInto('properties')
    .values([
      { key: 'watchers.digestQuietSeconds', type: 'integer', value: '60', description: 'Seconds without a new update after which a watcher’s digest mail goes out.' },
      { key: 'email.maxNewCasesPerSenderPerHour', type: 'integer', value: '20', description: 'Most cases one email address may open by mail in an hour (0 = no limit); more mail without a thread is refused, so a mail loop or a flood cannot fill the queues.' },
      { key: 'watchers.digestMaxDelaySeconds', type: 'integer', value: '300', description: 'Longest wait, in seconds, between an update and the digest mail that lists it (for cases that never go quiet).' },
    ])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
