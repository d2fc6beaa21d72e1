import { STAFF_ROLES, type Role } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';

// The case state machine as one pure table: which actions each kind of status allows, where each
// leads, and who may take it. Statuses are an admin-edited lookup, so the table speaks of the
// *class* of a status (from its key and flags); the default statuses map one-to-one.

export const CASE_ACTIONS = ['start', 'assign', 'pick', 'escalate', 'next-stage', 'wait', 'resolve', 'reactivate', 'cancel', 'close'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export type StatusClass = 'new' | 'active' | 'reopened' | 'paused' | 'resolved' | 'final';

export interface StatusFlags {
  key: string;
  pause: boolean;
  resolved: boolean;
  final: boolean;
}

export function classify(s: StatusFlags): StatusClass {
  if (s.final) return 'final';
  if (s.resolved) return 'resolved';
  if (s.pause) return 'paused';
  if (s.key === 'new') return 'new';
  if (s.key === 'reopened') return 'reopened';
  return 'active';
}

const WORKABLE: StatusClass[] = ['new', 'active', 'reopened', 'paused'];
const staff: readonly Role[] = STAFF_ROLES;

/** to: the status key the action leads to; null keeps the status. */
export const CASE_TRANSITIONS: Record<CaseAction, { from: readonly StatusClass[]; to: string | null; roles: readonly Role[] }> = {
  start: { from: ['new', 'reopened', 'paused'], to: 'in_progress', roles: staff },
  assign: { from: WORKABLE, to: null, roles: staff },
  pick: { from: WORKABLE, to: null, roles: staff },
  escalate: { from: WORKABLE, to: null, roles: staff },
  'next-stage': { from: WORKABLE, to: null, roles: staff },
  wait: { from: ['active', 'reopened'], to: 'waiting_for_response', roles: staff },
  resolve: { from: WORKABLE, to: 'resolved', roles: staff },
  reactivate: { from: ['resolved'], to: 'in_progress', roles: staff },
  cancel: { from: WORKABLE, to: 'canceled', roles: staff },
  close: { from: ['resolved'], to: 'closed', roles: staff },
};

/** The actions a status allows to someone with these roles, in table order. */
export function allowedActions(status: StatusFlags, roles: readonly Role[] = staff): CaseAction[] {
  const cls = classify(status);
  return CASE_ACTIONS.filter((a) => CASE_TRANSITIONS[a].from.includes(cls) && CASE_TRANSITIONS[a].roles.some((r) => roles.includes(r)));
}

/** Returns the status the action leads to (null: unchanged), or throws 409 naming the allowed actions. */
export function assertTransition(status: StatusFlags, action: CaseAction, roles: readonly Role[] = staff): string | null {
  const t = CASE_TRANSITIONS[action];
  if (!t.roles.some((r) => roles.includes(r))) {
    throw new AppError('forbidden', `Your roles do not allow "${action}"`);
  }
  if (!t.from.includes(classify(status))) {
    const allowed = allowedActions(status, roles);
    throw new AppError('invalid_transition', `"${action}" is not possible while the case is ${status.key}; allowed: ${allowed.join(', ') || 'none'}`, {
      status: status.key,
      action,
      allowed,
    });
  }
  return t.to;
}

/** Whether the case's own fields may be edited in this status (resolved and final cases are read-only). */
export function isEditable(status: StatusFlags): boolean {
  return WORKABLE.includes(classify(status));
}

/**
 * Automatic reopening (SPEC §3.1): a customer reply, or a low survey score, brings back a paused
 * or resolved-but-not-final case. Not an agent action, so it is not in the menu table above.
 */
export function canReopen(status: StatusFlags): boolean {
  const cls = classify(status);
  return cls === 'paused' || cls === 'resolved';
}
