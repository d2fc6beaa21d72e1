// `npm run bench:data -- --cases 1000000 [--db path|postgres-url]`: builds a benchmark database
// (fresh: an existing SQLite file is replaced; a PostgreSQL database must be empty).
import fs from 'node:fs';
import path from 'node:path';
import { parseDatabaseUrl } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { bootstrapAdmin } from '../src/modules/identity/bootstrap.js';
import { BENCH_PASSWORD, generate, sizesFor } from './generate.js';

const arg = (name: string, dflt?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const cases = Number(arg('cases', '100000'));
const target = arg('db', process.env.DATABASE_URL || path.resolve(`data/bench-${cases}.db`))!;
const config = parseDatabaseUrl(target, path.resolve('data'));
if (config.kind === 'sqlite') for (const f of [config.file, `${config.file}-wal`, `${config.file}-shm`]) fs.rmSync(f, { force: true });
const dataDir = path.resolve(arg('data-dir', 'data/bench-files')!);
fs.mkdirSync(dataDir, { recursive: true });

const started = Date.now();
const database = openDatabase(config);
await migrateToLatest(database.db);
await bootstrapAdmin(database.db, { email: 'bench-admin@bench.test', password: BENCH_PASSWORD }, () => {});
const sizes = sizesFor(cases);
console.error(`Generating ${JSON.stringify(sizes)} into ${config.kind === 'sqlite' ? config.file : 'PostgreSQL'}`);
await generate(database.db, dataDir, sizes);
await database.close();
console.error(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s. Sign in as bench-admin@bench.test or agent0@bench.test with "${BENCH_PASSWORD}".`);
