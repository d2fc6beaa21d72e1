// SLA configuration (SPEC §5), following src/modules/sla/sla.service.ts.

/** Weekday ("0" = Sunday … "6" = Saturday) → working intervals like ["09:00", "17:00"]. */
export type WorkingHours = Record<string, [string, string][]>;

export interface Holiday {
  date: string;
  name: string;
}

export interface BusinessCalendar {
  id: number;
  name: string;
  timezone: string;
  workingHours: WorkingHours;
  holidays: Holiday[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface SlaPolicy {
  id: number;
  name: string;
  priority: number;
  accountTier: string | null;
  calendarId: number;
  calendarName: string;
  firstResponseMinutes: number;
  resolutionMinutes: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** Monday first, as people read a week. */
export const WEEK: { key: string; name: string; short: string }[] = [
  { key: '1', name: 'Monday', short: 'Mon' },
  { key: '2', name: 'Tuesday', short: 'Tue' },
  { key: '3', name: 'Wednesday', short: 'Wed' },
  { key: '4', name: 'Thursday', short: 'Thu' },
  { key: '5', name: 'Friday', short: 'Fri' },
  { key: '6', name: 'Saturday', short: 'Sat' },
  { key: '0', name: 'Sunday', short: 'Sun' },
];

const CLOCK = /^([01]?\d|2[0-4]):[0-5]\d$/;
const minutesOf = (t: string) => {
  const [h, m] = t.split(':').map(Number);
  return h! * 60 + m!;
};

/** What is wrong with a week of hours, or null. */
export function checkHours(w: WorkingHours): string | null {
  for (const d of WEEK) {
    for (const [from, to] of w[d.key] ?? []) {
      if (!CLOCK.test(from) || !CLOCK.test(to)) return `${d.name}: write times like 09:00`;
      if (minutesOf(to) > 24 * 60 || minutesOf(from) > 24 * 60) return `${d.name}: a day ends at 24:00`;
      if (minutesOf(to) <= minutesOf(from)) return `${d.name}: each interval must end after it starts`;
    }
  }
  if (!WEEK.some((d) => (w[d.key] ?? []).length > 0)) return 'Add working hours on at least one day';
  return null;
}

/** The hours without closed days, as the API takes them. */
export const compactHours = (w: WorkingHours): WorkingHours => Object.fromEntries(Object.entries(w).filter(([, iv]) => iv.length > 0));

/** "Mon–Fri 08:00–18:00 · Sat 09:00–12:00". */
export function hoursSummary(w: WorkingHours): string {
  const parts: string[] = [];
  let i = 0;
  while (i < WEEK.length) {
    const text = (w[WEEK[i]!.key] ?? []).map(([a, b]) => `${a}–${b}`).join(', ');
    let j = i;
    while (j + 1 < WEEK.length && (w[WEEK[j + 1]!.key] ?? []).map(([a, b]) => `${a}–${b}`).join(', ') === text) j++;
    if (text) parts.push(`${WEEK[i]!.short}${j > i ? `–${WEEK[j]!.short}` : ''} ${text}`);
    i = j + 1;
  }
  return parts.join(' · ') || 'No working hours';
}

/** 90 → "1 h 30 min" (targets are business time). */
export function targetText(minutes: number) {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ') || '0 min';
}
