import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import type { Activity, Case, FieldChange, TimelineEntry } from '../casesApi';
import { formatDate } from '../components/ListPage';
import { activityLabel, fieldLabel, humanize, priorityLabel, CHANNEL_LABELS } from './format';
import type { Names } from './lookups';

// Change entries of the timeline as sentences: "Maya Patel changed Status from New to In progress".

/** The name of a record the audit names only by id (account, contact, asset). */
function RefName({ resource, id }: { resource: 'accounts' | 'contacts' | 'assets'; id: number }) {
  const q = useQuery({ queryKey: [resource, 'detail', id], queryFn: () => api.get<{ name: string }>(resource, id), staleTime: 5 * 60_000, retry: false });
  return <>{q.data?.name ?? `#${id}`}</>;
}

/** Fields not worth a sentence: the status change already says it. */
const QUIET = new Set(['resolvedAt', 'closedAt', 'firstResponseAt', 'completedAt', 'number', 'version', 'updatedAt']);
const REASONS = new Set(['escalationReason', 'cancelReason', 'reopenReason']);

const clip = (s: string, n = 120) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function ids(raw: string): number[] {
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? v.map(Number).filter(Number.isFinite) : [];
  } catch {
    return [];
  }
}

/** A field's value as people read it. */
function valueOf(field: string, raw: string, kase: Case, names: Names): ReactNode {
  const n = Number(raw);
  switch (field) {
    case 'status':
      return names.statusLabel(raw);
    case 'priority':
      return priorityLabel(raw);
    case 'stage':
      return kase.stages.find((s) => s.key === raw)?.name ?? raw;
    case 'channel':
      return CHANNEL_LABELS[raw as keyof typeof CHANNEL_LABELS] ?? raw;
    case 'assigneeId':
    case 'ownerId':
      return names.user(n);
    case 'assignmentGroupId':
      return names.group(n);
    case 'queueId':
      return names.queue(n);
    case 'accountId':
      return <RefName resource="accounts" id={n} />;
    case 'contactId':
      return <RefName resource="contacts" id={n} />;
    case 'assetIds': {
      const list = ids(raw);
      if (!list.length) return 'none';
      return list.map((id, i) => (
        <span key={id}>
          {i > 0 && ', '}
          <RefName resource="assets" id={id} />
        </span>
      ));
    }
    case 'resolutionCode':
      return humanize(raw);
    case 'dueAt':
      return formatDate(raw);
    case 'escalationLevel':
      return raw;
    case 'state':
      return humanize(raw);
    default:
      return `“${clip(raw)}”`;
  }
}

function fieldSentence(c: FieldChange, kase: Case, names: Names): ReactNode | null {
  const f = c.field;
  if (!f || QUIET.has(f)) return null;
  if (f === 'watcher') return c.newValue ? <>added <strong>{c.newValue}</strong> to the watch list</> : c.oldValue ? <>took <strong>{c.oldValue}</strong> off the watch list</> : null;
  const label = fieldLabel(f);
  if (REASONS.has(f)) return c.newValue ? <>gave the {label.toLowerCase()}: “{clip(c.newValue, 300)}”</> : null;
  const v = (raw: string) => <strong>{valueOf(f, raw, kase, names)}</strong>;
  if (f === 'assetIds' && (ids(c.oldValue ?? '[]').length === 0)) return c.newValue ? <>set {label} to {v(c.newValue)}</> : null;
  if (c.oldValue === null && c.newValue !== null) return <>set {label} to {v(c.newValue)}</>;
  if (c.newValue === null && c.oldValue !== null) return <>cleared {label} (was {v(c.oldValue)})</>;
  if (c.oldValue === null || c.newValue === null) return null;
  return (
    <>
      changed {label} from {v(c.oldValue)} to {v(c.newValue)}
    </>
  );
}

const STATE_VERB: Record<string, string> = { completed: 'completed', canceled: 'canceled', open: 'reopened' };

function activitySentences(entry: TimelineEntry, activities: Activity[], kase: Case, names: Names): ReactNode[] {
  const a = activities.find((x) => x.id === entry.change!.entityId);
  const what = a ? (
    <>
      the {activityLabel(a.type).toLowerCase()} <strong>“{a.subject}”</strong>
    </>
  ) : (
    <>an activity</>
  );
  const out: ReactNode[] = [];
  for (const c of entry.change!.changes) {
    if (c.field === 'state' && c.newValue) out.push(<>{STATE_VERB[c.newValue] ?? `set to ${c.newValue}`} {what}</>);
    else {
      const s = fieldSentence(c, kase, names);
      if (s) out.push(<>{s} of {what}</>);
    }
  }
  return out;
}

/** The sentences of one change entry, each without its actor (the caller puts the name first). */
export function changeSentences(entry: TimelineEntry, kase: Case, names: Names, activities: Activity[]): ReactNode[] {
  const ch = entry.change;
  if (!ch) return [];
  if (ch.entity === 'activity') return activitySentences(entry, activities, kase, names);
  if (ch.action === 'create') return [<>opened the case</>];
  return ch.changes.map((c) => fieldSentence(c, kase, names)).filter((s): s is NonNullable<ReactNode> => s !== null);
}
