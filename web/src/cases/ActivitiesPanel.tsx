import { useState } from 'react';
import { Badge, Box, Button, Group, Modal, SegmentedControl, Select, Stack, Text, Textarea, TextInput, ThemeIcon, Input } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../api';
import { useMe } from '../auth';
import { ACTIVITY_TYPES, casesApi, type Activity, type ActivityState, type ActivityType, type Case } from '../casesApi';
import { useAllUsers } from '../components/useAll';
import { ActivityIcon, activityLabel, When } from './format';
import { useCaseRefresh } from './useCaseAction';

const STATE_DONE: Record<ActivityState, string> = { completed: 'completed', canceled: 'canceled', open: 'reopened' };

function ActivityRow({ a, editable, onChanged }: { a: Activity; editable: boolean; onChanged: () => void }) {
  const change = useMutation({
    mutationFn: (state: ActivityState) => casesApi.updateActivity(a, { state }),
    onSuccess: (r) => {
      onChanged();
      notifications.show({ color: 'green', title: `${activityLabel(r.type)} ${STATE_DONE[r.state]}`, message: r.subject });
    },
    onError: (e) => {
      onChanged();
      const stale = e instanceof ApiError && e.status === 412;
      notifications.show({ color: stale ? 'yellow' : 'red', title: 'Not changed', message: stale ? 'Someone else changed this activity; the list is refreshed — try again.' : errorMessage(e) });
    },
  });
  const open = a.state === 'open';
  const overdue = open && a.dueAt && new Date(a.dueAt).getTime() < Date.now();
  const busy = (s: ActivityState) => change.isPending && change.variables === s;
  return (
    <Group gap="sm" wrap="nowrap" align="flex-start" py={8} px="sm" style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }} aria-label={`${activityLabel(a.type)}: ${a.subject}`} role="listitem">
      <ThemeIcon size={26} radius="xl" variant="light" color={open ? 'grape' : 'gray'} aria-hidden>
        <ActivityIcon type={a.type} size={15} />
      </ThemeIcon>
      <Box style={{ flex: 1, minWidth: 0 }}>
        <Text size="sm" fw={open ? 500 : 400} c={open ? undefined : 'dimmed'} td={a.state === 'canceled' ? 'line-through' : undefined} style={{ wordBreak: 'break-word' }}>
          {a.subject}
        </Text>
        <Text size="xs" c="dimmed" component="div">
          {activityLabel(a.type)}
          {a.dueAt && (
            <>
              {' · '}
              <Text span size="xs" c={overdue ? 'red.7' : 'dimmed'} fw={overdue ? 600 : undefined}>
                {overdue ? 'Overdue, due ' : 'Due '}
                <When iso={a.dueAt} />
              </Text>
            </>
          )}
          {a.ownerName && ` · ${a.ownerName}`}
          {!open && (
            <Badge ml={6} size="xs" radius="sm" variant="light" color={a.state === 'completed' ? 'green' : 'gray'}>
              {a.state === 'completed' ? 'Completed' : 'Canceled'}
            </Badge>
          )}
        </Text>
        {a.body && (
          <Text size="xs" mt={2} lineClamp={2}>
            {a.body}
          </Text>
        )}
      </Box>
      {editable && (
        <Group gap={4} wrap="nowrap">
          {open ? (
            <>
              <Button size="compact-xs" variant="light" color="green" loading={busy('completed')} onClick={() => change.mutate('completed')} aria-label={`Complete ${a.subject}`}>
                Complete
              </Button>
              <Button size="compact-xs" variant="subtle" color="gray" loading={busy('canceled')} onClick={() => change.mutate('canceled')} aria-label={`Cancel ${a.subject}`}>
                Cancel
              </Button>
            </>
          ) : (
            <Button size="compact-xs" variant="subtle" loading={busy('open')} onClick={() => change.mutate('open')} aria-label={`Reopen ${a.subject}`}>
              Reopen
            </Button>
          )}
        </Group>
      )}
    </Group>
  );
}

/** datetime-local value ("2026-11-22T14:30") → ISO with the browser's offset, or null. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : null);

function AddActivityDialog({ number, onClose, onAdded }: { number: string; onClose: () => void; onAdded: () => void }) {
  const { data: me } = useMe();
  const users = useAllUsers();
  const [type, setType] = useState<ActivityType>('task');
  const [subject, setSubject] = useState('');
  const [due, setDue] = useState('');
  const [owner, setOwner] = useState<string | null>(me ? String(me.id) : null);
  const [body, setBody] = useState('');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const add = useMutation({
    mutationFn: () => casesApi.addActivity(number, { type, subject: subject.trim(), body: body.trim() || undefined, ownerId: owner ? Number(owner) : null, dueAt: toIso(due) }),
    onSuccess: (a) => {
      notifications.show({ color: 'green', title: `${activityLabel(a.type)} added`, message: a.subject });
      onAdded();
      onClose();
    },
    onError: (e) => {
      const next: Record<string, string> = {};
      if (e instanceof ApiError) for (const f of e.fields) next[f.field] = f.message;
      setErrors(next);
      notifications.show({ color: 'red', title: 'Activity not added', message: errorMessage(e) });
    },
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!subject.trim()) return setErrors({ subject: 'Enter a subject' });
    add.mutate();
  };
  return (
    <Modal opened onClose={onClose} title="Add activity" styles={{ title: { fontWeight: 600 } }} closeButtonProps={{ 'aria-label': 'Close dialog' }}>
      <form onSubmit={submit} noValidate aria-label="Add activity">
        <Stack gap="sm">
          <Input.Wrapper label="Type" labelElement="div" id="activity-type">
            <SegmentedControl<ActivityType>
              aria-labelledby="activity-type-label"
              fullWidth
              value={type}
              onChange={setType}
              data={ACTIVITY_TYPES.map((t) => ({ value: t, label: activityLabel(t) }))}
            />
          </Input.Wrapper>
          <TextInput label="Subject" required data-autofocus value={subject} onChange={(e) => setSubject(e.currentTarget.value)} error={errors.subject} />
          <Group grow align="flex-start">
            <TextInput label="Due" type="datetime-local" value={due} onChange={(e) => setDue(e.currentTarget.value)} error={errors.dueAt} />
            <Select
              label="Owner"
              placeholder="Nobody"
              data={(users.data ?? []).filter((u) => u.active).map((u) => ({ value: String(u.id), label: u.name }))}
              value={owner}
              onChange={setOwner}
              searchable
              clearable
              error={errors.ownerId}
              comboboxProps={{ withinPortal: true }}
            />
          </Group>
          <Textarea label="Notes" autosize minRows={2} maxRows={8} value={body} onChange={(e) => setBody(e.currentTarget.value)} error={errors.body} />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose}>
              Back
            </Button>
            <Button type="submit" loading={add.isPending}>
              Add activity
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The case's activities, open ones first; add, complete, cancel, reopen. */
export function ActivitiesPanel({ kase, activities, loading }: { kase: Case; activities: Activity[]; loading: boolean }) {
  const [adding, setAdding] = useState(false);
  const refresh = useCaseRefresh(kase.number);
  const open = activities.filter((a) => a.state === 'open').length;
  return (
    <Box component="section" aria-labelledby="activities-title" className="cb-card">
      <Group justify="space-between" px="sm" py={8}>
        <Group gap={6}>
          <Text id="activities-title" fw={600} size="sm">
            Activities
          </Text>
          <Badge size="sm" variant="light" color={open ? 'grape' : 'gray'}>
            {open} open
          </Badge>
        </Group>
        {kase.editable && (
          <Button size="compact-sm" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setAdding(true)}>
            Add activity
          </Button>
        )}
      </Group>
      <div role="list" aria-label="Activities of the case">
        {activities.map((a) => (
          <ActivityRow key={`${a.id}-${a.version}`} a={a} editable={kase.editable} onChanged={refresh} />
        ))}
      </div>
      {!loading && activities.length === 0 && (
        <Text size="sm" c="dimmed" px="sm" pb="sm">
          No activities. Add a task, a call or an appointment to plan the work; open ones must be done before the case can be resolved.
        </Text>
      )}
      {adding && <AddActivityDialog number={kase.number} onClose={() => setAdding(false)} onAdded={refresh} />}
    </Box>
  );
}
