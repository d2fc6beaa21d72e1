import { Menu, Text } from '@mantine/core';
import { IconFileCheck, IconFilePlus } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import type { Case } from '../casesApi';
import { useStatuses } from '../cases/lookups';
import { reviewInfo } from '../major/majorApi';
import { useCreateReview } from './useCreateReview';

// The case actions menu's post case review entries: Create Post Case Review when the case allows
// it, Open the review once there is one, and (on resolved cases) why it cannot be created.

export function useReviewMenu(kase: Case) {
  const info = reviewInfo(kase);
  const { data: statuses } = useStatuses();
  const create = useCreateReview(kase.number);
  const allowed = !!info.reviewAvailability?.allowed;
  const existing = info.review?.number ?? null;
  const resolved = !!statuses?.find((s) => s.key === kase.status)?.resolved;
  const blockedReason = !allowed && !existing && resolved ? (info.reviewAvailability?.reason ?? null) : null;
  return {
    allowed,
    existing,
    blockedReason,
    any: allowed || !!existing || !!blockedReason,
    creating: create.isPending,
    create: () => create.mutate(),
    caseNumber: kase.number,
  };
}
export type ReviewMenu = ReturnType<typeof useReviewMenu>;

export function ReviewMenuItems({ menu, divider }: { menu: ReviewMenu; divider: boolean }) {
  if (!menu.any) return null;
  return (
    <>
      {divider && <Menu.Divider />}
      <Menu.Label>Post case review</Menu.Label>
      {menu.allowed && (
        <Menu.Item leftSection={<IconFilePlus size={15} />} onClick={menu.create}>
          Create Post Case Review
        </Menu.Item>
      )}
      {menu.existing && (
        <Menu.Item leftSection={<IconFileCheck size={15} />} component={Link} to={`/reviews/${menu.existing}`} state={{ from: `/cases/${menu.caseNumber}` }}>
          Open review {menu.existing}
        </Menu.Item>
      )}
      {menu.blockedReason && (
        <Menu.Item leftSection={<IconFilePlus size={15} />} disabled>
          Create Post Case Review
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'normal' }}>
            {menu.blockedReason}
          </Text>
        </Menu.Item>
      )}
    </>
  );
}
