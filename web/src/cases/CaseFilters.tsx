import { useMemo } from 'react';
import { Button, Chip, Group, Input, MultiSelect, Select } from '@mantine/core';
import { IconFilterOff } from '@tabler/icons-react';
import { useSearchParams } from 'react-router-dom';
import type { CaseListParams, CaseSort, CaseView, SortOrder } from '../casesApi';
import { AccountSelect } from '../components/AccountSelect';
import { SearchBox, type SortState } from '../components/ListPage';
import { useAllUsers } from '../components/useAll';
import { PRIORITIES } from './format';
import { useStatuses } from './lookups';

// The filters of a case list live in the URL (q, status, priority, accountId, assigneeId, sla,
// sort, order), so a filtered list survives reloads and can be shared.

const FILTER_KEYS = ['q', 'status', 'priority', 'accountId', 'assigneeId', 'sla'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
const SORTS: CaseSort[] = ['updated', 'opened', 'priority', 'number', 'due'];
const SLA_FILTERS = [
  { value: 'breached', label: 'Breached', color: 'red' },
  { value: 'at_risk', label: 'At risk', color: 'orange' },
] as const;

/** The sort a list starts with when the URL names none. */
export interface DefaultSort {
  sort: CaseSort;
  order: SortOrder;
}
const UPDATED_FIRST: DefaultSort = { sort: 'updated', order: 'desc' };

export function useCaseFilters(view: CaseView, queueId?: number, initial: DefaultSort = UPDATED_FIRST) {
  const [params, setParams] = useSearchParams();
  const get = (k: FilterKey) => params.get(k) ?? '';
  const set = (changes: Record<string, string>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        return next;
      },
      { replace: true },
    );
  const sortParam = params.get('sort') as CaseSort | null;
  const sort: CaseSort = sortParam && SORTS.includes(sortParam) ? sortParam : initial.sort;
  const orderParam = params.get('order');
  const order: SortOrder = orderParam === 'asc' || orderParam === 'desc' ? orderParam : initial.order;
  const accountId = Number(get('accountId')) || undefined;

  const apiParams: CaseListParams = {
    view,
    queueId,
    q: get('q') || undefined,
    status: get('status') || undefined,
    priority: get('priority') || undefined,
    accountId,
    assigneeId: get('assigneeId') || undefined,
    sla: get('sla') || undefined,
    sort,
    order,
  };
  const sortState: SortState = {
    value: sort,
    order,
    onChange: (value, o) => set({ sort: value === initial.sort ? '' : value, order: o === initial.order ? '' : o }),
  };
  const filtered = FILTER_KEYS.some((k) => !!get(k));
  return { get, set, apiParams, sortState, filtered, clear: () => set(Object.fromEntries(FILTER_KEYS.map((k) => [k, '']))) };
}
export type CaseFiltersState = ReturnType<typeof useCaseFilters>;

const list = (v: string) => (v ? v.split(',').filter(Boolean) : []);

export function CaseFilters({ filters, hide = [] }: { filters: CaseFiltersState; hide?: FilterKey[] }) {
  const statuses = useStatuses();
  const users = useAllUsers();
  const { get, set } = filters;
  const assigneeData = useMemo(
    () => [{ value: 'none', label: 'Unassigned' }, ...(users.data ?? []).filter((u) => u.active).map((u) => ({ value: String(u.id), label: u.name }))],
    [users.data],
  );
  const show = (k: FilterKey) => !hide.includes(k);

  return (
    <Group align="flex-end" gap="sm" mb="md" role="group" aria-label="Filters">
      <SearchBox label="Search" placeholder="Number or words" value={get('q')} onChange={(v) => set({ q: v })} w={170} />
      {show('status') && (
        <MultiSelect
          label="Status"
          placeholder={get('status') ? undefined : 'Any status'}
          data={(statuses.data ?? []).map((s) => ({ value: s.key, label: s.label }))}
          value={list(get('status'))}
          onChange={(v) => set({ status: v.join(',') })}
          clearable
          w={170}
          comboboxProps={{ withinPortal: true }}
          hidePickedOptions
        />
      )}
      {show('priority') && (
        <Input.Wrapper label="Priority" labelElement="div" id="priority-filter">
          <Chip.Group multiple value={list(get('priority'))} onChange={(v) => set({ priority: [...v].sort().join(',') })}>
            <Group gap={4} wrap="nowrap" role="group" aria-labelledby="priority-filter-label" mih={36} align="center">
              {PRIORITIES.map((p) => (
                <Chip key={p.value} value={String(p.value)} size="xs" color={p.color} variant="light" aria-label={p.label}>
                  {p.short}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
        </Input.Wrapper>
      )}
      {show('accountId') && (
        <AccountSelect
          label="Account"
          placeholder="Any account"
          value={Number(get('accountId')) || null}
          onChange={(v) => set({ accountId: v === null ? '' : String(v) })}
          clearable
          includeInactive
          w={160}
        />
      )}
      {show('assigneeId') && (
        <Select
          label="Assignee"
          placeholder="Anyone"
          data={assigneeData}
          value={get('assigneeId') || null}
          onChange={(v) => set({ assigneeId: v ?? '' })}
          searchable
          clearable
          w={150}
          comboboxProps={{ withinPortal: true }}
        />
      )}
      {show('sla') && (
        <Input.Wrapper label="SLA" labelElement="div" id="sla-filter">
          <Group gap={4} wrap="nowrap" role="group" aria-labelledby="sla-filter-label" mih={36} align="center">
            {SLA_FILTERS.map((f) => (
              <Chip key={f.value} checked={get('sla') === f.value} onChange={(on) => set({ sla: on ? f.value : '' })} size="xs" color={f.color} variant="light">
                {f.label}
              </Chip>
            ))}
          </Group>
        </Input.Wrapper>
      )}
      {filters.filtered && (
        <Button variant="subtle" color="gray" leftSection={<IconFilterOff size={15} />} onClick={filters.clear}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
