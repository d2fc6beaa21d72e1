import { Alert, Anchor, Badge, Box, Button, Group, Menu, Text, Title } from '@mantine/core';
import {
  IconAlertTriangle,
  IconArrowBackUp,
  IconCheck,
  IconChevronDown,
  IconChevronLeft,
  IconClockPause,
  IconHandGrab,
  IconLock,
  IconPlayerPlay,
  IconUserShare,
  IconX,
  IconArchive,
} from '@tabler/icons-react';
import { Link, useLocation } from 'react-router-dom';
import type { Case, CaseAction } from '../casesApi';
import { MajorMenuItems, MajorDialogs, useMajorActions, type MajorDialog } from '../major/MajorActions';
import { ReviewMenuItems, useReviewMenu } from '../reviews/ReviewMenu';
import { AssignDialog, CancelDialog, CloseDialog, EscalateDialog } from './ActionDialogs';
import { CaseStatusBadge, CHANNEL_LABELS, PriorityBadge, When } from './format';
import { useAllQueues, useStatuses } from './lookups';
import { ResolveDialog } from './ResolveDialog';
import { ACTION_LABELS, type CaseActionMutation } from './useCaseAction';

export type Dialog = 'assign' | 'escalate' | 'resolve' | 'cancel' | 'close' | MajorDialog;
const DIALOGS: Partial<Record<CaseAction, Dialog>> = { assign: 'assign', escalate: 'escalate', resolve: 'resolve', cancel: 'cancel', close: 'close' };
const ICONS: Partial<Record<CaseAction, React.ReactNode>> = {
  start: <IconPlayerPlay size={15} />,
  assign: <IconUserShare size={15} />,
  pick: <IconHandGrab size={15} />,
  escalate: <IconAlertTriangle size={15} />,
  wait: <IconClockPause size={15} />,
  resolve: <IconCheck size={15} />,
  reactivate: <IconArrowBackUp size={15} />,
  cancel: <IconX size={15} />,
  close: <IconArchive size={15} />,
};
/** The action worth a button of its own, in this order of preference. */
const PRIMARY: CaseAction[] = ['start', 'resolve', 'reactivate'];

/** The actions the menu offers: the allowed ones, without those that cannot work for this case. */
function useMenuActions(kase: Case): CaseAction[] {
  const queues = useAllQueues();
  const mode = queues.data?.find((q) => q.id === kase.queueId)?.mode;
  return kase.allowedActions.filter((a) => {
    if (a === 'next-stage') return false; // the stage bar has it
    if (a === 'pick') return !kase.assigneeId && kase.queueId !== null && mode !== 'next';
    return true;
  });
}

interface ActionsProps {
  kase: Case;
  run: CaseActionMutation;
  /** The open dialog; the page holds it so other parts (e.g. "Change assignment…") can open one. */
  dialog: Dialog | null;
  setDialog: (d: Dialog | null) => void;
}

export function CaseActions({ kase, run, dialog, setDialog }: ActionsProps) {
  const actions = useMenuActions(kase);
  const reviewMenu = useReviewMenu(kase);
  const major = useMajorActions(kase);
  const primary = PRIMARY.find((a) => actions.includes(a));
  const act = (a: CaseAction) => {
    run.reset();
    const d = DIALOGS[a];
    if (d) setDialog(d);
    else run.mutate({ action: a });
  };
  const props = { opened: true, onClose: () => setDialog(null), kase, run };
  return (
    <Group gap="xs" wrap="nowrap">
      {primary && (
        <Button variant={primary === 'resolve' ? 'filled' : 'light'} color={primary === 'resolve' ? 'green' : undefined} leftSection={ICONS[primary]} onClick={() => act(primary)} loading={run.isPending && run.variables?.action === primary && !dialog}>
          {ACTION_LABELS[primary]}
        </Button>
      )}
      <Menu position="bottom-end" width={250} withinPortal>
        <Menu.Target>
          <Button
            variant="default"
            rightSection={<IconChevronDown size={15} />}
            disabled={actions.length === 0 && !reviewMenu.any && major.length === 0}
            loading={(run.isPending && !dialog && run.variables?.action !== primary) || reviewMenu.creating}
          >
            Actions
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {actions.map((a) => (
            <Menu.Item key={a} leftSection={ICONS[a]} onClick={() => act(a)} color={a === 'cancel' ? 'red' : undefined}>
              {ACTION_LABELS[a]}
            </Menu.Item>
          ))}
          <ReviewMenuItems menu={reviewMenu} divider={actions.length > 0} />
          <MajorMenuItems actions={major} run={run} setDialog={setDialog} divider={actions.length > 0 || reviewMenu.any} />
        </Menu.Dropdown>
      </Menu>
      {dialog === 'assign' && <AssignDialog {...props} />}
      {dialog === 'escalate' && <EscalateDialog {...props} />}
      {dialog === 'resolve' && <ResolveDialog {...props} />}
      {dialog === 'cancel' && <CancelDialog {...props} />}
      {dialog === 'close' && <CloseDialog {...props} />}
      <MajorDialogs dialog={dialog} {...props} />
    </Group>
  );
}

/** Why a case cannot be edited, from its status' flags. */
export function ReadOnlyBanner({ kase }: { kase: Case }) {
  const { data: statuses } = useStatuses();
  if (kase.editable) return null;
  const s = statuses?.find((x) => x.key === kase.status);
  const final = s?.final ?? !kase.allowedActions.includes('reactivate');
  const title = final ? `${kase.statusLabel}` : `${kase.statusLabel} — reactivate to make changes`;
  const text = final
    ? `This case is ${kase.statusLabel.toLowerCase()} and final: it can no longer be changed.`
    : 'A resolved case is read-only. Reactivate it to add work; it must then be resolved again. A reply from the customer reopens it.';
  return (
    <Alert color="gray" variant="light" icon={<IconLock size={18} />} title={title} mb="md" p="sm" role="status">
      <Text size="sm">{text}</Text>
    </Alert>
  );
}

export function CaseHeader(props: ActionsProps) {
  const { kase } = props;
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const meta: [string, React.ReactNode][] = [
    ['Assignee', kase.assigneeName ?? <span className="cb-muted">Unassigned</span>],
    ['Group', kase.assignmentGroupName],
    ['Queue', kase.queueName],
    ['Account', kase.accountName],
  ];
  return (
    <Box component="section" mb="sm" aria-label={`Case ${kase.number}`}>
      <Anchor component={Link} to={from ?? '/cases'} size="xs" c="dimmed" style={{ display: 'inline-flex', alignItems: 'center', gap: 2 }}>
        <IconChevronLeft size={13} aria-hidden /> {from ? 'Back to the list' : 'All cases'}
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="nowrap" mt={4}>
        <Box style={{ minWidth: 0 }}>
          <Group gap={8} wrap="wrap">
            <Text size="sm" fw={600} c="dimmed" ff="monospace">
              {kase.number}
            </Text>
            <CaseStatusBadge status={kase.status} label={kase.statusLabel} size="md" />
            <PriorityBadge priority={kase.priority} />
            {kase.major && (
              <Badge size="md" radius="sm" color="red" variant="filled">
                Major case
              </Badge>
            )}
            {kase.parentNumber && (
              <Text size="xs" c="dimmed">
                Child of{' '}
                <Anchor component={Link} to={`/cases/${kase.parentNumber}`} size="xs" fw={600}>
                  {kase.parentNumber}
                </Anchor>
              </Text>
            )}
            {kase.escalationLevel > 0 && (
              <Text size="xs" c="orange.8" fw={600}>
                Escalation level {kase.escalationLevel}
              </Text>
            )}
            <Text size="xs" c="dimmed">
              Opened <When iso={kase.openedAt} /> via {CHANNEL_LABELS[kase.channel] ?? kase.channel}
            </Text>
          </Group>
          <Title order={1} mt={4} style={{ wordBreak: 'break-word' }}>
            {kase.shortDescription}
          </Title>
          <Group gap="md" mt={4}>
            {meta.map(([label, value]) => (
              <Text key={label} size="sm" c="dimmed">
                {label}:{' '}
                <Text span size="sm" c="dark" fw={500}>
                  {value ?? '—'}
                </Text>
              </Text>
            ))}
          </Group>
        </Box>
        <CaseActions {...props} />
      </Group>
    </Box>
  );
}
