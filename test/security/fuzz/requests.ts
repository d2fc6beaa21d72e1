import fc from 'fast-check';
import { HOSTILE_STRINGS, garbage, valueArb, type JsonSchema } from './arbitraries.js';

// Whole HTTP requests for one route: path parameters, query string, headers and body, shaped by the
// route's OpenAPI entry or deliberately broken (malformed JSON, wrong content types, odd paths).

export type Who = 'admin' | 'agent' | 'customer' | 'anonymous';

export interface OpenApiParameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface RouteSpec {
  method: string;
  /** The router's form, /api/v1/cases/:number */
  url: string;
  access: string;
  params: OpenApiParameter[];
  query: OpenApiParameter[];
  body?: JsonSchema;
  kind: 'json' | 'multipart' | 'mime' | 'none';
  responses: Record<string, { schema?: JsonSchema; contentTypes: string[] }>;
}

export interface FuzzRequest {
  who: Who;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** The request sent a usable Idempotency-Key, whose stored response is a legitimate write. */
  idempotencyKey: boolean;
}

const PATH_GARBAGE = [
  // (a bare '..' is resolved by the client before sending, so it would fuzz another route)
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f',
  '%00',
  'CS0001001%00',
  '%25',
  '%C0%AE',
  'CS' + '9'.repeat(30),
  'PCR' + '9'.repeat(30),
  '99999999999999999999',
  '9007199254740993',
  '-1',
  '0',
  '1.5',
  '1e3',
  '0x10',
  '%20',
  'null',
  'undefined',
  '__proto__',
  encodeURIComponent('<script>alert(1)</script>'),
  encodeURIComponent('𝕳𝖊𝖑𝖑𝖔'),
  encodeURIComponent("1' or '1'='1"),
  'a'.repeat(3000),
];

const BODY_GARBAGE: { payload: string | Buffer; type?: string }[] = [
  { payload: '{"a":', type: 'application/json' },
  { payload: '[]', type: 'application/json' },
  { payload: 'null', type: 'application/json' },
  { payload: '"text"', type: 'application/json' },
  { payload: '12', type: 'application/json' },
  { payload: '', type: 'application/json' },
  { payload: '{"__proto__":{"isAdmin":true,"roles":["admin"]}}', type: 'application/json' },
  { payload: '{"constructor":{"prototype":{"isAdmin":true}}}', type: 'application/json' },
  { payload: '['.repeat(3000) + ']'.repeat(3000), type: 'application/json' },
  { payload: '{"a":"\\ud800"}', type: 'application/json' },
  { payload: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), type: 'application/json' },
  { payload: 'hello', type: 'text/plain' },
  { payload: 'a=1&b=2', type: 'application/x-www-form-urlencoded' },
  { payload: '{"a":1}', type: 'application/json; charset=utf-16' },
  { payload: '{"a":1}', type: 'application/xml' },
  { payload: '<x/>', type: 'text/xml' },
  { payload: JSON.stringify({ big: 'x'.repeat(1024 * 1024 + 10) }), type: 'application/json' },
];

/** encodeURIComponent that also takes lone surrogates (sent as U+FFFD, as a browser would). */
export function enc(v: string): string {
  return encodeURIComponent(v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

function stringify(v: unknown): string[] {
  if (v === undefined) return [];
  if (v === null) return [''];
  if (Array.isArray(v)) return v.flatMap(stringify);
  if (typeof v === 'object') return [JSON.stringify(v)];
  return [String(v)];
}

function queryArb(route: RouteSpec, pool: (name: string) => unknown[]): fc.Arbitrary<string> {
  // Each parameter is left out three times in four, so a list call with one or two filters is common.
  const entries = route.query.map((p) =>
    fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: valueArb(p.schema, { name: p.name, pool }) }).map((v) => stringify(v).map((x) => `${enc(p.name)}=${enc(x)}`)),
  );
  const shaped = fc.tuple(...entries).map((parts) => parts.flat());
  const extras = fc.oneof(
    { weight: 8, arbitrary: fc.constant<string[]>([]) },
    { weight: 1, arbitrary: fc.constantFrom(['unknownParam=1'], ['limit=5&limit=7'], ['%zz=1'], ['q=%'], ['cursor=' + encodeURIComponent('{"id":"1 or 1=1"}')], ['cursor=' + 'A'.repeat(400)]) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 12 }), garbage).map(([k, v]) => [`${enc(k || 'k')}=${enc(JSON.stringify(v) ?? '')}`]) },
  );
  return fc.tuple(shaped, extras).map(([a, b]) => [...a, ...b].join('&'));
}

function pathArb(route: RouteSpec, pools: Record<string, string[]>, avoid: Record<string, string[]>): fc.Arbitrary<string> {
  const names = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
  const arbs = names.map((name) => {
    const spec = route.params.find((p) => p.name === name);
    const pooled = pools[name] ?? [];
    const choices: fc.WeightedArbitrary<string>[] = [
      { weight: 2, arbitrary: valueArb(spec?.schema ?? { type: 'string' }, { name }).map((v) => enc(String(v))) },
      { weight: 2, arbitrary: fc.constantFrom(...PATH_GARBAGE) },
    ];
    if (pooled.length) choices.push({ weight: 8, arbitrary: fc.constantFrom(...pooled).map(enc) });
    const blocked = avoid[name] ?? [];
    return fc.oneof(...choices).filter((v) => v !== '' && !blocked.includes(decodeURIComponentSafe(v)));
  });
  return fc.tuple(...arbs).map((values) => {
    let url = route.url;
    names.forEach((n, i) => (url = url.replace(`:${n}`, values[i])));
    return url;
  });
}

function decodeURIComponentSafe(v: string) {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

function multipartArb(): fc.Arbitrary<{ payload: string | Buffer; type?: string }> {
  const fileName = fc.oneof(
    fc.constantFrom('report.pdf', 'screenshot.png', 'notes.txt', 'a.svg', 'index.html', 'noext', '.htaccess', 'x.exe'),
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.constantFrom('../../etc/passwd', 'C:\\Windows\\evil.dll', 'a"b.txt', 'a\r\nContent-Type: text/html', '<img src=x onerror=alert(1)>.png', '\u202egnp.exe', 'x'.repeat(600)),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
  );
  const part = fc.record({
    field: fc.oneof({ weight: 6, arbitrary: fc.constant('file') }, { weight: 1, arbitrary: fc.constantFrom('files', 'visibility', 'commentId', '') }),
    name: fileName,
    type: fc.constantFrom('application/octet-stream', 'image/png', 'text/html', 'image/svg+xml', 'application/pdf', 'text/plain', ''),
    content: fc.oneof(
      fc.constantFrom('\x89PNG\r\n\x1a\n....', '%PDF-1.4\n', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', '<html><script>alert(1)</script></html>', ''),
      fc.string({ unit: 'binary', maxLength: 200 }),
    ),
  });
  const boundary = 'fuzzBoundary7MA4YWxk';
  const encode = (parts: { field: string; name: string; type: string; content: string }[]) =>
    parts
      .map(
        (p) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.field}"; filename="${p.name.replace(/"/g, '%22').replace(/[\r\n]/g, ' ')}"\r\n` +
          (p.type ? `Content-Type: ${p.type}\r\n` : '') +
          `\r\n${p.content}\r\n`,
      )
      .join('') + `--${boundary}--\r\n`;
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(part, { minLength: 1, maxLength: 3 }).map((parts) => ({ payload: encode(parts), type: `multipart/form-data; boundary=${boundary}` })) },
    { weight: 1, arbitrary: fc.array(part, { minLength: 11, maxLength: 12 }).map((parts) => ({ payload: encode(parts), type: `multipart/form-data; boundary=${boundary}` })) },
    { weight: 1, arbitrary: fc.constant({ payload: `--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` }) },
    { weight: 1, arbitrary: fc.constant({ payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.txt"\r\n\r\nno end`, type: `multipart/form-data; boundary=${boundary}` }) },
    { weight: 1, arbitrary: fc.constant({ payload: 'not multipart', type: 'multipart/form-data' }) },
    { weight: 1, arbitrary: fc.constantFrom(...BODY_GARBAGE) },
  );
}

function mimeArb(pool: (name: string) => unknown[]): fc.Arbitrary<{ payload: string | Buffer; type?: string }> {
  const emails = pool('email').map(String);
  const cases = pool('caseNumber').map(String);
  const from = fc.oneof(emails.length ? fc.constantFrom(...emails) : fc.emailAddress(), fc.emailAddress(), fc.constantFrom('', '<>', 'Nobody', '"Evil" <a@b>, c@d', 'x'.repeat(400) + '@example.test', `"${'N'.repeat(400)}" <long-name@example.test>`));
  const subject = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 60 }),
    cases.length ? fc.constantFrom(...cases).map((n) => `Re: [${n}] your case`) : fc.constant('Re: [CS0001001]'),
    fc.constantFrom('=?UTF-8?B?8J+UpSBmaXJl?=', '=?bogus?Q?x?=', 'a\r\nBcc: victim@example.test', '[CS99999999999999999999]'),
  );
  const extra = fc.subarray([
    'Auto-Submitted: auto-replied',
    'Precedence: bulk',
    'In-Reply-To: <nothing@here>',
    'References: <a@b> <c@d>',
    'X-Loop: casebook',
    'Message-ID: <fixed@fuzz>',
    `In-Reply-To: <${'r'.repeat(400)}@fuzz>`,
    `Message-ID: <${'m'.repeat(400)}@fuzz>`,
    `Reply-To: "${'n'.repeat(400)}" <n@example.test>`,
  ]);
  const body = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.constantFrom('<script>alert(1)</script>', '', '.\r\n.\r\n'));
  const message = fc.record({ from, subject, extra, body, multipart: fc.boolean() }).map(({ from, subject, extra, body, multipart }) => {
    const head = [`From: ${from}`, 'To: support@example.test', `Subject: ${subject}`, `Message-ID: <${Math.random().toString(36).slice(2)}@fuzz>`, ...extra];
    if (!multipart) return [...head, 'Content-Type: text/plain; charset=utf-8', '', body].join('\r\n');
    return [
      ...head,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      body,
      '--b1',
      'Content-Type: image/svg+xml; name="../../x.svg"',
      'Content-Disposition: attachment; filename="../../x.svg"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('<svg><script>alert(1)</script></svg>').toString('base64'),
      '--b1--',
    ].join('\r\n');
  });
  return fc.oneof(
    { weight: 8, arbitrary: message.map((payload) => ({ payload, type: 'message/rfc822' })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).map((payload) => ({ payload, type: 'message/rfc822' })) },
    { weight: 1, arbitrary: fc.constantFrom(...BODY_GARBAGE) },
  );
}

function bodyArb(route: RouteSpec, pool: (name: string) => unknown[]): fc.Arbitrary<{ payload?: string | Buffer; type?: string }> {
  if (route.kind === 'multipart') return multipartArb();
  if (route.kind === 'mime') return mimeArb(pool);
  const garbageBody = fc.constantFrom(...BODY_GARBAGE);
  if (route.kind === 'json' && route.body) {
    return fc.oneof(
      { weight: 10, arbitrary: valueArb(route.body, { pool }).map((v) => ({ payload: JSON.stringify(v) ?? 'null', type: 'application/json' })) },
      { weight: 2, arbitrary: garbageBody },
      { weight: 1, arbitrary: garbage.map((v) => ({ payload: JSON.stringify(v) ?? 'null', type: 'application/json' })) },
    );
  }
  if (route.method === 'GET' || route.method === 'DELETE') {
    return fc.oneof({ weight: 8, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: garbageBody });
  }
  return fc.oneof({ weight: 4, arbitrary: fc.constant({ payload: '{}', type: 'application/json' }) }, { weight: 2, arbitrary: fc.constant({}) }, { weight: 2, arbitrary: garbageBody }, { weight: 1, arbitrary: garbage.map((v) => ({ payload: JSON.stringify(v) ?? 'null', type: 'application/json' })) });
}

function headerArb(route: RouteSpec, inboundToken: string): fc.Arbitrary<{ headers: Record<string, string>; idempotencyKey: boolean }> {
  const ifMatch = route.params.some((p) => p.in === 'header' && p.name === 'if-match') || route.method === 'PATCH';
  const parts = fc.record({
    ifMatch: ifMatch ? fc.option(fc.constantFrom('"1"', '1', 'W/"2"', '*', '"3"', 'abc', '"99999999999"', '""', '"-1"', ' ', '"1", "2"'), { nil: undefined }) : fc.constant(undefined),
    idem: route.method === 'POST' ? fc.option(fc.oneof(fc.constantFrom('', 'k'.repeat(201)), fc.uuid()), { nil: undefined, freq: 4 }) : fc.constant(undefined),
    auth: route.kind === 'mime' ? fc.oneof({ weight: 8, arbitrary: fc.constant(`Bearer ${inboundToken}`) }, { weight: 1, arbitrary: fc.constantFrom('', 'Bearer wrong', `Bearer ${inboundToken}x`, 'Basic Zm9vOmJhcg==') }) : fc.constant(undefined),
  });
  return parts.map(({ ifMatch, idem, auth }) => {
    const headers: Record<string, string> = {};
    if (ifMatch !== undefined) headers['if-match'] = ifMatch;
    if (idem !== undefined) headers['idempotency-key'] = idem;
    if (auth) headers.authorization = auth;
    return { headers, idempotencyKey: idem !== undefined && idem.length >= 1 && idem.length <= 200 };
  });
}

export interface RequestContext {
  principals: Who[];
  pools: Record<string, string[]>;
  avoid: Record<string, string[]>;
  bodyPool: (name: string) => unknown[];
  inboundToken: string;
}

/** Requests for one route, as one of the principals allowed to use it. */
export function requestArb(route: RouteSpec, ctx: RequestContext): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      who: fc.constantFrom(...ctx.principals),
      path: pathArb(route, ctx.pools, ctx.avoid),
      query: route.query.length ? queryArb(route, ctx.bodyPool) : fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('x=1', '%zz', 'a[b]=c') }),
      body: bodyArb(route, ctx.bodyPool),
      head: headerArb(route, ctx.inboundToken),
    })
    .map(({ who, path, query, body, head }) => {
      const headers = { ...head.headers };
      if (body.type) headers['content-type'] = body.type;
      return { who, method: route.method, url: query ? `${path}?${query}` : path, headers, payload: body.payload, idempotencyKey: head.idempotencyKey };
    });
}
