import { PostgresAdapter, sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';

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

/**
 * Row locking for read-then-write transactions. PostgreSQL locks the selected rows (optionally
 * skipping rows another transaction holds); SQLite needs nothing, because every write
 * transaction there already holds the database's single write lock (BEGIN IMMEDIATE).
 */
export function lockRows<QB extends { forUpdate(): QB; skipLocked(): QB }>(db: Kysely<any>, qb: QB, options: { skipLocked?: boolean } = {}): QB {
  if (!isPostgres(db)) return qb;
  const locked = qb.forUpdate();
  return options.skipLocked ? locked.skipLocked() : locked;
}

/**
 * A column the planner must not pick an index for, in a filter whose index it overrates on
 * skewed data: SQLite's unary "+" (the home list's "assignee is null or me" looked selective by
 * the statistics while most new cases are unassigned, so SQLite unioned two index scans and
 * sorted 8,600 rows instead of walking the status index in order: 3.1 ms against 0.55 ms).
 * PostgreSQL plans it well from its statistics and gets the plain column.
 */
export function unindexed(db: Kysely<any>, column: string): RawBuilder<unknown> {
  return isPostgres(db) ? sql`${sql.ref(column)}` : sql`+${sql.ref(column)}`;
}

/** Words of a search text, reduced to letters and digits so no query syntax gets through. */
export function searchTerms(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12);
}

/**
 * Ids of cases whose number, short description, description or comments contain every word of
 * the text (prefix match): FTS5 on SQLite, tsvector/tsquery on PostgreSQL.
 */
export function caseSearchIds(db: Kysely<any>, text: string) {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  // Each source contributes at most its SEARCH_CAP newest matches: a word that is in every
  // tenth case must not make one search sort a hundred thousand rows (and on SQLite hold up
  // everyone else meanwhile). Newer cases and comments have higher ids.
  if (isPostgres(db)) {
    const query = terms.map((t) => `${t}:*`).join(' & ');
    return sql<{ id: number }>`(select id from (select id from cases where search @@ to_tsquery('simple', casebook_fold(${query})) order by id desc limit ${SEARCH_CAP}) a
      union select case_id from (select case_id from comments where search @@ to_tsquery('simple', casebook_fold(${query})) order by id desc limit ${SEARCH_CAP}) b)`;
  }
  const match = terms.map((t) => `"${t}"*`).join(' ');
  return sql<{ id: number }>`(select id from (select rowid as id from cases_fts where cases_fts match ${match} order by rowid desc limit ${SEARCH_CAP})
    union select c.case_id from (select rowid as id from comments_fts where comments_fts match ${match} order by rowid desc limit ${SEARCH_CAP}) f join comments c on c.id = f.id)`;
}

/** A "case matches the search text" condition, or null when the text has no words. On
 *  PostgreSQL the ids become an array so each is fetched by primary key (as a semi-join the
 *  planner hashed the whole cases table). */
export function caseSearchCondition(db: Kysely<any>, text: string): RawBuilder<SqlBool> | null {
  const ids = caseSearchIds(db, text);
  if (!ids) return null;
  return isPostgres(db) ? sql<SqlBool>`cases.id = any(array${ids})` : sql<SqlBool>`cases.id in ${ids}`;
}

/**
 * "column in (subquery)" for a small, already-limited id list. PostgreSQL gets
 * "= any(array(subquery))": the ids are computed once and fetched by primary key (as a semi-join
 * it planned a scan of the whole table).
 */
export function idIn(db: Kysely<any>, column: string, ids: { compile(): unknown } & Expression<any>): RawBuilder<SqlBool> {
  return isPostgres(db) ? sql<SqlBool>`${sql.ref(column)} = any(array(${ids}))` : sql<SqlBool>`${sql.ref(column)} in (${ids})`;
}

/** How many of the newest matches per source a case search considers. */
export const SEARCH_CAP = 5000;

/**
 * Keyset pagination: keeps the rows after the cursor's (sort value, id) pair in the list's order
 * ('>' ascending, '<' descending). Both databases compare row values the same way.
 */
export function whereAfter<QB extends { where(...args: any[]): QB }>(
  qb: QB,
  sortColumn: string,
  idColumn: string,
  after: ReadonlyArray<string | number | null> | null,
  direction: '>' | '<' = '>',
): QB {
  if (!after) return qb;
  return qb.where((eb: any) => eb(eb.refTuple(sortColumn, idColumn), direction, eb.tuple(after[0], after[1])));
}

/** Runs the work in a transaction: the caller's, when it is already in one, else a new one. */
export function inTransaction<T>(db: Kysely<any>, work: (trx: Kysely<any>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/**
 * Article ids matching a search text with their relevance, best first: every word (mode 'all',
 * the search box) or any word (mode 'any', suggestions from a case's text).
 */
export async function articleSearch(db: Kysely<any>, text: string, mode: 'all' | 'any', limit: number): Promise<number[]> {
  const terms = searchTerms(text).filter((t) => mode === 'all' || t.length > 2);
  if (terms.length === 0) return [];
  if (isPostgres(db)) {
    const query = terms.map((t) => `${t}:*`).join(mode === 'all' ? ' & ' : ' | ');
    const rows = await sql<{ id: number }>`select id from articles where search @@ to_tsquery('simple', casebook_fold(${query}))
      order by ts_rank(search, to_tsquery('simple', casebook_fold(${query}))) desc, id desc limit ${limit}`.execute(db);
    return rows.rows.map((r) => r.id);
  }
  const match = terms.map((t) => `"${t}"*`).join(mode === 'all' ? ' ' : ' OR ');
  const rows = await sql<{ id: number }>`select rowid as id from articles_fts where articles_fts match ${match} order by bm25(articles_fts), rowid desc limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.id);
}
