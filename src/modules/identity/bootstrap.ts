import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { countUsers } from './users.repository.js';
import { createUser } from './users.service.js';

/**
 * On the first start with an empty database, creates the admin from CASEBOOK_ADMIN_EMAIL /
 * CASEBOOK_ADMIN_PASSWORD, or with a generated password that is printed once.
 */
export async function bootstrapAdmin(
  db: Kysely<DB>,
  opts: { email: string | null; password: string | null },
  print: (line: string) => void,
): Promise<boolean> {
  const { n } = await countUsers(db);
  if (Number(n) > 0) return false;
  const email = (opts.email ?? 'admin@casebook.local').toLowerCase();
  const password = opts.password ?? randomBytes(12).toString('base64url');
  await createUser(db, { type: 'system' }, { email, name: 'Administrator', roles: ['admin'], password });
  if (opts.password) {
    print(`Created the first admin: ${email} (password from CASEBOOK_ADMIN_PASSWORD)`);
  } else {
    print('');
    print('  Created the first admin user. This password is shown only once:');
    print(`    email:    ${email}`);
    print(`    password: ${password}`);
    print('');
  }
  return true;
}
