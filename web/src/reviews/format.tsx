import { Badge } from '@mantine/core';
import { humanize } from '../cases/format';
import { REVIEW_STATE_COLORS, REVIEW_STATE_LABELS, type ReviewState } from './reviewsApi';

export const reviewStateLabel = (s: string) => REVIEW_STATE_LABELS[s as ReviewState] ?? humanize(s);

export function ReviewStateBadge({ state, size = 'sm' }: { state: string; size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Badge size={size} radius="sm" variant="light" color={REVIEW_STATE_COLORS[state as ReviewState] ?? 'gray'} style={{ whiteSpace: 'nowrap' }}>
      {reviewStateLabel(state)}
    </Badge>
  );
}
