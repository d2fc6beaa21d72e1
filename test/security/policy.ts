// The authorization policy of every API route, as one table: for each route, each principal and
// (where the route names an object) an object of the principal's own vs. a foreign account or
// user, the answer we expect. test/security/authorization-matrix.test.ts reads the router and
// fails for any route missing here, so a new route must be classified before it can ship.
//
// Outcomes: 'allow' = 2xx; 'rule' = authorized, but a business rule answers 409/422;
// 401 = sign in first; 403 = your roles or relation to the record do not allow it;
// 404 = not in your scope (customers never learn that another account's record exists);
// 400 = only for capabilities: a forged or spent link is refused as invalid input.

export const PRINCIPALS = [
  'anonymous',
  'agent', // an agent, member of the test queues
  'agentOutsideQueue', // an agent who is no member of any queue
  'manager', // a manager named as approver on the reviews under test
  'managerNotApprover', // a manager not named on the review
  'majorIssueManager',
  'admin',
  'customer', // a portal contact of account A
  'customerOtherAccount', // a portal contact of account B
] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

export type Outcome = 'allow' | 'rule' | 400 | 401 | 403 | 404;
/** One answer, or different answers for the principal's own object and a foreign one. */
export type Cell = Outcome | { own: Outcome; foreign: Outcome };

/**
 * What the route's path names, and so what "own" and "foreign" mean:
 * none: no object (collections, singletons); account: a record belonging to a customer account
 * (own = the principal's account, for staff account A; foreign = the other account);
 * user: a record of one staff user (own = the caller's; foreign = another user's);
 * capability: a secret in the request is the authority (own = the real secret; foreign = a forged one).
 */
export type ObjectKind = 'none' | 'account' | 'user' | 'capability';

export interface RoutePolicy {
  objects: ObjectKind;
  expect: Record<PrincipalName, Cell>;
}

const STAFF = ['agent', 'agentOutsideQueue', 'manager', 'managerNotApprover', 'majorIssueManager', 'admin'] as const;
const CUSTOMERS = ['customer', 'customerOtherAccount'] as const;
const MAJOR_ROLES = ['manager', 'managerNotApprover', 'majorIssueManager', 'admin'] as const;

type Spec = Partial<Record<PrincipalName | 'staff' | 'customers' | 'majorRoles', Cell>>;

/** Expands a spec: a named principal beats its group (staff, customers, majorRoles); anonymous defaults to 401. */
function cells(spec: Spec): Record<PrincipalName, Cell> {
  const out = {} as Record<PrincipalName, Cell>;
  for (const p of PRINCIPALS) {
    const group =
      (MAJOR_ROLES as readonly string[]).includes(p) && spec.majorRoles !== undefined
        ? spec.majorRoles
        : (STAFF as readonly string[]).includes(p)
          ? spec.staff
          : (CUSTOMERS as readonly string[]).includes(p)
            ? spec.customers
            : undefined;
    const cell = spec[p] ?? group ?? (p === 'anonymous' ? 401 : undefined);
    if (cell === undefined) throw new Error(`policy: no answer for ${p}`);
    out[p] = cell;
  }
  return out;
}

const OWN_ONLY: Cell = { own: 'allow', foreign: 404 };

// The shapes most routes share.
const everyone = (objects: ObjectKind = 'none'): RoutePolicy => ({ objects, expect: cells({ anonymous: 'allow', staff: 'allow', customers: 'allow' }) });
const signedIn = (objects: ObjectKind = 'none'): RoutePolicy => ({ objects, expect: cells({ staff: 'allow', customers: 'allow' }) });
const staffOnly = (objects: ObjectKind = 'none'): RoutePolicy => ({ objects, expect: cells({ staff: 'allow', customers: 403 }) });
const adminOnly = (objects: ObjectKind = 'none'): RoutePolicy => ({ objects, expect: cells({ staff: 403, admin: 'allow', customers: 403 }) });
const majorOnly = (objects: ObjectKind = 'account'): RoutePolicy => ({ objects, expect: cells({ staff: 403, majorRoles: 'allow', customers: 403 }) });
const queueMembers = (objects: ObjectKind): RoutePolicy => ({ objects, expect: cells({ staff: 'allow', agentOutsideQueue: 403, customers: 403 }) });
const namedApprover: RoutePolicy = { objects: 'account', expect: cells({ staff: 403, manager: 'allow', customers: 403 }) };
const staffOwnUserObject: RoutePolicy = { objects: 'user', expect: cells({ staff: OWN_ONLY, customers: 403 }) };
const staffSelf = (): RoutePolicy => ({ objects: 'none', expect: cells({ staff: 'allow', customers: 403 }) });
// Staff see every account; customers only their own (scoped in the query: a foreign id is a 404).
const customerScoped: RoutePolicy = { objects: 'account', expect: cells({ staff: 'allow', customers: OWN_ONLY }) };
const portalList: RoutePolicy = { objects: 'none', expect: cells({ staff: 403, customers: 'allow' }) };
const portalObject: RoutePolicy = { objects: 'account', expect: cells({ staff: 403, customers: OWN_ONLY }) };

export const POLICY: Record<string, RoutePolicy> = {
  // ---- public and session
  'GET /api/docs': everyone(),
  'GET /api/v1/health': everyone(),
  'GET /api/v1/ready': everyone(),
  'POST /api/v1/auth/login': everyone(),
  'POST /api/v1/auth/logout': everyone(),
  'GET /api/v1/me': signedIn(),
  'GET /api/v1/me/tokens': staffSelf(),
  'POST /api/v1/me/tokens': staffSelf(),
  'DELETE /api/v1/me/tokens/:id': staffOwnUserObject,
  'GET /api/v1/me/notifications': staffSelf(),
  'POST /api/v1/me/notifications/:id/read': staffOwnUserObject,
  'POST /api/v1/me/notifications/read-all': staffSelf(),
  // The inbound token is the authority: without it everyone (signed in or not) is refused.
  'POST /api/v1/inbound/email': { objects: 'capability', expect: cells({ anonymous: { own: 'allow', foreign: 401 }, staff: { own: 'allow', foreign: 401 }, customers: { own: 'allow', foreign: 401 } }) },
  // The survey link's token is the authority; a forged token finds nothing.
  'GET /api/v1/surveys/:token': { objects: 'capability', expect: cells({ anonymous: { own: 'allow', foreign: 404 }, staff: { own: 'allow', foreign: 404 }, customers: { own: 'allow', foreign: 404 } }) },
  'POST /api/v1/surveys/:token': { objects: 'capability', expect: cells({ anonymous: { own: 'allow', foreign: 404 }, staff: { own: 'allow', foreign: 404 }, customers: { own: 'allow', foreign: 404 } }) },
  // Forgot password answers 202 whoever asks, for any address (nothing to learn about who exists).
  'POST /api/v1/auth/password-reset': everyone(),
  // The mailed link is the authority; a forged one is an invalid link (400), for everyone alike.
  'POST /api/v1/auth/password-reset/check': { objects: 'capability', expect: cells({ anonymous: { own: 'allow', foreign: 400 }, staff: { own: 'allow', foreign: 400 }, customers: { own: 'allow', foreign: 400 } }) },
  'POST /api/v1/auth/password-reset/confirm': { objects: 'capability', expect: cells({ anonymous: { own: 'allow', foreign: 400 }, staff: { own: 'allow', foreign: 400 }, customers: { own: 'allow', foreign: 400 } }) },
  'GET /api/v1/sign-in-lockouts': adminOnly(),
  'POST /api/v1/sign-in-lockouts/unlock': adminOnly(),

  // ---- directory
  'GET /api/v1/users': staffOnly(),
  'POST /api/v1/users': adminOnly(),
  'GET /api/v1/users/:id': staffOnly(),
  'PATCH /api/v1/users/:id': adminOnly(),
  'POST /api/v1/users/:id/invitation': adminOnly(),
  'GET /api/v1/groups': staffOnly(),
  'POST /api/v1/groups': adminOnly(),
  'GET /api/v1/groups/:id': staffOnly(),
  'PATCH /api/v1/groups/:id': adminOnly(),

  // ---- customers
  'GET /api/v1/accounts': signedIn(),
  'POST /api/v1/accounts': adminOnly(),
  'GET /api/v1/accounts/:id': customerScoped,
  'PATCH /api/v1/accounts/:id': adminOnly('account'),
  'GET /api/v1/contacts': signedIn(),
  'POST /api/v1/contacts': adminOnly(),
  'GET /api/v1/contacts/:id': customerScoped,
  'PATCH /api/v1/contacts/:id': adminOnly('account'),
  'POST /api/v1/contacts/:id/invitation': adminOnly('account'),
  'GET /api/v1/assets': signedIn(),
  'POST /api/v1/assets': adminOnly(),
  'GET /api/v1/assets/:id': customerScoped,
  'PATCH /api/v1/assets/:id': adminOnly('account'),

  // ---- settings
  'GET /api/v1/properties': staffOnly(),
  'PATCH /api/v1/properties/:key': adminOnly(),
  'GET /api/v1/audit': adminOnly(),
  'GET /api/v1/statuses': staffOnly(),
  'POST /api/v1/statuses': adminOnly(),
  'GET /api/v1/statuses/:id': staffOnly(),
  'PATCH /api/v1/statuses/:id': adminOnly(),
  'DELETE /api/v1/statuses/:id': adminOnly(),
  'GET /api/v1/processes': staffOnly(),
  'POST /api/v1/processes': adminOnly(),
  'GET /api/v1/processes/:id': staffOnly(),
  'PATCH /api/v1/processes/:id': adminOnly(),
  'GET /api/v1/queues': staffOnly(),
  'POST /api/v1/queues': adminOnly(),
  'GET /api/v1/queues/:id': staffOnly(),
  'PATCH /api/v1/queues/:id': adminOnly(),
  'GET /api/v1/calendars': staffOnly(),
  'POST /api/v1/calendars': adminOnly(),
  'GET /api/v1/calendars/:id': staffOnly(),
  'PATCH /api/v1/calendars/:id': adminOnly(),
  'GET /api/v1/sla-policies': staffOnly(),
  'POST /api/v1/sla-policies': adminOnly(),
  'GET /api/v1/sla-policies/:id': staffOnly(),
  'PATCH /api/v1/sla-policies/:id': adminOnly(),
  'GET /api/v1/satisfaction-levels': staffOnly(),
  'PATCH /api/v1/satisfaction-levels/:score': adminOnly(),

  // ---- mail
  'GET /api/v1/outbox': adminOnly(),
  'POST /api/v1/outbox/:id/retry': adminOnly(),
  'GET /api/v1/email-templates': adminOnly(),
  'GET /api/v1/email-templates/:key': adminOnly(),
  'PATCH /api/v1/email-templates/:key': adminOnly(),
  'POST /api/v1/email-templates/preview': adminOnly(),
  'POST /api/v1/messages/:id/release': staffOnly('account'),

  // ---- cases (staff work every account's cases; customers use the portal)
  'GET /api/v1/cases': staffOnly(),
  'POST /api/v1/cases': staffOnly('account'),
  'GET /api/v1/cases/:number': staffOnly('account'),
  'PATCH /api/v1/cases/:number': staffOnly('account'),
  'POST /api/v1/cases/:number/start': staffOnly('account'),
  'POST /api/v1/cases/:number/assign': staffOnly('account'),
  'POST /api/v1/cases/:number/pick': queueMembers('account'),
  'POST /api/v1/cases/:number/escalate': staffOnly('account'),
  'POST /api/v1/cases/:number/next-stage': staffOnly('account'),
  'POST /api/v1/cases/:number/wait': staffOnly('account'),
  'POST /api/v1/cases/:number/resolve': staffOnly('account'),
  'POST /api/v1/cases/:number/reactivate': staffOnly('account'),
  'POST /api/v1/cases/:number/cancel': staffOnly('account'),
  'POST /api/v1/cases/:number/close': staffOnly('account'),
  'POST /api/v1/queues/:id/next': queueMembers('none'),
  'POST /api/v1/cases/:number/major': majorOnly(),
  'GET /api/v1/cases/:number/children': staffOnly('account'),
  'POST /api/v1/cases/:number/children': majorOnly(),
  'DELETE /api/v1/cases/:number/children/:child': majorOnly(),
  'POST /api/v1/cases/:number/resolve-with-children': majorOnly(),
  'POST /api/v1/cases/:number/comments': staffOnly('account'),
  'GET /api/v1/cases/:number/timeline': staffOnly('account'),
  'GET /api/v1/cases/:number/attachments': staffOnly('account'),
  'POST /api/v1/cases/:number/attachments': staffOnly('account'),
  'GET /api/v1/attachments/:id': staffOnly('account'),
  'GET /api/v1/cases/:number/activities': staffOnly('account'),
  'POST /api/v1/cases/:number/activities': staffOnly('account'),
  'PATCH /api/v1/activities/:id': staffOnly('account'),
  'GET /api/v1/cases/:number/watchers': staffOnly('account'),
  'POST /api/v1/cases/:number/watchers': staffOnly('account'),
  'DELETE /api/v1/cases/:number/watchers/:id': staffOnly('account'),

  // ---- portal (customers only, scoped to their own cases)
  'GET /api/v1/portal/cases': portalList,
  'POST /api/v1/portal/cases': portalList,
  'GET /api/v1/portal/cases/:number': portalObject,
  'GET /api/v1/portal/cases/:number/documents': portalObject,
  'POST /api/v1/portal/cases/:number/comments': portalObject,
  'POST /api/v1/portal/cases/:number/attachments': portalObject,
  'GET /api/v1/portal/attachments/:id': portalObject,
  'GET /api/v1/portal/articles': portalList,
  'GET /api/v1/portal/articles/:number': portalList,

  // ---- post case reviews (ordinary cases: every staff member is on the author side)
  'POST /api/v1/cases/:number/review': staffOnly('account'),
  'GET /api/v1/reviews': staffOnly(),
  'GET /api/v1/reviews/:number': staffOnly('account'),
  'PATCH /api/v1/reviews/:number': staffOnly('account'),
  'POST /api/v1/reviews/:number/request-approval': staffOnly('account'),
  'POST /api/v1/reviews/:number/approve': namedApprover,
  'POST /api/v1/reviews/:number/suggest-changes': namedApprover,
  'POST /api/v1/reviews/:number/publish': staffOnly('account'),
  'POST /api/v1/reviews/:number/reopen': staffOnly('account'),
  'POST /api/v1/reviews/:number/copy-to-children': majorOnly(),
  'POST /api/v1/reviews/:number/work-notes': staffOnly('account'),
  'GET /api/v1/reviews/:number/history': staffOnly('account'),
  'GET /api/v1/reviews/:number/preview': staffOnly('account'),
  'GET /api/v1/reviews/:number/documents': staffOnly('account'),
  // Staff open every version; a customer only the newest customer-visible one of their own case.
  'GET /api/v1/documents/:id': { objects: 'account', expect: cells({ staff: 'allow', customers: OWN_ONLY }) },
  'GET /api/v1/review-configurations': staffOnly(),
  'GET /api/v1/review-configurations/:id': staffOnly(),
  'PATCH /api/v1/review-configurations/:id': adminOnly(),
  'GET /api/v1/document-templates': adminOnly(),
  'POST /api/v1/document-templates': adminOnly(),
  'GET /api/v1/document-templates/:id': adminOnly(),
  'PATCH /api/v1/document-templates/:id': adminOnly(),
  'POST /api/v1/document-templates/preview': adminOnly(),

  // ---- knowledge
  'GET /api/v1/articles': staffOnly(),
  'POST /api/v1/articles': staffOnly(),
  'POST /api/v1/articles/preview': staffOnly(),
  'GET /api/v1/articles/:number': staffOnly(),
  'PATCH /api/v1/articles/:number': staffOnly(),
  'POST /api/v1/articles/:number/publish': staffOnly(),
  'POST /api/v1/articles/:number/retire': staffOnly(),
  'GET /api/v1/articles/:number/versions': staffOnly(),
  'GET /api/v1/cases/:number/articles': staffOnly('account'),
  'POST /api/v1/cases/:number/articles': staffOnly('account'),
  'DELETE /api/v1/cases/:number/articles/:article': staffOnly('account'),
  'GET /api/v1/cases/:number/article-suggestions': staffOnly('account'),
  'GET /api/v1/cases/:number/article-draft': staffOnly('account'),
};

/** Whether an outcome is a refusal (anything a 2xx would violate). */
export const isDenial = (o: Outcome) => o === 400 || o === 401 || o === 403 || o === 404;
