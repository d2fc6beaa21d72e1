import { useState } from 'react';
import { Alert, Select, Text, Textarea } from '@mantine/core';
import { MutationDialog } from '../cases/ActionDialogs';
import { actionFieldErrors } from '../cases/useCaseAction';
import { MemberSelect } from '../components/MemberSelect';
import { useGroupOptions, useUserOptions } from '../components/useAll';
import type { User } from '../api';
import type { ReviewValues } from './reviewForm';
import type { Review } from './reviewsApi';
import type { ReviewActionMutation, StepInput } from './useReviewAction';

// The review actions that need input: Request approval (who approves), Approve (an optional
// comment) and Suggest changes (a required work note).

interface Props {
  review: Review;
  run: ReviewActionMutation;
  onClose: () => void;
}

const mayApprove = (u: User) => u.roles.includes('manager') || u.roles.includes('admin');

/** Approval group and users pickers, shared by the form and the Request approval dialog. */
export function ApproverFields({ groupId, userIds, onGroup, onUsers, errors }: { groupId: number | null; userIds: number[]; onGroup: (v: number | null) => void; onUsers: (v: number[]) => void; errors: Record<string, string | undefined> }) {
  const groups = useGroupOptions(groupId === null ? [] : [groupId]);
  // Only managers (and admins) approve; whoever requests approval is never an approver of it.
  const users = useUserOptions(userIds, mayApprove);
  return (
    <>
      <Select<number>
        label="Approval group"
        placeholder="No group"
        description="Its managers may approve (other members are not asked)."
        data={groups.options}
        value={groupId}
        onChange={(v) => onGroup(v ?? null)}
        searchable
        clearable
        error={errors.approvalGroupId}
        comboboxProps={{ withinPortal: true }}
      />
      <MemberSelect label="Approval users" noun="user" placeholder="Choose approvers" options={users.options} value={userIds} onChange={onUsers} error={errors.approvalUserIds} loading={users.query.isPending} loadFailed={users.query.isError} />
    </>
  );
}

export function RequestApprovalDialog({ review, run, onClose, values }: Props & { values: ReviewValues }) {
  const [groupId, setGroupId] = useState<number | null>(values.approvalGroupId);
  const [userIds, setUserIds] = useState<number[]>(values.approvalUserIds);
  const [local, setLocal] = useState<string | undefined>();
  const errors = { ...actionFieldErrors(run.error), ...(local ? { approvalUserIds: local } : {}) };
  return (
    <MutationDialog<StepInput>
      opened
      onClose={onClose}
      title={`Request approval of ${review.number}`}
      submitLabel="Request approval"
      run={run}
      fields={['approvalGroupId', 'approvalUserIds']}
      build={() => {
        if (groupId === null && userIds.length === 0) {
          setLocal('Choose an approval group or at least one approver');
          return null;
        }
        return { step: 'request-approval', body: { approvalGroupId: groupId, approvalUserIds: userIds } };
      }}
    >
      <Text size="sm">
        The review is locked while the approvers decide. Each approver gets an email with a link;{' '}
        {review.approvalPolicy === 'all' ? 'every approver must approve.' : 'one approval is enough.'}
      </Text>
      <ApproverFields groupId={groupId} userIds={userIds} onGroup={(v) => (setGroupId(v), setLocal(undefined))} onUsers={(v) => (setUserIds(v), setLocal(undefined))} errors={errors} />
    </MutationDialog>
  );
}

export function ApproveDialog({ review, run, onClose }: Props) {
  const [comment, setComment] = useState('');
  const errors = actionFieldErrors(run.error);
  const others = review.approvers.filter((a) => a.decision !== 'approved').length - 1;
  return (
    <MutationDialog<StepInput>
      opened
      onClose={onClose}
      title={`Approve ${review.number}`}
      submitLabel="Approve"
      submitColor="green"
      run={run}
      fields={['comment']}
      build={() => ({ step: 'approve', body: comment.trim() ? { comment: comment.trim() } : {} })}
    >
      <Text size="sm">
        {review.approvalPolicy === 'all' && others > 0
          ? `Every approver must approve: ${others} more after you.`
          : `${review.assignedToName ?? 'The assignee'} is told and can publish it to the case.`}
      </Text>
      <Textarea label="Comment" description="Optional; shown with your approval." autosize minRows={2} maxRows={8} value={comment} onChange={(e) => setComment(e.currentTarget.value)} error={errors.comment} data-autofocus />
    </MutationDialog>
  );
}

export function SuggestChangesDialog({ review, run, onClose }: Props) {
  const [note, setNote] = useState('');
  const [local, setLocal] = useState<string | undefined>();
  const errors = actionFieldErrors(run.error);
  return (
    <MutationDialog<StepInput>
      opened
      onClose={onClose}
      title={`Suggest changes to ${review.number}`}
      submitLabel="Suggest changes"
      submitColor="orange"
      run={run}
      fields={['workNote']}
      build={() => {
        if (!note.trim()) {
          setLocal('Say what should change');
          return null;
        }
        return { step: 'suggest-changes', body: { workNote: note.trim() } };
      }}
    >
      <Alert color="gray" variant="light" p="xs">
        <Text size="sm">The review goes back to in progress, and {review.assignedToName ?? 'the assignee'} is told. Your note is added to the work notes.</Text>
      </Alert>
      <Textarea
        label="Work note"
        required
        placeholder="What should change, and why"
        autosize
        minRows={4}
        maxRows={12}
        value={note}
        onChange={(e) => (setNote(e.currentTarget.value), setLocal(undefined))}
        error={local ?? errors.workNote}
        data-autofocus
      />
    </MutationDialog>
  );
}
