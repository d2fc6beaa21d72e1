import { Badge, Group, Input, SegmentedControl, Select, Text, Textarea, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import type { ActiveFilter } from '../api';
import type { Queue } from '../casesApi';
import { useAllProcesses } from '../cases/lookups';
import { ActiveFilterControl, dash, ListTable, NewButton, PageHeader, useSearchParam, type Column } from '../components/ListPage';
import { MemberSelect } from '../components/MemberSelect';
import { DrawerForm, DrawerLoading, RouteDrawer, RecordMeta, StatusBadge } from '../components/RecordDrawer';
import { useGroupOptions, useUserOptions } from '../components/useAll';
import { pickChanged, useRecordForm } from '../components/useRecordForm';
import { useDrawerRoute, useDrawerTitle } from './util';

const BASE = '/admin/queues';
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const MODES = [
  { value: 'any', label: 'Pick any', help: 'Members pick any unassigned case they like.' },
  { value: 'next', label: 'Next in line', help: 'Members only take the next case: highest priority first, then oldest.' },
] as const;

function ProcessName({ id }: { id: number | null }) {
  const processes = useAllProcesses();
  if (id === null) return <span className="cb-muted">Default</span>;
  return <>{processes.data?.find((p) => p.id === id)?.name ?? `Process #${id}`}</>;
}

const columns: Column<Queue>[] = [
  { header: 'Name', render: (q) => q.name },
  { header: 'Mode', render: (q) => <Badge size="sm" radius="sm" variant="light" color={q.mode === 'next' ? 'grape' : 'teal'}>{MODES.find((m) => m.value === q.mode)!.label}</Badge>, width: 130 },
  { header: 'Members', render: (q) => `${plural(q.memberIds.length, 'user')}, ${plural(q.groupIds.length, 'group')}`, width: 170 },
  { header: 'Process', render: (q) => <ProcessName id={q.processId} /> },
  { header: 'Waiting', render: (q) => q.waitingCount, width: 90 },
  { header: 'Description', render: (q) => dash(q.description) },
  { header: 'Status', render: (q) => <StatusBadge active={q.active} />, width: 100 },
];

export function QueuesPage() {
  const route = useDrawerRoute(BASE);
  const { recordId } = route;
  const [active, setActive] = useSearchParam('active', 'true');
  const title = useDrawerTitle<Queue>('queues', recordId, (q) => q.name, 'New queue', 'Queue');
  return (
    <>
      <PageHeader
        title="Queues"
        description="Where unassigned cases wait. Members (users, or whole groups) pick cases or take the next one."
        action={<NewButton to={`${BASE}/new`} label="New queue" />}
      />
      <Group mb="md">
        <ActiveFilterControl value={active as ActiveFilter} onChange={setActive} />
      </Group>
      <ListTable<Queue>
        resource="queues"
        params={{ active: active as ActiveFilter }}
        columns={columns}
        hrefOf={(q) => `${BASE}/${q.id}`}
        caption="Queues"
        selectedId={route.selectedId}
        empty={{ title: 'No queues match', description: 'Create a queue, e.g. "General support", and make a team its members.', action: <NewButton to={`${BASE}/new`} label="New queue" /> }}
      />
      <RouteDrawer route={route} title={title} size={520}>
        {(id, onDone) => <QueueForm id={id} onDone={onDone} />}
      </RouteDrawer>
    </>
  );
}

interface QueueValues extends Record<string, unknown> {
  name: string;
  description: string;
  mode: 'any' | 'next';
  memberIds: number[];
  groupIds: number[];
  processId: number | null;
}

function QueueForm({ id, onDone }: { id: number | null; onDone: () => void }) {
  const qc = useQueryClient();
  const processes = useAllProcesses();
  const form = useRecordForm<Queue, QueueValues>({
    resource: 'queues',
    id,
    noun: 'Queue',
    empty: { name: '', description: '', mode: 'any', memberIds: [], groupIds: [], processId: null },
    fromRecord: (q) => ({ name: q.name, description: q.description ?? '', mode: q.mode, memberIds: q.memberIds, groupIds: q.groupIds, processId: q.processId }),
    toCreate: (v) => ({ ...v, name: v.name.trim(), description: v.description.trim() }),
    toPatch: (v, changed) => pickChanged(v, changed),
    validate: (v) => ({ name: v.name.trim() ? undefined : 'Enter the queue name' }),
    describe: (q) => q.name,
    onCreated: () => (void qc.invalidateQueries({ queryKey: ['queues'] }), onDone()),
    onSaved: () => void qc.invalidateQueries({ queryKey: ['queues'] }),
  });
  const users = useUserOptions(form.values.memberIds);
  const groups = useGroupOptions(form.values.groupIds);
  if (form.loading || form.loadError) return <DrawerLoading error={form.loadError} />;
  const rec = form.record;
  const processData = (processes.data ?? []).filter((p) => p.active || p.id === form.values.processId).map((p) => ({ value: p.id, label: p.isDefault ? `${p.name} (default)` : p.name }));
  return (
    <DrawerForm form={form} noun="queue" ariaLabel={form.isNew ? 'New queue' : `Queue ${rec?.name ?? ''}`} onDone={onDone} activeToggle>
      {rec && <RecordMeta createdAt={rec.createdAt} updatedAt={rec.updatedAt} active={rec.active} />}
      <TextInput label="Name" required data-autofocus value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} />
      <Textarea label="Description" autosize minRows={2} maxRows={5} value={form.values.description} onChange={(e) => form.set('description', e.currentTarget.value)} error={form.errors.description} />
      <Input.Wrapper label="Mode" labelElement="div" id="queue-mode" error={form.errors.mode} description={MODES.find((m) => m.value === form.values.mode)!.help} inputWrapperOrder={['label', 'input', 'description', 'error']}>
        <SegmentedControl
          aria-labelledby="queue-mode-label"
          fullWidth
          value={form.values.mode}
          onChange={(v) => form.set('mode', v as QueueValues['mode'])}
          data={MODES.map((m) => ({ value: m.value, label: m.label }))}
          mb={4}
        />
      </Input.Wrapper>
      <MemberSelect
        label="Member users"
        noun="user"
        placeholder="Search users by name or email"
        options={users.options}
        value={form.values.memberIds}
        onChange={(v) => form.set('memberIds', v)}
        error={form.errors.memberIds}
        loading={users.query.isPending}
        loadFailed={users.query.isError}
      />
      <MemberSelect
        label="Member groups"
        noun="group"
        placeholder="Search groups"
        description="Every member of these groups works the queue."
        options={groups.options}
        value={form.values.groupIds}
        onChange={(v) => form.set('groupIds', v)}
        error={form.errors.groupIds}
        loading={groups.query.isPending}
        loadFailed={groups.query.isError}
      />
      <Select<number>
        label="Process"
        placeholder="The default process"
        description="The stages new cases of this queue follow."
        data={processData}
        value={form.values.processId}
        onChange={(v) => form.set('processId', v ?? null)}
        clearable
        error={form.errors.processId}
        comboboxProps={{ withinPortal: true }}
      />
      {!form.isNew && rec && (
        <Text size="xs" c="dimmed">
          {rec.waitingCount} unassigned open {rec.waitingCount === 1 ? 'case waits' : 'cases wait'} in this queue.
        </Text>
      )}
    </DrawerForm>
  );
}
