import type { Generated, ColumnType } from 'kysely';

// Row types as both databases return them: timestamps are ISO-8601 strings (the PostgreSQL
// driver is told to hand them back that way), flags are 0/1 integers.

export type Timestamp = ColumnType<string, string | undefined, string>;
type Flag = ColumnType<number, number | undefined, number>;
type Version = ColumnType<number, number | undefined, number>;

interface Audited {
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Version;
}

export interface UsersTable extends Audited {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string | null;
  active: Flag;
}
export interface UserRolesTable {
  user_id: number;
  role: string;
}
export interface GroupsTable extends Audited {
  id: Generated<number>;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  active: Flag;
}
export interface GroupMembersTable {
  group_id: number;
  user_id: number;
}
export interface AccountsTable extends Audited {
  id: Generated<number>;
  name: string;
  tier: ColumnType<string, string | undefined, string>;
  domain: string | null;
  active: Flag;
}
export interface ContactsTable extends Audited {
  id: Generated<number>;
  account_id: number;
  name: string;
  email: string;
  phone: string | null;
  portal_access: Flag;
  password_hash: string | null;
  active: Flag;
}
export interface AssetsTable extends Audited {
  id: Generated<number>;
  account_id: number;
  name: string;
  serial_number: string | null;
  product: string | null;
  active: Flag;
}
export interface SessionsTable {
  id: string;
  principal_type: 'user' | 'contact';
  principal_id: number;
  created_at: string;
  expires_at: string;
}
export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_type: string;
  actor_id: number | null;
  entity: string;
  entity_id: number;
  action: string;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
}
export interface NumberSequencesTable {
  name: string;
  prefix: string;
  next_value: number;
}
export interface IdempotencyKeysTable {
  id: Generated<number>;
  principal: string;
  idem_key: string;
  method: string;
  path: string;
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  created_at: string;
}
export interface PropertiesTable {
  key: string;
  type: string;
  value: string;
  description: ColumnType<string, string | undefined, string>;
  updated_at: Timestamp;
  version: Version;
}

export interface StatusesTable extends Audited {
  id: Generated<number>;
  key: string;
  label: string;
  pause: Flag;
  resolved: Flag;
  final: Flag;
  close_form_on_save: Flag;
  sort_order: ColumnType<number, number | undefined, number>;
  system: Flag;
}
export interface ProcessesTable extends Audited {
  id: Generated<number>;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  is_default: Flag;
  active: Flag;
}
export interface ProcessStagesTable {
  id: Generated<number>;
  process_id: number;
  position: number;
  key: string;
  name: string;
  required_fields: string; // JSON array of case field names
}
export interface QueuesTable extends Audited {
  id: Generated<number>;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  mode: 'any' | 'next';
  process_id: number | null;
  active: Flag;
}
export interface QueueMembersTable {
  queue_id: number;
  user_id: number;
}
export interface QueueGroupsTable {
  queue_id: number;
  group_id: number;
}
export interface CasesTable extends Audited {
  id: Generated<number>;
  number: string;
  short_description: string;
  description: ColumnType<string, string | undefined, string>;
  account_id: number | null;
  contact_id: number | null;
  product: string | null;
  priority: number;
  category: string | null;
  channel: string;
  status: string;
  process_id: number | null;
  stage: string | null;
  assignee_id: number | null;
  assignment_group_id: number | null;
  queue_id: number | null;
  escalation_level: ColumnType<number, number | undefined, number>;
  resolution_code: string | null;
  cause: string | null;
  resolution_notes: string | null;
  major: Flag;
  parent_id: number | null;
  opened_at: string;
  first_response_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  response_due_at: string | null;
  resolution_due_at: string | null;
  satisfaction: number | null;
  created_by: number | null;
  sla_policy_id: number | null;
  sla_paused_at: string | null;
  sla_paused_ms: ColumnType<number, number | undefined, number>;
  response_breached_at: string | null;
  resolution_breached_at: string | null;
}
export interface CaseAssetsTable {
  case_id: number;
  asset_id: number;
}
export interface ActivitiesTable extends Audited {
  id: Generated<number>;
  case_id: number;
  type: 'task' | 'phone_call' | 'appointment' | 'email';
  state: 'open' | 'completed' | 'canceled';
  subject: string;
  body: ColumnType<string, string | undefined, string>;
  owner_id: number | null;
  due_at: string | null;
  completed_at: string | null;
  created_by: number | null;
}
export interface CommentsTable {
  id: Generated<number>;
  case_id: number;
  visibility: 'customer' | 'internal';
  body: string;
  author_type: 'user' | 'contact' | 'system';
  author_id: number | null;
  created_at: string;
}
export interface AttachmentsTable {
  id: Generated<number>;
  case_id: number;
  comment_id: number | null;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  visibility: 'customer' | 'internal';
  uploaded_by_type: 'user' | 'contact' | 'system';
  uploaded_by_id: number | null;
  created_at: string;
}
export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  kind: string;
  case_id: number | null;
  title: string;
  body: ColumnType<string, string | undefined, string>;
  created_at: string;
  read_at: string | null;
}

export interface OutboxTable {
  id: Generated<number>;
  idempotency_key: string;
  case_id: number | null;
  template_key: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  message_id: string;
  in_reply_to: string | null;
  references: string | null;
  state: 'queued' | 'sending' | 'sent' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  /** Set just before the mail is handed to SMTP; a lease that runs out with it set was interrupted mid-send. */
  send_started_at: ColumnType<string | null, string | null | undefined, string | null>;
}
export interface MessagesTable {
  id: Generated<number>;
  case_id: number | null;
  direction: 'in' | 'out';
  status: 'added' | 'held' | 'auto' | 'rejected' | 'sent' | 'released';
  reason: string | null;
  message_id: string | null;
  in_reply_to: string | null;
  references: string | null;
  from_address: string;
  from_name: string | null;
  to_addresses: ColumnType<string, string | undefined, string>;
  subject: ColumnType<string, string | undefined, string>;
  text_body: ColumnType<string, string | undefined, string>;
  raw_sha256: string | null;
  contact_id: number | null;
  comment_id: number | null;
  outbox_id: number | null;
  created_at: string;
}
export interface EmailTemplatesTable {
  key: string;
  name: string;
  subject: string;
  body: string;
  updated_at: Timestamp;
  version: Version;
}
export interface SurveysTable {
  id: Generated<number>;
  case_id: number;
  token_hash: string;
  created_at: string;
  expires_at: string;
  answered_at: string | null;
  score: number | null;
  comment: string | null;
}
export interface SatisfactionLevelsTable {
  score: number;
  label: string;
  outcome: 'reopen' | 'close';
  updated_at: Timestamp;
  version: Version;
}

export interface DocumentTemplatesTable extends Audited {
  id: Generated<number>;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  source: string;
}
export interface ReviewConfigurationsTable extends Audited {
  id: Generated<number>;
  name: string;
  applies_to: 'ordinary' | 'major';
  field_mappings: string; // JSON [{caseField, reviewField}]
  document_template_id: number;
  approval_required: Flag;
  approval_policy: 'any' | 'all';
  customer_visible_default: Flag;
}
export interface ReviewsTable extends Audited {
  id: Generated<number>;
  number: string;
  case_id: number;
  configuration_id: number;
  state: 'new' | 'in_progress' | 'awaiting_approval' | 'approved' | 'published';
  assigned_to_id: number | null;
  assignment_group_id: number | null;
  commitment_date: string | null;
  approval_group_id: number | null;
  short_description: string;
  summary: ColumnType<string, string | undefined, string>;
  symptoms: ColumnType<string, string | undefined, string>;
  affected_assets: ColumnType<string, string | undefined, string>;
  root_cause: ColumnType<string, string | undefined, string>;
  solution: ColumnType<string, string | undefined, string>;
  preventive_measures: ColumnType<string, string | undefined, string>;
  customer_visible: Flag;
  approval_round: ColumnType<number, number | undefined, number>;
  source_review_id: number | null;
  locally_edited: Flag;
  created_by: number | null;
}
export interface ReviewApprovalUsersTable {
  review_id: number;
  user_id: number;
}
export interface ReviewWorkNotesListTable {
  review_id: number;
  user_id: number;
}
export interface ReviewRoundApproversTable {
  review_id: number;
  round: number;
  user_id: number;
}
export interface ReviewDecisionsTable {
  id: Generated<number>;
  review_id: number;
  round: number;
  user_id: number;
  decision: 'approved' | 'changes_suggested';
  comment: string | null;
  at: string;
}
export interface ReviewWorkNotesTable {
  id: Generated<number>;
  review_id: number;
  author_id: number | null;
  body: string;
  created_at: string;
}
export interface ReviewDocumentsTable {
  id: Generated<number>;
  review_id: number;
  doc_version: number;
  sha256: string;
  size: number;
  customer_visible: number;
  published_by: number | null;
  published_at: string;
  template_id: number;
  template_version: number;
  comment_id: number | null;
}

export interface CalendarsTable extends Audited {
  id: Generated<number>;
  name: string;
  timezone: string;
  working_hours: string;
  holidays: ColumnType<string, string | undefined, string>;
}
export interface SlaPoliciesTable extends Audited {
  id: Generated<number>;
  name: string;
  priority: number;
  account_tier: string | null;
  calendar_id: number;
  first_response_minutes: number;
  resolution_minutes: number;
  active: Flag;
}
export interface ArticlesTable extends Audited {
  id: Generated<number>;
  number: string;
  title: string;
  body: ColumnType<string, string | undefined, string>;
  product: string | null;
  category: string | null;
  state: 'draft' | 'published' | 'retired';
  created_by: number | null;
  updated_by: number | null;
  published_at: string | null;
  retired_at: string | null;
}
export interface ArticleVersionsTable {
  id: Generated<number>;
  article_id: number;
  article_version: number;
  title: string;
  body: string;
  product: string | null;
  category: string | null;
  state: string;
  edited_by: number | null;
  at: string;
}
export interface CaseArticlesTable {
  case_id: number;
  article_id: number;
  linked_by: number | null;
  linked_at: string;
}

export interface AuthTokensTable {
  id: Generated<number>;
  kind: 'password_reset' | 'invitation';
  principal_type: 'user' | 'contact';
  principal_id: number;
  token_hash: string;
  created_by: number | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
}
export interface LoginFailuresTable {
  email: string;
  failures: number;
  last_failed_at: string;
  locked_until: string | null;
}

export interface DB {
  users: UsersTable;
  user_roles: UserRolesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  accounts: AccountsTable;
  contacts: ContactsTable;
  assets: AssetsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  number_sequences: NumberSequencesTable;
  idempotency_keys: IdempotencyKeysTable;
  properties: PropertiesTable;
  statuses: StatusesTable;
  processes: ProcessesTable;
  process_stages: ProcessStagesTable;
  queues: QueuesTable;
  queue_members: QueueMembersTable;
  queue_groups: QueueGroupsTable;
  cases: CasesTable;
  case_assets: CaseAssetsTable;
  activities: ActivitiesTable;
  comments: CommentsTable;
  attachments: AttachmentsTable;
  notifications: NotificationsTable;
  outbox: OutboxTable;
  messages: MessagesTable;
  email_templates: EmailTemplatesTable;
  surveys: SurveysTable;
  satisfaction_levels: SatisfactionLevelsTable;
  document_templates: DocumentTemplatesTable;
  review_configurations: ReviewConfigurationsTable;
  reviews: ReviewsTable;
  review_approval_users: ReviewApprovalUsersTable;
  review_work_notes_list: ReviewWorkNotesListTable;
  review_round_approvers: ReviewRoundApproversTable;
  review_decisions: ReviewDecisionsTable;
  review_work_notes: ReviewWorkNotesTable;
  review_documents: ReviewDocumentsTable;
  calendars: CalendarsTable;
  sla_policies: SlaPoliciesTable;
  articles: ArticlesTable;
  article_versions: ArticleVersionsTable;
  case_articles: CaseArticlesTable;
  auth_tokens: AuthTokensTable;
  login_failures: LoginFailuresTable;
  case_watchers: CaseWatchersTable;
  watch_notices: WatchNoticesTable;
}

/** A case's watch list: a staff user or an extra email address (migration 0007). */
export interface CaseWatchersTable {
  id: Generated<number>;
  case_id: number;
  user_id: number | null;
  email: string | null;
  created_by: number | null;
  created_at: string;
}
/** An update waiting for a watcher's digest; outbox_id names the digest mail that listed it. */
export interface WatchNoticesTable {
  id: Generated<number>;
  watcher_id: number;
  case_id: number;
  kind: string;
  who: string;
  summary: string;
  created_at: string;
  outbox_id: number | null;
}
