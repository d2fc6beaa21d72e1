import { Fragment, type ReactNode } from 'react';
import { Alert, Badge, Box, Button, Center, DataList, Drawer, Group, Loader, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconLock, IconRefresh } from '@tabler/icons-react';
import { errorMessage } from '../api';
import { formatDate } from './ListPage';

/** The drawer a list row opens; the route decides whether it is open. */
export function RecordDrawer({ opened, onClose, title, children, size = 480 }: { opened: boolean; onClose: () => void; title: ReactNode; children: ReactNode; size?: number }) {
  return (
    <Drawer
      opened={opened}
      onClose={onClose}
      position="right"
      size={size}
      title={title}
      padding="lg"
      styles={{ title: { fontWeight: 600, fontSize: 'var(--mantine-font-size-lg)' } }}
      closeButtonProps={{ 'aria-label': 'Close panel' }}
    >
      {children}
    </Drawer>
  );
}

export function StatusBadge({ active }: { active: boolean }) {
  return (
    <Badge variant="light" color={active ? 'green' : 'gray'} size="sm" radius="sm">
      {active ? 'Active' : 'Inactive'}
    </Badge>
  );
}

export function DrawerLoading({ error }: { error?: unknown }) {
  if (error) {
    return (
      <Alert color="red" title="Could not load this record">
        {errorMessage(error)}
      </Alert>
    );
  }
  return (
    <Center py="xl" role="status" aria-label="Loading">
      <Loader size="sm" />
    </Center>
  );
}

interface FormShellProps {
  onSubmit: (e: React.FormEvent) => void;
  ariaLabel: string;
  formError: string | null;
  stale: boolean;
  reloading: boolean;
  onReload: () => void;
  children: ReactNode;
  footer: ReactNode;
}

/** A record form: banners (stale / errors), the fields, and a footer of actions. */
export function FormShell({ onSubmit, ariaLabel, formError, stale, reloading, onReload, children, footer }: FormShellProps) {
  return (
    <form onSubmit={onSubmit} noValidate aria-label={ariaLabel}>
      <Stack gap="md">
        {stale && (
          <Alert color="yellow" icon={<IconAlertTriangle size={18} />} title="This record was changed by someone else" role="alert">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">Reload to take their version. What you typed stays in the form; then save again.</Text>
              <Button size="xs" variant="white" color="yellow.9" leftSection={<IconRefresh size={14} />} onClick={onReload} loading={reloading}>
                Reload
              </Button>
            </Stack>
          </Alert>
        )}
        {formError && (
          <Alert color="red" title="Not saved" role="alert">
            {formError}
          </Alert>
        )}
        {children}
        <Group justify="space-between" mt="sm" pt="md" style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}>
          {footer}
        </Group>
      </Stack>
    </form>
  );
}

export function ActiveToggle({ active, noun, loading, onToggle }: { active: boolean; noun: string; loading: boolean; onToggle: (active: boolean) => void }) {
  return active ? (
    <Button variant="subtle" color="red" loading={loading} onClick={() => onToggle(false)} aria-label={`Deactivate ${noun}`}>
      Deactivate
    </Button>
  ) : (
    <Button variant="outline" color="green" loading={loading} onClick={() => onToggle(true)} aria-label={`Reactivate ${noun}`}>
      Reactivate
    </Button>
  );
}

export function ReadOnlyNotice({ what }: { what: string }) {
  return (
    <Alert color="gray" variant="light" icon={<IconLock size={16} />} p="xs">
      <Text size="sm">Read only: only administrators can change {what}.</Text>
    </Alert>
  );
}

export function RecordMeta({ createdAt, updatedAt, active }: { createdAt: string; updatedAt: string; active: boolean }) {
  return (
    <Group gap="sm" wrap="nowrap">
      <StatusBadge active={active} />
      <Text size="xs" c="dimmed" title={`Created ${formatDate(createdAt)}`}>
        Last updated {formatDate(updatedAt)}
      </Text>
    </Group>
  );
}

export function Details({ items }: { items: [string, ReactNode][] }) {
  return (
    <Box>
      <DataList orientation="horizontal" labelWidth={130} size="sm" gap="xs">
        {items.map(([label, value]) => (
          <DataList.Item key={label}>
            <DataList.ItemLabel>{label}</DataList.ItemLabel>
            <DataList.ItemValue>{value === null || value === undefined || value === '' ? <span className="cb-muted">—</span> : value}</DataList.ItemValue>
          </DataList.Item>
        ))}
      </DataList>
    </Box>
  );
}

/** What DrawerForm needs of useRecordForm's answer. */
interface DrawerFormState {
  isNew: boolean;
  record: object | null;
  submit: (e?: React.FormEvent) => void;
  formError: string | null;
  stale: boolean;
  reloading: boolean;
  reload: () => void | Promise<void>;
  saving: boolean;
  togglingActive: boolean;
  setActive: (active: boolean) => void;
}

interface DrawerFormProps {
  form: DrawerFormState;
  /** What the record is, in lower case ("queue"): "Create queue", "Deactivate queue". */
  noun: string;
  /** The accessible name of the form, e.g. "Queue Service desk". */
  ariaLabel: string;
  onDone: () => void;
  /** Offer Deactivate / Reactivate (records with an active flag). */
  activeToggle?: boolean;
  /** Other footer actions on the right, e.g. Delete. */
  extra?: ReactNode;
  children: ReactNode;
}

/** The form of a record drawer: FormShell with Create/Save, Cancel/Close and (de)activation. */
export function DrawerForm({ form, noun, ariaLabel, onDone, activeToggle, extra, children }: DrawerFormProps) {
  const rec = form.record as { active?: unknown } | null;
  return (
    <FormShell
      ariaLabel={ariaLabel}
      onSubmit={form.submit}
      formError={form.formError}
      stale={form.stale}
      reloading={form.reloading}
      onReload={() => void form.reload()}
      footer={
        <>
          <Group gap="xs">
            <Button type="submit" loading={form.saving}>
              {form.isNew ? `Create ${noun}` : 'Save changes'}
            </Button>
            <Button variant="default" onClick={onDone}>
              {form.isNew ? 'Cancel' : 'Close'}
            </Button>
          </Group>
          {activeToggle && rec && typeof rec.active === 'boolean' && <ActiveToggle active={rec.active} noun={noun} loading={form.togglingActive} onToggle={form.setActive} />}
          {extra}
        </>
      }
    >
      {children}
    </FormShell>
  );
}

/** The drawer of a list page's route: the form of the record it names ("new" → null), keyed by it. */
export function RouteDrawer({
  route,
  title,
  size,
  children,
}: {
  route: { recordId: number | 'new' | undefined; close: () => void };
  title: ReactNode;
  size?: number;
  children: (id: number | null, onDone: () => void) => ReactNode;
}) {
  const { recordId, close } = route;
  return (
    <RecordDrawer opened={recordId !== undefined} onClose={close} title={title} size={size}>
      {recordId !== undefined && <Fragment key={String(recordId)}>{children(recordId === 'new' ? null : recordId, close)}</Fragment>}
    </RecordDrawer>
  );
}
