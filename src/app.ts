import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Config } from './config.js';
import type { DB } from './db/schema.js';
import { registerAccessControl } from './platform/access.js';
import type { App } from './platform/app-types.js';
import { AppError, installErrorHandler } from './platform/errors.js';
import { registerIdempotency, requestScopedDatabase } from './platform/idempotency.js';
import { runtime } from './platform/runtime.js';
import { frameworkErrors } from './platform/framework-errors.js';
import { registerTextGuard } from './platform/text-guard.js';
import { registerIdGuard } from './platform/id-guard.js';
import { authenticate, SESSION_COOKIE } from './modules/identity/auth.service.js';
import { authRoutes } from './modules/identity/auth.routes.js';
import { accountRecoveryRoutes } from './modules/identity/account-recovery.routes.js';
import { registerCsrfProtection } from './platform/csrf.js';
import { usersRoutes } from './modules/identity/users.routes.js';
import { groupsRoutes } from './modules/identity/groups.routes.js';
import { customersRoutes } from './modules/customers/customers.routes.js';
import { settingsRoutes } from './modules/settings/settings.routes.js';
import { casesRoutes } from './modules/cases/cases.routes.js';
import { conversationRoutes } from './modules/cases/conversation.routes.js';
import { workflowConfigRoutes } from './modules/cases/workflow-config.routes.js';
import { activitiesRoutes } from './modules/activities/activities.routes.js';
import { notificationsRoutes } from './modules/notifications/notifications.routes.js';
import { mailRoutes } from './modules/mail/mail.routes.js';
import { surveysRoutes } from './modules/surveys/surveys.routes.js';
import { portalRoutes } from './modules/portal/portal.routes.js';
import { DocumentRenderer } from './modules/reviews/review-document.js';
import { reviewsRoutes } from './modules/reviews/reviews.routes.js';
import { reviewConfigRoutes } from './modules/reviews/configurations.routes.js';
import { majorCasesRoutes } from './modules/cases/major-cases.routes.js';
import { slaRoutes } from './modules/sla/sla.routes.js';
import { knowledgeRoutes } from './modules/knowledge/knowledge.routes.js';
import { watchersRoutes } from './modules/watchers/watchers.routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    sessionId?: string;
  }
}

/** Builds the HTTP application from its modules (the composition root). */
export async function buildApp(config: Config, db: Kysely<DB>, options: { logger?: boolean } = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel },
    bodyLimit: 1024 * 1024,
    frameworkErrors, // broken URLs answer in SPEC §10's error shape too
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Routes query through this: a request with an Idempotency-Key runs in its own transaction.
  app.decorate('db', requestScopedDatabase(db));
  app.decorate('config', config);
  app.decorate('documentRenderer', new DocumentRenderer(config.dataDir));
  runtime.publicUrl = config.publicUrl;
  app.decorateRequest('principal', null);
  installErrorHandler(app);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"], // the component library sets style attributes
        imgSrc: ["'self'", 'data:', 'blob:'],
        objectSrc: ["'none'"],
        // PDF previews: the browser's viewer in a frame of ours, or pdf.js drawing a blob.
        frameSrc: ["'self'", 'blob:'],
        workerSrc: ["'self'", 'blob:'],
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: config.secureCookies,
  });
  await app.register(fastifyCookie);
  // Upload limits per request come from the attachments.maxBytes property; this is the hard ceiling.
  await app.register(fastifyMultipart, { limits: { fileSize: 1024 * 1024 * 1024, files: 10, fields: 20, parts: 40 } });
  await app.register(fastifyRateLimit, { max: config.rateLimitPerMinute, timeWindow: '1 minute' });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Casebook API', version: '1', description: 'Customer-service cases, queues, conversations and post case reviews.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });

  // API answers hold private data: no cache (browser or proxy) keeps them.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  registerCsrfProtection(app, config.publicUrl);

  // Who is calling, for every API request: a session cookie or a personal API token.
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const found = await authenticate(db, request.cookies[SESSION_COOKIE], request.headers.authorization);
    request.principal = found?.principal ?? null;
    request.sessionId = found?.sessionId;
  });
  registerAccessControl(app);
  registerIdempotency(app, db);
  registerTextGuard(app);
  registerIdGuard(app);

  app.get('/api/docs', {
    config: { access: 'public' },
    schema: { hide: true },
    handler: async () => app.swagger(),
  });
  app.get('/api/v1/health', {
    config: { access: 'public' },
    schema: { tags: ['operations'], summary: 'Liveness', response: { 200: z.object({ status: z.literal('ok') }) } },
    handler: async () => ({ status: 'ok' as const }),
  });
  app.get('/api/v1/ready', {
    config: { access: 'public' },
    schema: { tags: ['operations'], summary: 'Readiness: the database answers', response: { 200: z.object({ status: z.literal('ready') }), 503: z.object({ status: z.string() }) } },
    handler: async (_req, reply) => {
      try {
        await sql`select 1`.execute(db);
        return { status: 'ready' as const };
      } catch {
        return reply.status(503).send({ status: 'database unavailable' });
      }
    },
  });

  await app.register(authRoutes);
  await app.register(accountRecoveryRoutes);
  await app.register(usersRoutes);
  await app.register(groupsRoutes);
  await app.register(customersRoutes);
  await app.register(settingsRoutes);
  await app.register(workflowConfigRoutes);
  await app.register(casesRoutes);
  await app.register(majorCasesRoutes);
  await app.register(conversationRoutes);
  await app.register(activitiesRoutes);
  await app.register(notificationsRoutes);
  await app.register(mailRoutes);
  await app.register(surveysRoutes);
  await app.register(portalRoutes);
  await app.register(reviewsRoutes);
  await app.register(reviewConfigRoutes);
  await app.register(slaRoutes);
  await app.register(knowledgeRoutes);
  await app.register(watchersRoutes);

  // The web app (workspace and portal): static files, and index.html for client-side routes.
  const index = path.join(config.webDir, 'index.html');
  if (fs.existsSync(index)) {
    // wildcard: files are looked up per request, so a rebuilt web app is served without a restart.
    await app.register(fastifyStatic, { root: config.webDir, wildcard: true, index: false });
    // The root is the workspace's home page (the static plugin refuses directories).
    app.get('/', (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(fs.createReadStream(index)));
  }
  app.setNotFoundHandler(async (request, reply) => {
    if (request.url.startsWith('/api/')) throw new AppError('not_found', `No route ${request.method} ${request.url.split('?')[0]}`);
    if (request.method !== 'GET' || !fs.existsSync(index)) throw new AppError('not_found', 'Not found');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(fs.createReadStream(index));
  });
  return app;
}
