import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { registerCrudRoutes } from '../../platform/crud-routes.js';
import { errors, idParams } from '../../platform/http.js';
import * as queues from '../queues/queues.service.js';
import * as processes from './processes.service.js';
import * as statuses from './statuses.service.js';

// Admin configuration of the case workflow: statuses, processes, queues.

export async function workflowConfigRoutes(app: App): Promise<void> {
  const db = app.db;
  registerCrudRoutes(app, {
    path: '/api/v1/statuses',
    tag: 'configuration',
    noun: 'status',
    readAccess: 'workflow.read',
    manageAccess: 'workflow.manage',
    schema: statuses.statusSchema,
    listQuery: statuses.statusListQuery,
    createBody: statuses.createStatusBody,
    updateBody: statuses.updateStatusBody,
    list: async () => ({ items: await statuses.listStatuses(db), nextCursor: null }),
    get: (_req, id) => statuses.getStatus(db, id),
    create: (req, body) => statuses.createStatus(db, requireUser(req), body),
    update: (req, id, body, expected) => statuses.updateStatus(db, requireUser(req), id, body, expected),
  });
  app.delete('/api/v1/statuses/:id', {
    config: { access: 'workflow.manage' },
    schema: { tags: ['configuration'], summary: 'Delete a status no case uses (system statuses stay)', params: idParams, response: { 204: z.null(), ...errors } },
    handler: async (req, reply) => {
      await statuses.deleteStatus(db, requireUser(req), req.params.id);
      return reply.status(204).send(null);
    },
  });

  registerCrudRoutes(app, {
    path: '/api/v1/processes',
    tag: 'configuration',
    noun: 'process',
    readAccess: 'workflow.read',
    manageAccess: 'workflow.manage',
    schema: processes.processSchema,
    listQuery: processes.processListQuery,
    createBody: processes.createProcessBody,
    updateBody: processes.updateProcessBody,
    list: (_req, q) => processes.listProcesses(db, q),
    get: (_req, id) => processes.getProcess(db, id),
    create: (req, body) => processes.createProcess(db, requireUser(req), body),
    update: (req, id, body, expected) => processes.updateProcess(db, requireUser(req), id, body, expected),
  });

  registerCrudRoutes(app, {
    path: '/api/v1/queues',
    tag: 'queues',
    noun: 'queue',
    readAccess: 'workflow.read',
    manageAccess: 'workflow.manage',
    schema: queues.queueSchema,
    listQuery: queues.queueListQuery,
    createBody: queues.createQueueBody,
    updateBody: queues.updateQueueBody,
    list: (req, q) => queues.listQueues(db, requireUser(req), q),
    get: (_req, id) => queues.getQueue(db, id),
    create: (req, body) => queues.createQueue(db, requireUser(req), body),
    update: (req, id, body, expected) => queues.updateQueue(db, requireUser(req), id, body, expected),
  });
}
