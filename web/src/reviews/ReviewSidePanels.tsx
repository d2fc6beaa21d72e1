import type { ReactNode } from 'react';
import { Anchor, Badge, Box, Group, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { IconFileTypePdf } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { When } from '../cases/format';
import { formatDate } from '../components/ListPage';
import { MemberSelect } from '../components/MemberSelect';
import { Details } from '../components/RecordDrawer';
import { useGroupOptions, useUserOptions } from '../components/useAll';
import { ApproverFields } from './ReviewDialogs';
import type { ReviewForm } from './reviewForm';
import { documentUrl, reviewsApi, type Approver, type Review } from './reviewsApi';

// The side of the review form: assignment, approval (when the configuration has it), and
// publication (customer visibility, document versions).

export function Panel({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  const id = `panel-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <Box component="section" aria-labelledby={id} className="cb-card" p="sm">
      <Group justify="space-between" mb={8}>
        <Text id={id} fw={600} size="sm">
          {title}
        </Text>
        {action}
      </Group>
      <Stack gap="sm">{children}</Stack>
    </Box>
  );
}

const names = (options: { value: number; label: string }[], ids: number[]) =>
  ids.map((id) => options.find((o) => o.value === id)?.label.replace(/ \([^)]*\)$/, '') ?? `User #${id}`).join(', ');

function AssignmentPanel({ form }: { form: ReviewForm }) {
  const review = form.record!;
  const { values, set, errors } = form;
  const users = useUserOptions([...new Set([...(values.assignedToId ? [values.assignedToId] : []), ...values.workNotesList])]);
  const groups = useGroupOptions(values.assignmentGroupId ? [values.assignmentGroupId] : []);
  if (!review.editable) {
    return (
      <Panel title="Assignment">
        <Details
          items={[
            ['Assigned to', review.assignedToName],
            ['Assignment group', review.assignmentGroupName],
            ['Commitment date', review.commitmentDate ? formatDate(review.commitmentDate).replace(/,? \d{1,2}:\d{2}.*$/, '') : null],
            ['Work notes list', names(users.options, review.workNotesList)],
          ]}
        />
      </Panel>
    );
  }
  return (
    <Panel title="Assignment">
      <Select<number> label="Assigned to" placeholder="Nobody" data={users.options} value={values.assignedToId} onChange={(v) => set('assignedToId', v ?? null)} searchable clearable error={errors.assignedToId} comboboxProps={{ withinPortal: true }} />
      <Select<number> label="Assignment group" placeholder="No group" data={groups.options} value={values.assignmentGroupId} onChange={(v) => set('assignmentGroupId', v ?? null)} searchable clearable error={errors.assignmentGroupId} comboboxProps={{ withinPortal: true }} />
      <TextInput type="date" label="Commitment date" description="When the review is expected to be done." value={values.commitmentDate} onChange={(e) => set('commitmentDate', e.currentTarget.value)} error={errors.commitmentDate} />
      <MemberSelect
        label="Work notes list"
        noun="user"
        placeholder="Who is told of work notes"
        description="They are notified when a work note is added."
        options={users.options}
        value={values.workNotesList}
        onChange={(v) => set('workNotesList', v)}
        error={errors.workNotesList}
        loading={users.query.isPending}
        loadFailed={users.query.isError}
      />
    </Panel>
  );
}

const DECISION: Record<NonNullable<Approver['decision']>, { label: string; color: string }> = {
  approved: { label: 'Approved', color: 'green' },
  changes_suggested: { label: 'Changes suggested', color: 'orange' },
};

function Approvers({ review }: { review: Review }) {
  if (!review.approvers.length) {
    return (
      <Text size="xs" c="dimmed">
        No approval requested yet.
      </Text>
    );
  }
  return (
    <Stack gap={6} component="ul" aria-label="Approvals" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {review.approvers.map((a) => (
        <Box component="li" key={a.userId}>
          <Group gap={6} justify="space-between" wrap="nowrap">
            <Text size="sm" fw={500}>
              {a.name}
            </Text>
            {a.decision ? (
              <Badge size="sm" radius="sm" variant="light" color={DECISION[a.decision].color}>
                {DECISION[a.decision].label}
              </Badge>
            ) : (
              <Badge size="sm" radius="sm" variant="outline" color="gray">
                {review.state === 'awaiting_approval' ? 'Waiting' : 'No decision'}
              </Badge>
            )}
          </Group>
          {a.at && (
            <Text size="xs" c="dimmed">
              <When iso={a.at} />
            </Text>
          )}
          {a.comment && (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} className="cb-entry-note" px={6} py={2} mt={2}>
              {a.comment}
            </Text>
          )}
        </Box>
      ))}
    </Stack>
  );
}

function ApprovalPanel({ form }: { form: ReviewForm }) {
  const review = form.record!;
  const { values, set, errors } = form;
  const users = useUserOptions(review.approvalUserIds);
  return (
    <Panel title="Approval" action={<Text size="xs" c="dimmed">{review.approvalPolicy === 'all' ? 'All must approve' : 'One approval is enough'}</Text>}>
      {review.editable ? (
        <ApproverFields groupId={values.approvalGroupId} userIds={values.approvalUserIds} onGroup={(v) => set('approvalGroupId', v)} onUsers={(v) => set('approvalUserIds', v)} errors={errors} />
      ) : (
        <Details
          items={[
            ['Approval group', review.approvalGroupName],
            ['Approval users', names(users.options, review.approvalUserIds)],
          ]}
        />
      )}
      <Box>
        <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={4} style={{ letterSpacing: 0.4 }}>
          {review.approvalRound > 1 ? `Round ${review.approvalRound}` : 'Decisions'}
        </Text>
        <Approvers review={review} />
      </Box>
    </Panel>
  );
}

function Documents({ review }: { review: Review }) {
  const docs = useQuery({ queryKey: ['reviews', 'documents', review.number, review.documentCount], queryFn: async () => (await reviewsApi.documents(review.number)).items });
  if (review.documentCount === 0) {
    return (
      <Text size="xs" c="dimmed">
        Not published yet. Publishing stores a PDF version and links it on the case.
      </Text>
    );
  }
  return (
    <Stack gap={6} component="ul" aria-label="Document versions" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {(docs.data ?? []).map((d) => (
        <Group key={d.id} component="li" gap={8} wrap="nowrap" align="flex-start">
          <IconFileTypePdf size={18} aria-hidden color="var(--mantine-color-red-7)" style={{ marginTop: 2 }} />
          <Box style={{ minWidth: 0, flex: 1 }}>
            <Group gap={6}>
              <Anchor href={documentUrl(d.id)} target="_blank" rel="noopener" size="sm" fw={500}>
                Version {d.version}
              </Anchor>
              <Badge size="xs" radius="sm" variant="light" color={d.customerVisible ? 'green' : 'gray'}>
                {d.customerVisible ? 'Customer-visible' : 'Internal'}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed">
              {formatDate(d.publishedAt)} · {d.publishedByName ?? 'Casebook'}
            </Text>
          </Box>
        </Group>
      ))}
    </Stack>
  );
}

function PublicationPanel({ form }: { form: ReviewForm }) {
  const review = form.record!;
  return (
    <Panel title="Publication">
      <Switch
        label="Customer visible"
        description={form.values.customerVisible ? 'Published versions show on the customer portal.' : 'Published versions stay internal (a work note on the case).'}
        checked={form.values.customerVisible}
        onChange={(e) => form.set('customerVisible', e.currentTarget.checked)}
        disabled={!review.editable}
        error={form.errors.customerVisible}
      />
      <Box>
        <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={4} style={{ letterSpacing: 0.4 }}>
          Document versions
        </Text>
        <Documents review={review} />
      </Box>
    </Panel>
  );
}

export function ReviewSidePanels({ form }: { form: ReviewForm }) {
  const review = form.record!;
  return (
    <Stack gap="md">
      {(review.approvalRequired || review.approvers.length > 0) && <ApprovalPanel form={form} />}
      <PublicationPanel form={form} />
      <AssignmentPanel form={form} />
    </Stack>
  );
}
