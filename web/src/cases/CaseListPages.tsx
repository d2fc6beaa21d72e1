import { Alert, Badge, Button, Center, Group, Loader, SegmentedControl, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerTrackNext } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../api';
import { casesApi } from '../casesApi';
import { PageHeader } from '../components/ListPage';
import { CaseList, casesInvalidation } from './CaseList';
import { useQueue, useStatuses } from './lookups';
import { NewCaseButton } from './NewCaseDrawer';

// The case list pages: Home, My cases (open / resolved), All cases, Breached / at risk, and one
// page per queue.

export function HomePage() {
  return (
    <>
      <PageHeader title="Home" description="New cases nobody has taken yet, and new cases assigned to you." action={<NewCaseButton />} />
      <CaseList
        view="home"
        caption="New cases"
        hide={['status']}
        empty={{
          title: 'No new cases are waiting',
          description: 'New cases land here until someone starts them. Open one of your queues to pick up work, or create a case for a customer on the phone.',
          action: <NewCaseButton />,
        }}
      />
    </>
  );
}

function MineSwitch({ resolved }: { resolved: boolean }) {
  const navigate = useNavigate();
  return (
    <SegmentedControl
      aria-label="Which of my cases"
      value={resolved ? 'resolved' : 'open'}
      onChange={(v) => navigate(v === 'resolved' ? '/cases/mine/resolved' : '/cases/mine')}
      data={[
        { value: 'open', label: 'Open' },
        { value: 'resolved', label: 'Resolved' },
      ]}
    />
  );
}

export function MyCasesPage({ resolved = false }: { resolved?: boolean }) {
  return (
    <>
      <PageHeader
        title={resolved ? 'My resolved cases' : 'My cases'}
        description={resolved ? 'Cases assigned to you that are resolved or closed.' : 'Open cases assigned to you.'}
        action={
          <Group gap="sm">
            <MineSwitch resolved={resolved} />
            <NewCaseButton />
          </Group>
        }
      />
      <CaseList
        key={resolved ? 'resolved' : 'open'}
        view={resolved ? 'my_resolved' : 'mine'}
        caption={resolved ? 'My resolved cases' : 'My cases'}
        hide={['assigneeId']}
        empty={
          resolved
            ? { title: 'No resolved cases', description: 'Cases you resolve show up here, so you can follow up or reactivate them.' }
            : { title: 'Nothing assigned to you', description: 'Pick a case from one of your queues, or take the next one — cases assigned to you show up here.' }
        }
      />
    </>
  );
}

export function AllCasesPage() {
  return (
    <>
      <PageHeader title="All cases" description="Every case, in any status. Filter, sort, or search by number or words." action={<NewCaseButton />} />
      <CaseList
        view="all"
        caption="All cases"
        empty={{ title: 'No cases yet', description: 'Cases come in from the portal and email, or you create them here.', action: <NewCaseButton /> }}
      />
    </>
  );
}

export type SlaView = 'breached' | 'at_risk';
const SLA_PATHS: Record<SlaView, string> = { breached: '/cases/sla/breached', at_risk: '/cases/sla/at-risk' };

/** Open cases past an SLA deadline, or due within the hour; the soonest due first. */
export function SlaCasesPage({ which }: { which: SlaView }) {
  const navigate = useNavigate();
  const breached = which === 'breached';
  return (
    <>
      <PageHeader
        title={breached ? 'Breached SLAs' : 'SLAs at risk'}
        description={
          breached
            ? 'Open cases whose first response or resolution deadline has passed. Take them first.'
            : 'Open cases due within the next hour that are not paused. Act before they breach.'
        }
        action={
          <SegmentedControl
            aria-label="Which SLA cases"
            value={which}
            onChange={(v) => navigate(SLA_PATHS[v as SlaView])}
            data={[
              { value: 'breached', label: 'Breached' },
              { value: 'at_risk', label: 'At risk' },
            ]}
          />
        }
      />
      <CaseList
        key={which}
        view="all"
        fixed={{ sla: which }}
        defaultSort={{ sort: 'due', order: 'asc' }}
        caption={breached ? 'Cases with a breached SLA' : 'Cases with an SLA at risk'}
        hide={['sla']}
        empty={
          breached
            ? { title: 'No breached SLAs', description: 'Every open case is within its deadlines. Cases that miss one show up here until they are resolved.' }
            : { title: 'Nothing is about to breach', description: 'No open case is due within the next hour. Check Breached for cases already past their deadline.' }
        }
      />
    </>
  );
}

/** "Get next case": the queue hands its next case (highest priority, then oldest) to the caller. */
function GetNextButton({ queueId }: { queueId: number }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const next = useMutation({
    mutationFn: () => casesApi.takeNext(queueId),
    onSuccess: (c) => {
      casesInvalidation(qc);
      qc.setQueryData(['cases', 'detail', c.number], c);
      notifications.show({ color: 'green', title: `${c.number} is yours`, message: c.shortDescription });
      navigate(`/cases/${c.number}`);
    },
    onError: (e) => {
      const empty = e instanceof ApiError && e.status === 404;
      notifications.show({ color: empty ? 'gray' : 'red', title: empty ? 'No case is waiting' : 'Could not take the next case', message: empty ? 'Every case of this queue is taken. Well done.' : errorMessage(e) });
      casesInvalidation(qc);
    },
  });
  return (
    <Button size="md" leftSection={<IconPlayerTrackNext size={18} />} loading={next.isPending} onClick={() => next.mutate()}>
      Get next case
    </Button>
  );
}

export function QueuePage() {
  const { id } = useParams();
  const queueId = Number(id);
  const queue = useQueue(Number.isInteger(queueId) && queueId > 0 ? queueId : null);
  const statuses = useStatuses();
  if (queue.isError) {
    return (
      <Alert color="red" title="Could not open this queue" maw={560}>
        {errorMessage(queue.error)} <Link to="/">Back to Home</Link>
      </Alert>
    );
  }
  if (!queue.data || !statuses.data) {
    return (
      <Center py="xl" role="status" aria-label="Loading">
        <Loader size="sm" />
      </Center>
    );
  }
  const q = queue.data;
  const open = statuses.data.filter((s) => !s.resolved && !s.final).map((s) => s.key).join(',');
  return (
    <>
      <PageHeader
        title={q.name}
        description={
          <Group gap={8} component="span">
            <Badge size="sm" radius="sm" variant="light" color={q.mode === 'next' ? 'grape' : 'teal'}>
              {q.mode === 'next' ? 'Next in line' : 'Pick any'}
            </Badge>
            <Text span size="sm" c="dimmed">
              {q.waitingCount} waiting · {q.mode === 'next' ? 'Cases are handed out in order: highest priority first, then oldest.' : q.description || 'Pick any unassigned case.'}
            </Text>
          </Group>
        }
        action={
          <Group gap="sm">
            <NewCaseButton queueId={q.id} secondary />
            <GetNextButton queueId={q.id} />
          </Group>
        }
      />
      <CaseList
        key={q.id}
        view="queue"
        queueId={q.id}
        pickable={q.mode === 'any'}
        defaultStatus={open}
        caption={`Cases in ${q.name}`}
        hide={['queue']}
        empty={{
          title: 'This queue is empty',
          description: 'No open case waits here. New cases created in this queue show up here; resolved ones leave it. Filter by status to see them.',
          action: <NewCaseButton queueId={q.id} />,
        }}
      />
    </>
  );
}
