import { useState } from 'react';
import { Alert, Badge, Button, Checkbox, CloseButton, Group, List, Loader, Modal, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconSearch } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage } from '../api';
import type { Case, CaseSummary } from '../casesApi';
import { CaseStatusBadge } from '../cases/format';
import { useStatuses } from '../cases/lookups';
import { childrenKey, majorApi } from './majorApi';
import { useChildren } from './MajorActions';

// Link child cases: search cases by number or words, choose several, link them to the major case.
// The server refuses per case (its own parent, another major case, final); those reasons are listed.

function whyNot(c: CaseSummary, major: Case, linked: Set<string>, final: boolean): string | null {
  if (c.number === major.number) return 'this case';
  if (linked.has(c.number)) return 'already linked';
  if (c.major) return 'a major case';
  if (c.parentId && c.parentId !== major.id) return 'child of another major case';
  if (final) return 'final';
  return null;
}

export function LinkChildrenDialog({ kase, onClose }: { kase: Case; onClose: () => void }) {
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 300);
  const [chosen, setChosen] = useState<CaseSummary[]>([]);
  const { data: statuses } = useStatuses();
  const children = useChildren(kase);
  const linked = new Set((children.data ?? []).map((c) => c.number));
  const results = useQuery({
    queryKey: ['cases', 'list', { q, picker: 'children' }],
    queryFn: async () => (await api.list<CaseSummary>('cases', { q, limit: 25 })).items,
    enabled: q.length > 0,
  });
  const link = useMutation({
    mutationFn: () => majorApi.link(kase.number, chosen.map((c) => c.number)),
    onSuccess: (res) => {
      qc.setQueryData(childrenKey(kase.number), res.items);
      void qc.invalidateQueries({ queryKey: ['cases'] });
      notifications.show({ color: 'green', title: `Linked ${chosen.length} ${chosen.length === 1 ? 'case' : 'cases'}`, message: `${kase.number} now has ${res.items.length} child cases.` });
      onClose();
    },
  });
  const problems = link.error instanceof ApiError && link.error.fields.length ? link.error.fields.map((f) => f.message) : null;
  const isChosen = (n: string) => chosen.some((c) => c.number === n);
  const toggle = (c: CaseSummary, on: boolean) => setChosen((prev) => (on ? [...prev, c] : prev.filter((x) => x.number !== c.number)));

  return (
    <Modal opened onClose={onClose} title={`Link child cases to ${kase.number}`} size={760} styles={{ title: { fontWeight: 600 } }} closeButtonProps={{ 'aria-label': 'Close dialog' }}>
      <Stack gap="sm">
        <Text size="sm">Cases of any account affected by the same incident. They can then be resolved together, and the major case’s review copied to them.</Text>
        <TextInput
          label="Find cases"
          placeholder="Case number or words, e.g. CS0001018 or “cannot reach API”"
          leftSection={<IconSearch size={15} aria-hidden />}
          rightSection={results.isFetching ? <Loader size={14} /> : undefined}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          data-autofocus
        />
        <ScrollArea.Autosize mah={300} type="auto">
          {!q ? (
            <Text size="xs" c="dimmed">
              Type to search.
            </Text>
          ) : results.isError ? (
            <Alert color="red">{errorMessage(results.error)}</Alert>
          ) : results.data?.length === 0 ? (
            <Text size="sm" c="dimmed">
              No case matches “{q}”.
            </Text>
          ) : (
            <Stack gap={2} role="group" aria-label="Search results">
              {(results.data ?? []).map((c) => {
                const reason = whyNot(c, kase, linked, !!statuses?.find((s) => s.key === c.status)?.final);
                return (
                  <Group key={c.id} gap="sm" wrap="nowrap" py={4} px={6} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
                    <Checkbox aria-label={`Choose ${c.number}`} checked={isChosen(c.number)} disabled={!!reason} onChange={(e) => toggle(c, e.currentTarget.checked)} />
                    <Text size="sm" ff="monospace" w={90}>
                      {c.number}
                    </Text>
                    <Text size="sm" truncate style={{ flex: 1 }} title={c.shortDescription}>
                      {c.shortDescription}
                    </Text>
                    <Text size="xs" c="dimmed" w={150} truncate>
                      {c.accountName ?? '—'}
                    </Text>
                    {reason ? (
                      <Badge size="sm" radius="sm" variant="outline" color="gray">
                        {reason}
                      </Badge>
                    ) : (
                      <CaseStatusBadge status={c.status} label={c.statusLabel} />
                    )}
                  </Group>
                );
              })}
            </Stack>
          )}
        </ScrollArea.Autosize>
        <Group gap={6} aria-label="Chosen cases" role="list" mih={26}>
          <Text size="sm" fw={500}>
            Chosen:
          </Text>
          {chosen.length === 0 ? (
            <Text size="sm" c="dimmed">
              none yet
            </Text>
          ) : (
            chosen.map((c) => (
              <Badge key={c.number} role="listitem" variant="light" radius="sm" rightSection={<CloseButton size="xs" iconSize={12} aria-label={`Remove ${c.number}`} onClick={() => toggle(c, false)} />}>
                {c.number} · {c.accountName ?? 'no account'}
              </Badge>
            ))
          )}
        </Group>
        {link.isError && (
          <Alert color="red" title="Not linked" role="alert">
            {problems ? (
              <List size="sm">
                {problems.map((p) => (
                  <List.Item key={p}>{p}</List.Item>
                ))}
              </List>
            ) : (
              errorMessage(link.error)
            )}
          </Alert>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            Back
          </Button>
          <Button onClick={() => link.mutate()} loading={link.isPending} disabled={chosen.length === 0}>
            Link {chosen.length || ''} {chosen.length === 1 ? 'case' : 'cases'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
