// Types and endpoints of post case reviews, their configurations and document templates,
// following the server's zod schemas in src/modules/reviews.
import { ApiError, request, type Page } from '../api';

export const REVIEW_STATES = ['new', 'in_progress', 'awaiting_approval', 'approved', 'published'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
export type ReviewAction = 'edit' | 'request-approval' | 'approve' | 'suggest-changes' | 'publish' | 'reopen' | 'preview' | 'work-note';

export const REVIEW_STATE_LABELS: Record<ReviewState, string> = {
  new: 'New',
  in_progress: 'In progress',
  awaiting_approval: 'Awaiting approval',
  approved: 'Approved',
  published: 'Published',
};
export const REVIEW_STATE_COLORS: Record<ReviewState, string> = {
  new: 'blue',
  in_progress: 'indigo',
  awaiting_approval: 'yellow',
  approved: 'teal',
  published: 'green',
};

export interface ReviewSummary {
  id: number;
  number: string;
  caseNumber: string;
  shortDescription: string;
  state: ReviewState;
  major: boolean;
  accountName: string | null;
  assignedToId: number | null;
  assignedToName: string | null;
  commitmentDate: string | null;
  updatedAt: string;
  version: number;
}

export interface Approver {
  userId: number;
  name: string;
  decision: 'approved' | 'changes_suggested' | null;
  at: string | null;
  comment: string | null;
}

/** The review's Markdown text fields (SPEC §7.1), in the order the form shows them. */
export const REVIEW_TEXT_FIELDS = ['summary', 'symptoms', 'affectedAssets', 'rootCause', 'solution', 'preventiveMeasures'] as const;
export type ReviewTextField = (typeof REVIEW_TEXT_FIELDS)[number];

export const REVIEW_FIELD_LABELS: Record<ReviewTextField | 'shortDescription', string> = {
  shortDescription: 'Short description',
  summary: 'Summary',
  symptoms: 'Symptoms',
  affectedAssets: 'Affected assets',
  rootCause: 'Root cause analysis',
  solution: 'Solution provided',
  preventiveMeasures: 'Preventive measures taken',
};

export interface Review extends ReviewSummary, Record<ReviewTextField, string> {
  caseId: number;
  caseShortDescription: string;
  caseStatus: string;
  caseStatusLabel: string;
  caseClosed: boolean;
  caseClosedNotice: string | null;
  assignmentGroupId: number | null;
  assignmentGroupName: string | null;
  approvalGroupId: number | null;
  approvalGroupName: string | null;
  approvalUserIds: number[];
  customerVisible: boolean;
  workNotesList: number[];
  configurationId: number;
  approvalRequired: boolean;
  approvalPolicy: 'any' | 'all';
  approvalRound: number;
  approvers: Approver[];
  latestDocument: { id: number; version: number; publishedAt: string; customerVisible: boolean } | null;
  documentCount: number;
  sourceReviewNumber: string | null;
  childCopies: { children: number; published: number } | null;
  locallyEdited: boolean;
  allowedActions: ReviewAction[];
  editable: boolean;
  createdAt: string;
}

export interface ReviewDocument {
  id: number;
  reviewNumber: string;
  version: number;
  sha256: string;
  size: number;
  customerVisible: boolean;
  publishedById: number | null;
  publishedByName: string | null;
  publishedAt: string;
  url: string;
}

export interface HistoryEntry {
  at: string;
  kind: 'change' | 'decision' | 'work_note' | 'document';
  actorName: string | null;
  text: string;
  changes?: { field: string | null; oldValue: string | null; newValue: string | null }[];
}

export const CASE_SOURCE_FIELDS = ['shortDescription', 'description', 'cause', 'resolutionNotes', 'resolutionCode', 'product', 'category', 'assets'] as const;
export type CaseSourceField = (typeof CASE_SOURCE_FIELDS)[number];
export const MAPPABLE_REVIEW_FIELDS = ['shortDescription', ...REVIEW_TEXT_FIELDS] as const;
export type MappableReviewField = (typeof MAPPABLE_REVIEW_FIELDS)[number];
export const CASE_SOURCE_LABELS: Record<CaseSourceField, string> = {
  shortDescription: 'Short description',
  description: 'Description',
  cause: 'Cause',
  resolutionNotes: 'Resolution notes',
  resolutionCode: 'Resolution code',
  product: 'Product',
  category: 'Category',
  assets: 'Assets (list)',
};

export interface FieldMapping {
  caseField: CaseSourceField;
  reviewField: MappableReviewField;
}

export interface ReviewConfiguration {
  id: number;
  name: string;
  appliesTo: 'ordinary' | 'major';
  fieldMappings: FieldMapping[];
  documentTemplateId: number;
  documentTemplateName: string;
  approvalRequired: boolean;
  approvalPolicy: 'any' | 'all';
  customerVisibleDefault: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface DocumentTemplate {
  id: number;
  name: string;
  description: string;
  source: string;
  usedBy: string[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A template that does not compile: 400 with the compiler's problems. */
export interface TemplateProblem {
  message: string;
  line: number | null;
  column: number | null;
}
export function templateProblems(e: unknown): TemplateProblem[] | null {
  if (!(e instanceof ApiError) || e.status !== 400) return null;
  const p = (e.details as { problems?: TemplateProblem[] } | undefined)?.problems;
  return Array.isArray(p) && p.length ? p : null;
}

/** A document's address on this site (the API's `url` names the configured public host). */
export const documentUrl = (id: number) => `/api/v1/documents/${id}`;
export const previewUrl = (number: string) => `/api/v1/reviews/${number}/preview`;

/** Fetches a PDF; API errors (JSON) become ApiErrors like every other call. */
export async function fetchPdf(path: string, init?: { method?: string; body?: unknown; signal?: AbortSignal }): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method: init?.method ?? 'GET',
      credentials: 'same-origin',
      headers: init?.body === undefined ? { Accept: 'application/pdf, application/json' } : { Accept: 'application/pdf, application/json', 'Content-Type': 'application/json' },
      body: init?.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init?.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
  if (!res.ok) {
    const json = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string; details?: unknown } } | undefined;
    const err = json?.error;
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `The document could not be made (${res.status})`, [], err?.details);
  }
  return res.blob();
}

export interface ReviewListQuery {
  assignedTo?: 'me' | number;
  approver?: 'me';
  state?: string;
  cursor?: string;
  limit?: number;
}

export const reviewsApi = {
  list: (q: ReviewListQuery) => request<Page<ReviewSummary>>('GET', '/reviews', { query: { ...q } }),
  get: (number: string) => request<Review>('GET', `/reviews/${number}`),
  create: (caseNumber: string) => request<Review>('POST', `/cases/${caseNumber}/review`, { body: {} }),
  /** A workflow action with the version read (If-Match); answers the whole review. */
  action: (number: string, action: 'request-approval' | 'approve' | 'suggest-changes' | 'publish' | 'reopen', body: Record<string, unknown>, version?: number) =>
    request<Review>('POST', `/reviews/${number}/${action}`, { body, version }),
  addWorkNote: (number: string, body: string) => request<Review>('POST', `/reviews/${number}/work-notes`, { body: { body } }),
  history: (number: string) => request<{ items: HistoryEntry[] }>('GET', `/reviews/${number}/history`),
  documents: (number: string) => request<{ items: ReviewDocument[] }>('GET', `/reviews/${number}/documents`),

  configurations: () => request<{ items: ReviewConfiguration[] }>('GET', '/review-configurations'),
  templates: () => request<{ items: DocumentTemplate[] }>('GET', '/document-templates'),
  previewTemplate: (source: string, major: boolean, signal?: AbortSignal) => fetchPdf('/document-templates/preview', { method: 'POST', body: { source, major }, signal }),
};
