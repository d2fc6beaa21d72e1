import { useMemo } from 'react';
import { Button, Group as Row, MultiSelect, Textarea, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import type { ActiveFilter, Group } from '../api';
import { ActiveFilterControl, dash, ListTable, NewButton, PageHeader, SearchBox, useSearchParam, type Column } from '../components/ListPage';
import { ActiveToggle, DrawerLoading, FormShell, RecordDrawer, RecordMeta, StatusBadge } from '../components/RecordDrawer';
import { useAllUsers } from '../components/useAll';
import { pickChanged, useRecordForm } from '../components/useRecordForm';
import { parseId, useDrawerTitle } from './util';

const BASE = '/admin/groups';

const columns: Column<Group>[] = [
  { header: 'Name', render: (g) => g.name },
  { header: 'Description', render: (g) => dash(g.description) },
  { header: 'Members', render: (g) => g.memberIds.length, width: 100 },
  { header: 'Status', render: (g) => <StatusBadge active={g.active} />, width: 100 },
];

export function GroupsPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const { search } = useLocation();
  const [q, setQ] = useSearchParam('q');
  const [active, setActive] = useSearchParam('active', 'true');
  const recordId = parseId(id);
  const close = () => navigate({ pathname: BASE, search });
  const filtered = q !== '' || active !== 'true';
  const title = useDrawerTitle<Group>('groups', recordId, (g) => g.name, 'New group', 'Group');

  return (
    <>
      <PageHeader
        title="Groups"
        description="Teams of users, used for assignment, approvals and queues."
        action={<NewButton to={`${BASE}/new`} label="New group" />}
      />
      <Row align="flex-end" gap="md" mb="md">
        <SearchBox label="Search groups" placeholder="Name" value={q} onChange={setQ} />
        <ActiveFilterControl value={active as ActiveFilter} onChange={setActive} />
      </Row>
      <ListTable<Group>
        resource="groups"
        params={{ q, active: active as ActiveFilter }}
        columns={columns}
        hrefOf={(g) => `${BASE}/${g.id}`}
        caption="Groups"
        selectedId={typeof recordId === 'number' ? recordId : null}
        empty={
          filtered
            ? { title: 'No groups match', description: 'Try another search or set Status to All.' }
            : { title: 'No groups yet', description: 'Create a team, e.g. "Service desk", and add its members.', action: <NewButton to={`${BASE}/new`} label="New group" /> }
        }
      />
      <RecordDrawer opened={recordId !== undefined} onClose={close} title={title}>
        {recordId !== undefined && <GroupForm key={String(recordId)} id={recordId === 'new' ? null : recordId} onDone={close} />}
      </RecordDrawer>
    </>
  );
}

interface GroupValues extends Record<string, unknown> {
  name: string;
  description: string;
  memberIds: number[];
}

function GroupForm({ id, onDone }: { id: number | null; onDone: () => void }) {
  const qc = useQueryClient();
  const users = useAllUsers();
  const form = useRecordForm<Group, GroupValues>({
    resource: 'groups',
    id,
    noun: 'Group',
    empty: { name: '', description: '', memberIds: [] },
    fromRecord: (g) => ({ name: g.name, description: g.description ?? '', memberIds: g.memberIds }),
    toCreate: (v) => ({ name: v.name.trim(), ...(v.description.trim() ? { description: v.description.trim() } : {}), memberIds: v.memberIds }),
    toPatch: (v, changed) => pickChanged(v, changed),
    validate: (v) => ({ name: v.name.trim() ? undefined : 'Enter the group name' }),
    describe: (g) => g.name,
    onCreated: () => {
      void qc.invalidateQueries({ queryKey: ['users'] });
      onDone();
    },
    onSaved: () => void qc.invalidateQueries({ queryKey: ['users'] }),
  });

  const options = useMemo(() => {
    const list = (users.data ?? []).filter((u) => u.active || form.values.memberIds.includes(u.id));
    const known = new Set(list.map((u) => u.id));
    const items = list.map((u) => ({ value: u.id, label: u.active ? `${u.name} (${u.email})` : `${u.name} (${u.email}, inactive)` }));
    // Members the list does not know (yet) still show, by number.
    for (const mid of form.values.memberIds) if (!known.has(mid)) items.push({ value: mid, label: `User #${mid}` });
    return items;
  }, [users.data, form.values.memberIds]);

  if (form.loading || form.loadError) return <DrawerLoading error={form.loadError} />;
  const rec = form.record;

  return (
    <FormShell
      ariaLabel={form.isNew ? 'New group' : `Group ${rec?.name ?? ''}`}
      onSubmit={form.submit}
      formError={form.formError}
      stale={form.stale}
      reloading={form.reloading}
      onReload={form.reload}
      footer={
        <>
          <Row gap="xs">
            <Button type="submit" loading={form.saving}>
              {form.isNew ? 'Create group' : 'Save changes'}
            </Button>
            <Button variant="default" onClick={onDone}>
              {form.isNew ? 'Cancel' : 'Close'}
            </Button>
          </Row>
          {rec && <ActiveToggle active={rec.active} noun="group" loading={form.togglingActive} onToggle={form.setActive} />}
        </>
      }
    >
      {rec && <RecordMeta createdAt={rec.createdAt} updatedAt={rec.updatedAt} active={rec.active} />}
      <TextInput label="Name" required data-autofocus value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} />
      <Textarea
        label="Description"
        autosize
        minRows={2}
        maxRows={6}
        value={form.values.description}
        onChange={(e) => form.set('description', e.currentTarget.value)}
        error={form.errors.description}
      />
      <MultiSelect<number>
        label="Members"
        placeholder={form.values.memberIds.length ? undefined : 'Search users by name or email'}
        searchable
        data={options}
        value={form.values.memberIds}
        onChange={(v) => form.set('memberIds', v)}
        error={form.errors.memberIds}
        nothingFoundMessage={users.isPending ? 'Loading users…' : 'No user matches'}
        description={users.isError ? 'Could not load the users list.' : undefined}
        comboboxProps={{ withinPortal: true }}
        hidePickedOptions
        maxDropdownHeight={260}
      />
    </FormShell>
  );
}
