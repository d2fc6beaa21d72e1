import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { AppError } from '../../platform/errors.js';
import { FileStore, sendDownload, uploadedFiles } from '../../platform/files.js';
import { errors, idParams, listOf } from '../../platform/http.js';
import { getProperty } from '../settings/settings.service.js';
import { numberParams } from '../cases/cases.schemas.js';
import * as portal from './portal.service.js';

const customer = (req: { principal: unknown }) => {
  const p = req.principal as portal.Customer | null;
  if (!p || p.type !== 'contact') throw new AppError('forbidden', 'The portal is for customers');
  return p;
};

export async function portalRoutes(app: App): Promise<void> {
  const db = app.db;
  const store = new FileStore(app.config.dataDir, 'attachments');

  app.get('/api/v1/portal/cases', {
    config: { access: 'portal' },
    schema: {
      tags: ['portal'],
      summary: 'My cases (or my account’s, where the company allows it), most recently updated first',
      querystring: z.strictObject({ cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(100).default(25) }),
      response: { 200: listOf(portal.portalCaseSchema), ...errors },
    },
    handler: (req) => portal.listPortalCases(db, customer(req), req.query),
  });
  app.post('/api/v1/portal/cases', {
    config: { access: 'portal' },
    schema: { tags: ['portal'], summary: 'Open a new case', body: portal.createPortalCaseBody, response: { 201: portal.portalCaseDetailSchema, ...errors } },
    handler: async (req, reply) => reply.status(201).send(await portal.createPortalCase(db, customer(req), req.body)),
  });
  app.get('/api/v1/portal/cases/:number', {
    config: { access: 'portal' },
    schema: { tags: ['portal'], summary: 'One of my cases with its conversation', params: numberParams, response: { 200: portal.portalCaseDetailSchema, ...errors } },
    handler: (req) => portal.getPortalCase(db, customer(req), req.params.number),
  });
  app.get('/api/v1/portal/cases/:number/documents', {
    config: { access: 'portal' },
    schema: { tags: ['portal'], summary: 'The published review documents of my case (newest version)', params: numberParams, response: { 200: z.object({ items: z.array(portal.portalDocumentSchema) }), ...errors } },
    handler: async (req) => ({ items: await portal.portalCaseDocuments(db, customer(req), req.params.number) }),
  });
  app.post('/api/v1/portal/cases/:number/comments', {
    config: { access: 'portal' },
    schema: { tags: ['portal'], summary: 'Write on my case (a waiting or resolved case reopens)', params: numberParams, body: portal.portalReplyBody, response: { 201: portal.portalCaseDetailSchema, ...errors } },
    handler: async (req, reply) => reply.status(201).send(await portal.replyFromPortal(db, customer(req), req.params.number, req.body)),
  });
  app.post('/api/v1/portal/cases/:number/attachments', {
    config: { access: 'portal' },
    schema: {
      tags: ['portal'],
      summary: 'Upload files to my case (multipart field "file"); send their ids with a reply',
      params: numberParams,
      consumes: ['multipart/form-data'],
      response: { 201: z.object({ items: z.array(portal.portalAttachmentSchema) }), ...errors },
    },
    handler: async (req, reply) => {
      const parts = uploadedFiles(req, Number(await getProperty(db, 'attachments.maxBytes')), Math.min(10, Number(await getProperty(db, 'attachments.maxFilesPerRequest'))));
      const items = await portal.uploadFromPortal(db, store, customer(req), req.params.number, parts);
      return reply.status(201).send({ items });
    },
  });
  app.get('/api/v1/portal/attachments/:id', {
    config: { access: 'portal' },
    schema: { tags: ['portal'], summary: 'Download a file of my case', params: idParams, response: { ...errors } },
    handler: async (req, reply) => {
      const a = await portal.portalAttachment(db, customer(req), req.params.id);
      return sendDownload(reply, store, { sha256: a.sha256, size: a.size, contentType: a.content_type, fileName: a.file_name });
    },
  });
}
