// Types and endpoints of cases and their workflow configuration (statuses, processes, queues),
// following the server's zod schemas in src/modules/cases, activities, queues and notifications.
import { request, type Page } from './api';

export const CASE_ACTIONS = ['start', 'assign', 'pick', 'escalate', 'next-stage', 'wait', 'resolve', 'reactivate', 'cancel', 'close'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];
export const CHANNELS = ['web', 'email', 'portal', 'phone', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];
export type CaseView = 'home' | 'mine' | 'my_resolved' | 'queue' | 'all';
export type CaseSort = 'updated' | 'opened' | 'priority' | 'number' | 'due';
/** An SLA clock's state (SPEC §5); `none` when no policy applies. */
export type SlaState = 'running' | 'at_risk' | 'breached' | 'paused' | 'met' | 'missed' | 'none';
export interface SlaClock {
  dueAt: string | null;
  state: SlaState;
  breachedAt: string | null;
  targetMinutes: number | null;
}
export interface CaseSla {
  policyName: string | null;
  pausedSince: string | null;
  response: SlaClock;
  resolution: SlaClock;
}
export type SortOrder = 'asc' | 'desc';

export interface CaseSummary {
  id: number;
  number: string;
  shortDescription: string;
  accountId: number | null;
  accountName: string | null;
  contactId: number | null;
  contactName: string | null;
  priority: number;
  category: string | null;
  channel: Channel;
  status: string;
  statusLabel: string;
  stage: string | null;
  assigneeId: number | null;
  assigneeName: string | null;
  assignmentGroupId: number | null;
  assignmentGroupName: string | null;
  queueId: number | null;
  queueName: string | null;
  escalationLevel: number;
  major: boolean;
  parentId: number | null;
  openedAt: string;
  resolvedAt: string | null;
  responseDueAt: string | null;
  resolutionDueAt: string | null;
  /** The SLA clock that matters now: the first response until it is given, then the resolution. */
  slaState: SlaState;
  updatedAt: string;
  version: number;
}

export interface Stage {
  key: string;
  name: string;
  requiredFields: string[];
}

export interface Case extends CaseSummary {
  description: string;
  contactEmail: string | null;
  product: string | null;
  assetIds: number[];
  processId: number | null;
  stages: Stage[];
  resolutionCode: string | null;
  cause: string | null;
  resolutionNotes: string | null;
  parentNumber: string | null;
  firstResponseAt: string | null;
  closedAt: string | null;
  satisfaction: number | null;
  createdAt: string;
  allowedActions: CaseAction[];
  editable: boolean;
  openActivityCount: number;
  /** The case's post case review, if it has one. */
  review?: { number: string; state: string } | null;
  /** How many child cases a major case has. */
  childCount?: number;
  /** The SLA policy and both clocks. */
  sla: CaseSla;
}

export interface Status {
  id: number;
  key: string;
  label: string;
  pause: boolean;
  resolved: boolean;
  final: boolean;
  closeFormOnSave: boolean;
  sortOrder: number;
  system: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Process {
  id: number;
  name: string;
  description: string;
  isDefault: boolean;
  active: boolean;
  stages: Stage[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Queue {
  id: number;
  name: string;
  description: string;
  mode: 'any' | 'next';
  processId: number | null;
  memberIds: number[];
  groupIds: number[];
  active: boolean;
  waitingCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const ACTIVITY_TYPES = ['task', 'phone_call', 'appointment', 'email'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];
export type ActivityState = 'open' | 'completed' | 'canceled';

export interface Activity {
  id: number;
  caseNumber: string;
  type: ActivityType;
  state: ActivityState;
  subject: string;
  body: string;
  ownerId: number | null;
  ownerName: string | null;
  dueAt: string | null;
  completedAt: string | null;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export type Visibility = 'customer' | 'internal';

export interface Attachment {
  id: number;
  caseNumber: string;
  commentId: number | null;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  visibility: Visibility;
  createdAt: string;
}

export interface Comment {
  id: number;
  caseNumber: string;
  visibility: Visibility;
  body: string;
  authorType: 'user' | 'contact' | 'system';
  authorId: number | null;
  authorName: string | null;
  createdAt: string;
  attachments: Attachment[];
  /** How the comment travelled by mail: a customer's emailed reply, or our mail to the contact. */
  email?: { direction: 'in' | 'out'; address: string; state: 'queued' | 'sending' | 'sent' | 'failed' | null } | null;
}

export interface FieldChange {
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
}

/** Mail that is not a comment: status notifications sent, and held, automatic or other inbound mail. */
export interface CaseMessage {
  id: number;
  direction: 'in' | 'out';
  status: 'added' | 'held' | 'auto' | 'rejected' | 'sent' | 'released';
  from: string;
  to: string;
  subject: string;
  text: string;
  reason: string | null;
  deliveryState: 'queued' | 'sending' | 'sent' | 'failed' | null;
  lastError: string | null;
}

export interface TimelineEntry {
  kind: 'comment' | 'activity' | 'change' | 'message';
  at: string;
  actorType: string;
  actorId: number | null;
  actorName: string | null;
  comment?: Comment;
  activity?: { id: number; type: string; state: string; subject: string; body: string; dueAt: string | null; completedAt: string | null };
  change?: { action: string; entity: string; entityId: number; changes: FieldChange[] };
  message?: CaseMessage;
}

export const TIMELINE_FILTERS = ['all', 'comments', 'emails', 'activities', 'changes'] as const;
export type TimelineFilter = (typeof TIMELINE_FILTERS)[number];

export interface AppNotification {
  id: number;
  kind: string;
  caseNumber: string | null;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
}

export interface Property {
  key: string;
  type: 'string' | 'integer' | 'boolean';
  value: string | number | boolean;
  description: string;
  updatedAt: string;
  version: number;
}

/** The 422 of next-stage: the stage left and the fields it still needs. */
export interface MissingFieldsDetails {
  stage: string;
  missing: string[];
}
/** The 422 of resolve: the activities still open. */
export interface OpenActivitiesDetails {
  openActivities: { id: number; type: string; subject: string }[];
}

export interface CaseListParams {
  view: CaseView;
  queueId?: number;
  status?: string;
  priority?: string;
  accountId?: number;
  assigneeId?: string;
  q?: string;
  sort?: CaseSort;
  order?: SortOrder;
  [key: string]: string | number | undefined;
}

export const casesApi = {
  get: (number: string) => request<Case>('GET', `/cases/${number}`),
  /**
   * A workflow action; answers the whole case. The version read goes as If-Match. Actions without
   * input send {}: the server refuses a POST without a body (400 "expected object, received null").
   */
  action: (number: string, action: CaseAction, body?: Record<string, unknown>, version?: number) =>
    request<Case>('POST', `/cases/${number}/${action}`, { body: body ?? {}, version }),
  /** The next case of a queue, assigned to the caller; 404 when none waits. */
  takeNext: (queueId: number) => request<Case>('POST', `/queues/${queueId}/next`),

  timeline: (number: string, filter: TimelineFilter, cursor?: string | null) =>
    request<Page<TimelineEntry>>('GET', `/cases/${number}/timeline`, { query: { filter, cursor } }),
  addComment: (number: string, body: { body: string; visibility: Visibility; attachmentIds?: number[] }) =>
    request<Comment>('POST', `/cases/${number}/comments`, { body }),
  attachments: (number: string) => request<{ items: Attachment[] }>('GET', `/cases/${number}/attachments`),
  upload: (number: string, files: File[]) => {
    const form = new FormData();
    for (const f of files) form.append('file', f, f.name);
    return request<{ items: Attachment[] }>('POST', `/cases/${number}/attachments`, { body: form });
  },
  attachmentUrl: (id: number) => `/api/v1/attachments/${id}`,

  activities: (number: string) => request<{ items: Activity[] }>('GET', `/cases/${number}/activities`),
  addActivity: (number: string, body: { type: ActivityType; subject: string; body?: string; ownerId?: number | null; dueAt?: string | null }) =>
    request<Activity>('POST', `/cases/${number}/activities`, { body }),
  updateActivity: (a: Pick<Activity, 'id' | 'version'>, body: Partial<Pick<Activity, 'subject' | 'body' | 'ownerId' | 'dueAt' | 'state'>>) =>
    request<Activity>('PATCH', `/activities/${a.id}`, { body, version: a.version }),

  statuses: () => request<{ items: Status[] }>('GET', '/statuses'),
  properties: () => request<{ items: Property[] }>('GET', '/properties'),

  notifications: () => request<Page<AppNotification> & { unreadCount: number }>('GET', '/me/notifications', { query: { limit: 15 } }),
  readNotification: (id: number) => request<void>('POST', `/me/notifications/${id}/read`),
  readAllNotifications: () => request<void>('POST', '/me/notifications/read-all'),
};
