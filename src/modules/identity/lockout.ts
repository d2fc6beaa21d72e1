import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../platform/audit.js';
import { clock } from '../../platform/clock.js';
import { AppError, notFound } from '../../platform/errors.js';
import { getProperty } from '../settings/settings.service.js';

// Account lockout: after auth.lockoutAfterFailures consecutive failed sign-ins for one email the
// sign-in is locked for auth.lockoutMinutes, even with the right password. Failures are counted
// per email typed, whether or not an account has it, so a lockout (423) tells an attacker nothing
// about which accounts exist. Locking and unlocking are audited on the account when there is one.

/** Failures further apart than this do not count as consecutive. */
const CONSECUTIVE_WINDOW_MS = 24 * 3600_000;

export const lockoutSchema = z.object({
  email: z.string(),
  failures: z.number(),
  lastFailedAt: z.string(),
  lockedUntil: z.string(),
  account: z.object({ type: z.enum(['user', 'contact']), id: z.number(), name: z.string() }).nullable(),
});

async function settings(db: Kysely<DB>) {
  const [after, minutes] = await Promise.all([getProperty(db, 'auth.lockoutAfterFailures'), getProperty(db, 'auth.lockoutMinutes')]);
  return { after: Number(after), minutes: Number(minutes) };
}

/** The staff user and portal contact having this email (either may be missing). */
async function accountsOf(db: Kysely<DB>, email: string) {
  const [user, contact] = await Promise.all([
    db.selectFrom('users').select(['id', 'name']).where('email', '=', email).executeTakeFirst(),
    db.selectFrom('contacts').select(['id', 'name']).where('email', '=', email).executeTakeFirst(),
  ]);
  return [...(user ? [{ type: 'user' as const, ...user }] : []), ...(contact ? [{ type: 'contact' as const, ...contact }] : [])];
}

async function auditLock(db: Kysely<DB>, actor: Actor, email: string, from: string | null, to: string | null) {
  const accounts = await accountsOf(db, email);
  const at = clock.nowIso();
  const who = actor.type === 'system' ? { actor_type: 'system', actor_id: null } : { actor_type: actor.type, actor_id: actor.id };
  const rows = accounts.length
    ? accounts.map((a) => ({ entity: a.type, entity_id: a.id }))
    : [{ entity: 'sign_in', entity_id: 0 }]; // an email nobody has: still on record, under the email
  await db
    .insertInto('audit_log')
    .values(rows.map((r) => ({ at, ...who, ...r, action: 'update', field: accounts.length ? 'lockedUntil' : `lockedUntil:${email}`.slice(0, 80), old_value: from, new_value: to })))
    .execute();
}

/** Throws 423 while the email's sign-in is locked. */
export async function assertNotLocked(db: Kysely<DB>, email: string): Promise<void> {
  const row = await db.selectFrom('login_failures').select('locked_until').where('email', '=', email).executeTakeFirst();
  if (row?.locked_until && row.locked_until > clock.nowIso()) {
    throw new AppError(
      'locked',
      `Too many failed sign-ins: signing in with this email is locked until ${row.locked_until.slice(0, 16).replace('T', ' ')} UTC. Try again later, reset your password, or ask an administrator to unlock it.`,
      { lockedUntil: row.locked_until },
    );
  }
}

/** Counts one failed sign-in; locks the email when the count reaches the limit. */
export async function recordFailure(db: Kysely<DB>, email: string): Promise<void> {
  const now = clock.nowIso();
  const cutoff = new Date(clock.now().getTime() - CONSECUTIVE_WINDOW_MS).toISOString();
  const row = await db
    .insertInto('login_failures')
    .values({ email, failures: 1, last_failed_at: now, locked_until: null })
    .onConflict((oc) =>
      oc.column('email').doUpdateSet({
        failures: sql<number>`case when ${sql.ref('login_failures.last_failed_at')} < ${cutoff} then 1 else ${sql.ref('login_failures.failures')} + 1 end`,
        last_failed_at: now,
      }),
    )
    .returning(['failures', 'locked_until'])
    .executeTakeFirstOrThrow();
  const { after, minutes } = await settings(db);
  if (after <= 0 || minutes <= 0 || row.failures < after) return;
  const until = new Date(clock.now().getTime() + minutes * 60_000).toISOString();
  await db.transaction().execute(async (trx) => {
    // failures start again from zero, so after the lock ends the next run of failures locks again.
    await trx.updateTable('login_failures').set({ locked_until: until, failures: 0 }).where('email', '=', email).execute();
    await auditLock(trx, { type: 'system' }, email, null, until);
  });
}

/** A successful sign-in (or a password set from a mailed link) forgets the failures. */
export async function clearFailures(db: Kysely<DB>, email: string): Promise<void> {
  await db.deleteFrom('login_failures').where('email', '=', email).execute();
}

/** The sign-ins locked now, with the account each belongs to (null when no account has the email). */
export async function listLockouts(db: Kysely<DB>) {
  const rows = await db.selectFrom('login_failures').selectAll().where('locked_until', '>', clock.nowIso()).orderBy('locked_until', 'desc').limit(500).execute();
  return Promise.all(
    rows.map(async (r) => {
      const account = (await accountsOf(db, r.email))[0] ?? null;
      return { email: r.email, failures: r.failures, lastFailedAt: r.last_failed_at, lockedUntil: r.locked_until!, account };
    }),
  );
}

/** When the email's sign-in is locked until, or null. */
export async function lockedUntil(db: Kysely<DB>, emails: string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  if (!emails.length) return map;
  const rows = await db.selectFrom('login_failures').select(['email', 'locked_until']).where('email', 'in', emails).where('locked_until', '>', clock.nowIso()).execute();
  for (const r of rows) map.set(r.email, r.locked_until!);
  return map;
}

/** An admin ends a lockout at once (audited); 404 when the email is not locked. */
export async function unlock(db: Kysely<DB>, actor: Actor, email: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('login_failures').select('locked_until').where('email', '=', email).executeTakeFirst();
    if (!row?.locked_until || row.locked_until <= clock.nowIso()) throw notFound(`A locked sign-in for ${email}`);
    await trx.deleteFrom('login_failures').where('email', '=', email).execute();
    await auditLock(trx, actor, email, row.locked_until, null);
  });
}
