// Runs bench/load.ts as its own process (so the load does not share the server's CPU) and reads its result.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

export interface LoadResult {
  n: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  statuses: Record<string, number>;
  collected: unknown[];
}

export async function load(spec: Record<string, unknown>): Promise<LoadResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(here, 'load.ts'), JSON.stringify(spec)], { maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(stdout) as LoadResult;
}
