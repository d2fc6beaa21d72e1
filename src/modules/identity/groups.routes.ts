import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { registerCrudRoutes } from '../../platform/crud-routes.js';
import * as groups from './groups.service.js';
import { createGroupBody, groupListQuery, groupSchema, updateGroupBody } from './identity.schemas.js';

export async function groupsRoutes(app: App): Promise<void> {
  registerCrudRoutes(app, {
    path: '/api/v1/groups',
    tag: 'groups',
    noun: 'group',
    readAccess: 'directory.read',
    manageAccess: 'groups.manage',
    schema: groupSchema,
    listQuery: groupListQuery,
    createBody: createGroupBody,
    updateBody: updateGroupBody,
    list: (_req, q) => groups.listGroups(app.db, q),
    get: (_req, id) => groups.getGroup(app.db, id),
    create: (req, body) => groups.createGroup(app.db, requireUser(req), body),
    update: (req, id, body, expected) => groups.updateGroup(app.db, requireUser(req), id, body, expected),
  });
}
