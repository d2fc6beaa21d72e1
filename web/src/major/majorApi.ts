// Major cases (SPEC §8): marking, child cases, resolving together, copying the review to children.
// Follows src/modules/cases/major-cases.* and src/modules/reviews/major-reviews.service.ts.
import { request } from '../api';
import type { Case } from '../casesApi';
import type { Review } from '../reviews/reviewsApi';

/** What the case API answers beyond the shared Case type: the review rules and major-case links. */
export interface CaseReviewInfo {
  review?: { number: string; state: string } | null;
  reviewAvailability?: { allowed: boolean; reason: string | null };
  childCount?: number;
}
export const reviewInfo = (c: Case) => c as Case & CaseReviewInfo;

/** Who may mark cases major, link children and work major-case reviews. */
export const MAJOR_ROLES = ['manager', 'major_issue_manager', 'admin'] as const;
export const mayManageMajor = (roles: readonly string[] | undefined) => !!roles?.some((r) => (MAJOR_ROLES as readonly string[]).includes(r));

export interface ChildCase {
  id: number;
  number: string;
  shortDescription: string;
  accountName: string | null;
  contactName: string | null;
  status: string;
  statusLabel: string;
  resolved: boolean;
  reviewNumber: string | null;
  reviewState: string | null;
  reviewSourceNumber: string | null;
}

export interface OpenActivityOfCase {
  caseNumber: string;
  id: number;
  type: string;
  subject: string;
}

export interface CopyResult {
  caseNumber: string;
  accountName: string | null;
  reviewNumber: string | null;
  outcome: 'created' | 'updated' | 'skipped';
  published: boolean;
  documentVersion: number | null;
  reason: string | null;
}

export const childrenKey = (number: string) => ['cases', 'children', number] as const;

export const majorApi = {
  setMajor: (number: string, major: boolean, version?: number) => request<Case>('POST', `/cases/${number}/major`, { body: { major }, version }),
  children: (number: string) => request<{ items: ChildCase[] }>('GET', `/cases/${number}/children`),
  link: (number: string, caseNumbers: string[]) => request<{ items: ChildCase[] }>('POST', `/cases/${number}/children`, { body: { caseNumbers } }),
  unlink: (number: string, child: string) => request<void>('DELETE', `/cases/${number}/children/${child}`),
  resolveWithChildren: (number: string, body: Record<string, unknown>) => request<{ resolved: string[]; case: Case }>('POST', `/cases/${number}/resolve-with-children`, { body }),
  copyToChildren: (reviewNumber: string, body: { caseNumbers?: string[]; publish?: boolean; overwrite?: boolean }) =>
    request<{ items: CopyResult[]; review: Review }>('POST', `/reviews/${reviewNumber}/copy-to-children`, { body }),
};
