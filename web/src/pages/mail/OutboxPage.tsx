import { Alert, Anchor, Badge, Box, Button, Chip, Code, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRefresh } from '@tabler/icons-react';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { api, errorMessage, type ListParams } from '../../api';
import { Truncate } from '../../cases/format';
import { dash, formatDate, ListTable, PageHeader, useSearchParam, type Column } from '../../components/ListPage';
import { Details, RecordDrawer } from '../../components/RecordDrawer';
import { parseId } from '../util';
import { MAIL_STATES, mailApi, STATE_LABELS, type MailState, type OutboxItem } from './mailApi';

const BASE = '/admin/outbox';
/** Rows of the details left out when they have nothing to say. */
const OPTIONAL_ROWS = new Set(['Last error', 'Next attempt', 'Sent']);
const PAGE_SIZE = 50;

function StateBadge({ state }: { state: MailState }) {
  const [label, color] = STATE_LABELS[state];
  return (
    <Badge size="sm" radius="sm" variant="light" color={color}>
      {label}
    </Badge>
  );
}

const shortDate = (iso: string) => new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

const columns: Column<OutboxItem>[] = [
  { header: 'Subject', render: (m) => <Truncate>{m.subject}</Truncate> },
  { header: 'To', render: (m) => <Truncate>{m.to}</Truncate>, width: 200 },
  { header: 'Case', render: (m) => dash(m.caseNumber), width: 100 },
  {
    header: 'Delivery',
    width: 240,
    render: (m) => (
      <Box>
        <Group gap={6} wrap="nowrap">
          <StateBadge state={m.state} />
          <Text size="xs" c="dimmed">
            {m.attempts === 1 ? '1 attempt' : `${m.attempts} attempts`}
          </Text>
        </Group>
        {m.lastError && (
          <Text size="xs" c="red.8" truncate="end" title={m.lastError} mt={2}>
            {m.lastError}
          </Text>
        )}
      </Box>
    ),
  },
  { header: 'Queued', render: (m) => <Text size="sm" style={{ whiteSpace: 'nowrap' }} title={formatDate(m.createdAt)}>{shortDate(m.createdAt)}</Text>, width: 140 },
];

/** The mail of the list's cache (the list shares its query), found by id. */
function useListedMail(params: ListParams, id: number | null) {
  const q = useInfiniteQuery({
    queryKey: ['outbox', 'list', params],
    queryFn: ({ pageParam }) => api.list<OutboxItem>('outbox', { ...params, cursor: pageParam ?? undefined, limit: PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: false,
  });
  return id === null ? null : (q.data?.pages.flatMap((p) => p.items).find((m) => m.id === id) ?? null);
}

function MailDetails({ mail, onRetried }: { mail: OutboxItem; onRetried: () => void }) {
  const qc = useQueryClient();
  const retry = useMutation({
    mutationFn: () => mailApi.retry(mail.id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['outbox'] });
      notifications.show({ color: 'green', title: 'Queued again', message: `“${mail.subject}” to ${mail.to} goes out with the next delivery run.` });
      onRetried();
    },
    onError: (e) => notifications.show({ color: 'red', title: 'Not retried', message: errorMessage(e) }),
  });
  return (
    <Stack gap="md">
      {mail.state === 'failed' && (
        <Alert color="red" title="Not delivered" role="status">
          <Stack gap="xs" align="flex-start">
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {mail.lastError ?? 'The mail server refused it.'}
            </Text>
            <Button size="xs" color="red" variant="white" leftSection={<IconRefresh size={14} />} loading={retry.isPending} onClick={() => retry.mutate()}>
              Retry
            </Button>
          </Stack>
        </Alert>
      )}
      <Details
        items={(
          [
          ['State', <StateBadge key="s" state={mail.state} />],
          ['To', mail.to],
          ['Subject', mail.subject],
          [
            'Case',
            mail.caseNumber && (
              <Anchor component={Link} to={`/cases/${mail.caseNumber}`} size="sm">
                {mail.caseNumber}
              </Anchor>
            ),
          ],
          ['Template', mail.template && <Code>{mail.template}</Code>],
          ['Attempts', String(mail.attempts)],
          ['Last error', mail.state !== 'failed' ? mail.lastError : null],
          ['Queued', formatDate(mail.createdAt)],
          ['Next attempt', mail.state === 'queued' ? formatDate(mail.nextAttemptAt) : null],
          ['Sent', mail.sentAt ? formatDate(mail.sentAt) : null],
          ['Message-ID', <Text key="m" size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>{mail.messageId}</Text>],
          ] as [string, React.ReactNode][]
        ).filter(([label, value]) => value !== null || !OPTIONAL_ROWS.has(label))}
      />
      <Box>
        <Text size="sm" fw={600} mb={4} id="mail-text">
          The mail’s text
        </Text>
        <Box component="pre" aria-labelledby="mail-text" className="cb-card" p="sm" m={0} fz="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontFamily: 'inherit', background: 'var(--mantine-color-gray-0)' }}>
          {mail.text}
        </Box>
      </Box>
    </Stack>
  );
}

/** Admin → Outbox: every mail with its delivery state; failed ones can be retried. */
export function OutboxPage() {
  const [raw, setState] = useSearchParam('state');
  const state = (MAIL_STATES as readonly string[]).includes(raw) ? (raw as MailState) : '';
  const navigate = useNavigate();
  const { search } = useLocation();
  const id = parseId(useParams().id);
  const selected = typeof id === 'number' ? id : null;
  const params: ListParams = { state: state || undefined };
  const mail = useListedMail(params, selected);
  const close = () => navigate({ pathname: BASE, search });

  return (
    <>
      <PageHeader title="Outbox" description="Mail waits here until the mail server accepts it; failed mail is kept with its error and can be sent again." />
      <Chip.Group value={state || 'all'} onChange={(v) => setState(v === 'all' ? '' : (v as string))}>
        <Group gap={6} mb="md" role="radiogroup" aria-label="Show mail">
          {(['all', ...MAIL_STATES] as const).map((s) => (
            <Chip key={s} value={s} size="sm" variant="outline">
              {s === 'all' ? 'All' : STATE_LABELS[s][0]}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      <ListTable<OutboxItem>
        resource="outbox"
        params={params}
        pageSize={PAGE_SIZE}
        columns={columns}
        hrefOf={(m) => `${BASE}/${m.id}`}
        caption="Outbox"
        selectedId={selected}
        fixedLayout
        empty={{
          title: state ? `No ${STATE_LABELS[state][0].toLowerCase()} mail` : 'No mail yet',
          description: state ? 'Choose another state to see more.' : 'Mail to customers and staff shows here once something sends it: a reply, a status change, a published review.',
        }}
      />
      <RecordDrawer opened={selected !== null} onClose={close} title={mail ? mail.subject : 'Mail'} size={620}>
        {mail ? (
          // Under the Failed filter the retried mail leaves the list, so the panel closes with it.
          <MailDetails mail={mail} onRetried={() => state === 'failed' && close()} />
        ) : (
          <Text size="sm" c="dimmed">
            This mail is not in the list shown. Close the panel and choose it from the list.
          </Text>
        )}
      </RecordDrawer>
    </>
  );
}
