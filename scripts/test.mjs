// `npm test`: the server suite on SQLite, then on PostgreSQL.
//   DATABASE_URL unset      → SQLite, then PostgreSQL at 127.0.0.1:5432 if one answers (said plainly if not)
//   DATABASE_URL=sqlite:    → SQLite only
//   DATABASE_URL=postgres:… → PostgreSQL only (each test file creates and drops its own database)
// Ends with one line "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';
const url = (process.env.DATABASE_URL ?? '').trim();
const extra = process.argv.slice(2);

async function reachable(connectionString) {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const runs = [];
let note = null;
if (/^postgres(ql)?:\/\//.test(url)) {
  runs.push({ name: 'PostgreSQL', env: { DATABASE_URL: url } });
} else {
  runs.push({ name: 'SQLite', env: { DATABASE_URL: 'sqlite:' } });
  if (url === '') {
    if (await reachable(DEFAULT_PG)) runs.push({ name: 'PostgreSQL', env: { DATABASE_URL: DEFAULT_PG } });
    else note = `The PostgreSQL suite was NOT run: no PostgreSQL answered at ${DEFAULT_PG}. Set DATABASE_URL=postgres://… to run it.`;
  }
}

let passed = 0;
let failed = 0;
let ok = true;
for (const run of runs) {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-vitest-')), 'report.json');
  console.log(`\n=== Casebook server tests on ${run.name} ===\n`);
  const res = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra],
    { stdio: 'inherit', env: { ...process.env, ...run.env } },
  );
  let p = 0;
  let f = 0;
  if (fs.existsSync(report)) {
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    p = r.numPassedTests;
    f = r.numFailedTests + (r.numRuntimeErrorTests ?? 0);
  }
  passed += p;
  failed += f;
  if (res.status !== 0) ok = false;
  console.log(`=== ${run.name}: ${p} passed, ${f} failed${res.status !== 0 ? ' (suite FAILED)' : ''} ===`);
}
console.log('');
console.log(`Databases tested: ${runs.map((r) => r.name).join(', ')}`);
if (note) console.log(note);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
