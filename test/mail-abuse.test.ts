import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { clock } from '../src/platform/clock.js';
import { INBOUND_TOKEN, startTestApp, type TestApp } from './helpers/app.js';
import { act, makeAccount, makeCase, makeContact, makeCustomer, makeUser } from './helpers/factories.js';
import { startSmtpServer, workerFor } from './helpers/mail.js';

// Mail abuse (issue 9): auto-responder storms die out, forged thread headers from outsiders are
// held, and a case's watchers get digests instead of one mail per update.

type Received = ParsedMail & { envelopeTo: string[] };
let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let agent: Awaited<ReturnType<typeof makeUser>>;
let agentCookie: string;
let watcherUser: Awaited<ReturnType<typeof makeUser>>;
let onHoliday: Awaited<ReturnType<typeof makeUser>>;
let account: { id: number };
let contact: { id: number; email: string };

beforeAll(async () => {
  t = await startTestApp();
  smtp = await startSmtpServer();
  agent = await makeUser(t, { name: 'Maya Patel' });
  agentCookie = await agent.cookie();
  watcherUser = await makeUser(t, { name: 'Grace Kim' });
  onHoliday = await makeUser(t, { name: 'Omar Haddad' });
  account = await makeAccount(t, { domain: 'customer.test' });
  contact = await makeContact(t, { accountId: account.id, name: 'Nancy Davolio', email: 'nancy@customer.test' });
});
afterAll(async () => {
  clock.reset();
  await smtp?.down().catch(() => {});
  await t?.close();
});

/** Delivers everything due (digests included) through the real SMTP server; returns what arrived. */
async function deliver(app: TestApp = t): Promise<Received[]> {
  const before = smtp.received.length;
  const worker = workerFor(app, smtp.url);
  while ((await worker.runOnce()) > 0) {
    /* until the outbox has nothing due */
  }
  await worker.stop();
  return smtp.received.slice(before);
}

const to = (mails: Received[], address: string) => mails.filter((m) => m.envelopeTo.includes(address));
const enc = (s: string) => `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;

/** A raw email as a peer would send it. */
function rawMail(m: { from: string; subject: string; body: string; inReplyTo?: string; references?: string; headers?: Record<string, string>; to?: string }): Buffer {
  const lines = [
    `From: ${m.from}`,
    `To: ${m.to ?? 'support@casebook.local'}`,
    `Subject: ${enc(m.subject)}`,
    `Message-ID: <${randomBytes(8).toString('hex')}@peer.test>`,
    `Date: ${clock.now().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`] : []),
    ...(m.references ? [`References: ${m.references}`] : []),
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${m.body.replace(/\r?\n/g, '\r\n')}\r\n`, 'utf8');
}

async function inbound(app: TestApp, raw: Buffer) {
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/inbound/email', headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${INBOUND_TOKEN}` }, payload: raw });
  expect(res.statusCode).toBe(200);
  return res.json() as { outcome: string; caseNumber: string | null; reason: string | null };
}

const getCase = async (number: string) => (await t.call('GET', `/api/v1/cases/${number}`, { as: agentCookie })).json();
const comments = async (number: string) => (await t.call('GET', `/api/v1/cases/${number}/timeline?filter=comments`, { as: agentCookie })).json().items.map((e: { comment: { body: string; visibility: string; authorType: string; authorId: number | null } }) => e.comment);
const pendingNotices = async (caseId: number) => Number((await t.db.selectFrom('watch_notices').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', caseId).executeTakeFirstOrThrow()).n);
const addWatcher = (number: string, body: unknown, as = agentCookie) => t.call('POST', `/api/v1/cases/${number}/watchers`, { as, body });

// ---- the peers of a storm: each answers every mail it gets

type Responder = (mail: Received, address: string) => Buffer;
const threading = (mail: Received) => ({ inReplyTo: mail.messageId, references: [mail.references ?? []].flat().concat(mail.messageId ?? []).join(' ') });
/** RFC 3834: says what it is in Auto-Submitted. */
const rfcResponder: Responder = (mail, address) => rawMail({ from: address, subject: `Automatic reply: ${mail.subject}`, body: 'I am away until Monday.', headers: { 'Auto-Submitted': 'auto-replied' }, ...threading(mail) });
/** No headers, but an out-of-office subject. */
const oooResponder: Responder = (mail, address) => rawMail({ from: address, subject: `Out of Office: ${mail.subject}`, body: 'I am away until Monday.', ...threading(mail) });
/** The worst kind: no headers, an ordinary "Re:" subject that keeps our [CS…] tag, a plausible body. */
const naiveResponder: Responder = (mail, address) => rawMail({ from: address, subject: `Re: ${mail.subject}`, body: `Thank you for your message (${randomBytes(3).toString('hex')}). I will answer as soon as I can.`, ...threading(mail) });

/**
 * Runs a storm: each round delivers what is due, every peer answers each mail it got (fed back
 * into the inbound pipeline of the instance that sent it), and the clock moves on. Returns the
 * mails each address received, round by round.
 */
async function storm(opts: { app: TestApp; peers: Record<string, Responder>; rounds: number; stepMs: number }) {
  const perRound: Received[][] = [];
  const outcomes: string[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const sent = await deliver(opts.app);
    perRound.push(sent);
    for (const mail of sent) {
      for (const address of mail.envelopeTo) {
        const peer = opts.peers[address];
        if (peer) outcomes.push((await inbound(opts.app, peer(mail, address))).outcome);
      }
    }
    clock.advance(opts.stepMs);
  }
  return { perRound, outcomes, all: perRound.flat() };
}

describe('watch lists', () => {
  it('staff add and remove watchers (users or addresses); outsiders cannot; the list is audited', async () => {
    const c = await makeCase(t, { contactId: contact.id });
    const url = `/api/v1/cases/${c.number}/watchers`;
    expect((await t.call('GET', url, { as: agentCookie })).json()).toEqual({ items: [] });

    const me = await addWatcher(c.number, { userId: agent.id });
    expect(me.statusCode).toBe(201);
    expect(me.json()).toMatchObject({ caseNumber: c.number, userId: agent.id, name: 'Maya Patel', email: agent.email, addedBy: 'Maya Patel' });
    expect((await addWatcher(c.number, { userId: agent.id })).statusCode).toBe(409);
    // A colleague's address watches as that colleague; another address as itself, lower-cased.
    expect((await addWatcher(c.number, { email: watcherUser.email.toUpperCase() })).json()).toMatchObject({ userId: watcherUser.id, name: 'Grace Kim' });
    const ext = await addWatcher(c.number, { email: 'Boss@Partner.test' });
    expect(ext.json()).toMatchObject({ userId: null, name: null, email: 'boss@partner.test' });
    expect((await addWatcher(c.number, { email: 'boss@partner.test' })).statusCode).toBe(409);

    // Bad input is a clear 400; the contact is told anyway (422); unknown users and cases.
    for (const body of [{}, { userId: agent.id, email: 'x@y.test' }, { email: 'not an address' }, { userId: -1 }, { userId: agent.id, accountId: 1 }]) {
      const res = await addWatcher(c.number, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message.length).toBeGreaterThan(5);
    }
    expect((await addWatcher(c.number, { email: contact.email })).statusCode).toBe(422);
    expect((await addWatcher(c.number, { userId: 999999 })).statusCode).toBe(400);
    expect((await addWatcher('CS9999999', { userId: agent.id })).statusCode).toBe(404);

    // Customers and anonymous callers neither see nor change watch lists.
    const customer = await makeCustomer(t, { accountId: account.id });
    expect((await t.call('GET', url, { as: customer.cookie })).statusCode).toBe(403);
    expect((await addWatcher(c.number, { email: 'spy@elsewhere.test' }, customer.cookie)).statusCode).toBe(403);
    expect((await t.call('GET', url, { as: null })).statusCode).toBe(401);
    expect((await t.call('DELETE', `${url}/${ext.json().id}`, { as: null })).statusCode).toBe(401);

    const list = (await t.call('GET', url, { as: agentCookie })).json().items;
    expect(list.map((w: { email: string }) => w.email)).toEqual([agent.email, watcherUser.email, 'boss@partner.test']);
    expect((await t.call('DELETE', `${url}/${ext.json().id}`, { as: agentCookie })).statusCode).toBe(204);
    expect((await t.call('DELETE', `${url}/${ext.json().id}`, { as: agentCookie })).statusCode).toBe(404);
    expect((await t.call('GET', url, { as: agentCookie })).json().items).toHaveLength(2);

    const audit = await t.db.selectFrom('audit_log').select(['old_value', 'new_value']).where('entity', '=', 'case').where('entity_id', '=', c.id).where('field', '=', 'watcher').orderBy('id').execute();
    expect(audit).toEqual([
      { old_value: null, new_value: 'Maya Patel' },
      { old_value: null, new_value: 'Grace Kim' },
      { old_value: null, new_value: 'boss@partner.test' },
      { old_value: 'boss@partner.test', new_value: null },
    ]);
  });

  it('100 updates in a minute: at most 3 digest mails per watcher, listing all 100; work notes never reach an email-only watcher', async () => {
    const c = await makeCase(t, { contactId: contact.id, shortDescription: 'Scanner fleet offline' });
    await act(t, c.number, 'start', {}, agentCookie);
    await deliver(); // the "we are working on it" mail to the contact
    expect((await addWatcher(c.number, { userId: watcherUser.id })).statusCode).toBe(201);
    expect((await addWatcher(c.number, { email: 'lead@partner.test' })).statusCode).toBe(201);

    const sent: Received[] = [];
    const kinds = { comment: [] as string[], note: [] as string[], status: 0 };
    let waiting = false;
    for (let i = 1; i <= 100; i++) {
      if (i % 10 === 0) {
        expect((await act(t, c.number, waiting ? 'start' : 'wait', {}, agentCookie)).statusCode).toBe(200);
        waiting = !waiting;
        kinds.status++;
      } else if (i % 3 === 0) {
        const res = await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: `Secret work note U${i}: the root password is on the whiteboard`, visibility: 'internal' } });
        expect(res.statusCode).toBe(201);
        kinds.note.push(`U${i}:`);
      } else {
        const res = await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: `Customer update U${i}: still checking`, visibility: 'customer' } });
        expect(res.statusCode).toBe(201);
        kinds.comment.push(`U${i}:`);
      }
      clock.advance(600); // 100 updates in 60 seconds
      if (i % 10 === 0) sent.push(...(await deliver())); // the worker polls as usual meanwhile
    }
    clock.advance(10 * 60_000);
    sent.push(...(await deliver()));

    const staffDigests = to(sent, watcherUser.email);
    const extDigests = to(sent, 'lead@partner.test');
    console.log(`mail-abuse: 100 updates in 60 s → ${staffDigests.length} digest(s) to the staff watcher, ${extDigests.length} to the email-only watcher`);
    expect(staffDigests.length).toBeGreaterThanOrEqual(1);
    expect(staffDigests.length).toBeLessThanOrEqual(3);
    expect(extDigests.length).toBeGreaterThanOrEqual(1);
    expect(extDigests.length).toBeLessThanOrEqual(3);

    const listed = (mails: Received[]) => mails.flatMap((m) => (m.text ?? '').split('\n').filter((l) => l.startsWith('- ')));
    const staffLines = listed(staffDigests);
    expect(staffLines).toHaveLength(100);
    for (const tag of [...kinds.comment, ...kinds.note]) expect(staffLines.filter((l) => l.includes(tag)), tag).toHaveLength(1);
    expect(staffLines.filter((l) => l.includes('Status:'))).toHaveLength(kinds.status);

    // The outsider hears what the customer may hear: comments and status changes, no work notes.
    const extText = extDigests.map((m) => `${m.subject}\n${m.text}\n${m.html}`).join('\n');
    expect(listed(extDigests)).toHaveLength(kinds.comment.length + kinds.status);
    for (const tag of kinds.comment) expect(extText).toContain(tag);
    expect(extText).not.toMatch(/Secret|whiteboard|Work note/);
    for (const tag of kinds.note) expect(extText).not.toContain(` ${tag}`);
    expect(extText).not.toContain(`/cases/${c.number}`); // no workspace link for outsiders

    for (const m of [...staffDigests, ...extDigests]) {
      expect(m.subject).toBe(`Updates on ${c.number}: Scanner fleet offline [${c.number}]`);
      expect(m.headers.get('auto-submitted')).toBe('auto-generated');
      expect(m.headers.get('x-auto-response-suppress')).toBe('All');
    }
    expect(staffDigests[0]!.text).toContain(`https://support.example.test/cases/${c.number}`);
    expect(staffDigests[0]!.text).toContain('Hello Grace Kim');
    // The author of the updates watches nothing here and the contact gets no digest.
    expect(to(sent, contact.email).every((m) => !m.subject?.startsWith('Updates on'))).toBe(true);
    // Everything waiting was sent; nothing is left over.
    expect(await t.db.selectFrom('watch_notices').select('id').where('case_id', '=', c.id).where('outbox_id', 'is', null).execute()).toEqual([]);
  });

  it('a case that never goes quiet still gets a digest at least every watchers.digestMaxDelaySeconds', async () => {
    const c = await makeCase(t, { shortDescription: 'Chatty case' });
    await addWatcher(c.number, { userId: watcherUser.id });
    const sent: Received[] = [];
    for (let i = 1; i <= 30; i++) {
      await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: `Progress P${i}:`, visibility: 'internal' } });
      clock.advance(20_000); // one update every 20 s for ten minutes: never 60 s of quiet
      sent.push(...(await deliver()));
    }
    const during = to(sent, watcherUser.email).length;
    clock.advance(5 * 60_000);
    sent.push(...(await deliver()));
    const digests = to(sent, watcherUser.email);
    // 600 s of updates with a 300 s maximum delay: a digest at 300 s (P1–P15) and at 600 s (P16–P30).
    expect(during).toBe(2);
    expect(digests.length).toBe(2);
    const lines = digests.flatMap((m) => (m.text ?? '').split('\n').filter((l) => l.startsWith('- ')));
    expect(lines).toHaveLength(30);
    for (let i = 1; i <= 30; i++) expect(lines.filter((l) => l.includes(`P${i}:`))).toHaveLength(1);
  });

  it('an author is not told of their own update; a watcher list survives the digest template being edited', async () => {
    const c = await makeCase(t, { shortDescription: 'Label printer jams' });
    await addWatcher(c.number, { userId: agent.id });
    await addWatcher(c.number, { userId: watcherUser.id });
    const tpl = (await t.call('GET', '/api/v1/email-templates/watcher_digest', { as: t.adminCookie })).json();
    const edited = await t.call('PATCH', '/api/v1/email-templates/watcher_digest', {
      as: t.adminCookie,
      headers: { 'if-match': `"${tpl.version}"` },
      body: { subject: 'Digest {{ case.number }}', body: '{{ count }} new:\n{% for u in updates %}* {{ u.who }}: {{ u.text }}\n{% endfor %}' },
    });
    expect(edited.statusCode).toBe(200);
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: 'Cleaned the rollers', visibility: 'internal' } });
    clock.advance(5 * 60_000);
    const sent = await deliver();
    expect(to(sent, agent.email)).toEqual([]);
    const [mail] = to(sent, watcherUser.email);
    expect(mail!.subject).toBe(`Digest ${c.number} [${c.number}]`);
    expect(mail!.text).toBe('1 new:\n* Maya Patel: Work note: Cleaned the rollers');
    await t.call('PATCH', '/api/v1/email-templates/watcher_digest', { as: t.adminCookie, body: { subject: tpl.subject, body: tpl.body } });
  });
});

describe('auto-responder storms', () => {
  const ROUNDS = 24; // 24 rounds of 30 s: twelve simulated minutes, far more than one
  const STEP = 30_000;

  async function stormCase(peerContact: string, peerWatcher: string) {
    const acc = await makeAccount(t, { domain: peerContact.split('@')[1] });
    const who = await makeContact(t, { accountId: acc.id, email: peerContact });
    const c = await makeCase(t, { contactId: who.id, shortDescription: `Storm ${randomBytes(2).toString('hex')}` });
    await act(t, c.number, 'start', {}, agentCookie);
    expect((await addWatcher(c.number, { email: peerWatcher })).statusCode).toBe(201);
    expect((await addWatcher(c.number, { userId: watcherUser.id })).statusCode).toBe(201);
    expect((await addWatcher(c.number, { userId: onHoliday.id })).statusCode).toBe(201);
    return c;
  }

  /** The trigger: one customer-visible comment; then the storm. Returns mails per peer. */
  async function run(c: { number: string; id: number }, peers: Record<string, Responder>) {
    await deliver(); // the start mail is no part of the storm
    clock.advance(10 * 60_000);
    await deliver();
    expect((await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: 'We replaced the fuser; please test.', visibility: 'customer' } })).statusCode).toBe(201);
    const result = await storm({ app: t, peers, rounds: ROUNDS, stepMs: STEP });
    const counts = Object.fromEntries(Object.keys(peers).map((p) => [p, to(result.all, p).length]));
    return { ...result, counts };
  }

  it.each([
    ['RFC 3834 responders (Auto-Submitted: auto-replied)', rfcResponder, 0],
    ['header-less responders with an out-of-office subject', oooResponder, 0],
    ['naive responders: no headers, an ordinary "Re:" subject', naiveResponder, 1],
  ] as const)('%s: the storm dies at once — at most one mail in response', async (name, responder, maxResponses) => {
    const id = randomBytes(2).toString('hex');
    const peerContact = `buyer-${id}@storm-${id}.test`;
    const peerWatcher = `partner-${id}@elsewhere-${id}.test`;
    const c = await stormCase(peerContact, peerWatcher);
    // Both staff watchers are on holiday, their mailboxes answering too: staff mail joins the case
    // as work notes, which staff watchers hear of — the classic ping-pong if nothing stopped it.
    const peers = { [peerContact]: responder, [peerWatcher]: responder, [watcherUser.email]: responder, [onHoliday.email]: responder };
    const { counts, perRound, outcomes } = await run(c, peers);
    // Caused by the trigger: the comment to the contact, one digest to each of the three watchers.
    expect(counts[peerContact]).toBe(1);
    const triggered = 1 + 3;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`mail-abuse: storm of ${name}, ${ROUNDS} rounds × ${STEP / 1000} s, 4 peers: ${total} mails out (${triggered} caused by the trigger), ${outcomes.length} answers in: ${[...new Set(outcomes)].map((o) => `${o}×${outcomes.filter((x) => x === o).length}`).join(' ')}`);
    expect(total - triggered).toBeLessThanOrEqual(maxResponses);
    for (const n of Object.values(counts)) expect(n).toBeLessThanOrEqual(2);
    // It is over long before the end: the second half of the storm sends nothing.
    expect(perRound.slice(ROUNDS / 2).flat()).toEqual([]);
    // The peers' answers were recorded, and each of the first two kinds recognised as automatic.
    expect(outcomes.length).toBe(total);
    if (maxResponses === 0) expect(outcomes.every((o) => o === 'auto')).toBe(true);
    const after = await getCase(c.number);
    expect(after.status).toBe('in_progress');
  });

  it('two Casebook instances, each the other one’s contact, exchange at most one automatic mail', async () => {
    const t2 = await startTestApp();
    try {
      const setFrom = async (app: TestApp, address: string) => {
        const res = await app.call('PATCH', '/api/v1/properties/email.from', { as: app.adminCookie, body: { value: address } });
        expect(res.statusCode).toBe(200);
      };
      await setFrom(t, 'support@one.test');
      await setFrom(t2, 'support@two.test');
      // Each knows the other's support address as a contact, and watches its cases by mail.
      const acc1 = await makeAccount(t, { domain: 'two.test' });
      const c1Contact = await makeContact(t, { accountId: acc1.id, email: 'support@two.test' });
      const acc2 = await makeAccount(t2, { domain: 'one.test' });
      await makeContact(t2, { accountId: acc2.id, email: 'support@one.test' });

      const c = await makeCase(t, { contactId: c1Contact.id, shortDescription: 'Invoice interface down' });
      await act(t, c.number, 'start', {}, agentCookie);
      await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: 'Could you send us the log?', visibility: 'customer' } });

      // Mail to one instance's address goes into that instance's inbound pipeline.
      const instances: Record<string, TestApp> = { 'support@one.test': t, 'support@two.test': t2 };
      const exchanged: Received[] = [];
      const outcomes: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const sent = [...(await deliver(t)), ...(await deliver(t2))];
        exchanged.push(...sent);
        for (const mail of sent) {
          for (const address of mail.envelopeTo) {
            const target = instances[address];
            if (!target) continue;
            const res = await target.app.inject({ method: 'POST', url: '/api/v1/inbound/email', headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${INBOUND_TOKEN}` }, payload: rawOf(mail) });
            outcomes.push(res.json().outcome);
          }
        }
        clock.advance(STEP);
      }
      // Instance one sent its two mails (case opened, the comment); instance two answered nothing
      // automatically: the "opened" mail was recognised as automatic, the comment opened a case.
      const fromOne = exchanged.filter((m) => m.from?.value[0]?.address === 'support@one.test');
      const fromTwo = exchanged.filter((m) => m.from?.value[0]?.address === 'support@two.test');
      console.log(`mail-abuse: two instances, ${ROUNDS} rounds: one sent ${fromOne.length}, two sent ${fromTwo.length}; two's outcomes: ${outcomes.join(', ')}`);
      expect(fromOne).toHaveLength(2);
      expect(fromTwo.length).toBeLessThanOrEqual(1);
      expect(outcomes.sort()).toEqual(['auto', 'created']);
      const created = await t2.db.selectFrom('cases').select(['number', 'channel']).execute();
      expect(created).toHaveLength(1);
      expect(created[0]!.channel).toBe('email');
    } finally {
      await t.call('PATCH', '/api/v1/properties/email.from', { as: t.adminCookie, body: { value: 'support@casebook.local' } });
      await t2.close();
    }
  });
});

/** A received mail as raw MIME again, headers that matter for threading and loops kept. */
function rawOf(mail: Received): Buffer {
  const headers: Record<string, string> = {};
  const auto = mail.headers.get('auto-submitted');
  if (auto) headers['Auto-Submitted'] = String(auto);
  return Buffer.from(
    [
      `From: ${mail.from!.value[0]!.address}`,
      `To: ${mail.envelopeTo.join(', ')}`,
      `Subject: ${enc(mail.subject ?? '')}`,
      `Message-ID: ${mail.messageId}`,
      ...(mail.inReplyTo ? [`In-Reply-To: ${mail.inReplyTo}`] : []),
      ...(mail.references ? [`References: ${[mail.references].flat().join(' ')}`] : []),
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      'Content-Type: text/plain; charset=utf-8',
      '',
      (mail.text ?? '').replace(/\r?\n/g, '\r\n'),
    ].join('\r\n'),
    'utf8',
  );
}

describe('forged thread headers', () => {
  /** A resolved case of the contact (a reply would reopen it), with one mail we sent and a watcher. */
  async function resolvedCase() {
    const c = await makeCase(t, { contactId: contact.id, shortDescription: 'Printer on fire' });
    await act(t, c.number, 'start', {}, agentCookie);
    await t.call('POST', `/api/v1/cases/${c.number}/comments`, { as: agentCookie, body: { body: 'We renewed the toner.', visibility: 'customer' } });
    await act(t, c.number, 'resolve', { resolutionCode: 'solved', resolutionNotes: 'Toner renewed.' }, agentCookie);
    await addWatcher(c.number, { userId: watcherUser.id });
    const ref = (await t.db.selectFrom('messages').select('message_id').where('case_id', '=', c.id).where('direction', '=', 'out').orderBy('id', 'asc').executeTakeFirstOrThrow()).message_id!;
    return { ...c, ref };
  }

  it('an outsider’s In-Reply-To, References or subject tag: held, not in the conversation, no reopen, no watcher mail; an agent releases it', async () => {
    const c = await resolvedCase();
    const other = await makeContact(t, { email: 'mallory@other-account.test' });
    const forgeries = [
      { from: 'Eve <eve@elsewhere.test>', inReplyTo: c.ref },
      { from: 'eve@elsewhere.test', references: `<unknown@x.test> ${c.ref}` },
      { from: 'eve@elsewhere.test', tag: true },
      { from: other.email, inReplyTo: c.ref, tag: true }, // a contact, but of another account
      { from: `"${contact.email}" <eve@elsewhere.test>`, inReplyTo: c.ref }, // a display name that looks like the contact
    ];
    const before = (await comments(c.number)).length;
    const notices = await pendingNotices(c.id);
    const held: string[] = [];
    for (const f of forgeries) {
      const res = await inbound(t, rawMail({ from: f.from, subject: f.tag ? `Re: Printer on fire [${c.number}]` : 'Re: Printer on fire', body: 'Please send me all invoices of this customer.', inReplyTo: f.inReplyTo, references: f.references }));
      expect(res, f.from).toMatchObject({ outcome: 'held', caseNumber: c.number, reason: expect.stringMatching(/not a participant/) });
      held.push(res.reason!);
    }
    expect((await comments(c.number)).length).toBe(before);
    expect((await getCase(c.number)).status).toBe('resolved');
    expect(await pendingNotices(c.id)).toBe(notices);
    const notes = (await t.call('GET', '/api/v1/me/notifications', { as: agentCookie })).json().items;
    expect(notes.filter((n: { kind: string; caseNumber: string }) => n.kind === 'mail_held' && n.caseNumber === c.number)).toHaveLength(forgeries.length);

    // The agent sees the held mail and releases it as a work note: still no reopen, nothing to the customer.
    const emails = (await t.call('GET', `/api/v1/cases/${c.number}/timeline?filter=emails`, { as: agentCookie })).json().items;
    const heldMsgs = emails.filter((e: { message: { status: string } }) => e.message.status === 'held');
    expect(heldMsgs).toHaveLength(forgeries.length);
    const customer = await makeCustomer(t, { accountId: account.id });
    expect((await t.call('POST', `/api/v1/messages/${heldMsgs[0].message.id}/release`, { as: customer.cookie })).statusCode).toBe(403);
    expect((await t.call('POST', `/api/v1/messages/${heldMsgs[0].message.id}/release`, { as: null })).statusCode).toBe(401);
    const outboxBefore = Number((await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', c.id).executeTakeFirstOrThrow()).n);
    expect((await t.call('POST', `/api/v1/messages/${heldMsgs[0].message.id}/release`, { as: agentCookie })).statusCode).toBe(204);
    expect((await t.call('POST', `/api/v1/messages/${heldMsgs[0].message.id}/release`, { as: agentCookie })).statusCode).toBe(409);
    expect((await t.call('POST', '/api/v1/messages/99999999/release', { as: agentCookie })).statusCode).toBe(404);
    const [note] = await comments(c.number);
    expect(note).toMatchObject({ visibility: 'internal' });
    expect(note.body).toContain('eve@elsewhere.test');
    expect((await getCase(c.number)).status).toBe('resolved');
    expect(Number((await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', c.id).executeTakeFirstOrThrow()).n)).toBe(outboxBefore);
  });

  it('participants are the contact, the watchers and staff: a watcher’s and an agent’s mail join as work notes, the contact’s reopens', async () => {
    const c = await resolvedCase();
    await addWatcher(c.number, { email: 'partner@elsewhere.test' });
    const w = await inbound(t, rawMail({ from: 'Pat Partner <partner@elsewhere.test>', subject: 'Re: Printer on fire', body: 'Our side sees it fixed.', inReplyTo: c.ref }));
    expect(w).toMatchObject({ outcome: 'added', caseNumber: c.number });
    const s = await inbound(t, rawMail({ from: watcherUser.email, subject: `Re: Printer on fire [${c.number}]`, body: 'Checked on site, fine.' }));
    expect(s).toMatchObject({ outcome: 'added', caseNumber: c.number });
    const [staffNote, watcherNote] = await comments(c.number);
    expect(watcherNote).toMatchObject({ visibility: 'internal', authorType: 'system' });
    expect(watcherNote.body).toBe('Email from Pat Partner <partner@elsewhere.test> (watching the case):\n\nOur side sees it fixed.');
    expect(staffNote).toMatchObject({ visibility: 'internal', authorType: 'user', authorId: watcherUser.id });
    // Work notes from mail do not reopen; the customer's own reply does.
    expect((await getCase(c.number)).status).toBe('resolved');
    expect((await inbound(t, rawMail({ from: contact.email, subject: 'Re: Printer on fire', body: 'It burns again.', inReplyTo: c.ref }))).outcome).toBe('added');
    expect((await getCase(c.number)).status).toBe('reopened');
  });

  it('a flood of new mail from one address opens at most email.maxNewCasesPerSenderPerHour cases an hour', async () => {
    expect((await t.call('PATCH', '/api/v1/properties/email.maxNewCasesPerSenderPerHour', { as: t.adminCookie, body: { value: 3 } })).statusCode).toBe(200);
    const flooder = await makeContact(t, { accountId: account.id, email: 'flood@customer.test' });
    const send = (i: number) => inbound(t, rawMail({ from: flooder.email, subject: `Ticket ${i} ${randomBytes(3).toString('hex')}`, body: `Message ${i}` }));
    const outcomes = [];
    for (let i = 1; i <= 6; i++) outcomes.push(await send(i));
    expect(outcomes.map((o) => o.outcome)).toEqual(['created', 'created', 'created', 'rejected', 'rejected', 'rejected']);
    expect(outcomes[3]!.reason).toMatch(/opened 3 cases by mail in the last hour.*email\.maxNewCasesPerSenderPerHour/);
    // Replies on existing cases are not limited, and another sender is not affected.
    expect((await inbound(t, rawMail({ from: flooder.email, subject: `Re: Ticket [${outcomes[0]!.caseNumber}]`, body: 'More details.' }))).outcome).toBe('added');
    expect((await inbound(t, rawMail({ from: contact.email, subject: 'Another question', body: 'Hello' }))).outcome).toBe('created');
    // An hour later the address may open cases again.
    clock.advance(61 * 60_000);
    expect((await send(7)).outcome).toBe('created');
    await t.call('PATCH', '/api/v1/properties/email.maxNewCasesPerSenderPerHour', { as: t.adminCookie, body: { value: 20 } });
  });

  it('out-of-office subjects are recognised without headers; ordinary replies are not', async () => {
    const c = await resolvedCase();
    for (const subject of ['Out of Office: Printer on fire', 'Automatic reply: Printer on fire', 'Autoreply: Printer on fire', 'AUTO: Printer on fire', 'Abwesenheitsnotiz: Printer on fire', 'Réponse automatique : Printer on fire', "I'm on vacation", 'Undeliverable mail: Printer on fire']) {
      const res = await inbound(t, rawMail({ from: contact.email, subject: `${subject} [${c.number}]`, body: 'Away.', inReplyTo: c.ref }));
      expect(res.outcome, subject).toBe('auto');
    }
    expect((await getCase(c.number)).status).toBe('resolved');
    const real = await inbound(t, rawMail({ from: contact.email, subject: `Re: Office printer out of toner [${c.number}]`, body: 'Still broken.', inReplyTo: c.ref }));
    expect(real.outcome).toBe('added');
  });
});
