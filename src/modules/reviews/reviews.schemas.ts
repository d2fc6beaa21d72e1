import { z } from 'zod';
import { REVIEW_ACTIONS, REVIEW_STATES } from './review.workflow.js';

const id = z.number().int().positive();
const longText = z.string().max(100_000);

export const reviewApproverSchema = z.object({
  userId: z.number(),
  name: z.string(),
  decision: z.enum(['approved', 'changes_suggested']).nullable(),
  at: z.string().nullable(),
  comment: z.string().nullable(),
});

export const reviewSummarySchema = z.object({
  id: z.number(),
  number: z.string(),
  caseNumber: z.string(),
  shortDescription: z.string(),
  state: z.enum(REVIEW_STATES),
  major: z.boolean(),
  accountName: z.string().nullable(),
  assignedToId: z.number().nullable(),
  assignedToName: z.string().nullable(),
  commitmentDate: z.string().nullable(),
  updatedAt: z.string(),
  version: z.number(),
});

export const reviewSchema = reviewSummarySchema.extend({
  caseId: z.number(),
  caseShortDescription: z.string(),
  caseStatus: z.string(),
  caseStatusLabel: z.string(),
  /** True when the case is closed or canceled (SPEC §7.6); the notice says so. */
  caseClosed: z.boolean(),
  caseClosedNotice: z.string().nullable(),
  assignmentGroupId: z.number().nullable(),
  assignmentGroupName: z.string().nullable(),
  approvalGroupId: z.number().nullable(),
  approvalGroupName: z.string().nullable(),
  approvalUserIds: z.array(z.number()),
  summary: z.string(),
  symptoms: z.string(),
  affectedAssets: z.string(),
  rootCause: z.string(),
  solution: z.string(),
  preventiveMeasures: z.string(),
  customerVisible: z.boolean(),
  workNotesList: z.array(z.number()),
  configurationId: z.number(),
  approvalRequired: z.boolean(),
  approvalPolicy: z.enum(['any', 'all']),
  approvalRound: z.number(),
  /** The approvers of the current (or last) approval round with their decisions. */
  approvers: z.array(reviewApproverSchema),
  latestDocument: z.object({ id: z.number(), version: z.number(), publishedAt: z.string(), customerVisible: z.boolean() }).nullable(),
  documentCount: z.number(),
  sourceReviewNumber: z.string().nullable(),
  /** For a major case's review: how many children have a published copy. */
  childCopies: z.object({ children: z.number(), published: z.number() }).nullable(),
  locallyEdited: z.boolean(),
  allowedActions: z.array(z.enum(REVIEW_ACTIONS)),
  editable: z.boolean(),
  createdAt: z.string(),
});
export type ReviewDto = z.infer<typeof reviewSchema>;

export const updateReviewBody = z.strictObject({
  shortDescription: z.string().trim().min(1, 'must not be empty').max(300).optional(),
  summary: longText.optional(),
  symptoms: longText.optional(),
  affectedAssets: longText.optional(),
  rootCause: longText.optional(),
  solution: longText.optional(),
  preventiveMeasures: longText.optional(),
  customerVisible: z.boolean().optional(),
  assignedToId: id.nullable().optional(),
  assignmentGroupId: id.nullable().optional(),
  commitmentDate: z.iso.datetime({ offset: true, message: 'must be an ISO date-time' }).transform((v) => new Date(v).toISOString()).nullable().optional(),
  approvalGroupId: id.nullable().optional(),
  approvalUserIds: z.array(id).max(50).optional(),
  workNotesList: z.array(id).max(100).optional(),
});

export const requestApprovalBody = z.strictObject({ approvalGroupId: id.nullable().optional(), approvalUserIds: z.array(id).max(50).optional() }).nullish();
export const approveBody = z.strictObject({ comment: z.string().trim().max(10_000).optional() }).nullish();
export const suggestChangesBody = z.strictObject({ workNote: z.string().trim().min(1, 'say what should change').max(20_000) });
export const workNoteBody = z.strictObject({ body: z.string().trim().min(1, 'must not be empty').max(20_000) });

export const reviewListQuery = z.strictObject({
  state: z
    .string()
    .max(200)
    .transform((v) => v.split(',').filter(Boolean))
    .pipe(z.array(z.enum(REVIEW_STATES)))
    .optional(),
  assignedTo: z.union([z.literal('me'), z.coerce.number().int().positive()]).optional(),
  /** "me": reviews waiting for my decision (My approvals). */
  approver: z.literal('me').optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const reviewNumberParams = z.strictObject({ number: z.string().max(20).regex(/^PCR\d{7,}$/, 'must be a review number like PCR0001001') });

export const documentSchema = z.object({
  id: z.number(),
  reviewNumber: z.string(),
  version: z.number(),
  sha256: z.string(),
  size: z.number(),
  customerVisible: z.boolean(),
  publishedById: z.number().nullable(),
  publishedByName: z.string().nullable(),
  publishedAt: z.string(),
  url: z.string(),
});

export const historyEntrySchema = z.object({
  at: z.string(),
  kind: z.enum(['change', 'decision', 'work_note', 'document']),
  actorName: z.string().nullable(),
  text: z.string(),
  changes: z.array(z.object({ field: z.string().nullable(), oldValue: z.string().nullable(), newValue: z.string().nullable() })).optional(),
});
