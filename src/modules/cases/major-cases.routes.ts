import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { etag, expectedVersion } from '../../platform/concurrency.js';
import { errors } from '../../platform/http.js';
import { caseSchema, numberParams, resolveBody } from './cases.schemas.js';
import * as cases from './cases.service.js';
import * as major from './major-cases.service.js';

export async function majorCasesRoutes(app: App): Promise<void> {
  const db = app.db;
  const sendCase = async (req: Parameters<typeof requireUser>[0], reply: { header(k: string, v: string): unknown }, number: string) => {
    const dto = await cases.getCase(db, requireUser(req), number);
    reply.header('etag', etag(dto.version));
    return dto;
  };

  app.post('/api/v1/cases/:number/major', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['major cases'],
      summary: 'Mark a case major, or unmark it while it has no children (manager, major issue manager)',
      params: numberParams,
      headers: z.object({ 'if-match': z.string().max(100).optional() }),
      body: z.strictObject({ major: z.boolean() }),
      response: { 200: caseSchema, ...errors },
    },
    handler: async (req, reply) => {
      await major.setMajor(db, requireUser(req), req.params.number, req.body.major, expectedVersion(req));
      return sendCase(req, reply, req.params.number);
    },
  });
  app.get('/api/v1/cases/:number/children', {
    config: { access: 'cases.work' },
    schema: { tags: ['major cases'], summary: 'The child cases of a major case, with their accounts, statuses and reviews', params: numberParams, response: { 200: z.object({ items: z.array(major.childSchema) }), ...errors } },
    handler: async (req) => ({ items: await major.listChildren(db, req.params.number) }),
  });
  app.post('/api/v1/cases/:number/children', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['major cases'],
      summary: 'Link cases (of any account) as children of a major case',
      params: numberParams,
      body: z.strictObject({ caseNumbers: z.array(z.string().max(20).regex(/^CS\d{7,}$/, 'must be case numbers')).min(1).max(500) }),
      response: { 200: z.object({ items: z.array(major.childSchema) }), ...errors },
    },
    handler: async (req) => {
      await major.linkChildren(db, requireUser(req), req.params.number, req.body.caseNumbers);
      return { items: await major.listChildren(db, req.params.number) };
    },
  });
  app.delete('/api/v1/cases/:number/children/:child', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['major cases'],
      summary: 'Unlink a child case',
      params: z.strictObject({ number: numberParams.shape.number, child: numberParams.shape.number }),
      response: { 204: z.null(), ...errors },
    },
    handler: async (req, reply) => {
      await major.unlinkChild(db, requireUser(req), req.params.number, req.params.child);
      return reply.status(204).send(null);
    },
  });
  app.post('/api/v1/cases/:number/resolve-with-children', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['major cases'],
      summary: 'Resolve the major case and all its open children with one resolution (one transaction)',
      params: numberParams,
      body: resolveBody,
      response: { 200: z.object({ resolved: z.array(z.string()), case: caseSchema }), ...errors },
    },
    handler: async (req, reply) => {
      const resolved = await major.resolveWithChildren(db, requireUser(req), req.params.number, req.body);
      return { resolved, case: await sendCase(req, reply, req.params.number) };
    },
  });
}
