import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { etag, expectedVersion } from '../../platform/concurrency.js';
import { errors, idParams } from '../../platform/http.js';
import * as c from './configurations.service.js';

export async function reviewConfigRoutes(app: App): Promise<void> {
  const db = app.db;
  const renderer = app.documentRenderer;

  app.get('/api/v1/review-configurations', {
    config: { access: 'reviews.work' },
    schema: { tags: ['review configuration'], summary: 'Review configurations (ordinary and major cases)', response: { 200: z.object({ items: z.array(c.configurationSchema) }), ...errors } },
    handler: async () => ({ items: await c.listConfigurations(db) }),
  });
  app.get('/api/v1/review-configurations/:id', {
    config: { access: 'reviews.work' },
    schema: { tags: ['review configuration'], summary: 'A review configuration', params: idParams, response: { 200: c.configurationSchema, ...errors } },
    handler: async (req, reply) => {
      const dto = await c.getConfiguration(db, req.params.id);
      return reply.header('etag', etag(dto.version)).send(dto);
    },
  });
  app.patch('/api/v1/review-configurations/:id', {
    config: { access: 'reviews.configure' },
    schema: {
      tags: ['review configuration'],
      summary: 'Change field mappings, template, approval workflow and policy, customer visibility default',
      params: idParams,
      headers: z.object({ 'if-match': z.string().max(100).optional() }),
      body: c.updateConfigurationBody,
      response: { 200: c.configurationSchema, ...errors },
    },
    handler: async (req, reply) => {
      const dto = await c.updateConfiguration(db, requireUser(req), req.params.id, req.body, expectedVersion(req));
      return reply.header('etag', etag(dto.version)).send(dto);
    },
  });

  app.get('/api/v1/document-templates', {
    config: { access: 'reviews.configure' },
    schema: { tags: ['review configuration'], summary: 'Typst document templates', response: { 200: z.object({ items: z.array(c.documentTemplateSchema) }), ...errors } },
    handler: async () => ({ items: await c.listTemplates(db) }),
  });
  app.post('/api/v1/document-templates', {
    config: { access: 'reviews.configure' },
    schema: { tags: ['review configuration'], summary: 'Add a template (saved only when it compiles)', body: c.createTemplateBody, response: { 201: c.documentTemplateSchema, ...errors } },
    handler: async (req, reply) => reply.status(201).send(await c.createDocumentTemplate(db, renderer, requireUser(req), req.body)),
  });
  app.get('/api/v1/document-templates/:id', {
    config: { access: 'reviews.configure' },
    schema: { tags: ['review configuration'], summary: 'A document template', params: idParams, response: { 200: c.documentTemplateSchema, ...errors } },
    handler: async (req, reply) => {
      const dto = await c.getDocumentTemplate(db, req.params.id);
      return reply.header('etag', etag(dto.version)).send(dto);
    },
  });
  app.patch('/api/v1/document-templates/:id', {
    config: { access: 'reviews.configure' },
    schema: {
      tags: ['review configuration'],
      summary: 'Change a template; a source that does not compile is refused (400 with line and column) and the old one stays',
      params: idParams,
      headers: z.object({ 'if-match': z.string().max(100).optional() }),
      body: c.updateTemplateBody,
      response: { 200: c.documentTemplateSchema, ...errors },
    },
    handler: async (req, reply) => {
      const dto = await c.updateDocumentTemplate(db, renderer, requireUser(req), req.params.id, req.body, expectedVersion(req));
      return reply.header('etag', etag(dto.version)).send(dto);
    },
  });
  app.post('/api/v1/document-templates/preview', {
    config: { access: 'reviews.configure' },
    schema: {
      tags: ['review configuration'],
      summary: 'Render a template source on sample data to PDF (400 with line and column when it does not compile)',
      body: z.strictObject({ source: z.string().min(1).max(200_000), major: z.boolean().optional() }),
      produces: ['application/pdf'],
      response: { ...errors },
    },
    handler: async (req, reply) => {
      const pdf = renderer.validate(req.body.source, c.sampleDocumentData({ major: req.body.major }));
      return reply.header('content-type', 'application/pdf').header('cache-control', 'no-store').send(pdf as never);
    },
  });
}
