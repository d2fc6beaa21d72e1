import { useEffect, useState } from 'react';
import { Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconClock, IconClockPause, IconX } from '@tabler/icons-react';
import type { CaseSla, SlaClock, SlaState } from '../casesApi';
import { formatDate } from './ListPage';
import { Details } from './RecordDrawer';

// A compact badge for an SLA clock (SPEC §5): time left or overdue, its colour by state, the
// absolute due time in a tooltip. It re-renders every 30 s so the time left stays true.

const MIN = 60_000;

/** The current time, refreshed every `everyMs` (one timer per mounted badge, cleared on unmount). */
export function useNow(everyMs = 30_000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(t);
  }, [everyMs]);
  return now;
}

/** "35 min", "2 h 10 min", "3 d 4 h"; compact drops the minutes once it is hours. */
export function formatDuration(ms: number, compact = false) {
  const total = Math.max(0, Math.round(Math.abs(ms) / MIN));
  if (total < 60) return `${total} min`;
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h < 24) return m && !compact ? `${h} h ${m} min` : `${h} h`;
  const d = Math.floor(h / 24);
  const rh = h % 24;
  return rh ? `${d} d ${rh} h` : `${d} d`;
}

const LOOK: Record<SlaState, { color: string; variant: 'light' | 'filled' | 'outline'; icon: typeof IconClock | null; words: string }> = {
  running: { color: 'blue', variant: 'light', icon: IconClock, words: 'On track' },
  at_risk: { color: 'orange', variant: 'light', icon: IconAlertTriangle, words: 'At risk' },
  breached: { color: 'red', variant: 'filled', icon: IconAlertTriangle, words: 'Breached' },
  paused: { color: 'gray', variant: 'light', icon: IconClockPause, words: 'Paused' },
  met: { color: 'green', variant: 'light', icon: IconCheck, words: 'Met' },
  missed: { color: 'red', variant: 'outline', icon: IconX, words: 'Missed' },
  none: { color: 'gray', variant: 'outline', icon: null, words: 'No SLA' },
};

export const slaStateWords = (s: SlaState) => LOOK[s].words;

/** What the badge says: time left while running, how long ago a breach happened, else the state. */
export function slaText(state: SlaState, dueAt: string | null, now: number, breachedAt?: string | null, compact = false) {
  const due = dueAt ? Date.parse(dueAt) : NaN;
  if (state === 'running' || state === 'at_risk') {
    if (Number.isNaN(due)) return LOOK[state].words;
    return due >= now ? `${formatDuration(due - now, compact)} left` : `Overdue ${formatDuration(now - due, compact)}`;
  }
  if (state === 'breached') {
    const at = !Number.isNaN(due) && due <= now ? due : breachedAt ? Date.parse(breachedAt) : NaN;
    return Number.isNaN(at) ? 'Breached' : `Breached ${formatDuration(now - at, compact)} ago`;
  }
  return LOOK[state].words;
}

interface SlaBadgeProps {
  state: SlaState;
  dueAt: string | null;
  breachedAt?: string | null;
  /** Which clock, e.g. "First response"; read by screen readers and shown in the tooltip. */
  label?: string;
  size?: 'xs' | 'sm' | 'md';
  /** Show nothing (a muted dash) instead of "No SLA". */
  quietWhenNone?: boolean;
  /** For narrow table cells: whole hours, and no icon where the words say it ("Breached 3 h ago"). */
  compact?: boolean;
}

export function SlaBadge({ state, dueAt, breachedAt, label, size = 'sm', quietWhenNone, compact }: SlaBadgeProps) {
  const now = useNow();
  if (state === 'none' && quietWhenNone) return <span className="cb-muted">—</span>;
  const look = LOOK[state];
  const text = slaText(state, dueAt, now, breachedAt, compact);
  const when = dueAt ? `${state === 'met' || state === 'missed' ? 'Was due' : 'Due'} ${formatDate(dueAt)}` : 'No due time';
  const tip = [label, state === 'running' || state === 'at_risk' ? null : look.words !== text ? look.words : null, when].filter(Boolean).join(' · ');
  const Icon = compact && state === 'breached' ? null : look.icon;
  return (
    <Tooltip label={tip} openDelay={300} withinPortal>
      <Badge
        size={size}
        radius="sm"
        color={look.color}
        variant={look.variant}
        leftSection={Icon ? <Icon size={12} aria-hidden stroke={2} /> : undefined}
        style={{ whiteSpace: 'nowrap', textTransform: 'none', fontWeight: 600, flexShrink: 0 }}
        data-sla-state={state}
      >
        {label && <span className="cb-visually-hidden">{label}: </span>}
        {text}
        {state === 'at_risk' && <span className="cb-visually-hidden"> (at risk)</span>}
      </Badge>
    </Tooltip>
  );
}

const LIVE: SlaState[] = ['running', 'at_risk', 'paused'];

function ClockLine({ clock, label, resolved }: { clock: SlaClock; label: string; resolved?: boolean }) {
  if (clock.state === 'none') return <span className="cb-muted">No deadline</span>;
  // The server keeps an unanswered first-response clock running after the case is resolved.
  if (resolved && LIVE.includes(clock.state)) return <span className="cb-muted">Stopped: resolved before a first response</span>;
  return (
    <Group gap={6} wrap="wrap">
      <SlaBadge state={clock.state} dueAt={clock.dueAt} breachedAt={clock.breachedAt} label={label} />
      {clock.dueAt && (
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {clock.state === 'met' || clock.state === 'missed' ? 'was due' : 'due'} {shortWhen(clock.dueAt)}
        </Text>
      )}
    </Group>
  );
}

/** "today 14:30", "Nov 24, 09:00", or with the year when it is another year. */
export function shortWhen(iso: string, now = new Date()) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(d);
  if (d.toDateString() === now.toDateString()) return `today ${time}`;
  const sameYear = d.getFullYear() === now.getFullYear();
  return `${new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: sameYear ? undefined : 'numeric' }).format(d)}, ${time}`;
}

/** The SLA of a case: its policy, both clocks, and since when the clock is paused. */
export function SlaSummary({ sla, resolved }: { sla: CaseSla; resolved?: boolean }) {
  if (!sla.policyName && sla.response.state === 'none' && sla.resolution.state === 'none') {
    return (
      <Text size="sm" c="dimmed">
        No SLA policy applies to this case’s priority and account tier.
      </Text>
    );
  }
  return (
    <Stack gap={4}>
      <Details
        items={[
          ['Policy', sla.policyName],
          ['First response', <ClockLine key="r" clock={sla.response} label="First response" resolved={resolved} />],
          ['Resolution', <ClockLine key="s" clock={sla.resolution} label="Resolution" resolved={resolved} />],
        ]}
      />
      {sla.pausedSince && (
        <Group gap={6} wrap="nowrap">
          <IconClockPause size={14} aria-hidden color="var(--mantine-color-gray-6)" />
          <Text size="xs" c="dimmed">
            Clock paused since {formatDate(sla.pausedSince)}; the deadlines move out when work resumes.
          </Text>
        </Group>
      )}
    </Stack>
  );
}
