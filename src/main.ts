import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { buildApp } from './app.js';
import { bootstrapAdmin } from './modules/identity/bootstrap.js';
import { pruneSessions } from './modules/identity/auth.service.js';
import { pruneIdempotencyKeys } from './platform/idempotency.js';
import { loadDemoData } from './demo.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const started = Date.now();
  const database = openDatabase(config.database);
  const applied = await migrateToLatest(database.db);
  const where = config.database.kind === 'sqlite' ? `SQLite at ${config.database.file}` : 'PostgreSQL';
  console.log(`Casebook: database ${where}${applied.length ? `; applied migrations ${applied.join(', ')}` : ''}`);
  await bootstrapAdmin(database.db, { email: config.adminEmail, password: config.adminPassword }, (l) => console.log(l));
  if (process.argv.includes('--demo')) await loadDemoData(database.db, (l) => console.log(l));

  const app = await buildApp(config, database.db);
  await app.listen({ port: config.port, host: config.host });
  console.log(`Casebook is ready on http://localhost:${config.port} (workspace /, portal /portal, API /api/v1, OpenAPI /api/docs) in ${Date.now() - started} ms`);

  // Housekeeping: expired sessions and old idempotency records.
  const housekeeping = setInterval(() => {
    Promise.all([pruneSessions(database.db), pruneIdempotencyKeys(database.db)]).catch((err) => app.log.warn({ err }, 'housekeeping failed'));
  }, 10 * 60 * 1000);
  housekeeping.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal}: shutting down`);
    clearInterval(housekeeping);
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
