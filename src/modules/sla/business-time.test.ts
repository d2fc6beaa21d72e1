import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessTimeBetween, parseClock, type Calendar } from './business-time.js';

// Hand-computed expectations. November 2026: Berlin is UTC+1, New York UTC−5. 2026-11-23 is a
// Monday. DST: Europe forward 29 Mar, back 25 Oct; US back 1 Nov.
const H = 3_600_000;
const M = 60_000;
const weekdays = (intervals: [string, string][]) =>
  Object.fromEntries([1, 2, 3, 4, 5].map((d) => [d, intervals.map(([a, b]) => [parseClock(a), parseClock(b)] as [number, number])]));
const berlin: Calendar = { timezone: 'Europe/Berlin', week: weekdays([['09:00', '17:00']]), holidays: new Set(['2026-12-25', '2026-12-26']) };
const newYork: Calendar = { timezone: 'America/New_York', week: weekdays([['09:00', '12:00'], ['13:00', '17:00']]), holidays: new Set() };
const allDay = (tz: string): Calendar => ({ timezone: tz, week: Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((d) => [d, [[0, 1440]]])), holidays: new Set() });

const add = (cal: Calendar, start: string, ms: number) => addBusinessTime(new Date(start), ms, cal).toISOString();
const between = (cal: Calendar, a: string, b: string) => businessTimeBetween(new Date(a), new Date(b), cal);

describe('adding business time', () => {
  it.each([
    ['within the day', berlin, '2026-11-23T09:00:00Z', 2 * H, '2026-11-23T11:00:00.000Z'],
    ['across the night', berlin, '2026-11-23T15:00:00Z', 2 * H, '2026-11-24T09:00:00.000Z'],
    ['start before working hours', berlin, '2026-11-23T05:00:00Z', 1 * H, '2026-11-23T09:00:00.000Z'],
    ['start after working hours', berlin, '2026-11-23T19:00:00Z', 30 * M, '2026-11-24T08:30:00.000Z'],
    ['Friday afternoon over the weekend', berlin, '2026-11-27T15:30:00Z', 1 * H, '2026-11-30T08:30:00.000Z'],
    ['start on Saturday', berlin, '2026-11-28T11:00:00Z', 1 * H, '2026-11-30T09:00:00.000Z'],
    ['exactly one working day ends at close', berlin, '2026-11-23T08:00:00Z', 8 * H, '2026-11-23T16:00:00.000Z'],
    ['a working week', berlin, '2026-11-23T08:00:00Z', 40 * H, '2026-11-27T16:00:00.000Z'],
    ['two working weeks', berlin, '2026-11-23T08:00:00Z', 80 * H, '2026-12-04T16:00:00.000Z'],
    ['over Christmas holidays and the weekend', berlin, '2026-12-24T15:00:00Z', 2 * H, '2026-12-28T09:00:00.000Z'],
    ['one minute after closing', berlin, '2026-11-23T16:00:00Z', 1 * M, '2026-11-24T08:01:00.000Z'],
    ['spring DST weekend (CET → CEST)', berlin, '2026-03-27T15:00:00Z', 2 * H, '2026-03-30T08:00:00.000Z'],
    ['autumn DST weekend (CEST → CET)', berlin, '2026-10-23T14:00:00Z', 2 * H, '2026-10-26T09:00:00.000Z'],
    ['24×7 over midnight', allDay('UTC'), '2026-11-28T22:00:00Z', 4 * H, '2026-11-29T02:00:00.000Z'],
    ['24×7 across the spring DST night counts real hours', allDay('Europe/Berlin'), '2026-03-28T21:00:00Z', 6 * H, '2026-03-29T03:00:00.000Z'],
    ['split shift skips lunch', newYork, '2026-11-23T16:00:00Z', 2 * H, '2026-11-23T19:00:00.000Z'],
    ['US DST weekend (EDT → EST)', newYork, '2026-10-30T20:00:00Z', 2 * H, '2026-11-02T15:00:00.000Z'],
    ['zero duration is the start', berlin, '2026-11-28T11:00:00Z', 0, '2026-11-28T11:00:00.000Z'],
  ])('%s', (_name, cal, start, ms, expected) => {
    expect(add(cal, start, ms)).toBe(expected);
  });
});

describe('business time between two instants', () => {
  it.each([
    ['across one night', berlin, '2026-11-23T09:00:00Z', '2026-11-24T10:00:00Z', 9 * H],
    ['across a weekend', berlin, '2026-11-27T14:00:00Z', '2026-11-30T09:00:00Z', 3 * H],
    ['end before start', berlin, '2026-11-24T10:00:00Z', '2026-11-23T10:00:00Z', 0],
    ['inside a holiday', berlin, '2026-12-25T09:00:00Z', '2026-12-25T11:00:00Z', 0],
    ['a pause over the weekend (Fri 16:00 → Mon 09:30 local)', berlin, '2026-11-27T15:00:00Z', '2026-11-30T08:30:00Z', 1.5 * H],
    ['a pause entirely at night', berlin, '2026-11-23T19:00:00Z', '2026-11-24T06:00:00Z', 0],
    ['split shift counts only worked hours', newYork, '2026-11-23T14:00:00Z', '2026-11-23T22:00:00Z', 7 * H],
  ])('%s', (_name, cal, a, b, expected) => {
    expect(between(cal, a, b)).toBe(expected);
  });
});

describe('SLA scenarios', () => {
  it('a pause spanning the night pushes the deadline by the paused business time', () => {
    // Opened Mon 10:00 local, 8 h resolution target; waiting for the customer Mon 14:00 → Tue 09:00 local.
    const opened = '2026-11-23T09:00:00Z';
    const paused = between(berlin, '2026-11-23T13:00:00Z', '2026-11-24T08:00:00Z');
    expect(paused).toBe(3 * H);
    expect(add(berlin, opened, 8 * H + paused)).toBe('2026-11-24T12:00:00.000Z'); // Tue 13:00 local
  });

  it('a priority change recomputes from the opening time with the new policy', () => {
    const opened = '2026-11-23T08:00:00Z'; // Mon 09:00 local
    expect(add(berlin, opened, 24 * H)).toBe('2026-11-25T16:00:00.000Z'); // P3: three working days
    expect(add(allDay('Europe/Berlin'), opened, 4 * H)).toBe('2026-11-23T12:00:00.000Z'); // P1: 4 h around the clock
  });

  it('a calendar without working hours is refused', () => {
    expect(() => addBusinessTime(new Date(), H, { timezone: 'UTC', week: {}, holidays: new Set() })).toThrow(/no working hours/);
  });
});
