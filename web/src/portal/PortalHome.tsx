import { Alert, Box, Button, Card, Center, Container, Group, Loader, SimpleGrid, Skeleton, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBriefcase, IconBuilding, IconLogout, IconPackage, IconUser } from '@tabler/icons-react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, errorMessage, type Account, type Asset, type Contact } from '../api';
import { useMe, useSignOut } from '../auth';

function Section({ title, icon, children }: { title: string; icon: React.ReactNode; children: React.ReactNode }) {
  const id = `portal-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <Card component="section" aria-labelledby={id} withBorder radius="md" padding="lg" shadow="xs">
      <Group gap="sm" mb="sm" wrap="nowrap">
        <ThemeIcon variant="light" color="indigo" radius="md" size="lg" aria-hidden>
          {icon}
        </ThemeIcon>
        <Title order={2} id={id} fz={17}>
          {title}
        </Title>
      </Group>
      {children}
    </Card>
  );
}

function Field({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <Box>
      <Text size="xs" c="dimmed" fw={500}>
        {label}
      </Text>
      <Text size="md" style={{ overflowWrap: 'anywhere' }}>
        {value || <span className="cb-muted">Not given</span>}
      </Text>
    </Box>
  );
}

export function PortalHome() {
  const { data: me } = useMe();
  const signOut = useSignOut();
  const accountId = me?.accountId ?? null;

  const account = useQuery({
    queryKey: ['portal', 'account', accountId],
    queryFn: () => api.get<Account>('accounts', accountId!),
    enabled: accountId !== null,
  });
  const contact = useQuery({
    queryKey: ['portal', 'contact', me?.id],
    queryFn: () => api.get<Contact>('contacts', me!.id),
    enabled: !!me,
  });
  const assets = useInfiniteQuery({
    queryKey: ['portal', 'assets', accountId],
    queryFn: ({ pageParam }) => api.list<Asset>('assets', { accountId: accountId!, active: 'true', limit: 50, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: accountId !== null,
  });

  if (!me) return null;
  const products = assets.data?.pages.flatMap((p) => p.items) ?? [];
  const firstName = me.name.split(/\s+/)[0] || me.name;

  const onSignOut = () => {
    signOut('/portal/login').catch((e) => notifications.show({ color: 'red', title: 'Sign out failed', message: errorMessage(e) }));
  };

  return (
    <Box className="cb-portal-bg">
      <Box component="header" bg="white" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Container size="md" py="sm">
          <Group justify="space-between" wrap="nowrap">
            <Group gap={8} wrap="nowrap">
              <IconBriefcase size={24} stroke={1.8} color="var(--mantine-color-indigo-7)" aria-hidden />
              <Text fw={700} size="lg" c="indigo.9">
                Casebook
              </Text>
              <Text size="sm" c="dimmed" visibleFrom="xs">
                Customer support
              </Text>
            </Group>
            <Button variant="default" leftSection={<IconLogout size={16} />} onClick={onSignOut}>
              Sign out
            </Button>
          </Group>
        </Container>
      </Box>

      <Container size="md" py="xl" component="main">
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

          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
            <Section title="Your account" icon={<IconBuilding size={20} />}>
              {account.isPending ? (
                <Skeleton h={44} />
              ) : account.isError ? (
                <Alert color="red" p="xs">
                  {errorMessage(account.error)}
                </Alert>
              ) : (
                <Stack gap="sm">
                  <Field label="Company" value={account.data.name} />
                  {account.data.domain && <Field label="Domain" value={account.data.domain} />}
                </Stack>
              )}
            </Section>

            <Section title="Your contact details" icon={<IconUser size={20} />}>
              {contact.isPending ? (
                <Skeleton h={88} />
              ) : contact.isError ? (
                <Alert color="red" p="xs">
                  {errorMessage(contact.error)}
                </Alert>
              ) : (
                <Stack gap="sm">
                  <Field label="Name" value={contact.data.name} />
                  <Field label="Email" value={contact.data.email} />
                  <Field label="Phone" value={contact.data.phone} />
                  <Text size="xs" c="dimmed">
                    Something wrong here? Tell your support team and they will correct it.
                  </Text>
                </Stack>
              )}
            </Section>
          </SimpleGrid>

          <Section title="Your products" icon={<IconPackage size={20} />}>
            {assets.isPending ? (
              <Center py="md" role="status" aria-label="Loading">
                <Loader size="sm" />
              </Center>
            ) : assets.isError ? (
              <Alert color="red" p="xs">
                {errorMessage(assets.error)}
              </Alert>
            ) : products.length === 0 ? (
              <Text size="md" c="dimmed">
                No products are registered for your account yet. When your support team records what you own, it shows here.
              </Text>
            ) : (
              <Stack gap={0} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Your products">
                {products.map((a, i) => (
                  <Box
                    component="li"
                    key={a.id}
                    py="sm"
                    style={{ borderTop: i === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}
                  >
                    <Text fw={600} size="md">
                      {a.name}
                    </Text>
                    <Group gap="lg" mt={2}>
                      {a.product && (
                        <Text size="sm" c="dimmed">
                          Product: {a.product}
                        </Text>
                      )}
                      {a.serialNumber && (
                        <Text size="sm" c="dimmed">
                          Serial number: {a.serialNumber}
                        </Text>
                      )}
                    </Group>
                  </Box>
                ))}
              </Stack>
            )}
            {assets.hasNextPage && (
              <Button variant="default" mt="sm" loading={assets.isFetchingNextPage} onClick={() => void assets.fetchNextPage()}>
                Load more
              </Button>
            )}
          </Section>
        </Stack>
      </Container>
    </Box>
  );
}
