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
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch, IconInbox } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { api, errorMessage, type ActiveFilter, type ListParams } from '../api';

export interface Column<T> {
  header: string;
  render: (row: T) => ReactNode;
  width?: number | string;
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

export function SearchBox({ label, placeholder, value, onChange }: { label: string; placeholder?: string; value: string; onChange: (v: string) => void }) {
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
      w={280}
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
          <Text size="sm" c="dimmed" mt={2}>
            {description}
          </Text>
        )}
      </Box>
      {action}
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
}

/** A list with cursor pagination: "Load more" fetches the next page; rows open with click or Enter. */
export function ListTable<T extends { id: number }>({ resource, params, columns, hrefOf, caption, empty, selectedId }: ListTableProps<T>) {
  const navigate = useNavigate();
  const { search } = useLocation();
  const query = useInfiniteQuery({
    queryKey: [resource, 'list', params],
    queryFn: ({ pageParam }) => api.list<T>(resource, { ...params, cursor: pageParam ?? undefined, limit: 50 }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const tbody = useRef<HTMLTableSectionElement>(null);

  const open = (row: T) => navigate({ pathname: hrefOf(row), search });

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
          <Table highlightOnHover aria-label={caption} miw={640}>
            <Table.Thead>
              <Table.Tr>
                {columns.map((c) => (
                  <Table.Th key={c.header} w={c.width} scope="col">
                    {c.header}
                  </Table.Th>
                ))}
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
                        <Text component={Link} to={{ pathname: hrefOf(row), search }} size="sm" fw={500} c="indigo.8" td="none" tabIndex={-1}>
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
