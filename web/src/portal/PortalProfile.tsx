import { Alert, Box, Button, Card, Center, Group, Loader, Skeleton, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconBuilding, IconPackage, IconUser } from '@tabler/icons-react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, errorMessage, type Account, type Asset, type Contact, type Me } from '../api';

/** A titled card of the portal; a region named by its title. */
export function Section({ title, icon, children, action }: { title: string; icon: React.ReactNode; children: React.ReactNode; action?: React.ReactNode }) {
  const id = `portal-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <Card component="section" aria-labelledby={id} withBorder radius="md" shadow="xs" p={{ base: 'md', sm: 'lg' }}>
      <Group gap="sm" mb="sm" wrap="nowrap" justify="space-between">
        <Group gap="sm" wrap="nowrap">
          <ThemeIcon variant="light" color="indigo" radius="md" size="lg" aria-hidden>
            {icon}
          </ThemeIcon>
          <Title order={2} id={id} fz={17}>
            {title}
          </Title>
        </Group>
        {action}
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

/** The signed-in customer's account. */
export function usePortalAccount(me: Me | null | undefined) {
  const accountId = me?.accountId ?? null;
  return useQuery({
    queryKey: ['portal', 'account', accountId],
    queryFn: () => api.get<Account>('accounts', accountId!),
    enabled: accountId !== null,
  });
}

/** The products (assets) of the customer's account, page by page. */
export function usePortalAssets(accountId: number | null) {
  return useInfiniteQuery({
    queryKey: ['portal', 'assets', accountId],
    queryFn: ({ pageParam }) => api.list<Asset>('assets', { accountId: accountId!, active: 'true', limit: 50, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: accountId !== null,
  });
}

function Failed({ error }: { error: unknown }) {
  return (
    <Alert color="red" p="xs">
      {errorMessage(error)}
    </Alert>
  );
}

/** The customer's profile: their account, their contact details and their products. */
export function PortalProfile({ me }: { me: Me }) {
  const account = usePortalAccount(me);
  const contact = useQuery({ queryKey: ['portal', 'contact', me.id], queryFn: () => api.get<Contact>('contacts', me.id) });
  const assets = usePortalAssets(me.accountId);
  const products = assets.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack gap="lg">
      <Section title="Your account" icon={<IconBuilding size={20} />}>
        {account.isPending ? (
          <Skeleton h={44} />
        ) : account.isError ? (
          <Failed error={account.error} />
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
          <Failed error={contact.error} />
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

      <Section title="Your products" icon={<IconPackage size={20} />}>
        {assets.isPending ? (
          <Center py="md" role="status" aria-label="Loading">
            <Loader size="sm" />
          </Center>
        ) : assets.isError ? (
          <Failed error={assets.error} />
        ) : products.length === 0 ? (
          <Text size="md" c="dimmed">
            No products are registered for your account yet. When your support team records what you own, it shows here.
          </Text>
        ) : (
          <Stack gap={0} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Your products">
            {products.map((a, i) => (
              <Box component="li" key={a.id} py="sm" style={{ borderTop: i === 0 ? undefined : '1px solid var(--mantine-color-gray-2)' }}>
                <Text fw={600} size="md">
                  {a.name}
                </Text>
                <Group gap={4} mt={2} style={{ columnGap: 'var(--mantine-spacing-lg)' }}>
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
  );
}
