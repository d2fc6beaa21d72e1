import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { errors } from '../../platform/http.js';
import { numberParams } from '../cases/cases.schemas.js';
import * as watchers from './watchers.service.js';

// A case's watch list (staff users and extra email addresses who get digest mails of its updates).
export async function watchersRoutes(app: App): Promise<void> {
  const db = app.db;

  app.get('/api/v1/cases/:number/watchers', {
    config: { access: 'cases.work' },
    schema: { tags: ['cases'], summary: "The case's watch list", params: numberParams, response: { 200: z.object({ items: z.array(watchers.watcherSchema) }), ...errors } },
    handler: async (req) => ({ items: await watchers.listWatchers(db, req.params.number) }),
  });

  app.post('/api/v1/cases/:number/watchers', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['cases'],
      summary: 'Add a staff user ({userId}) or an email address ({email}) to the watch list; they get digest mails of the case’s updates',
      params: numberParams,
      body: watchers.addWatcherBody,
      response: { 201: watchers.watcherSchema, ...errors },
    },
    handler: async (req, reply) => reply.status(201).send(await watchers.addWatcher(db, requireUser(req), req.params.number, req.body)),
  });

  app.delete('/api/v1/cases/:number/watchers/:id', {
    config: { access: 'cases.work' },
    schema: { tags: ['cases'], summary: 'Take someone off the watch list', params: watchers.watcherParams, response: { 204: z.null(), ...errors } },
    handler: async (req, reply) => {
      await watchers.removeWatcher(db, requireUser(req), req.params.number, req.params.id);
      return reply.status(204).send(null);
    },
  });
}
