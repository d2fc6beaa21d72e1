import { Badge, Chip, Group, Input, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Truncate, When } from '../cases/format';
import { formatDate, ListTable, PageHeader, useSearchParam, type Column } from '../components/ListPage';
import { ReviewStateBadge } from './format';
import { REVIEW_STATE_LABELS, REVIEW_STATES, reviewsApi, type ReviewListQuery, type ReviewSummary } from './reviewsApi';

// Review lists: My reviews (assigned to me), My approvals (waiting for my decision), All reviews.

const columns: Column<ReviewSummary>[] = [
  { header: 'Number', render: (r) => r.number, width: 104 },
  {
    header: 'Short description',
    render: (r) => (
      <Group gap={6} wrap="nowrap">
        {r.major && (
          <Badge size="xs" radius="sm" color="red" variant="light" style={{ flexShrink: 0 }}>
            Major
          </Badge>
        )}
        <Truncate>{r.shortDescription}</Truncate>
      </Group>
    ),
  },
  { header: 'Case', render: (r) => r.caseNumber, width: 96 },
  { header: 'Account', render: (r) => (r.major ? <span className="cb-muted">Several</span> : <Truncate>{r.accountName}</Truncate>), width: '13%' },
  { header: 'State', render: (r) => <ReviewStateBadge state={r.state} />, width: 138 },
  { header: 'Assigned to', render: (r) => (r.assignedToName ? <Truncate>{r.assignedToName}</Truncate> : <span className="cb-muted">Nobody</span>), width: '11%' },
  { header: 'Commitment', render: (r) => (r.commitmentDate ? formatDate(r.commitmentDate).replace(/,? \d{1,2}:\d{2}.*$/, '') : <span className="cb-muted">—</span>), width: 100 },
  { header: 'Updated', render: (r) => <When iso={r.updatedAt} />, width: 92 },
];

function ReviewTable({ query, caption, empty }: { query: ReviewListQuery; caption: string; empty: { title: string; description: string } }) {
  return (
    <ListTable<ReviewSummary>
      resource="reviews"
      params={{ ...query, assignedTo: query.assignedTo === undefined ? undefined : String(query.assignedTo) }}
      columns={columns}
      hrefOf={(r) => `/reviews/${r.number}`}
      caption={caption}
      carrySearch={false}
      fixedLayout
      empty={empty}
    />
  );
}

export function MyReviewsPage() {
  return (
    <>
      <PageHeader title="My reviews" description="Post case reviews assigned to you, newest change first. Create one from a resolved case’s Actions menu." />
      <ReviewTable
        query={{ assignedTo: 'me' }}
        caption="My reviews"
        empty={{ title: 'No reviews assigned to you', description: 'Open a resolved case and choose “Create Post Case Review” in its Actions menu.' }}
      />
    </>
  );
}

export function MyApprovalsPage() {
  return (
    <>
      <PageHeader title="My approvals" description="Reviews waiting for your decision: open one to approve it or suggest changes." />
      <ReviewTable query={{ approver: 'me' }} caption="My approvals" empty={{ title: 'Nothing waits for your approval', description: 'When someone requests your approval of a review, it shows up here and you get an email.' }} />
    </>
  );
}

export function AllReviewsPage() {
  const [state, setState] = useSearchParam('state');
  const chosen = state ? state.split(',') : [];
  return (
    <>
      <PageHeader title="All reviews" description="Every post case review. Filter by state." />
      <Input.Wrapper label="State" labelElement="div" mb="sm">
        <Chip.Group multiple value={chosen} onChange={(v) => setState(REVIEW_STATES.filter((s) => v.includes(s)).join(','))}>
          <Group gap={6} role="group" aria-label="Filter by state">
            {REVIEW_STATES.map((s) => (
              <Chip key={s} value={s} size="xs" variant="outline">
                {REVIEW_STATE_LABELS[s]}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
      </Input.Wrapper>
      <ReviewTable query={{ state: state || undefined }} caption="Reviews" empty={{ title: 'No reviews', description: chosen.length ? 'No review is in the chosen states. Clear the filter to see all.' : 'Reviews are created from resolved cases.' }} />
    </>
  );
}

/** How many reviews wait for me in the navigation: approvals to decide, my reviews not yet published. */
export function useReviewCounts() {
  return useQuery({
    queryKey: ['reviews', 'counts'],
    queryFn: async () => {
      const [approvals, mine] = await Promise.all([reviewsApi.list({ approver: 'me', limit: 100 }), reviewsApi.list({ assignedTo: 'me', state: 'new,in_progress,approved', limit: 100 })]);
      return { approvals: approvals.items.length, mine: mine.items.length };
    },
    staleTime: 30_000,
    refetchInterval: 60_000,
  });
}

export function ReviewCount({ of }: { of: 'approvals' | 'mine' }) {
  const { data } = useReviewCounts();
  const n = data?.[of] ?? 0;
  if (!n) return null;
  return (
    <Badge size="sm" variant="light" color={of === 'approvals' ? 'yellow' : 'indigo'} circle={n < 10} aria-label={of === 'approvals' ? `${n} waiting for you` : `${n} open`}>
      <Text span size="xs" fw={700}>
        {n >= 100 ? '99+' : n}
      </Text>
    </Badge>
  );
}
