import { useState } from 'react';
import { Alert, Anchor, Box, Button, Card, Center, DataList, Grid, Group, Loader, Spoiler, Stack, Text, Textarea, ThemeIcon, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileText, IconFiles, IconInfoCircle, IconMessages, IconPlus, IconSend } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../api';
import { useMe } from '../auth';
import { messageErrors } from '../cases/Composer';
import { fileSize } from '../cases/format';
import { AttachFiles } from './AttachFiles';
import { Conversation, FileLink, Linkified } from './Conversation';
import { PHASES, portalApi, portalKeys, type PortalCaseDetail, type PortalDocument } from './portalApi';
import { Section } from './PortalProfile';
import { BackToCases, formatDay, PhaseBadge, PortalShell } from './PortalShell';

/** The status in words, what it means, and what the customer can do now. */
function StatusCard({ c }: { c: PortalCaseDetail }) {
  const p = PHASES[c.phase];
  return (
    <Card withBorder radius="md" padding="md" shadow="xs" component="section" aria-label="Status" style={{ borderLeft: `4px solid var(--mantine-color-${p.color}-6)` }}>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" color={p.color} radius="xl" size="lg" aria-hidden>
          <IconInfoCircle size={20} />
        </ThemeIcon>
        <Box style={{ minWidth: 0 }}>
          <Text fw={700} size="lg">
            {p.words}
          </Text>
          <Text size="md" c="gray.7" mt={2}>
            {p.explain}
          </Text>
          {c.resolutionNotes && (
            <Box mt="sm">
              <Text size="sm" fw={600}>
                How we solved it
              </Text>
              <Text size="md" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {c.resolutionNotes}
              </Text>
            </Box>
          )}
          {c.phase === 'closed' && (
            <Button component={Link} to="/portal/cases/new" mt="sm" leftSection={<IconPlus size={16} />}>
              Open a new case
            </Button>
          )}
        </Box>
      </Group>
    </Card>
  );
}

/** "Post case review PCR0001001 (version 2) — 22 Nov 2026": the PDF, opening in a new tab. */
function Documents({ documents }: { documents: PortalDocument[] }) {
  return (
    <Section title="Documents" icon={<IconFileText size={20} />}>
      <Text size="sm" c="dimmed" mb="xs">
        Our report on what happened, why, and what we changed so it does not happen again.
      </Text>
      <Stack gap="xs" component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label="Documents">
        {documents.map((d) => (
          <li key={d.id}>
            <Anchor href={d.url} target="_blank" rel="noopener" fw={600} size="md" style={{ overflowWrap: 'anywhere' }}>
              Post case review {d.reviewNumber} (version {d.version}) — {formatDay(d.publishedAt)}
            </Anchor>
            <Text size="sm" c="dimmed">
              {d.title} · PDF, {fileSize(d.size)}
            </Text>
          </li>
        ))}
      </Stack>
    </Section>
  );
}

function ReplyBox({ c }: { c: PortalCaseDetail }) {
  const qc = useQueryClient();
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<{ body?: string; files?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);

  const send = useMutation({
    mutationFn: async () => {
      const attachmentIds = files.length ? (await portalApi.upload(c.number, files)).items.map((a) => a.id) : undefined;
      return portalApi.reply(c.number, { body: body.trim(), attachmentIds });
    },
    onSuccess: (fresh) => {
      qc.setQueryData(portalKeys.detail(c.number), fresh);
      void qc.invalidateQueries({ queryKey: portalKeys.list });
      setBody('');
      setFiles([]);
      setErrors({});
      setFormError(null);
      const reopened = (c.phase === 'waiting' || c.phase === 'resolved') && fresh.phase === 'open';
      notifications.show({ color: 'green', title: 'Reply sent', message: reopened ? 'Your case is open again; our team will pick it up.' : 'Our support team has been told.' });
    },
    onError: (e) => {
      const next = messageErrors(e);
      // Closed meanwhile: show the case as it is now.
      if (e instanceof ApiError && e.status === 409) void qc.invalidateQueries({ queryKey: portalKeys.detail(c.number) });
      setErrors(next);
      setFormError(Object.keys(next).length ? null : errorMessage(e));
    },
  });

  if (!c.canReply) {
    return (
      <Alert color="gray" variant="light" title="This case is closed — open a new case" role="status">
        <Stack gap="xs" align="flex-start">
          <Text size="md">Replies to a closed case are not possible. If the problem came back or you need something else, open a new case.</Text>
          <Button component={Link} to="/portal/cases/new" leftSection={<IconPlus size={16} />}>
            Open a new case
          </Button>
        </Stack>
      </Alert>
    );
  }

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!body.trim()) {
      setErrors({ body: 'Write your message first' });
      return;
    }
    send.mutate();
  };
  const hint = c.phase === 'resolved' ? 'Replying reopens your case.' : c.phase === 'waiting' ? 'We are waiting for your answer.' : 'Add information or ask a question.';

  return (
    <form onSubmit={submit} noValidate aria-label="Reply">
      <Stack gap="sm">
        {formError && (
          <Alert color="red" title="Your reply was not sent" role="alert">
            {formError}
          </Alert>
        )}
        <Textarea
          label="Your reply"
          description={hint}
          size="md"
          autosize
          minRows={3}
          maxRows={14}
          value={body}
          onChange={(e) => (setBody(e.currentTarget.value), setErrors((p) => ({ ...p, body: undefined })))}
          error={errors.body}
        />
        <AttachFiles files={files} onChange={setFiles} error={errors.files} />
        <Group justify="flex-end">
          <Button type="submit" size="md" loading={send.isPending} leftSection={<IconSend size={16} />}>
            Send reply
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Details({ c }: { c: PortalCaseDetail }) {
  const items: [string, string | null][] = [
    ['Case number', c.number],
    ['Opened', formatDay(c.openedAt)],
    ['Product', c.product],
    ['Opened by', c.contactName],
    ['Resolved', c.resolvedAt ? formatDay(c.resolvedAt) : null],
  ];
  return (
    <Section title="Details" icon={<IconInfoCircle size={20} />}>
      <DataList orientation="horizontal" labelWidth={110} size="sm" gap="xs">
        {items
          .filter(([, v]) => !!v)
          .map(([label, value]) => (
            <DataList.Item key={label}>
              <DataList.ItemLabel>{label}</DataList.ItemLabel>
              <DataList.ItemValue style={{ overflowWrap: 'anywhere' }}>{value}</DataList.ItemValue>
            </DataList.Item>
          ))}
      </DataList>
    </Section>
  );
}

function CaseView({ c, myName }: { c: PortalCaseDetail; myName: string }) {
  return (
    <Stack gap="lg">
      <Box>
        <BackToCases />
        <Group gap={8} mt="xs" wrap="wrap">
          <Text size="sm" c="dimmed" fw={600} ff="monospace">
            {c.number}
          </Text>
          <PhaseBadge phase={c.phase} />
        </Group>
        <Title order={1} fz={{ base: 22, sm: 26 }} mt={4} style={{ overflowWrap: 'anywhere' }}>
          {c.shortDescription}
        </Title>
      </Box>
      <StatusCard c={c} />
      {c.documents.length > 0 && <Documents documents={c.documents} />}
      <Grid gap="lg" align="flex-start">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Section title="Conversation" icon={<IconMessages size={20} />}>
            <Stack gap="lg">
              {c.description.trim() && (
                <Box p="sm" bg="gray.0" style={{ borderRadius: 'var(--mantine-radius-md)' }}>
                  <Text size="xs" fw={600} c="dimmed" mb={2}>
                    Description
                  </Text>
                  <Spoiler maxHeight={120} showLabel="Show all" hideLabel="Show less">
                    <Text size="md" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} component="div">
                      <Linkified text={c.description} />
                    </Text>
                  </Spoiler>
                </Box>
              )}
              <Conversation messages={c.messages} myName={myName} />
              <Box pt="md" style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
                <ReplyBox c={c} />
              </Box>
            </Stack>
          </Section>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="lg">
            <Details c={c} />
            <Section title="Files" icon={<IconFiles size={20} />}>
              {c.attachments.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No files yet. Attach screenshots or logs to a reply.
                </Text>
              ) : (
                <Stack gap={6} component="ul" aria-label="Files of the case" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                  {c.attachments.map((a) => (
                    <li key={a.id}>
                      <FileLink a={a} />
                    </li>
                  ))}
                </Stack>
              )}
            </Section>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

/** One of the customer's cases at /portal/cases/:number. */
export function PortalCasePage() {
  const { number = '' } = useParams();
  const upper = number.toUpperCase();
  const { data: me } = useMe();
  const query = useQuery({
    queryKey: portalKeys.detail(upper),
    queryFn: () => portalApi.get(upper),
    staleTime: 0,
    refetchOnWindowFocus: true,
    refetchInterval: 60_000,
  });

  let content: React.ReactNode;
  if (query.isPending) {
    content = (
      <Center py="xl" role="status" aria-label="Loading the case">
        <Loader size="sm" />
      </Center>
    );
  } else if (query.isError) {
    const notFound = query.error instanceof ApiError && query.error.status === 404;
    content = (
      <Stack gap="md">
        <BackToCases />
        <Alert color={notFound ? 'gray' : 'red'} title={notFound ? `We cannot find case ${upper}` : 'Could not load the case'}>
          {notFound ? 'Check the number, or open the case from your list.' : errorMessage(query.error)}
        </Alert>
      </Stack>
    );
  } else {
    content = <CaseView c={query.data} myName={me?.name ?? ''} />;
  }
  return <PortalShell>{content}</PortalShell>;
}
