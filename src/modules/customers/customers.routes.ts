import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { registerCrudRoutes } from '../../platform/crud-routes.js';
import * as s from './customers.schemas.js';
import * as customers from './customers.service.js';

export async function customersRoutes(app: App): Promise<void> {
  const db = app.db;
  registerCrudRoutes(app, {
    path: '/api/v1/accounts',
    tag: 'customers',
    noun: 'account',
    readAccess: 'customers.read',
    manageAccess: 'customers.manage',
    schema: s.accountSchema,
    listQuery: s.accountListQuery,
    createBody: s.createAccountBody,
    updateBody: s.updateAccountBody,
    list: (req, q) => customers.listAccounts(db, req.principal, q),
    get: (req, id) => customers.getAccount(db, req.principal, id),
    create: (req, body) => customers.createAccount(db, requireUser(req), body),
    update: (req, id, body, expected) => customers.updateAccount(db, requireUser(req), id, body, expected),
  });
  registerCrudRoutes(app, {
    path: '/api/v1/contacts',
    tag: 'customers',
    noun: 'contact',
    readAccess: 'customers.read',
    manageAccess: 'customers.manage',
    schema: s.contactSchema,
    listQuery: s.contactListQuery,
    createBody: s.createContactBody,
    updateBody: s.updateContactBody,
    list: (req, q) => customers.listContacts(db, req.principal, q),
    get: (req, id) => customers.getContact(db, req.principal, id),
    create: (req, body) => customers.createContact(db, requireUser(req), body),
    update: (req, id, body, expected) => customers.updateContact(db, requireUser(req), id, body, expected),
  });
  registerCrudRoutes(app, {
    path: '/api/v1/assets',
    tag: 'customers',
    noun: 'asset',
    readAccess: 'customers.read',
    manageAccess: 'customers.manage',
    schema: s.assetSchema,
    listQuery: s.assetListQuery,
    createBody: s.createAssetBody,
    updateBody: s.updateAssetBody,
    list: (req, q) => customers.listAssets(db, req.principal, q),
    get: (req, id) => customers.getAsset(db, req.principal, id),
    create: (req, body) => customers.createAsset(db, requireUser(req), body),
    update: (req, id, body, expected) => customers.updateAsset(db, requireUser(req), id, body, expected),
  });
}
