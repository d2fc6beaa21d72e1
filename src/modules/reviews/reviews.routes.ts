import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { etag, expectedVersion } from '../../platform/concurrency.js';
import { FileStore } from '../../platform/files.js';
import { errors, listOf } from '../../platform/http.js';
import { numberParams } from '../cases/cases.schemas.js';
import * as publishing from './review-publishing.service.js';
import * as s from './reviews.schemas.js';
import * as reviews from './reviews.service.js';
import * as majorReviews from './major-reviews.service.js';

const ifMatch = z.object({ 'if-match': z.string().max(100).optional() });

export async function reviewsRoutes(app: App): Promise<void> {
  const db = app.db;
  const store = new FileStore(app.config.dataDir, 'documents');
  const renderer = app.documentRenderer;
  const send = async (req: Parameters<typeof requireUser>[0], reply: { header(k: string, v: string): unknown }, number: string) => {
    const dto = await reviews.getReview(db, requireUser(req), number);
    reply.header('etag', etag(dto.version));
    return dto;
  };
  const num = (req: { params: unknown }) => (req.params as { number: string }).number;

  app.post('/api/v1/cases/:number/review', {
    config: { access: 'reviews.work' },
    schema: {
      tags: ['reviews'],
      summary: 'Create Post Case Review: from a resolved case, one per case (409 if it exists, 422 if not allowed)',
      params: numberParams,
      response: { 201: s.reviewSchema, ...errors },
    },
    handler: async (req, reply) => {
      const number = await reviews.createReview(db, requireUser(req), req.params.number);
      reply.status(201);
      return send(req, reply, number);
    },
  });

  app.get('/api/v1/reviews', {
    config: { access: 'reviews.work' },
    schema: { tags: ['reviews'], summary: 'Reviews; assignedTo=me (My reviews), approver=me (My approvals), state=…', querystring: s.reviewListQuery, response: { 200: listOf(s.reviewSummarySchema), ...errors } },
    handler: (req) => reviews.listReviews(db, requireUser(req), req.query),
  });
  app.get('/api/v1/reviews/:number', {
    config: { access: 'reviews.work' },
    schema: { tags: ['reviews'], summary: 'A post case review', params: s.reviewNumberParams, response: { 200: s.reviewSchema, ...errors } },
    handler: (req, reply) => send(req, reply, req.params.number),
  });
  app.patch('/api/v1/reviews/:number', {
    config: { access: 'reviews.work' },
    schema: {
      tags: ['reviews'],
      summary: 'Edit a review (new and in progress only; 409 while locked)',
      params: s.reviewNumberParams,
      headers: ifMatch,
      body: s.updateReviewBody,
      response: { 200: s.reviewSchema, ...errors },
    },
    handler: async (req, reply) => {
      await reviews.updateReview(db, requireUser(req), req.params.number, req.body, expectedVersion(req));
      return send(req, reply, req.params.number);
    },
  });

  const action = <B extends z.ZodType>(name: string, summary: string, body: B, run: (req: any, b: z.infer<B>, v: number | undefined) => Promise<unknown>) =>
    app.post(`/api/v1/reviews/:number/${name}`, {
      config: { access: 'reviews.work' },
      schema: { tags: ['review actions'], summary, params: s.reviewNumberParams, headers: ifMatch, body, response: { 200: s.reviewSchema, ...errors } },
      handler: async (req, reply) => {
        await run(req, req.body as z.infer<B>, expectedVersion(req));
        return send(req, reply, num(req));
      },
    });
  action('request-approval', 'Request approval from a group and/or users; locks the review', s.requestApprovalBody, (req, b, v) => reviews.requestApproval(db, requireUser(req), num(req), b ?? {}, v));
  action('approve', 'Approve (named approvers only); policy any or all', s.approveBody, (req, b, v) => reviews.approve(db, requireUser(req), num(req), b ?? {}, v));
  action('suggest-changes', 'Suggest changes with a work note (named approvers only); back to in progress', s.suggestChangesBody, (req, b, v) => reviews.suggestChanges(db, requireUser(req), num(req), b, v));
  action('publish', 'Publish to case: a new immutable document version and a link comment on the case', z.strictObject({}).nullish(), (req, _b, v) =>
    publishing.publishReview(db, renderer, store, requireUser(req), num(req), v),
  );
  action('reopen', 'Reopen a published review for edits', z.strictObject({}).nullish(), (req, _b, v) => reviews.reopenReview(db, requireUser(req), num(req), v));

  app.post('/api/v1/reviews/:number/copy-to-children', {
    config: { access: 'reviews.work' },
    schema: {
      tags: ['review actions'],
      summary: "Copy a major case's review to its child cases (all or some; publish now or leave approved); per-child result",
      params: s.reviewNumberParams,
      body: majorReviews.copyBody,
      response: { 200: z.object({ items: z.array(majorReviews.copyResultSchema), review: s.reviewSchema }), ...errors },
    },
    handler: async (req, reply) => {
      const items = await majorReviews.copyToChildren(db, renderer, store, requireUser(req), req.params.number, req.body ?? {});
      return { items, review: await send(req, reply, req.params.number) };
    },
  });

  app.post('/api/v1/reviews/:number/work-notes', {
    config: { access: 'reviews.work' },
    schema: { tags: ['reviews'], summary: 'Add a work note; the work notes list is notified', params: s.reviewNumberParams, body: s.workNoteBody, response: { 200: s.reviewSchema, ...errors } },
    handler: async (req, reply) => {
      await reviews.addWorkNote(db, requireUser(req), req.params.number, req.body.body);
      return send(req, reply, req.params.number);
    },
  });
  app.get('/api/v1/reviews/:number/history', {
    config: { access: 'reviews.work' },
    schema: { tags: ['reviews'], summary: 'Activity history: changes, decisions, work notes, publications', params: s.reviewNumberParams, response: { 200: z.object({ items: z.array(s.historyEntrySchema) }), ...errors } },
    handler: async (req) => ({ items: await reviews.reviewHistory(db, req.params.number) }),
  });
  app.get('/api/v1/reviews/:number/preview', {
    config: { access: 'reviews.work' },
    schema: { tags: ['reviews'], summary: 'The current record rendered to PDF (nothing is published)', params: s.reviewNumberParams, produces: ['application/pdf'], response: { ...errors } },
    handler: async (req, reply) => {
      const pdf = await publishing.previewReview(db, renderer, requireUser(req), req.params.number);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="${req.params.number}-preview.pdf"`)
        .header('cache-control', 'no-store')
        .send(pdf as never);
    },
  });
  app.get('/api/v1/reviews/:number/documents', {
    config: { access: 'reviews.work' },
    schema: { tags: ['reviews'], summary: 'Every published version', params: s.reviewNumberParams, response: { 200: z.object({ items: z.array(s.documentSchema) }), ...errors } },
    handler: async (req) => ({ items: await publishing.listDocuments(db, req.params.number) }),
  });

  app.get('/api/v1/documents/:id', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['reviews'],
      summary: 'A published review document (PDF). Customers: the newest customer-visible version of their case’s review only',
      params: z.strictObject({ id: z.coerce.number().int().positive() }),
      produces: ['application/pdf'],
      response: { ...errors },
    },
    handler: async (req, reply) => {
      const d = await publishing.documentFor(db, req.principal!, req.params.id);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="${d.fileName}"`)
        .header('content-length', String(d.size))
        .header('x-content-type-options', 'nosniff')
        .send(store.open(d.sha256) as never);
    },
  });
}
