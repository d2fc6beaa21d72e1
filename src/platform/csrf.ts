import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

// Cross-site request forgery: a browser sends the session cookie with any request to us, even one
// another site's page makes. So an unsafe API request (POST, PATCH, PUT, DELETE) not carrying a
// Bearer token must come from our own pages: its Origin (or, when a browser sends none, its
// Sec-Fetch-Site, else its Referer) has to be this site. Requests with none of these headers come
// from programs, not from a browser on another site, and pass; Bearer tokens are never sent by a
// browser on its own, so they pass too. The session cookie is SameSite=Strict as a second wall.

const UNSAFE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

function hostOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.host.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** Answers why the request is cross-site, or null when it is our own (or not from a browser). */
export function crossSiteReason(request: Pick<FastifyRequest, 'headers'>, publicUrl: string): string | null {
  const h = request.headers;
  // Our own host as the Host header names it (a default port is dropped, as in an Origin) and the public URL's.
  const host = h.host?.toLowerCase();
  const own = new Set([host, host && hostOf(`http://${host}`), host && hostOf(`https://${host}`), hostOf(publicUrl)].filter((v): v is string => !!v));
  const origin = typeof h.origin === 'string' ? h.origin : undefined;
  if (origin !== undefined) {
    const host = origin === 'null' ? null : hostOf(origin);
    return host && own.has(host) ? null : `Origin ${origin.slice(0, 100)}`;
  }
  const site = typeof h['sec-fetch-site'] === 'string' ? h['sec-fetch-site'] : undefined;
  if (site !== undefined) return site === 'same-origin' || site === 'none' ? null : `Sec-Fetch-Site ${site.slice(0, 40)}`;
  const referer = typeof h.referer === 'string' ? h.referer : undefined;
  if (referer !== undefined) {
    const host = hostOf(referer);
    return host && own.has(host) ? null : 'Referer of another site';
  }
  return null;
}

export function registerCsrfProtection(app: FastifyInstance, publicUrl: string): void {
  app.addHook('onRequest', async (request) => {
    if (!UNSAFE.has(request.method) || !request.url.startsWith('/api/')) return;
    if (/^Bearer\s/i.test(request.headers.authorization ?? '')) return;
    const reason = crossSiteReason(request, publicUrl);
    if (reason) {
      throw new AppError('csrf', `Cross-site request refused (${reason}): changes can only be made from Casebook's own pages or with an API token`);
    }
  });
}
