// Knowledge base types and endpoints (SPEC §6), following src/modules/knowledge/knowledge.routes.ts.
import { request, type Page } from '../api';

export const ARTICLE_STATES = ['draft', 'published', 'retired'] as const;
export type ArticleState = (typeof ARTICLE_STATES)[number];

export interface Article {
  id: number;
  number: string;
  title: string;
  /** Markdown as written. */
  body: string;
  /** Safe HTML the server rendered from the body (raw HTML escaped, only http/https/mailto links). */
  bodyHtml: string;
  product: string | null;
  category: string | null;
  state: ArticleState;
  publishedAt: string | null;
  retiredAt: string | null;
  updatedByName: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export type ArticleSummary = Omit<Article, 'body' | 'bodyHtml'> & { excerpt: string };

export interface ArticleVersion {
  version: number;
  title: string;
  body: string;
  state: string;
  editedByName: string | null;
  at: string;
}

export interface ArticleDraftOffer {
  offer: boolean;
  reason: string | null;
  draft: { title: string; body: string; product: string | null; category: string | null };
}

export interface NewArticle {
  title: string;
  body: string;
  product?: string;
  category?: string;
  caseNumber?: string;
}

export const kbKeys = {
  /** Shared with useRecordForm's detail key of the "articles" resource. */
  detail: (number: string) => ['articles', 'detail', number] as const,
  versions: (number: string) => ['articles', 'versions', number] as const,
  caseLinks: (caseNumber: string) => ['cases', 'articles', caseNumber] as const,
  suggestions: (caseNumber: string) => ['cases', 'article-suggestions', caseNumber] as const,
  portal: ['portal', 'articles'] as const,
};

export const knowledgeApi = {
  create: (body: NewArticle) => request<Article>('POST', '/articles', { body }),
  /** Publish a draft or retire a published article, with the version read as If-Match. */
  transition: (a: Pick<Article, 'number' | 'version'>, action: 'publish' | 'retire') =>
    request<Article>('POST', `/articles/${a.number}/${action}`, { body: {}, version: a.version }),
  versions: (number: string) => request<{ items: ArticleVersion[] }>('GET', `/articles/${number}/versions`),

  caseArticles: (caseNumber: string) => request<{ items: ArticleSummary[] }>('GET', `/cases/${caseNumber}/articles`),
  link: (caseNumber: string, articleNumber: string) => request<{ items: ArticleSummary[] }>('POST', `/cases/${caseNumber}/articles`, { body: { articleNumber } }),
  unlink: (caseNumber: string, articleNumber: string) => request<void>('DELETE', `/cases/${caseNumber}/articles/${articleNumber}`),
  suggestions: (caseNumber: string) => request<{ items: ArticleSummary[] }>('GET', `/cases/${caseNumber}/article-suggestions`),
  draftOffer: (caseNumber: string) => request<ArticleDraftOffer>('GET', `/cases/${caseNumber}/article-draft`),
  search: (q: string, state?: ArticleState) => request<Page<ArticleSummary>>('GET', '/articles', { query: { q, state, limit: 10 } }),

  portalList: (q: string, cursor?: string | null) => request<Page<ArticleSummary>>('GET', '/portal/articles', { query: { q, cursor, limit: 20 } }),
  portalGet: (number: string) => request<Article>('GET', `/portal/articles/${number}`),
};
