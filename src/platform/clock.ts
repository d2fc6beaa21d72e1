// The one place the app asks for the time, so tests can move it.
let offsetMs = 0;

export const clock = {
  now(): Date {
    return new Date(Date.now() + offsetMs);
  },
  nowIso(): string {
    return new Date(Date.now() + offsetMs).toISOString();
  },
  /** Test helper: shift the clock forward (or back) by ms. */
  advance(ms: number): void {
    offsetMs += ms;
  },
  reset(): void {
    offsetMs = 0;
  },
};
