import path from 'node:path';
import { z } from 'zod';

// Every setting Casebook reads, from the environment, validated once at start-up.

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  dataDir: string;
  smtpUrl: string | null;
  inboundSmtpPort: number | null;
  adminEmail: string | null;
  adminPassword: string | null;
  sessionTtlHours: number;
  secureCookies: boolean;
  rateLimitPerMinute: number;
  webDir: string;
  logLevel: string;
  /** The address people reach Casebook at, for links in emails. */
  publicUrl: string;
  /** Bearer token that POST /api/v1/inbound/email requires; the route is off without one. */
  inboundToken: string | null;
  /** Seconds between outbox delivery rounds (the worker also wakes when mail is queued). */
  mailPollSeconds: number;
  /** Files nothing references are removed at start-up once this old (seconds); see platform/files.ts. */
  orphanFileGraceSeconds: number;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const portNumber = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  PORT: portNumber.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().optional(),
  CASEBOOK_DATA_DIR: z.string().min(1).optional(),
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\//.test(v), 'must be an smtp:// or smtps:// URL')
    .optional(),
  INBOUND_SMTP_PORT: portNumber.optional(),
  CASEBOOK_ADMIN_EMAIL: z.email('must be an email address').optional(),
  CASEBOOK_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  CASEBOOK_SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  CASEBOOK_SECURE_COOKIES: z.enum(['true', 'false']).optional(),
  CASEBOOK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  CASEBOOK_WEB_DIR: z.string().optional(),
  CASEBOOK_PUBLIC_URL: z.url('must be a URL like https://support.example.com').optional(),
  CASEBOOK_INBOUND_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  CASEBOOK_MAIL_POLL_SECONDS: z.coerce.number().positive().default(5),
  CASEBOOK_ORPHAN_FILE_GRACE_SECONDS: z.coerce.number().int().min(0).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Reads DATABASE_URL: empty → ./data/casebook.db; sqlite:/file path → SQLite; postgres:// → PostgreSQL. */
export function parseDatabaseUrl(value: string | undefined, dataDir: string): DatabaseConfig {
  const v = (value ?? '').trim();
  if (v === '') return { kind: 'sqlite', file: path.join(dataDir, 'casebook.db') };
  if (/^postgres(ql)?:\/\//i.test(v)) {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw new ConfigError([`DATABASE_URL: "${v}" is not a valid postgres:// URL`]);
    }
    if (!url.hostname) throw new ConfigError(['DATABASE_URL: the postgres URL names no host']);
    if (url.pathname.replace(/^\//, '') === '') {
      throw new ConfigError(['DATABASE_URL: the postgres URL names no database (postgres://user@host:5432/dbname)']);
    }
    return { kind: 'postgres', url: v };
  }
  if (/^sqlite:/i.test(v)) {
    const rest = v.replace(/^sqlite:(\/\/)?/i, '');
    if (rest === '' ) return { kind: 'sqlite', file: path.join(dataDir, 'casebook.db') };
    if (rest === ':memory:') return { kind: 'sqlite', file: ':memory:' };
    return { kind: 'sqlite', file: path.resolve(rest) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
    throw new ConfigError([
      `DATABASE_URL: unsupported scheme in "${v.replace(/\/\/[^@/]*@/, '//***@')}"; use a file path, sqlite:<path> or postgres://…`,
    ]);
  }
  return { kind: 'sqlite', file: path.resolve(v) };
}

/** Builds the configuration from an environment, or throws ConfigError naming every bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.CASEBOOK_DATA_DIR ?? 'data');
  return {
    port: e.PORT,
    host: e.HOST,
    database: parseDatabaseUrl(e.DATABASE_URL, dataDir),
    dataDir,
    smtpUrl: e.SMTP_URL ?? null,
    inboundSmtpPort: e.INBOUND_SMTP_PORT ?? null,
    adminEmail: e.CASEBOOK_ADMIN_EMAIL ?? null,
    adminPassword: e.CASEBOOK_ADMIN_PASSWORD ?? null,
    sessionTtlHours: e.CASEBOOK_SESSION_TTL_HOURS,
    secureCookies: e.CASEBOOK_SECURE_COOKIES === 'true',
    rateLimitPerMinute: e.CASEBOOK_RATE_LIMIT_PER_MINUTE,
    webDir: path.resolve(e.CASEBOOK_WEB_DIR ?? 'web/dist'),
    logLevel: e.LOG_LEVEL,
    publicUrl: (e.CASEBOOK_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    inboundToken: e.CASEBOOK_INBOUND_TOKEN ?? null,
    mailPollSeconds: e.CASEBOOK_MAIL_POLL_SECONDS,
    // One instance owns an SQLite store, so at start-up nothing else is writing files; instances
    // sharing PostgreSQL may be in the middle of an upload.
    orphanFileGraceSeconds: e.CASEBOOK_ORPHAN_FILE_GRACE_SECONDS ?? (/^postgres(ql)?:\/\//i.test((e.DATABASE_URL ?? '').trim()) ? 3600 : 0),
  };
}

/** The configuration for an entry point (server, backup tool): a bad setting prints what is wrong
 *  and ends the process with exit code 2 instead of a stack trace. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}
