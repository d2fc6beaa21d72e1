import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { ArticlesTable, DB } from '../../db/schema.js';
import { articleSearch, whereAfter } from '../../db/sql.js';
import type { Principal } from '../../platform/access.js';
import { clock } from '../../platform/clock.js';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import { optionalText, text } from '../../platform/http.js';
import { nextNumber } from '../../platform/numbering.js';
import { decodeCursor, page } from '../../platform/pagination.js';
import { auditCreate, updateVersioned } from '../../platform/records.js';
import { getProperty } from '../settings/settings.service.js';
import { markdownToSafeHtml } from './markdown-html.js';

// The knowledge base (SPEC §6): articles KB0001001 with a Markdown body, draft → published →
// retired, every edit kept as a version, full-text search, linked to cases.

type Staff = Extract<Principal, { type: 'user' }>;
type Row = Selectable<ArticlesTable>;

export const ARTICLE_STATES = ['draft', 'published', 'retired'] as const;
export const articleSchema = z.object({
  id: z.number(),
  number: z.string(),
  title: z.string(),
  body: z.string(),
  /** The body as HTML that is safe to show (raw HTML escaped, only web and mail links). */
  bodyHtml: z.string(),
  product: z.string().nullable(),
  category: z.string().nullable(),
  state: z.enum(ARTICLE_STATES),
  publishedAt: z.string().nullable(),
  retiredAt: z.string().nullable(),
  updatedByName: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export const articleSummarySchema = articleSchema.omit({ body: true, bodyHtml: true }).extend({ excerpt: z.string() });
export const createArticleBody = z.strictObject({
  title: text(300),
  body: z.string().max(200_000).default(''),
  product: optionalText(200),
  category: optionalText(100),
  /** Link the new draft to this case (the "create article after resolution" offer). */
  caseNumber: z.string().max(20).regex(/^CS\d{7,}$/).optional(),
});
export const updateArticleBody = z.strictObject({ title: text(300).optional(), body: z.string().max(200_000).optional(), product: optionalText(200), category: optionalText(100) });
export const articleListQuery = z.strictObject({
  q: z.string().trim().max(200).optional(),
  state: z.enum(ARTICLE_STATES).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

function withNames(db: Kysely<DB>) {
  return db.selectFrom('articles').leftJoin('users', 'users.id', 'articles.updated_by').selectAll('articles').select('users.name as updated_by_name');
}
type RowWithName = Row & { updated_by_name: string | null };

const excerpt = (body: string) => body.replace(/[#*_`>\[\]()-]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
const dto = (r: RowWithName) => ({
  id: r.id,
  number: r.number,
  title: r.title,
  body: r.body,
  bodyHtml: markdownToSafeHtml(r.body),
  product: r.product,
  category: r.category,
  state: r.state,
  publishedAt: r.published_at,
  retiredAt: r.retired_at,
  updatedByName: r.updated_by_name,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});
const summary = (r: RowWithName) => {
  const { body, bodyHtml: _html, ...rest } = dto(r);
  return { ...rest, excerpt: excerpt(body) };
};

async function findArticle(db: Kysely<DB>, number: string, publishedOnly = false) {
  let q = withNames(db).where('articles.number', '=', number);
  if (publishedOnly) q = q.where('articles.state', '=', 'published');
  const r = await q.executeTakeFirst();
  if (!r) throw notFound(`Article ${number}`);
  return r;
}

export async function getArticle(db: Kysely<DB>, number: string, publishedOnly = false) {
  return dto(await findArticle(db, number, publishedOnly));
}

/** Lists or searches articles; customers (publishedOnly) see published ones only. */
export async function listArticles(db: Kysely<DB>, q: z.infer<typeof articleListQuery>, publishedOnly = false) {
  const state = publishedOnly ? 'published' : q.state;
  if (q.q) {
    // Search results come by relevance, one page.
    const ids = await articleSearch(db, q.q, 'all', 200);
    if (!ids.length) return { items: [], nextCursor: null };
    let query = withNames(db).where('articles.id', 'in', ids);
    if (state) query = query.where('articles.state', '=', state);
    const rows = await query.execute();
    const ranked = ids.map((id) => rows.find((r) => r.id === id)).filter((r): r is RowWithName => !!r).slice(0, q.limit);
    return { items: ranked.map(summary), nextCursor: null };
  }
  let query = withNames(db);
  if (state) query = query.where('articles.state', '=', state);
  query = whereAfter(query, 'articles.updated_at', 'articles.id', decodeCursor(q.cursor, 2), '<');
  const rows = await query.orderBy('articles.updated_at', 'desc').orderBy('articles.id', 'desc').limit(q.limit + 1).execute();
  return page(rows, q.limit, (r) => [r.updated_at, r.id], summary);
}

async function keepVersion(trx: Kysely<DB>, a: Row, editor: number | null) {
  await trx
    .insertInto('article_versions')
    .values({ article_id: a.id, article_version: a.version, title: a.title, body: a.body, product: a.product, category: a.category, state: a.state, edited_by: editor, at: a.updated_at })
    .execute();
}

async function linkInTrx(trx: Kysely<DB>, who: Staff, caseNumber: string, articleId: number) {
  const c = await trx.selectFrom('cases').select('id').where('number', '=', caseNumber).executeTakeFirst();
  if (!c) throw notFound(`Case ${caseNumber}`);
  await trx
    .insertInto('case_articles')
    .values({ case_id: c.id, article_id: articleId, linked_by: who.id, linked_at: clock.nowIso() })
    .onConflict((oc) => oc.columns(['case_id', 'article_id']).doNothing())
    .execute();
}

/** Creates a draft (and links it to a case when one is named). */
export async function createArticle(db: Kysely<DB>, who: Staff, input: z.infer<typeof createArticleBody>) {
  const number = await db.transaction().execute(async (trx) => {
    const n = await nextNumber(trx, 'article');
    const now = clock.nowIso();
    const values = { number: n, title: input.title, body: input.body, product: input.product ?? null, category: input.category ?? null, state: 'draft' as const };
    const row = await trx.insertInto('articles').values({ ...values, created_by: who.id, updated_by: who.id, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    await auditCreate(trx, who, 'article', row.id, values);
    if (input.caseNumber) await linkInTrx(trx, who, input.caseNumber, row.id);
    return n;
  });
  return getArticle(db, number);
}

/** Edits an article (draft or published; retired ones are read-only); the old text is kept as a version. */
export async function updateArticle(db: Kysely<DB>, who: Staff, number: string, input: z.infer<typeof updateArticleBody>, expected: number | undefined) {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('articles').selectAll().where('number', '=', number).executeTakeFirst();
    if (!before) throw notFound(`Article ${number}`);
    if (before.state === 'retired') throw conflict(`Article ${number} is retired and read-only`);
    const version = await updateVersioned(trx, {
      table: 'articles',
      entity: 'article',
      before,
      changes: { title: input.title, body: input.body, product: input.product, category: input.category, updated_by: who.id },
      expected,
      actor: who,
    });
    if (version !== before.version) await keepVersion(trx, before, before.updated_by);
  });
  return getArticle(db, number);
}

/** draft → published → retired. */
export async function setArticleState(db: Kysely<DB>, who: Staff, number: string, to: 'published' | 'retired', expected?: number) {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('articles').selectAll().where('number', '=', number).executeTakeFirst();
    if (!before) throw notFound(`Article ${number}`);
    const from = to === 'published' ? 'draft' : 'published';
    if (before.state !== from) {
      throw new AppError('invalid_transition', `Article ${number} is ${before.state}: only a ${from} article can be ${to}`, { state: before.state, allowed: before.state === 'draft' ? ['publish'] : before.state === 'published' ? ['retire'] : [] });
    }
    const now = clock.nowIso();
    await updateVersioned(trx, {
      table: 'articles',
      entity: 'article',
      before,
      changes: { state: to, updated_by: who.id, ...(to === 'published' ? { published_at: now } : { retired_at: now }) },
      expected,
      actor: who,
    });
    await keepVersion(trx, before, before.updated_by);
  });
  return getArticle(db, number);
}

export async function articleVersions(db: Kysely<DB>, number: string) {
  const a = await findArticle(db, number);
  const rows = await db
    .selectFrom('article_versions')
    .leftJoin('users', 'users.id', 'article_versions.edited_by')
    .selectAll('article_versions')
    .select('users.name as editor')
    .where('article_id', '=', a.id)
    .orderBy('article_version', 'desc')
    .execute();
  return rows.map((v) => ({ version: v.article_version, title: v.title, body: v.body, state: v.state, editedByName: v.editor, at: v.at }));
}

// ---- articles and cases

async function caseOf(db: Kysely<DB>, number: string) {
  const c = await db
    .selectFrom('cases')
    .innerJoin('statuses', 'statuses.key', 'cases.status')
    .select(['cases.id', 'cases.short_description', 'cases.description', 'cases.cause', 'cases.resolution_notes', 'cases.product', 'cases.category', 'statuses.resolved'])
    .where('cases.number', '=', number)
    .executeTakeFirst();
  if (!c) throw notFound(`Case ${number}`);
  return c;
}

export async function caseArticles(db: Kysely<DB>, number: string) {
  const c = await caseOf(db, number);
  const rows = await withNames(db).innerJoin('case_articles', 'case_articles.article_id', 'articles.id').where('case_articles.case_id', '=', c.id).orderBy('case_articles.linked_at', 'desc').execute();
  return rows.map(summary);
}

export async function linkArticle(db: Kysely<DB>, who: Staff, caseNumber: string, articleNumber: string) {
  await db.transaction().execute(async (trx) => {
    const a = await trx.selectFrom('articles').select(['id', 'state']).where('number', '=', articleNumber).executeTakeFirst();
    if (!a) throw notFound(`Article ${articleNumber}`);
    if (a.state === 'retired') throw conflict(`Article ${articleNumber} is retired`);
    await linkInTrx(trx, who, caseNumber, a.id);
  });
}

export async function unlinkArticle(db: Kysely<DB>, caseNumber: string, articleNumber: string) {
  const c = await caseOf(db, caseNumber);
  const a = await db.selectFrom('articles').select('id').where('number', '=', articleNumber).executeTakeFirst();
  if (!a) throw notFound(`Article ${articleNumber}`);
  await db.deleteFrom('case_articles').where('case_id', '=', c.id).where('article_id', '=', a.id).execute();
}

/** Published articles that match the case's text, best first, not yet linked. */
export async function suggestionsFor(db: Kysely<DB>, number: string) {
  const c = await caseOf(db, number);
  const ids = await articleSearch(db, [c.short_description, c.product ?? '', c.description.slice(0, 300)].join(' '), 'any', 30);
  if (!ids.length) return [];
  const linked = new Set((await db.selectFrom('case_articles').select('article_id').where('case_id', '=', c.id).execute()).map((r) => r.article_id));
  const rows = await withNames(db).where('articles.id', 'in', ids).where('articles.state', '=', 'published').execute();
  return ids
    .map((id) => rows.find((r) => r.id === id))
    .filter((r): r is RowWithName => !!r && !linked.has(r.id))
    .slice(0, 5)
    .map(summary);
}

/**
 * The "create article after resolution" offer (SPEC §6): with kb.createArticleAfterResolution on,
 * a resolved case without a linked article gets a draft prefilled from its text.
 */
export async function articleDraftOffer(db: Kysely<DB>, number: string) {
  const c = await caseOf(db, number);
  const on = (await getProperty(db, 'kb.createArticleAfterResolution')) === true;
  const linked = await db.selectFrom('case_articles').select('article_id').where('case_id', '=', c.id).limit(1).executeTakeFirst();
  const offer = on && c.resolved === 1 && !linked;
  const reason = !on ? 'kb.createArticleAfterResolution is off' : c.resolved !== 1 ? 'the case is not resolved' : linked ? 'an article is already linked' : null;
  const body = [
    c.description ? `## Problem\n\n${c.description}` : '',
    c.cause ? `## Cause\n\n${c.cause}` : '',
    c.resolution_notes ? `## Solution\n\n${c.resolution_notes}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return { offer, reason, draft: { title: c.short_description, body, product: c.product, category: c.category } };
}
