import fc from 'fast-check';

// fast-check arbitraries derived from the OpenAPI (JSON Schema) document the router serves: values of
// the right shape with edge values (limits, limit + 1, long and odd Unicode strings, negative and huge
// numbers, unknown fields), and garbage (wrong types, nulls, nested junk).

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  nullable?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  [k: string]: unknown;
};

/** Values that have hurt web applications before, for any text position. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '\u0000',
  'a\u0000b',
  '\r\nSet-Cookie: x=1',
  "'; drop table cases; --",
  '" or 1=1 --',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '{% raw %}',
  '#read("/etc/passwd")',
  '\u202eevil\u202c',
  '\ud800',
  '\udfff',
  '𝕳𝖊𝖑𝖑𝖔 🧯🔥',
  'ǅǈǋ İ ß ﬀ',
  '__proto__',
  'constructor',
  'NaN',
  'null',
  'undefined',
  '-1',
  '0',
  '1e309',
  '9'.repeat(40),
  'CS0000000',
  'CS9999999999999999999999',
  'PCR0001001',
  'KB0001001',
];

export const HUGE_NUMBERS = [0, -1, -0, 1.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e21, 1e308, -1e308, Number.MIN_VALUE];

/** Anything JSON can carry, nested a little; the generic "wrong type" value. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(...HUGE_NUMBERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constant([]),
  fc.constant({}),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.constantFrom(null, 1, 'x', {}), { maxLength: 4 }),
  fc.constant(JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}')),
);

export interface ArbContext {
  /** The field or parameter name, which picks realistic values (ids, emails). */
  name?: string;
  /** Ids and keys of existing rows by field name, so valid-ish values reach real records. */
  pool?: (name: string) => unknown[];
  depth?: number;
}

const isId = (name = '') => /(^id$|Id$|Ids$|^ids$|^id_)/.test(name);

function numberArb(s: JsonSchema, ctx: ArbContext): fc.Arbitrary<number> {
  const integer = s.type === 'integer';
  let min = s.minimum ?? (integer ? -(2 ** 40) : -1e12);
  let max = s.maximum ?? (integer ? 2 ** 40 : 1e12);
  if (s.exclusiveMinimum === true) min += integer ? 1 : Number.EPSILON;
  else if (typeof s.exclusiveMinimum === 'number') min = s.exclusiveMinimum + (integer ? 1 : Number.EPSILON);
  if (s.exclusiveMaximum === true) max -= integer ? 1 : Number.EPSILON;
  else if (typeof s.exclusiveMaximum === 'number') max = s.exclusiveMaximum - (integer ? 1 : Number.EPSILON);
  const inRange = integer ? fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) }) : fc.double({ min, max, noNaN: true });
  const id = isId(ctx.name);
  // Ids mostly name existing rows (so requests get past the lookups); now and then anything.
  const arbs: fc.WeightedArbitrary<number>[] = [
    { weight: id ? 2 : 6, arbitrary: inRange },
    { weight: id ? 1 : 2, arbitrary: fc.constantFrom(min, max, min - 1, max + 1) },
    { weight: 1, arbitrary: fc.constantFrom(...HUGE_NUMBERS) },
  ];
  if (id) {
    const pooled = ctx.pool?.(ctx.name!).filter((v): v is number => typeof v === 'number') ?? [];
    arbs.push({ weight: 30, arbitrary: pooled.length ? fc.constantFrom(...pooled) : fc.integer({ min: 1, max: 40 }) });
  }
  return fc.oneof(...arbs);
}

function stringArb(s: JsonSchema, ctx: ArbContext): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? 10_000;
  const arbs: fc.WeightedArbitrary<string>[] = [];
  if (s.enum) {
    arbs.push({ weight: 12, arbitrary: fc.constantFrom(...(s.enum as string[])) });
    arbs.push({ weight: 1, arbitrary: fc.constantFrom(...(s.enum as string[])).map((v) => v.toUpperCase() + ' ') });
  }
  if (s.pattern) {
    try {
      arbs.push({ weight: 10, arbitrary: fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= max) });
    } catch {
      // A pattern JavaScript cannot compile is left to the other generators.
    }
  }
  if (ctx.name && /email/i.test(ctx.name)) {
    arbs.push({ weight: 8, arbitrary: fc.emailAddress() });
    const pooled = ctx.pool?.('email').filter((v): v is string => typeof v === 'string') ?? [];
    if (pooled.length) arbs.push({ weight: 4, arbitrary: fc.constantFrom(...pooled) });
  }
  if (s.format === 'date-time' || s.format === 'date' || /(At|Date|date)$/.test(ctx.name ?? '')) {
    const date = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true });
    arbs.push({ weight: 6, arbitrary: date.map((d) => (s.format === 'date' ? d.toISOString().slice(0, 10) : d.toISOString())) });
    arbs.push({ weight: 1, arbitrary: fc.constantFrom('2026-02-30', '2026-13-01T00:00:00Z', '0000-00-00', '2026-12-01T25:61:00Z', 'yesterday') });
  }
  if (ctx.name) {
    const pooled = ctx.pool?.(ctx.name).filter((v): v is string => typeof v === 'string') ?? [];
    if (pooled.length) arbs.push({ weight: 8, arbitrary: fc.constantFrom(...pooled) });
  }
  const lo = Math.min(min, max);
  arbs.push(
    { weight: 12, arbitrary: fc.string({ minLength: lo, maxLength: Math.min(max, Math.max(lo, 40)) }) },
    { weight: 9, arbitrary: fc.string({ unit: 'grapheme', minLength: lo, maxLength: Math.min(max, Math.max(lo, 30)) }) },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: lo, maxLength: Math.min(max, Math.max(lo, 30)) }) },
    { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    // The limits themselves: exactly the longest allowed, one beyond, and one below the shortest.
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(Math.min(max, 200_000)), 'é'.repeat(Math.min(max + 1, 200_001)), 'y'.repeat(Math.max(0, min - 1))) },
  );
  return fc.oneof(...arbs);
}

/** A value shaped by the schema, with edge values and now and then a wrong one. */
export function valueArb(schema: JsonSchema | undefined, ctx: ArbContext = {}): fc.Arbitrary<unknown> {
  const s = schema ?? {};
  const depth = ctx.depth ?? 0;
  if (depth > 6) return garbage;
  const inner = { ...ctx, depth: depth + 1 };
  let arb: fc.Arbitrary<unknown>;
  const union = s.anyOf ?? s.oneOf;
  if (s.const !== undefined) arb = fc.constant(s.const);
  else if (union?.length) arb = fc.oneof(...union.map((u) => valueArb(u, inner)));
  else if (s.allOf?.length) arb = valueArb(Object.assign({}, ...s.allOf), inner);
  else {
    const type = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
    if (type === 'string' || (s.enum && !type)) arb = stringArb(s, ctx);
    else if (type === 'integer' || type === 'number') arb = numberArb(s, ctx);
    else if (type === 'boolean') arb = fc.oneof({ weight: 8, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom('true', 0, 1) });
    else if (type === 'array') arb = arrayArb(s, ctx);
    else if (type === 'object' || s.properties) arb = objectArb(s, inner);
    else arb = fc.oneof(fc.jsonValue({ maxDepth: 2 }), garbage);
  }
  const choices: fc.WeightedArbitrary<unknown>[] = [{ weight: 30, arbitrary: arb }, { weight: 1, arbitrary: garbage }];
  if (s.nullable || (Array.isArray(s.type) && s.type.includes('null'))) choices.push({ weight: 2, arbitrary: fc.constant(null) });
  return fc.oneof(...choices);
}

function arrayArb(s: JsonSchema, ctx: ArbContext): fc.Arbitrary<unknown[]> {
  const min = s.minItems ?? 0;
  const max = s.maxItems ?? 20;
  const item = valueArb(s.items, { ...ctx, name: ctx.name, depth: (ctx.depth ?? 0) + 1 });
  const arbs: fc.WeightedArbitrary<unknown[]>[] = [{ weight: 8, arbitrary: fc.array(item, { minLength: min, maxLength: Math.min(max, Math.max(min, 5)) }) }];
  // One item beyond the limit (generated cheaply by repeating one value).
  if (max <= 1000) arbs.push({ weight: 1, arbitrary: item.map((v) => Array.from({ length: max + 1 }, () => v)) });
  if (min > 0) arbs.push({ weight: 1, arbitrary: fc.constant([]) });
  arbs.push({ weight: 1, arbitrary: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 5 }).map((a) => [...a, a[0]]) });
  return fc.oneof(...arbs);
}

function objectArb(s: JsonSchema, ctx: ArbContext): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const required = (s.required ?? []).filter((k) => k in props);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, p] of Object.entries(props)) model[k] = valueArb(p, { ...ctx, name: k });
  const base = fc.record(model, { requiredKeys: required });
  // Few fields at a time too: a body naming an account, a contact and assets at random rarely agrees
  // with itself, so sparse bodies are what get past the business rules to the writes.
  const optional = Object.keys(props).filter((k) => !required.includes(k));
  const sparse = fc.subarray(optional, { maxLength: Math.min(2, optional.length) }).chain((picked) => fc.record(Object.fromEntries([...required, ...picked].map((k) => [k, model[k]]))));
  const arbs: fc.WeightedArbitrary<Record<string, unknown>>[] = [
    { weight: 20, arbitrary: base },
    { weight: 12, arbitrary: sparse },
    // An unknown field, sometimes one that names a protected column.
    {
      weight: 1,
      arbitrary: fc
        .tuple(base, fc.constantFrom('isAdmin', 'accountId', 'status', 'assigneeId', 'approvedBy', 'passwordHash', 'version', 'id', '__proto__', 'x'.repeat(300)), garbage)
        .map(([o, k, v]) => (k in props ? o : { ...o, [k]: v })),
    },
  ];
  if (required.length) {
    arbs.push({ weight: 1, arbitrary: fc.tuple(base, fc.constantFrom(...required)).map(([o, k]) => Object.fromEntries(Object.entries(o).filter(([x]) => x !== k))) });
  }
  const keys = Object.keys(props);
  if (keys.length) arbs.push({ weight: 1, arbitrary: fc.tuple(base, fc.constantFrom(...keys), garbage).map(([o, k, v]) => ({ ...o, [k]: v })) });
  return fc.oneof(...arbs);
}
