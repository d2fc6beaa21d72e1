// `npm start`: build the web app and the server bundle if they are stale, then run the server.
// `npm start -- --demo` (or `npm run demo`) also loads the demo data.
import { pathToFileURL } from 'node:url';
import { buildWebIfStale } from './build-web.mjs';
import { buildServerIfStale } from './build-server.mjs';

await buildWebIfStale();
await import(pathToFileURL(await buildServerIfStale()).href);
