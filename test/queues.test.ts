import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase } from '../src/modules/cases/cases.service.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { testDialect } from './helpers/database.js';
import { act, makeCase, makeGroup, makeQueue, makeUser } from './helpers/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('queues', () => {
  it('admins create queues with user and group members; agents list the queues they belong to', async () => {
    const direct = await makeUser(t);
    const viaGroup = await makeUser(t);
    const outsider = await makeUser(t);
    const group = await makeGroup(t, { memberIds: [viaGroup.id] });
    const q = await makeQueue(t, { name: 'Billing', mode: 'any', memberIds: [direct.id], groupIds: [group.id] });
    expect(q).toMatchObject({ name: 'Billing', mode: 'any', memberIds: [direct.id], groupIds: [group.id], waitingCount: 0 });
    for (const [u, expected] of [[direct, true], [viaGroup, true], [outsider, false]] as const) {
      const mine = (await t.call('GET', '/api/v1/queues?mine=true', { as: await u.cookie() })).json().items.map((x: { id: number }) => x.id);
      expect(mine.includes(q.id)).toBe(expected);
    }
    expect((await t.call('POST', '/api/v1/queues', { as: await direct.cookie(), body: { name: 'Mine', mode: 'any' } })).statusCode).toBe(403);
    const bad = await t.call('POST', '/api/v1/queues', { as: t.adminCookie, body: { name: 'Bad', mode: 'random', memberIds: [999999] } });
    expect(bad.statusCode).toBe(400);
  });

  it('Pick: members of an any-queue pick unassigned cases; others are refused', async () => {
    const member = await makeUser(t);
    const outsider = await makeUser(t);
    const q = await makeQueue(t, { mode: 'any', memberIds: [member.id] });
    const c = await makeCase(t, { queueId: q.id });
    expect((await t.call('GET', `/api/v1/queues/${q.id}`, { as: t.adminCookie })).json().waitingCount).toBe(1);
    // The menu offers Pick to members only, and only while nobody has the case.
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: await member.cookie() })).json().allowedActions).toContain('pick');
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: await outsider.cookie() })).json().allowedActions).not.toContain('pick');
    expect((await act(t, c.number, 'pick', {}, await outsider.cookie())).statusCode).toBe(403);
    const res = await act(t, c.number, 'pick', {}, await member.cookie());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ assigneeId: member.id, queueId: q.id });
    const again = await act(t, c.number, 'pick', {}, await member.cookie());
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/already picked by you/);
    expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: await member.cookie() })).json().allowedActions).not.toContain('pick');
  });

  it('two agents picking the same case at once: exactly one wins, the other gets 409', async () => {
    const a = await makeUser(t);
    const b = await makeUser(t);
    const q = await makeQueue(t, { mode: 'any', memberIds: [a.id, b.id] });
    const [ca, cb] = [await a.cookie(), await b.cookie()];
    for (let round = 0; round < 5; round++) {
      const c = await makeCase(t, { queueId: q.id });
      const results = await Promise.all([act(t, c.number, 'pick', {}, ca), act(t, c.number, 'pick', {}, cb)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      const winner = results.find((r) => r.statusCode === 200)!.json().assigneeId;
      expect((await t.call('GET', `/api/v1/cases/${c.number}`, { as: ca })).json().assigneeId).toBe(winner);
    }
  });

  it('a next-mode queue refuses Pick and hands out the highest priority, then the oldest', async () => {
    const agent = await makeUser(t);
    const q = await makeQueue(t, { mode: 'next', memberIds: [agent.id] });
    const low = await makeCase(t, { queueId: q.id, priority: 4 });
    const oldHigh = await makeCase(t, { queueId: q.id, priority: 1 });
    const newHigh = await makeCase(t, { queueId: q.id, priority: 1 });
    const cookie = await agent.cookie();
    const pick = await act(t, low.number, 'pick', {}, cookie);
    expect(pick.statusCode).toBe(409);
    expect(pick.json().error.details).toEqual({ mode: 'next' });
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.call('POST', `/api/v1/queues/${q.id}/next`, { as: cookie });
      expect(res.json().assigneeId).toBe(agent.id);
      order.push(res.json().number);
    }
    expect(order).toEqual([oldHigh.number, newHigh.number, low.number]);
    const empty = await t.call('POST', `/api/v1/queues/${q.id}/next`, { as: cookie });
    expect(empty.statusCode).toBe(404);
    expect(empty.json().error.message).toMatch(/No unassigned case/);
    expect((await t.call('POST', `/api/v1/queues/${q.id}/next`, { as: await (await makeUser(t)).cookie() })).statusCode).toBe(403);
  });

  it(`20 agents pulling next at once from 200 cases get 200 distinct cases (${testDialect})`, async () => {
    const agents = await Promise.all(Array.from({ length: 20 }, () => makeUser(t)));
    const q = await makeQueue(t, { mode: 'next', memberIds: agents.map((a) => a.id) });
    for (let i = 0; i < 200; i++) await createCase(t.db, { type: 'system' }, { shortDescription: `Bulk ${i}`, queueId: q.id, priority: 1 + (i % 4) });
    const cookies = await Promise.all(agents.map((a) => a.cookie()));
    const taken: { number: string; assigneeId: number }[] = [];
    let empties = 0;
    await Promise.all(
      cookies.map(async (cookie) => {
        for (;;) {
          const res = await t.call('POST', `/api/v1/queues/${q.id}/next`, { as: cookie });
          if (res.statusCode === 404) {
            empties++;
            return;
          }
          expect(res.statusCode).toBe(200);
          taken.push({ number: res.json().number, assigneeId: res.json().assigneeId });
        }
      }),
    );
    expect(taken).toHaveLength(200);
    expect(new Set(taken.map((x) => x.number)).size).toBe(200);
    expect(empties).toBe(20);
    // Every case is assigned to the agent who received it.
    const rows = await t.db.selectFrom('cases').select(['number', 'assignee_id']).where('queue_id', '=', q.id).execute();
    for (const x of taken) expect(rows.find((r) => r.number === x.number)!.assignee_id).toBe(x.assigneeId);
  });
});
