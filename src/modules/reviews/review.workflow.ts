import { AppError } from '../../platform/errors.js';

// The post case review state machine (SPEC §7.4) as one pure table. Who may act is part of it:
// the *author* side (staff who may work this review — for major-case reviews only managers and
// major issue managers), the *approvers* named in the current approval round, and other staff.

export const REVIEW_STATES = ['new', 'in_progress', 'awaiting_approval', 'approved', 'published'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
export const REVIEW_ACTIONS = ['edit', 'request-approval', 'approve', 'suggest-changes', 'publish', 'reopen', 'preview', 'work-note'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];
export type ReviewActor = 'author' | 'approver' | 'other';

interface Rule {
  from: readonly ReviewState[];
  actors: readonly ReviewActor[];
  /** Whether the configuration's approval workflow must be on, off, or either. */
  approval: 'required' | 'not_required' | 'either';
  /** The state it leads to; null keeps it; 'decided' means the service decides (all-policy approvals). */
  to: ReviewState | null | 'decided';
}

const ALL = REVIEW_STATES;
export const REVIEW_TRANSITIONS: Record<ReviewAction, Rule[]> = {
  edit: [{ from: ['new', 'in_progress'], actors: ['author'], approval: 'either', to: 'in_progress' }],
  'request-approval': [{ from: ['new', 'in_progress'], actors: ['author'], approval: 'required', to: 'awaiting_approval' }],
  approve: [{ from: ['awaiting_approval'], actors: ['approver'], approval: 'required', to: 'decided' }],
  'suggest-changes': [{ from: ['awaiting_approval'], actors: ['approver'], approval: 'required', to: 'in_progress' }],
  publish: [
    { from: ['approved'], actors: ['author'], approval: 'required', to: 'published' },
    { from: ['new', 'in_progress'], actors: ['author'], approval: 'not_required', to: 'published' },
  ],
  reopen: [{ from: ['published'], actors: ['author'], approval: 'either', to: 'in_progress' }],
  preview: [{ from: ALL, actors: ['author', 'approver', 'other'], approval: 'either', to: null }],
  'work-note': [{ from: ALL, actors: ['author', 'approver', 'other'], approval: 'either', to: null }],
};

const fits = (r: Rule, state: ReviewState, approvalRequired: boolean) =>
  r.from.includes(state) && (r.approval === 'either' || (r.approval === 'required') === approvalRequired);

/** Actions the actor may take now (for the form's buttons). */
export function allowedReviewActions(state: ReviewState, actors: readonly ReviewActor[], approvalRequired: boolean): ReviewAction[] {
  return REVIEW_ACTIONS.filter((a) => REVIEW_TRANSITIONS[a].some((r) => fits(r, state, approvalRequired) && r.actors.some((x) => actors.includes(x))));
}

/**
 * The state an action leads to (null: unchanged, 'decided': the service decides), or throws:
 * 409 when the state (or the configuration) does not allow it, naming what is allowed; 403 when
 * the state allows it but not for this actor (e.g. approving without being a named approver).
 */
export function assertReviewTransition(state: ReviewState, action: ReviewAction, actors: readonly ReviewActor[], approvalRequired: boolean): ReviewState | null | 'decided' {
  const rules = REVIEW_TRANSITIONS[action].filter((r) => fits(r, state, approvalRequired));
  if (rules.length === 0) {
    const allowed = allowedReviewActions(state, actors, approvalRequired);
    const why =
      action === 'edit' && state === 'awaiting_approval'
        ? 'the review is locked while awaiting approval'
        : action === 'request-approval' && !approvalRequired
          ? "this review's configuration has no approval workflow"
          : action === 'publish' && approvalRequired && (state === 'new' || state === 'in_progress')
            ? 'the review must be approved first'
            : `the review is ${state.replace('_', ' ')}`;
    throw new AppError('invalid_transition', `Cannot ${action.replace('-', ' ')}: ${why}; allowed: ${allowed.join(', ') || 'none'}`, { state, action, allowed });
  }
  const rule = rules.find((r) => r.actors.some((x) => actors.includes(x)));
  if (!rule) {
    throw new AppError(
      'forbidden',
      rules[0]!.actors.includes('approver') ? 'Only an approver named on this review may do this' : 'You may not work on this review',
    );
  }
  return rule.to;
}

/** Fields can change only in new and in progress. */
export const isReviewEditable = (state: ReviewState) => state === 'new' || state === 'in_progress';
