import type { Kysely } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { DB } from '../../src/db/schema.js';
import { bootstrapAdmin } from '../../src/modules/identity/bootstrap.js';
import type { App } from '../../src/platform/app-types.js';
import { createTestDatabase } from './database.js';

export const ADMIN = { email: 'admin@example.test', password: 'admin-password-123' };
export const INBOUND_TOKEN = 'test-inbound-token-0123456789abcdef';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export interface CallOptions {
  as?: string | null; // a session cookie from login(), or null for anonymous
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: App;
  db: Kysely<DB>;
  config: Config;
  /** Calls the API; `as` is a session cookie (from login) or a Bearer token starting with cbk_. */
  call(method: Method, url: string, opts?: CallOptions): Promise<LightMyRequestResponse>;
  login(email: string, password: string, portal?: boolean): Promise<string>;
  adminCookie: string;
  close(): Promise<void>;
}

/** A running app on a fresh database with one admin signed in; `overrides` change settings (e.g. the rate limit). */
export async function startTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const config: Config = {
    ...loadConfig({ CASEBOOK_DATA_DIR: testDb.dataDir, LOG_LEVEL: 'silent', CASEBOOK_INBOUND_TOKEN: INBOUND_TOKEN, CASEBOOK_PUBLIC_URL: 'https://support.example.test' }),
    database: testDb.config,
    webDir: `${testDb.dataDir}/no-web`,
    ...overrides,
  };
  const database = openDatabase(config.database, { poolSize: 12 });
  await migrateToLatest(database.db);
  await bootstrapAdmin(database.db, ADMIN, () => {});
  const app = await buildApp(config, database.db, { logger: false });
  await app.ready();

  const call: TestApp['call'] = (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.as?.startsWith('cbk_')) headers.authorization = `Bearer ${opts.as}`;
    else if (opts.as) headers.cookie = opts.as;
    return app.inject({ method, url, headers, ...(opts.body !== undefined ? { payload: opts.body as object } : {}) });
  };
  const login = async (email: string, password: string, portal?: boolean) => {
    const res = await call('POST', '/api/v1/auth/login', { body: { email, password, ...(portal ? { portal } : {}) } });
    if (res.statusCode !== 200) throw new Error(`login ${email} failed: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'casebook_session');
    return `casebook_session=${cookie!.value}`;
  };
  const adminCookie = await login(ADMIN.email, ADMIN.password);
  return {
    app,
    db: database.db,
    config,
    call,
    login,
    adminCookie,
    close: async () => {
      await app.close();
      await database.close();
      await testDb.drop();
    },
  };
}
