// A small typed client for the Casebook JSON API (/api/v1).

export interface FieldError {
  /** The form field the error names, with the "body." prefix removed (e.g. "email"). */
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];
  readonly details: unknown;

  constructor(status: number, code: string, message: string, fields: FieldError[] = [], details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.details = details;
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/** The message to show a person for any error. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return 'Something went wrong';
}

const stripPrefix = (field: string) => field.replace(/^(body|query|params)\./, '');

function fieldsOf(status: number, message: string, details: unknown): FieldError[] {
  const out: FieldError[] = [];
  if (details && typeof details === 'object') {
    const d = details as { fields?: unknown; field?: unknown };
    if (Array.isArray(d.fields)) {
      for (const f of d.fields) {
        if (f && typeof f === 'object' && typeof (f as FieldError).field === 'string') {
          out.push({ field: stripPrefix((f as FieldError).field), message: String((f as FieldError).message ?? 'invalid') });
        }
      }
    }
    // 409 duplicates name a single field: { field: "email" }.
    if (typeof d.field === 'string') out.push({ field: stripPrefix(d.field), message });
  }
  void status;
  return out;
}

type QueryValue = string | number | boolean | null | undefined;

interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** The record version read; sent as If-Match. */
  version?: number;
  signal?: AbortSignal;
}

function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const url = `/api/v1${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  // Only say the body is JSON when there is one: the server refuses an empty JSON body.
  // Files go as multipart/form-data; the browser writes that header with its boundary.
  const multipart = opts.body instanceof FormData;
  if (opts.body !== undefined && !multipart) headers['Content-Type'] = 'application/json';
  if (opts.version !== undefined) headers['If-Match'] = `"${opts.version}"`;
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : multipart ? (opts.body as FormData) : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    const message = err?.message || defaultMessage(res.status);
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, message, fieldsOf(res.status, message, err?.details), err?.details);
  }
  return json as T;
}

function defaultMessage(status: number): string {
  switch (status) {
    case 401:
      return 'Please sign in again';
    case 403:
      return 'You are not allowed to do this';
    case 404:
      return 'Not found';
    case 412:
      return 'This record was changed by someone else';
    case 429:
      return 'Too many requests; try again later';
    default:
      return status >= 500 ? 'The server had a problem; try again in a moment' : `Request failed (${status})`;
  }
}

// ---------------------------------------------------------------------------
// Types

export type StaffRole = 'agent' | 'manager' | 'major_issue_manager' | 'admin';
export type Role = StaffRole | 'customer';

export const STAFF_ROLES: { value: StaffRole; label: string }[] = [
  { value: 'agent', label: 'Agent' },
  { value: 'manager', label: 'Manager' },
  { value: 'major_issue_manager', label: 'Major issue manager' },
  { value: 'admin', label: 'Administrator' },
];
export const roleLabel = (r: string) => STAFF_ROLES.find((x) => x.value === r)?.label ?? (r === 'customer' ? 'Customer' : r);

export interface Me {
  type: 'user' | 'contact';
  id: number;
  email: string;
  name: string;
  roles: Role[];
  accountId: number | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Token {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
export interface CreatedToken extends Token {
  token: string;
}

interface Versioned {
  id: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface User extends Versioned {
  email: string;
  name: string;
  roles: StaffRole[];
  hasPassword: boolean;
  /** Set while signing in is locked after too many failed attempts. */
  lockedUntil: string | null;
  groupIds: number[];
}

export interface Group extends Versioned {
  name: string;
  description: string;
  memberIds: number[];
}

export interface Account extends Versioned {
  name: string;
  tier: string;
  domain: string | null;
}

export interface Contact extends Versioned {
  accountId: number;
  accountName: string;
  name: string;
  email: string;
  phone: string | null;
  portalAccess: boolean;
  hasPassword: boolean;
}

export interface Asset extends Versioned {
  accountId: number;
  accountName: string;
  name: string;
  serialNumber: string | null;
  product: string | null;
}

export type ActiveFilter = 'true' | 'false' | 'all';

/** How a record is addressed in its URL: an id, or a number like CS0001001. */
export type RecordKey = number | string;

export interface ListParams {
  q?: string;
  active?: ActiveFilter;
  cursor?: string;
  limit?: number;
  [key: string]: QueryValue;
}

// ---------------------------------------------------------------------------
// Endpoints

export const api = {
  login: (body: { email: string; password: string; portal?: boolean }) => request<Me>('POST', '/auth/login', { body }),
  logout: () => request<void>('POST', '/auth/logout'),
  me: () => request<Me>('GET', '/me'),

  tokens: () => request<{ items: Token[] }>('GET', '/me/tokens'),
  createToken: (name: string) => request<CreatedToken>('POST', '/me/tokens', { body: { name } }),
  revokeToken: (id: number) => request<void>('DELETE', `/me/tokens/${id}`),

  list: <T>(resource: string, params: ListParams) => request<Page<T>>('GET', `/${resource}`, { query: params }),
  get: <T>(resource: string, id: RecordKey) => request<T>('GET', `/${resource}/${id}`),
  create: <T>(resource: string, body: unknown) => request<T>('POST', `/${resource}`, { body }),
  update: <T>(resource: string, id: RecordKey, version: number, body: unknown) =>
    request<T>('PATCH', `/${resource}/${id}`, { body, version }),
  remove: (resource: string, id: RecordKey) => request<void>('DELETE', `/${resource}/${id}`),
};
