import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Access } from './access.js';
import type { App } from './app-types.js';
import { etag, expectedVersion } from './concurrency.js';
import { errors, idParams, listOf } from './http.js';

// The four routes every versioned directory record has (list, create, read, change), declared
// once: each with its access, request and response schemas, ETag and If-Match handling.

export interface CrudSpec<Dto extends { version: number }, Q, C, U> {
  path: string;
  tag: string;
  noun: string;
  readAccess: Access;
  manageAccess: Access;
  schema: z.ZodType<Dto>;
  listQuery: z.ZodType<Q>;
  createBody: z.ZodType<C>;
  updateBody: z.ZodType<U>;
  list(req: FastifyRequest, query: Q): Promise<{ items: Dto[]; nextCursor: string | null }>;
  get(req: FastifyRequest, id: number): Promise<Dto>;
  create(req: FastifyRequest, body: C): Promise<Dto>;
  update(req: FastifyRequest, id: number, body: U, expected: number | undefined): Promise<Dto>;
}

export function registerCrudRoutes<Dto extends { version: number }, Q, C, U>(zodApp: App, s: CrudSpec<Dto, Q, C, U>): void {
  // The spec's schemas are generic here, so the handlers are typed by the spec, not inferred.
  const app = zodApp as unknown as FastifyInstance;
  const tags = [s.tag];
  app.get(s.path, {
    config: { access: s.readAccess },
    schema: { tags, summary: `List ${s.noun}s`, querystring: s.listQuery, response: { 200: listOf(s.schema), ...errors } },
    handler: (req) => s.list(req, req.query as Q),
  });
  app.post(s.path, {
    config: { access: s.manageAccess },
    schema: { tags, summary: `Create a ${s.noun}`, body: s.createBody, response: { 201: s.schema, ...errors } },
    handler: async (req, reply) => {
      const dto = await s.create(req, req.body as C);
      return reply.status(201).header('etag', etag(dto.version)).send(dto);
    },
  });
  app.get(`${s.path}/:id`, {
    config: { access: s.readAccess },
    schema: { tags, summary: `Read a ${s.noun}`, params: idParams, response: { 200: s.schema, ...errors } },
    handler: async (req, reply) => {
      const dto = await s.get(req, (req.params as { id: number }).id);
      return reply.header('etag', etag(dto.version)).send(dto);
    },
  });
  app.patch(`${s.path}/:id`, {
    config: { access: s.manageAccess },
    schema: {
      tags,
      summary: `Change a ${s.noun} (send If-Match with the version you read)`,
      params: idParams,
      headers: z.object({ 'if-match': z.string().max(100).optional() }),
      body: s.updateBody,
      response: { 200: s.schema, ...errors },
    },
    handler: async (req, reply) => {
      const dto = await s.update(req, (req.params as { id: number }).id, req.body as U, expectedVersion(req));
      return reply.header('etag', etag(dto.version)).send(dto);
    },
  });
}
