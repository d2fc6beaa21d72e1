// `npm start`: build the web app if it is stale, then run the server (TypeScript via tsx).
// `npm start -- --demo` (or `npm run demo`) also loads the demo data.
import { register } from 'tsx/esm/api';
import { buildWebIfStale } from './build-web.mjs';

await buildWebIfStale();
register();
await import('../src/main.ts');
