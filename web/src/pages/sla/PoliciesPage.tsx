import { Alert, Anchor, Autocomplete, Center, Group, Input, Loader, NumberInput, Select, Table, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { api, errorMessage } from '../../api';
import { NewButton, PageHeader } from '../../components/ListPage';
import { DrawerForm, DrawerLoading, RouteDrawer, StatusBadge } from '../../components/RecordDrawer';
import { compact, pickChanged, useRecordForm } from '../../components/useRecordForm';
import { PRIORITIES, PriorityBadge } from '../../cases/format';
import { useDrawerRoute, useDrawerTitle } from '../util';
import { targetText, type BusinessCalendar, type SlaPolicy } from './slaTypes';

// Admin → SLA policies: first-response and resolution targets per priority (optionally per account
// tier, which wins over the general policy of that priority), counted in a business calendar.

const BASE = '/admin/sla-policies';
const listKey = ['sla-policies', 'list', {}] as const;

const usePolicies = () => useQuery({ queryKey: listKey, queryFn: async () => (await api.list<SlaPolicy>('sla-policies', {})).items });
const useCalendars = () => useQuery({ queryKey: ['calendars', 'list', {}], queryFn: async () => (await api.list<BusinessCalendar>('calendars', {})).items });

function PolicyTable({ selectedId }: { selectedId: number | null }) {
  const navigate = useNavigate();
  const q = usePolicies();
  if (q.isPending) {
    return (
      <Center py="xl" role="status" aria-label="Loading">
        <Loader size="sm" />
      </Center>
    );
  }
  if (q.isError) return <Alert color="red" title="Could not load the SLA policies">{errorMessage(q.error)}</Alert>;
  const open = (p: SlaPolicy) => navigate(`${BASE}/${p.id}`);
  return (
    <div className="cb-table-wrap">
      <Table highlightOnHover aria-label="SLA policies by priority" layout="fixed" miw={760}>
        <Table.Thead>
          <Table.Tr>
            {['Name', 'Account tier', 'Calendar', 'First response', 'Resolution', 'Status'].map((h) => (
              <Table.Th key={h} scope="col" w={h === 'Name' ? undefined : h === 'Calendar' ? '22%' : 130}>
                {h}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        {PRIORITIES.map((pr) => {
          const rows = q.data.filter((p) => p.priority === pr.value);
          return (
            <Table.Tbody key={pr.value} aria-label={`Priority ${pr.label}`}>
              <Table.Tr bg="gray.0">
                <Table.Th colSpan={6} scope="colgroup">
                  <Group gap={8}>
                    <PriorityBadge priority={pr.value} />
                    <Text size="xs" c="dimmed" fw={400}>
                      {rows.length ? `${rows.length} ${rows.length === 1 ? 'policy' : 'policies'}` : 'No policy: cases of this priority get no SLA deadlines.'}
                    </Text>
                  </Group>
                </Table.Th>
              </Table.Tr>
              {rows.map((p) => (
                <Table.Tr key={p.id} className="cb-row" onClick={() => open(p)} bg={selectedId === p.id ? 'var(--mantine-color-indigo-0)' : undefined} aria-selected={selectedId === p.id ? true : undefined}>
                  <Table.Td>
                    <Anchor component={Link} to={`${BASE}/${p.id}`} size="sm" fw={500} onClick={(e) => e.stopPropagation()}>
                      {p.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{p.accountTier ?? <span className="cb-muted">Any tier</span>}</Table.Td>
                  <Table.Td>
                    <Text size="sm" truncate="end">
                      {p.calendarName}
                    </Text>
                  </Table.Td>
                  <Table.Td>{targetText(p.firstResponseMinutes)}</Table.Td>
                  <Table.Td>{targetText(p.resolutionMinutes)}</Table.Td>
                  <Table.Td>
                    <StatusBadge active={p.active} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          );
        })}
      </Table>
    </div>
  );
}

export function PoliciesPage() {
  const route = useDrawerRoute(BASE);
  const title = useDrawerTitle<SlaPolicy>('sla-policies', route.recordId, (p) => p.name, 'New SLA policy', 'SLA policy');
  return (
    <>
      <PageHeader
        title="SLA policies"
        description="First-response and resolution targets by priority, in business time of a calendar. A policy for an account tier wins over the general one of its priority."
        action={<NewButton to={`${BASE}/new`} label="New policy" />}
      />
      <PolicyTable selectedId={route.selectedId} />
      <Text size="xs" c="dimmed" mt="sm">
        Changes apply to cases opened or re-prioritised afterwards; deadlines already set stay as they are.
      </Text>
      <RouteDrawer route={route} title={title} size={520}>
        {(id, onDone) => <PolicyForm id={id} onDone={onDone} />}
      </RouteDrawer>
    </>
  );
}

/** A business-time target entered as hours and minutes, kept as minutes. */
function TargetInput({ label, value, onChange, error }: { label: string; value: number; onChange: (m: number) => void; error?: string }) {
  const id = label.toLowerCase().replace(/\s+/g, '-');
  const h = Math.floor(value / 60);
  const m = value % 60;
  return (
    <Input.Wrapper label={label} labelElement="div" id={id} required error={error}>
      <Group gap={6} wrap="nowrap" role="group" aria-labelledby={`${id}-label`} mt={4}>
        <NumberInput aria-label={`${label} hours`} min={0} max={8760} w={96} value={h} onChange={(v) => onChange((Number(v) || 0) * 60 + m)} rightSection={<Text size="xs" c="dimmed">h</Text>} error={!!error} />
        <NumberInput aria-label={`${label} minutes`} min={0} max={59} w={100} value={m} onChange={(v) => onChange(h * 60 + Math.min(59, Number(v) || 0))} rightSection={<Text size="xs" c="dimmed">min</Text>} rightSectionWidth={36} error={!!error} />
      </Group>
    </Input.Wrapper>
  );
}

interface PolicyValues extends Record<string, unknown> {
  name: string;
  priority: number;
  accountTier: string;
  calendarId: number | null;
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

const TIERS = ['standard', 'premium', 'enterprise'];

function PolicyForm({ id, onDone }: { id: number | null; onDone: () => void }) {
  const calendars = useCalendars();
  const policies = usePolicies();
  const form = useRecordForm<SlaPolicy, PolicyValues>({
    resource: 'sla-policies',
    id,
    noun: 'SLA policy',
    empty: { name: '', priority: 3, accountTier: '', calendarId: null, firstResponseMinutes: 240, resolutionMinutes: 1440 },
    fromRecord: (p) => ({ name: p.name, priority: p.priority, accountTier: p.accountTier ?? '', calendarId: p.calendarId, firstResponseMinutes: p.firstResponseMinutes, resolutionMinutes: p.resolutionMinutes }),
    toCreate: (v) => compact(v),
    toPatch: (v, changed) => pickChanged(v, changed, ['accountTier']),
    validate: (v) => ({
      name: v.name.trim() ? undefined : 'Name the policy, e.g. High (premium)',
      calendarId: v.calendarId ? undefined : 'Choose the calendar the targets count in',
      firstResponseMinutes: v.firstResponseMinutes >= 1 ? undefined : 'Set a target of at least 1 minute',
      resolutionMinutes: v.resolutionMinutes < 1 ? 'Set a target of at least 1 minute' : v.resolutionMinutes < v.firstResponseMinutes ? 'Resolution cannot come before the first response' : undefined,
    }),
    describe: (p) => p.name,
    onCreated: () => onDone(),
  });
  if (form.loading || form.loadError) return <DrawerLoading error={form.loadError} />;
  const { values, set, errors } = form;
  const tiers = [...new Set([...TIERS, ...(policies.data ?? []).map((p) => p.accountTier).filter((t): t is string => !!t)])];
  return (
    <DrawerForm form={form} noun="policy" ariaLabel={form.isNew ? 'New SLA policy' : `SLA policy ${form.record?.name ?? ''}`} onDone={onDone} activeToggle>
      <TextInput label="Name" required data-autofocus value={values.name} onChange={(e) => set('name', e.currentTarget.value)} error={errors.name} />
      <Group grow align="flex-start">
        <Select
          label="Priority"
          required
          allowDeselect={false}
          data={PRIORITIES.map((p) => ({ value: String(p.value), label: p.label }))}
          value={String(values.priority)}
          onChange={(v) => v && set('priority', Number(v))}
          error={errors.priority}
          comboboxProps={{ withinPortal: true }}
        />
        <Autocomplete label="Account tier" placeholder="Any tier" data={tiers} value={values.accountTier} onChange={(v) => set('accountTier', v)} error={errors.accountTier} comboboxProps={{ withinPortal: true }} />
      </Group>
      <Select
        label="Calendar"
        required
        placeholder={calendars.isPending ? 'Loading…' : 'Choose a business calendar'}
        data={(calendars.data ?? []).map((c) => ({ value: String(c.id), label: `${c.name} (${c.timezone})` }))}
        value={values.calendarId ? String(values.calendarId) : null}
        onChange={(v) => set('calendarId', v ? Number(v) : null)}
        error={errors.calendarId}
        comboboxProps={{ withinPortal: true }}
      />
      {calendars.data?.length === 0 && (
        <Text size="xs" c="dimmed">
          No calendar yet. <Anchor component={Link} to="/admin/calendars/new" size="xs">Create a business calendar</Anchor> first.
        </Text>
      )}
      <Group grow align="flex-start">
        <TargetInput label="First response target" value={values.firstResponseMinutes} onChange={(m) => set('firstResponseMinutes', m)} error={errors.firstResponseMinutes} />
        <TargetInput label="Resolution target" value={values.resolutionMinutes} onChange={(m) => set('resolutionMinutes', m)} error={errors.resolutionMinutes} />
      </Group>
      <Text size="xs" c="dimmed">
        Targets count business time in the policy’s calendar: a 2 h target on a Friday at 17:00 in a 09:00–18:00 calendar is due Monday at 10:00. A policy with an account tier applies to that tier’s accounts only; the one without applies to all others.
      </Text>
    </DrawerForm>
  );
}
