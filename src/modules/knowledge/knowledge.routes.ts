import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { etag, expectedVersion } from '../../platform/concurrency.js';
import { errors, listOf } from '../../platform/http.js';
import { numberParams } from '../cases/cases.schemas.js';
import * as kb from './knowledge.service.js';
import { markdownToSafeHtml } from './markdown-html.js';

const articleParams = z.strictObject({ number: z.string().max(20).regex(/^KB\d{7,}$/, 'must be an article number like KB0001001') });
const ifMatch = z.object({ 'if-match': z.string().max(100).optional() });

export async function knowledgeRoutes(app: App): Promise<void> {
  const db = app.db;
  const withEtag = <T extends { version: number }>(reply: { header(k: string, v: string): unknown }, dto: T) => {
    reply.header('etag', etag(dto.version));
    return dto;
  };

  app.get('/api/v1/articles', {
    config: { access: 'cases.work' },
    schema: { tags: ['knowledge'], summary: 'Knowledge articles; q searches (every word, prefix), state filters', querystring: kb.articleListQuery, response: { 200: listOf(kb.articleSummarySchema), ...errors } },
    handler: (req) => kb.listArticles(db, req.query),
  });
  app.post('/api/v1/articles', {
    config: { access: 'cases.work' },
    schema: { tags: ['knowledge'], summary: 'Write a draft article (optionally linked to a case)', body: kb.createArticleBody, response: { 201: kb.articleSchema, ...errors } },
    handler: async (req, reply) => reply.status(201).send(withEtag(reply, await kb.createArticle(db, requireUser(req), req.body))),
  });
  app.post('/api/v1/articles/preview', {
    config: { access: 'cases.work' },
    schema: { tags: ['knowledge'], summary: 'Render Markdown the way an article shows it (for the editor’s preview)', body: z.strictObject({ body: z.string().max(200_000) }), response: { 200: z.object({ bodyHtml: z.string() }), ...errors } },
    handler: async (req) => ({ bodyHtml: markdownToSafeHtml(req.body.body) }),
  });
  app.get('/api/v1/articles/:number', {
    config: { access: 'cases.work' },
    schema: { tags: ['knowledge'], summary: 'An article', params: articleParams, response: { 200: kb.articleSchema, ...errors } },
    handler: async (req, reply) => withEtag(reply, await kb.getArticle(db, req.params.number)),
  });
  app.patch('/api/v1/articles/:number', {
    config: { access: 'cases.work' },
    schema: { tags: ['knowledge'], summary: 'Edit an article (the previous text is kept as a version)', params: articleParams, headers: ifMatch, body: kb.updateArticleBody, response: { 200: kb.articleSchema, ...errors } },
    handler: async (req, reply) => withEtag(reply, await kb.updateArticle(db, requireUser(req), req.params.number, req.body, expectedVersion(req))),
  });
  for (const [action, to] of [['publish', 'published'], ['retire', 'retired']] as const) {
    app.post(`/api/v1/articles/:number/${action}`, {
      config: { access: 'cases.work' },
      schema: { tags: ['knowledge'], summary: `${action === 'publish' ? 'Publish a draft' : 'Retire a published article'}`, params: articleParams, headers: ifMatch, body: z.strictObject({}).nullish(), response: { 200: kb.articleSchema, ...errors } },
      handler: async (req, reply) => withEtag(reply, await kb.setArticleState(db, requireUser(req), (req.params as { number: string }).number, to, expectedVersion(req))),
    });
  }
  app.get('/api/v1/articles/:number/versions', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['knowledge'],
      summary: 'Earlier versions of an article, newest first',
      params: articleParams,
      response: { 200: z.object({ items: z.array(z.object({ version: z.number(), title: z.string(), body: z.string(), state: z.string(), editedByName: z.string().nullable(), at: z.string() })) }), ...errors },
    },
    handler: async (req) => ({ items: await kb.articleVersions(db, req.params.number) }),
  });

  app.get('/api/v1/cases/:number/articles', {
    config: { access: 'cases.work' },
    schema: { tags: ['knowledge'], summary: 'Articles linked to a case', params: numberParams, response: { 200: z.object({ items: z.array(kb.articleSummarySchema) }), ...errors } },
    handler: async (req) => ({ items: await kb.caseArticles(db, req.params.number) }),
  });
  app.post('/api/v1/cases/:number/articles', {
    config: { access: 'cases.work' },
    schema: { tags: ['knowledge'], summary: 'Link an article to a case', params: numberParams, body: z.strictObject({ articleNumber: articleParams.shape.number }), response: { 200: z.object({ items: z.array(kb.articleSummarySchema) }), ...errors } },
    handler: async (req) => {
      await kb.linkArticle(db, requireUser(req), req.params.number, req.body.articleNumber);
      return { items: await kb.caseArticles(db, req.params.number) };
    },
  });
  app.delete('/api/v1/cases/:number/articles/:article', {
    config: { access: 'cases.work' },
    schema: { tags: ['knowledge'], summary: 'Unlink an article from a case', params: z.strictObject({ number: numberParams.shape.number, article: articleParams.shape.number }), response: { 204: z.null(), ...errors } },
    handler: async (req, reply) => {
      await kb.unlinkArticle(db, req.params.number, req.params.article);
      return reply.status(204).send(null);
    },
  });
  app.get('/api/v1/cases/:number/article-suggestions', {
    config: { access: 'cases.work' },
    schema: { tags: ['knowledge'], summary: "Published articles matching the case's text (for the resolve dialog)", params: numberParams, response: { 200: z.object({ items: z.array(kb.articleSummarySchema) }), ...errors } },
    handler: async (req) => ({ items: await kb.suggestionsFor(db, req.params.number) }),
  });
  app.get('/api/v1/cases/:number/article-draft', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['knowledge'],
      summary: 'Whether to offer a new article after resolution, with the draft prefilled from the case',
      params: numberParams,
      response: {
        200: z.object({ offer: z.boolean(), reason: z.string().nullable(), draft: z.object({ title: z.string(), body: z.string(), product: z.string().nullable(), category: z.string().nullable() }) }),
        ...errors,
      },
    },
    handler: (req) => kb.articleDraftOffer(db, req.params.number),
  });

  // Customers read published articles in the portal.
  app.get('/api/v1/portal/articles', {
    config: { access: 'portal' },
    schema: { tags: ['portal'], summary: 'Search published knowledge articles', querystring: kb.articleListQuery.omit({ state: true }), response: { 200: listOf(kb.articleSummarySchema), ...errors } },
    handler: (req) => kb.listArticles(db, req.query, true),
  });
  app.get('/api/v1/portal/articles/:number', {
    config: { access: 'portal' },
    schema: { tags: ['portal'], summary: 'A published knowledge article', params: articleParams, response: { 200: kb.articleSchema, ...errors } },
    handler: (req) => kb.getArticle(db, req.params.number, true),
  });
}
