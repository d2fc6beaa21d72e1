import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { errors, idParams, password } from '../../platform/http.js';
import * as tokens from './account-tokens.service.js';
import { LoginThrottle } from './auth.service.js';
import * as lockout from './lockout.js';

// Forgot password, invitations and sign-in lockouts (SPEC §10: a user created without a password
// gets an invitation mail that sets it).

// Checked again after lower-casing: some letters grow (İ → i̇).
const emailInput = z.string().trim().min(1, 'must not be empty').max(320).transform((v) => v.toLowerCase()).pipe(z.string().max(320, 'must be at most 320 characters'));
const tokenInput = z.string().min(20, 'is not a valid link').max(200, 'is not a valid link');
const invitationSent = z.object({ expiresAt: z.string() });

export async function accountRecoveryRoutes(app: App): Promise<void> {
  // Reset requests are counted like sign-in failures: a burst from one address or for one email gets 429.
  const resetThrottle = new LoginThrottle(10, 30, 15 * 60 * 1000, 'Too many password reset requests; wait a few minutes and try again');

  app.post('/api/v1/auth/password-reset', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Forgot password: mails a one-time link (valid 1 hour) if a user or portal contact has this email; always 202',
      body: z.strictObject({ email: emailInput, portal: z.boolean().optional() }),
      response: { 202: z.object({ message: z.string() }), ...errors },
    },
    handler: async (req, reply) => {
      resetThrottle.assertAllowed(req.body.email, req.ip);
      resetThrottle.fail(req.body.email, req.ip);
      await tokens.requestPasswordReset(app.db, req.body.email, req.body.portal === true);
      return reply.status(202).send({ message: 'If an account has this email, a link to choose a new password is on its way. It works once, for 1 hour.' });
    },
  });

  app.post('/api/v1/auth/password-reset/check', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'What a password link (reset or invitation) is for, without using it; 400 when it is used, replaced or expired',
      body: z.strictObject({ token: tokenInput }),
      response: {
        200: z.object({ kind: z.enum(['password_reset', 'invitation']), email: z.string(), name: z.string(), portal: z.boolean(), expiresAt: z.string() }),
        ...errors,
      },
    },
    handler: async (req) => tokens.inspectToken(app.db, req.body.token),
  });

  app.post('/api/v1/auth/password-reset/confirm', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Set a new password with a reset or invitation link: the link is spent and every session of the person ends',
      body: z.strictObject({ token: tokenInput, password }),
      response: { 200: z.object({ kind: z.enum(['password_reset', 'invitation']), email: z.string(), portal: z.boolean() }), ...errors },
    },
    handler: async (req) => tokens.setPasswordWithToken(app.db, req.body.token, req.body.password),
  });

  app.post('/api/v1/users/:id/invitation', {
    config: { access: 'users.manage' },
    schema: {
      tags: ['users'],
      summary: 'Send the invitation mail again (a new 7-day link; older links stop working)',
      params: idParams,
      response: { 202: invitationSent, ...errors },
    },
    handler: async (req, reply) => reply.status(202).send(await tokens.resendInvitation(app.db, 'user', req.params.id, requireUser(req))),
  });

  app.post('/api/v1/contacts/:id/invitation', {
    config: { access: 'customers.manage' },
    schema: {
      tags: ['contacts'],
      summary: 'Invite a portal contact to choose a password (a new 7-day link; older links stop working)',
      params: idParams,
      response: { 202: invitationSent, ...errors },
    },
    handler: async (req, reply) => reply.status(202).send(await tokens.resendInvitation(app.db, 'contact', req.params.id, requireUser(req))),
  });

  app.get('/api/v1/sign-in-lockouts', {
    config: { access: 'users.manage' },
    schema: { tags: ['users'], summary: 'Sign-ins locked now after too many failed attempts', response: { 200: z.object({ items: z.array(lockout.lockoutSchema) }), ...errors } },
    handler: async () => ({ items: await lockout.listLockouts(app.db) }),
  });

  app.post('/api/v1/sign-in-lockouts/unlock', {
    config: { access: 'users.manage' },
    schema: {
      tags: ['users'],
      summary: 'End a sign-in lockout now (audited)',
      body: z.strictObject({ email: emailInput }),
      response: { 204: z.null(), ...errors },
    },
    handler: async (req, reply) => {
      await lockout.unlock(app.db, requireUser(req), req.body.email);
      return reply.status(204).send(null);
    },
  });
}
