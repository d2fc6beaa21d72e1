import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Principal } from '../../platform/access.js';
import type { Actor } from '../../platform/audit.js';
import { clock } from '../../platform/clock.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { updateVersioned } from '../../platform/records.js';
import { runtime } from '../../platform/runtime.js';
import { outboxEvents } from '../mail/outbox.service.js';
import { renderMail } from '../mail/templates.js';
import { getProperty } from '../settings/settings.service.js';
import { clearFailures } from './lockout.js';
import { hashPassword } from './passwords.js';
import { deleteSessionsOf } from './users.repository.js';

// One-time links that set a password: "Forgot password?" (password_reset, 1 hour) and the
// invitation a new user or portal contact gets (invitation, 7 days). The token is 256 random bits
// from the operating system's CSPRNG, mailed once and stored only as its sha-256 hash. A token
// works once, until it expires, and only while it is the newest one of its person: issuing a new
// token, or using one, voids the others. Setting a password ends every session of that person.

export type TokenKind = 'password_reset' | 'invitation';
type PrincipalType = 'user' | 'contact';

export const TOKEN_LIFETIME_MS: Record<TokenKind, number> = { password_reset: 3600_000, invitation: 7 * 24 * 3600_000 };
const VALID_FOR: Record<TokenKind, string> = { password_reset: '1 hour', invitation: '7 days' };
/** At most this many reset mails per person per hour; further requests are answered alike and send nothing. */
const RESETS_PER_HOUR = 3;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface Person {
  type: PrincipalType;
  id: number;
  email: string;
  name: string;
}

/** The page a link opens: the portal's for contacts, the workspace's for staff. The token is in the
 *  fragment, so it never reaches a server log or a Referer header. */
function linkFor(kind: TokenKind, type: PrincipalType, token: string): string {
  const page = kind === 'invitation' ? 'invitation' : 'reset-password';
  return `${runtime.publicUrl}${type === 'contact' ? '/portal' : ''}/${page}#token=${token}`;
}

function domainOf(address: string): string {
  return address.split('@')[1]?.replace(/[^a-z0-9.-]/gi, '') || 'casebook.local';
}

/** Writes a new token for the person (voiding their open ones) and queues its mail, in trx. */
async function issue(trx: Kysely<DB>, kind: TokenKind, person: Person, createdBy: { id: number; name: string } | null): Promise<{ expiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + TOKEN_LIFETIME_MS[kind]).toISOString();
  await trx
    .updateTable('auth_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('principal_type', '=', person.type)
    .where('principal_id', '=', person.id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
  const row = await trx
    .insertInto('auth_tokens')
    .values({ kind, principal_type: person.type, principal_id: person.id, token_hash: sha256(token), created_by: createdBy?.id ?? null, created_at: now.toISOString(), expires_at: expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();

  const template = await trx.selectFrom('email_templates').select(['subject', 'body']).where('key', '=', kind).executeTakeFirstOrThrow();
  const [company, from] = await Promise.all([getProperty(trx, 'company.name'), getProperty(trx, 'email.from')]);
  const rendered = renderMail(template, {
    company: { name: String(company) },
    recipient: { name: person.name, email: person.email },
    inviter: { name: createdBy?.name ?? String(company) },
    place: person.type === 'contact' ? 'the customer portal' : 'the support workspace',
    link: { url: linkFor(kind, person.type, token), validFor: VALID_FOR[kind], expiresAt },
  });
  await trx
    .insertInto('outbox')
    .values({
      idempotency_key: `auth-token:${row.id}`,
      case_id: null,
      template_key: kind,
      to_address: person.email,
      subject: rendered.subject,
      text_body: rendered.text,
      html_body: rendered.html,
      message_id: `<account.${randomBytes(9).toString('base64url')}@${domainOf(String(from))}>`,
      in_reply_to: null,
      references: null,
      state: 'queued',
      next_attempt_at: now.toISOString(),
      created_at: now.toISOString(),
    })
    .execute();
  // On the person's history: who sent which link when (never the link itself).
  await trx
    .insertInto('audit_log')
    .values({
      at: now.toISOString(),
      actor_type: createdBy ? 'user' : 'system',
      actor_id: createdBy?.id ?? null,
      entity: person.type,
      entity_id: person.id,
      action: 'update',
      field: kind === 'invitation' ? 'invitationSent' : 'passwordResetSent',
      old_value: null,
      new_value: `valid until ${expiresAt}`,
    })
    .execute();
  setImmediate(() => outboxEvents.emit('queued'));
  return { expiresAt };
}

/** "Forgot password?": mails a reset link when an active staff user (or, for the portal, a contact
 *  with portal access) has this email. Answers nothing either way, so callers learn nothing. */
export async function requestPasswordReset(db: Kysely<DB>, email: string, portal: boolean): Promise<void> {
  let person: Person | null = null;
  if (!portal) {
    const u = await db.selectFrom('users').select(['id', 'email', 'name']).where('email', '=', email).where('active', '=', 1).executeTakeFirst();
    if (u) person = { type: 'user', ...u };
  }
  if (!person) {
    const c = await db.selectFrom('contacts').select(['id', 'email', 'name']).where('email', '=', email).where('active', '=', 1).where('portal_access', '=', 1).executeTakeFirst();
    if (c) person = { type: 'contact', ...c };
  }
  if (!person) return;
  const found = person;
  await db.transaction().execute(async (trx) => {
    const hourAgo = new Date(clock.now().getTime() - 3600_000).toISOString();
    const recent = await trx
      .selectFrom('auth_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('principal_type', '=', found.type)
      .where('principal_id', '=', found.id)
      .where('kind', '=', 'password_reset')
      .where('created_at', '>', hourAgo)
      .executeTakeFirstOrThrow();
    if (Number(recent.n) >= RESETS_PER_HOUR) return; // no mail bombing a mailbox through us
    await issue(trx, 'password_reset', found, null);
  });
}

/** Sends (or sends again) the invitation of a user or contact that has no password yet; in trx. */
export async function sendInvitation(trx: Kysely<DB>, type: PrincipalType, id: number, actor: Actor): Promise<{ expiresAt: string }> {
  const row =
    type === 'user'
      ? await trx.selectFrom('users').select(['id', 'email', 'name', 'active', 'password_hash']).where('id', '=', id).executeTakeFirst()
      : await trx.selectFrom('contacts').select(['id', 'email', 'name', 'active', 'password_hash', 'portal_access']).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`${type === 'user' ? 'User' : 'Contact'} ${id}`);
  if (row.active !== 1) throw conflict(`${row.name} is inactive: activate the ${type} before inviting`, { field: 'active' });
  if ('portal_access' in row && row.portal_access !== 1) throw conflict(`${row.name} has no portal access: give it before inviting`, { field: 'portalAccess' });
  if (row.password_hash) throw conflict(`${row.name} already has a password; they can use "Forgot password?" on the sign-in page`, { field: 'password' });
  const by = actor.type === 'user' ? { id: actor.id, name: actor.name } : null;
  return issue(trx, 'invitation', { type, id: row.id, email: row.email, name: row.name }, by);
}

/** The admin's "Resend invitation". */
export async function resendInvitation(db: Kysely<DB>, type: PrincipalType, id: number, actor: Actor) {
  return db.transaction().execute((trx) => sendInvitation(trx, type, id, actor));
}

const invalidLink = () =>
  badRequest('This link is not valid any more: it was used, replaced by a newer one, or has expired. Ask for a new one.', {
    fields: [{ field: 'body.token', message: 'invalid or expired link' }],
  });

async function findUsable(db: Kysely<DB>, token: string) {
  const row = await db
    .selectFrom('auth_tokens')
    .selectAll()
    .where('token_hash', '=', sha256(token))
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', clock.nowIso())
    .executeTakeFirst();
  if (!row) return null;
  const person =
    row.principal_type === 'user'
      ? await db.selectFrom('users').selectAll().where('id', '=', row.principal_id).where('active', '=', 1).executeTakeFirst()
      : await db.selectFrom('contacts').selectAll().where('id', '=', row.principal_id).where('active', '=', 1).where('portal_access', '=', 1).executeTakeFirst();
  return person ? { token: row, person } : null;
}

/** What a link is for, so its page can greet the person; 400 when it cannot be used. */
export async function inspectToken(db: Kysely<DB>, token: string) {
  const found = await findUsable(db, token);
  if (!found) throw invalidLink();
  return { kind: found.token.kind, email: found.person.email, name: found.person.name, portal: found.token.principal_type === 'contact', expiresAt: found.token.expires_at };
}

/** Sets the password from a link: the token is spent, the person's other tokens are voided, their
 *  sessions end and any sign-in lockout of their email is lifted. */
export async function setPasswordWithToken(db: Kysely<DB>, token: string, password: string) {
  const hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const found = await findUsable(trx, token);
    if (!found) throw invalidLink();
    const now = clock.nowIso();
    // Guarded by used_at: of two concurrent uses of one link exactly one gets here.
    const spent = await trx.updateTable('auth_tokens').set({ used_at: now }).where('id', '=', found.token.id).where('used_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) throw invalidLink();
    const type = found.token.principal_type;
    await trx
      .updateTable('auth_tokens')
      .set({ revoked_at: now })
      .where('principal_type', '=', type)
      .where('principal_id', '=', found.person.id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    const actor = { type, id: found.person.id, email: found.person.email, name: found.person.name } as unknown as Principal;
    await updateVersioned(trx, {
      table: type === 'user' ? 'users' : 'contacts',
      entity: type,
      before: found.person,
      changes: { password_hash: hash },
      expected: undefined,
      actor,
      secret: ['password_hash'],
    });
    await deleteSessionsOf(trx, type, found.person.id);
    await clearFailures(trx, found.person.email);
    return { kind: found.token.kind, email: found.person.email, portal: type === 'contact' };
  });
}
