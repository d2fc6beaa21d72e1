import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDatabaseUrl } from './config.js';

describe('configuration', () => {
  it('defaults to SQLite under ./data on port 3000', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.database).toEqual({ kind: 'sqlite', file: path.resolve('data/casebook.db') });
    expect(c.smtpUrl).toBeNull();
  });

  it.each([
    ['postgres://u@db:5432/casebook', { kind: 'postgres', url: 'postgres://u@db:5432/casebook' }],
    ['postgresql://u@db/casebook', { kind: 'postgres', url: 'postgresql://u@db/casebook' }],
    ['sqlite:/tmp/x.db', { kind: 'sqlite', file: '/tmp/x.db' }],
    ['sqlite:', { kind: 'sqlite', file: '/d/casebook.db' }],
    ['/var/lib/casebook.db', { kind: 'sqlite', file: '/var/lib/casebook.db' }],
  ])('reads DATABASE_URL %s', (url, expected) => {
    expect(parseDatabaseUrl(url, '/d')).toEqual(expected);
  });

  it.each([
    ['mysql://root@localhost/db', /unsupported scheme/],
    ['postgres://', /not a valid postgres:\/\/ URL|names no host/],
    ['postgres://host:5432', /names no database/],
  ])('refuses DATABASE_URL %s with a clear message', (url, message) => {
    expect(() => loadConfig({ DATABASE_URL: url })).toThrow(message);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', SMTP_URL: 'http://mail', CASEBOOK_ADMIN_EMAIL: 'nope' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toContain('PORT');
      expect(msg).toContain('SMTP_URL');
      expect(msg).toContain('CASEBOOK_ADMIN_EMAIL');
    }
  });
});
