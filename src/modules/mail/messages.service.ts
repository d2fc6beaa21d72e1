import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Principal } from '../../platform/access.js';
import { clock } from '../../platform/clock.js';
import { conflict, notFound } from '../../platform/errors.js';

/**
 * An agent releases a held message: it joins the conversation as an internal note naming its
 * sender (the sender is no participant, so nothing they wrote reaches the customer unasked).
 */
export async function releaseHeld(db: Kysely<DB>, actor: Extract<Principal, { type: 'user' }>, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const m = await trx.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!m || !m.case_id) throw notFound(`Message ${id}`);
    if (m.status !== 'held') throw conflict(`Message ${id} is not held (it is ${m.status})`);
    const now = clock.nowIso();
    const comment = await trx
      .insertInto('comments')
      .values({
        case_id: m.case_id,
        visibility: 'internal',
        body: `Email from ${m.from_name ? `${m.from_name} <${m.from_address}>` : m.from_address}, released by ${actor.name}:\n\n${m.text_body}`,
        author_type: 'user',
        author_id: actor.id,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('messages').set({ status: 'released', comment_id: comment.id }).where('id', '=', id).execute();
    await trx.updateTable('cases').set({ updated_at: now }).where('id', '=', m.case_id).execute();
  });
}
