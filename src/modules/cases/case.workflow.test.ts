import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { assertTransition, canReopen, CASE_ACTIONS, classify, isEditable, type CaseAction, type StatusFlags } from './case.workflow.js';

const status = (key: string, flags: Partial<StatusFlags> = {}): StatusFlags => ({ key, pause: false, resolved: false, final: false, ...flags });
const DEFAULTS: Record<string, StatusFlags> = {
  new: status('new'),
  in_progress: status('in_progress'),
  waiting_for_response: status('waiting_for_response', { pause: true }),
  reopened: status('reopened'),
  resolved: status('resolved', { resolved: true }),
  closed: status('closed', { resolved: true, final: true }),
  canceled: status('canceled', { final: true }),
};

// Every (status, action) pair of the default statuses: the target status, or "409".
const EXPECTED: Record<string, Record<CaseAction, string>> = {
  new: { start: 'in_progress', assign: '=', pick: '=', escalate: '=', 'next-stage': '=', wait: '409', resolve: 'resolved', reactivate: '409', cancel: 'canceled', close: '409' },
  in_progress: { start: '409', assign: '=', pick: '=', escalate: '=', 'next-stage': '=', wait: 'waiting_for_response', resolve: 'resolved', reactivate: '409', cancel: 'canceled', close: '409' },
  waiting_for_response: { start: 'in_progress', assign: '=', pick: '=', escalate: '=', 'next-stage': '=', wait: '409', resolve: 'resolved', reactivate: '409', cancel: 'canceled', close: '409' },
  reopened: { start: 'in_progress', assign: '=', pick: '=', escalate: '=', 'next-stage': '=', wait: 'waiting_for_response', resolve: 'resolved', reactivate: '409', cancel: 'canceled', close: '409' },
  resolved: { start: '409', assign: '409', pick: '409', escalate: '409', 'next-stage': '409', wait: '409', resolve: '409', reactivate: 'in_progress', cancel: '409', close: 'closed' },
  closed: { start: '409', assign: '409', pick: '409', escalate: '409', 'next-stage': '409', wait: '409', resolve: '409', reactivate: '409', cancel: '409', close: '409' },
  canceled: { start: '409', assign: '409', pick: '409', escalate: '409', 'next-stage': '409', wait: '409', resolve: '409', reactivate: '409', cancel: '409', close: '409' },
};

describe('case workflow', () => {
  const pairs = Object.keys(DEFAULTS).flatMap((s) => CASE_ACTIONS.map((a) => [s, a] as const));
  it('covers all 70 pairs', () => expect(pairs).toHaveLength(70));

  it.each(pairs)('%s + %s', (s, action) => {
    const expected = EXPECTED[s]![action];
    if (expected === '409') {
      try {
        assertTransition(DEFAULTS[s]!, action);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        const e = err as AppError;
        expect(e.status).toBe(409);
        expect((e.details as { allowed: string[] }).allowed).not.toContain(action);
        expect(e.message).toContain('allowed');
      }
    } else {
      expect(assertTransition(DEFAULTS[s]!, action)).toBe(expected === '=' ? null : expected);
    }
  });

  it('refuses every action to a customer', () => {
    expect(() => assertTransition(DEFAULTS.new!, 'start', ['customer'])).toThrow(/roles do not allow/);
  });

  it('classifies admin-made statuses by their flags', () => {
    expect(classify(status('waiting_for_vendor', { pause: true }))).toBe('paused');
    expect(classify(status('escalated_to_engineering'))).toBe('active');
    expect(classify(status('duplicate', { resolved: true, final: true }))).toBe('final');
  });

  it('resolved and final cases are read-only', () => {
    expect(Object.entries(DEFAULTS).filter(([, s]) => isEditable(s)).map(([k]) => k)).toEqual(['new', 'in_progress', 'waiting_for_response', 'reopened']);
  });
});

describe('automatic reopening', () => {
  it.each([
    ['new', false],
    ['in_progress', false],
    ['waiting_for_response', true],
    ['reopened', false],
    ['resolved', true],
    ['closed', false],
    ['canceled', false],
  ])('%s reopens: %s', (key, expected) => {
    expect(canReopen(DEFAULTS[key]!)).toBe(expected);
  });
});
