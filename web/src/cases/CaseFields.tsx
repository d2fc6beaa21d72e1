import { useMemo, useState } from 'react';
import { Autocomplete, MultiSelect, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { api, type Asset, type Contact } from '../api';
import { CHANNELS, type Channel } from '../casesApi';
import { AccountSelect } from '../components/AccountSelect';
import type { FieldErrors } from '../components/useRecordForm';
import type { CaseValues } from './caseForm';
import { CHANNEL_LABELS, PRIORITIES } from './format';
import { useAllQueues } from './lookups';

// The inputs of a case's own fields, grouped as the case form shows them; the New case form uses
// the same ones. Names the record already knows (account, contact) show before the lists load.

export interface CaseFieldsProps {
  values: CaseValues;
  set: <K extends keyof CaseValues & string>(k: K, v: CaseValues[K]) => void;
  errors: FieldErrors<CaseValues>;
  known?: { accountId: number | null; accountName: string | null; contactId: number | null; contactName: string | null; contactEmail?: string | null };
}

const comboboxProps = { withinPortal: true } as const;

function ContactSelect({ values, set, errors, known }: CaseFieldsProps) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const knownName = known && values.contactId === known.contactId ? known.contactName : null;
  const q = debounced && debounced !== knownName ? debounced : '';
  const list = useQuery({
    queryKey: ['contacts', 'list', { accountId: values.accountId, q, picker: true }],
    queryFn: () => api.list<Contact>('contacts', { accountId: values.accountId ?? undefined, q, active: 'true', limit: 50 }),
    staleTime: 30_000,
  });
  const items = list.data?.items ?? [];
  const data = useMemo(() => {
    const out = items.map((c) => ({ value: c.id, label: values.accountId ? c.name : `${c.name} — ${c.accountName}` }));
    if (values.contactId !== null && !out.some((o) => o.value === values.contactId)) out.unshift({ value: values.contactId, label: knownName ?? `Contact #${values.contactId}` });
    return out;
  }, [items, values.contactId, values.accountId, knownName]);

  return (
    <Select<number>
      label="Contact"
      placeholder={values.accountId ? 'Search the account’s contacts' : 'Search all contacts'}
      searchable
      clearable
      value={values.contactId}
      searchValue={search}
      onSearchChange={setSearch}
      onChange={(id) => {
        set('contactId', id ?? null);
        // A contact chosen without an account brings its account along.
        const c = items.find((x) => x.id === id);
        if (c && values.accountId === null) set('accountId', c.accountId);
      }}
      data={data}
      filter={({ options }) => options}
      nothingFoundMessage={list.isFetching ? 'Searching…' : 'No contact matches'}
      description={known?.contactEmail && values.contactId === known.contactId ? known.contactEmail : undefined}
      error={errors.contactId}
      comboboxProps={comboboxProps}
    />
  );
}

function AssetsSelect({ values, set, errors }: CaseFieldsProps) {
  const assets = useAccountAssets(values.accountId);
  const data = useMemo(() => {
    const out = (assets.data ?? []).map((a) => ({ value: a.id, label: a.serialNumber ? `${a.name} (${a.serialNumber})` : a.name }));
    for (const id of values.assetIds) if (!out.some((o) => o.value === id)) out.push({ value: id, label: assets.isPending ? 'Loading…' : `Asset #${id}` });
    return out;
  }, [assets.data, assets.isPending, values.assetIds]);
  return (
    <MultiSelect<number>
      label="Assets"
      placeholder={values.accountId === null ? 'Choose the account first' : values.assetIds.length ? undefined : 'Affected assets of the account'}
      disabled={values.accountId === null}
      searchable
      data={data}
      value={values.assetIds}
      onChange={(ids) => set('assetIds', ids)}
      nothingFoundMessage={assets.isPending ? 'Loading…' : 'The account has no such asset'}
      error={errors.assetIds}
      comboboxProps={comboboxProps}
      hidePickedOptions
    />
  );
}

function useAccountAssets(accountId: number | null) {
  return useQuery({
    queryKey: ['assets', 'list', { accountId, picker: true }],
    queryFn: async () => (await api.list<Asset>('assets', { accountId: accountId ?? undefined, active: 'true', limit: 200 })).items,
    enabled: accountId !== null,
    staleTime: 30_000,
  });
}

function ProductInput({ values, set, errors }: CaseFieldsProps) {
  const assets = useAccountAssets(values.accountId);
  // Suggest the products of the chosen assets first, then the account's other products.
  const suggestions = useMemo(() => {
    const list = assets.data ?? [];
    const chosen = list.filter((a) => values.assetIds.includes(a.id));
    return [...new Set([...chosen, ...list].map((a) => a.product).filter((p): p is string => !!p))];
  }, [assets.data, values.assetIds]);
  return (
    <Autocomplete
      label="Product"
      value={values.product}
      onChange={(v) => set('product', v)}
      data={suggestions}
      error={errors.product}
      comboboxProps={comboboxProps}
    />
  );
}

export function CustomerFields(props: CaseFieldsProps) {
  const { values, set, errors, known } = props;
  return (
    <Stack gap="sm">
      <AccountSelect
        label="Account"
        value={values.accountId}
        onChange={(id) => {
          if (id === values.accountId) return;
          set('accountId', id);
          // Another account: its contact and assets no longer fit.
          set('contactId', null);
          set('assetIds', []);
        }}
        knownName={known && values.accountId === known.accountId ? known.accountName : undefined}
        clearable
        error={errors.accountId}
      />
      <ContactSelect {...props} />
      <AssetsSelect {...props} />
      <ProductInput {...props} />
    </Stack>
  );
}

export function ClassificationFields({ values, set, errors }: CaseFieldsProps) {
  return (
    <SimpleGrid cols={2} spacing="sm" verticalSpacing="sm">
      <Select<number>
        label="Priority"
        data={PRIORITIES.map((p) => ({ value: p.value, label: p.label }))}
        value={values.priority}
        onChange={(v) => v !== null && set('priority', v)}
        allowDeselect={false}
        error={errors.priority}
        comboboxProps={comboboxProps}
      />
      <Select<Channel>
        label="Channel"
        data={CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] }))}
        value={values.channel}
        onChange={(v) => v && set('channel', v)}
        allowDeselect={false}
        error={errors.channel}
        comboboxProps={comboboxProps}
      />
      <TextInput label="Category" placeholder="e.g. Access, Billing, Defect" value={values.category} onChange={(e) => set('category', e.currentTarget.value)} error={errors.category} style={{ gridColumn: 'span 2' }} />
    </SimpleGrid>
  );
}

export function QueueSelect({ values, set, errors }: CaseFieldsProps) {
  const queues = useAllQueues();
  const data = useMemo(
    () => (queues.data ?? []).filter((q) => q.active || q.id === values.queueId).map((q) => ({ value: q.id, label: q.active ? q.name : `${q.name} (inactive)` })),
    [queues.data, values.queueId],
  );
  return (
    <Select<number>
      label="Queue"
      placeholder="No queue"
      data={data}
      value={values.queueId}
      onChange={(v) => set('queueId', v ?? null)}
      clearable
      searchable
      error={errors.queueId}
      comboboxProps={comboboxProps}
    />
  );
}

export function ProblemFields({ values, set, errors, autoFocus }: CaseFieldsProps & { autoFocus?: boolean }) {
  return (
    <Stack gap="sm">
      <TextInput
        label="Short description"
        required
        data-autofocus={autoFocus || undefined}
        value={values.shortDescription}
        onChange={(e) => set('shortDescription', e.currentTarget.value)}
        error={errors.shortDescription}
        maxLength={300}
      />
      <Textarea label="Description" autosize minRows={3} maxRows={12} value={values.description} onChange={(e) => set('description', e.currentTarget.value)} error={errors.description} />
    </Stack>
  );
}
