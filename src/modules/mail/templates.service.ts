import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import type { Principal } from '../../platform/access.js';
import { auditChanges } from '../../platform/audit.js';
import { clock } from '../../platform/clock.js';
import { assertVersion, staleVersion } from '../../platform/concurrency.js';
import { notFound } from '../../platform/errors.js';
import { validateTemplate, type RenderedMail } from './templates.js';

// Admin editing of the email templates, with a preview on sample data.

export const emailTemplateSchema = z.object({ key: z.string(), name: z.string(), subject: z.string(), body: z.string(), updatedAt: z.string(), version: z.number() });
export const templateBody = z.strictObject({ subject: z.string().min(1, 'must not be empty').max(900), body: z.string().min(1, 'must not be empty').max(50_000) });

/** What a template is rendered with in the preview: a realistic case, contact and survey. */
export const SAMPLE_DATA = {
  case: { number: 'CS0001234', shortDescription: 'Orders stuck in the gateway', description: 'No orders since 08:00.', resolutionNotes: 'Renewed the certificate.', resolutionDueAt: '2026-11-23T17:00:00.000Z', resolutionDue: 'Mon, 23 Nov 2026, 18:00 CET', status: 'in_progress', url: 'https://support.example.com/cases/CS0001234' },
  contact: { name: 'Nancy Davolio', email: 'nancy@northwind.example' },
  account: { name: 'Northwind Traders' },
  company: { name: 'Casebook' },
  portal: { url: 'https://support.example.com/portal', caseUrl: 'https://support.example.com/portal/cases/CS0001234' },
  comment: { body: 'We renewed the certificate; please try again.' },
  author: { name: 'Maya Patel' },
  survey: { url: 'https://support.example.com/survey/example-token' },
  reason: 'Opened twice by mistake',
  // Review mails (to staff) see these as well.
  review: { number: 'PCR0001234', shortDescription: 'Order gateway rejected all connections', url: 'https://support.example.com/reviews/PCR0001234' },
  recipient: { name: 'Grace Kim', email: 'grace@example.com' },
  // Account mails (password reset, invitation) see these as well.
  inviter: { name: 'Maya Patel' },
  place: 'the support workspace',
  link: { url: 'https://support.example.com/reset-password#token=example-token', validFor: '1 hour', expiresAt: '2026-11-23T17:00:00.000Z' },
  actor: { name: 'Maya Patel' },
  note: 'Please add the number of affected orders.',
  // Watchers' digests see the updates they list.
  count: 2,
  updates: [
    { at: '2026-11-23 09:12 UTC', who: 'Maya Patel', kind: 'status', text: 'Status: New → In progress' },
    { at: '2026-11-23 09:14 UTC', who: 'Maya Patel', kind: 'comment', text: 'Comment: We renewed the certificate; please try again.' },
  ],
};

const toDto = (r: { key: string; name: string; subject: string; body: string; updated_at: string; version: number }) => ({
  key: r.key,
  name: r.name,
  subject: r.subject,
  body: r.body,
  updatedAt: r.updated_at,
  version: r.version,
});

export async function listTemplates(db: Kysely<DB>) {
  return (await db.selectFrom('email_templates').selectAll().orderBy('key').execute()).map(toDto);
}

export async function getTemplate(db: Kysely<DB>, key: string) {
  const row = await db.selectFrom('email_templates').selectAll().where('key', '=', key).executeTakeFirst();
  if (!row) throw notFound(`Email template ${key}`);
  return toDto(row);
}

export function previewTemplate(input: { subject: string; body: string }): RenderedMail {
  return validateTemplate(input, SAMPLE_DATA);
}

/** Saves a template after checking it parses and renders; audited. */
export async function updateTemplate(db: Kysely<DB>, actor: Principal, key: string, input: { subject: string; body: string }, expected: number | undefined) {
  validateTemplate(input, SAMPLE_DATA);
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('email_templates').selectAll().where('key', '=', key).executeTakeFirst();
    if (!before) throw notFound(`Email template ${key}`);
    assertVersion(expected, before.version);
    const r = await trx
      .updateTable('email_templates')
      .set({ subject: input.subject, body: input.body, updated_at: clock.nowIso(), version: before.version + 1 })
      .where('key', '=', key)
      .where('version', '=', before.version)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw staleVersion(before.version + 1);
    await auditChanges(trx, actor, `email_template:${key}`, 0, 'update', { subject: before.subject, body: before.body }, { subject: input.subject, body: input.body });
  });
  return getTemplate(db, key);
}
