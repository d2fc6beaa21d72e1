import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { FileStore, sendDownload, uploadedFiles } from '../../platform/files.js';
import { errors, idParams } from '../../platform/http.js';
import { getProperty } from '../settings/settings.service.js';
import { numberParams } from './cases.schemas.js';
import * as conversation from './conversation.service.js';

export async function conversationRoutes(app: App): Promise<void> {
  const db = app.db;
  const store = new FileStore(app.config.dataDir, 'attachments');

  app.post('/api/v1/cases/:number/comments', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['conversation'],
      summary: 'Add a customer-visible comment or an internal work note (optionally with uploaded attachments)',
      params: numberParams,
      body: conversation.createCommentBody,
      response: { 201: conversation.commentSchema, ...errors },
    },
    handler: async (req, reply) => reply.status(201).send(await conversation.addComment(db, requireUser(req), req.params.number, req.body)),
  });

  app.get('/api/v1/cases/:number/timeline', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['conversation'],
      summary: 'The case history, newest first: comments, activities, field and status changes',
      params: numberParams,
      querystring: z.strictObject({ filter: z.enum(conversation.TIMELINE_FILTERS).default('all'), cursor: z.string().max(100).optional() }),
      response: { 200: z.object({ items: z.array(conversation.timelineEntrySchema), nextCursor: z.string().nullable() }), ...errors },
    },
    handler: (req) => conversation.timeline(db, req.params.number, req.query.filter, req.query.cursor),
  });

  app.get('/api/v1/cases/:number/attachments', {
    config: { access: 'cases.work' },
    schema: { tags: ['conversation'], summary: "The case's attachments", params: numberParams, response: { 200: z.object({ items: z.array(conversation.attachmentSchema) }), ...errors } },
    handler: async (req) => ({ items: await conversation.listAttachments(db, req.params.number) }),
  });

  app.post('/api/v1/cases/:number/attachments', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['conversation'],
      summary: 'Upload files (multipart, field "file", one or more); link them to a comment with attachmentIds',
      params: numberParams,
      consumes: ['multipart/form-data'],
      response: { 201: z.object({ items: z.array(conversation.attachmentSchema) }), ...errors },
    },
    handler: async (req, reply) => {
      const parts = uploadedFiles(req, Number(await getProperty(db, 'attachments.maxBytes')), Math.min(10, Number(await getProperty(db, 'attachments.maxFilesPerRequest'))));
      const items = await conversation.addAttachments(db, store, requireUser(req), req.params.number, parts);
      return reply.status(201).send({ items });
    },
  });

  app.get('/api/v1/attachments/:id', {
    config: { access: 'cases.work' },
    schema: { tags: ['conversation'], summary: 'Download an attachment', params: idParams, response: { ...errors } },
    handler: async (req, reply) => {
      const a = await conversation.getAttachment(db, req.params.id);
      return sendDownload(reply, store, { sha256: a.sha256, size: a.size, contentType: a.content_type, fileName: a.file_name });
    },
  });
}
