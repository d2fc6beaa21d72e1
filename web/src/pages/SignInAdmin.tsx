import { Alert, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconLock } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage, request, type User } from '../api';
import { detailKey } from '../components/useRecordForm';

// What admins see of sign-in security: locked sign-ins (after too many failed attempts) with
// Unlock, and a user's invitation with "Resend invitation".

interface Lockout {
  email: string;
  failures: number;
  lastFailedAt: string;
  lockedUntil: string;
  account: { type: 'user' | 'contact'; id: number; name: string } | null;
}

const LOCKOUTS_KEY = ['sign-in-lockouts'];
const time = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function useUnlock() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (email: string) => request<void>('POST', '/sign-in-lockouts/unlock', { body: { email } }),
    onSuccess: (_r, email) => {
      notifications.show({ color: 'green', title: 'Unlocked', message: `${email} can sign in again.` });
      void qc.invalidateQueries({ queryKey: LOCKOUTS_KEY });
      void qc.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (e) => notifications.show({ color: 'red', title: 'Could not unlock', message: errorMessage(e) }),
  });
}

/** The sign-ins locked right now; nothing when there are none. */
export function LockedSignIns() {
  const locks = useQuery({ queryKey: LOCKOUTS_KEY, queryFn: () => request<{ items: Lockout[] }>('GET', '/sign-in-lockouts'), refetchInterval: 60_000 });
  const unlock = useUnlock();
  const items = locks.data?.items ?? [];
  if (!items.length) return null;
  return (
    <Alert color="red" variant="light" icon={<IconLock size={18} />} title={`${items.length} locked sign-in${items.length === 1 ? '' : 's'}`} mb="md">
      <Stack gap="xs">
        <Text size="sm">After repeated wrong passwords these sign-ins are locked for a while. Unlock one when you know who was trying.</Text>
        <Table withRowBorders={false} verticalSpacing={4} aria-label="Locked sign-ins">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th>Belongs to</Table.Th>
              <Table.Th>Locked until</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((l) => (
              <Table.Tr key={l.email}>
                <Table.Td>{l.email}</Table.Td>
                <Table.Td>{l.account ? `${l.account.name} (${l.account.type === 'user' ? 'staff' : 'portal contact'})` : <Text span size="sm" c="dimmed">no account has this email</Text>}</Table.Td>
                <Table.Td>{time(l.lockedUntil)}</Table.Td>
                <Table.Td>
                  <Button size="compact-xs" variant="white" color="red" loading={unlock.isPending && unlock.variables === l.email} onClick={() => unlock.mutate(l.email)}>
                    Unlock
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Alert>
  );
}

/** A user's sign-in in the user form: password or invitation, lockout, and the buttons for each. */
export function SignInState({ user: shown }: { user: User }) {
  const qc = useQueryClient();
  // The form keeps the version it loaded; unlocking or inviting changes no version, so read afresh.
  const fresh = useQuery({ queryKey: detailKey('users', shown.id), queryFn: () => api.get<User>('users', shown.id) });
  const user = fresh.data ?? shown;
  const unlock = useUnlock();
  const invite = useMutation({
    mutationFn: () => request<{ expiresAt: string }>('POST', `/users/${user.id}/invitation`),
    onSuccess: (r) => {
      notifications.show({ color: 'green', title: 'Invitation sent', message: `${user.email} got a new link, valid until ${time(r.expiresAt)}. Earlier links no longer work.` });
      void qc.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (e) => notifications.show({ color: 'red', title: 'Could not send the invitation', message: errorMessage(e) }),
  });
  return (
    <Stack gap={6} align="flex-start">
      <Group gap="xs">
        <Text size="sm">{user.hasPassword ? 'Password set' : 'Invited: no password yet'}</Text>
        {!user.hasPassword && user.active && (
          <Button size="compact-xs" variant="light" loading={invite.isPending} onClick={() => invite.mutate()}>
            Resend invitation
          </Button>
        )}
      </Group>
      {user.lockedUntil && (
        <Group gap="xs">
          <Badge color="red" variant="light" radius="sm" leftSection={<IconLock size={12} />}>
            Locked until {time(user.lockedUntil)}
          </Badge>
          <Button size="compact-xs" variant="light" color="red" loading={unlock.isPending} onClick={() => unlock.mutate(user.email)}>
            Unlock
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** A portal contact without a password: mail them an invitation (again) to choose one. */
export function PortalInvitation({ contactId, email }: { contactId: number; email: string }) {
  const invite = useMutation({
    mutationFn: () => request<{ expiresAt: string }>('POST', `/contacts/${contactId}/invitation`),
    onSuccess: (r) => notifications.show({ color: 'green', title: 'Invitation sent', message: `${email} got a link to choose a portal password, valid until ${time(r.expiresAt)}. Earlier links no longer work.` }),
    onError: (e) => notifications.show({ color: 'red', title: 'Could not send the invitation', message: errorMessage(e) }),
  });
  return (
    <Group gap="xs">
      <Text size="sm" c="dimmed">
        No portal password yet.
      </Text>
      <Button size="compact-xs" variant="light" loading={invite.isPending} onClick={() => invite.mutate()}>
        Send invitation
      </Button>
    </Group>
  );
}
