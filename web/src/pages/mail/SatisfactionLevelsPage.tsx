import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Center, Group, Loader, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../api';
import { PageHeader } from '../../components/ListPage';
import { mailApi, type Outcome, type SatisfactionLevel } from './mailApi';

const KEY = ['satisfaction-levels'] as const;
const COLORS = ['red', 'orange', 'yellow', 'lime', 'green'];

type Row = Pick<SatisfactionLevel, 'score' | 'label' | 'outcome'>;
const changedRows = (rows: Row[], saved: SatisfactionLevel[]) =>
  rows.filter((r) => {
    const s = saved.find((x) => x.score === r.score);
    return !s || s.label !== r.label.trim() || s.outcome !== r.outcome;
  });

/** Admin → Satisfaction levels: what each survey score is called and whether it reopens or closes the case. */
export function SatisfactionLevelsPage() {
  const qc = useQueryClient();
  const levels = useQuery({ queryKey: KEY, queryFn: async () => (await mailApi.levels()).items });
  const [rows, setRows] = useState<Row[] | null>(null);
  const [errors, setErrors] = useState<Record<number, string>>({});
  useEffect(() => {
    if (levels.data && !rows) setRows(levels.data.map(({ score, label, outcome }) => ({ score, label, outcome })));
  }, [levels.data, rows]);

  const saved = levels.data ?? [];
  const dirty = rows ? changedRows(rows, saved) : [];

  const save = useMutation({
    mutationFn: async () => {
      const failed: Record<number, string> = {};
      for (const r of dirty) {
        try {
          await mailApi.updateLevel(r.score, { label: r.label.trim(), outcome: r.outcome });
        } catch (e) {
          failed[r.score] = e instanceof ApiError ? (e.fields.find((f) => f.field === 'label')?.message ?? e.message) : errorMessage(e);
        }
      }
      return failed;
    },
    onSuccess: async (failed) => {
      setErrors(failed);
      const fresh = await qc.fetchQuery({ queryKey: KEY, queryFn: async () => (await mailApi.levels()).items, staleTime: 0 });
      // Keep what could not be saved as typed; take the rest from the server.
      setRows((prev) => fresh.map((l) => (failed[l.score] && prev ? prev.find((r) => r.score === l.score)! : { score: l.score, label: l.label, outcome: l.outcome })));
      const n = Object.keys(failed).length;
      notifications.show(n ? { color: 'red', title: 'Not all levels were saved', message: 'Check the fields marked in red.' } : { color: 'green', title: 'Satisfaction levels saved', message: 'New survey answers use them.' });
    },
  });

  const set = (score: number, patch: Partial<Row>) => {
    setRows((prev) => prev!.map((r) => (r.score === score ? { ...r, ...patch } : r)));
    setErrors((prev) => ({ ...prev, [score]: '' }));
  };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const local: Record<number, string> = {};
    for (const r of rows ?? []) if (!r.label.trim()) local[r.score] = 'Give the score a label';
    setErrors(local);
    if (Object.keys(local).length === 0 && dirty.length) save.mutate();
  };

  return (
    <>
      <PageHeader
        title="Satisfaction levels"
        description="The resolved email links a survey with five scores. Each score has the label customers see and an outcome: reopen the case (the assignee is cleared and the group told) or close it."
      />
      {levels.isPending || (!rows && !levels.isError) ? (
        <Center py="xl" role="status" aria-label="Loading">
          <Loader size="sm" />
        </Center>
      ) : levels.isError ? (
        <Alert color="red" title="Could not load the satisfaction levels">
          {errorMessage(levels.error)}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Satisfaction levels">
          <Stack gap="md" maw={760}>
            <div className="cb-table-wrap">
              <Table aria-label="Satisfaction levels" verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col" w={70}>
                      Score
                    </Table.Th>
                    <Table.Th scope="col">Label</Table.Th>
                    <Table.Th scope="col" w={290}>
                      Outcome
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows!.map((r, i) => (
                    <Table.Tr key={r.score}>
                      <Table.Td>
                        <Badge size="lg" circle variant="filled" color={COLORS[i] ?? 'indigo'} aria-label={`Score ${r.score}`}>
                          {r.score}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <TextInput aria-label={`Label of score ${r.score}`} value={r.label} maxLength={100} onChange={(e) => set(r.score, { label: e.currentTarget.value })} error={errors[r.score] || undefined} />
                      </Table.Td>
                      <Table.Td>
                        <SegmentedControl<Outcome>
                          aria-label={`Outcome of score ${r.score}`}
                          value={r.outcome}
                          onChange={(v) => set(r.score, { outcome: v })}
                          color={r.outcome === 'reopen' ? 'orange' : 'green'}
                          data={[
                            { value: 'reopen', label: 'Reopen the case' },
                            { value: 'close', label: 'Close the case' },
                          ]}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
            <Group gap="xs">
              <Button type="submit" loading={save.isPending} disabled={!dirty.length}>
                Save changes
              </Button>
              <Button variant="default" disabled={!dirty.length} onClick={() => (setRows(saved.map(({ score, label, outcome }) => ({ score, label, outcome }))), setErrors({}))}>
                Undo changes
              </Button>
              <Text size="xs" c="dimmed">
                {dirty.length ? `${dirty.length} changed` : 'No changes'}
              </Text>
            </Group>
          </Stack>
        </form>
      )}
    </>
  );
}
