import type { ReactNode } from 'react';
import { Button, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconHandGrab } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api';
import { casesApi, type CaseSummary, type CaseView } from '../casesApi';
import { ListTable, type Column } from '../components/ListPage';
import { SlaBadge } from '../components/SlaBadge';
import { CaseFilters, useCaseFilters, type DefaultSort } from './CaseFilters';
import { CaseStatusBadge, PriorityBadge, Truncate, When } from './format';
import { useStatuses } from './lookups';

// A case list: filters, a sortable table with "Load more", ↑/↓/Enter; used by every case view.

const baseColumns: Column<CaseSummary>[] = [
  { header: 'Number', render: (c) => c.number, width: 92, sortKey: 'number' },
  { header: 'Short description', render: (c) => <Truncate>{c.shortDescription}</Truncate> },
  { header: 'Account', render: (c) => <Truncate>{c.accountName}</Truncate>, width: '9%' },
  { header: 'Priority', render: (c) => <PriorityBadge priority={c.priority} />, width: 108, sortKey: 'priority', sortFirst: 'asc' },
  { header: 'Status', render: (c) => <CaseStatusBadge status={c.status} label={c.statusLabel} />, width: 124 },
  { header: 'Assignee', render: (c) => (c.assigneeName ? <Truncate>{c.assigneeName}</Truncate> : <span className="cb-muted">Unassigned</span>), width: '9%' },
  { header: 'Queue', render: (c) => <Truncate>{c.queueName}</Truncate>, width: '8%' },
  { header: 'SLA due', render: (c) => <ListSla row={c} />, width: 150, sortKey: 'due', sortFirst: 'asc' },
  { header: 'Updated', render: (c) => <When iso={c.updatedAt} />, width: 92, sortKey: 'updated' },
];

/**
 * The clock a list row's slaState speaks of. The list does not say which one it is (first response
 * until given, then resolution), so: a breach is the latest deadline passed; at risk is the deadline
 * within the hour (the at-risk window is at most 60 min); otherwise the resolution deadline, or with
 * `nearest` (lists of cases due soon) the nearest deadline ahead.
 */
export function listClock(c: Pick<CaseSummary, 'slaState' | 'responseDueAt' | 'resolutionDueAt'>, nearest = false, now = Date.now()) {
  const at = (iso: string | null) => (iso ? Date.parse(iso) : NaN);
  const [resp, reso] = [at(c.responseDueAt), at(c.resolutionDueAt)];
  const response = { label: 'First response', dueAt: c.responseDueAt };
  const resolution = { label: 'Resolution', dueAt: c.resolutionDueAt };
  if (c.slaState === 'breached') return reso <= now || !(resp <= now) ? resolution : response;
  if (c.slaState === 'at_risk' && !(reso - now <= 3600_000) && resp - now <= 3600_000 && resp >= now) return response;
  if (nearest && resp >= now && !(reso < resp)) return response;
  return resolution;
}

const LIVE = new Set(['running', 'at_risk', 'paused', 'breached']);

function ListSla({ row, nearest }: { row: CaseSummary; nearest?: boolean }) {
  // A resolved case can still report a live clock (the first response never given keeps running
  // on the server); what matters once resolved is whether the resolution came in time.
  if (row.resolvedAt && row.resolutionDueAt && LIVE.has(row.slaState)) {
    return <SlaBadge state={row.resolvedAt <= row.resolutionDueAt ? 'met' : 'missed'} dueAt={row.resolutionDueAt} label="Resolution" compact />;
  }
  const clock = listClock(row, nearest);
  return <SlaBadge state={row.slaState} dueAt={clock.dueAt} label={clock.label} quietWhenNone compact />;
}

export const casesInvalidation = (qc: ReturnType<typeof useQueryClient>) => {
  void qc.invalidateQueries({ queryKey: ['cases', 'list'] });
  void qc.invalidateQueries({ queryKey: ['queues'] });
};

/** "Pick": an agent of an `any` queue takes an unassigned case; one of two racing pickers wins. */
function PickButton({ row }: { row: CaseSummary }) {
  const qc = useQueryClient();
  const pick = useMutation({
    mutationFn: () => casesApi.action(row.number, 'pick'),
    onSuccess: (c) => {
      casesInvalidation(qc);
      qc.setQueryData(['cases', 'detail', c.number], c);
      notifications.show({ color: 'green', title: `You picked ${c.number}`, message: `${c.shortDescription} is assigned to you.` });
    },
    onError: (e) => {
      casesInvalidation(qc);
      notifications.show({ color: 'red', title: `Could not pick ${row.number}`, message: errorMessage(e) });
    },
  });
  return (
    <Button size="compact-sm" variant="light" leftSection={<IconHandGrab size={14} />} loading={pick.isPending} onClick={() => pick.mutate()} aria-label={`Pick ${row.number}`}>
      Pick
    </Button>
  );
}

interface CaseListProps {
  view: CaseView;
  queueId?: number;
  /** Offer Pick on unassigned, workable rows (an `any` queue). */
  pickable?: boolean;
  /** Status keys sent when the person chose none (e.g. a queue shows its open cases). */
  defaultStatus?: string;
  caption: string;
  empty: { title: string; description: ReactNode; action?: ReactNode };
  hide?: ('status' | 'assigneeId' | 'queue' | 'sla')[];
  /** Parameters the page fixes (e.g. sla=breached), not offered as filters. */
  fixed?: { sla?: 'breached' | 'at_risk' };
  /** The sort before the person picks one (default: updated, newest first). */
  defaultSort?: DefaultSort;
}

export function CaseList({ view, queueId, pickable, defaultStatus, caption, empty, hide = [], fixed, defaultSort }: CaseListProps) {
  const filters = useCaseFilters(view, queueId, defaultSort);
  const statuses = useStatuses();
  const workable = new Set((statuses.data ?? []).filter((s) => !s.resolved && !s.final).map((s) => s.key));
  const columns = baseColumns
    .filter((c) => !(c.header === 'Queue' && hide.includes('queue')))
    .map((c) => (c.sortKey === 'due' && fixed?.sla ? { ...c, render: (row: CaseSummary) => <ListSla row={row} nearest /> } : c));
  if (pickable) {
    columns.push({
      header: 'Pick',
      hideHeader: true,
      width: 80,
      render: (c) => (!c.assigneeId && workable.has(c.status) ? <PickButton row={c} /> : null),
    });
  }
  const params = { ...filters.apiParams, status: filters.apiParams.status ?? defaultStatus, ...fixed };
  return (
    <>
      <CaseFilters filters={filters} hide={hide.filter((h): h is 'status' | 'assigneeId' | 'sla' => h !== 'queue')} />
      <ListTable<CaseSummary>
        resource="cases"
        params={params}
        columns={columns}
        hrefOf={(c) => `/cases/${c.number}`}
        caption={caption}
        sort={filters.sortState}
        carrySearch={false}
        fixedLayout
        empty={filters.filtered ? { title: 'No cases match', description: 'Try other filters, or clear them to see every case of this list.' } : empty}
      />
      {params.sort === 'due' && (
        <Text size="xs" c="dimmed" mt={4}>
          Sorted by resolution due time; cases without an SLA deadline are left out of this order.
        </Text>
      )}
    </>
  );
}
