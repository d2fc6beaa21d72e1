import { useState } from 'react';
import { ActionIcon, Anchor, Box, Button, Group, Stack, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconLink, IconUnlink } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { errorMessage } from '../api';
import { useMe } from '../auth';
import { CaseStatusBadge } from '../cases/format';
import type { Case } from '../casesApi';
import { ReviewStateBadge } from '../reviews/format';
import { LinkChildrenDialog } from './LinkChildrenDialog';
import { useChildren } from './MajorActions';
import { childrenKey, majorApi, mayManageMajor, type ChildCase } from './majorApi';

// The child cases of a major case in its related records: account, status, review state; managers
// link more (the actions menu's dialog) and unlink.

function Unlink({ kase, child }: { kase: Case; child: ChildCase }) {
  const qc = useQueryClient();
  const unlink = useMutation({
    mutationFn: () => majorApi.unlink(kase.number, child.number),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: childrenKey(kase.number) });
      void qc.invalidateQueries({ queryKey: ['cases', 'list'] });
      notifications.show({ color: 'green', title: `Unlinked ${child.number}`, message: `It is no longer a child of ${kase.number}.` });
    },
    onError: (e) => notifications.show({ color: 'red', title: `Could not unlink ${child.number}`, message: errorMessage(e) }),
  });
  return (
    <Tooltip label={`Unlink ${child.number}`} withinPortal openDelay={300}>
      <ActionIcon variant="subtle" color="gray" size="sm" aria-label={`Unlink ${child.number}`} loading={unlink.isPending} onClick={() => unlink.mutate()}>
        <IconUnlink size={14} />
      </ActionIcon>
    </Tooltip>
  );
}

export function ChildCasesList({ kase }: { kase: Case }) {
  const { data: me } = useMe();
  const [linking, setLinking] = useState(false);
  const children = useChildren(kase);
  const manage = mayManageMajor(me?.roles);
  const list = children.data ?? [];
  return (
    <Box>
      {linking && <LinkChildrenDialog kase={kase} onClose={() => setLinking(false)} />}
      <Group justify="space-between" mb={2}>
        <Text size="sm" c="dimmed">
          Child cases ({children.isPending ? '…' : list.length})
        </Text>
        {manage && (
          <Button size="compact-xs" variant="subtle" leftSection={<IconLink size={13} />} onClick={() => setLinking(true)}>
            Link child cases…
          </Button>
        )}
      </Group>
      {children.isError ? (
        <Text size="xs" c="red">
          {errorMessage(children.error)}
        </Text>
      ) : list.length === 0 && !children.isPending ? (
        <Text size="xs" c="dimmed">
          No child cases yet. Link the cases of the affected accounts.
        </Text>
      ) : (
        <Stack gap={4} component="ul" aria-label="Child cases" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {list.map((c) => (
            <Box component="li" key={c.number} py={4} style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
              <Group gap={6} wrap="nowrap" justify="space-between">
                <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                  <Anchor component={Link} to={`/cases/${c.number}`} size="sm" fw={500}>
                    {c.number}
                  </Anchor>
                  <Text size="sm" truncate title={c.accountName ?? ''}>
                    {c.accountName ?? '—'}
                  </Text>
                </Group>
                {manage && <Unlink kase={kase} child={c} />}
              </Group>
              <Group gap={6} mt={2}>
                <CaseStatusBadge status={c.status} label={c.statusLabel} />
                {c.reviewNumber ? (
                  <Group gap={4} wrap="nowrap">
                    <Anchor component={Link} to={`/reviews/${c.reviewNumber}`} size="xs">
                      {c.reviewNumber}
                    </Anchor>
                    <ReviewStateBadge state={c.reviewState ?? ''} size="xs" />
                  </Group>
                ) : (
                  <Text size="xs" c="dimmed">
                    no review
                  </Text>
                )}
              </Group>
            </Box>
          ))}
        </Stack>
      )}
    </Box>
  );
}
