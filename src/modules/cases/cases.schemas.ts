import { z } from 'zod';
import { optionalText, text } from '../../platform/http.js';
import { CASE_ACTIONS } from './case.workflow.js';

export const CHANNELS = ['web', 'email', 'portal', 'phone', 'api'] as const;
export const SLA_STATES = ['running', 'at_risk', 'breached', 'paused', 'met', 'missed', 'none'] as const;
const slaClockSchema = z.object({ dueAt: z.string().nullable(), state: z.enum(SLA_STATES), breachedAt: z.string().nullable(), targetMinutes: z.number().nullable() });
export const PRIORITIES = [1, 2, 3, 4] as const;

const id = z.number().int().positive();
const priority = z.number().int().min(1, 'must be 1 (critical) to 4 (low)').max(4, 'must be 1 (critical) to 4 (low)');

export const caseSummarySchema = z.object({
  id: z.number(),
  number: z.string(),
  shortDescription: z.string(),
  accountId: z.number().nullable(),
  accountName: z.string().nullable(),
  contactId: z.number().nullable(),
  contactName: z.string().nullable(),
  priority: z.number(),
  category: z.string().nullable(),
  channel: z.enum(CHANNELS),
  status: z.string(),
  statusLabel: z.string(),
  stage: z.string().nullable(),
  assigneeId: z.number().nullable(),
  assigneeName: z.string().nullable(),
  assignmentGroupId: z.number().nullable(),
  assignmentGroupName: z.string().nullable(),
  queueId: z.number().nullable(),
  queueName: z.string().nullable(),
  escalationLevel: z.number(),
  major: z.boolean(),
  parentId: z.number().nullable(),
  openedAt: z.string(),
  resolvedAt: z.string().nullable(),
  responseDueAt: z.string().nullable(),
  resolutionDueAt: z.string().nullable(),
  /** The SLA clock that matters now: the first response until it is given, then the resolution. */
  slaState: z.enum(SLA_STATES),
  /** The deadline of that clock. */
  slaDueAt: z.string().nullable(),
  updatedAt: z.string(),
  version: z.number(),
});
export type CaseSummaryDto = z.infer<typeof caseSummarySchema>;

const stageSchema = z.object({ key: z.string(), name: z.string(), requiredFields: z.array(z.string()) });

export const caseSchema = caseSummarySchema.extend({
  description: z.string(),
  contactEmail: z.string().nullable(),
  product: z.string().nullable(),
  assetIds: z.array(z.number()),
  processId: z.number().nullable(),
  stages: z.array(stageSchema),
  resolutionCode: z.string().nullable(),
  cause: z.string().nullable(),
  resolutionNotes: z.string().nullable(),
  parentNumber: z.string().nullable(),
  firstResponseAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  satisfaction: z.number().nullable(),
  createdAt: z.string(),
  /** Actions possible now for the caller, in the order the actions menu shows them. */
  allowedActions: z.array(z.enum(CASE_ACTIONS)),
  /** False while the case is resolved or final: its fields are read-only. */
  editable: z.boolean(),
  openActivityCount: z.number(),
  /** The case's post case review, if it has one. */
  review: z.object({ number: z.string(), state: z.string() }).nullable(),
  /** SLA: the policy, whether the clock is paused, and both clocks. */
  sla: z.object({ policyName: z.string().nullable(), pausedSince: z.string().nullable(), response: slaClockSchema, resolution: slaClockSchema }),
  /** How many child cases a major case has. */
  childCount: z.number(),
  /** Whether "Create Post Case Review" is offered to the caller now, and why not. */
  reviewAvailability: z.object({ allowed: z.boolean(), reason: z.string().nullable() }),
});
export type CaseDto = z.infer<typeof caseSchema>;

export const createCaseBody = z.strictObject({
  shortDescription: text(300),
  description: z.string().max(100_000).optional(),
  accountId: id.nullable().optional(),
  contactId: id.nullable().optional(),
  product: optionalText(200),
  assetIds: z.array(id).max(200).optional(),
  priority: priority.optional(),
  category: optionalText(100),
  channel: z.enum(CHANNELS).optional(),
  queueId: id.nullable().optional(),
  assignmentGroupId: id.nullable().optional(),
});
export const updateCaseBody = createCaseBody.omit({ assignmentGroupId: true }).partial();

export const CASE_VIEWS = ['home', 'mine', 'my_resolved', 'queue', 'all'] as const;
export const CASE_SORTS = ['updated', 'opened', 'priority', 'number', 'due'] as const;
const csv = <T extends z.ZodType<unknown, any>>(item: T) =>
  z
    .string()
    .max(500)
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(item).max(20));
export const caseListQuery = z.strictObject({
  view: z.enum(CASE_VIEWS).default('all'),
  queueId: z.coerce.number().int().positive().optional(),
  status: csv(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be status keys')).optional(),
  priority: csv(z.coerce.number().int().min(1).max(4)).optional(),
  accountId: z.coerce.number().int().positive().optional(),
  assigneeId: z.union([z.coerce.number().int().positive(), z.literal('none')]).optional(),
  q: z.string().trim().max(200).optional(),
  sla: z.enum(['breached', 'at_risk']).optional(),
  sort: z.enum(CASE_SORTS).default('updated'),
  order: z.enum(['asc', 'desc']).default('desc'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type CaseListQuery = z.infer<typeof caseListQuery>;

export const numberParams = z.strictObject({ number: z.string().max(20).regex(/^CS\d{7,}$/, 'must be a case number like CS0001001') });

export const assignBody = z
  .strictObject({ assigneeId: id.nullable().optional(), assignmentGroupId: id.nullable().optional() })
  .refine((b) => b.assigneeId !== undefined || b.assignmentGroupId !== undefined, 'name an assigneeId or an assignmentGroupId');
export const escalateBody = z
  .strictObject({ assigneeId: id.nullable().optional(), assignmentGroupId: id.nullable().optional(), reason: text(2000) })
  .refine((b) => b.assigneeId != null || b.assignmentGroupId != null, 'escalate to an assigneeId or an assignmentGroupId');
export const waitBody = z.strictObject({ status: z.string().max(60).optional() }).nullish();
export const resolveBody = z.strictObject({
  resolutionCode: text(60),
  cause: z.string().trim().max(20_000).optional(),
  resolutionNotes: text(20_000),
  cancelOpenActivities: z.boolean().optional(),
});
export const cancelBody = z.strictObject({ reason: z.string().trim().max(2000).optional() }).nullish();
/** Actions without parameters accept no body, null, or {}. */
export const emptyBody = z.strictObject({}).nullish();
