import { useState, type ReactNode } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { ApiError, errorMessage } from '../api';
import type { Case } from '../casesApi';
import { useMe } from '../auth';
import { useAllGroups, useAllUsers } from '../components/useAll';
import { actionFieldErrors, type ActionInput, type CaseActionMutation } from './useCaseAction';

// The dialogs of the actions that need input: Assign, Escalate, Cancel, and a confirmation for Close.

export interface DialogProps {
  opened: boolean;
  onClose: () => void;
  kase: Case;
  run: CaseActionMutation;
}

/** What a dialog needs of a mutation: progress, the last error, and a way to run it. */
export interface DialogRun<I> {
  isPending: boolean;
  error: unknown;
  mutate: (input: I, options: { onSuccess: () => void }) => void;
}

export interface ShellProps<I> {
  opened: boolean;
  onClose: () => void;
  title: string;
  submitLabel: string;
  submitColor?: string;
  run: DialogRun<I>;
  /** Builds the action, or returns null after marking what is missing. */
  build: () => I | null;
  children: ReactNode;
  /** Errors the dialog shows itself (not next to a field). */
  extraError?: ReactNode;
  size?: string | number;
  /** The API fields the dialog shows next to its inputs; errors of other fields show as a message. */
  fields: string[];
}

/** A case action's dialog (see MutationDialog). */
export const ActionDialog = (props: ShellProps<ActionInput>) => <MutationDialog<ActionInput> {...props} />;

/** A modal form around one action: progress on the button, the API's message when it fails. */
export function MutationDialog<I>({ opened, onClose, title, submitLabel, submitColor, run, build, children, extraError, size = 'md', fields }: ShellProps<I>) {
  const placed = Object.keys(actionFieldErrors(run.error)).filter((f) => fields.includes(f));
  const general = run.error && placed.length === 0 && !(run.error instanceof ApiError && run.error.status === 412) && !extraError ? errorMessage(run.error) : null;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const input = build();
    if (input) run.mutate(input, { onSuccess: onClose });
  };
  return (
    <Modal opened={opened} onClose={onClose} title={title} size={size} styles={{ title: { fontWeight: 600 } }} closeButtonProps={{ 'aria-label': 'Close dialog' }}>
      <form onSubmit={submit} noValidate aria-label={title}>
        <Stack gap="md">
          {children}
          {extraError}
          {general && (
            <Alert color="red" title="Not done" role="alert">
              {general}
            </Alert>
          )}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose}>
              Back
            </Button>
            <Button type="submit" color={submitColor} loading={run.isPending}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Pickers of a user and a group (active ones), with "Assign to me". */
function AssigneeFields({ assignee, group, onAssignee, onGroup, errors }: { assignee: string | null; group: string | null; onAssignee: (v: string | null) => void; onGroup: (v: string | null) => void; errors: Record<string, string | undefined> }) {
  const users = useAllUsers();
  const groups = useAllGroups();
  const { data: me } = useMe();
  const userData = (users.data ?? []).filter((u) => u.active).map((u) => ({ value: String(u.id), label: u.name }));
  const groupData = (groups.data ?? []).filter((g) => g.active).map((g) => ({ value: String(g.id), label: g.name }));
  return (
    <>
      <Group align="flex-end" gap="xs" wrap="nowrap">
        <Select label="Assignee" placeholder="Nobody" data={userData} value={assignee} onChange={onAssignee} searchable clearable allowDeselect={false} style={{ flex: 1 }} error={errors.assigneeId} comboboxProps={{ withinPortal: true }} />
        {me && assignee !== String(me.id) && (
          <Button variant="light" onClick={() => onAssignee(String(me.id))} mb={errors.assigneeId ? 22 : 0}>
            Assign to me
          </Button>
        )}
      </Group>
      <Select label="Assignment group" placeholder="No group" data={groupData} value={group} onChange={onGroup} searchable clearable allowDeselect={false} error={errors.assignmentGroupId} comboboxProps={{ withinPortal: true }} />
    </>
  );
}

const idOrNull = (v: string | null) => (v ? Number(v) : null);
const str = (v: number | null) => (v === null ? null : String(v));

export function AssignDialog({ opened, onClose, kase, run }: DialogProps) {
  const [assignee, setAssignee] = useState(str(kase.assigneeId));
  const [group, setGroup] = useState(str(kase.assignmentGroupId));
  const [local, setLocal] = useState<string | null>(null);
  const errors = actionFieldErrors(run.error);
  return (
    <ActionDialog
      opened={opened}
      onClose={onClose}
      title={`Assign ${kase.number}`}
      fields={['assigneeId', 'assignmentGroupId']}
      submitLabel="Assign"
      run={run}
      build={() => {
        const body: Record<string, unknown> = {};
        if (idOrNull(assignee) !== kase.assigneeId) body.assigneeId = idOrNull(assignee);
        if (idOrNull(group) !== kase.assignmentGroupId) body.assignmentGroupId = idOrNull(group);
        if (Object.keys(body).length === 0) {
          setLocal('Choose another assignee or group.');
          return null;
        }
        return { action: 'assign', body };
      }}
      extraError={local && <Text size="sm" c="red">{local}</Text>}
    >
      <AssigneeFields assignee={assignee} group={group} onAssignee={(v) => (setAssignee(v), setLocal(null))} onGroup={(v) => (setGroup(v), setLocal(null))} errors={errors} />
    </ActionDialog>
  );
}

export function EscalateDialog({ opened, onClose, kase, run }: DialogProps) {
  const [assignee, setAssignee] = useState<string | null>(null);
  const [group, setGroup] = useState(str(kase.assignmentGroupId));
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<Record<string, string | undefined>>({});
  const errors = { ...actionFieldErrors(run.error), ...local };
  return (
    <ActionDialog
      opened={opened}
      onClose={onClose}
      title={`Escalate ${kase.number}`}
      fields={['assigneeId', 'assignmentGroupId', 'reason']}
      submitLabel="Escalate"
      submitColor="orange"
      run={run}
      build={() => {
        const problems: Record<string, string | undefined> = {};
        if (!assignee && !group) problems.assigneeId = 'Choose who takes it over: a person, a group, or both';
        if (!reason.trim()) problems.reason = 'Say why the case is escalated';
        setLocal(problems);
        if (Object.keys(problems).length) return null;
        const body: Record<string, unknown> = { reason: reason.trim() };
        if (assignee) body.assigneeId = Number(assignee);
        if (group) body.assignmentGroupId = Number(group);
        return { action: 'escalate', body };
      }}
    >
      <Text size="sm" c="dimmed">
        Hands the case to another person or group and raises its escalation level (now {kase.escalationLevel}). They are notified.
      </Text>
      <AssigneeFields assignee={assignee} group={group} onAssignee={setAssignee} onGroup={setGroup} errors={errors} />
      <Textarea label="Reason" required autosize minRows={3} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} />
    </ActionDialog>
  );
}

export function CancelDialog({ opened, onClose, kase, run }: DialogProps) {
  const [reason, setReason] = useState('');
  const errors = actionFieldErrors(run.error);
  return (
    <ActionDialog
      opened={opened}
      onClose={onClose}
      title={`Cancel ${kase.number}`}
      fields={['reason']}
      submitLabel="Cancel case"
      submitColor="red"
      run={run}
      build={() => ({ action: 'cancel', body: reason.trim() ? { reason: reason.trim() } : {} })}
    >
      <Text size="sm">Cancel a case opened by mistake or no longer needed. A canceled case is final: it cannot be reopened, and the contact is told.</Text>
      <Textarea label="Reason" placeholder="e.g. Opened twice by mistake" autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} data-autofocus />
    </ActionDialog>
  );
}

export function CloseDialog({ opened, onClose, kase, run }: DialogProps) {
  return (
    <ActionDialog opened={opened} onClose={onClose} title={`Close ${kase.number}`} submitLabel="Close case" run={run} fields={[]} build={() => ({ action: 'close' })}>
      <Text size="sm">A closed case is final: it can no longer be reactivated or reopened by the customer.</Text>
    </ActionDialog>
  );
}
