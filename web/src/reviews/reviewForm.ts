import type { FieldErrors, useRecordForm } from '../components/useRecordForm';
import { REVIEW_TEXT_FIELDS, type Review, type ReviewTextField } from './reviewsApi';

// The review form's values: the §7.1 fields a person edits, saved as a PATCH of the changed ones.

export interface ReviewValues extends Record<ReviewTextField, string> {
  [key: string]: unknown;
  shortDescription: string;
  customerVisible: boolean;
  assignedToId: number | null;
  assignmentGroupId: number | null;
  /** yyyy-mm-dd in local time, or '' */
  commitmentDate: string;
  approvalGroupId: number | null;
  approvalUserIds: number[];
  workNotesList: number[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO date-time as the local calendar day a date input shows. */
export function toDateInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
/** A date input's day as an ISO date-time at local noon (stable across time zones for display). */
export const fromDateInput = (day: string) => (day ? new Date(`${day}T12:00:00`).toISOString() : null);

export function emptyReview(): ReviewValues {
  return {
    shortDescription: '',
    summary: '',
    symptoms: '',
    affectedAssets: '',
    rootCause: '',
    solution: '',
    preventiveMeasures: '',
    customerVisible: false,
    assignedToId: null,
    assignmentGroupId: null,
    commitmentDate: '',
    approvalGroupId: null,
    approvalUserIds: [],
    workNotesList: [],
  };
}

export function reviewValuesOf(r: Review): ReviewValues {
  const text = Object.fromEntries(REVIEW_TEXT_FIELDS.map((f) => [f, r[f]])) as Record<ReviewTextField, string>;
  return {
    ...text,
    shortDescription: r.shortDescription,
    customerVisible: r.customerVisible,
    assignedToId: r.assignedToId,
    assignmentGroupId: r.assignmentGroupId,
    commitmentDate: toDateInput(r.commitmentDate),
    approvalGroupId: r.approvalGroupId,
    approvalUserIds: r.approvalUserIds,
    workNotesList: r.workNotesList,
  };
}

/** The PATCH body: changed fields only; Markdown goes as typed, the short description trimmed. */
export function reviewPatchBody(v: ReviewValues, changed: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of changed) {
    if (k === 'commitmentDate') out[k] = fromDateInput(v.commitmentDate);
    else if (k === 'shortDescription') out[k] = v.shortDescription.trim();
    else out[k] = v[k];
  }
  return out;
}

export function validateReview(v: ReviewValues): FieldErrors<ReviewValues> {
  return { shortDescription: v.shortDescription.trim() ? undefined : 'Enter a short description' };
}

export type ReviewForm = ReturnType<typeof useRecordForm<Review, ReviewValues>>;
