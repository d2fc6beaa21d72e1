import { useState } from 'react';
import { Alert, Anchor, Badge, Box, Button, Group, Menu, Text, Title } from '@mantine/core';
import { IconArrowBackUp, IconChevronDown, IconChevronLeft, IconCopy, IconEye, IconInfoCircle, IconLock, IconMessageCircle, IconSend, IconCheck, IconUpload } from '@tabler/icons-react';
import { Link, useLocation } from 'react-router-dom';
import { useMe } from '../auth';
import { When } from '../cases/format';
import { mayManageMajor } from '../major/majorApi';
import { CopyToChildrenDialog } from '../major/CopyToChildrenDialog';
import { PdfDialog } from './PdfFrame';
import { ReviewStateBadge } from './format';
import { ApproveDialog, RequestApprovalDialog, SuggestChangesDialog } from './ReviewDialogs';
import type { ReviewForm } from './reviewForm';
import { previewUrl, type Review } from './reviewsApi';
import { STEP_LABELS, type ReviewActionMutation, type ReviewStep } from './useReviewAction';

type Dialog = 'request-approval' | 'approve' | 'suggest-changes' | 'preview' | 'copy';

/** The next step worth a button of its own, in this order of preference. */
const PRIMARY: ReviewStep[] = ['approve', 'request-approval', 'publish'];
const ICONS: Record<ReviewStep, React.ReactNode> = {
  approve: <IconCheck size={15} />,
  'request-approval': <IconSend size={15} />,
  publish: <IconUpload size={15} />,
  'suggest-changes': <IconMessageCircle size={15} />,
  reopen: <IconArrowBackUp size={15} />,
};
/** Steps that open a dialog for their input; the others run at once. */
const WITH_DIALOG: Partial<Record<ReviewStep, Dialog>> = { 'request-approval': 'request-approval', approve: 'approve', 'suggest-changes': 'suggest-changes' };

/** Who may copy a major case's review to its children, and when (the server checks again). */
function useCanCopy(review: Review) {
  const { data: me } = useMe();
  return review.major && mayManageMajor(me?.roles) && (review.state === 'approved' || review.state === 'published');
}

export function ReviewHeader({ form, run }: { form: ReviewForm; run: ReviewActionMutation }) {
  const review = form.record!;
  const from = (useLocation().state as { from?: string } | null)?.from;
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [previewKey, setPreviewKey] = useState(0);
  const canCopy = useCanCopy(review);
  const steps = (Object.keys(STEP_LABELS) as ReviewStep[]).filter((s) => review.allowedActions.includes(s));
  const primary = PRIMARY.find((s) => steps.includes(s));
  const secondary = steps.filter((s) => s !== primary);
  const busy = (s: ReviewStep) => run.isPending && run.variables?.step === s && !dialog;

  const act = (s: ReviewStep) => {
    run.reset();
    const d = WITH_DIALOG[s];
    if (d) setDialog(d);
    else run.mutate({ step: s });
  };
  const preview = async () => {
    // The preview renders the saved record: save what was typed first.
    if (review.editable && form.dirty && !(await form.saveIfDirty())) return;
    setPreviewKey(Date.now());
    setDialog('preview');
  };
  const close = () => setDialog(null);
  const meta: [string, React.ReactNode][] = [
    ['Case', <Anchor key="c" component={Link} to={`/cases/${review.caseNumber}`} size="sm" fw={500}>{review.caseNumber}</Anchor>],
    ['Account', review.major ? <span className="cb-muted">Major case (no account data)</span> : review.accountName],
    ['Assigned to', review.assignedToName ?? <span className="cb-muted">Nobody</span>],
  ];

  return (
    <Box component="section" aria-label={`Review ${review.number}`} className="cb-review-header">
      <Anchor component={Link} to={from ?? '/reviews/mine'} size="xs" c="dimmed" style={{ display: 'inline-flex', alignItems: 'center', gap: 2 }}>
        <IconChevronLeft size={13} aria-hidden /> {!from ? 'My reviews' : from.startsWith('/cases/') ? `Back to ${from.slice(7)}` : 'Back to the list'}
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="nowrap" mt={2}>
        <Box style={{ minWidth: 0 }}>
          <Group gap={8}>
            <Text size="sm" fw={600} c="dimmed" ff="monospace">
              {review.number}
            </Text>
            <ReviewStateBadge state={review.state} size="md" />
            {review.major && (
              <Badge size="sm" radius="sm" color="red" variant="light">
                Major case review
              </Badge>
            )}
            <Text size="xs" c="dimmed">
              {review.latestDocument ? (
                <>
                  Version {review.latestDocument.version} published <When iso={review.latestDocument.publishedAt} />
                </>
              ) : (
                <>
                  Updated <When iso={review.updatedAt} />
                </>
              )}
            </Text>
            {form.dirty && (
              <Text size="xs" c="orange.8" fw={600} role="status">
                Unsaved changes
              </Text>
            )}
          </Group>
          <Title order={1} mt={2} style={{ wordBreak: 'break-word' }}>
            {review.shortDescription}
          </Title>
          <Group gap="md" mt={2}>
            {meta.map(([label, value]) => (
              <Text key={label} size="sm" c="dimmed" component="div">
                {label}:{' '}
                <Text span size="sm" c="dark" fw={500}>
                  {value ?? '—'}
                </Text>
              </Text>
            ))}
            {review.childCopies && (
              <Text size="sm" fw={600} c={review.childCopies.published === review.childCopies.children ? 'green.8' : 'orange.8'}>
                Published to {review.childCopies.published} of {review.childCopies.children} children
              </Text>
            )}
          </Group>
        </Box>
        <Group gap="xs" wrap="nowrap">
          {review.editable && (
            <Button variant="default" onClick={() => form.submit()} loading={form.saving} disabled={!form.dirty}>
              Save
            </Button>
          )}
          {primary && (
            <Button leftSection={ICONS[primary]} color={primary === 'publish' || primary === 'approve' ? 'green' : undefined} onClick={() => act(primary)} loading={busy(primary)}>
              {STEP_LABELS[primary]}
            </Button>
          )}
          <Menu position="bottom-end" width={230} withinPortal>
            <Menu.Target>
              <Button variant="default" rightSection={<IconChevronDown size={15} />} loading={run.isPending && !dialog && run.variables?.step !== primary}>
                More actions
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {review.allowedActions.includes('preview') && (
                <Menu.Item leftSection={<IconEye size={15} />} onClick={() => void preview()}>
                  Preview
                </Menu.Item>
              )}
              {secondary.map((s) => (
                <Menu.Item key={s} leftSection={ICONS[s]} onClick={() => act(s)}>
                  {STEP_LABELS[s]}
                  {WITH_DIALOG[s] ? '…' : ''}
                </Menu.Item>
              ))}
              {canCopy && (
                <Menu.Item leftSection={<IconCopy size={15} />} onClick={() => setDialog('copy')}>
                  Copy to child cases…
                </Menu.Item>
              )}
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
      {dialog === 'request-approval' && <RequestApprovalDialog review={review} run={run} onClose={close} values={form.values} />}
      {dialog === 'approve' && <ApproveDialog review={review} run={run} onClose={close} />}
      {dialog === 'suggest-changes' && <SuggestChangesDialog review={review} run={run} onClose={close} />}
      {dialog === 'copy' && <CopyToChildrenDialog review={review} onClose={close} onDone={form.adopt} />}
      <PdfDialog
        opened={dialog === 'preview'}
        onClose={close}
        title={`Preview of ${review.number}`}
        fileName={`${review.number}-preview.pdf`}
        src={`${previewUrl(review.number)}?at=${previewKey}`}
      />
    </Box>
  );
}

/** Notices above the form: closed case, locked for approval, copy of a major review, who may edit. */
export function ReviewBanners({ review }: { review: Review }) {
  const { data: me } = useMe();
  const items: { key: string; color: string; icon: React.ReactNode; title: string; text?: React.ReactNode }[] = [];
  if (review.caseClosedNotice) items.push({ key: 'closed', color: 'orange', icon: <IconInfoCircle size={18} />, title: review.caseClosedNotice, text: 'The review can still be published; its link is added to the case.' });
  if (review.state === 'awaiting_approval') {
    const mine = review.allowedActions.includes('approve');
    const waiting = review.approvers.filter((a) => a.decision === null).map((a) => a.name);
    items.push({
      key: 'locked',
      color: 'yellow',
      icon: <IconLock size={18} />,
      title: 'Locked while awaiting approval',
      text: mine
        ? 'Your decision is needed: approve it, or suggest changes with a work note.'
        : `Waiting for ${waiting.join(', ') || 'the approvers'} (${review.approvalPolicy === 'all' ? 'all must approve' : 'one approval is enough'}). Fields can't be changed meanwhile.`,
    });
  }
  if (review.sourceReviewNumber) {
    items.push({
      key: 'copy',
      color: 'blue',
      icon: <IconCopy size={18} />,
      title: `Copy of ${review.sourceReviewNumber} (major case review)`,
      text: (
        <>
          <Anchor component={Link} to={`/reviews/${review.sourceReviewNumber}`} size="sm">
            Open {review.sourceReviewNumber}
          </Anchor>
          {review.locallyEdited ? ' · Edited here since it was copied: copying again keeps these edits unless the copy overwrites them.' : ' · This document shows this case’s own account, contact and assets.'}
        </>
      ),
    });
  }
  if (!review.editable && (review.state === 'new' || review.state === 'in_progress') && review.major && !mayManageMajor(me?.roles)) {
    items.push({ key: 'major', color: 'gray', icon: <IconLock size={18} />, title: 'Read only', text: 'Managers and major issue managers work on the review of a major case.' });
  }
  if (!items.length) return null;
  return (
    <>
      {items.map((b) => (
        <Alert key={b.key} color={b.color} variant="light" icon={b.icon} title={b.title} mb="sm" p="xs" role="status" styles={{ title: { marginBottom: b.text ? 2 : 0 } }}>
          {b.text && <Text size="sm" component="div">{b.text}</Text>}
        </Alert>
      ))}
    </>
  );
}
