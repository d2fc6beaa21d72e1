import { Badge, Button, Group, PasswordInput, Stack, Switch, TextInput } from '@mantine/core';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import type { ActiveFilter, Contact } from '../api';
import { isAdmin, useMe } from '../auth';
import { AccountSelect } from '../components/AccountSelect';
import { ActiveFilterControl, dash, ListTable, NewButton, PageHeader, SearchBox, useSearchParam, type Column } from '../components/ListPage';
import { ActiveToggle, Details, DrawerLoading, FormShell, ReadOnlyNotice, RecordDrawer, RecordMeta, StatusBadge } from '../components/RecordDrawer';
import { PortalInvitation } from './SignInAdmin';
import { compact, pickChanged, useRecordForm } from '../components/useRecordForm';
import { parseId, useDrawerTitle } from './util';

const BASE = '/customers/contacts';

const columns: Column<Contact>[] = [
  { header: 'Name', render: (c) => c.name },
  { header: 'Email', render: (c) => c.email },
  { header: 'Account', render: (c) => c.accountName },
  { header: 'Phone', render: (c) => dash(c.phone), width: 150 },
  { header: 'Portal', render: (c) => <PortalBadge contact={c} />, width: 110 },
  { header: 'Status', render: (c) => <StatusBadge active={c.active} />, width: 100 },
];

function PortalBadge({ contact }: { contact: Contact }) {
  if (!contact.portalAccess) return <span className="cb-muted">No</span>;
  return (
    <Badge size="sm" radius="sm" variant="light" color={contact.hasPassword ? 'indigo' : 'yellow'}>
      {contact.hasPassword ? 'Yes' : 'No password'}
    </Badge>
  );
}

export function ContactsPage() {
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
  const title = useDrawerTitle<Contact>('contacts', recordId, (c) => c.name, 'New contact', 'Contact');

  return (
    <>
      <PageHeader
        title="Contacts"
        description="People at your customer accounts."
        action={admin ? <NewButton to={`${BASE}/new`} label="New contact" /> : undefined}
      />
      <Group align="flex-end" gap="md" mb="md">
        <SearchBox label="Search contacts" placeholder="Name, email or phone" value={q} onChange={setQ} />
        <AccountSelect label="Account" placeholder="All accounts" value={accountId} onChange={(v) => setAccount(v === null ? '' : String(v))} clearable includeInactive w={240} />
        <ActiveFilterControl value={active as ActiveFilter} onChange={setActive} />
      </Group>
      <ListTable<Contact>
        resource="contacts"
        params={{ q, active: active as ActiveFilter, accountId: accountId ?? undefined }}
        columns={columns}
        hrefOf={(c) => `${BASE}/${c.id}`}
        caption="Contacts"
        selectedId={typeof recordId === 'number' ? recordId : null}
        empty={
          filtered
            ? { title: 'No contacts match', description: 'Try another search, another account, or set Status to All.' }
            : {
                title: 'No contacts yet',
                description: admin ? 'Add the people of a customer account, and give them portal access if they should sign in.' : 'An administrator adds contacts.',
                action: admin ? <NewButton to={`${BASE}/new`} label="New contact" /> : undefined,
              }
        }
      />
      <RecordDrawer opened={recordId !== undefined} onClose={close} title={title}>
        {recordId !== undefined && (
          <ContactForm key={String(recordId)} id={recordId === 'new' ? null : recordId} canEdit={admin} onDone={close} presetAccountId={accountId} />
        )}
      </RecordDrawer>
    </>
  );
}

interface ContactValues extends Record<string, unknown> {
  accountId: number | null;
  name: string;
  email: string;
  phone: string;
  portalAccess: boolean;
  password: string;
}

function ContactForm({ id, canEdit, onDone, presetAccountId }: { id: number | null; canEdit: boolean; onDone: () => void; presetAccountId: number | null }) {
  const form = useRecordForm<Contact, ContactValues>({
    resource: 'contacts',
    id,
    noun: 'Contact',
    empty: { accountId: presetAccountId, name: '', email: '', phone: '', portalAccess: false, password: '' },
    fromRecord: (c) => ({ accountId: c.accountId, name: c.name, email: c.email, phone: c.phone ?? '', portalAccess: c.portalAccess, password: '' }),
    toCreate: (v) => compact({ ...v, password: v.portalAccess ? v.password : undefined }),
    toPatch: (v, changed) => pickChanged(v, v.portalAccess ? changed : changed.filter((k) => k !== 'password'), ['phone']),
    validate: (v) => ({
      accountId: v.accountId === null ? 'Choose the account' : undefined,
      name: v.name.trim() ? undefined : 'Enter the name',
      email: /^\S+@\S+\.\S+$/.test(v.email.trim()) ? undefined : 'Enter an email address',
      password: v.password && v.password.length < 12 ? 'Use at least 12 characters' : undefined,
    }),
    describe: (c) => c.name,
    onCreated: onDone,
  });

  if (form.loading || form.loadError) return <DrawerLoading error={form.loadError} />;
  const rec = form.record;
  if (!canEdit && form.isNew) return <ReadOnlyNotice what="contacts" />;

  if (!canEdit && rec) {
    return (
      <Stack gap="md">
        <RecordMeta createdAt={rec.createdAt} updatedAt={rec.updatedAt} active={rec.active} />
        <ReadOnlyNotice what="contacts" />
        <Details
          items={[
            ['Name', rec.name],
            ['Account', rec.accountName],
            ['Email', rec.email],
            ['Phone', rec.phone],
            ['Portal access', rec.portalAccess ? (rec.hasPassword ? 'Yes' : 'Yes, but no password set') : 'No'],
          ]}
        />
      </Stack>
    );
  }

  return (
    <FormShell
      ariaLabel={form.isNew ? 'New contact' : `Contact ${rec?.name ?? ''}`}
      onSubmit={form.submit}
      formError={form.formError}
      stale={form.stale}
      reloading={form.reloading}
      onReload={form.reload}
      footer={
        <>
          <Group gap="xs">
            <Button type="submit" loading={form.saving}>
              {form.isNew ? 'Create contact' : 'Save changes'}
            </Button>
            <Button variant="default" onClick={onDone}>
              {form.isNew ? 'Cancel' : 'Close'}
            </Button>
          </Group>
          {rec && <ActiveToggle active={rec.active} noun="contact" loading={form.togglingActive} onToggle={form.setActive} />}
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
      <TextInput label="Email" type="email" required value={form.values.email} onChange={(e) => form.set('email', e.currentTarget.value)} error={form.errors.email} />
      <TextInput label="Phone" type="tel" value={form.values.phone} onChange={(e) => form.set('phone', e.currentTarget.value)} error={form.errors.phone} />
      <Switch
        label="Portal access"
        description="Lets this person sign in to the customer portal."
        checked={form.values.portalAccess}
        onChange={(e) => form.set('portalAccess', e.currentTarget.checked)}
        error={form.errors.portalAccess}
      />
      {form.values.portalAccess && (
        <PasswordInput
          label={rec?.hasPassword ? 'New portal password' : 'Portal password'}
          description={
            rec?.hasPassword
              ? 'Leave empty to keep the current password. At least 12 characters.'
              : 'Leave empty to email the contact an invitation: they choose their own password from the link (valid 7 days). Or set one here: at least 12 characters.'
          }
          autoComplete="new-password"
          value={form.values.password}
          onChange={(e) => form.set('password', e.currentTarget.value)}
          error={form.errors.password}
        />
      )}
      {rec && rec.active && rec.portalAccess && !rec.hasPassword && <PortalInvitation contactId={rec.id} email={rec.email} />}
    </FormShell>
  );
}
