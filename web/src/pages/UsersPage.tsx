import { Badge, Button, Group, MultiSelect, PasswordInput, Select, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { roleLabel, STAFF_ROLES, type ActiveFilter, type StaffRole, type User } from '../api';
import { LockedSignIns, SignInState } from './SignInAdmin';
import { useMe } from '../auth';
import { ActiveFilterControl, ListTable, NewButton, PageHeader, SearchBox, useSearchParam, type Column } from '../components/ListPage';
import { ActiveToggle, Details, DrawerLoading, FormShell, RecordDrawer, RecordMeta, StatusBadge } from '../components/RecordDrawer';
import { useAllGroups } from '../components/useAll';
import { compact, pickChanged, useRecordForm } from '../components/useRecordForm';
import { ME_KEY } from '../queryClient';
import { parseId, useDrawerTitle } from './util';

const BASE = '/admin/users';

export function RoleBadges({ roles }: { roles: string[] }) {
  return (
    <Group gap={4}>
      {roles.map((r) => (
        <Badge key={r} size="sm" radius="sm" variant="light" color={r === 'admin' ? 'grape' : 'gray'}>
          {roleLabel(r)}
        </Badge>
      ))}
    </Group>
  );
}

const columns: Column<User>[] = [
  { header: 'Name', render: (u) => u.name },
  { header: 'Email', render: (u) => u.email },
  { header: 'Roles', render: (u) => <RoleBadges roles={u.roles} /> },
  {
    header: 'Sign-in',
    render: (u) =>
      u.lockedUntil ? (
        <Badge size="sm" radius="sm" color="red" variant="light">
          Locked
        </Badge>
      ) : u.hasPassword ? (
        'Password set'
      ) : (
        <Text span size="sm" c="yellow.8">
          Invited
        </Text>
      ),
    width: 120,
  },
  { header: 'Status', render: (u) => <StatusBadge active={u.active} />, width: 100 },
];

export function UsersPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const { search } = useLocation();
  const [q, setQ] = useSearchParam('q');
  const [role, setRole] = useSearchParam('role');
  const [active, setActive] = useSearchParam('active', 'true');
  const recordId = parseId(id);
  const close = () => navigate({ pathname: BASE, search });
  const filtered = q !== '' || role !== '' || active !== 'true';
  const title = useDrawerTitle<User>('users', recordId, (u) => u.name, 'New user', 'User');

  return (
    <>
      <PageHeader title="Users" description="Staff who sign in to the workspace, and their roles." action={<NewButton to={`${BASE}/new`} label="New user" />} />
      <LockedSignIns />
      <Group align="flex-end" gap="md" mb="md">
        <SearchBox label="Search users" placeholder="Name or email" value={q} onChange={setQ} />
        <Select
          label="Role"
          placeholder="Any role"
          data={STAFF_ROLES}
          value={role || null}
          onChange={(v) => setRole(v ?? '')}
          clearable
          w={200}
        />
        <ActiveFilterControl value={active as ActiveFilter} onChange={setActive} />
      </Group>
      <ListTable<User>
        resource="users"
        params={{ q, role: role || undefined, active: active as ActiveFilter }}
        columns={columns}
        hrefOf={(u) => `${BASE}/${u.id}`}
        caption="Users"
        selectedId={typeof recordId === 'number' ? recordId : null}
        empty={
          filtered
            ? { title: 'No users match', description: 'Try another search or role, or set Status to All.' }
            : { title: 'No users yet', description: 'Add your agents and managers.', action: <NewButton to={`${BASE}/new`} label="New user" /> }
        }
      />
      <RecordDrawer opened={recordId !== undefined} onClose={close} title={title}>
        {recordId !== undefined && <UserForm key={String(recordId)} id={recordId === 'new' ? null : recordId} onDone={close} />}
      </RecordDrawer>
    </>
  );
}

interface UserValues extends Record<string, unknown> {
  name: string;
  email: string;
  roles: StaffRole[];
  password: string;
}

function UserForm({ id, onDone }: { id: number | null; onDone: () => void }) {
  const qc = useQueryClient();
  const { data: me } = useMe();
  const groups = useAllGroups(id !== null);
  const form = useRecordForm<User, UserValues>({
    resource: 'users',
    id,
    noun: 'User',
    empty: { name: '', email: '', roles: ['agent'], password: '' },
    fromRecord: (u) => ({ name: u.name, email: u.email, roles: u.roles, password: '' }),
    toCreate: (v) => compact(v),
    toPatch: (v, changed) => pickChanged(v, changed),
    validate: (v) => ({
      name: v.name.trim() ? undefined : 'Enter the name',
      email: /^\S+@\S+\.\S+$/.test(v.email.trim()) ? undefined : 'Enter an email address',
      roles: v.roles.length ? undefined : 'Choose at least one role',
      password: v.password && v.password.length < 12 ? 'Use at least 12 characters' : undefined,
    }),
    describe: (u) => u.name,
    onCreated: onDone,
    onSaved: (u) => {
      // Editing yourself changes what you may see.
      if (me && u.id === me.id) void qc.invalidateQueries({ queryKey: ME_KEY });
      void qc.invalidateQueries({ queryKey: ['groups'] });
    },
  });

  if (form.loading || form.loadError) return <DrawerLoading error={form.loadError} />;
  const rec = form.record;
  const groupNames = rec
    ? rec.groupIds.map((gid) => groups.data?.find((g) => g.id === gid)?.name ?? `#${gid}`)
    : [];

  return (
    <FormShell
      ariaLabel={form.isNew ? 'New user' : `User ${rec?.name ?? ''}`}
      onSubmit={form.submit}
      formError={form.formError}
      stale={form.stale}
      reloading={form.reloading}
      onReload={form.reload}
      footer={
        <>
          <Group gap="xs">
            <Button type="submit" loading={form.saving}>
              {form.isNew ? 'Create user' : 'Save changes'}
            </Button>
            <Button variant="default" onClick={onDone}>
              {form.isNew ? 'Cancel' : 'Close'}
            </Button>
          </Group>
          {rec && <ActiveToggle active={rec.active} noun="user" loading={form.togglingActive} onToggle={form.setActive} />}
        </>
      }
    >
      {rec && <RecordMeta createdAt={rec.createdAt} updatedAt={rec.updatedAt} active={rec.active} />}
      <TextInput label="Name" required data-autofocus value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} autoComplete="off" />
      <TextInput
        label="Email"
        type="email"
        required
        value={form.values.email}
        onChange={(e) => form.set('email', e.currentTarget.value)}
        error={form.errors.email}
        autoComplete="off"
      />
      <MultiSelect
        label="Roles"
        required
        description="Administrators can change all configuration."
        data={STAFF_ROLES}
        value={form.values.roles}
        onChange={(v) => form.set('roles', v as StaffRole[])}
        error={form.errors.roles}
        comboboxProps={{ withinPortal: true }}
      />
      <PasswordInput
        label={form.isNew ? 'Password' : 'New password'}
        description={
          form.isNew
            ? 'Leave empty to email the user an invitation: they choose their own password from the link (valid 7 days). Or set one here: at least 12 characters.'
            : 'Leave empty to keep the current password. At least 12 characters.'
        }
        autoComplete="new-password"
        value={form.values.password}
        onChange={(e) => form.set('password', e.currentTarget.value)}
        error={form.errors.password}
      />
      {rec && (
        <Details
          items={[
            ['Groups', groupNames.length ? groupNames.join(', ') : 'None — add the user to a group under Admin → Groups'],
            ['Sign-in', <SignInState key="sign-in" user={rec} />],
          ]}
        />
      )}
    </FormShell>
  );
}
