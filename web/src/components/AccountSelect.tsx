import { useMemo, useState } from 'react';
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { api, type Account } from '../api';

interface AccountSelectProps {
  label: string;
  value: number | null;
  onChange: (id: number | null) => void;
  /** A name for the selected account when it is not among the search results. */
  knownName?: string | null;
  error?: string;
  required?: boolean;
  clearable?: boolean;
  placeholder?: string;
  w?: number | string;
  /** Offer inactive accounts too (filters); forms offer only active ones. */
  includeInactive?: boolean;
  description?: string;
}

/** A searchable select of accounts that asks the server (GET /accounts?q=) as the person types. */
export function AccountSelect({ label, value, onChange, knownName, error, required, clearable, placeholder, w, includeInactive, description }: AccountSelectProps) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);

  const selected = useQuery({
    queryKey: ['accounts', 'detail', value],
    queryFn: () => api.get<Account>('accounts', value!),
    enabled: value !== null && !knownName,
    staleTime: 60_000,
  });
  const selectedName = knownName ?? selected.data?.name ?? null;
  // While the box shows the chosen account's name, list everything rather than that one name.
  const q = debounced && debounced !== selectedName ? debounced : '';

  const list = useQuery({
    queryKey: ['accounts', 'list', { q, active: includeInactive ? 'all' : 'true', limit: 25, picker: true }],
    queryFn: () => api.list<Account>('accounts', { q, active: includeInactive ? 'all' : 'true', limit: 25 }),
    staleTime: 30_000,
  });

  const data = useMemo(() => {
    const items = (list.data?.items ?? []).map((a) => ({ value: a.id, label: a.active ? a.name : `${a.name} (inactive)` }));
    if (value !== null && selectedName && !items.some((i) => i.value === value)) items.unshift({ value, label: selectedName });
    return items;
  }, [list.data, value, selectedName]);

  return (
    <Select<number>
      label={label}
      description={description}
      placeholder={placeholder ?? 'Search accounts'}
      searchable
      clearable={clearable}
      required={required}
      value={value}
      onChange={(v) => onChange(v ?? null)}
      searchValue={search}
      onSearchChange={setSearch}
      data={data}
      filter={({ options }) => options}
      nothingFoundMessage={list.isFetching ? 'Searching…' : 'No account matches'}
      error={error}
      w={w}
      comboboxProps={{ withinPortal: true }}
      maxDropdownHeight={280}
    />
  );
}
