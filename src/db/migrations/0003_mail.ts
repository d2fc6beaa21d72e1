import type { Kysely } from 'kysely';
import { columns } from './0001_foundation.js';

// Customer communication: the outbox, the messages of each case (in and out), editable email
// templates, satisfaction surveys and their levels. Frozen: imports only column helpers.

const TEMPLATES = [
  {
    key: 'case_opened',
    name: 'Case opened',
    subject: 'We are working on your case: {{ case.shortDescription }}',
    body: `Hello {{ contact.name }},

we have started working on your case {{ case.number }}: "{{ case.shortDescription }}".
{% if case.resolutionDue %}We aim to resolve it by {{ case.resolutionDue }}.
{% endif %}
You can follow it and write to us in the portal: {{ portal.caseUrl }}
or simply reply to this email.

{{ company.name }} Support`,
  },
  {
    key: 'waiting_for_response',
    name: 'Waiting for your response',
    subject: 'We need your answer: {{ case.shortDescription }}',
    body: `Hello {{ contact.name }},

to continue with your case {{ case.number }} we need an answer from you.
Please reply to this email or write to us in the portal: {{ portal.caseUrl }}

{{ company.name }} Support`,
  },
  {
    key: 'new_reply',
    name: 'New reply on your case',
    subject: 'New reply: {{ case.shortDescription }}',
    body: `Hello {{ contact.name }},

{{ author.name }} wrote on your case {{ case.number }}:

{{ comment.body }}

Reply to this email or in the portal: {{ portal.caseUrl }}

{{ company.name }} Support`,
  },
  {
    key: 'case_resolved',
    name: 'Case resolved, with the satisfaction survey',
    subject: 'Resolved: {{ case.shortDescription }}',
    body: `Hello {{ contact.name }},

your case {{ case.number }} has been resolved.

{{ case.resolutionNotes }}

How satisfied are you with how we handled it? One click tells us:
{{ survey.url }}

If the problem is not solved, just reply to this email and we will reopen the case.

{{ company.name }} Support`,
  },
  {
    key: 'case_canceled',
    name: 'Case canceled',
    subject: 'Canceled: {{ case.shortDescription }}',
    body: `Hello {{ contact.name }},

your case {{ case.number }} has been canceled{% if reason %}: {{ reason }}{% else %}.{% endif %}

If you still need help, reply to this email or open a new case in the portal: {{ portal.url }}

{{ company.name }} Support`,
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  const ts = c.timestamp;

  await c.id(db.schema.createTable('outbox'))
    .addColumn('idempotency_key', 'varchar(200)', (col) => col.notNull().unique())
    .addColumn('case_id', 'integer', (col) => col.references('cases.id').onDelete('set null'))
    .addColumn('template_key', 'varchar(60)')
    .addColumn('to_address', 'varchar(320)', (col) => col.notNull())
    .addColumn('subject', 'varchar(998)', (col) => col.notNull())
    .addColumn('text_body', 'text', (col) => col.notNull())
    .addColumn('html_body', 'text', (col) => col.notNull())
    .addColumn('message_id', 'varchar(300)', (col) => col.notNull().unique())
    .addColumn('in_reply_to', 'varchar(300)')
    .addColumn('references', 'text')
    .addColumn('state', 'varchar(20)', (col) => col.notNull().defaultTo('queued'))
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ts, (col) => col.notNull())
    .addColumn('locked_until', ts)
    .addColumn('last_error', 'text')
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('sent_at', ts)
    .execute();
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['state', 'next_attempt_at', 'id']).execute();
  await db.schema.createIndex('outbox_case_idx').on('outbox').column('case_id').execute();

  await c.id(db.schema.createTable('messages'))
    .addColumn('case_id', 'integer', (col) => col.references('cases.id').onDelete('cascade'))
    .addColumn('direction', 'varchar(3)', (col) => col.notNull()) // in | out
    .addColumn('status', 'varchar(20)', (col) => col.notNull()) // added | held | auto | rejected | sent
    .addColumn('reason', 'text')
    .addColumn('message_id', 'varchar(300)')
    .addColumn('in_reply_to', 'varchar(300)')
    .addColumn('references', 'text')
    .addColumn('from_address', 'varchar(320)', (col) => col.notNull())
    .addColumn('from_name', 'varchar(300)')
    .addColumn('to_addresses', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('subject', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('text_body', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('raw_sha256', 'varchar(64)')
    .addColumn('contact_id', 'integer', (col) => col.references('contacts.id'))
    .addColumn('comment_id', 'integer', (col) => col.references('comments.id'))
    .addColumn('outbox_id', 'integer', (col) => col.references('outbox.id'))
    .addColumn('created_at', ts, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('messages_case_idx').on('messages').columns(['case_id', 'id']).execute();
  await db.schema.createIndex('messages_message_id_idx').on('messages').columns(['message_id', 'direction']).execute();
  await db.schema.createIndex('messages_status_idx').on('messages').columns(['status', 'id']).execute();

  await db.schema
    .createTable('email_templates')
    .addColumn('key', 'varchar(60)', (col) => col.primaryKey())
    .addColumn('name', 'varchar(200)', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('updated_at', ts, (col) => col.notNull().defaultTo(c.now))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .execute();
  await db.insertInto('email_templates').values(TEMPLATES).execute();

  await c.id(db.schema.createTable('surveys'))
    .addColumn('case_id', 'integer', (col) => col.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('token_hash', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('expires_at', ts, (col) => col.notNull())
    .addColumn('answered_at', ts)
    .addColumn('score', 'integer')
    .addColumn('comment', 'text')
    .execute();
  await db.schema.createIndex('surveys_case_idx').on('surveys').column('case_id').execute();

  await db.schema
    .createTable('satisfaction_levels')
    .addColumn('score', 'integer', (col) => col.primaryKey())
    .addColumn('label', 'varchar(100)', (col) => col.notNull())
    .addColumn('outcome', 'varchar(20)', (col) => col.notNull()) // reopen | close
    .addColumn('updated_at', ts, (col) => col.notNull().defaultTo(c.now))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .execute();
  await db
    .insertInto('satisfaction_levels')
    .values([
      { score: 1, label: 'Very dissatisfied', outcome: 'reopen' },
      { score: 2, label: 'Dissatisfied', outcome: 'reopen' },
      { score: 3, label: 'Neutral', outcome: 'close' },
      { score: 4, label: 'Satisfied', outcome: 'close' },
      { score: 5, label: 'Very satisfied', outcome: 'close' },
    ])
    .execute();

  await db
    .insertInto('properties')
    .values([
      { key: 'email.unknownSenders', type: 'string', value: 'create_contact', description: 'Mail from an address that is no contact: "create_contact" (when an account has the sender\'s domain) or "reject".' },
      { key: 'company.name', type: 'string', value: 'Casebook', description: 'Your company name, as emails and documents show it.' },
      { key: 'surveys.validDays', type: 'integer', value: '30', description: 'Days a satisfaction survey link stays valid.' },
    ])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
