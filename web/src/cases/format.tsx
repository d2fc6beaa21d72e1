import { Badge, Text, Tooltip } from '@mantine/core';
import { IconCalendarEvent, IconChecklist, IconMail, IconPhone } from '@tabler/icons-react';
import type { ActivityType, Channel, Status } from '../casesApi';
import { formatDate } from '../components/ListPage';
import { useStatuses } from './lookups';

// How case values read on screen: priorities, statuses, channels, activity types, field names, times.

export const PRIORITIES = [
  { value: 1, label: '1 – Critical', short: 'Critical', color: 'red' },
  { value: 2, label: '2 – High', short: 'High', color: 'orange' },
  { value: 3, label: '3 – Medium', short: 'Medium', color: 'blue' },
  { value: 4, label: '4 – Low', short: 'Low', color: 'gray' },
] as const;

/** One line of text cut with an ellipsis; the whole text on hover. */
export function Truncate({ children }: { children: string | null | undefined }) {
  if (!children) return <span className="cb-muted">—</span>;
  return (
    <Text size="sm" truncate="end" title={children}>
      {children}
    </Text>
  );
}

export const priorityLabel = (p: number | string | null | undefined) => PRIORITIES.find((x) => x.value === Number(p))?.label ?? (p == null ? '' : String(p));

export function PriorityBadge({ priority }: { priority: number }) {
  const p = PRIORITIES.find((x) => x.value === priority);
  return (
    <Badge size="sm" radius="sm" variant={priority <= 2 ? 'filled' : 'light'} color={p?.color ?? 'gray'} style={{ whiteSpace: 'nowrap' }}>
      {p?.label ?? priority}
    </Badge>
  );
}

/** The colour of a status from its flags (statuses are admin-edited, so not from the key alone). */
export function statusColor(s: Pick<Status, 'key' | 'pause' | 'resolved' | 'final'> | null | undefined) {
  if (!s) return 'gray';
  if (s.final) return 'gray';
  if (s.resolved) return 'green';
  if (s.pause) return 'yellow';
  if (s.key === 'new') return 'blue';
  if (s.key === 'reopened') return 'orange';
  return 'indigo';
}

export function CaseStatusBadge({ status, label, size = 'sm' }: { status: string; label: string; size?: 'sm' | 'md' | 'lg' }) {
  const { data } = useStatuses();
  const s = data?.find((x) => x.key === status);
  return (
    <Badge size={size} radius="sm" variant="light" color={statusColor(s ?? { key: status, pause: false, resolved: false, final: false })} style={{ whiteSpace: 'nowrap' }}>
      {s?.label ?? label}
    </Badge>
  );
}

export const CHANNEL_LABELS: Record<Channel, string> = { web: 'Web', email: 'Email', portal: 'Portal', phone: 'Phone', api: 'API' };

export const ACTIVITY_LABELS: Record<ActivityType, string> = { task: 'Task', phone_call: 'Phone call', appointment: 'Appointment', email: 'Email' };
export const activityLabel = (t: string) => ACTIVITY_LABELS[t as ActivityType] ?? humanize(t);

export function ActivityIcon({ type, size = 16 }: { type: string; size?: number }) {
  const Icon = type === 'phone_call' ? IconPhone : type === 'appointment' ? IconCalendarEvent : type === 'email' ? IconMail : IconChecklist;
  return <Icon size={size} aria-hidden stroke={1.7} />;
}

/** "not_reproducible" → "Not reproducible". */
export function humanize(code: string) {
  const s = code.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().trim();
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** What people call the case fields (API names in camelCase). */
export const FIELD_LABELS: Record<string, string> = {
  shortDescription: 'Short description',
  description: 'Description',
  accountId: 'Account',
  contactId: 'Contact',
  product: 'Product',
  assetIds: 'Assets',
  priority: 'Priority',
  category: 'Category',
  channel: 'Channel',
  status: 'Status',
  stage: 'Stage',
  assigneeId: 'Assignee',
  assignmentGroupId: 'Assignment group',
  queueId: 'Queue',
  escalationLevel: 'Escalation level',
  escalationReason: 'Escalation reason',
  cancelReason: 'Cancel reason',
  reopenReason: 'Reopen reason',
  resolutionCode: 'Resolution code',
  cause: 'Cause',
  resolutionNotes: 'Resolution notes',
  resolvedAt: 'Resolved',
  closedAt: 'Closed',
  firstResponseAt: 'First response',
  ownerId: 'Owner',
  dueAt: 'Due date',
  subject: 'Subject',
  body: 'Notes',
  state: 'State',
  major: 'Major case',
  parentId: 'Parent case',
};
export const fieldLabel = (f: string) => FIELD_LABELS[f] ?? humanize(f);

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Infinity],
];

/** "5 minutes ago", "in 2 days". */
export function relativeTime(iso: string, now = Date.now()) {
  let v = (new Date(iso).getTime() - now) / 1000;
  if (Number.isNaN(v)) return iso;
  if (Math.abs(v) < 45) return 'just now';
  for (const [unit, size] of STEPS) {
    if (Math.abs(Math.round(v)) < size) return rtf.format(Math.round(v), unit);
    v /= size;
  }
  return formatDate(iso);
}

/** A relative time with the absolute one on hover (and for screen readers in the datetime). */
export function When({ iso, prefix }: { iso: string | null | undefined; prefix?: string }) {
  if (!iso) return <span className="cb-muted">—</span>;
  return (
    <Tooltip label={formatDate(iso)} openDelay={300} withinPortal>
      <time dateTime={iso} style={{ whiteSpace: 'nowrap' }}>
        {prefix ? `${prefix} ` : ''}
        {relativeTime(iso)}
      </time>
    </Tooltip>
  );
}

export const fileSize = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);
