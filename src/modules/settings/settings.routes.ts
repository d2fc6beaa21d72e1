import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { listAudit } from '../../platform/audit.js';
import { etag, expectedVersion } from '../../platform/concurrency.js';
import { errors } from '../../platform/http.js';
import * as settings from './settings.service.js';

const propertySchema = z.object({
  key: z.string(),
  type: z.enum(['string', 'integer', 'boolean']),
  value: z.union([z.string(), z.number(), z.boolean()]),
  description: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});

const auditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actorType: z.string(),
  actorId: z.number().nullable(),
  entity: z.string(),
  entityId: z.number(),
  action: z.string(),
  field: z.string().nullable(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
});

export async function settingsRoutes(app: App): Promise<void> {
  app.get('/api/v1/properties', {
    config: { access: 'properties.read' },
    schema: { tags: ['settings'], summary: 'System properties', response: { 200: z.object({ items: z.array(propertySchema) }), ...errors } },
    handler: async () => ({ items: await settings.listProperties(app.db) }),
  });

  app.patch('/api/v1/properties/:key', {
    config: { access: 'properties.manage' },
    schema: {
      tags: ['settings'],
      summary: 'Change a system property (typed value)',
      params: z.strictObject({ key: z.string().max(120) }),
      headers: z.object({ 'if-match': z.string().max(100).optional() }),
      body: z.strictObject({ value: z.union([z.string().max(2000, 'must be at most 2000 characters'), z.number(), z.boolean()]) }),
      response: { 200: propertySchema, ...errors },
    },
    handler: async (req, reply) => {
      const p = await settings.updateProperty(app.db, requireUser(req), req.params.key, req.body.value, expectedVersion(req));
      return reply.header('etag', etag(p.version)).send(p);
    },
  });

  app.get('/api/v1/audit', {
    config: { access: 'audit.read' },
    schema: {
      tags: ['settings'],
      summary: 'The audit trail of one record (who, when, field, old → new), newest first',
      querystring: z.strictObject({
        entity: z.enum(['user', 'group', 'account', 'contact', 'asset', 'property', 'status', 'process', 'queue', 'case', 'activity', 'review', 'calendar', 'sla_policy', 'article']),
        entityId: z.coerce.number().int().min(0),
      }),
      response: { 200: z.object({ items: z.array(auditEntrySchema) }), ...errors },
    },
    handler: async (req) => ({ items: await listAudit(app.db, req.query.entity, req.query.entityId) }),
  });
}
