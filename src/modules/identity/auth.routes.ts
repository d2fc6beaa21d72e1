import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser, type Principal } from '../../platform/access.js';
import { errors, errorSchema, idParams } from '../../platform/http.js';
import { forbidden } from '../../platform/errors.js';
import * as auth from './auth.service.js';
import { createdTokenSchema, createTokenBody, loginBody, meSchema, tokenSchema } from './identity.schemas.js';

const me = (p: Principal) => ({
  type: p.type,
  id: p.id,
  email: p.email,
  name: p.name,
  roles: p.roles,
  accountId: p.type === 'contact' ? p.accountId : null,
});

export async function authRoutes(app: App): Promise<void> {
  const throttle = new auth.LoginThrottle();

  app.post('/api/v1/auth/login', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: 'Sign in; sets an HttpOnly session cookie (429 after a burst of failures, 423 while the sign-in is locked)', body: loginBody, response: { 200: meSchema, 423: errorSchema, ...errors } },
    handler: async (req, reply) => {
      const session = await auth.login(app.db, throttle, req.body, req.ip, app.config.sessionTtlHours);
      // Whatever session the browser had before is ended: a new id on every sign-in.
      await auth.logout(app.db, req.sessionId);
      reply.setCookie(auth.SESSION_COOKIE, session.cookieValue, {
        httpOnly: true,
        // strict: no other site can make the browser send it, not even on a top-level link.
        sameSite: 'strict',
        secure: app.config.secureCookies,
        path: '/',
        expires: new Date(session.expiresAt),
      });
      return me(session.principal);
    },
  });

  app.post('/api/v1/auth/logout', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: 'Sign out and end the session', response: { 204: z.null(), ...errors } },
    handler: async (req, reply) => {
      await auth.logout(app.db, req.sessionId);
      reply.clearCookie(auth.SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  });

  app.get('/api/v1/me', {
    config: { access: 'authenticated' },
    schema: { tags: ['auth'], summary: 'Who is signed in', response: { 200: meSchema, ...errors } },
    handler: async (req) => me(req.principal!),
  });

  app.get('/api/v1/me/tokens', {
    config: { access: 'authenticated' },
    schema: { tags: ['auth'], summary: 'My personal API tokens', response: { 200: z.object({ items: z.array(tokenSchema) }), ...errors } },
    handler: async (req) => ({ items: await auth.listTokens(app.db, requireUser(req).id) }),
  });

  app.post('/api/v1/me/tokens', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['auth'],
      summary: 'Create a personal API token (shown once) for Authorization: Bearer',
      body: createTokenBody,
      response: { 201: createdTokenSchema, ...errors },
    },
    handler: async (req, reply) => {
      const user = requireUser(req);
      // A token cannot mint tokens: a leaked one must not outlive its own revocation.
      if (user.via === 'token') throw forbidden('An API token cannot create tokens; sign in to make one');
      return reply.status(201).send(await auth.createToken(app.db, user.id, req.body.name));
    },
  });

  app.delete('/api/v1/me/tokens/:id', {
    config: { access: 'authenticated' },
    schema: { tags: ['auth'], summary: 'Revoke a personal API token', params: idParams, response: { 204: z.null(), ...errors } },
    handler: async (req, reply) => {
      await auth.revokeToken(app.db, requireUser(req).id, req.params.id);
      return reply.status(204).send(null);
    },
  });
}
