import { Group as Row, Textarea, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import type { ActiveFilter, Group } from '../api';
import { ActiveFilterControl, dash, ListTable, NewButton, PageHeader, SearchBox, useSearchParam, type Column } from '../components/ListPage';
import { DrawerForm, DrawerLoading, RouteDrawer, RecordMeta, StatusBadge } from '../components/RecordDrawer';
import { MemberSelect } from '../components/MemberSelect';
import { useUserOptions } from '../components/useAll';
import { pickChanged, useRecordForm } from '../components/useRecordForm';
import { useDrawerRoute, useDrawerTitle } from './util';

const BASE = '/admin/groups';

const columns: Column<Group>[] = [
  { header: 'Name', render: (g) => g.name },
  { header: 'Description', render: (g) => dash(g.description) },
  { header: 'Members', render: (g) => g.memberIds.length, width: 100 },
  { header: 'Status', render: (g) => <StatusBadge active={g.active} />, width: 100 },
];

export function GroupsPage() {
  const route = useDrawerRoute(BASE);
  const { recordId } = route;
  const [q, setQ] = useSearchParam('q');
  const [active, setActive] = useSearchParam('active', 'true');
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
        selectedId={route.selectedId}
        empty={
          filtered
            ? { title: 'No groups match', description: 'Try another search or set Status to All.' }
            : { title: 'No groups yet', description: 'Create a team, e.g. "Service desk", and add its members.', action: <NewButton to={`${BASE}/new`} label="New group" /> }
        }
      />
      <RouteDrawer route={route} title={title}>
        {(id, onDone) => <GroupForm id={id} onDone={onDone} />}
      </RouteDrawer>
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

  const { options, query: users } = useUserOptions(form.values.memberIds);

  if (form.loading || form.loadError) return <DrawerLoading error={form.loadError} />;
  const rec = form.record;

  return (
    <DrawerForm form={form} noun="group" ariaLabel={form.isNew ? 'New group' : `Group ${rec?.name ?? ''}`} onDone={onDone} activeToggle>
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
      <MemberSelect
        label="Members"
        noun="user"
        placeholder="Search users by name or email"
        options={options}
        value={form.values.memberIds}
        onChange={(v) => form.set('memberIds', v)}
        error={form.errors.memberIds}
        loading={users.isPending}
        loadFailed={users.isError}
      />
    </DrawerForm>
  );
}
