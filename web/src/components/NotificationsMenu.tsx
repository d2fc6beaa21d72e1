import { ActionIcon, Box, Group, Indicator, Menu, ScrollArea, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBell, IconChecks } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { errorMessage } from '../api';
import { casesApi, type AppNotification } from '../casesApi';
import { When } from '../cases/format';

const KEY = ['me', 'notifications'] as const;

/** The header's bell: unread count, recent notifications; a click opens the case and marks it read. */
export function NotificationsMenu() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const list = useQuery({ queryKey: KEY, queryFn: casesApi.notifications, refetchInterval: 30_000, staleTime: 10_000 });
  const unread = list.data?.unreadCount ?? 0;

  const read = useMutation({
    mutationFn: (n: AppNotification) => casesApi.readNotification(n.id),
    onSettled: () => void qc.invalidateQueries({ queryKey: KEY }),
  });
  const readAll = useMutation({
    mutationFn: casesApi.readAllNotifications,
    onSuccess: () => notifications.show({ color: 'green', title: 'All notifications read', message: 'Nothing unread any more.' }),
    onError: (e) => notifications.show({ color: 'red', title: 'Could not mark them read', message: errorMessage(e) }),
    onSettled: () => void qc.invalidateQueries({ queryKey: KEY }),
  });

  const open = (n: AppNotification) => {
    if (!n.readAt) read.mutate(n);
    if (n.caseNumber) navigate(`/cases/${n.caseNumber}`);
  };

  const items = list.data?.items ?? [];
  return (
    <Menu position="bottom-end" width={360} withinPortal shadow="md">
      <Menu.Target>
        <Indicator label={unread > 99 ? '99+' : unread} size={16} disabled={unread === 0} color="red" offset={5}>
          <ActionIcon variant="subtle" color="gray" size="lg" aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}>
            <IconBell size={19} stroke={1.7} />
          </ActionIcon>
        </Indicator>
      </Menu.Target>
      <Menu.Dropdown>
        <Group justify="space-between" px="sm" pt={6} pb={2}>
          <Text size="sm" fw={600}>
            Notifications
          </Text>
          <Text size="xs" c="dimmed">
            {unread ? `${unread} unread` : 'All read'}
          </Text>
        </Group>
        <Menu.Item leftSection={<IconChecks size={15} />} onClick={() => readAll.mutate()} disabled={unread === 0 || readAll.isPending} closeMenuOnClick={false} fz="xs">
          Mark all read
        </Menu.Item>
        <Menu.Divider />
        {list.isError && (
          <Text size="sm" c="red" px="sm" py="xs">
            {errorMessage(list.error)}
          </Text>
        )}
        {!list.isError && items.length === 0 && (
          <Text size="sm" c="dimmed" px="sm" py="md">
            {list.isPending ? 'Loading…' : 'No notifications. You will hear here when a case is assigned or escalated to you.'}
          </Text>
        )}
        <ScrollArea.Autosize mah={420}>
          {items.map((n) => (
            <Menu.Item key={n.id} onClick={() => open(n)} py={8} bg={n.readAt ? undefined : 'var(--mantine-color-indigo-0)'}>
              <Group gap={8} wrap="nowrap" align="flex-start">
                <Box w={8} mt={6} style={{ flexShrink: 0 }}>
                  {!n.readAt && <Box w={8} h={8} bg="indigo.6" style={{ borderRadius: 8 }} aria-hidden />}
                </Box>
                <Box style={{ minWidth: 0 }}>
                  <Text size="sm" fw={n.readAt ? 400 : 600} lineClamp={2}>
                    {!n.readAt && <span className="cb-visually-hidden">Unread: </span>}
                    {n.title}
                  </Text>
                  {n.body && (
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {n.body}
                    </Text>
                  )}
                  <Text size="xs" c="dimmed">
                    <When iso={n.createdAt} />
                  </Text>
                </Box>
              </Group>
            </Menu.Item>
          ))}
        </ScrollArea.Autosize>
      </Menu.Dropdown>
    </Menu>
  );
}
