import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { etag, expectedVersion } from '../../platform/concurrency.js';
import { AppError } from '../../platform/errors.js';
import { errors, idParams, listOf } from '../../platform/http.js';
import { MAX_INBOUND_BYTES, receiveEmail } from './inbound.service.js';
import { releaseHeld } from './messages.service.js';
import { listOutbox, outboxItemSchema, retryMail } from './outbox.service.js';
import * as templates from './templates.service.js';

const inboundResultSchema = z.object({
  outcome: z.enum(['added', 'created', 'held', 'auto', 'duplicate', 'rejected']),
  caseNumber: z.string().nullable(),
  messageId: z.number().nullable(),
  reason: z.string().nullable(),
});

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export async function mailRoutes(app: App): Promise<void> {
  const db = app.db;

  // Raw MIME in; the route checks its own token (mail gateways have no user session).
  app.addContentTypeParser(['message/rfc822', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: MAX_INBOUND_BYTES }, (_req, body, done) => done(null, body));
  app.post('/api/v1/inbound/email', {
    config: { access: 'public' },
    bodyLimit: MAX_INBOUND_BYTES,
    schema: {
      tags: ['mail'],
      summary: 'Receive one email as raw MIME (Content-Type: message/rfc822), with Authorization: Bearer <CASEBOOK_INBOUND_TOKEN>',
      consumes: ['message/rfc822', 'application/octet-stream', 'text/plain'],
      response: { 200: inboundResultSchema, ...errors },
    },
    handler: async (req) => {
      const token = app.config.inboundToken;
      if (!token) throw new AppError('not_found', 'The inbound email endpoint is off: set CASEBOOK_INBOUND_TOKEN to enable it');
      if (!tokenMatches(req.headers.authorization, token)) throw new AppError('unauthenticated', 'A valid inbound token is required');
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.from(String(req.body ?? ''), 'utf8');
      return receiveEmail(db, app.config.dataDir, raw);
    },
  });

  app.get('/api/v1/outbox', {
    config: { access: 'mail.manage' },
    schema: {
      tags: ['mail'],
      summary: 'Outgoing mail with its delivery state',
      querystring: z.strictObject({ state: z.enum(['queued', 'sending', 'sent', 'failed']).optional(), cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: listOf(outboxItemSchema), ...errors },
    },
    handler: (req) => listOutbox(db, req.query),
  });
  app.post('/api/v1/outbox/:id/retry', {
    config: { access: 'mail.manage' },
    schema: { tags: ['mail'], summary: 'Queue a failed mail again', params: idParams, response: { 204: z.null(), ...errors } },
    handler: async (req, reply) => {
      await retryMail(db, req.params.id);
      return reply.status(204).send(null);
    },
  });

  app.get('/api/v1/email-templates', {
    config: { access: 'mail.manage' },
    schema: { tags: ['mail'], summary: 'Email templates', response: { 200: z.object({ items: z.array(templates.emailTemplateSchema) }), ...errors } },
    handler: async () => ({ items: await templates.listTemplates(db) }),
  });
  app.get('/api/v1/email-templates/:key', {
    config: { access: 'mail.manage' },
    schema: { tags: ['mail'], summary: 'One email template', params: z.strictObject({ key: z.string().max(60) }), response: { 200: templates.emailTemplateSchema, ...errors } },
    handler: async (req, reply) => {
      const t = await templates.getTemplate(db, req.params.key);
      return reply.header('etag', etag(t.version)).send(t);
    },
  });
  app.patch('/api/v1/email-templates/:key', {
    config: { access: 'mail.manage' },
    schema: {
      tags: ['mail'],
      summary: 'Change an email template (Liquid; checked before it is saved)',
      params: z.strictObject({ key: z.string().max(60) }),
      headers: z.object({ 'if-match': z.string().max(100).optional() }),
      body: templates.templateBody,
      response: { 200: templates.emailTemplateSchema, ...errors },
    },
    handler: async (req, reply) => {
      const t = await templates.updateTemplate(db, requireUser(req), req.params.key, req.body, expectedVersion(req));
      return reply.header('etag', etag(t.version)).send(t);
    },
  });
  app.post('/api/v1/email-templates/preview', {
    config: { access: 'mail.manage' },
    schema: {
      tags: ['mail'],
      summary: 'Render a template on sample data without saving it',
      body: templates.templateBody,
      response: { 200: z.object({ subject: z.string(), text: z.string(), html: z.string() }), ...errors },
    },
    handler: async (req) => templates.previewTemplate(req.body),
  });

  app.post('/api/v1/messages/:id/release', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['mail'],
      summary: "Add a held message (from someone who is not a participant) to the case's conversation",
      params: idParams,
      response: { 204: z.null(), ...errors },
    },
    handler: async (req, reply) => {
      await releaseHeld(db, requireUser(req), req.params.id);
      return reply.status(204).send(null);
    },
  });
}
