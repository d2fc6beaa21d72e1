// Where the app may send a person after signing in: only a path on this site. A `next` parameter
// comes from the address bar, so anyone can write one into a link; anything that a browser could
// read as another site ("//evil", "/\evil", "https://evil", "javascript:…", tabs or line breaks
// that URL parsing drops) falls back to the home page.

/** The path to go to, or the fallback when next is not a same-origin relative path. */
export function safeNext(next: string | null | undefined, fallback: string): string {
  if (!next || next.length > 2000) return fallback;
  // A single leading slash followed by something other than a slash or backslash.
  if (!/^\/(?![/\\])/.test(next)) return fallback;
  // Backslashes and control characters (tab, CR, LF, …) are rewritten or dropped by URL parsers.
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return fallback;
  // Encoded slashes or backslashes at the start could turn into "//" after one more decoding.
  if (/^\/(%2f|%5c)/i.test(next)) return fallback;
  // The API is not a page.
  if (next === '/api' || next.startsWith('/api/') || next.startsWith('/api?')) return fallback;
  const base = 'https://casebook.invalid';
  try {
    const url = new URL(next, base);
    if (url.origin !== base) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
