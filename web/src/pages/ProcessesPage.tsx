import { Badge, Group, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import type { ActiveFilter } from '../api';
import type { Process } from '../casesApi';
import { ActiveFilterControl, dash, ListTable, NewButton, PageHeader, useSearchParam, type Column } from '../components/ListPage';
import { DrawerForm, DrawerLoading, RouteDrawer, RecordMeta, StatusBadge } from '../components/RecordDrawer';
import { pickChanged, useRecordForm } from '../components/useRecordForm';
import { StageEditor, stagesProblem } from './StageEditor';
import { useDrawerRoute, useDrawerTitle } from './util';

const BASE = '/admin/processes';

function StageChain({ p }: { p: Process }) {
  return (
    <Group gap={2} wrap="wrap">
      {p.stages.map((s, i) => (
        <Group key={s.key} gap={2} wrap="nowrap">
          {i > 0 && <IconChevronRight size={12} aria-hidden color="var(--mantine-color-gray-5)" />}
          <Text size="sm" title={s.requiredFields.length ? `Requires ${s.requiredFields.length} field(s)` : 'Requires nothing'}>
            {s.name}
          </Text>
        </Group>
      ))}
    </Group>
  );
}

const columns: Column<Process>[] = [
  { header: 'Name', render: (p) => p.name },
  { header: 'Stages', render: (p) => <StageChain p={p} /> },
  { header: 'Description', render: (p) => dash(p.description) },
  { header: 'Default', render: (p) => (p.isDefault ? <Badge size="sm" radius="sm" variant="light">Default</Badge> : null), width: 100 },
  { header: 'Status', render: (p) => <StatusBadge active={p.active} />, width: 100 },
];

export function ProcessesPage() {
  const route = useDrawerRoute(BASE);
  const { recordId } = route;
  const [active, setActive] = useSearchParam('active', 'all');
  const title = useDrawerTitle<Process>('processes', recordId, (p) => p.name, 'New process', 'Process');
  return (
    <>
      <PageHeader
        title="Processes"
        description="Guided business processes: the stages a case moves through and the fields each stage requires. A queue may name the process its cases follow."
        action={<NewButton to={`${BASE}/new`} label="New process" />}
      />
      <Group mb="md">
        <ActiveFilterControl value={active as ActiveFilter} onChange={setActive} />
      </Group>
      <ListTable<Process>
        resource="processes"
        params={{ active: active as ActiveFilter }}
        columns={columns}
        hrefOf={(p) => `${BASE}/${p.id}`}
        caption="Processes"
        selectedId={route.selectedId}
        empty={{ title: 'No processes match', description: 'Set Status to All, or create a process.', action: <NewButton to={`${BASE}/new`} label="New process" /> }}
      />
      <RouteDrawer route={route} title={title} size={640}>
        {(id, onDone) => <ProcessForm id={id} onDone={onDone} />}
      </RouteDrawer>
    </>
  );
}

interface ProcessValues extends Record<string, unknown> {
  name: string;
  description: string;
  isDefault: boolean;
  stages: Process['stages'];
}

const NEW_STAGES = [
  { key: 'identify', name: 'Identify', requiredFields: [] },
  { key: 'research', name: 'Research', requiredFields: [] },
  { key: 'resolve', name: 'Resolve', requiredFields: [] },
];

function ProcessForm({ id, onDone }: { id: number | null; onDone: () => void }) {
  const qc = useQueryClient();
  const form = useRecordForm<Process, ProcessValues>({
    resource: 'processes',
    id,
    noun: 'Process',
    empty: { name: '', description: '', isDefault: false, stages: NEW_STAGES },
    fromRecord: (p) => ({ name: p.name, description: p.description ?? '', isDefault: p.isDefault, stages: p.stages }),
    toCreate: (v) => ({ name: v.name.trim(), description: v.description.trim(), isDefault: v.isDefault, stages: v.stages.map((s) => ({ ...s, name: s.name.trim() })) }),
    toPatch: (v, changed) => pickChanged(v, changed),
    validate: (v) => ({ name: v.name.trim() ? undefined : 'Enter the process name', stages: stagesProblem(v.stages) }),
    describe: (p) => p.name,
    onCreated: () => (void qc.invalidateQueries({ queryKey: ['processes'] }), onDone()),
    onSaved: () => void qc.invalidateQueries({ queryKey: ['processes'] }),
  });
  if (form.loading || form.loadError) return <DrawerLoading error={form.loadError} />;
  const rec = form.record;
  return (
    <DrawerForm form={form} noun="process" ariaLabel={form.isNew ? 'New process' : `Process ${rec?.name ?? ''}`} onDone={onDone} activeToggle>
      {rec && <RecordMeta createdAt={rec.createdAt} updatedAt={rec.updatedAt} active={rec.active} />}
      <TextInput label="Name" required data-autofocus value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} />
      <Textarea label="Description" autosize minRows={2} maxRows={5} value={form.values.description} onChange={(e) => form.set('description', e.currentTarget.value)} error={form.errors.description} />
      <Switch
        label="Default process"
        description="New cases follow the default process unless their queue names another. Only one process is the default."
        checked={form.values.isDefault}
        onChange={(e) => form.set('isDefault', e.currentTarget.checked)}
        error={form.errors.isDefault}
      />
      <StageEditor value={form.values.stages} onChange={(s) => form.set('stages', s)} error={form.errors.stages} />
    </DrawerForm>
  );
}
