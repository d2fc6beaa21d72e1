import { Autocomplete, Button, Group, Stack, TextInput } from '@mantine/core';
import { useNavigate, useParams, useLocation } from 'react-router-dom';
import type { Account, ActiveFilter } from '../api';
import { isAdmin, useMe } from '../auth';
import { ActiveFilterControl, dash, formatDate, ListTable, NewButton, PageHeader, SearchBox, useSearchParam, type Column } from '../components/ListPage';
import { ActiveToggle, Details, DrawerLoading, FormShell, ReadOnlyNotice, RecordDrawer, RecordMeta, StatusBadge } from '../components/RecordDrawer';
import { compact, pickChanged, useRecordForm } from '../components/useRecordForm';
import { parseId, useDrawerTitle } from './util';

const BASE = '/customers/accounts';
export const TIERS = ['standard', 'premium', 'enterprise'];

const columns: Column<Account>[] = [
  { header: 'Name', render: (a) => a.name },
  { header: 'Tier', render: (a) => dash(a.tier), width: 140 },
  { header: 'Domain', render: (a) => dash(a.domain) },
  { header: 'Status', render: (a) => <StatusBadge active={a.active} />, width: 110 },
  { header: 'Updated', render: (a) => formatDate(a.updatedAt), width: 190 },
];

export function AccountsPage() {
  const { data: me } = useMe();
  const admin = isAdmin(me);
  const { id } = useParams();
  const navigate = useNavigate();
  const { search } = useLocation();
  const [q, setQ] = useSearchParam('q');
  const [active, setActive] = useSearchParam('active', 'true');
  const recordId = parseId(id);
  const close = () => navigate({ pathname: BASE, search });
  const filtered = q !== '' || active !== 'true';
  const title = useDrawerTitle<Account>('accounts', recordId, (a) => a.name, 'New account', 'Account');

  return (
    <>
      <PageHeader
        title="Accounts"
        description="Customer companies you support."
        action={admin ? <NewButton to={`${BASE}/new`} label="New account" /> : undefined}
      />
      <Group align="flex-end" gap="md" mb="md">
        <SearchBox label="Search accounts" placeholder="Name or domain" value={q} onChange={setQ} />
        <ActiveFilterControl value={active as ActiveFilter} onChange={setActive} />
      </Group>
      <ListTable<Account>
        resource="accounts"
        params={{ q, active: active as ActiveFilter }}
        columns={columns}
        hrefOf={(a) => `${BASE}/${a.id}`}
        caption="Accounts"
        selectedId={typeof recordId === 'number' ? recordId : null}
        empty={
          filtered
            ? { title: 'No accounts match', description: 'Try another search or set Status to All.' }
            : {
                title: 'No accounts yet',
                description: admin ? 'Create the first customer account to add its contacts and assets.' : 'An administrator adds customer accounts.',
                action: admin ? <NewButton to={`${BASE}/new`} label="New account" /> : undefined,
              }
        }
      />
      <RecordDrawer opened={recordId !== undefined} onClose={close} title={title}>
        {recordId !== undefined && <AccountForm key={String(recordId)} id={recordId === 'new' ? null : recordId} canEdit={admin} onDone={close} />}
      </RecordDrawer>
    </>
  );
}

interface AccountValues extends Record<string, unknown> {
  name: string;
  tier: string;
  domain: string;
}

function AccountForm({ id, canEdit, onDone }: { id: number | null; canEdit: boolean; onDone: () => void }) {
  const form = useRecordForm<Account, AccountValues>({
    resource: 'accounts',
    id,
    noun: 'Account',
    empty: { name: '', tier: 'standard', domain: '' },
    fromRecord: (a) => ({ name: a.name, tier: a.tier ?? '', domain: a.domain ?? '' }),
    toCreate: (v) => compact(v),
    toPatch: (v, changed) => pickChanged(v, changed, ['domain']),
    validate: (v) => ({ name: v.name.trim() ? undefined : 'Enter the account name' }),
    describe: (a) => a.name,
    onCreated: onDone,
  });

  if (form.loading || form.loadError) return <DrawerLoading error={form.loadError} />;
  const rec = form.record;
  if (!canEdit && form.isNew) return <ReadOnlyNotice what="accounts" />;

  if (!canEdit && rec) {
    return (
      <Stack gap="md">
        <RecordMeta createdAt={rec.createdAt} updatedAt={rec.updatedAt} active={rec.active} />
        <ReadOnlyNotice what="accounts" />
        <Details
          items={[
            ['Name', rec.name],
            ['Tier', rec.tier],
            ['Domain', rec.domain],
          ]}
        />
      </Stack>
    );
  }

  return (
    <FormShell
      ariaLabel={form.isNew ? 'New account' : `Account ${rec?.name ?? ''}`}
      onSubmit={form.submit}
      formError={form.formError}
      stale={form.stale}
      reloading={form.reloading}
      onReload={form.reload}
      footer={
        <>
          <Group gap="xs">
            <Button type="submit" loading={form.saving}>
              {form.isNew ? 'Create account' : 'Save changes'}
            </Button>
            <Button variant="default" onClick={onDone}>
              {form.isNew ? 'Cancel' : 'Close'}
            </Button>
          </Group>
          {rec && <ActiveToggle active={rec.active} noun="account" loading={form.togglingActive} onToggle={form.setActive} />}
        </>
      }
    >
      {rec && <RecordMeta createdAt={rec.createdAt} updatedAt={rec.updatedAt} active={rec.active} />}
      <TextInput label="Name" required value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} data-autofocus />
      <Autocomplete
        label="Tier"
        description="Pick a suggestion or type your own."
        data={TIERS}
        value={form.values.tier}
        onChange={(v) => form.set('tier', v)}
        error={form.errors.tier}
      />
      <TextInput
        label="Domain"
        description="The customer's email domain, e.g. example.com."
        value={form.values.domain}
        onChange={(e) => form.set('domain', e.currentTarget.value)}
        error={form.errors.domain}
      />
    </FormShell>
  );
}
