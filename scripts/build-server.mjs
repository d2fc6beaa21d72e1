// Bundles the server (src/main.ts and what it imports) into one ES module with esbuild, when its
// sources are newer than the bundle. Starting the bundle loads in well under a second; compiling
// the TypeScript through tsx at every start took 1.3 s on a quiet machine and 5 s on a busy one.
// Packages with native parts stay outside the bundle and load from node_modules as usual.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newest(dir) {
  let t = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Bundles <root>/src/main.ts into outfile (always). */
export async function bundleServer({ root = here, outfile } = {}) {
  const { build } = await import('esbuild');
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  await build({
    entryPoints: [path.join(root, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', '@myriaddreamin/*', '@node-rs/*', 'pg-native'],
    // Bundled CommonJS packages call require(); ES modules have none of their own.
    banner: { js: "import { createRequire as __casebookRequire } from 'node:module'; const require = __casebookRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return outfile;
}

/** The server bundle for `npm start`, rebuilt when src/ or the lock file changed since. */
export async function buildServerIfStale({ force = false } = {}) {
  const outfile = path.join(here, 'node_modules', '.cache', 'casebook', 'server.mjs');
  const builtAt = fs.existsSync(outfile) ? fs.statSync(outfile).mtimeMs : 0;
  const lock = path.join(here, 'package-lock.json');
  const sourcesAt = Math.max(newest(path.join(here, 'src')), fs.existsSync(lock) ? fs.statSync(lock).mtimeMs : 0);
  if (force || builtAt <= sourcesAt) await bundleServer({ outfile });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(await buildServerIfStale({ force: process.argv.includes('--force') }));
}
