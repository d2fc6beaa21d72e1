/** Bundles <root>/src/main.ts into outfile; resolves with outfile. */
export function bundleServer(options: { root?: string; outfile: string }): Promise<string>;
/** The server bundle for `npm start`, rebuilt when src/ or the lock file changed since. */
export function buildServerIfStale(options?: { force?: boolean }): Promise<string>;
