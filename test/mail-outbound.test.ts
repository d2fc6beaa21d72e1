import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { act, makeCase, makeContact, makeUser } from './helpers/factories.js';
import { startSmtpServer, workerFor } from './helpers/mail.js';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let agent: string;
beforeAll(async () => {
  t = await startTestApp();
  smtp = await startSmtpServer();
  agent = await (await makeUser(t, { name: 'Maya Patel' })).cookie();
});
afterAll(async () => {
  await smtp?.down().catch(() => {});
  await t?.close();
});

const outbox = async () => (await t.call('GET', '/api/v1/outbox', { as: t.adminCookie })).json().items;

describe('outbound mail through a real SMTP server', () => {
  it('a customer reply becomes one mail to the contact, tagged and threaded; a work note sends nothing', async () => {
    const contact = await makeContact(t, { name: 'Nancy Davolio', email: 'nancy@customer.test' });
    const c = await makeCase(t, { contactId: contact.id, shortDescription: 'Printer on fire' });
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agent, body: { body: 'Internal only', visibility: 'internal' } });
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agent, body: { body: 'Please unplug it & call us <now>.', visibility: 'customer' } });
    const queued = (await outbox()).filter((m: { caseNumber: string }) => m.caseNumber === c.number);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ state: 'queued', to: 'nancy@customer.test', template: 'new_reply' });

    const before = smtp.received.length;
    expect(await workerFor(t, smtp.url).runOnce()).toBe(1);
    const mail = smtp.received[before]!;
    expect(mail.envelopeTo).toEqual(['nancy@customer.test']);
    expect(mail.subject).toBe(`New reply: Printer on fire [${c.number}]`);
    expect(mail.messageId).toBe(queued[0].messageId);
    expect(mail.text).toContain('Please unplug it & call us <now>.');
    expect(mail.html).toContain('Please unplug it &amp; call us &lt;now&gt;.');
    expect(mail.text).toContain(`https://support.example.test/portal/cases/${c.number}`);
    expect(mail.headers.get('auto-submitted')).toBeUndefined();
    expect((await outbox()).find((m: { id: number }) => m.id === queued[0].id)).toMatchObject({ state: 'sent' });

    // The next mail on the case replies to the first one.
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agent, body: { body: 'Any news?', visibility: 'customer' } });
    await workerFor(t, smtp.url).runOnce();
    const second = smtp.received[smtp.received.length - 1]!;
    expect(second.inReplyTo).toBe(mail.messageId);
    expect(second.references).toEqual(mail.messageId);

    const tl = (await t.call('GET', `/api/v1/cases/${c.number}/timeline?filter=comments`, { as: agent })).json().items;
    expect(tl[0].comment.email).toEqual({ direction: 'out', address: 'nancy@customer.test', state: 'sent', lastError: null });
  });

  it('status mails: opened on start, waiting, resolved with a survey link, canceled — marked auto-generated', async () => {
    const contact = await makeContact(t, { email: 'jo@customer.test' });
    const c = await makeCase(t, { contactId: contact.id, shortDescription: 'Fleet tracker offset' });
    await act(t, c.number, 'start', {}, agent);
    await act(t, c.number, 'wait', {}, agent);
    await act(t, c.number, 'resolve', { resolutionCode: 'solved', resolutionNotes: 'Recalibrated the GPS offset.' }, agent);
    const other = await makeCase(t, { contactId: contact.id });
    await act(t, other.number, 'cancel', { reason: 'Opened twice' }, agent);
    const before = smtp.received.length;
    await workerFor(t, smtp.url).runOnce();
    const mails = smtp.received.slice(before);
    expect(mails.map((m) => m.subject)).toEqual([
      `We are working on your case: Fleet tracker offset [${c.number}]`,
      `We need your answer: Fleet tracker offset [${c.number}]`,
      `Resolved: Fleet tracker offset [${c.number}]`,
      `Canceled: ${other.shortDescription} [${other.number}]`,
    ]);
    expect(mails.every((m) => m.headers.get('auto-submitted') === 'auto-generated')).toBe(true);
    expect(mails[2]!.text).toContain('Recalibrated the GPS offset.');
    expect(mails[2]!.text).toMatch(/https:\/\/support\.example\.test\/survey\/[A-Za-z0-9_-]{20,}/);
    expect(mails[3]!.text).toContain('Opened twice');
    // A second start (after waiting) does not announce the case again.
    await act(t, c.number, 'reactivate', {}, agent);
    await act(t, c.number, 'wait', {}, agent);
    await act(t, c.number, 'start', {}, agent);
    expect((await outbox()).filter((m: { caseNumber: string; template: string }) => m.caseNumber === c.number && m.template === 'case_opened')).toHaveLength(1);
  });

  it('SMTP down: mail stays queued with the reason, and goes out exactly once when it is back', async () => {
    const contact = await makeContact(t, { email: 'kim@customer.test' });
    const c = await makeCase(t, { contactId: contact.id });
    await workerFor(t, smtp.url).runOnce(); // deliver what earlier tests queued
    await smtp.down();
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agent, body: { body: 'Hello while down', visibility: 'customer' } });
    const worker = workerFor(t, smtp.url);
    expect(await worker.runOnce()).toBe(1);
    const mine = async () => (await outbox()).find((m: { caseNumber: string }) => m.caseNumber === c.number);
    const failed = await mine();
    expect(failed).toMatchObject({ state: 'queued', attempts: 1 });
    expect(failed.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(failed.nextAttemptAt > new Date().toISOString()).toBe(true);
    // Not due yet: the next round leaves it alone.
    expect(await worker.runOnce()).toBe(0);

    await smtp.up();
    await t.db.updateTable('outbox').set({ next_attempt_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', failed.id).execute();
    const before = smtp.received.length;
    const w2 = workerFor(t, smtp.url);
    expect(await w2.runOnce()).toBe(1);
    expect(await w2.runOnce()).toBe(0);
    expect(smtp.received.slice(before).filter((m) => m.subject?.includes(c.number))).toHaveLength(1);
    expect(await mine()).toMatchObject({ state: 'sent', attempts: 2, lastError: null });
  });

  it('without a contact nothing is queued; a case of an inactive contact gets no mail', async () => {
    const c = await makeCase(t);
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agent, body: { body: 'Nobody to tell', visibility: 'customer' } });
    expect((await outbox()).filter((m: { caseNumber: string }) => m.caseNumber === c.number)).toEqual([]);
  });

  it('admins edit templates with a preview; a broken template is refused with the Liquid error', async () => {
    const tpl = (await t.call('GET', '/api/v1/email-templates/new_reply', { as: t.adminCookie })).json();
    const preview = await t.call('POST', '/api/v1/email-templates/preview', { as: t.adminCookie, body: { subject: 'Hi {{ contact.name }}', body: 'Case {{ case.number }}: {{ comment.body }}' } });
    expect(preview.json()).toMatchObject({ subject: 'Hi Nancy Davolio', text: 'Case CS0001234: We renewed the certificate; please try again.' });
    const broken = await t.call('PATCH', '/api/v1/email-templates/new_reply', { as: t.adminCookie, body: { subject: 'x', body: '{% if %}' } });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.details.fields[0].field).toBe('body.body');
    const noFiles = await t.call('POST', '/api/v1/email-templates/preview', { as: t.adminCookie, body: { subject: 'x', body: "{% include '/etc/passwd' %}" } });
    expect(noFiles.statusCode).toBe(400);
    const saved = await t.call('PATCH', '/api/v1/email-templates/new_reply', { as: t.adminCookie, headers: { 'if-match': `"${tpl.version}"` }, body: { subject: 'Reply on {{ case.number }}', body: tpl.body } });
    expect(saved.json().version).toBe(tpl.version + 1);
    expect((await t.call('GET', '/api/v1/email-templates', { as: agent })).statusCode).toBe(403);
    // Staff review mails preview with review, recipient and actor data too.
    const staff = await t.call('POST', '/api/v1/email-templates/preview', { as: t.adminCookie, body: { subject: 'x', body: '{{ recipient.name }}: {{ actor.name }} on {{ review.number }}' } });
    expect(staff.json().text).toBe('Grace Kim: Maya Patel on PCR0001234');
    await t.call('PATCH', '/api/v1/email-templates/new_reply', { as: t.adminCookie, body: { subject: tpl.subject, body: tpl.body } });
  });
});
