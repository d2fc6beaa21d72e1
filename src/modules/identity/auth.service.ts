import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Principal, Role } from '../../platform/access.js';
import { clock } from '../../platform/clock.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertNotLocked, clearFailures, recordFailure } from './lockout.js';
import { verifyPassword } from './passwords.js';
import { findUserById, rolesOf } from './users.repository.js';

export const SESSION_COOKIE = 'casebook_session';
const TOKEN_PREFIX = 'cbk_';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

// Failed sign-ins are counted per email and per address; past the limit every attempt gets 429,
// whether or not the email exists, so the answer never tells which accounts there are.
export class LoginThrottle {
  private failures = new Map<string, number[]>();
  constructor(
    private readonly perEmail = 5,
    private readonly perIp = 30,
    private readonly windowMs = 15 * 60 * 1000,
    private readonly message = 'Too many failed sign-in attempts; wait a few minutes and try again',
  ) {}
  private recent(key: string): number[] {
    const cutoff = clock.now().getTime() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }
  assertAllowed(email: string, ip: string): void {
    if (this.recent(`e:${email}`).length >= this.perEmail || this.recent(`i:${ip}`).length >= this.perIp) {
      throw new AppError('rate_limited', this.message);
    }
  }
  fail(email: string, ip: string): void {
    const now = clock.now().getTime();
    for (const key of [`e:${email}`, `i:${ip}`]) this.failures.set(key, [...this.recent(key), now]);
  }
  succeed(email: string): void {
    this.failures.delete(`e:${email}`);
  }
}

export interface SessionResult {
  sessionId: string; // the hashed id stored server-side
  cookieValue: string;
  expiresAt: string;
  principal: Principal;
}

async function userPrincipal(db: Kysely<DB>, id: number, via: 'session' | 'token'): Promise<Principal | null> {
  const user = await findUserById(db, id);
  if (!user || user.active !== 1) return null;
  const roles = ((await rolesOf(db, [id])).get(id) ?? []) as Role[];
  return { type: 'user', id: user.id, email: user.email, name: user.name, roles, via };
}

async function contactPrincipal(db: Kysely<DB>, id: number): Promise<Principal | null> {
  const c = await db.selectFrom('contacts').select(['id', 'email', 'name', 'account_id', 'active', 'portal_access']).where('id', '=', id).executeTakeFirst();
  if (!c || c.active !== 1 || c.portal_access !== 1) return null;
  return { type: 'contact', id: c.id, email: c.email, name: c.name, accountId: c.account_id, roles: ['customer'], via: 'session' };
}

/** Checks credentials and opens a new session (always a fresh id). Too many recent failures give
 *  429 (per email and per address, in memory); a run of consecutive failures locks the email's
 *  sign-in for a while (423, in the database, so every instance agrees). */
export async function login(
  db: Kysely<DB>,
  throttle: LoginThrottle,
  input: { email: string; password: string; portal?: boolean },
  ip: string,
  ttlHours: number,
): Promise<SessionResult> {
  throttle.assertAllowed(input.email, ip);
  await assertNotLocked(db, input.email);
  let principalType: 'user' | 'contact' | null = null;
  let principalId = 0;
  let hash: string | null = null;
  if (!input.portal) {
    const u = await db.selectFrom('users').select(['id', 'password_hash', 'active']).where('email', '=', input.email).executeTakeFirst();
    if (u && u.active === 1) [principalType, principalId, hash] = ['user', u.id, u.password_hash];
  }
  if (!principalType) {
    const c = await db
      .selectFrom('contacts')
      .select(['id', 'password_hash', 'active', 'portal_access'])
      .where('email', '=', input.email)
      .executeTakeFirst();
    if (c && c.active === 1 && c.portal_access === 1) [principalType, principalId, hash] = ['contact', c.id, c.password_hash];
  }
  const ok = await verifyPassword(hash, input.password);
  const principal = ok && principalType ? await principalFor(db, principalType, principalId, 'session') : null;
  if (!principal) {
    throttle.fail(input.email, ip);
    await recordFailure(db, input.email);
    throw new AppError('unauthenticated', 'Email or password is wrong');
  }
  throttle.succeed(input.email);
  await clearFailures(db, input.email);
  const cookieValue = randomBytes(32).toString('base64url');
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + ttlHours * 3600_000).toISOString();
  const sessionId = sha256(cookieValue);
  await db
    .insertInto('sessions')
    .values({ id: sessionId, principal_type: principal.type, principal_id: principal.id, created_at: now.toISOString(), expires_at: expiresAt })
    .execute();
  return { sessionId, cookieValue, expiresAt, principal };
}

function principalFor(db: Kysely<DB>, type: 'user' | 'contact', id: number, via: 'session' | 'token') {
  return type === 'user' ? userPrincipal(db, id, via) : contactPrincipal(db, id);
}

export async function logout(db: Kysely<DB>, sessionId: string | undefined): Promise<void> {
  if (sessionId) await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Finds who is calling: a session cookie or a personal API token; null if neither is valid. */
export async function authenticate(
  db: Kysely<DB>,
  cookieValue: string | undefined,
  authorization: string | undefined,
): Promise<{ principal: Principal; sessionId?: string } | null> {
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) {
    if (!bearer.startsWith(TOKEN_PREFIX)) return null;
    const token = await db
      .selectFrom('api_tokens')
      .select(['id', 'user_id', 'last_used_at'])
      .where('token_hash', '=', sha256(bearer))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!token) return null;
    const principal = await userPrincipal(db, token.user_id, 'token');
    if (!principal) return null;
    // Record use at most every five minutes, so a busy integration does not write on every call.
    const now = clock.now();
    if (!token.last_used_at || now.getTime() - Date.parse(token.last_used_at) > 300_000) {
      await db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', token.id).execute();
    }
    return { principal };
  }
  if (!cookieValue) return null;
  const sessionId = sha256(cookieValue);
  const session = await db
    .selectFrom('sessions')
    .leftJoin('users', (j) => j.onRef('users.id', '=', 'sessions.principal_id').on('sessions.principal_type', '=', 'user'))
    .select(['sessions.principal_type', 'sessions.principal_id', 'users.email', 'users.name', 'users.active'])
    .where('sessions.id', '=', sessionId)
    .where('sessions.expires_at', '>', clock.nowIso())
    .executeTakeFirst();
  if (!session) return null;
  if (session.principal_type === 'user') {
    // The common case, in two queries: the session with its user, then the roles.
    if (session.active !== 1) return null;
    const roles = ((await rolesOf(db, [session.principal_id])).get(session.principal_id) ?? []) as Role[];
    return { principal: { type: 'user', id: session.principal_id, email: session.email!, name: session.name!, roles, via: 'session' }, sessionId };
  }
  const principal = await contactPrincipal(db, session.principal_id);
  return principal ? { principal, sessionId } : null;
}

/** Removes expired sessions. */
export async function pruneSessions(db: Kysely<DB>): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', clock.nowIso()).execute();
}

// Personal API tokens: shown once at creation, stored only as a sha-256 hash.

const tokenDto = (r: { id: number; name: string; prefix: string; created_at: string; last_used_at: string | null; revoked_at: string | null }) => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export async function listTokens(db: Kysely<DB>, userId: number) {
  const rows = await db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('id', 'desc').execute();
  return rows.map(tokenDto);
}

export async function createToken(db: Kysely<DB>, userId: number, name: string) {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const row = await db
    .insertInto('api_tokens')
    .values({ user_id: userId, name, token_hash: sha256(token), prefix: token.slice(0, 10), created_at: clock.nowIso() })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...tokenDto(row), token };
}

export async function revokeToken(db: Kysely<DB>, userId: number, id: number): Promise<void> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: clock.nowIso() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    const exists = await db.selectFrom('api_tokens').select('id').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    if (!exists) throw notFound(`Token ${id}`);
  }
}
