import { Ajv, type ValidateFunction } from 'ajv';
import type { App } from '../../../src/platform/app-types.js';
import type { JsonSchema } from './arbitraries.js';
import type { OpenApiParameter, RouteSpec } from './requests.js';

// The routes to fuzz, read from the router (app.apiRoutes) and described by the OpenAPI document
// the app serves, plus a validator of responses against the schemas that document declares.

type Operation = {
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
  summary?: string;
};

export function routeSpecs(app: App): RouteSpec[] {
  const doc = app.swagger() as { paths: Record<string, Record<string, Operation>> };
  return app.apiRoutes.map((r) => {
    const openApiPath = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const op: Operation = doc.paths[openApiPath]?.[r.method.toLowerCase()] ?? {};
    const parameters = op.parameters ?? [];
    const json = op.requestBody?.content['application/json']?.schema;
    const kind: RouteSpec['kind'] = r.url === '/api/v1/inbound/email'
      ? 'mime'
      : /multipart/i.test(op.summary ?? '') || (r.method === 'POST' && r.url.endsWith('/attachments'))
        ? 'multipart'
        : json
          ? 'json'
          : 'none';
    const responses: RouteSpec['responses'] = {};
    for (const [status, res] of Object.entries(op.responses ?? {})) {
      const content = res.content ?? {};
      responses[status] = { schema: content['application/json']?.schema, contentTypes: Object.keys(content) };
    }
    return {
      method: r.method,
      url: r.url,
      access: r.access,
      params: parameters.filter((p) => p.in === 'path' || p.in === 'header'),
      query: parameters.filter((p) => p.in === 'query'),
      body: json,
      kind,
      responses,
    };
  });
}

/** Whether the route takes any input a caller controls. */
export const takesInput = (r: RouteSpec) => r.kind !== 'none' || r.query.length > 0 || /:/.test(r.url) || r.method === 'POST' || r.method === 'PATCH';

// OpenAPI 3.0 dialect → JSON Schema draft 7 for Ajv: nullable, boolean exclusive bounds.
function toDraft7(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toDraft7);
  if (!s || typeof s !== 'object') return s;
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s as Record<string, unknown>)) o[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, toDraft7(pv)])) : toDraft7(v);
  if (o.exclusiveMinimum === true) (o.exclusiveMinimum = o.minimum), delete o.minimum;
  if (o.exclusiveMinimum === false) delete o.exclusiveMinimum;
  if (o.exclusiveMaximum === true) (o.exclusiveMaximum = o.maximum), delete o.maximum;
  if (o.exclusiveMaximum === false) delete o.exclusiveMaximum;
  if (o.nullable === true) {
    delete o.nullable;
    if (Array.isArray(o.enum)) o.enum = [...o.enum, null];
    if (typeof o.type === 'string') return { ...o, type: [o.type, 'null'] };
    return { anyOf: [o, { type: 'null' }] };
  }
  delete o.nullable;
  return o;
}

export class ResponseValidator {
  private ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
  private cache = new Map<string, ValidateFunction>();

  /** Problems of a JSON body against the route's declared schema for that status, or null. */
  check(route: RouteSpec, status: number, body: unknown): string | null {
    const declared = route.responses[String(status)];
    if (!declared?.schema) return `no JSON schema declared for status ${status}`;
    const key = `${route.method} ${route.url} ${status}`;
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(toDraft7(declared.schema) as object);
      this.cache.set(key, validate);
    }
    if (validate(body)) return null;
    return this.ajv.errorsText(validate.errors);
  }
}

/** SPEC §10: {"error":{"code","message","details"?}} and nothing else. */
export function errorShapeProblem(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'not an object';
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'error') return `top-level keys ${keys.join(',')}`;
  const e = (body as { error: unknown }).error as Record<string, unknown>;
  if (!e || typeof e !== 'object') return 'error is not an object';
  if (typeof e.code !== 'string' || !/^[a-z_]+$/.test(e.code)) return `error.code ${JSON.stringify(e.code)}`;
  if (typeof e.message !== 'string' || e.message.length === 0) return 'error.message missing';
  const extra = Object.keys(e).filter((k) => !['code', 'message', 'details'].includes(k));
  if (extra.length) return `error has extra keys ${extra.join(',')}`;
  return null;
}

/** Internals that must never reach a caller: stack frames, SQL errors, file paths, secrets' columns. */
export const LEAK = /SQLITE_|sqlite3|SqliteError|relation "[^"]+" does not exist|syntax error at or near|duplicate key value|violates (?:foreign key|unique|not-null|check) constraint|\bat [\w.<>]+ \(.*:\d+:\d+\)|node_modules|\/work\/|password_hash|token_hash|\$argon2/;
