import { useState } from 'react';
import { Box, Button, Group, SegmentedControl, Stack, Text, Textarea, ThemeIcon } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconEdit, IconFileTypePdf, IconNote } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { errorMessage } from '../api';
import { When } from '../cases/format';
import type { ReviewForm } from './reviewForm';
import { REVIEW_FIELD_LABELS, reviewsApi, type HistoryEntry } from './reviewsApi';
import { reviewStateLabel } from './format';
import { useReviewRefresh } from './useReviewAction';

// Work notes (add one; the work notes list is told) and the review's activity history.

const KIND = {
  work_note: { icon: IconNote, color: 'yellow' },
  decision: { icon: IconCheck, color: 'green' },
  document: { icon: IconFileTypePdf, color: 'red' },
  change: { icon: IconEdit, color: 'gray' },
} as const;

const FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'notes', label: 'Work notes' },
  { value: 'approvals', label: 'Approvals' },
] as const;
type Filter = (typeof FILTERS)[number]['value'];

const fieldName = (f: string | null) => (f ? (REVIEW_FIELD_LABELS[f as keyof typeof REVIEW_FIELD_LABELS] ?? f.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()) : '');

/** "moved it from awaiting_approval to approved" reads better with the states' names. */
function entryText(e: HistoryEntry) {
  if (e.kind !== 'change') return e.text;
  const state = e.changes?.find((c) => c.field === 'state');
  if (state?.oldValue) return `moved it from ${reviewStateLabel(state.oldValue ?? '')} to ${reviewStateLabel(state.newValue ?? '')}`;
  if (e.text.startsWith('changed ')) return `changed ${[...new Set((e.changes ?? []).map((c) => fieldName(c.field)))].join(', ')}`;
  return e.text;
}

function Entry({ e }: { e: HistoryEntry }) {
  const k = KIND[e.kind];
  const note = e.kind === 'work_note';
  return (
    <Group component="li" gap={10} align="flex-start" wrap="nowrap" className={note ? 'cb-entry-note' : undefined} p={note ? 8 : '2px 8px'} style={{ borderRadius: 4 }}>
      <ThemeIcon size={22} radius="xl" variant="light" color={k.color} aria-hidden>
        <k.icon size={13} />
      </ThemeIcon>
      <Box style={{ minWidth: 0, flex: 1 }}>
        <Group gap={6} wrap="wrap">
          <Text size="sm" fw={600}>
            {e.actorName ?? 'Casebook'}
          </Text>
          {!note && (
            <Text size="sm" c="dark.4" style={{ wordBreak: 'break-word' }}>
              {entryText(e)}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            <When iso={e.at} />
          </Text>
        </Group>
        {note && (
          <Text size="sm" mt={2} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {e.text}
          </Text>
        )}
      </Box>
    </Group>
  );
}

export function ReviewActivity({ form }: { form: ReviewForm }) {
  const review = form.record!;
  const refresh = useReviewRefresh(review.number);
  const [filter, setFilter] = useState<Filter>('all');
  const [note, setNote] = useState('');
  const history = useQuery({ queryKey: ['reviews', 'history', review.number], queryFn: async () => (await reviewsApi.history(review.number)).items });
  const add = useMutation({
    mutationFn: () => reviewsApi.addWorkNote(review.number, note.trim()),
    onSuccess: (r) => {
      form.adopt(r);
      refresh();
      setNote('');
      notifications.show({ color: 'green', title: 'Work note added', message: r.workNotesList.length ? 'The work notes list is told.' : review.number });
    },
    onError: (e) => notifications.show({ color: 'red', title: 'Work note not added', message: errorMessage(e) }),
  });
  const all = history.data ?? [];
  // "Suggest changes" is both a decision and a work note; the full list shows it once.
  const echoed = (e: HistoryEntry) => e.kind === 'work_note' && all.some((d) => d.kind === 'decision' && d.at === e.at && d.actorName === e.actorName && d.text.endsWith(e.text));
  const items = all.filter((e) => (filter === 'all' ? !echoed(e) : filter === 'notes' ? e.kind === 'work_note' : e.kind === 'decision'));
  return (
    <Box component="section" aria-labelledby="review-activity" className="cb-card" p="md">
      <Group justify="space-between" mb="sm">
        <Text id="review-activity" fw={600} size="sm">
          Work notes and activity
        </Text>
        <SegmentedControl size="xs" aria-label="Show" value={filter} onChange={(v) => setFilter(v as Filter)} data={FILTERS.map((f) => ({ ...f }))} />
      </Group>
      {review.allowedActions.includes('work-note') && (
        <form
          aria-label="Add a work note"
          onSubmit={(e) => {
            e.preventDefault();
            if (note.trim()) add.mutate();
          }}
        >
          <Stack gap={6} mb="md">
            <Textarea label="Work note" description="Internal; the work notes list is notified." placeholder="What was done, what is next" autosize minRows={2} maxRows={8} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
            <Group justify="flex-end">
              <Button type="submit" size="xs" variant="light" loading={add.isPending} disabled={!note.trim()}>
                Add work note
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {history.isPending ? (
        <Text size="xs" c="dimmed">
          Loading the history…
        </Text>
      ) : items.length === 0 ? (
        <Text size="xs" c="dimmed">
          {filter === 'notes' ? 'No work notes yet.' : filter === 'approvals' ? 'No decisions yet.' : 'Nothing yet.'}
        </Text>
      ) : (
        <Stack gap={4} component="ul" aria-label="Activity history" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {items.map((e, i) => (
            <Entry key={`${e.at}-${e.kind}-${i}`} e={e} />
          ))}
        </Stack>
      )}
    </Box>
  );
}
