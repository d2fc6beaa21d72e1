import { ActionIcon, Button, Group, Input, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { WEEK, type Holiday, type WorkingHours } from './slaTypes';

// Editors of a business calendar: the weekly working hours (zero or more from–to intervals per
// weekday) and the holidays (date and name).

const timeProps = { w: 74, size: 'xs', maxLength: 5, placeholder: '09:00', styles: { input: { fontVariantNumeric: 'tabular-nums' } } } as const;

const PRESETS: { label: string; hours: WorkingHours }[] = [
  { label: 'Mon–Fri 09:00–17:00', hours: Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['09:00', '17:00']]])) },
  { label: 'Around the clock', hours: Object.fromEntries(WEEK.map((d) => [d.key, [['00:00', '24:00']]])) },
];

export function WeeklyHoursEditor({ value, onChange, error }: { value: WorkingHours; onChange: (w: WorkingHours) => void; error?: string }) {
  const setDay = (key: string, intervals: [string, string][]) => onChange({ ...value, [key]: intervals });
  const copyMonday = () => onChange({ ...value, ...Object.fromEntries(['2', '3', '4', '5'].map((d) => [d, (value['1'] ?? []).map((iv) => [...iv] as [string, string])])) });
  return (
    <Input.Wrapper label="Working hours" labelElement="div" id="working-hours" description="Local time of the calendar's time zone. A day without hours is closed; 24:00 ends a day." error={error}>
      <Stack gap={6} mt={6} role="group" aria-labelledby="working-hours-label">
        <Group gap={6}>
          {PRESETS.map((p) => (
            <Button key={p.label} size="compact-xs" variant="default" onClick={() => onChange(p.hours)}>
              {p.label}
            </Button>
          ))}
          <Button size="compact-xs" variant="default" onClick={copyMonday} disabled={!(value['1'] ?? []).length}>
            Copy Monday to Tue–Fri
          </Button>
        </Group>
        <Table verticalSpacing={4} horizontalSpacing={6} withRowBorders={false} aria-label="Working hours by weekday">
          <Table.Tbody>
            {WEEK.map((d) => {
              const iv = value[d.key] ?? [];
              return (
                <Table.Tr key={d.key} bg={iv.length ? undefined : 'gray.0'}>
                  <Table.Th scope="row" w={92} fz="sm" fw={500} style={{ verticalAlign: 'top', paddingTop: 8 }}>
                    {d.name}
                  </Table.Th>
                  <Table.Td>
                    <Group gap={10} align="center">
                      {iv.length === 0 && (
                        <Text size="xs" c="dimmed">
                          Closed
                        </Text>
                      )}
                      {iv.map(([from, to], i) => {
                        const n = iv.length > 1 ? ` ${i + 1}` : '';
                        const put = (pos: 0 | 1, t: string) => setDay(d.key, iv.map((x, j) => (j === i ? (pos === 0 ? [t, x[1]] : [x[0], t]) : x)));
                        return (
                          <Group key={i} gap={4} wrap="nowrap">
                            <TextInput {...timeProps} aria-label={`${d.name}${n} from`} value={from} onChange={(e) => put(0, e.currentTarget.value)} />
                            <Text size="xs" c="dimmed" aria-hidden>
                              –
                            </Text>
                            <TextInput {...timeProps} placeholder="17:00" aria-label={`${d.name}${n} to`} value={to} onChange={(e) => put(1, e.currentTarget.value)} />
                            <ActionIcon size="sm" variant="subtle" color="gray" aria-label={`Remove ${d.name}${n} hours`} onClick={() => setDay(d.key, iv.filter((_, j) => j !== i))}>
                              <IconX size={13} />
                            </ActionIcon>
                          </Group>
                        );
                      })}
                      {iv.length < 6 && (
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          leftSection={<IconPlus size={12} />}
                          aria-label={`Add hours on ${d.name}`}
                          onClick={() => setDay(d.key, [...iv, iv.length ? [iv[iv.length - 1]![1], '18:00'] : ['09:00', '17:00']])}
                        >
                          {iv.length ? 'Add' : 'Add hours'}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Stack>
    </Input.Wrapper>
  );
}

export function HolidaysEditor({ value, onChange, error }: { value: Holiday[]; onChange: (h: Holiday[]) => void; error?: string }) {
  const put = (i: number, h: Partial<Holiday>) => onChange(value.map((x, j) => (j === i ? { ...x, ...h } : x)));
  return (
    <Input.Wrapper label="Holidays" labelElement="div" id="holidays" description="Days without working time, whatever the weekday." error={error}>
      <Stack gap={6} mt={6} role="group" aria-labelledby="holidays-label">
        {value.length === 0 && (
          <Text size="xs" c="dimmed">
            No holidays.
          </Text>
        )}
        {value.map((h, i) => (
          <Group key={i} gap={6} wrap="nowrap">
            <TextInput type="date" size="xs" w={150} aria-label={`Holiday ${i + 1} date`} value={h.date} onChange={(e) => put(i, { date: e.currentTarget.value })} />
            <TextInput size="xs" style={{ flex: 1 }} placeholder="e.g. New Year's Day" aria-label={`Holiday ${i + 1} name`} value={h.name} onChange={(e) => put(i, { name: e.currentTarget.value })} />
            <ActionIcon size="sm" variant="subtle" color="gray" aria-label={`Remove holiday ${i + 1}`} onClick={() => onChange(value.filter((_, j) => j !== i))}>
              <IconX size={13} />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button size="compact-xs" variant="light" leftSection={<IconPlus size={12} />} onClick={() => onChange([...value, { date: '', name: '' }])}>
            Add holiday
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}
