import type { Kysely } from 'kysely';
import { columns } from './0001_foundation.js';

// Upload limits beyond the size of one file: files per upload, files per case, and a storage
// quota per customer account (portal and agent uploads count against the case's account).
// Outbox: when the worker began handing a mail to SMTP, so a crash mid-send is never resent
// blindly (the mail may have been delivered). Frozen: imports only the column helpers.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('send_started_at', columns(db).timestamp).execute();
  await db
    .insertInto('properties')
    .values([
      { key: 'attachments.maxFilesPerRequest', type: 'integer', value: '10', description: 'Most files accepted in one upload (at most 10).' },
      { key: 'attachments.maxFilesPerCase', type: 'integer', value: '200', description: 'Most attachments one case may hold (0 = no limit).' },
      {
        key: 'attachments.accountQuotaBytes',
        type: 'integer',
        value: String(10 * 1024 * 1024 * 1024),
        description: "Attachment storage per customer account, in bytes, over all of the account's cases (0 = no limit).",
      },
    ])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
