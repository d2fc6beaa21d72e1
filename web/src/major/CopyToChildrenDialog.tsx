import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Checkbox, Group, Loader, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { errorMessage } from '../api';
import { CaseStatusBadge } from '../cases/format';
import { ReviewStateBadge } from '../reviews/format';
import { previewUrl, type Review } from '../reviews/reviewsApi';
import { childrenKey, majorApi, type CopyResult } from './majorApi';

// Copy to child cases (SPEC §8): the major case's review becomes each chosen child's review; each
// child's document is rendered with that child's account, contact and assets.

const OUTCOME: Record<CopyResult['outcome'], { label: string; color: string }> = {
  created: { label: 'Created', color: 'green' },
  updated: { label: 'Updated', color: 'blue' },
  skipped: { label: 'Skipped', color: 'gray' },
};

function Results({ items }: { items: CopyResult[] }) {
  return (
    <Table aria-label="Copy results" layout="fixed" verticalSpacing={6}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={100}>Case</Table.Th>
          <Table.Th>Account</Table.Th>
          <Table.Th w={110}>Review</Table.Th>
          <Table.Th w={90}>Outcome</Table.Th>
          <Table.Th>Published</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((r) => (
          <Table.Tr key={r.caseNumber}>
            <Table.Td>
              <Anchor component={Link} to={`/cases/${r.caseNumber}`} size="sm">
                {r.caseNumber}
              </Anchor>
            </Table.Td>
            <Table.Td>{r.accountName ?? <span className="cb-muted">—</span>}</Table.Td>
            <Table.Td>
              {r.reviewNumber ? (
                <Anchor component={Link} to={`/reviews/${r.reviewNumber}`} size="sm">
                  {r.reviewNumber}
                </Anchor>
              ) : (
                <span className="cb-muted">—</span>
              )}
            </Table.Td>
            <Table.Td>
              <Badge size="sm" radius="sm" variant="light" color={OUTCOME[r.outcome].color}>
                {OUTCOME[r.outcome].label}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{r.published ? `Version ${r.documentVersion}` : r.reason ? <Text span size="sm" c="dimmed">{r.reason}</Text> : 'Not yet'}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function CopyToChildrenDialog({ review, onClose, onDone }: { review: Review; onClose: () => void; onDone: (r: Review) => void }) {
  const qc = useQueryClient();
  const children = useQuery({ queryKey: childrenKey(review.caseNumber), queryFn: async () => (await majorApi.children(review.caseNumber)).items });
  const list = children.data ?? [];
  const [chosen, setChosen] = useState<string[] | null>(null);
  const selected = chosen ?? list.filter((c) => c.resolved).map((c) => c.number);
  const [publish, setPublish] = useState(true);
  const [overwrite, setOverwrite] = useState(false);
  const copy = useMutation({
    mutationFn: () => majorApi.copyToChildren(review.number, { caseNumbers: selected, publish, overwrite }),
    onSuccess: ({ items, review: r }) => {
      onDone(r);
      void qc.invalidateQueries({ queryKey: ['reviews'] });
      void qc.invalidateQueries({ queryKey: childrenKey(review.caseNumber) });
      qc.removeQueries({ queryKey: ['cases', 'detail'] }); // the children's forms show their new reviews
      const done = items.filter((i) => i.outcome !== 'skipped').length;
      notifications.show({ color: done ? 'green' : 'yellow', title: `Copied to ${done} of ${items.length} child cases`, message: publish ? `${items.filter((i) => i.published).length} published to their cases.` : 'The copies wait to be published.' });
    },
    onError: (e) => notifications.show({ color: 'red', title: 'Not copied', message: errorMessage(e) }),
  });
  const toggle = (n: string, on: boolean) => setChosen(on ? [...selected, n] : selected.filter((x) => x !== n));
  const all = list.length > 0 && selected.length === list.length;

  return (
    <Modal opened onClose={onClose} title={`Copy ${review.number} to child cases`} size={860} styles={{ title: { fontWeight: 600 } }} closeButtonProps={{ 'aria-label': 'Close dialog' }}>
      {copy.data ? (
        <Stack gap="md">
          <Text size="sm" role="status">
            {review.childCopies ? `Published to ${copy.data.review.childCopies?.published ?? 0} of ${copy.data.review.childCopies?.children ?? 0} children.` : ''}
          </Text>
          <Results items={copy.data.items} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => copy.reset()}>
              Copy again
            </Button>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="md">
          <Text size="sm">
            Each child gets its own review from this one. Its document shows the child’s own account, contact and assets; nothing of the other accounts.
          </Text>
          {children.isPending ? (
            <Loader size="sm" />
          ) : children.isError ? (
            <Alert color="red" title="Could not load the child cases">{errorMessage(children.error)}</Alert>
          ) : list.length === 0 ? (
            <Alert color="gray">{review.caseNumber} has no child cases. Link them on the case first.</Alert>
          ) : (
            <Table aria-label="Child cases" layout="fixed" verticalSpacing={6}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36}>
                    <Checkbox aria-label="Choose all child cases" checked={all} indeterminate={!all && selected.length > 0} onChange={(e) => setChosen(e.currentTarget.checked ? list.map((c) => c.number) : [])} />
                  </Table.Th>
                  <Table.Th w={100}>Case</Table.Th>
                  <Table.Th>Account</Table.Th>
                  <Table.Th w={130}>Status</Table.Th>
                  <Table.Th w={200}>Its review</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((c) => (
                  <Table.Tr key={c.number}>
                    <Table.Td>
                      <Checkbox aria-label={`Copy to ${c.number} (${c.accountName ?? 'no account'})`} checked={selected.includes(c.number)} onChange={(e) => toggle(c.number, e.currentTarget.checked)} />
                    </Table.Td>
                    <Table.Td>{c.number}</Table.Td>
                    <Table.Td>
                      <Text size="sm" truncate title={c.accountName ?? ''}>
                        {c.accountName ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <CaseStatusBadge status={c.status} label={c.statusLabel} />
                    </Table.Td>
                    <Table.Td>
                      {c.reviewNumber ? (
                        <Group gap={6} wrap="nowrap">
                          <ReviewStateBadge state={c.reviewState ?? ''} />
                          <Anchor href={previewUrl(c.reviewNumber)} target="_blank" rel="noopener" size="xs" aria-label={`Preview ${c.reviewNumber} of ${c.number}`}>
                            Preview
                          </Anchor>
                        </Group>
                      ) : (
                        <span className="cb-muted">No review yet</span>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {list.some((c) => !c.resolved) && (
            <Text size="xs" c="dimmed">
              Cases not yet resolved are skipped; resolve them with the major case first.
            </Text>
          )}
          <Stack gap={6}>
            <Checkbox label="Publish right away" description="Each copy is published to its case; customers see it if the review is customer-visible." checked={publish} onChange={(e) => setPublish(e.currentTarget.checked)} />
            <Checkbox label="Overwrite locally edited copies" description="Copies changed on the child since the last copy are skipped unless this is on." checked={overwrite} onChange={(e) => setOverwrite(e.currentTarget.checked)} />
          </Stack>
          {copy.isError && (
            <Alert color="red" title="Not copied" role="alert">
              {errorMessage(copy.error)}
            </Alert>
          )}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose}>
              Back
            </Button>
            <Button onClick={() => copy.mutate()} loading={copy.isPending} disabled={selected.length === 0}>
              Copy to {selected.length} {selected.length === 1 ? 'case' : 'cases'}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
