import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { registerCrudRoutes } from '../../platform/crud-routes.js';
import * as sla from './sla.service.js';

export async function slaRoutes(app: App): Promise<void> {
  const db = app.db;
  const none = z.strictObject({});
  registerCrudRoutes(app, {
    path: '/api/v1/calendars',
    tag: 'sla',
    noun: 'business calendar',
    readAccess: 'workflow.read',
    manageAccess: 'workflow.manage',
    schema: sla.calendarSchema,
    listQuery: none,
    createBody: sla.createCalendarBody,
    updateBody: sla.updateCalendarBody,
    list: async () => ({ items: await sla.listCalendars(db), nextCursor: null }),
    get: (_req, id) => sla.getCalendar(db, id),
    create: (req, body) => sla.createCalendar(db, requireUser(req), body),
    update: (req, id, body, expected) => sla.updateCalendar(db, requireUser(req), id, body, expected),
  });
  registerCrudRoutes(app, {
    path: '/api/v1/sla-policies',
    tag: 'sla',
    noun: 'SLA policy',
    readAccess: 'workflow.read',
    manageAccess: 'workflow.manage',
    schema: sla.policySchema,
    listQuery: none,
    createBody: sla.createPolicyBody,
    updateBody: sla.updatePolicyBody,
    list: async () => ({ items: await sla.listPolicies(db), nextCursor: null }),
    get: (_req, id) => sla.getPolicy(db, id),
    create: (req, body) => sla.createPolicy(db, requireUser(req), body),
    update: (req, id, body, expected) => sla.updatePolicy(db, requireUser(req), id, body, expected),
  });
}
