import { ActionIcon, Box, Button, Group, MultiSelect, Stack, Text, TextInput } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash } from '@tabler/icons-react';
import type { Stage } from '../casesApi';
import { fieldLabel } from '../cases/format';

/** Case fields a stage may require (the server's STAGE_FIELDS). */
export const STAGE_FIELDS = [
  'shortDescription',
  'description',
  'accountId',
  'contactId',
  'product',
  'assetIds',
  'priority',
  'category',
  'assigneeId',
  'assignmentGroupId',
  'queueId',
  'resolutionCode',
  'cause',
  'resolutionNotes',
] as const;

export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,59}$/;

/** What is wrong with the stages, in words, or undefined. */
export function stagesProblem(stages: Stage[]): string | undefined {
  if (stages.length === 0) return 'A process needs at least one stage';
  for (const [i, s] of stages.entries()) {
    if (!s.name.trim()) return `Stage ${i + 1}: enter a name`;
    if (!KEY_PATTERN.test(s.key)) return `Stage ${i + 1}: the key must be lower_snake_case, e.g. research`;
  }
  const keys = stages.map((s) => s.key);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  return dup ? `Stage keys must be unique: “${dup}” is used twice` : undefined;
}

const keyFrom = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^[^a-z]+/, '')
    .slice(0, 60);

interface StageEditorProps {
  value: Stage[];
  onChange: (stages: Stage[]) => void;
  error?: string;
}

/** The ordered stages of a process: name, key and required fields; add, remove, move. */
export function StageEditor({ value, onChange, error }: StageEditorProps) {
  const update = (i: number, patch: Partial<Stage>) => onChange(value.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const move = (i: number, by: number) => {
    const next = [...value];
    const [s] = next.splice(i, 1);
    next.splice(i + by, 0, s!);
    onChange(next);
  };
  const fieldData = STAGE_FIELDS.map((f) => ({ value: f, label: fieldLabel(f) }));
  const keys = value.map((s) => s.key);

  return (
    <Stack gap="xs" role="group" aria-labelledby="stages-label">
      <Group justify="space-between">
        <Text id="stages-label" size="sm" fw={500}>
          Stages
        </Text>
        <Text size="xs" c="dimmed">
          A case moves on only when its stage’s required fields are filled.
        </Text>
      </Group>
      {value.map((s, i) => {
        const name = s.name || `stage ${i + 1}`;
        const badKey = !!error && (!KEY_PATTERN.test(s.key) || keys.indexOf(s.key) !== i);
        return (
          <Box key={i} p="sm" className="cb-card" role="group" aria-label={`Stage ${i + 1}`}>
            <Group gap="xs" align="flex-start" wrap="nowrap">
              <Text size="sm" fw={600} c="dimmed" w={18} mt={30}>
                {i + 1}
              </Text>
              <Stack gap="xs" style={{ flex: 1 }}>
                <Group gap="xs" grow align="flex-start">
                  <TextInput
                    label={`Stage ${i + 1} name`}
                    value={s.name}
                    onChange={(e) => {
                      const name = e.currentTarget.value;
                      // A new stage's key follows its name until someone edits the key.
                      update(i, { name, ...(s.key === '' || s.key === keyFrom(s.name) ? { key: keyFrom(name) } : {}) });
                    }}
                    error={!!error && !s.name.trim()}
                  />
                  <TextInput label={`Stage ${i + 1} key`} value={s.key} onChange={(e) => update(i, { key: e.currentTarget.value })} error={badKey} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} />
                </Group>
                <MultiSelect
                  label={`Stage ${i + 1} required fields`}
                  placeholder={s.requiredFields.length ? undefined : 'None: the stage can be left at once'}
                  data={fieldData}
                  value={s.requiredFields}
                  onChange={(v) => update(i, { requiredFields: v })}
                  searchable
                  hidePickedOptions
                  comboboxProps={{ withinPortal: true }}
                />
              </Stack>
              <Stack gap={2} mt={24}>
                <ActionIcon variant="subtle" color="gray" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${name} up`}>
                  <IconArrowUp size={15} />
                </ActionIcon>
                <ActionIcon variant="subtle" color="gray" disabled={i === value.length - 1} onClick={() => move(i, 1)} aria-label={`Move ${name} down`}>
                  <IconArrowDown size={15} />
                </ActionIcon>
                <ActionIcon variant="subtle" color="red" disabled={value.length === 1} onClick={() => onChange(value.filter((_, j) => j !== i))} aria-label={`Remove ${name}`}>
                  <IconTrash size={15} />
                </ActionIcon>
              </Stack>
            </Group>
          </Box>
        );
      })}
      {error && (
        <Text size="sm" c="red" role="alert">
          {error}
        </Text>
      )}
      <Group>
        <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={() => onChange([...value, { key: '', name: '', requiredFields: [] }])} disabled={value.length >= 20}>
          Add stage
        </Button>
      </Group>
    </Stack>
  );
}
