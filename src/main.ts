import { loadConfigOrExit } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { buildApp } from './app.js';
import { bootstrapAdmin } from './modules/identity/bootstrap.js';
import { pruneSessions } from './modules/identity/auth.service.js';
import { pruneIdempotencyKeys } from './platform/idempotency.js';
import { loadDemoData } from './demo.js';
import { runtime } from './platform/runtime.js';
import { MailWorker } from './modules/mail/mail-worker.js';
import { createInboundSmtp } from './modules/mail/smtp-listener.js';
import { autoCloseResolved } from './modules/cases/auto-close.js';
import { markBreaches } from './modules/sla/sla.service.js';
import { sweepFiles } from './platform/files.js';
import { queueDueDigests } from './modules/watchers/watchers.service.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const started = Date.now();
  const database = openDatabase(config.database);
  const applied = await migrateToLatest(database.db);
  const where = config.database.kind === 'sqlite' ? `SQLite at ${config.database.file}` : 'PostgreSQL';
  console.log(`Casebook: database ${where}${applied.length ? `; applied migrations ${applied.join(', ')}` : ''}`);
  await bootstrapAdmin(database.db, { email: config.adminEmail, password: config.adminPassword }, (l) => console.log(l));
  runtime.publicUrl = config.publicUrl; // links in demo mails and comments
  // Files a crash left half-stored: finish the ones whose rows committed, drop the rest.
  const swept = await sweepFiles(database.db, config.dataDir, config.orphanFileGraceSeconds * 1000);
  if (swept.restored + swept.removedStaged + swept.removedUnreferenced > 0) {
    console.log(`Casebook: files after an interrupted run: ${swept.restored} restored, ${swept.removedStaged + swept.removedUnreferenced} unreferenced removed`);
  }
  if (process.argv.includes('--demo')) await loadDemoData(database.db, (l) => console.log(l), config.dataDir);

  const app = await buildApp(config, database.db);
  await app.listen({ port: config.port, host: config.host });
  console.log(`Casebook is ready on http://localhost:${config.port} (workspace /, portal /portal, API /api/v1, OpenAPI /api/docs) in ${Date.now() - started} ms`);

  // Outbound mail: without SMTP_URL it stays in the outbox (admin → Outbox) and nothing is lost.
  const worker = config.smtpUrl ? MailWorker.fromUrl(database.db, config.smtpUrl, app.log, config.mailPollSeconds * 1000) : null;
  worker?.start();
  if (!worker) console.log('Casebook: SMTP_URL is not set — outgoing mail stays in the outbox');
  const smtp = config.inboundSmtpPort !== null ? createInboundSmtp(database.db, config.dataDir, app.log) : null;
  if (smtp) {
    await new Promise<void>((resolve) => smtp.listen(config.inboundSmtpPort!, config.host, resolve));
    console.log(`Casebook: receiving mail by SMTP on port ${config.inboundSmtpPort}`);
  }

  // Housekeeping: expired sessions, old idempotency records, auto-closing resolved cases.
  const housekeeping = setInterval(() => {
    Promise.all([
      pruneSessions(database.db),
      pruneIdempotencyKeys(database.db),
      autoCloseResolved(database.db),
      // Uploads in progress are minutes old at most.
      sweepFiles(database.db, config.dataDir, Math.max(3600, config.orphanFileGraceSeconds) * 1000),
    ]).catch((err) =>
      app.log.warn({ err }, 'housekeeping failed'),
    );
  }, 10 * 60 * 1000);
  housekeeping.unref();
  // SLA breaches are marked when they happen, not when someone looks.
  const breaches = setInterval(() => void markBreaches(database.db).catch((err) => app.log.warn({ err }, 'breach check failed')), 60_000);
  breaches.unref();
  // Without a mail worker (no SMTP_URL) watchers' digests still join the outbox; a worker queues them itself.
  const digests = worker ? null : setInterval(() => void queueDueDigests(database.db).catch((err) => app.log.warn({ err }, 'digest round failed')), 30_000);
  digests?.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal}: shutting down`);
    clearInterval(housekeeping);
    clearInterval(breaches);
    if (digests) clearInterval(digests);
    await worker?.stop();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error('Casebook failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
