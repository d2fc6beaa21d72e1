import { Button, Group, Stack, TextInput } from '@mantine/core';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import type { ActiveFilter, Asset } from '../api';
import { isAdmin, useMe } from '../auth';
import { AccountSelect } from '../components/AccountSelect';
import { ActiveFilterControl, dash, ListTable, NewButton, PageHeader, SearchBox, useSearchParam, type Column } from '../components/ListPage';
import { ActiveToggle, Details, DrawerLoading, FormShell, ReadOnlyNotice, RecordDrawer, RecordMeta, StatusBadge } from '../components/RecordDrawer';
import { compact, pickChanged, useRecordForm } from '../components/useRecordForm';
import { parseId, useDrawerTitle } from './util';

const BASE = '/customers/assets';

const columns: Column<Asset>[] = [
  { header: 'Name', render: (a) => a.name },
  { header: 'Product', render: (a) => dash(a.product) },
  { header: 'Serial number', render: (a) => dash(a.serialNumber) },
  { header: 'Account', render: (a) => a.accountName },
  { header: 'Status', render: (a) => <StatusBadge active={a.active} />, width: 100 },
];

export function AssetsPage() {
  const { data: me } = useMe();
  const admin = isAdmin(me);
  const { id } = useParams();
  const navigate = useNavigate();
  const { search } = useLocation();
  const [q, setQ] = useSearchParam('q');
  const [active, setActive] = useSearchParam('active', 'true');
  const [account, setAccount] = useSearchParam('accountId');
  const accountId = account ? Number(account) : null;
  const recordId = parseId(id);
  const close = () => navigate({ pathname: BASE, search });
  const filtered = q !== '' || active !== 'true' || accountId !== null;
  const title = useDrawerTitle<Asset>('assets', recordId, (a) => a.name, 'New asset', 'Asset');

  return (
    <>
      <PageHeader
        title="Assets"
        description="Products and devices your customers own."
        action={admin ? <NewButton to={`${BASE}/new`} label="New asset" /> : undefined}
      />
      <Group align="flex-end" gap="md" mb="md">
        <SearchBox label="Search assets" placeholder="Name, serial number or product" value={q} onChange={setQ} />
        <AccountSelect label="Account" placeholder="All accounts" value={accountId} onChange={(v) => setAccount(v === null ? '' : String(v))} clearable includeInactive w={240} />
        <ActiveFilterControl value={active as ActiveFilter} onChange={setActive} />
      </Group>
      <ListTable<Asset>
        resource="assets"
        params={{ q, active: active as ActiveFilter, accountId: accountId ?? undefined }}
        columns={columns}
        hrefOf={(a) => `${BASE}/${a.id}`}
        caption="Assets"
        selectedId={typeof recordId === 'number' ? recordId : null}
        empty={
          filtered
            ? { title: 'No assets match', description: 'Try another search, another account, or set Status to All.' }
            : {
                title: 'No assets yet',
                description: admin ? 'Record what your customers own so cases can name the affected asset.' : 'An administrator adds assets.',
                action: admin ? <NewButton to={`${BASE}/new`} label="New asset" /> : undefined,
              }
        }
      />
      <RecordDrawer opened={recordId !== undefined} onClose={close} title={title}>
        {recordId !== undefined && (
          <AssetForm key={String(recordId)} id={recordId === 'new' ? null : recordId} canEdit={admin} onDone={close} presetAccountId={accountId} />
        )}
      </RecordDrawer>
    </>
  );
}

interface AssetValues extends Record<string, unknown> {
  accountId: number | null;
  name: string;
  product: string;
  serialNumber: string;
}

function AssetForm({ id, canEdit, onDone, presetAccountId }: { id: number | null; canEdit: boolean; onDone: () => void; presetAccountId: number | null }) {
  const form = useRecordForm<Asset, AssetValues>({
    resource: 'assets',
    id,
    noun: 'Asset',
    empty: { accountId: presetAccountId, name: '', product: '', serialNumber: '' },
    fromRecord: (a) => ({ accountId: a.accountId, name: a.name, product: a.product ?? '', serialNumber: a.serialNumber ?? '' }),
    toCreate: (v) => compact(v),
    toPatch: (v, changed) => pickChanged(v, changed, ['product', 'serialNumber']),
    validate: (v) => ({
      accountId: v.accountId === null ? 'Choose the account' : undefined,
      name: v.name.trim() ? undefined : 'Enter the name',
    }),
    describe: (a) => a.name,
    onCreated: onDone,
  });

  if (form.loading || form.loadError) return <DrawerLoading error={form.loadError} />;
  const rec = form.record;
  if (!canEdit && form.isNew) return <ReadOnlyNotice what="assets" />;

  if (!canEdit && rec) {
    return (
      <Stack gap="md">
        <RecordMeta createdAt={rec.createdAt} updatedAt={rec.updatedAt} active={rec.active} />
        <ReadOnlyNotice what="assets" />
        <Details
          items={[
            ['Name', rec.name],
            ['Account', rec.accountName],
            ['Product', rec.product],
            ['Serial number', rec.serialNumber],
          ]}
        />
      </Stack>
    );
  }

  return (
    <FormShell
      ariaLabel={form.isNew ? 'New asset' : `Asset ${rec?.name ?? ''}`}
      onSubmit={form.submit}
      formError={form.formError}
      stale={form.stale}
      reloading={form.reloading}
      onReload={form.reload}
      footer={
        <>
          <Group gap="xs">
            <Button type="submit" loading={form.saving}>
              {form.isNew ? 'Create asset' : 'Save changes'}
            </Button>
            <Button variant="default" onClick={onDone}>
              {form.isNew ? 'Cancel' : 'Close'}
            </Button>
          </Group>
          {rec && <ActiveToggle active={rec.active} noun="asset" loading={form.togglingActive} onToggle={form.setActive} />}
        </>
      }
    >
      {rec && <RecordMeta createdAt={rec.createdAt} updatedAt={rec.updatedAt} active={rec.active} />}
      <AccountSelect
        label="Account"
        required
        value={form.values.accountId}
        onChange={(v) => form.set('accountId', v)}
        knownName={rec && form.values.accountId === rec.accountId ? rec.accountName : undefined}
        error={form.errors.accountId}
      />
      <TextInput label="Name" required data-autofocus value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} />
      <TextInput label="Product" value={form.values.product} onChange={(e) => form.set('product', e.currentTarget.value)} error={form.errors.product} />
      <TextInput
        label="Serial number"
        value={form.values.serialNumber}
        onChange={(e) => form.set('serialNumber', e.currentTarget.value)}
        error={form.errors.serialNumber}
      />
    </FormShell>
  );
}
