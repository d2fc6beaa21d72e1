import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { act, makeAccount, makeCase, makeContact, makeUser } from './helpers/factories.js';
import nodemailer from 'nodemailer';
import { createInboundSmtp } from '../src/modules/mail/smtp-listener.js';
import { receiveFixture } from './helpers/mail.js';

let t: TestApp;
let agent: Awaited<ReturnType<typeof makeUser>>;
let agentCookie: string;
let account: { id: number; name: string };
let contact: { id: number; email: string };
beforeAll(async () => {
  t = await startTestApp();
  agent = await makeUser(t);
  agentCookie = await agent.cookie();
  account = await makeAccount(t, { domain: 'customer.test' });
  contact = await makeContact(t, { accountId: account.id, name: 'Nancy Davolio', email: 'nancy@customer.test' });
});
afterAll(async () => t?.close());

/** An in-progress case of the contact, assigned to the agent, with one mail we sent (to reply to). */
async function caseWithOurMail(status: 'in_progress' | 'waiting_for_response' | 'resolved' | 'closed' | 'canceled' = 'in_progress') {
  const c = await makeCase(t, { contactId: contact.id, shortDescription: 'Printer on fire' });
  await act(t, c.number, 'start', {}, agentCookie);
  await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: 'We renewed the toner.', visibility: 'customer' } });
  const ref = (await t.db.selectFrom('messages').select('message_id').where('case_id', '=', c.id).where('direction', '=', 'out').orderBy('id', 'desc').executeTakeFirstOrThrow()).message_id!;
  if (status === 'waiting_for_response') await act(t, c.number, 'wait', {}, agentCookie);
  if (status === 'resolved' || status === 'closed') await act(t, c.number, 'resolve', { resolutionCode: 'solved', resolutionNotes: 'Done.' }, agentCookie);
  if (status === 'closed') await act(t, c.number, 'close', {}, agentCookie);
  if (status === 'canceled') await act(t, c.number, 'cancel', {}, agentCookie);
  return { ...c, ref };
}
const getCase = async (number: string) => (await t.call('GET', `/api/v1/cases/${number}`, { as: agentCookie })).json();
const comments = async (number: string) =>
  (await t.call('GET', `/api/v1/cases/${number}/timeline?filter=comments`, { as: agentCookie })).json().items.map((e: { comment: unknown }) => e.comment);
const vars = (c: { number: string; ref: string }) => ({ CONTACT: contact.email, CASE: c.number, REF: c.ref, STRANGER: 'eve@elsewhere.test', DOMAINSENDER: 'newbie@customer.test' });

describe('inbound mail', () => {
  it('refuses calls without the inbound token', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/inbound/email', headers: { 'content-type': 'message/rfc822', authorization: 'Bearer wrong' }, payload: 'From: a@b.c\r\n\r\nx' });
    expect(res.statusCode).toBe(401);
  });

  it('01 a reply by In-Reply-To joins the conversation, quoted text cut', async () => {
    const c = await caseWithOurMail();
    const res = await receiveFixture(t, '01-reply-in-reply-to.eml', vars(c));
    expect(res.json()).toMatchObject({ outcome: 'added', caseNumber: c.number });
    const [latest] = await comments(c.number);
    expect(latest).toMatchObject({ visibility: 'customer', authorType: 'contact', authorName: 'Nancy Davolio', body: 'It is still burning, please help.' });
    expect(latest.email).toEqual({ direction: 'in', address: 'nancy@customer.test', state: null, lastError: null });
    expect((await getCase(c.number)).status).toBe('in_progress'); // in progress: nothing to reopen
    const notes = (await t.call('GET', '/api/v1/me/notifications', { as: agentCookie })).json().items;
    expect(notes[0]).toMatchObject({ kind: 'customer_reply', caseNumber: c.number });
  });

  it('02 a reply found by its [CS…] subject tag', async () => {
    const c = await caseWithOurMail();
    expect((await receiveFixture(t, '02-reply-subject-tag.eml', vars(c))).json()).toMatchObject({ outcome: 'added', caseNumber: c.number });
    expect((await comments(c.number))[0].body).toBe('Answering by subject tag only.');
  });

  it('03 mail from a known contact without a thread opens a case (channel email)', async () => {
    const res = (await receiveFixture(t, '03-new-case-known-contact.eml', vars({ number: 'CS0000000', ref: '<none@x>' }))).json();
    expect(res.outcome).toBe('created');
    expect(await getCase(res.caseNumber)).toMatchObject({ channel: 'email', status: 'new', contactId: contact.id, accountId: account.id, shortDescription: 'Our scanners stopped syncing', description: expect.stringContaining('40 scanners') });
  });

  it('04 an unknown sender whose domain no account has is rejected, recorded, no case', async () => {
    const before = await t.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = (await receiveFixture(t, '04-unknown-sender.eml', vars({ number: 'CS0', ref: '<x@y>' }))).json();
    expect(res).toMatchObject({ outcome: 'rejected', caseNumber: null });
    expect(res.reason).toMatch(/unknown sender/);
    const after = await t.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('15 an unknown sender at an account’s domain becomes a contact with a new case', async () => {
    const res = (await receiveFixture(t, '15-domain-sender.eml', vars({ number: 'CS0', ref: '<x@y>' }))).json();
    expect(res.outcome).toBe('created');
    const c = await getCase(res.caseNumber);
    expect(c).toMatchObject({ accountId: account.id, contactName: 'New Colleague' });
  });

  it.each([
    ['05-auto-reply.eml', /Auto-Submitted/],
    ['06-bounce.eml', /bounce|MAILER-DAEMON/i],
    ['07-precedence-bulk.eml', /Precedence: bulk/],
    ['08-from-our-address.eml', /our own address/],
    ['16-x-autoreply.eml', /X-Autoreply/],
  ])('%s is recorded but never reopens, opens or answers', async (fixture, reason) => {
    const c = await caseWithOurMail('waiting_for_response');
    const cases = Number((await t.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const outbox = Number((await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const res = (await receiveFixture(t, fixture, vars(c))).json();
    expect(res.outcome).toBe('auto');
    expect(res.reason).toMatch(reason);
    expect((await getCase(c.number)).status).toBe('waiting_for_response');
    expect(Number((await t.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(cases);
    expect(Number((await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(outbox);
    const msgs = (await t.call('GET', `/api/v1/cases/${c.number}/timeline?filter=emails`, { as: agentCookie })).json().items;
    if (fixture !== '07-precedence-bulk.eml') expect(msgs.some((e: { message: { status: string } }) => e.message.status === 'auto')).toBe(true);
  });

  it('the same Message-ID twice adds one message', async () => {
    const c = await caseWithOurMail();
    const raw = `From: ${contact.email}\r\nTo: support@casebook.local\r\nSubject: Re: x [${c.number}]\r\nMessage-ID: <dup-1@customer.test>\r\n\r\nOnce only.\r\n`;
    const send = () => t.app.inject({ method: 'POST', url: '/api/v1/inbound/email', headers: { 'content-type': 'message/rfc822', authorization: 'Bearer test-inbound-token-0123456789abcdef' }, payload: raw });
    expect((await send()).json().outcome).toBe('added');
    expect((await send()).json().outcome).toBe('duplicate');
    expect((await comments(c.number)).filter((x: { body: string }) => x.body === 'Once only.')).toHaveLength(1);
  });

  it('09 attachments are kept with the reply, stored safely and typed from content', async () => {
    const c = await caseWithOurMail();
    await receiveFixture(t, '09-attachment.eml', vars(c));
    const [latest] = await comments(c.number);
    expect(latest.attachments).toEqual([expect.objectContaining({ fileName: 'error log.txt', contentType: 'text/plain', visibility: 'customer' })]);
    const dl = await t.call('GET', `/api/v1/attachments/${latest.attachments[0].id}`, { as: agentCookie });
    expect(dl.body).toBe('ERROR 42: printer on fire\n');
  });

  it('10 a reply from someone who is not a participant is held for an agent, who can release it as a note', async () => {
    const c = await caseWithOurMail();
    const res = (await receiveFixture(t, '10-non-participant.eml', vars(c))).json();
    expect(res.outcome).toBe('held');
    expect((await comments(c.number)).some((x: { body: string }) => x.body.includes('invoices'))).toBe(false);
    const held = (await t.call('GET', `/api/v1/cases/${c.number}/timeline?filter=emails`, { as: agentCookie })).json().items.find((e: { message: { status: string } }) => e.message.status === 'held');
    expect(held.message).toMatchObject({ from: 'eve@elsewhere.test', reason: expect.stringMatching(/not a participant/) });
    expect((await t.call('POST', `/api/v1/messages/${held.message.id}/release`, { as: agentCookie })).statusCode).toBe(204);
    const [note] = await comments(c.number);
    expect(note).toMatchObject({ visibility: 'internal' });
    expect(note.body).toContain('eve@elsewhere.test');
    expect((await t.call('POST', `/api/v1/messages/${held.message.id}/release`, { as: agentCookie })).statusCode).toBe(409);
  });

  it.each(['11-malformed.eml', '12-binary-garbage.eml'])('%s is refused clearly and stores nothing', async (fixture) => {
    const count = async () => Number((await t.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const res = await receiveFixture(t, fixture, {});
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/Not (an|a parsable) email/);
    expect(await count()).toBe(before);
  });

  it('13 encoded Unicode subjects and 8-bit bodies arrive intact', async () => {
    const res = (await receiveFixture(t, '13-unicode-subject.eml', vars({ number: 'CS0', ref: '<x@y>' }))).json();
    expect(res.outcome).toBe('created');
    expect(await getCase(res.caseNumber)).toMatchObject({ shortDescription: 'Drucker in Zürich brennt 🔥', description: expect.stringContaining('Zürich') });
  });

  it('14 an HTML-only reply is kept as text, its markup inert', async () => {
    const c = await caseWithOurMail();
    await receiveFixture(t, '14-html-only.eml', vars(c));
    const [latest] = await comments(c.number);
    expect(latest.body).toContain('It works now, thanks!');
    expect(latest.body).not.toContain('<script>');
  });
});

describe('the SMTP listener', () => {
  it('takes mail through the same pipeline: a known contact opens a case, a malformed message is refused', async () => {
    const server = createInboundSmtp(t.db, t.config.dataDir, { info: () => {}, warn: () => {} });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as { port: number }).port;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    try {
      const info = await transport.sendMail({ from: contact.email, to: 'support@casebook.local', subject: 'Sent over SMTP to the listener', text: 'Hello from SMTP.' });
      expect(info.accepted).toEqual(['support@casebook.local']);
      const c = await t.db.selectFrom('cases').select(['number', 'channel', 'contact_id']).where('short_description', '=', 'Sent over SMTP to the listener').executeTakeFirstOrThrow();
      expect(c).toMatchObject({ channel: 'email', contact_id: contact.id });
      // No From address: permanently refused (5xx), nothing stored.
      await expect(transport.sendMail({ envelope: { from: 'x@y.test', to: 'support@casebook.local' }, raw: 'Subject: no sender\r\n\r\nbody\r\n' })).rejects.toThrow(/550/);
    } finally {
      transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('reopening by reply', () => {
  it.each([
    ['waiting_for_response', 'reopened'],
    ['resolved', 'reopened'],
    ['closed', 'closed'],
    ['canceled', 'canceled'],
  ] as const)('a reply to a %s case leaves it %s', async (status, expected) => {
    const c = await caseWithOurMail(status);
    const res = (await receiveFixture(t, '01-reply-in-reply-to.eml', vars(c))).json();
    expect(res.outcome).toBe('added');
    const after = await getCase(c.number);
    expect(after.status).toBe(expected);
    if (expected === 'reopened') expect(after.assigneeId).toBeNull();
    else expect(after.assigneeId).toBe(agent.id);
  });
});
