import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { booleanQuery, errors, idParams } from '../../platform/http.js';
import { listNotifications, markRead, notificationSchema } from './notifications.service.js';

export async function notificationsRoutes(app: App): Promise<void> {
  app.get('/api/v1/me/notifications', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['notifications'],
      summary: 'My notifications, newest first, with the unread count',
      querystring: z.strictObject({ unread: booleanQuery.optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: z.object({ items: z.array(notificationSchema), nextCursor: z.string().nullable(), unreadCount: z.number() }), ...errors },
    },
    handler: (req) => listNotifications(app.db, requireUser(req).id, req.query),
  });
  app.post('/api/v1/me/notifications/:id/read', {
    config: { access: 'authenticated' },
    schema: { tags: ['notifications'], summary: 'Mark one notification read', params: idParams, response: { 204: z.null(), ...errors } },
    handler: async (req, reply) => {
      await markRead(app.db, requireUser(req).id, req.params.id);
      return reply.status(204).send(null);
    },
  });
  app.post('/api/v1/me/notifications/read-all', {
    config: { access: 'authenticated' },
    schema: { tags: ['notifications'], summary: 'Mark all my notifications read', response: { 204: z.null(), ...errors } },
    handler: async (req, reply) => {
      await markRead(app.db, requireUser(req).id, 'all');
      return reply.status(204).send(null);
    },
  });
}
