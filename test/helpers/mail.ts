import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import nodemailer from 'nodemailer';
import { MailWorker } from '../../src/modules/mail/mail-worker.js';
import { INBOUND_TOKEN, type TestApp } from './app.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'mail');

/** A real SMTP server on 127.0.0.1 that keeps what it receives; can go down and come back. */
export async function startSmtpServer() {
  const received: (ParsedMail & { envelopeTo: string[] })[] = [];
  let server: SMTPServer | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['AUTH', 'STARTTLS'],
        logger: false,
        onData(stream, session, callback) {
          simpleParser(stream).then((mail) => {
            received.push(Object.assign(mail, { envelopeTo: session.envelope.rcptTo.map((r) => r.address) }));
            callback();
          }, callback);
        },
      });
      // A client that dies mid-session (a killed server) resets its connection: not our error.
      server.on('error', () => {});
      server.listen(port, '127.0.0.1', () => {
        port = (server!.server.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  return {
    received,
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    /** Stops listening: deliveries fail until up() is called. */
    down: () => new Promise<void>((resolve) => server!.close(() => resolve())),
    up: listen,
  };
}

export function workerFor(t: TestApp, smtpUrl: string) {
  const quiet = { warn: () => {}, info: () => {} };
  return new MailWorker(t.db, nodemailer.createTransport(`${smtpUrl}?connectionTimeout=2000&greetingTimeout=2000`), quiet, 60_000);
}

/** Posts a fixture from test/fixtures/mail with its {{PLACEHOLDERS}} filled in. */
export function receiveFixture(t: TestApp, name: string, vars: Record<string, string>) {
  let raw = fs.readFileSync(path.join(fixtures, name));
  if (!name.includes('binary')) {
    let text = raw.toString('utf8');
    const all = { MSGID: `${Date.now()}.${Math.random().toString(36).slice(2)}`, OUR: 'support@casebook.local', ...vars };
    for (const [k, v] of Object.entries(all)) text = text.replaceAll(`{{${k}}}`, v);
    raw = Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
  }
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/inbound/email',
    headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${INBOUND_TOKEN}` },
    payload: raw,
  });
}
