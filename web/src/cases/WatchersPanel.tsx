import { useState } from 'react';
import { ActionIcon, Autocomplete, Badge, Box, Button, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconEye, IconEyeOff, IconMail, IconUser, IconX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage, request } from '../api';
import { useMe } from '../auth';
import { useAllUsers } from '../components/useAll';
import type { Case } from '../casesApi';
import { timelineKey } from './Timeline';

// The case's watch list: colleagues and extra email addresses who get a digest mail of the case's
// updates (comments, status changes, assignments), batched so a busy hour is one mail, not fifty.

export interface Watcher {
  id: number;
  caseNumber: string;
  userId: number | null;
  name: string | null;
  email: string;
  createdAt: string;
  addedBy: string | null;
}

const watchersApi = {
  list: (number: string) => request<{ items: Watcher[] }>('GET', `/cases/${number}/watchers`),
  add: (number: string, body: { userId: number } | { email: string }) => request<Watcher>('POST', `/cases/${number}/watchers`, { body }),
  remove: (number: string, id: number) => request<null>('DELETE', `/cases/${number}/watchers/${id}`),
};

export function WatchersPanel({ kase }: { kase: Case }) {
  const qc = useQueryClient();
  const key = ['cases', 'watchers', kase.number];
  const me = useMe().data;
  const users = useAllUsers();
  const list = useQuery({ queryKey: key, queryFn: async () => (await watchersApi.list(kase.number)).items });
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  // The timeline shows who joined or left the watch list.
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: key }), qc.invalidateQueries({ queryKey: timelineKey(kase.number) })]);

  const add = useMutation({
    mutationFn: (body: { userId: number } | { email: string }) => watchersApi.add(kase.number, body),
    onSuccess: () => {
      setValue('');
      setError(null);
      void refresh();
    },
    onError: (e) => setError(errorMessage(e)),
  });
  const remove = useMutation({ mutationFn: (id: number) => watchersApi.remove(kase.number, id), onSuccess: () => void refresh(), onError: (e) => setError(errorMessage(e)) });

  const watchers = list.data ?? [];
  const mine = me ? watchers.find((w) => w.userId === me.id) : undefined;
  const activeUsers = (users.data ?? []).filter((u) => u.active && !watchers.some((w) => w.userId === u.id));
  const options = activeUsers.map((u) => `${u.name} <${u.email}>`);

  const submit = () => {
    const typed = value.trim();
    if (!typed) return setError('Name a colleague or type an email address');
    const user = activeUsers.find((u) => `${u.name} <${u.email}>` === typed || u.name.toLowerCase() === typed.toLowerCase() || u.email.toLowerCase() === typed.toLowerCase());
    add.mutate(user ? { userId: user.id } : { email: typed });
  };

  return (
    <Box component="section" aria-labelledby="watchers-title" className="cb-card" p="sm">
      <Group justify="space-between" mb={6} wrap="nowrap">
        <Text id="watchers-title" fw={600} size="sm">
          Watch list ({watchers.length})
        </Text>
        {me &&
          (mine ? (
            <Button size="compact-xs" variant="light" color="gray" leftSection={<IconEyeOff size={14} />} loading={remove.isPending && remove.variables === mine.id} onClick={() => remove.mutate(mine.id)}>
              Stop watching
            </Button>
          ) : (
            <Button size="compact-xs" variant="light" leftSection={<IconEye size={14} />} loading={add.isPending && 'userId' in (add.variables ?? {})} onClick={() => add.mutate({ userId: me.id })}>
              Watch
            </Button>
          ))}
      </Group>
      <Stack gap={6}>
        {list.isPending ? (
          <Text size="xs" c="dimmed">
            Loading…
          </Text>
        ) : watchers.length === 0 ? (
          <Text size="xs" c="dimmed">
            Nobody watches this case. Watchers get a digest mail of its updates.
          </Text>
        ) : (
          <Stack gap={2} component="ul" aria-label="Watchers" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {watchers.map((w) => {
              const label = w.name ?? w.email;
              return (
                <Group key={w.id} component="li" gap={6} wrap="nowrap">
                  {w.userId !== null ? <IconUser size={13} aria-hidden color="var(--mantine-color-gray-6)" /> : <IconMail size={13} aria-hidden color="var(--mantine-color-gray-6)" />}
                  <Text size="sm" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={w.email}>
                    {label}
                    {w.userId === me?.id ? ' (you)' : ''}
                  </Text>
                  {w.userId === null && (
                    <Tooltip label="Gets customer comments and status changes, never work notes">
                      <Badge size="xs" variant="light" color="gray">
                        email only
                      </Badge>
                    </Tooltip>
                  )}
                  <ActionIcon ml="auto" size="sm" variant="subtle" color="gray" aria-label={`Remove ${label} from the watch list`} loading={remove.isPending && remove.variables === w.id} onClick={() => remove.mutate(w.id)}>
                    <IconX size={13} />
                  </ActionIcon>
                </Group>
              );
            })}
          </Stack>
        )}
        <Group
          component="form"
          gap={6}
          align="flex-start"
          wrap="nowrap"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <Autocomplete
            size="xs"
            style={{ flex: 1 }}
            aria-label="Add a watcher"
            placeholder="Colleague or email address"
            data={options}
            limit={8}
            value={value}
            onChange={(v) => {
              setValue(v);
              setError(null);
            }}
            error={error}
          />
          <Button size="xs" type="submit" variant="default" loading={add.isPending && 'email' in (add.variables ?? {})}>
            Add
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          Updates are mailed together in one digest once the case goes quiet. Addresses outside the team never see work notes.
        </Text>
      </Stack>
    </Box>
  );
}
