import type { Kysely } from 'kysely';
import { columns } from './0001_foundation.js';
import { DEFAULT_REVIEW_TEMPLATE } from './0004_default-template.js';

// Post case reviews (SPEC §7): configurations, Typst document templates, the review record, its
// approvers and approval rounds, work notes, and the immutable published document versions.
// Frozen: imports only the column helpers and the template text as released.

export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  const ts = c.timestamp;
  const stamps = c.stamps;

  await stamps(
    c.id(db.schema.createTable('document_templates'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull().unique())
      .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('source', 'text', (col) => col.notNull()),
  ).execute();
  const tpl = await db
    .insertInto('document_templates')
    .values({ name: 'Post case review (default)', description: 'A4, company header, case facts, the review sections, approvals and version.', source: DEFAULT_REVIEW_TEMPLATE })
    .returning('id')
    .executeTakeFirstOrThrow();

  await stamps(
    c.id(db.schema.createTable('review_configurations'))
      .addColumn('name', 'varchar(200)', (col) => col.notNull())
      .addColumn('applies_to', 'varchar(20)', (col) => col.notNull().unique()) // ordinary | major
      .addColumn('field_mappings', 'text', (col) => col.notNull())
      .addColumn('document_template_id', 'integer', (col) => col.notNull().references('document_templates.id'))
      .addColumn('approval_required', 'integer', c.flag(1))
      .addColumn('approval_policy', 'varchar(10)', (col) => col.notNull().defaultTo('any'))
      .addColumn('customer_visible_default', 'integer', c.flag(1)),
  ).execute();
  const mappings = JSON.stringify([
    { caseField: 'shortDescription', reviewField: 'shortDescription' },
    { caseField: 'cause', reviewField: 'rootCause' },
    { caseField: 'resolutionNotes', reviewField: 'solution' },
    { caseField: 'assets', reviewField: 'affectedAssets' },
  ]);
  await db
    .insertInto('review_configurations')
    .values([
      { name: 'Ordinary cases', applies_to: 'ordinary', field_mappings: mappings, document_template_id: tpl.id, approval_required: 1, approval_policy: 'any', customer_visible_default: 1 },
      { name: 'Major cases', applies_to: 'major', field_mappings: mappings, document_template_id: tpl.id, approval_required: 1, approval_policy: 'all', customer_visible_default: 1 },
    ])
    .execute();

  await stamps(
    c.id(db.schema.createTable('reviews'))
      .addColumn('number', 'varchar(20)', (col) => col.notNull().unique())
      .addColumn('case_id', 'integer', (col) => col.notNull().unique().references('cases.id'))
      .addColumn('configuration_id', 'integer', (col) => col.notNull().references('review_configurations.id'))
      .addColumn('state', 'varchar(30)', (col) => col.notNull())
      .addColumn('assigned_to_id', 'integer', (col) => col.references('users.id'))
      .addColumn('assignment_group_id', 'integer', (col) => col.references('groups.id'))
      .addColumn('commitment_date', ts)
      .addColumn('approval_group_id', 'integer', (col) => col.references('groups.id'))
      .addColumn('short_description', 'varchar(300)', (col) => col.notNull())
      .addColumn('summary', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('symptoms', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('affected_assets', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('root_cause', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('solution', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('preventive_measures', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('customer_visible', 'integer', c.flag(1))
      .addColumn('approval_round', 'integer', (col) => col.notNull().defaultTo(0))
      // Copies of a major-case review (SPEC §8) remember their source and whether they were edited since.
      .addColumn('source_review_id', 'integer', (col) => col.references('reviews.id'))
      .addColumn('locally_edited', 'integer', c.flag(0))
      .addColumn('created_by', 'integer', (col) => col.references('users.id')),
  ).execute();
  await db.schema.createIndex('reviews_state_idx').on('reviews').columns(['state', 'updated_at', 'id']).execute();
  await db.schema.createIndex('reviews_assigned_idx').on('reviews').columns(['assigned_to_id', 'updated_at', 'id']).execute();
  await db.schema.createIndex('reviews_source_idx').on('reviews').column('source_review_id').execute();

  await db.schema
    .createTable('review_approval_users')
    .addColumn('review_id', 'integer', (col) => col.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id'))
    .addPrimaryKeyConstraint('review_approval_users_pk', ['review_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('review_work_notes_list')
    .addColumn('review_id', 'integer', (col) => col.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id'))
    .addPrimaryKeyConstraint('review_work_notes_list_pk', ['review_id', 'user_id'])
    .execute();
  // Who must decide in an approval round (the approvers named when approval was requested).
  await db.schema
    .createTable('review_round_approvers')
    .addColumn('review_id', 'integer', (col) => col.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('round', 'integer', (col) => col.notNull())
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id'))
    .addPrimaryKeyConstraint('review_round_approvers_pk', ['review_id', 'round', 'user_id'])
    .execute();
  await c.id(db.schema.createTable('review_decisions'))
    .addColumn('review_id', 'integer', (col) => col.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('round', 'integer', (col) => col.notNull())
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id'))
    .addColumn('decision', 'varchar(20)', (col) => col.notNull()) // approved | changes_suggested
    .addColumn('comment', 'text')
    .addColumn('at', ts, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('review_decisions_review_idx').on('review_decisions').columns(['review_id', 'round']).execute();
  await c.id(db.schema.createTable('review_work_notes'))
    .addColumn('review_id', 'integer', (col) => col.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (col) => col.references('users.id'))
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('created_at', ts, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('review_work_notes_review_idx').on('review_work_notes').columns(['review_id', 'id']).execute();
  await c.id(db.schema.createTable('review_documents'))
    .addColumn('review_id', 'integer', (col) => col.notNull().references('reviews.id'))
    .addColumn('doc_version', 'integer', (col) => col.notNull())
    .addColumn('sha256', 'varchar(64)', (col) => col.notNull())
    .addColumn('size', 'integer', (col) => col.notNull())
    .addColumn('customer_visible', 'integer', (col) => col.notNull())
    .addColumn('published_by', 'integer', (col) => col.references('users.id'))
    .addColumn('published_at', ts, (col) => col.notNull())
    .addColumn('template_id', 'integer', (col) => col.notNull().references('document_templates.id'))
    .addColumn('template_version', 'integer', (col) => col.notNull())
    .addColumn('comment_id', 'integer', (col) => col.references('comments.id'))
    .addUniqueConstraint('review_documents_version_uq', ['review_id', 'doc_version'])
    .execute();

  const mail = (key: string, name: string, subject: string, body: string) => ({ key, name, subject, body });
  await db
    .insertInto('email_templates')
    .values([
      mail('review_approval_requested', 'Review: approval requested (to each approver)', 'Please approve {{ review.number }}: {{ review.shortDescription }}', `Hello {{ recipient.name }},

{{ actor.name }} asks you to approve the post case review {{ review.number }} of case {{ case.number }}:
"{{ review.shortDescription }}".

Open it, preview the document, then approve it or suggest changes:
{{ review.url }}`),
      mail('review_approved', 'Review: approved (to the assignee)', 'Approved: {{ review.number }}', `Hello {{ recipient.name }},

{{ actor.name }} approved the post case review {{ review.number }}. It can now be published to case {{ case.number }}.
{% if comment %}
{{ comment }}
{% endif %}
{{ review.url }}`),
      mail('review_changes_suggested', 'Review: changes suggested (to the assignee)', 'Changes suggested: {{ review.number }}', `Hello {{ recipient.name }},

{{ actor.name }} suggests changes to the post case review {{ review.number }}:

{{ note }}

{{ review.url }}`),
      mail('review_work_note', 'Review: work note added (to the work notes list)', 'Work note on {{ review.number }}', `Hello {{ recipient.name }},

{{ actor.name }} added a work note to the post case review {{ review.number }}:

{{ note }}

{{ review.url }}`),
      mail('review_published', 'Review: document published (to the customer)', 'Post case review for your case: {{ case.shortDescription }}', `Hello {{ contact.name }},

we have published the post case review of your case {{ case.number }}: what happened, why, and what we
changed so it does not happen again. You can read it in the portal:
{{ portal.caseUrl }}

{{ company.name }} Support`),
    ])
    .execute();
  await db
    .insertInto('properties')
    .values([{ key: 'company.address', type: 'string', value: '', description: 'Your company address, as review documents show it.' }])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
