import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { DatabaseConfig } from '../config.js';
import type { DB } from './schema.js';

export type Dialects = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: Dialects;
  close(): Promise<void>;
}

type Statement = SQLite.Statement;

/** better-sqlite3 with a bounded cache of prepared statements (Kysely prepares every query it runs). */
function cachedConnection(database: SQLite.Database) {
  const statements = new Map<string, Statement>();
  return {
    database,
    prepare(sqlText: string): Statement {
      let stmt = statements.get(sqlText);
      if (stmt) {
        statements.delete(sqlText);
      } else {
        stmt = database.prepare(sqlText);
        if (statements.size >= 500) statements.delete(statements.keys().next().value!);
      }
      statements.set(sqlText, stmt);
      return stmt;
    },
  };
}
type Cached = ReturnType<typeof cachedConnection>;

function run(conn: Cached, compiled: CompiledQuery): QueryResult<any> {
  const stmt = conn.prepare(compiled.sql);
  const params = compiled.parameters as unknown[];
  if (stmt.reader) return { rows: stmt.all(params) as any[] };
  const { changes, lastInsertRowid } = stmt.run(params);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/** One holder at a time of the writer connection (a transaction spans awaits). */
class Mutex {
  private held: Promise<void> | null = null;
  private release: (() => void) | null = null;
  async lock(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise((r) => (this.release = r));
  }
  unlock(): void {
    const r = this.release;
    this.held = null;
    this.release = null;
    r?.();
  }
}

const isRead = (sqlText: string) => /^\s*select\b/i.test(sqlText);

/**
 * Two connections to one SQLite file: a writer for transactions and writes (one holder at a time;
 * transactions begin IMMEDIATE so they never fail half-way on a lock), and a read-only reader for
 * plain SELECTs outside transactions. In WAL mode the reader sees the last committed state and
 * never waits for an open write transaction, so lists and case pages keep answering while writes
 * queue. better-sqlite3 runs each statement to completion synchronously.
 */
class SplitSqliteDriver implements Driver {
  private readonly mutex = new Mutex();
  constructor(private readonly writer: Cached, private readonly reader: Cached) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new RoutingConnection(this.writer, this.reader, this.mutex);
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutingConnection).begin();
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutingConnection).end('commit');
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutingConnection).end('rollback');
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as RoutingConnection).release();
  }
  // Savepoints: a keyed request's transaction runs each service transaction as one (platform/idempotency.ts).
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint "${name.replace(/"/g, '')}"`));
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to "${name.replace(/"/g, '')}"`));
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release "${name.replace(/"/g, '')}"`));
  }
  async destroy(): Promise<void> {
    if (this.reader.database !== this.writer.database) this.reader.database.close();
    this.writer.database.close();
  }
}

class RoutingConnection implements DatabaseConnection {
  private inTransaction = false;
  constructor(
    private readonly writer: Cached,
    private readonly reader: Cached,
    private readonly mutex: Mutex,
  ) {}
  async begin(): Promise<void> {
    await this.mutex.lock();
    this.inTransaction = true;
    try {
      run(this.writer, CompiledQuery.raw('begin immediate'));
    } catch (err) {
      this.inTransaction = false;
      this.mutex.unlock();
      throw err;
    }
  }
  async end(how: 'commit' | 'rollback'): Promise<void> {
    try {
      run(this.writer, CompiledQuery.raw(how));
    } finally {
      this.inTransaction = false;
      this.mutex.unlock();
    }
  }
  release(): void {
    // A transaction Kysely abandoned must not keep the writer.
    if (this.inTransaction) {
      this.inTransaction = false;
      try {
        run(this.writer, CompiledQuery.raw('rollback'));
      } catch {
        // no transaction open
      }
      this.mutex.unlock();
    }
  }
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction) return run(this.writer, compiled);
    if (isRead(compiled.sql)) return run(this.reader, compiled);
    await this.mutex.lock();
    try {
      return run(this.writer, compiled);
    } finally {
      this.mutex.unlock();
    }
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported');
  }
}

function sqliteDialect(file: string): Dialect {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // An in-memory database exists only on its own connection.
  let readerDb = database;
  if (file !== ':memory:') {
    readerDb = new SQLite(file);
    readerDb.pragma('busy_timeout = 5000');
    readerDb.pragma('query_only = ON');
  }
  const writer = cachedConnection(database);
  const reader = readerDb === database ? writer : cachedConnection(readerDb);
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new SplitSqliteDriver(writer, reader),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

// Timestamps come back from PostgreSQL as ISO-8601 strings, exactly as SQLite stores them;
// 64-bit integers (count(*)) come back as numbers.
const toIso = (parse: (v: string) => unknown) => (v: string) => (parse(v) as Date).toISOString();
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 1184 || oid === 1114) return toIso(pg.types.getTypeParser(oid, 'text'));
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

// Our joins are written driving table first, lookups after (a case, then its status, account,
// contact, assignee, group, queue, SLA policy). Letting the planner search every order of those
// eight relations cost 2–10 ms of planning per list or case read at 1M cases, against 0.5 ms of
// execution; keeping the written order plans in 0.3–0.5 ms with the same plans.
const PG_SESSION_OPTIONS = '-c join_collapse_limit=1 -c from_collapse_limit=1';

export function createPgPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types: pgTypes, options: PG_SESSION_OPTIONS });
  // An idle connection the server closes (restart, failover) must not crash the process; the
  // pool replaces it on next use.
  pool.on('error', (err) => {
    if ((err as { code?: string }).code !== '57P01') console.error(`PostgreSQL idle connection error: ${err.message}`);
  });
  pool.on('connect', (client) => prepareStatements(client));
  return pool;
}

// Named statements are parsed once per connection, and PostgreSQL switches a statement to a
// cached generic plan once that plan proves as good as planning anew. (Forcing generic plans
// saved 1.5 ms of planning on the list query at 10k cases but chose badly at 100k for skewed
// parameters such as "assignee is null or = $1" and full-text matches.) Only data statements are
// named, at most 500 per connection.
const MAX_NAMED = 500;
function prepareStatements(client: pg.PoolClient): void {
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  const named = new Set<string>();
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values) && /^\s*(select|insert|update|delete|with)\b/i.test(text)) {
      const name = `cb_${createHash('sha1').update(text).digest('base64url')}`;
      if (named.has(name) || named.size < MAX_NAMED) {
        named.add(name);
        return original({ name, text, values }, callback);
      }
    }
    return original(text, values, callback);
  };
}

/** Opens the configured database; the caller runs migrations. */
export function openDatabase(config: DatabaseConfig, options: { poolSize?: number } = {}): Database {
  if (config.kind === 'postgres') {
    const pool = createPgPool(config.url, options.poolSize ?? 10);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  const db = new Kysely<DB>({ dialect: sqliteDialect(config.file) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
