// Business-time arithmetic for SLA clocks (SPEC §5): weekly working hours in a calendar's own
// timezone (DST included), minus holidays. Pure functions; no I/O, no clock.

export interface Calendar {
  timezone: string;
  /** Working intervals per weekday (0 = Sunday … 6 = Saturday), minutes after local midnight. */
  week: Record<number, [number, number][]>;
  /** Local dates that are not worked, 'YYYY-MM-DD'. */
  holidays: ReadonlySet<string>;
}

const DAY_MS = 86_400_000;
const MAX_DAYS = 3 * 366;

const partsFormatter = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = partsFormatter.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    partsFormatter.set(tz, f);
  }
  return f;
}

/** The calendar-local date and time of an instant. */
export function localParts(utcMs: number, tz: string) {
  const p: Record<string, number> = {};
  for (const { type, value } of formatter(tz).formatToParts(new Date(utcMs))) if (type !== 'literal') p[type] = Number(value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second! };
}

/** Offset of local time from UTC at an instant, in ms. */
function offsetMs(utcMs: number, tz: string): number {
  const l = localParts(utcMs, tz);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - Math.floor(utcMs / 1000) * 1000;
}

/** The instant a local wall time happens (the later reading during a DST gap, the first in an overlap). */
export function zonedToUtc(year: number, month: number, day: number, minutes: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, day) + minutes * 60_000;
  let utc = wall - offsetMs(wall, tz);
  const second = wall - offsetMs(utc, tz);
  if (second !== utc) utc = Math.min(utc, second);
  return utc;
}

const isoDate = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** Working intervals of one local date as UTC instants. */
function intervalsOf(cal: Calendar, y: number, m: number, d: number): [number, number][] {
  if (cal.holidays.has(isoDate(y, m, d))) return [];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return (cal.week[weekday] ?? []).map(([a, b]) => [zonedToUtc(y, m, d, a, cal.timezone), zonedToUtc(y, m, d, b, cal.timezone)]);
}

/** Local dates from the one containing `fromMs` onwards. */
function* localDates(fromMs: number, tz: string) {
  const l = localParts(fromMs, tz);
  let day = Date.UTC(l.year, l.month - 1, l.day);
  for (let i = 0; i < MAX_DAYS; i++, day += DAY_MS) {
    const dt = new Date(day);
    yield [dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate()] as const;
  }
}

export function hasWorkingTime(cal: Calendar): boolean {
  return Object.values(cal.week).some((iv) => iv.some(([a, b]) => b > a));
}

/** A target further away than the calendar's horizon (three years of its dates). */
export class BeyondHorizonError extends Error {
  constructor() {
    super('No working time within three years of the start');
    this.name = 'BeyondHorizonError';
  }
}

/** The instant `durationMs` of business time after `start` (BeyondHorizonError past three years). */
export function addBusinessTime(start: Date, durationMs: number, cal: Calendar): Date {
  if (durationMs <= 0) return new Date(start);
  if (!hasWorkingTime(cal)) throw new Error('The calendar has no working hours');
  let remaining = durationMs;
  const from = start.getTime();
  for (const [y, m, d] of localDates(from, cal.timezone)) {
    for (const [a, b] of intervalsOf(cal, y, m, d)) {
      const s = Math.max(a, from);
      if (s >= b) continue;
      if (remaining <= b - s) return new Date(s + remaining);
      remaining -= b - s;
    }
  }
  throw new BeyondHorizonError();
}

/** Business time between two instants (0 when end ≤ start). */
export function businessTimeBetween(start: Date, end: Date, cal: Calendar): number {
  const from = start.getTime();
  const to = end.getTime();
  if (to <= from) return 0;
  let total = 0;
  for (const [y, m, d] of localDates(from, cal.timezone)) {
    const dayStart = zonedToUtc(y, m, d, 0, cal.timezone);
    if (dayStart >= to) break;
    for (const [a, b] of intervalsOf(cal, y, m, d)) total += Math.max(0, Math.min(b, to) - Math.max(a, from));
  }
  return total;
}

/** "09:00" → 540. */
export function parseClock(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) throw new Error(`not a time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}
