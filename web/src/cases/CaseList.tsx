import type { ReactNode } from 'react';
import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconHandGrab } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api';
import { casesApi, type CaseSummary, type CaseView } from '../casesApi';
import { ListTable, type Column } from '../components/ListPage';
import { CaseFilters, useCaseFilters } from './CaseFilters';
import { CaseStatusBadge, PriorityBadge, Truncate, When } from './format';
import { useStatuses } from './lookups';

// A case list: filters, a sortable table with "Load more", ↑/↓/Enter; used by every case view.

const baseColumns: Column<CaseSummary>[] = [
  { header: 'Number', render: (c) => c.number, width: 96, sortKey: 'number' },
  { header: 'Short description', render: (c) => <Truncate>{c.shortDescription}</Truncate> },
  { header: 'Account', render: (c) => <Truncate>{c.accountName}</Truncate>, width: '11%' },
  { header: 'Priority', render: (c) => <PriorityBadge priority={c.priority} />, width: 112, sortKey: 'priority', sortFirst: 'asc' },
  { header: 'Status', render: (c) => <CaseStatusBadge status={c.status} label={c.statusLabel} />, width: 172 },
  { header: 'Assignee', render: (c) => (c.assigneeName ? <Truncate>{c.assigneeName}</Truncate> : <span className="cb-muted">Unassigned</span>), width: '9%' },
  { header: 'Queue', render: (c) => <Truncate>{c.queueName}</Truncate>, width: '9%' },
  { header: 'Updated', render: (c) => <When iso={c.updatedAt} />, width: 100, sortKey: 'updated' },
];

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
  hide?: ('status' | 'assigneeId' | 'queue')[];
}

export function CaseList({ view, queueId, pickable, defaultStatus, caption, empty, hide = [] }: CaseListProps) {
  const filters = useCaseFilters(view, queueId);
  const statuses = useStatuses();
  const workable = new Set((statuses.data ?? []).filter((s) => !s.resolved && !s.final).map((s) => s.key));
  const columns = baseColumns.filter((c) => !(c.header === 'Queue' && hide.includes('queue')));
  if (pickable) {
    columns.push({
      header: 'Pick',
      hideHeader: true,
      width: 80,
      render: (c) => (!c.assigneeId && workable.has(c.status) ? <PickButton row={c} /> : null),
    });
  }
  const params = { ...filters.apiParams, status: filters.apiParams.status ?? defaultStatus };
  return (
    <>
      <CaseFilters filters={filters} hide={hide.filter((h): h is 'status' | 'assigneeId' => h !== 'queue')} />
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
    </>
  );
}
