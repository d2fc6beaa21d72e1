import { z } from 'zod';
import type { App } from '../../platform/app-types.js';
import { errors } from '../../platform/http.js';
import { expectedVersion } from '../../platform/concurrency.js';
import { closeBySystem, reopenByCustomer } from '../cases/case-actions.service.js';
import * as surveys from './surveys.service.js';

const tokenParams = z.strictObject({ token: z.string().max(100) });

export async function surveysRoutes(app: App): Promise<void> {
  const db = app.db;
  // Public: the link in the resolved mail is the customer's only key.
  app.get('/api/v1/surveys/:token', {
    config: { access: 'public' },
    schema: { tags: ['surveys'], summary: 'The satisfaction survey behind a one-time link', params: tokenParams, response: { 200: surveys.surveyViewSchema, ...errors } },
    handler: (req) => surveys.viewSurvey(db, req.params.token),
  });
  app.post('/api/v1/surveys/:token', {
    config: { access: 'public' },
    schema: {
      tags: ['surveys'],
      summary: 'Answer the survey once: a low score reopens the case, a good one closes it',
      params: tokenParams,
      body: z.strictObject({ score: z.number().int().min(1).max(5), comment: z.string().trim().max(5000).optional() }),
      response: { 200: surveys.surveyViewSchema, ...errors },
    },
    handler: (req) => surveys.answerSurvey(db, req.params.token, req.body, { reopen: reopenByCustomer, close: closeBySystem }),
  });

  app.get('/api/v1/satisfaction-levels', {
    config: { access: 'workflow.read' },
    schema: { tags: ['surveys'], summary: 'What each survey score means', response: { 200: z.object({ items: z.array(surveys.levelSchema) }), ...errors } },
    handler: async () => ({ items: await surveys.listLevels(db) }),
  });
  app.patch('/api/v1/satisfaction-levels/:score', {
    config: { access: 'mail.manage' },
    schema: {
      tags: ['surveys'],
      summary: "Change a score's label or outcome (reopen or close)",
      params: z.strictObject({ score: z.coerce.number().int().min(1).max(5) }),
      headers: z.object({ 'if-match': z.string().max(100).optional() }),
      body: z.strictObject({ label: z.string().trim().min(1).max(100).optional(), outcome: z.enum(['reopen', 'close']).optional() }),
      response: { 200: surveys.levelSchema, ...errors },
    },
    handler: (req) => surveys.updateLevel(db, req.params.score, req.body, expectedVersion(req)),
  });
}
