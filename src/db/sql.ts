import { PostgresAdapter, sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';

// Dialect differences live here and nowhere else.

/** A LIKE pattern that matches the text anywhere, with LIKE's own wildcards taken literally. */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Case-insensitive "column contains text" that behaves the same on SQLite and PostgreSQL. */
export function contains(column: string, text: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${likePattern(text)} escape '\\'`;
}

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
