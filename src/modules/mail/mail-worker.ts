import nodemailer, { type Transporter } from 'nodemailer';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { lockRows } from '../../db/sql.js';
import { clock } from '../../platform/clock.js';
import { getProperty } from '../settings/settings.service.js';
import { outboxEvents } from './outbox.service.js';
import { queueDueDigests } from '../watchers/watchers.service.js';

// Delivers the outbox through SMTP. Each round claims due mail with a lease (row locks that skip
// rows other instances hold, on PostgreSQL; the single write lock on SQLite), sends it, and marks
// it sent — or schedules a retry with backoff, or gives up after MAX_ATTEMPTS with the reason.

const MAX_ATTEMPTS = 8;
const LEASE_MS = 120_000;
const BATCH = 20;

export function backoffMs(attempt: number): number {
  return Math.min(3600_000, 15_000 * 2 ** Math.max(0, attempt - 1));
}

export interface WorkerLog {
  warn(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
}

export class MailWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;
  private readonly wake = () => this.kick(100);

  constructor(
    private readonly db: Kysely<DB>,
    private readonly transport: Transporter,
    private readonly log: WorkerLog,
    private readonly pollMs = 5000,
  ) {}

  static fromUrl(db: Kysely<DB>, smtpUrl: string, log: WorkerLog, pollMs?: number): MailWorker {
    return new MailWorker(db, nodemailer.createTransport(smtpUrl), log, pollMs);
  }

  start(): void {
    outboxEvents.on('queued', this.wake);
    this.kick(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    outboxEvents.off('queued', this.wake);
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.transport.close();
  }

  private kick(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), delay);
  }

  private async loop(): Promise<void> {
    if (this.running) return;
    try {
      this.running = this.runOnce();
      const sent = await this.running;
      this.running = null;
      this.kick(sent === BATCH ? 0 : this.pollMs);
    } catch (err) {
      this.running = null;
      this.log.warn({ err }, 'outbox round failed');
      this.kick(this.pollMs);
    }
  }

  /** One delivery round; returns how many mails it claimed. */
  async runOnce(): Promise<number> {
    // Watchers' digests that are due join the outbox first, so this round delivers them.
    await queueDueDigests(this.db);
    const now = clock.nowIso();
    const claimed = await this.db.transaction().execute(async (trx) => {
      const due = await lockRows(
        trx,
        trx
          .selectFrom('outbox')
          .select('id')
          .where((eb) =>
            eb.or([
              eb.and([eb('state', '=', 'queued'), eb('next_attempt_at', '<=', now)]),
              // A worker that died mid-send left its lease; take the mail over once it ran out.
              eb.and([eb('state', '=', 'sending'), eb('locked_until', '<', now)]),
            ]),
          )
          .orderBy('id')
          .limit(BATCH),
        { skipLocked: true },
      ).execute();
      if (due.length === 0) return [];
      // A lease that ran out while its mail was being handed to SMTP: the server may have taken
      // it before the worker died. Sending it again could deliver it twice, so it waits as failed
      // for a person to look (admin → Outbox → Retry).
      const interrupted = await trx
        .updateTable('outbox')
        .set({ state: 'failed', locked_until: null, last_error: 'Delivery was interrupted while the mail was being handed to the SMTP server; it may have arrived. Retry it if it did not.' })
        .where('id', 'in', due.map((d) => d.id))
        .where('state', '=', 'sending')
        .where('send_started_at', 'is not', null)
        .returning('id')
        .execute();
      const claim = due.map((d) => d.id).filter((id) => !interrupted.some((i) => i.id === id));
      if (claim.length === 0) return [];
      return trx
        .updateTable('outbox')
        .set((eb) => ({ state: 'sending', locked_until: new Date(Date.parse(now) + LEASE_MS).toISOString(), attempts: eb('attempts', '+', 1), send_started_at: null }))
        .where('id', 'in', claim)
        .returningAll()
        .execute();
    });
    if (claimed.length === 0) return 0;
    const from = String(await getProperty(this.db, 'email.from'));
    const company = String(await getProperty(this.db, 'company.name'));
    // Oldest first: UPDATE … RETURNING gives no order on PostgreSQL, and a customer must not get
    // "Resolved" before "We are working on your case".
    claimed.sort((a, b) => a.id - b.id);
    for (const mail of claimed) {
      try {
        await this.db.updateTable('outbox').set({ send_started_at: clock.nowIso() }).where('id', '=', mail.id).execute();
        await this.transport.sendMail({
          from: { name: `${company} Support`, address: from },
          to: mail.to_address,
          subject: mail.subject,
          text: mail.text_body,
          html: mail.html_body,
          messageId: mail.message_id,
          inReplyTo: mail.in_reply_to ?? undefined,
          references: mail.references ?? undefined,
          // Status notifications are machine-written: other systems must not auto-answer them.
          // X-Auto-Response-Suppress asks Exchange not to send out-of-office answers to them.
          headers: mail.template_key && mail.template_key !== 'new_reply' ? { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } : {},
        });
        await this.db.updateTable('outbox').set({ state: 'sent', sent_at: clock.nowIso(), locked_until: null, last_error: null }).where('id', '=', mail.id).execute();
      } catch (err) {
        const reason = (err as Error).message.slice(0, 1000);
        const give = mail.attempts >= MAX_ATTEMPTS;
        await this.db
          .updateTable('outbox')
          .set({
            state: give ? 'failed' : 'queued',
            last_error: reason,
            locked_until: null,
            send_started_at: null, // SMTP refused it: nothing was delivered
            next_attempt_at: new Date(clock.now().getTime() + backoffMs(mail.attempts)).toISOString(),
          })
          .where('id', '=', mail.id)
          .execute();
        this.log.warn({ mailId: mail.id, attempt: mail.attempts, reason }, give ? 'mail failed for good' : 'mail delivery failed; will retry');
      }
    }
    return claimed.length;
  }
}
