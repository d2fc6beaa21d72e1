import { Anchor, Box, Group, Stack, Text } from '@mantine/core';
import { IconLock, IconPaperclip } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { casesApi, type Case } from '../casesApi';
import { ChildCasesList } from '../major/ChildCasesList';
import { reviewInfo } from '../major/majorApi';
import { ReviewStateBadge } from '../reviews/format';
import { fileSize, When } from './format';

/** Related records: the review, the parent major case or the child cases, and the files attached. */
export function RelatedPanel({ kase }: { kase: Case }) {
  const review = reviewInfo(kase).review;
  const files = useQuery({ queryKey: ['cases', 'attachments', kase.number], queryFn: async () => (await casesApi.attachments(kase.number)).items });
  const list = files.data ?? [];
  return (
    <Box component="section" aria-labelledby="related-title" className="cb-card" p="sm">
      <Text id="related-title" fw={600} size="sm" mb={6}>
        Related records
      </Text>
      <Stack gap={8}>
        <Group gap={6}>
          <Text span c="dimmed" size="sm">
            Post case review:
          </Text>
          {review ? (
            <>
              <Anchor component={Link} to={`/reviews/${review.number}`} state={{ from: `/cases/${kase.number}` }} size="sm" fw={500}>
                {review.number}
              </Anchor>
              <ReviewStateBadge state={review.state} />
            </>
          ) : (
            <Text span size="sm" className="cb-muted">
              none
            </Text>
          )}
        </Group>
        {kase.parentNumber && (
          <Text size="sm">
            <Text span c="dimmed" size="sm">
              Parent major case:{' '}
            </Text>
            <Anchor component={Link} to={`/cases/${kase.parentNumber}`} size="sm" fw={500}>
              {kase.parentNumber}
            </Anchor>
          </Text>
        )}
        {kase.major && <ChildCasesList kase={kase} />}
        <Box>
          <Text size="sm" c="dimmed" mb={2}>
            Attachments ({list.length})
          </Text>
          {files.isPending ? (
            <Text size="xs" c="dimmed">
              Loading…
            </Text>
          ) : list.length === 0 ? (
            <Text size="xs" c="dimmed">
              No files yet. Attach them to a reply or a work note.
            </Text>
          ) : (
            <Stack gap={2} component="ul" aria-label="Attachments" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {list.map((a) => (
                <Group key={a.id} component="li" gap={6} wrap="nowrap">
                  <IconPaperclip size={13} aria-hidden color="var(--mantine-color-gray-6)" />
                  <Anchor href={casesApi.attachmentUrl(a.id)} download={a.fileName} size="sm" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                    {a.fileName}
                  </Anchor>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {fileSize(a.size)} · <When iso={a.createdAt} />
                  </Text>
                  {a.visibility === 'internal' && <IconLock size={12} aria-label="Internal" color="var(--mantine-color-yellow-8)" />}
                </Group>
              ))}
            </Stack>
          )}
        </Box>
      </Stack>
    </Box>
  );
}
