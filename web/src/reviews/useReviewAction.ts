import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../api';
import type { ReviewForm } from './reviewForm';
import { reviewsApi, type Review } from './reviewsApi';

// The review's workflow actions (SPEC §7.4), run with the version read (If-Match). Changed fields
// are saved first, so what is approved or published is what is on screen.

export type ReviewStep = 'request-approval' | 'approve' | 'suggest-changes' | 'publish' | 'reopen';

export const STEP_LABELS: Record<ReviewStep, string> = {
  'request-approval': 'Request approval',
  approve: 'Approve',
  'suggest-changes': 'Suggest changes',
  publish: 'Publish to case',
  reopen: 'Reopen',
};

const DONE: Record<ReviewStep, (r: Review) => [string, string]> = {
  'request-approval': (r) => ['Approval requested', `${r.number} is locked while ${r.approvers.map((a) => a.name).join(', ') || 'the approvers'} decide.`],
  approve: (r) => (r.state === 'approved' ? ['Approved', `${r.number} can be published now.`] : ['Your approval is recorded', `${r.number} waits for the other approvers.`]),
  'suggest-changes': (r) => ['Changes suggested', `${r.number} is back in progress; ${r.assignedToName ?? 'the assignee'} is told.`],
  publish: (r) => ['Published to the case', `${r.number} version ${r.latestDocument?.version ?? ''} is linked on ${r.caseNumber}.`],
  reopen: (r) => ['Review reopened', `${r.number} can be edited; publishing again makes a new version.`],
};

export interface StepInput {
  step: ReviewStep;
  body?: Record<string, unknown>;
}

/** What a review change makes stale elsewhere: history, versions, lists, the case's related records. */
export function useReviewRefresh(number: string) {
  const qc = useQueryClient();
  return () => {
    for (const part of ['history', 'documents']) void qc.invalidateQueries({ queryKey: ['reviews', part, number] });
    void qc.invalidateQueries({ queryKey: ['reviews', 'list'] });
    void qc.invalidateQueries({ queryKey: ['reviews', 'counts'] });
    // The case forms take their record once: drop cached cases so they show the review's new state.
    qc.removeQueries({ queryKey: ['cases', 'detail'] });
    void qc.invalidateQueries({ queryKey: ['cases'] });
  };
}

export function useReviewAction(form: ReviewForm, number: string) {
  const refresh = useReviewRefresh(number);
  return useMutation({
    mutationFn: async ({ step, body }: StepInput) => {
      const current = form.record?.editable ? await form.saveIfDirty() : form.record;
      if (!current) throw new Error('Save the changed fields first: they could not be saved.');
      return reviewsApi.action(number, step, body ?? {}, current.version);
    },
    onSuccess: (r, { step }) => {
      form.adopt(r);
      refresh();
      const [title, message] = DONE[step](r);
      notifications.show({ color: 'green', title, message });
    },
    onError: (e, { step }) => {
      if (e instanceof ApiError && e.status === 412) {
        notifications.show({ color: 'yellow', title: 'This review was changed by someone else', message: 'Took their version; check it and try again. What you typed is kept.' });
        void form.reload();
        return;
      }
      if (e instanceof ApiError && (e.status === 409 || e.status === 403)) void form.reload();
      notifications.show({ color: 'red', title: `${STEP_LABELS[step]} did not work`, message: errorMessage(e) });
    },
  });
}
export type ReviewActionMutation = ReturnType<typeof useReviewAction>;
