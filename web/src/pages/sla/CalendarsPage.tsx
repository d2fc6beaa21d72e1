import { useMemo } from 'react';
import { Select, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { ListTable, NewButton, PageHeader, type Column } from '../../components/ListPage';
import { DrawerForm, DrawerLoading, RouteDrawer } from '../../components/RecordDrawer';
import { pickChanged, useRecordForm } from '../../components/useRecordForm';
import { When } from '../../cases/format';
import { useDrawerRoute, useDrawerTitle } from '../util';
import { checkHours, compactHours, hoursSummary, type BusinessCalendar, type Holiday, type WorkingHours } from './slaTypes';
import { HolidaysEditor, WeeklyHoursEditor } from './WeeklyHoursEditor';

// Admin → Business calendars: the working time SLA clocks count in (time zone, weekly hours, holidays).

const BASE = '/admin/calendars';

const today = () => new Date().toISOString().slice(0, 10);

function NextHoliday({ c }: { c: BusinessCalendar }) {
  const next = c.holidays.filter((h) => h.date >= today()).sort((a, b) => a.date.localeCompare(b.date))[0];
  return (
    <Text size="sm" truncate="end">
      {c.holidays.length}
      {next ? <Text span size="xs" c="dimmed">{` · next ${next.date} ${next.name}`}</Text> : null}
    </Text>
  );
}

const columns: Column<BusinessCalendar>[] = [
  { header: 'Name', render: (c) => c.name, width: '20%' },
  { header: 'Time zone', render: (c) => c.timezone, width: '16%' },
  { header: 'Working hours', render: (c) => <Text size="sm" truncate="end" title={hoursSummary(c.workingHours)}>{hoursSummary(c.workingHours)}</Text> },
  { header: 'Holidays', render: (c) => <NextHoliday c={c} />, width: '22%' },
  { header: 'Updated', render: (c) => <When iso={c.updatedAt} />, width: 110 },
];

export function CalendarsPage() {
  const route = useDrawerRoute(BASE);
  const title = useDrawerTitle<BusinessCalendar>('calendars', route.recordId, (c) => c.name, 'New business calendar', 'Business calendar');
  return (
    <>
      <PageHeader
        title="Business calendars"
        description="SLA clocks count working time only: the calendar's weekly hours in its time zone, minus holidays. Each SLA policy names its calendar."
        action={<NewButton to={`${BASE}/new`} label="New calendar" />}
      />
      <ListTable<BusinessCalendar>
        resource="calendars"
        params={{}}
        pageSize={null}
        columns={columns}
        hrefOf={(c) => `${BASE}/${c.id}`}
        caption="Business calendars"
        selectedId={route.selectedId}
        fixedLayout
        empty={{ title: 'No business calendars', description: 'Create one, then use it in the SLA policies.', action: <NewButton to={`${BASE}/new`} label="New calendar" /> }}
      />
      <RouteDrawer route={route} title={title} size={640}>
        {(id, onDone) => <CalendarForm id={id} onDone={onDone} />}
      </RouteDrawer>
    </>
  );
}

interface CalendarValues extends Record<string, unknown> {
  name: string;
  timezone: string;
  workingHours: WorkingHours;
  holidays: Holiday[];
}

const sortedHolidays = (h: Holiday[]) => h.map((x) => ({ date: x.date, name: x.name.trim() })).sort((a, b) => a.date.localeCompare(b.date));

function useTimezones(current: string) {
  return useMemo(() => {
    const all = new Set(Intl.supportedValuesOf('timeZone'));
    all.add('UTC');
    if (current) all.add(current);
    return [...all].sort();
  }, [current]);
}

function CalendarForm({ id, onDone }: { id: number | null; onDone: () => void }) {
  const qc = useQueryClient();
  const invalidate = () => void qc.invalidateQueries({ queryKey: ['sla-policies'] });
  const form = useRecordForm<BusinessCalendar, CalendarValues>({
    resource: 'calendars',
    id,
    noun: 'Business calendar',
    empty: { name: '', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', workingHours: {}, holidays: [] },
    fromRecord: (c) => ({ name: c.name, timezone: c.timezone, workingHours: c.workingHours, holidays: c.holidays }),
    toCreate: (v) => ({ name: v.name.trim(), timezone: v.timezone, workingHours: compactHours(v.workingHours), holidays: sortedHolidays(v.holidays) }),
    toPatch: (v, changed) => {
      const body = pickChanged(v, changed);
      if ('workingHours' in body) body.workingHours = compactHours(v.workingHours);
      if ('holidays' in body) body.holidays = sortedHolidays(v.holidays);
      return body;
    },
    validate: (v) => ({
      name: v.name.trim() ? undefined : 'Name the calendar, e.g. Business hours (Berlin)',
      timezone: v.timezone ? undefined : 'Choose the time zone',
      workingHours: checkHours(v.workingHours) ?? undefined,
      holidays: v.holidays.some((h) => !/^\d{4}-\d{2}-\d{2}$/.test(h.date)) ? 'Give every holiday a date' : undefined,
    }),
    describe: (c) => c.name,
    onCreated: () => onDone(),
    onSaved: invalidate,
  });
  const zones = useTimezones(form.values.timezone);
  if (form.loading || form.loadError) return <DrawerLoading error={form.loadError} />;
  const { values, set, errors } = form;
  return (
    <DrawerForm form={form} noun="calendar" ariaLabel={form.isNew ? 'New business calendar' : `Business calendar ${form.record?.name ?? ''}`} onDone={onDone}>
      <TextInput label="Name" required data-autofocus value={values.name} onChange={(e) => set('name', e.currentTarget.value)} error={errors.name} />
      <Select
        label="Time zone"
        required
        searchable
        allowDeselect={false}
        data={zones}
        value={values.timezone}
        onChange={(v) => v && set('timezone', v)}
        error={errors.timezone}
        limit={200}
        comboboxProps={{ withinPortal: true }}
        nothingFoundMessage="No such time zone"
        w={320}
      />
      <WeeklyHoursEditor value={values.workingHours} onChange={(w) => set('workingHours', w)} error={errors.workingHours} />
      <HolidaysEditor value={values.holidays} onChange={(h) => set('holidays', h)} error={errors.holidays} />
    </DrawerForm>
  );
}
