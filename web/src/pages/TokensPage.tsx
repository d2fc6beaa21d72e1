import { useState } from 'react';
import { ActionIcon, Alert, Badge, Box, Button, Center, Code, CopyButton, EmptyState, Group, Loader, Modal, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCheck, IconCopy, IconKey } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage, type CreatedToken, type Token } from '../api';
import { formatDate, PageHeader } from '../components/ListPage';

const KEY = ['me', 'tokens'];

export function TokensPage() {
  const qc = useQueryClient();
  const tokens = useQuery({ queryKey: KEY, queryFn: api.tokens });
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>();
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);

  const create = useMutation({
    mutationFn: (n: string) => api.createToken(n),
    onSuccess: (t) => {
      setCreated(t);
      setName('');
      setNameError(undefined);
      void qc.invalidateQueries({ queryKey: KEY });
      notifications.show({ color: 'green', title: 'Token created', message: `Copy "${t.name}" now; it is shown only once.` });
    },
    onError: (e) => {
      const field = e instanceof ApiError ? e.fields.find((f) => f.field === 'name') : undefined;
      setNameError(field ? field.message : errorMessage(e));
      notifications.show({ color: 'red', title: 'Could not create the token', message: errorMessage(e) });
    },
  });

  const revoke = useMutation({
    mutationFn: (t: Token) => api.revokeToken(t.id),
    onSuccess: (_, t) => {
      setRevoking(null);
      void qc.invalidateQueries({ queryKey: KEY });
      notifications.show({ color: 'green', title: 'Token revoked', message: `"${t.name}" no longer works.` });
    },
    onError: (e) => notifications.show({ color: 'red', title: 'Could not revoke the token', message: errorMessage(e) }),
  });

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setNameError('Name the token, e.g. after the integration that uses it');
      return;
    }
    create.mutate(name.trim());
  };

  const items = tokens.data?.items ?? [];

  return (
    <Stack gap="lg" maw={900}>
      <PageHeader title="API tokens" description="Personal tokens let integrations call the API as you (Authorization: Bearer …)." />

      <form onSubmit={submit} aria-label="Create an API token">
        <Group align="flex-start" gap="sm">
          <TextInput
            label="Token name"
            placeholder="e.g. Monitoring integration"
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              setNameError(undefined);
            }}
            error={nameError}
            w={320}
          />
          <Button type="submit" mt={23} loading={create.isPending} leftSection={<IconKey size={16} />}>
            Create token
          </Button>
        </Group>
      </form>

      {created && (
        <Alert color="yellow" icon={<IconAlertTriangle size={18} />} title={`Your new token "${created.name}"`} role="alert">
          <Stack gap="xs">
            <Text size="sm">Copy it now and keep it somewhere safe. It won't be shown again.</Text>
            <Group gap="xs" wrap="nowrap" align="center">
              <Code block className="cb-token" style={{ flex: 1 }} aria-label="New API token">
                {created.token}
              </Code>
              <CopyButton value={created.token}>
                {({ copied, copy }) => (
                  <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
                    <ActionIcon variant="light" color={copied ? 'green' : 'gray'} onClick={copy} aria-label="Copy token" size="lg">
                      {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                    </ActionIcon>
                  </Tooltip>
                )}
              </CopyButton>
            </Group>
            <Box>
              <Button size="xs" variant="default" onClick={() => setCreated(null)}>
                I have copied it
              </Button>
            </Box>
          </Stack>
        </Alert>
      )}

      {tokens.isPending ? (
        <Center py="lg" role="status" aria-label="Loading">
          <Loader size="sm" />
        </Center>
      ) : tokens.isError ? (
        <Alert color="red" title="Could not load your tokens">
          {errorMessage(tokens.error)}
        </Alert>
      ) : items.length === 0 ? (
        <Box className="cb-table-wrap" py="xl">
          <EmptyState
            icon={<IconKey size={28} />}
            size="sm"
            title="No tokens yet"
            description="Name a token above and create it to let an integration use the API."
          />
        </Box>
      ) : (
        <div className="cb-table-wrap">
          <Table aria-label="Your API tokens">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Starts with</Table.Th>
                <Table.Th scope="col">Created</Table.Th>
                <Table.Th scope="col">Last used</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">
                  <span className="cb-visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td fw={500}>{t.name}</Table.Td>
                  <Table.Td>
                    <Code>{t.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>{formatDate(t.createdAt)}</Table.Td>
                  <Table.Td>{t.lastUsedAt ? formatDate(t.lastUsedAt) : <span className="cb-muted">Never</span>}</Table.Td>
                  <Table.Td>
                    {t.revokedAt ? (
                      <Badge size="sm" radius="sm" variant="light" color="gray">
                        Revoked {formatDate(t.revokedAt)}
                      </Badge>
                    ) : (
                      <Badge size="sm" radius="sm" variant="light" color="green">
                        Active
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {!t.revokedAt && (
                      <Button size="xs" variant="subtle" color="red" onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name}`}>
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}

      <Modal opened={!!revoking} onClose={() => setRevoking(null)} title={<Text fw={600}>Revoke token?</Text>} centered size="sm">
        <Stack gap="md">
          <Text size="sm">
            Integrations using <b>{revoking?.name}</b> stop working at once. This cannot be undone.
          </Text>
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setRevoking(null)}>
              Cancel
            </Button>
            <Button color="red" loading={revoke.isPending} onClick={() => revoking && revoke.mutate(revoking)}>
              Revoke token
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
