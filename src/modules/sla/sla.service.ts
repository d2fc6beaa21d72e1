import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { CalendarsTable, CasesTable, DB, SlaPoliciesTable } from '../../db/schema.js';
import type { Principal } from '../../platform/access.js';
import { yieldToRequests } from '../../platform/background.js';
import { clock } from '../../platform/clock.js';
import { badRequest, notFound, rethrowUnique, AppError } from '../../platform/errors.js';
import { text } from '../../platform/http.js';
import { auditCreate, updateVersioned } from '../../platform/records.js';
import { groupMemberIds, notifyUsers } from '../notifications/notifications.service.js';
import { addBusinessTime, BeyondHorizonError, businessTimeBetween, hasWorkingTime, parseClock, type Calendar } from './business-time.js';

// SLA clocks (SPEC §5). A case's due times are computed from its opening time in its policy's
// business calendar, plus the business time it spent paused; while its status pauses the clock,
// the pause start is kept, and on resuming the due times move out by the paused business time.

type CaseRow = Selectable<CasesTable>;
type PolicyRow = Selectable<SlaPoliciesTable>;
type CalendarRow = Selectable<CalendarsTable>;

const MIN = 60_000;

// ---- calendars and policies

const clockText = z.string().regex(/^([01]?\d|2[0-4]):[0-5]\d$/, 'must be a time like 09:00');
const workingHours = z
  .partialRecord(z.enum(['0', '1', '2', '3', '4', '5', '6']), z.array(z.tuple([clockText, clockText])).max(6))
  .refine((w) => Object.values(w).every((iv) => iv.every(([a, b]) => parseClock(b) > parseClock(a))), 'each interval must end after it starts')
  .refine((w) => Object.values(w).some((iv) => iv.length > 0), 'a calendar needs working hours on at least one day');
const timezone = z.string().max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA timezone like Europe/Berlin');
const holidays = z.array(z.object({ date: z.iso.date('must be a date like 2026-12-25'), name: z.string().trim().max(100) })).max(400);

export const calendarSchema = z.object({
  id: z.number(),
  name: z.string(),
  timezone: z.string(),
  workingHours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
  holidays: z.array(z.object({ date: z.string(), name: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export const createCalendarBody = z.strictObject({ name: text(200), timezone, workingHours, holidays: holidays.optional() });
export const updateCalendarBody = z.strictObject({ name: text(200).optional(), timezone: timezone.optional(), workingHours: workingHours.optional(), holidays: holidays.optional() });

export const policySchema = z.object({
  id: z.number(),
  name: z.string(),
  priority: z.number(),
  accountTier: z.string().nullable(),
  calendarId: z.number(),
  calendarName: z.string(),
  firstResponseMinutes: z.number(),
  resolutionMinutes: z.number(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
const minutes = z.number().int().min(1).max(60 * 24 * 365);
export const createPolicyBody = z.strictObject({
  name: text(200),
  priority: z.number().int().min(1).max(4),
  accountTier: z.string().trim().max(40).nullable().optional(),
  calendarId: z.number().int().positive(),
  firstResponseMinutes: minutes,
  resolutionMinutes: minutes,
  active: z.boolean().optional(),
});
export const updatePolicyBody = createPolicyBody.partial();

const calendarDto = (r: CalendarRow) => ({
  id: r.id,
  name: r.name,
  timezone: r.timezone,
  workingHours: JSON.parse(r.working_hours) as Record<string, [string, string][]>,
  holidays: JSON.parse(r.holidays) as { date: string; name: string }[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

export function toCalendar(r: Pick<CalendarRow, 'timezone' | 'working_hours' | 'holidays'>): Calendar {
  const hours = JSON.parse(r.working_hours) as Record<string, [string, string][]>;
  return {
    timezone: r.timezone,
    week: Object.fromEntries(Object.entries(hours).map(([d, iv]) => [Number(d), iv.map(([a, b]) => [parseClock(a), parseClock(b)] as [number, number])])),
    holidays: new Set((JSON.parse(r.holidays) as { date: string }[]).map((h) => h.date)),
  };
}

export async function listCalendars(db: Kysely<DB>) {
  return (await db.selectFrom('calendars').selectAll().orderBy('name').execute()).map(calendarDto);
}
export async function getCalendar(db: Kysely<DB>, id: number) {
  const r = await db.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound(`Calendar ${id}`);
  return calendarDto(r);
}
export async function createCalendar(db: Kysely<DB>, actor: Principal, input: z.infer<typeof createCalendarBody>) {
  const id = await db
    .transaction()
    .execute(async (trx) => {
      const now = clock.nowIso();
      const values = { name: input.name, timezone: input.timezone, working_hours: JSON.stringify(input.workingHours), holidays: JSON.stringify(input.holidays ?? []) };
      const row = await trx.insertInto('calendars').values({ ...values, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
      await auditCreate(trx, actor, 'calendar', row.id, values);
      return row.id;
    })
    .catch((err) => rethrowUnique(err, 'name', `A calendar named ${input.name} already exists`));
  return getCalendar(db, id);
}
export async function updateCalendar(db: Kysely<DB>, actor: Principal, id: number, input: z.infer<typeof updateCalendarBody>, expected: number | undefined) {
  await db
    .transaction()
    .execute(async (trx) => {
      const before = await trx.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw notFound(`Calendar ${id}`);
      await updateVersioned(trx, {
        table: 'calendars',
        entity: 'calendar',
        before,
        changes: {
          name: input.name,
          timezone: input.timezone,
          working_hours: input.workingHours ? JSON.stringify(input.workingHours) : undefined,
          holidays: input.holidays ? JSON.stringify(input.holidays) : undefined,
        },
        expected,
        actor,
      });
    })
    .catch((err) => {
      if (err instanceof AppError) throw err;
      rethrowUnique(err, 'name', `A calendar named ${input.name} already exists`);
    });
  return getCalendar(db, id);
}

const policies = (db: Kysely<DB>) => db.selectFrom('sla_policies').innerJoin('calendars', 'calendars.id', 'sla_policies.calendar_id').selectAll('sla_policies').select('calendars.name as calendar_name');
const policyDto = (r: PolicyRow & { calendar_name: string }) => ({
  id: r.id,
  name: r.name,
  priority: r.priority,
  accountTier: r.account_tier,
  calendarId: r.calendar_id,
  calendarName: r.calendar_name,
  firstResponseMinutes: r.first_response_minutes,
  resolutionMinutes: r.resolution_minutes,
  active: r.active === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});
export async function listPolicies(db: Kysely<DB>) {
  return (await policies(db).orderBy('sla_policies.priority').orderBy('sla_policies.account_tier').execute()).map(policyDto);
}
export async function getPolicy(db: Kysely<DB>, id: number) {
  const r = await policies(db).where('sla_policies.id', '=', id).executeTakeFirst();
  if (!r) throw notFound(`SLA policy ${id}`);
  return policyDto(r);
}
async function assertCalendar(trx: Kysely<DB>, id: number | undefined) {
  if (id === undefined) return;
  if (!(await trx.selectFrom('calendars').select('id').where('id', '=', id).executeTakeFirst())) {
    throw badRequest('calendarId: no such calendar', { fields: [{ field: 'body.calendarId', message: 'no such calendar' }] });
  }
}
export async function createPolicy(db: Kysely<DB>, actor: Principal, input: z.infer<typeof createPolicyBody>) {
  const id = await db.transaction().execute(async (trx) => {
    await assertCalendar(trx, input.calendarId);
    const now = clock.nowIso();
    const values = {
      name: input.name,
      priority: input.priority,
      account_tier: input.accountTier || null,
      calendar_id: input.calendarId,
      first_response_minutes: input.firstResponseMinutes,
      resolution_minutes: input.resolutionMinutes,
      active: input.active === false ? 0 : 1,
    };
    const row = await trx.insertInto('sla_policies').values({ ...values, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    await auditCreate(trx, actor, 'sla_policy', row.id, values);
    return row.id;
  });
  return getPolicy(db, id);
}
export async function updatePolicy(db: Kysely<DB>, actor: Principal, id: number, input: z.infer<typeof updatePolicyBody>, expected: number | undefined) {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('sla_policies').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound(`SLA policy ${id}`);
    await assertCalendar(trx, input.calendarId);
    await updateVersioned(trx, {
      table: 'sla_policies',
      entity: 'sla_policy',
      before,
      changes: {
        name: input.name,
        priority: input.priority,
        account_tier: input.accountTier === undefined ? undefined : input.accountTier || null,
        calendar_id: input.calendarId,
        first_response_minutes: input.firstResponseMinutes,
        resolution_minutes: input.resolutionMinutes,
        active: input.active === undefined ? undefined : input.active ? 1 : 0,
      },
      expected,
      actor,
    });
  });
  return getPolicy(db, id);
}

// ---- the clock of a case

/** The policy for a priority and account tier: the tier's own first, else the general one. */
async function policyFor(trx: Kysely<DB>, priority: number, accountId: number | null) {
  const tier = accountId ? (await trx.selectFrom('accounts').select('tier').where('id', '=', accountId).executeTakeFirst())?.tier ?? null : null;
  const rows = await trx
    .selectFrom('sla_policies')
    .innerJoin('calendars', 'calendars.id', 'sla_policies.calendar_id')
    .select(['sla_policies.id', 'sla_policies.first_response_minutes', 'sla_policies.resolution_minutes', 'sla_policies.account_tier', 'calendars.timezone', 'calendars.working_hours', 'calendars.holidays'])
    .where('sla_policies.priority', '=', priority)
    .where('sla_policies.active', '=', 1)
    .execute();
  const row = rows.find((r) => tier !== null && r.account_tier === tier) ?? rows.find((r) => r.account_tier === null);
  if (!row) return null;
  const calendar = toCalendar(row);
  return hasWorkingTime(calendar) ? { ...row, calendar } : null;
}

async function calendarOfPolicy(trx: Kysely<DB>, policyId: number | null): Promise<Calendar | null> {
  if (!policyId) return null;
  const row = await trx.selectFrom('sla_policies').innerJoin('calendars', 'calendars.id', 'sla_policies.calendar_id').select(['calendars.timezone', 'calendars.working_hours', 'calendars.holidays']).where('sla_policies.id', '=', policyId).executeTakeFirst();
  return row ? toCalendar(row) : null;
}

/** Due times from the opening time, the policy's targets and the business time already paused. */
export async function dueTimes(trx: Kysely<DB>, c: { opened_at: string; priority: number; account_id: number | null; sla_paused_ms: number }) {
  const policy = await policyFor(trx, c.priority, c.account_id);
  if (!policy) return { sla_policy_id: null, response_due_at: null, resolution_due_at: null };
  const opened = new Date(c.opened_at);
  return {
    sla_policy_id: policy.id,
    response_due_at: dueAt(opened, policy.first_response_minutes * MIN + Number(c.sla_paused_ms), policy.calendar),
    resolution_due_at: dueAt(opened, policy.resolution_minutes * MIN + Number(c.sla_paused_ms), policy.calendar),
  };
}

// A target the calendar cannot reach within three years (a long target on a calendar with a minute
// of work a week) sets no deadline rather than failing the case's write: the fuzzer found such a
// calendar turning every new case into a 500.
function dueAt(start: Date, ms: number, calendar: Calendar): string | null {
  try {
    return addBusinessTime(start, ms, calendar).toISOString();
  } catch (err) {
    if (err instanceof BeyondHorizonError) return null;
    throw err;
  }
}

interface StatusFlags {
  pause: number;
  resolved: number;
  final: number;
}

/**
 * The SLA columns a case change implies: new due times after a priority (or account) change,
 * the pause start when its status begins to pause the clock, the due times moved out when it
 * resumes, and a breach stamped when a case is resolved after its deadline.
 */
export async function slaChanges(trx: Kysely<DB>, before: CaseRow, changes: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const now = clock.nowIso();
  const flags = async (key: string) => (await trx.selectFrom('statuses').select(['pause', 'resolved', 'final']).where('key', '=', key).executeTakeFirstOrThrow()) as StatusFlags;
  let pausedMs = Number(before.sla_paused_ms);
  let recompute = false;

  if (changes.status !== undefined && changes.status !== before.status) {
    const [from, to] = [await flags(before.status), await flags(String(changes.status))];
    if (to.pause === 1 && from.pause !== 1) out.sla_paused_at = now;
    if (from.pause === 1 && to.pause !== 1 && before.sla_paused_at) {
      const calendar = await calendarOfPolicy(trx, before.sla_policy_id);
      pausedMs += calendar ? businessTimeBetween(new Date(before.sla_paused_at), new Date(now), calendar) : 0;
      out.sla_paused_at = null;
      out.sla_paused_ms = pausedMs;
      recompute = true;
    }
    if (to.resolved === 1 && before.resolution_due_at && before.resolution_due_at < now && !before.resolution_breached_at) out.resolution_breached_at = now;
  }
  const priority = (changes.priority as number | undefined) ?? before.priority;
  const accountId = changes.account_id !== undefined ? (changes.account_id as number | null) : before.account_id;
  if (priority !== before.priority || accountId !== before.account_id) recompute = true;
  if (recompute) {
    const due = await dueTimes(trx, { opened_at: before.opened_at, priority, account_id: accountId, sla_paused_ms: pausedMs });
    Object.assign(out, due);
    // A new deadline that lies ahead clears an earlier breach mark of that clock.
    if (due.resolution_due_at && due.resolution_due_at > now && before.resolution_breached_at && !before.resolved_at) out.resolution_breached_at = null;
    if (due.response_due_at && due.response_due_at > now && before.response_breached_at && !before.first_response_at) out.response_breached_at = null;
  }
  return out;
}

/** Records the first customer-visible reply of an agent, once, and whether it came late. */
export async function recordFirstResponse(trx: Kysely<DB>, caseId: number, at: string): Promise<void> {
  const c = await trx.selectFrom('cases').select(['first_response_at', 'response_due_at', 'response_breached_at']).where('id', '=', caseId).executeTakeFirstOrThrow();
  if (c.first_response_at) return;
  await trx
    .updateTable('cases')
    .set({ first_response_at: at, ...(c.response_due_at && c.response_due_at < at && !c.response_breached_at ? { response_breached_at: at } : {}) })
    .where('id', '=', caseId)
    .where('first_response_at', 'is', null)
    .execute();
}

/** A clock is at risk in its last hour. */
export const AT_RISK_MS = 3_600_000;

export type SlaClock = 'running' | 'at_risk' | 'breached' | 'paused' | 'met' | 'missed' | 'none';

/** What a clock shows now: met/missed once done, paused, breached, at risk (last quarter or hour), running. */
export function clockState(dueAt: string | null, doneAt: string | null, pausedAt: string | null, breachedAt: string | null, targetMinutes: number | null, now = clock.nowIso()): SlaClock {
  if (!dueAt) return 'none';
  if (doneAt) return breachedAt || doneAt > dueAt ? 'missed' : 'met';
  if (breachedAt || now > dueAt) return 'breached';
  if (pausedAt) return 'paused';
  // At risk: due within the hour (the same window as the list's at-risk filter).
  void targetMinutes;
  return Date.parse(dueAt) - Date.parse(now) <= AT_RISK_MS ? 'at_risk' : 'running';
}

/**
 * Marks breaches as they happen (run every minute by each app instance; the guarded update makes
 * a breach count once) and tells the assignee, or the group's members.
 */
export async function markBreaches(db: Kysely<DB>): Promise<number> {
  const now = clock.nowIso();
  const open = db.selectFrom('statuses').select('key').where('resolved', '=', 0).where('final', '=', 0);
  const due = await db
    .selectFrom('cases')
    .select(['id', 'number', 'short_description', 'assignee_id', 'assignment_group_id', 'response_due_at', 'resolution_due_at', 'first_response_at', 'response_breached_at', 'resolution_breached_at'])
    .where('status', 'in', open)
    .where('sla_paused_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('resolution_due_at', '<', now), eb('resolution_breached_at', 'is', null)]),
        eb.and([eb('response_due_at', '<', now), eb('response_breached_at', 'is', null), eb('first_response_at', 'is', null)]),
      ]),
    )
    .limit(500)
    .execute();
  let marked = 0;
  for (const c of due) {
    await yieldToRequests();
    for (const clockName of ['response', 'resolution'] as const) {
      const dueAt = clockName === 'response' ? c.response_due_at : c.resolution_due_at;
      const breached = clockName === 'response' ? c.response_breached_at : c.resolution_breached_at;
      if (!dueAt || dueAt >= now || breached || (clockName === 'response' && c.first_response_at)) continue;
      const column = clockName === 'response' ? 'response_breached_at' : 'resolution_breached_at';
      await db.transaction().execute(async (trx) => {
        const r = await trx.updateTable('cases').set({ [column]: now }).where('id', '=', c.id).where(column, 'is', null).executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return;
        marked++;
        const notice = { kind: 'sla_breached', caseId: c.id, title: `${c.number}: ${clockName === 'response' ? 'first response' : 'resolution'} SLA breached`, body: c.short_description };
        const users = new Set<number>(c.assignee_id ? [c.assignee_id] : []);
        if (c.assignment_group_id) for (const u of await groupMemberIds(trx, c.assignment_group_id)) users.add(u);
        await notifyUsers(trx, users, notice);
      });
    }
  }
  return marked;
}

/** The resolution deadline as the case's calendar shows it, for mails ("Mon 30 Nov 2026, 17:00 CET"). */
export async function deadlineText(trx: Kysely<DB>, policyId: number | null, dueAt: string | null): Promise<string | null> {
  if (!dueAt) return null;
  const row = policyId ? await trx.selectFrom('sla_policies').innerJoin('calendars', 'calendars.id', 'sla_policies.calendar_id').select('calendars.timezone').where('sla_policies.id', '=', policyId).executeTakeFirst() : undefined;
  return new Date(dueAt).toLocaleString('en-GB', { timeZone: row?.timezone ?? 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
}
