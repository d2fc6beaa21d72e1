import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { allowedReviewActions, assertReviewTransition, REVIEW_ACTIONS, REVIEW_STATES, type ReviewAction, type ReviewActor, type ReviewState } from './review.workflow.js';

// Expected outcome of every (state, action, actor) triple, with and without an approval workflow.
// "→x": leads to x; "=": unchanged; "?": the service decides (approval policy); 409 / 403: refused.
type Outcome = string;
function expected(state: ReviewState, action: ReviewAction, actor: ReviewActor, approval: boolean): Outcome {
  const editable = state === 'new' || state === 'in_progress';
  switch (action) {
    case 'preview':
    case 'work-note':
      return '=';
    case 'edit':
      return !editable ? '409' : actor === 'author' ? '→in_progress' : '403';
    case 'request-approval':
      return !approval || !editable ? '409' : actor === 'author' ? '→awaiting_approval' : '403';
    case 'approve':
      return !approval || state !== 'awaiting_approval' ? '409' : actor === 'approver' ? '?' : '403';
    case 'suggest-changes':
      return !approval || state !== 'awaiting_approval' ? '409' : actor === 'approver' ? '→in_progress' : '403';
    case 'publish': {
      const ok = approval ? state === 'approved' : editable;
      return !ok ? '409' : actor === 'author' ? '→published' : '403';
    }
    case 'reopen':
      return state !== 'published' ? '409' : actor === 'author' ? '→in_progress' : '403';
  }
}

const triples = [true, false].flatMap((approval) =>
  REVIEW_STATES.flatMap((state) => REVIEW_ACTIONS.flatMap((action) => (['author', 'approver', 'other'] as const).map((actor) => [state, action, actor, approval] as const))),
);

describe('review workflow', () => {
  it('covers 240 triples (5 states × 8 actions × 3 actors × approval on/off)', () => expect(triples).toHaveLength(240));

  it.each(triples)('%s + %s by %s (approval %s)', (state, action, actor, approval) => {
    const want = expected(state, action, actor, approval);
    const run = () => assertReviewTransition(state, action, [actor], approval);
    if (want === '409' || want === '403') {
      try {
        run();
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).status).toBe(Number(want));
      }
    } else {
      const to = run();
      expect(want === '=' ? to === null : want === '?' ? to === 'decided' : `→${to}` === want).toBe(true);
    }
  });

  it('names the reason and the allowed actions', () => {
    expect(() => assertReviewTransition('awaiting_approval', 'edit', ['author'], true)).toThrow(/locked while awaiting approval/);
    expect(() => assertReviewTransition('in_progress', 'publish', ['author'], true)).toThrow(/must be approved first/);
    expect(allowedReviewActions('approved', ['author'], true)).toEqual(['publish', 'preview', 'work-note']);
    expect(allowedReviewActions('awaiting_approval', ['author', 'approver'], true)).toEqual(['approve', 'suggest-changes', 'preview', 'work-note']);
  });
});
