import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import { clock } from '../../platform/clock.js';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors.js';
import { assertVersion, staleVersion } from '../../platform/concurrency.js';
import { runtime } from '../../platform/runtime.js';
import { getProperty } from '../settings/settings.service.js';

// Satisfaction surveys (SPEC §4): the resolved mail carries a one-time link; the answer's
// satisfaction level decides the outcome (defaults: 1–2 reopen the case, 3–5 close it).

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates the survey of a resolution and returns its public URL. */
export async function createSurvey(trx: Kysely<DB>, caseId: number): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  const days = Number(await getProperty(trx, 'surveys.validDays'));
  const now = clock.now();
  await trx
    .insertInto('surveys')
    .values({ case_id: caseId, token_hash: hash(token), created_at: now.toISOString(), expires_at: new Date(now.getTime() + days * 86400_000).toISOString() })
    .execute();
  return `${runtime.publicUrl}/survey/${token}`;
}

export const levelSchema = z.object({ score: z.number(), label: z.string(), outcome: z.enum(['reopen', 'close']), version: z.number() });
export const surveyViewSchema = z.object({
  state: z.enum(['open', 'answered', 'expired']),
  caseNumber: z.string(),
  shortDescription: z.string(),
  companyName: z.string(),
  levels: z.array(levelSchema.pick({ score: true, label: true })),
  answeredScore: z.number().nullable(),
});

export async function listLevels(db: Kysely<DB>) {
  const rows = await db.selectFrom('satisfaction_levels').selectAll().orderBy('score').execute();
  return rows.map((r) => ({ score: r.score, label: r.label, outcome: r.outcome, version: r.version }));
}

export async function updateLevel(db: Kysely<DB>, score: number, input: { label?: string; outcome?: 'reopen' | 'close' }, expected?: number) {
  const row = await db.selectFrom('satisfaction_levels').selectAll().where('score', '=', score).executeTakeFirst();
  if (!row) throw notFound(`Satisfaction level ${score}`);
  assertVersion(expected, row.version);
  const r = await db
    .updateTable('satisfaction_levels')
    .set({ label: input.label ?? row.label, outcome: input.outcome ?? row.outcome, updated_at: clock.nowIso(), version: row.version + 1 })
    .where('score', '=', score)
    .where('version', '=', row.version)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw staleVersion(row.version + 1);
  return (await listLevels(db)).find((l) => l.score === score)!;
}

async function findSurvey(db: Kysely<DB>, token: string) {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) throw notFound('Survey');
  const row = await db
    .selectFrom('surveys')
    .innerJoin('cases', 'cases.id', 'surveys.case_id')
    .select(['surveys.id', 'surveys.case_id', 'surveys.expires_at', 'surveys.answered_at', 'surveys.score', 'cases.number', 'cases.short_description'])
    .where('surveys.token_hash', '=', hash(token))
    .executeTakeFirst();
  if (!row) throw notFound('Survey');
  return row;
}

/** What the public survey page shows. */
export async function viewSurvey(db: Kysely<DB>, token: string) {
  const s = await findSurvey(db, token);
  return {
    state: s.answered_at ? ('answered' as const) : s.expires_at < clock.nowIso() ? ('expired' as const) : ('open' as const),
    caseNumber: s.number,
    shortDescription: s.short_description,
    companyName: String(await getProperty(db, 'company.name')),
    levels: (await listLevels(db)).map((l) => ({ score: l.score, label: l.label })),
    answeredScore: s.score,
  };
}

/**
 * Records the answer once and applies its outcome in the same transaction: the case reopens
 * (assignee cleared) or closes. A used or expired link is refused and changes nothing.
 */
export async function answerSurvey(
  db: Kysely<DB>,
  token: string,
  input: { score: number; comment?: string },
  outcomes: { reopen(trx: Kysely<DB>, caseId: number, why: string): Promise<boolean>; close(trx: Kysely<DB>, caseId: number, why: string): Promise<boolean> },
) {
  const s = await findSurvey(db, token);
  await db.transaction().execute(async (trx) => {
    const level = await trx.selectFrom('satisfaction_levels').selectAll().where('score', '=', input.score).executeTakeFirst();
    if (!level) throw badRequest('score: not a level of the survey', { fields: [{ field: 'body.score', message: 'must be one of the levels' }] });
    // The guarded update is the one-time check: of two concurrent answers only one matches.
    const result = await trx
      .updateTable('surveys')
      .set({ answered_at: clock.nowIso(), score: input.score, comment: input.comment ?? null })
      .where('id', '=', s.id)
      .where('answered_at', 'is', null)
      .where('expires_at', '>', clock.nowIso())
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      if (s.expires_at < clock.nowIso()) throw new AppError('conflict', 'This survey link has expired');
      throw conflict('This survey was already answered — thank you');
    }
    await trx.updateTable('cases').set({ satisfaction: input.score }).where('id', '=', s.case_id).execute();
    const why = `satisfaction survey answered ${input.score} (${level.label})`;
    if (level.outcome === 'reopen') await outcomes.reopen(trx, s.case_id, why);
    else await outcomes.close(trx, s.case_id, why);
  });
  return viewSurvey(db, token);
}
