import { Alert, Box, Button, Center, Grid, Group, Loader, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { IconChevronRight, IconMessageCircle, IconPlus } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { errorMessage } from '../api';
import { useMe } from '../auth';
import { relativeTime } from '../cases/format';
import { portalApi, portalKeys, type PortalCase } from './portalApi';
import { PortalProfile, Section, usePortalAccount } from './PortalProfile';
import { formatDay, PhaseBadge, PortalShell } from './PortalShell';

function NewCaseButton({ size = 'sm' }: { size?: 'sm' | 'md' }) {
  return (
    <Button component={Link} to="/portal/cases/new" leftSection={<IconPlus size={16} />} size={size}>
      New case
    </Button>
  );
}

/** One case as a tappable row: what it is about, its status in words, when it last changed. */
function CaseRow({ c }: { c: PortalCase }) {
  return (
    <UnstyledButton
      component={Link}
      to={`/portal/cases/${c.number}`}
      className="cb-portal-case"
      aria-label={`${c.shortDescription}, ${c.number}`}
      px="sm"
      py="sm"
      style={{ display: 'block', borderRadius: 'var(--mantine-radius-md)' }}
    >
      <Group justify="space-between" wrap="nowrap" gap="sm" align="center">
        <Box style={{ minWidth: 0, flex: 1 }}>
          <Group gap={8} justify="space-between" wrap="wrap" align="flex-start">
            <Text fw={600} size="md" style={{ overflowWrap: 'anywhere', minWidth: 0, flex: '1 1 220px' }}>
              {c.shortDescription}
            </Text>
            <PhaseBadge phase={c.phase} />
          </Group>
          <Text size="sm" c="dimmed" mt={2}>
            {c.number} · opened {formatDay(c.openedAt)} · updated {relativeTime(c.updatedAt)}
          </Text>
        </Box>
        <IconChevronRight size={18} color="var(--mantine-color-gray-5)" aria-hidden style={{ flexShrink: 0 }} />
      </Group>
    </UnstyledButton>
  );
}

function MyCases() {
  const query = useInfiniteQuery({
    queryKey: portalKeys.list,
    queryFn: ({ pageParam }) => portalApi.cases(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const cases = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Section title="My cases" icon={<IconMessageCircle size={20} />} action={cases.length > 0 ? <NewCaseButton /> : undefined}>
      {query.isPending ? (
        <Center py="lg" role="status" aria-label="Loading your cases">
          <Loader size="sm" />
        </Center>
      ) : query.isError ? (
        <Alert color="red" title="Could not load your cases">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{errorMessage(query.error)}</Text>
            <Button size="xs" variant="light" onClick={() => void query.refetch()}>
              Try again
            </Button>
          </Stack>
        </Alert>
      ) : cases.length === 0 ? (
        <Stack align="center" gap="sm" py="lg" ta="center">
          <Text fw={600} size="lg">
            You have no cases yet — tell us what’s wrong
          </Text>
          <Text size="md" c="dimmed" maw={420}>
            Describe the problem in a few words and attach a screenshot if you have one. Our support team answers here and by email.
          </Text>
          <NewCaseButton size="md" />
        </Stack>
      ) : (
        <Stack gap={4} component="ul" aria-label="My cases" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {cases.map((c) => (
            <li key={c.number}>
              <CaseRow c={c} />
            </li>
          ))}
        </Stack>
      )}
      {query.hasNextPage && (
        <Button variant="default" mt="sm" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
          Load more
        </Button>
      )}
    </Section>
  );
}

/** The portal's home: the customer's cases, with their profile beside (below, on a phone). */
export function PortalHome() {
  const { data: me } = useMe();
  const account = usePortalAccount(me);
  if (!me) return null;
  const firstName = me.name.split(/\s+/)[0] || me.name;

  return (
    <PortalShell>
      <Stack gap="lg">
        <Box>
          <Title order={1} fz={26}>
            Hello, {me.name}
          </Title>
          <Text c="dimmed" mt={4} size="md">
            {account.data ? (
              <>
                You are signed in for <b>{account.data.name}</b>.
              </>
            ) : (
              `Welcome back, ${firstName}.`
            )}
          </Text>
        </Box>
        <Grid gap="lg" align="flex-start">
          <Grid.Col span={{ base: 12, md: 8 }}>
            <MyCases />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <PortalProfile me={me} />
          </Grid.Col>
        </Grid>
      </Stack>
    </PortalShell>
  );
}
