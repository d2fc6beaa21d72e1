import type { Kysely } from 'kysely';
import { columns } from './0001_foundation.js';

// Account recovery and abuse controls: one-time tokens for password reset and invitations
// (stored as sha-256 hashes), sign-in failures per email for the lockout, their settings and mails.
// Frozen: imports only the column helpers.

export async function up(db: Kysely<any>): Promise<void> {
  const c = columns(db);
  const ts = c.timestamp;

  await c.id(db.schema.createTable('auth_tokens'))
    .addColumn('kind', 'varchar(20)', (col) => col.notNull()) // password_reset | invitation
    .addColumn('principal_type', 'varchar(10)', (col) => col.notNull()) // user | contact
    .addColumn('principal_id', 'integer', (col) => col.notNull())
    .addColumn('token_hash', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('created_by', 'integer', (col) => col.references('users.id'))
    .addColumn('created_at', ts, (col) => col.notNull())
    .addColumn('expires_at', ts, (col) => col.notNull())
    .addColumn('used_at', ts)
    .addColumn('revoked_at', ts)
    .execute();
  await db.schema.createIndex('auth_tokens_principal_idx').on('auth_tokens').columns(['principal_type', 'principal_id', 'created_at']).execute();

  // Keyed by the email typed, whether or not such an account exists, so a lockout tells nothing.
  await db.schema
    .createTable('login_failures')
    .addColumn('email', 'varchar(320)', (col) => col.primaryKey())
    .addColumn('failures', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_failed_at', ts, (col) => col.notNull())
    .addColumn('locked_until', ts)
    .execute();

  await db
    .insertInto('properties')
    .values([
      { key: 'auth.lockoutAfterFailures', type: 'integer', value: '10', description: 'Consecutive failed sign-ins after which the sign-in is locked (0 = never lock).' },
      { key: 'auth.lockoutMinutes', type: 'integer', value: '30', description: 'How long a locked sign-in stays locked, in minutes (an admin can unlock it sooner).' },
    ])
    .execute();

  const mail = (key: string, name: string, subject: string, body: string) => ({ key, name, subject, body });
  await db
    .insertInto('email_templates')
    .values([
      mail('password_reset', 'Account: password reset link', 'Reset your {{ company.name }} password', `Hello {{ recipient.name }},

someone (hopefully you) asked to reset the password of your {{ company.name }} sign-in {{ recipient.email }}.

Choose a new password here. The link works once and expires in {{ link.validFor }}:
{{ link.url }}

If you did not ask for this, ignore this mail: your password stays as it is.`),
      mail('invitation', 'Account: invitation to set a password', 'You are invited to {{ company.name }}', `Hello {{ recipient.name }},

{{ inviter.name }} invited you to {{ place }} of {{ company.name }}. You sign in as {{ recipient.email }}.

Choose your password here. The link works once and expires in {{ link.validFor }}:
{{ link.url }}`),
    ])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only');
}
