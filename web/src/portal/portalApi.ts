// The customer portal's endpoints and types, following src/modules/portal/portal.service.ts.
import { request, type Page } from '../api';

export type Phase = 'open' | 'waiting' | 'resolved' | 'closed';

export interface PortalCase {
  number: string;
  shortDescription: string;
  description: string;
  status: string;
  statusLabel: string;
  /** open: we are on it; waiting: we need the customer's answer; resolved; closed (final). */
  phase: Phase;
  product: string | null;
  contactName: string | null;
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  canReply: boolean;
}

export interface PortalAttachment {
  id: number;
  fileName: string;
  contentType: string;
  size: number;
  createdAt: string;
}

export interface PortalMessage {
  id: number;
  body: string;
  fromCustomer: boolean;
  authorName: string;
  createdAt: string;
  attachments: PortalAttachment[];
}

/** A published post case review: the newest customer-visible version. */
export interface PortalDocument {
  id: number;
  reviewNumber: string;
  title: string;
  version: number;
  publishedAt: string;
  size: number;
  url: string;
}

export interface PortalCaseDetail extends PortalCase {
  messages: PortalMessage[];
  documents: PortalDocument[];
  attachments: PortalAttachment[];
  resolutionNotes: string | null;
}

export interface NewPortalCase {
  shortDescription: string;
  description?: string;
  product?: string;
  assetIds?: number[];
}

/** The status in words, with its colour. */
export const PHASES: Record<Phase, { words: string; color: string; explain: string }> = {
  open: { words: 'We’re working on it', color: 'blue', explain: 'Our support team is on it. We write here (and email you) as soon as we have news.' },
  waiting: { words: 'Waiting for your reply', color: 'orange', explain: 'We need an answer from you to go on. Write your reply below.' },
  resolved: { words: 'Resolved', color: 'green', explain: 'We think this is solved. If the problem is still there, reply below and we reopen the case.' },
  closed: { words: 'Closed', color: 'gray', explain: 'This case is closed. If you need more help, open a new case.' },
};

export const portalKeys = {
  all: ['portal', 'cases'] as const,
  list: ['portal', 'cases', 'list'] as const,
  detail: (number: string) => ['portal', 'cases', 'detail', number] as const,
};

export const portalApi = {
  cases: (cursor?: string | null) => request<Page<PortalCase>>('GET', '/portal/cases', { query: { cursor, limit: 25 } }),
  get: (number: string) => request<PortalCaseDetail>('GET', `/portal/cases/${number}`),
  create: (body: NewPortalCase) => request<PortalCaseDetail>('POST', '/portal/cases', { body }),
  reply: (number: string, body: { body: string; attachmentIds?: number[] }) => request<PortalCaseDetail>('POST', `/portal/cases/${number}/comments`, { body }),
  upload: (number: string, files: File[]) => {
    const form = new FormData();
    for (const f of files) form.append('file', f, f.name);
    return request<{ items: PortalAttachment[] }>('POST', `/portal/cases/${number}/attachments`, { body: form });
  },
  attachmentUrl: (id: number) => `/api/v1/portal/attachments/${id}`,
};
