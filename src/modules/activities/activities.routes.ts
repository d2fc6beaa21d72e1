import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { etag, expectedVersion } from '../../platform/concurrency.js';
import { errors, idParams } from '../../platform/http.js';
import { numberParams } from '../cases/cases.schemas.js';
import * as activities from './activities.service.js';

export async function activitiesRoutes(app: App): Promise<void> {
  const db = app.db;
  app.get('/api/v1/cases/:number/activities', {
    config: { access: 'cases.work' },
    schema: { tags: ['activities'], summary: "A case's activities, open ones first", params: numberParams, response: { 200: z.object({ items: z.array(activities.activitySchema) }), ...errors } },
    handler: async (req) => ({ items: await activities.listActivities(db, req.params.number) }),
  });
  app.post('/api/v1/cases/:number/activities', {
    config: { access: 'cases.work' },
    schema: { tags: ['activities'], summary: 'Add a task, phone call, appointment or email activity', params: numberParams, body: activities.createActivityBody, response: { 201: activities.activitySchema, ...errors } },
    handler: async (req, reply) => {
      const a = await activities.createActivity(db, requireUser(req), req.params.number, req.body);
      return reply.status(201).header('etag', etag(a.version)).send(a);
    },
  });
  app.patch('/api/v1/activities/:id', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['activities'],
      summary: 'Edit, complete, cancel or reopen an activity (If-Match: version)',
      params: idParams,
      headers: z.object({ 'if-match': z.string().max(100).optional() }),
      body: activities.updateActivityBody,
      response: { 200: activities.activitySchema, ...errors },
    },
    handler: async (req, reply) => {
      const a = await activities.updateActivity(db, requireUser(req), req.params.id, req.body, expectedVersion(req));
      return reply.header('etag', etag(a.version)).send(a);
    },
  });
}
