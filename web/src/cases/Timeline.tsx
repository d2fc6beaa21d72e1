import { useState } from 'react';
import { Alert, Anchor, Avatar, Badge, Box, Button, Center, Chip, Group, Loader, Spoiler, Stack, Text, ThemeIcon } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowBarToDown, IconHistory, IconLock, IconMail, IconPaperclip } from '@tabler/icons-react';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { errorMessage, request } from '../api';
import { isAdmin, useMe } from '../auth';
import { casesApi, TIMELINE_FILTERS, type Activity, type Case, type CaseMessage, type TimelineEntry, type TimelineFilter } from '../casesApi';
import { initials } from '../components/ListPage';
import { changeSentences } from './changeText';
import { Composer } from './Composer';
import { ActivityIcon, activityLabel, fileSize, humanize, When } from './format';
import { useNames, type Names } from './lookups';

const FILTER_LABELS: Record<TimelineFilter, string> = { all: 'All', comments: 'Comments', emails: 'Emails', activities: 'Activities', changes: 'Changes' };

const INBOUND_STATUS: Partial<Record<CaseMessage['status'], [string, string]>> = {
  held: ['Held for review', 'orange'],
  auto: ['Automatic reply', 'gray'],
  rejected: ['Rejected', 'red'],
  released: ['Released', 'teal'],
};
const DELIVERY: Record<NonNullable<CaseMessage['deliveryState']>, [string, string]> = {
  queued: ['Queued', 'gray'],
  sending: ['Sending', 'blue'],
  sent: ['Sent', 'green'],
  failed: ['Not delivered', 'red'],
};
export const timelineKey = (number: string) => ['cases', 'timeline', number] as const;

function actor(e: TimelineEntry) {
  return e.actorName ?? (e.actorType === 'system' ? 'Casebook' : 'Someone');
}

/** How a comment travelled by mail: who emailed it in, or our mail to the customer with its delivery state. */
function CommentMail({ email }: { email: NonNullable<TimelineEntry['comment']>['email'] & object }) {
  const { data: me } = useMe();
  if (email.direction === 'in') {
    return (
      <Text size="xs" c="dimmed" mt={4} style={{ display: 'flex', alignItems: 'center', gap: 4 }}>
        <IconMail size={12} aria-hidden /> Emailed by {email.address}
      </Text>
    );
  }
  const [label, color] = email.state ? DELIVERY[email.state] : ['Not emailed yet', 'gray'];
  return (
    <Group gap={6} mt={4} wrap="wrap">
      <Text size="xs" c="dimmed" style={{ display: 'flex', alignItems: 'center', gap: 4 }}>
        <IconMail size={12} aria-hidden /> Emailed to {email.address}
      </Text>
      <Badge size="xs" radius="sm" variant={email.state === 'failed' ? 'filled' : 'light'} color={color} aria-label={`Email ${label.toLowerCase()}`}>
        {label}
      </Badge>
      {email.state === 'failed' && (
        <Text size="xs" c="red.7">
          The customer did not get this by email; they still see it on the portal.{' '}
          {isAdmin(me) && (
            <Anchor component={Link} to="/admin/outbox?state=failed" size="xs">
              Why? See the outbox
            </Anchor>
          )}
        </Text>
      )}
    </Group>
  );
}

function CommentEntry({ e }: { e: TimelineEntry }) {
  const c = e.comment!;
  const note = c.visibility === 'internal';
  const label = note ? 'Work note' : c.authorType === 'contact' ? 'From the customer' : c.authorType === 'system' ? 'To the customer' : 'Reply to customer';
  return (
    <Box className={note ? 'cb-entry-note' : 'cb-entry-reply'} p="sm" style={{ borderRadius: 4 }}>
      <Group gap={8} wrap="nowrap" mb={4}>
        <Avatar size={24} radius="xl" color={c.authorType === 'contact' ? 'teal' : 'indigo'} aria-hidden>
          {initials(actor(e))}
        </Avatar>
        <Text size="sm" fw={600}>
          {actor(e)}
        </Text>
        <Badge size="xs" radius="sm" variant={note ? 'filled' : 'light'} color={note ? 'yellow.6' : c.authorType === 'contact' ? 'teal' : 'indigo'} c={note ? 'dark' : undefined} leftSection={note ? <IconLock size={10} /> : undefined}>
          {label}
        </Badge>
        <Text size="xs" c="dimmed" ml="auto">
          <When iso={e.at} />
        </Text>
      </Group>
      <div className="cb-entry-body">{c.body}</div>
      {c.email && <CommentMail email={c.email} />}
      {c.attachments.length > 0 && (
        <Group gap="xs" mt={6}>
          {c.attachments.map((a) => (
            <Anchor key={a.id} href={casesApi.attachmentUrl(a.id)} download={a.fileName} size="xs" style={{ display: 'inline-flex', alignItems: 'center', gap: 3 }}>
              <IconPaperclip size={12} aria-hidden /> {a.fileName} ({fileSize(a.size)})
            </Anchor>
          ))}
        </Group>
      )}
    </Box>
  );
}

/** A one-line entry: an icon, what happened, when. */
function EntryRow({ icon, color, at, children }: { icon: React.ReactNode; color: string; at: string; children: React.ReactNode }) {
  return (
    <Group gap={8} wrap="nowrap" align="flex-start" px="sm" py={5}>
      <ThemeIcon size={24} radius="xl" variant="light" color={color} aria-hidden>
        {icon}
      </ThemeIcon>
      <Box style={{ flex: 1, minWidth: 0 }}>{children}</Box>
      <Text size="xs" c="dimmed">
        <When iso={at} />
      </Text>
    </Group>
  );
}

function ActivityEntry({ e }: { e: TimelineEntry }) {
  const a = e.activity!;
  const label = activityLabel(a.type).toLowerCase();
  return (
    <EntryRow icon={<ActivityIcon type={a.type} size={14} />} color="grape" at={e.at}>
      <Text size="sm" component="div">
        <strong>{actor(e)}</strong> added {label === 'email' ? 'an email' : `a ${label}`}: {a.subject}
        {a.state !== 'open' && (
          <Badge ml={6} size="xs" radius="sm" variant="light" color={a.state === 'completed' ? 'green' : 'gray'}>
            {humanize(a.state)}
          </Badge>
        )}
      </Text>
      {a.dueAt && (
        <Text size="xs" c="dimmed">
          Due <When iso={a.dueAt} />
        </Text>
      )}
    </EntryRow>
  );
}

/** Adds a held email (its sender is not a participant) to the conversation as a work note. */
function ReleaseButton({ message, onReleased }: { message: CaseMessage; onReleased: () => void }) {
  const release = useMutation({
    mutationFn: () => request<void>('POST', `/messages/${message.id}/release`),
    onSuccess: () => {
      notifications.show({ color: 'green', title: 'Released to the conversation', message: `The email from ${message.from} is now a work note.` });
      onReleased();
    },
    onError: (err) => {
      notifications.show({ color: 'red', title: 'Not released', message: errorMessage(err) });
      onReleased();
    },
  });
  return (
    <Group gap="xs" mt={4} wrap="wrap">
      <Button size="compact-xs" variant="light" color="orange" leftSection={<IconArrowBarToDown size={13} />} loading={release.isPending} onClick={() => release.mutate()}>
        Release to conversation
      </Button>
      <Text size="xs" c="dimmed">
        The sender is not a participant of this case; releasing adds the email as a work note.
      </Text>
    </Group>
  );
}

/** An email that is not a comment: a notification we sent, or inbound mail held or set aside. */
function MessageEntry({ e, onChanged }: { e: TimelineEntry; onChanged: () => void }) {
  const m = e.message!;
  const inbound = m.direction === 'in';
  const [label, color] = (inbound ? INBOUND_STATUS[m.status] : m.deliveryState ? DELIVERY[m.deliveryState] : undefined) ?? [null, 'gray'];
  return (
    <EntryRow icon={<IconMail size={14} />} color="cyan" at={e.at}>
      <Text size="sm" component="div">
        {inbound ? (
          <>
            <strong>{actor(e)}</strong> emailed: {m.subject}
          </>
        ) : (
          <>
            <strong>Casebook</strong> emailed {m.to}: {m.subject}
          </>
        )}
        {label && (
          <Badge ml={6} size="xs" radius="sm" variant="light" color={color}>
            {label}
          </Badge>
        )}
      </Text>
      {(m.reason || m.lastError) && (
        <Text size="xs" c={m.lastError ? 'red.7' : 'dimmed'}>
          {m.lastError ?? m.reason}
        </Text>
      )}
      {m.text && (
        <Spoiler maxHeight={40} showLabel="Show the email" hideLabel="Hide" fz="xs">
          <div className="cb-entry-body" style={{ fontSize: 12 }}>
            {m.text}
          </div>
        </Spoiler>
      )}
      {inbound && m.status === 'held' && <ReleaseButton message={m} onReleased={onChanged} />}
    </EntryRow>
  );
}

function ChangeEntry({ e, kase, names, activities }: { e: TimelineEntry; kase: Case; names: Names; activities: Activity[] }) {
  const sentences = changeSentences(e, kase, names, activities);
  if (sentences.length === 0) return null;
  return (
    <EntryRow icon={<IconHistory size={14} />} color="gray" at={e.at}>
      {sentences.map((s, i) => (
        <Text key={i} size="sm" c="gray.7">
          {actor(e)} {s}
        </Text>
      ))}
    </EntryRow>
  );
}

/** The case history, newest first, with the composer on top and filters. */
export function Timeline({ kase, activities }: { kase: Case; activities: Activity[] }) {
  const [filter, setFilter] = useState<TimelineFilter>('all');
  const qc = useQueryClient();
  const names = useNames();
  const query = useInfiniteQuery({
    queryKey: [...timelineKey(kase.number), filter],
    queryFn: ({ pageParam }) => casesApi.timeline(kase.number, filter, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const entries = query.data?.pages.flatMap((p) => p.items) ?? [];
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: timelineKey(kase.number) });
    void qc.invalidateQueries({ queryKey: ['cases', 'attachments', kase.number] });
    void qc.invalidateQueries({ queryKey: ['cases', 'list'] });
  };

  return (
    <Stack gap="sm" component="section" aria-label="Timeline">
      {kase.editable ? (
        <Composer number={kase.number} onSent={refresh} />
      ) : (
        <Text size="sm" c="dimmed" className="cb-card" p="sm">
          {kase.allowedActions.includes('reactivate') ? 'This case is resolved: reactivate it to add comments or work notes.' : 'This case is final: no more comments can be added.'}
        </Text>
      )}
      <Group justify="space-between" align="center">
        <Chip.Group value={filter} onChange={(v) => setFilter(v as TimelineFilter)}>
          <Group gap={6} role="radiogroup" aria-label="Show in the timeline">
            {TIMELINE_FILTERS.map((f) => (
              <Chip key={f} value={f} size="xs" variant="outline">
                {FILTER_LABELS[f]}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
        {query.isFetching && !query.isPending && <Loader size="xs" aria-label="Updating" />}
      </Group>
      {query.isPending ? (
        <Center py="lg" role="status" aria-label="Loading the timeline">
          <Loader size="sm" />
        </Center>
      ) : query.isError ? (
        <Alert color="red" title="Could not load the timeline">
          {errorMessage(query.error)}
        </Alert>
      ) : entries.length === 0 ? (
        <Text size="sm" c="dimmed" ta="center" py="lg">
          {filter === 'all' ? 'Nothing has happened yet.' : `No ${FILTER_LABELS[filter].toLowerCase()} yet.`}
        </Text>
      ) : (
        <Stack gap={6} component="ol" aria-label="Timeline entries" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {entries.map((e, i) => (
            <li key={`${e.kind}-${e.at}-${i}`}>
              {e.kind === 'comment' ? (
                <CommentEntry e={e} />
              ) : e.kind === 'activity' ? (
                <ActivityEntry e={e} />
              ) : e.kind === 'message' ? (
                <MessageEntry e={e} onChanged={refresh} />
              ) : (
                <ChangeEntry e={e} kase={kase} names={names} activities={activities} />
              )}
            </li>
          ))}
        </Stack>
      )}
      {query.hasNextPage && (
        <Group justify="center">
          <Button variant="default" size="xs" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            Load older
          </Button>
        </Group>
      )}
    </Stack>
  );
}
