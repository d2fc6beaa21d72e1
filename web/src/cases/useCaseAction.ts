import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../api';
import { casesApi, type Case, type CaseAction } from '../casesApi';
import { childrenKey, majorApi } from '../major/majorApi';
import type { CaseForm } from './caseForm';
import { casesInvalidation } from './CaseList';
import { fieldLabel } from './format';

/** Major-case actions (SPEC §8) run like workflow actions: they answer the case. */
export type MajorAction = 'mark-major' | 'unmark-major' | 'resolve-with-children';
export type RunAction = CaseAction | MajorAction;

export const ACTION_LABELS: Record<RunAction, string> = {
  'mark-major': 'Mark as major case',
  'unmark-major': 'Unmark as major case',
  'resolve-with-children': 'Resolve with children…',
  start: 'Start',
  assign: 'Assign…',
  pick: 'Pick',
  escalate: 'Escalate…',
  'next-stage': 'Next stage',
  wait: 'Wait for customer',
  resolve: 'Resolve…',
  reactivate: 'Reactivate',
  cancel: 'Cancel…',
  close: 'Close',
};

const DONE: Record<RunAction, (c: Case) => [string, string]> = {
  'mark-major': (c) => ['Marked as major case', `${c.number} is a major case; link the affected cases as its children.`],
  'unmark-major': (c) => ['No longer a major case', `${c.number} is an ordinary case again.`],
  'resolve-with-children': (c) => ['Resolved with its children', `${c.number} and its open child cases are resolved; each contact is told.`],
  start: (c) => ['Work started', `${c.number} is in progress${c.assigneeName ? `, assigned to ${c.assigneeName}` : ''}.`],
  assign: (c) => ['Assigned', `${c.number} is assigned to ${[c.assigneeName, c.assignmentGroupName].filter(Boolean).join(' / ') || 'nobody'}.`],
  pick: (c) => ['Picked', `${c.number} is assigned to you.`],
  escalate: (c) => ['Escalated', `${c.number} is at escalation level ${c.escalationLevel}.`],
  'next-stage': (c) => ['Next stage', `${c.number} moved to ${c.stages.find((s) => s.key === c.stage)?.name ?? c.stage}.`],
  wait: (c) => ['Waiting for the customer', `${c.number} is ${c.statusLabel.toLowerCase()}.`],
  resolve: (c) => ['Case resolved', `${c.number} is resolved; the contact is told.`],
  reactivate: (c) => ['Case reactivated', `${c.number} is in progress again; resolve it when done.`],
  cancel: (c) => ['Case canceled', `${c.number} is canceled.`],
  close: (c) => ['Case closed', `${c.number} is closed.`],
};

/** What an action changed elsewhere on the page: lists, the timeline, activities, attachments. */
export function useCaseRefresh(number: string) {
  const qc = useQueryClient();
  return () => {
    casesInvalidation(qc);
    for (const part of ['timeline', 'activities', 'attachments']) void qc.invalidateQueries({ queryKey: ['cases', part, number] });
    void qc.invalidateQueries({ queryKey: childrenKey(number) });
  };
}

export interface ActionInput {
  action: RunAction;
  body?: Record<string, unknown>;
}

/** The fields had unsaved changes that could not be saved; the save already said why. */
class NotSavedError extends Error {
  constructor() {
    super('Save the changed fields first: they could not be saved.');
  }
}

/**
 * Runs a workflow action with the version the form read (If-Match) and takes the answered case
 * into the form. Changed fields are saved first, so the action sees what is on screen (the next
 * stage checks them; resolving makes them read-only). A stale version reloads the case.
 */
export function useCaseAction(form: CaseForm, number: string) {
  const refresh = useCaseRefresh(number);
  return useMutation({
    mutationFn: async ({ action, body }: ActionInput) => {
      const current = await form.saveIfDirty();
      if (!current) throw new NotSavedError();
      if (action === 'mark-major' || action === 'unmark-major') return majorApi.setMajor(number, action === 'mark-major', current.version);
      if (action === 'resolve-with-children') return (await majorApi.resolveWithChildren(number, body ?? {})).case;
      return casesApi.action(number, action, body, current.version);
    },
    onSuccess: (c, { action }) => {
      form.adopt(c);
      refresh();
      const [title, message] = DONE[action](c);
      notifications.show({ color: 'green', title, message });
    },
    onError: (e, { action }) => {
      if (e instanceof NotSavedError) return;
      if (e instanceof ApiError && e.status === 412) {
        notifications.show({ color: 'yellow', title: 'This case was changed by someone else', message: 'Took their version; check it and try again. What you typed is kept.' });
        void form.reload();
        return;
      }
      if (e instanceof ApiError && (e.status === 409 || e.status === 422)) refresh();
      const missing = e instanceof ApiError && e.status === 422 && (e.details as { missing?: string[] } | undefined)?.missing;
      const message = missing ? `Fill in ${missing.map(fieldLabel).join(', ')} first.` : errorMessage(e);
      notifications.show({ color: 'red', title: `${ACTION_LABELS[action].replace('…', '')} did not work`, message });
    },
  });
}
export type CaseActionMutation = ReturnType<typeof useCaseAction>;

/** Field errors of the last failed action, keyed by field ("assigneeId"). */
export function actionFieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiError) for (const f of error.fields) out[f.field] = f.message[0]!.toUpperCase() + f.message.slice(1);
  return out;
}
