import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { registerCrudRoutes } from '../../platform/crud-routes.js';
import { createUserBody, updateUserBody, userListQuery, userSchema } from './identity.schemas.js';
import * as users from './users.service.js';

export async function usersRoutes(app: App): Promise<void> {
  registerCrudRoutes(app, {
    path: '/api/v1/users',
    tag: 'users',
    noun: 'staff user',
    readAccess: 'directory.read',
    manageAccess: 'users.manage',
    schema: userSchema,
    listQuery: userListQuery,
    createBody: createUserBody,
    updateBody: updateUserBody,
    list: (_req, q) => users.listUsers(app.db, q),
    get: (_req, id) => users.getUser(app.db, id),
    create: (req, body) => users.createUser(app.db, requireUser(req), body),
    update: (req, id, body, expected) => users.updateUser(app.db, requireUser(req), id, body, expected, req.sessionId),
  });
}
