import { useState } from 'react';
import { Alert, Badge, Button, Code, Group, NumberInput, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api';
import type { Status } from '../casesApi';
import { statusColor } from '../cases/format';
import { ListTable, NewButton, PageHeader, type Column } from '../components/ListPage';
import { DrawerForm, DrawerLoading, RouteDrawer } from '../components/RecordDrawer';
import { pickChanged, useRecordForm } from '../components/useRecordForm';
import { useDrawerRoute, useDrawerTitle } from './util';

const BASE = '/admin/statuses';

const FLAGS: { key: 'pause' | 'resolved' | 'final' | 'closeFormOnSave'; label: string; help: string }[] = [
  { key: 'pause', label: 'Pauses the SLA', help: 'The SLA clock stops; a customer reply reopens the case.' },
  { key: 'resolved', label: 'Counts as resolved', help: 'Read-only; a customer reply reopens it unless final.' },
  { key: 'final', label: 'Final', help: 'Never reopens; read-only.' },
  { key: 'closeFormOnSave', label: 'Close the form on save', help: 'The case form returns to the list after saving.' },
];

function FlagBadges({ s }: { s: Status }) {
  const on = FLAGS.filter((f) => s[f.key]);
  if (!on.length) return <span className="cb-muted">—</span>;
  return (
    <Group gap={4}>
      {on.map((f) => (
        <Badge key={f.key} size="sm" radius="sm" variant="light" color="gray">
          {f.label}
        </Badge>
      ))}
    </Group>
  );
}

const columns: Column<Status>[] = [
  {
    header: 'Label',
    render: (s) => s.label,
  },
  {
    header: 'Shown as',
    render: (s) => (
      <Badge size="sm" radius="sm" variant="light" color={statusColor(s)}>
        {s.label}
      </Badge>
    ),
    width: 170,
  },
  { header: 'Key', render: (s) => <Code>{s.key}</Code>, width: 190 },
  { header: 'Flags', render: (s) => <FlagBadges s={s} /> },
  { header: 'Order', render: (s) => s.sortOrder, width: 80 },
  { header: 'Type', render: (s) => (s.system ? 'System' : <Text size="sm" c="indigo.8">Custom</Text>), width: 90 },
];

export function StatusesPage() {
  const route = useDrawerRoute(BASE);
  const { recordId } = route;
  const title = useDrawerTitle<Status>('statuses', recordId, (s) => s.label, 'New status', 'Status');
  return (
    <>
      <PageHeader
        title="Statuses"
        description="The statuses a case moves through. System statuses keep their keys and flags; rename or reorder them, or add your own."
        action={<NewButton to={`${BASE}/new`} label="New status" />}
      />
      <ListTable<Status>
        resource="statuses"
        params={{}}
        pageSize={null}
        columns={columns}
        hrefOf={(s) => `${BASE}/${s.id}`}
        caption="Statuses"
        selectedId={route.selectedId}
        empty={{ title: 'No statuses', description: 'The system statuses are created with the database.' }}
      />
      <RouteDrawer route={route} title={title}>
        {(id, onDone) => <StatusForm id={id} onDone={onDone} />}
      </RouteDrawer>
    </>
  );
}

interface StatusValues extends Record<string, unknown> {
  key: string;
  label: string;
  sortOrder: number;
  pause: boolean;
  resolved: boolean;
  final: boolean;
  closeFormOnSave: boolean;
}

function DeleteStatus({ status, onDeleted }: { status: Status; onDeleted: () => void }) {
  const qc = useQueryClient();
  const [confirm, setConfirm] = useState(false);
  const del = useMutation({
    mutationFn: () => api.remove('statuses', status.id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['statuses'] });
      notifications.show({ color: 'green', title: 'Status deleted', message: status.label });
      onDeleted();
    },
    onError: (e) => notifications.show({ color: 'red', title: 'Not deleted', message: errorMessage(e) }),
  });
  return (
    <Stack gap="xs" align="flex-end">
      {del.isError && (
        <Alert color="red" title="Cannot delete this status" role="alert" w="100%">
          {errorMessage(del.error)}
        </Alert>
      )}
      {confirm ? (
        <Group gap="xs">
          <Text size="sm">Delete “{status.label}”?</Text>
          <Button color="red" size="xs" loading={del.isPending} onClick={() => del.mutate()}>
            Delete
          </Button>
          <Button variant="default" size="xs" onClick={() => setConfirm(false)}>
            Keep
          </Button>
        </Group>
      ) : (
        <Button variant="subtle" color="red" leftSection={<IconTrash size={15} />} onClick={() => setConfirm(true)} aria-label={`Delete status ${status.label}`}>
          Delete
        </Button>
      )}
    </Stack>
  );
}

function StatusForm({ id, onDone }: { id: number | null; onDone: () => void }) {
  const qc = useQueryClient();
  const invalidate = () => void qc.invalidateQueries({ queryKey: ['statuses'] });
  const form = useRecordForm<Status, StatusValues>({
    resource: 'statuses',
    id,
    noun: 'Status',
    empty: { key: '', label: '', sortOrder: 100, pause: false, resolved: false, final: false, closeFormOnSave: false },
    fromRecord: (s) => ({ key: s.key, label: s.label, sortOrder: s.sortOrder, pause: s.pause, resolved: s.resolved, final: s.final, closeFormOnSave: s.closeFormOnSave }),
    toCreate: (v) => ({ ...v, key: v.key.trim(), label: v.label.trim() }),
    toPatch: (v, changed) => pickChanged(v, changed.filter((k) => k !== 'key')),
    validate: (v, isNew) => ({
      key: isNew && !/^[a-z][a-z0-9_]{1,59}$/.test(v.key.trim()) ? 'Use lower_snake_case, 2–60 characters, e.g. waiting_for_vendor' : undefined,
      label: v.label.trim() ? undefined : 'Enter the label people see',
    }),
    describe: (s) => s.label,
    onCreated: () => (invalidate(), onDone()),
    onSaved: invalidate,
  });
  if (form.loading || form.loadError) return <DrawerLoading error={form.loadError} />;
  const rec = form.record;
  const system = !!rec?.system;
  return (
    <DrawerForm
      form={form}
      noun="status"
      ariaLabel={form.isNew ? 'New status' : `Status ${rec?.label ?? ''}`}
      onDone={onDone}
      extra={rec && !system && <DeleteStatus status={rec} onDeleted={onDone} />}
    >
      <TextInput
        label="Key"
        required={form.isNew}
        description={form.isNew ? 'Lower_snake_case; cannot be changed later.' : 'The key cannot be changed.'}
        value={form.values.key}
        onChange={(e) => form.set('key', e.currentTarget.value)}
        readOnly={!form.isNew}
        variant={form.isNew ? 'default' : 'filled'}
        error={form.errors.key}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />
      <TextInput label="Label" required data-autofocus value={form.values.label} onChange={(e) => form.set('label', e.currentTarget.value)} error={form.errors.label} />
      <NumberInput label="Sort order" description="Lower comes first in lists and filters." min={0} max={10000} value={form.values.sortOrder} onChange={(v) => form.set('sortOrder', Number(v) || 0)} error={form.errors.sortOrder} w={200} />
      <Stack gap="sm" role="group" aria-label="Flags">
        <Text size="sm" fw={500}>
          Flags
        </Text>
        {system && (
          <Text size="xs" c="dimmed">
            System status: the workflow relies on its flags, so they are fixed.
          </Text>
        )}
        {FLAGS.map((f) => (
          <Switch
            key={f.key}
            label={f.label}
            description={f.help}
            checked={form.values[f.key]}
            onChange={(e) => form.set(f.key, e.currentTarget.checked)}
            disabled={system && f.key !== 'closeFormOnSave'}
            error={form.errors[f.key]}
          />
        ))}
      </Stack>
    </DrawerForm>
  );
}
