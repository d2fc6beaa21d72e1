import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, E2E_PORT } from './env.js';

// Browser tests against the real app: the server (SQLite, a fresh data dir) serving web/dist.
// Build the SPA first: npx vite build --config web/vite.config.ts

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const baseURL = `http://127.0.0.1:${E2E_PORT}`;

// One fresh data directory per run (the config is evaluated by the runner and by each worker;
// the environment variable carries the first one's directory to the others).
const dataDir = process.env.CASEBOOK_E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-e2e-'));
process.env.CASEBOOK_E2E_DATA_DIR = dataDir;

const serverEnv: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'DATABASE_URL') serverEnv[k] = v;
Object.assign(serverEnv, {
  PORT: String(E2E_PORT),
  HOST: '127.0.0.1',
  CASEBOOK_DATA_DIR: dataDir,
  CASEBOOK_ADMIN_EMAIL: ADMIN_EMAIL,
  CASEBOOK_ADMIN_PASSWORD: ADMIN_PASSWORD,
  NODE_ENV: 'test',
});

export default defineConfig({
  testDir: here,
  testMatch: /.*\.spec\.ts$/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  outputDir: path.join(repoRoot, 'test-results'),
  use: {
    baseURL,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CASEBOOK_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: 'node --import tsx src/main.ts',
    cwd: repoRoot,
    url: `${baseURL}/api/v1/health`,
    env: serverEnv,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
