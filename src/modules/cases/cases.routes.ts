import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { requireUser } from '../../platform/access.js';
import { etag, expectedVersion } from '../../platform/concurrency.js';
import { errors, listOf } from '../../platform/http.js';
import * as actions from './case-actions.service.js';
import * as s from './cases.schemas.js';
import * as cases from './cases.service.js';

const ifMatch = z.object({ 'if-match': z.string().max(100).optional() });

export async function casesRoutes(app: App): Promise<void> {
  const db = app.db;
  const sendCase = async (req: Parameters<typeof requireUser>[0], reply: { header(k: string, v: string): unknown }, number: string) => {
    const dto = await cases.getCase(db, requireUser(req), number);
    reply.header('etag', etag(dto.version));
    return dto;
  };

  app.get('/api/v1/cases', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['cases'],
      summary: 'List cases: views home (new, unassigned or mine), mine, my_resolved, queue, all; filters; full-text search',
      querystring: s.caseListQuery,
      response: { 200: listOf(s.caseSummarySchema), ...errors },
    },
    handler: (req) => cases.listCases(db, requireUser(req), req.query),
  });

  app.post('/api/v1/cases', {
    config: { access: 'cases.work' },
    schema: { tags: ['cases'], summary: 'Open a case', body: s.createCaseBody, response: { 201: s.caseSchema, ...errors } },
    handler: async (req, reply) => {
      const number = await cases.createCase(db, requireUser(req), req.body);
      reply.status(201);
      return sendCase(req, reply, number);
    },
  });

  app.get('/api/v1/cases/:number', {
    config: { access: 'cases.work' },
    schema: { tags: ['cases'], summary: 'Read a case', params: s.numberParams, response: { 200: s.caseSchema, ...errors } },
    handler: (req, reply) => sendCase(req, reply, req.params.number),
  });

  app.patch('/api/v1/cases/:number', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['cases'],
      summary: 'Edit a case (If-Match: version); resolved and final cases are read-only (409)',
      params: s.numberParams,
      headers: ifMatch,
      body: s.updateCaseBody,
      response: { 200: s.caseSchema, ...errors },
    },
    handler: async (req, reply) => {
      const dto = await cases.updateCase(db, requireUser(req), req.params.number, req.body, expectedVersion(req));
      reply.header('etag', etag(dto.version));
      return dto;
    },
  });

  // The workflow actions; each answers with the whole case.
  const action = <B extends z.ZodType>(name: string, summary: string, body: B, run: (req: any, b: z.infer<B>, expected: number | undefined) => Promise<unknown>) => {
    app.post(`/api/v1/cases/:number/${name}`, {
      config: { access: 'cases.work' },
      schema: { tags: ['case actions'], summary, params: s.numberParams, headers: ifMatch, body, response: { 200: s.caseSchema, ...errors } },
      handler: async (req, reply) => {
        await run(req, req.body as z.infer<B>, expectedVersion(req));
        return sendCase(req, reply, (req.params as { number: string }).number);
      },
    });
  };
  const num = (req: { params: unknown }) => (req.params as { number: string }).number;
  action('start', 'Start work: in progress; you become the assignee if there is none', s.emptyBody, (req, _b, v) => actions.start(db, requireUser(req), num(req), v));
  action('assign', 'Assign to a user and/or a group', s.assignBody, (req, b, v) => actions.assign(db, requireUser(req), num(req), b, v));
  action('pick', "Pick the case from its queue (members of an 'any' queue)", s.emptyBody, (req, _b, v) => actions.pick(db, requireUser(req), num(req), v));
  action('escalate', 'Escalate to another assignee or group, with a reason', s.escalateBody, (req, b, v) => actions.escalate(db, requireUser(req), num(req), b, v));
  action('next-stage', "Move to the process's next stage (422 names missing fields)", s.emptyBody, (req, _b, v) => actions.nextStage(db, requireUser(req), num(req), v));
  action('wait', 'Wait for the customer (a pausing status)', s.waitBody, (req, b, v) => actions.wait(db, requireUser(req), num(req), b ?? {}, v));
  action('resolve', 'Resolve (422 while activities are open, unless cancelOpenActivities)', s.resolveBody, (req, b, v) => actions.resolve(db, requireUser(req), num(req), b, v));
  action('reactivate', 'Reactivate a resolved case to add work', s.emptyBody, (req, _b, v) => actions.reactivate(db, requireUser(req), num(req), v));
  action('cancel', 'Cancel: opened by mistake or no longer needed', s.cancelBody, (req, b, v) => actions.cancel(db, requireUser(req), num(req), b ?? {}, v));
  action('close', 'Close a resolved case', s.emptyBody, (req, _b, v) => actions.close(db, requireUser(req), num(req), v));

  app.post('/api/v1/queues/:id/next', {
    config: { access: 'cases.work' },
    schema: {
      tags: ['queues'],
      summary: 'Take the next case of a queue (highest priority, then oldest); 404 when none waits',
      params: z.strictObject({ id: z.coerce.number().int().positive() }),
      response: { 200: s.caseSchema, ...errors },
    },
    handler: async (req, reply) => {
      const number = await actions.takeNext(db, requireUser(req), req.params.id);
      return sendCase(req, reply, number);
    },
  });
}
