import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { yieldToRequests } from '../../platform/background.js';
import { clock } from '../../platform/clock.js';
import { getProperty } from '../settings/settings.service.js';
import { closeBySystem } from './case-actions.service.js';

/** Closes resolved cases whose resolution is older than cases.autoCloseAfterDays (0 = never). */
export async function autoCloseResolved(db: Kysely<DB>, batch = 200): Promise<number> {
  const days = Number(await getProperty(db, 'cases.autoCloseAfterDays'));
  if (!days) return 0;
  const before = new Date(clock.now().getTime() - days * 86400_000).toISOString();
  const due = await db
    .selectFrom('cases')
    .innerJoin('statuses', 'statuses.key', 'cases.status')
    .select('cases.id')
    .where('statuses.resolved', '=', 1)
    .where('statuses.final', '=', 0)
    .where('cases.resolved_at', '<', before)
    .limit(batch)
    .execute();
  let closed = 0;
  for (const c of due) {
    await yieldToRequests();
    if (await db.transaction().execute((trx) => closeBySystem(trx, c.id, `no answer ${days} days after the resolution`))) closed++;
  }
  return closed;
}
