import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { act, makeCase, makeQueue, makeUser } from './helpers/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('statuses', () => {
  it('lists the seven defaults with their flags', async () => {
    const items = (await t.call('GET', '/api/v1/statuses', { as: t.adminCookie })).json().items;
    expect(items.map((s: { key: string }) => s.key)).toEqual(['new', 'in_progress', 'waiting_for_response', 'reopened', 'resolved', 'closed', 'canceled']);
    expect(items.find((s: { key: string }) => s.key === 'closed')).toMatchObject({ resolved: true, final: true, closeFormOnSave: true, system: true });
    expect(items.find((s: { key: string }) => s.key === 'waiting_for_response')).toMatchObject({ pause: true, resolved: false });
  });

  it('admins add a pausing status, agents wait with it; a status in use cannot be deleted', async () => {
    const created = await t.call('POST', '/api/v1/statuses', { as: t.adminCookie, body: { key: 'waiting_for_vendor', label: 'Waiting for vendor', pause: true } });
    expect(created.statusCode).toBe(201);
    const s = created.json();
    const c = await makeCase(t);
    await act(t, c.number, 'start');
    const waiting = await act(t, c.number, 'wait', { status: 'waiting_for_vendor' });
    expect(waiting.json()).toMatchObject({ status: 'waiting_for_vendor', statusLabel: 'Waiting for vendor' });
    expect((await act(t, c.number, 'wait', { status: 'resolved' })).statusCode).toBe(409); // already paused
    const del = await t.call('DELETE', `/api/v1/statuses/${s.id}`, { as: t.adminCookie });
    expect(del.statusCode).toBe(409);
    expect(del.json().error.message).toMatch(/in use/);
    await act(t, c.number, 'start');
    expect((await t.call('DELETE', `/api/v1/statuses/${s.id}`, { as: t.adminCookie })).statusCode).toBe(204);
  });

  it('system statuses keep their flags and cannot be deleted, but can be renamed', async () => {
    const items = (await t.call('GET', '/api/v1/statuses', { as: t.adminCookie })).json().items;
    const resolved = items.find((s: { key: string }) => s.key === 'resolved');
    expect((await t.call('PATCH', `/api/v1/statuses/${resolved.id}`, { as: t.adminCookie, body: { final: true } })).statusCode).toBe(409);
    expect((await t.call('DELETE', `/api/v1/statuses/${resolved.id}`, { as: t.adminCookie })).statusCode).toBe(409);
    const renamed = await t.call('PATCH', `/api/v1/statuses/${resolved.id}`, { as: t.adminCookie, body: { label: 'Solved' } });
    expect(renamed.json()).toMatchObject({ label: 'Solved', version: 2 });
    expect((await t.call('POST', '/api/v1/statuses', { as: t.adminCookie, body: { key: 'resolved', label: 'Dup' } })).statusCode).toBe(409);
    expect((await t.call('POST', '/api/v1/statuses', { as: t.adminCookie, body: { key: 'Bad Key', label: 'x' } })).statusCode).toBe(400);
  });
});

describe('processes', () => {
  it('a queue names its process; new cases in it follow that process', async () => {
    const proc = await t.call('POST', '/api/v1/processes', {
      as: t.adminCookie,
      body: {
        name: 'Hardware returns',
        stages: [
          { key: 'triage', name: 'Triage', requiredFields: ['assetIds'] },
          { key: 'ship', name: 'Ship replacement', requiredFields: ['product'] },
        ],
      },
    });
    expect(proc.statusCode).toBe(201);
    const q = await makeQueue(t, { processId: proc.json().id });
    const c = await makeCase(t, { queueId: q.id });
    expect(c).toMatchObject({ processId: proc.json().id, stage: 'triage' });
    const res = await act(t, c.number, 'next-stage');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.missing).toEqual(['assetIds']);
  });

  it('validates stages: unique keys, known fields, at least one', async () => {
    const dup = await t.call('POST', '/api/v1/processes', { as: t.adminCookie, body: { name: 'Dup', stages: [{ key: 'a', name: 'A' }, { key: 'a', name: 'B' }] } });
    expect(dup.statusCode).toBe(400);
    const unknown = await t.call('POST', '/api/v1/processes', { as: t.adminCookie, body: { name: 'Unknown', stages: [{ key: 'a', name: 'A', requiredFields: ['shoeSize'] }] } });
    expect(unknown.statusCode).toBe(400);
    expect((await t.call('POST', '/api/v1/processes', { as: t.adminCookie, body: { name: 'Empty', stages: [] } })).statusCode).toBe(400);
  });

  it('one default process at a time; edits are audited', async () => {
    const p = (await t.call('POST', '/api/v1/processes', { as: t.adminCookie, body: { name: 'Quick', isDefault: true, stages: [{ key: 'do', name: 'Do it' }] } })).json();
    const all = (await t.call('GET', '/api/v1/processes', { as: t.adminCookie })).json().items;
    expect(all.filter((x: { isDefault: boolean }) => x.isDefault).map((x: { id: number }) => x.id)).toEqual([p.id]);
    expect((await makeCase(t)).stage).toBe('do');
    const res = await t.call('PATCH', `/api/v1/processes/${p.id}`, { as: t.adminCookie, headers: { 'if-match': '"1"' }, body: { stages: [{ key: 'do', name: 'Do it' }, { key: 'check', name: 'Check it' }] } });
    expect(res.json()).toMatchObject({ version: 2 });
    expect(res.json().stages).toHaveLength(2);
    const audit = (await t.call('GET', `/api/v1/audit?entity=process&entityId=${p.id}`, { as: t.adminCookie })).json().items;
    expect(audit[0].field).toBe('stages');
  });

  it('agents read the configuration but cannot change it', async () => {
    const agent = await (await makeUser(t)).cookie();
    expect((await t.call('GET', '/api/v1/processes', { as: agent })).statusCode).toBe(200);
    expect((await t.call('GET', '/api/v1/statuses', { as: agent })).statusCode).toBe(200);
    expect((await t.call('POST', '/api/v1/statuses', { as: agent, body: { key: 'x_y', label: 'x' } })).statusCode).toBe(403);
  });
});
