import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

// Authorization in one place, deny by default. Every API route declares `config.access`:
// 'public', 'authenticated', or a permission from the table below. A route without one
// refuses to register, so nothing is reachable by omission.

export const ROLES = ['agent', 'manager', 'major_issue_manager', 'admin', 'customer'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES = ['agent', 'manager', 'major_issue_manager', 'admin'] as const satisfies readonly Role[];

export type Principal =
  | { type: 'user'; id: number; email: string; name: string; roles: Role[]; via: 'session' | 'token' }
  | { type: 'contact'; id: number; email: string; name: string; accountId: number; roles: ['customer']; via: 'session' };

const staff: readonly Role[] = STAFF_ROLES;

/** The policy: which roles hold each permission. */
export const PERMISSIONS = {
  'directory.read': staff, // users and groups, for assignment pickers
  'users.manage': ['admin'],
  'groups.manage': ['admin'],
  'customers.read': [...staff, 'customer'], // customers are scoped to their own account in the query
  'customers.manage': ['admin'],
  'audit.read': ['admin'],
  'properties.read': staff,
  'properties.manage': ['admin'],
  'cases.work': staff, // cases, activities, comments, attachments, queues' Pick and next
  'workflow.read': staff, // statuses, processes, queues
  'workflow.manage': ['admin'],
  'mail.manage': ['admin'], // outbox, email templates, satisfaction levels
  portal: ['customer'], // the customer portal API, scoped to the contact in every query
  'reviews.work': staff, // who may do what to a review is the review workflow's table
  'reviews.configure': ['admin'], // review configurations and document templates
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;
export type Access = 'public' | 'authenticated' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every API route with the access it declared, for the authorization tests. */
    apiRoutes: { method: string; url: string; access: Access }[];
  }
}

export function hasRole(principal: Principal | null, ...roles: Role[]): boolean {
  return !!principal && principal.roles.some((r) => roles.includes(r));
}

export function can(principal: Principal | null, permission: Permission): boolean {
  return hasRole(principal, ...(PERMISSIONS[permission] as readonly Role[]));
}

/** Throws 401/403 unless the principal may use the access level. */
export function assertAccess(principal: Principal | null, access: Access): void {
  if (access === 'public') return;
  if (!principal) throw new AppError('unauthenticated', 'Sign in first');
  if (access === 'authenticated') return;
  if (!can(principal, access)) throw new AppError('forbidden', `Your roles do not allow this (${access})`);
}

/** Narrows to a staff user or throws 403. */
export function requireUser(request: FastifyRequest): Extract<Principal, { type: 'user' }> {
  const p = request.principal;
  if (!p) throw new AppError('unauthenticated', 'Sign in first');
  if (p.type !== 'user') throw new AppError('forbidden', 'Only staff users may do this');
  return p;
}

/** The account a customer is limited to, or null for staff (who see every account). */
export function customerScope(principal: Principal | null): { accountId: number; contactId: number } | null {
  return principal?.type === 'contact' ? { accountId: principal.accountId, contactId: principal.id } : null;
}

export function registerAccessControl(app: FastifyInstance): void {
  const routes: FastifyInstance['apiRoutes'] = [];
  app.decorate('apiRoutes', routes);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access) throw new Error(`Route ${route.method} ${route.url} declares no access; every API route must`);
    if (access !== 'public' && access !== 'authenticated' && !(access in PERMISSIONS)) {
      throw new Error(`Route ${route.method} ${route.url} declares unknown permission ${access}`);
    }
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, access });
  });
  app.addHook('preValidation', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access) return; // not an API route (static files)
    assertAccess(request.principal, access);
  });
}
