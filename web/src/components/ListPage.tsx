import { useEffect, useRef, useState, type ReactNode } from 'react';
import {
  Alert,
  Box,
  Button,
  Center,
  EmptyState,
  Group,
  Input,
  Loader,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconArrowDown, IconArrowUp, IconArrowsSort, IconPlus, IconSearch, IconInbox } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { api, errorMessage, type ActiveFilter, type ListParams } from '../api';

export interface Column<T> {
  header: string;
  render: (row: T) => ReactNode;
  width?: number | string;
  /** The API's sort key when the list can sort by this column. */
  sortKey?: string;
  /** The order a first click sorts in (default: descending). */
  sortFirst?: 'asc' | 'desc';
  /** Hide the header text (still read by screen readers), e.g. for a column of row buttons. */
  hideHeader?: boolean;
}

export interface SortState {
  value: string;
  order: 'asc' | 'desc';
  onChange: (value: string, order: 'asc' | 'desc') => void;
}

/** A column header that sorts the list; says its state to screen readers with aria-sort. */
function SortableHeader<T>({ column, sort }: { column: Column<T>; sort: SortState }) {
  const active = sort.value === column.sortKey;
  const Icon = !active ? IconArrowsSort : sort.order === 'asc' ? IconArrowUp : IconArrowDown;
  const next = active ? (sort.order === 'asc' ? 'desc' : 'asc') : (column.sortFirst ?? 'desc');
  return (
    <Table.Th w={column.width} scope="col" aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton
        onClick={() => sort.onChange(column.sortKey!, next)}
        fz="sm"
        fw={600}
        c={active ? 'indigo.8' : 'gray.7'}
        style={{ display: 'inline-flex', alignItems: 'center', gap: 4, whiteSpace: 'nowrap' }}
        title={`Sort by ${column.header.toLowerCase()}`}
      >
        {column.header}
        <Icon size={13} aria-hidden stroke={active ? 2.2 : 1.6} />
      </UnstyledButton>
    </Table.Th>
  );
}

/** One URL search parameter as state, so filters survive reloads and the back button. */
export function useSearchParam(name: string, fallback = ''): [string, (v: string) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(name) ?? fallback;
  const set = (v: string) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (v === fallback || v === '') next.delete(name);
        else next.set(name, v);
        return next;
      },
      { replace: true },
    );
  return [value, set];
}

export function SearchBox({ label, placeholder, value, onChange, w = 280 }: { label: string; placeholder?: string; value: string; onChange: (v: string) => void; w?: number }) {
  const [text, setText] = useState(value);
  const [debounced] = useDebouncedValue(text, 300);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (debounced.trim() !== value) onChange(debounced.trim());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  // The URL changed from elsewhere (back button, a nav link): show its value.
  useEffect(() => {
    if (value !== text.trim()) setText(value);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  return (
    <TextInput
      type="search"
      label={label}
      placeholder={placeholder}
      value={text}
      onChange={(e) => setText(e.currentTarget.value)}
      leftSection={<IconSearch size={15} aria-hidden />}
      w={w}
    />
  );
}

export function ActiveFilterControl({ value, onChange }: { value: ActiveFilter; onChange: (v: ActiveFilter) => void }) {
  return (
    <Input.Wrapper label="Status" labelElement="div" id="active-filter" styles={{ label: { display: 'block' } }}>
      <SegmentedControl<ActiveFilter>
        aria-labelledby="active-filter-label"
        size="sm"
        value={value}
        onChange={onChange}
        data={[
          { value: 'true', label: 'Active' },
          { value: 'false', label: 'Inactive' },
          { value: 'all', label: 'All' },
        ]}
        style={{ display: 'flex' }}
      />
    </Input.Wrapper>
  );
}

export function PageHeader({ title, description, action }: { title: string; description?: ReactNode; action?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-end" mb="md" wrap="nowrap">
      <Box>
        <Title order={1}>{title}</Title>
        {description && (
          <Text size="sm" c="dimmed" mt={2} component="div">
            {description}
          </Text>
        )}
      </Box>
      {action && <Box style={{ flexShrink: 0 }}>{action}</Box>}
    </Group>
  );
}

export function NewButton({ to, label }: { to: string; label: string }) {
  const { search } = useLocation();
  return (
    <Button component={Link} to={{ pathname: to, search }} leftSection={<IconPlus size={16} />}>
      {label}
    </Button>
  );
}

interface ListTableProps<T extends { id: number }> {
  resource: string;
  params: ListParams;
  columns: Column<T>[];
  /** Where a row opens, e.g. "/customers/accounts/7". */
  hrefOf: (row: T) => string;
  /** Accessible name of a row's link. */
  caption: string;
  empty: { title: string; description: ReactNode; action?: ReactNode };
  selectedId?: number | null;
  /** Sorting by column headers (columns with a sortKey). */
  sort?: SortState;
  /** Rows per page sent as limit; null for collections that answer all at once without paging. */
  pageSize?: number | null;
  /** Whether an opened row keeps the list's search (drawers over the list do; full pages do not). */
  carrySearch?: boolean;
  /** Fixed column widths (long text is cut, not wrapped). */
  fixedLayout?: boolean;
}

/** A list with cursor pagination: "Load more" fetches the next page; rows open with click or Enter. */
export function ListTable<T extends { id: number }>({ resource, params, columns, hrefOf, caption, empty, selectedId, sort, pageSize = 50, carrySearch = true, fixedLayout }: ListTableProps<T>) {
  const navigate = useNavigate();
  const location = useLocation();
  const search = carrySearch ? location.search : '';
  const from = { from: location.pathname + location.search };
  const query = useInfiniteQuery({
    queryKey: [resource, 'list', params],
    queryFn: ({ pageParam }) => api.list<T>(resource, { ...params, cursor: pageParam ?? undefined, limit: pageSize ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const tbody = useRef<HTMLTableSectionElement>(null);

  const open = (row: T) => navigate({ pathname: hrefOf(row), search }, { state: from });

  const onKeyDown = (e: React.KeyboardEvent<HTMLTableRowElement>, row: T) => {
    const tr = e.currentTarget;
    if (e.key === 'Enter' && e.target === tr) {
      e.preventDefault();
      open(row);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      (tr.nextElementSibling as HTMLElement | null)?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      (tr.previousElementSibling as HTMLElement | null)?.focus();
    }
  };

  if (query.isPending) {
    return (
      <Center py="xl" role="status" aria-label="Loading">
        <Loader size="sm" />
      </Center>
    );
  }
  if (query.isError) {
    return (
      <Alert color="red" title="Could not load the list">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{errorMessage(query.error)}</Text>
          <Button size="xs" variant="light" onClick={() => void query.refetch()}>
            Try again
          </Button>
        </Stack>
      </Alert>
    );
  }
  if (rows.length === 0) {
    return (
      <Box className="cb-table-wrap" py="xl">
        <EmptyState icon={<IconInbox size={28} />} title={empty.title} description={empty.description} size="sm">
          {empty.action}
        </EmptyState>
      </Box>
    );
  }

  return (
    <Stack gap="sm">
      <div className="cb-table-wrap">
        <div style={{ overflowX: 'auto' }}>
          <Table highlightOnHover aria-label={caption} miw={fixedLayout ? 900 : 640} layout={fixedLayout ? 'fixed' : undefined}>
            <Table.Thead>
              <Table.Tr>
                {columns.map((c) =>
                  sort && c.sortKey ? (
                    <SortableHeader key={c.header} column={c} sort={sort} />
                  ) : (
                    <Table.Th key={c.header} w={c.width} scope="col">
                      {c.hideHeader ? <span className="cb-visually-hidden">{c.header}</span> : c.header}
                    </Table.Th>
                  ),
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody ref={tbody}>
              {rows.map((row) => (
                <Table.Tr
                  key={row.id}
                  className="cb-row"
                  tabIndex={0}
                  onClick={(e) => {
                    if ((e.target as HTMLElement).closest('a,button')) return;
                    open(row);
                  }}
                  onKeyDown={(e) => onKeyDown(e, row)}
                  bg={selectedId === row.id ? 'var(--mantine-color-indigo-0)' : undefined}
                  aria-selected={selectedId === row.id ? true : undefined}
                >
                  {columns.map((c, i) => (
                    <Table.Td key={c.header}>
                      {i === 0 ? (
                        <Text component={Link} to={{ pathname: hrefOf(row), search }} state={from} size="sm" fw={500} c="indigo.8" td="none" tabIndex={-1}>
                          {c.render(row)}
                        </Text>
                      ) : (
                        c.render(row)
                      )}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      </div>
      <Group justify="space-between">
        <Text size="xs" c="dimmed" aria-live="polite">
          {rows.length} shown{query.hasNextPage ? '; more available' : ''}
        </Text>
        {query.hasNextPage && (
          <Button variant="default" size="xs" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            Load more
          </Button>
        )}
      </Group>
    </Stack>
  );
}

/** A muted dash for empty values. */
export const dash = (v: ReactNode) => (v === null || v === undefined || v === '' ? <span className="cb-muted">—</span> : v);

export function formatDate(iso: string | null | undefined) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** "Maya Patel" → "MP", for avatars. */
export function initials(name: string | null | undefined) {
  return (name ?? '?')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('');
}
