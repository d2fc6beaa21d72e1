import type { Case, Channel } from '../casesApi';
import { compact, pickChanged, type FieldErrors, type useRecordForm } from '../components/useRecordForm';

// The editable fields of a case, shared by the New case form and the case form.

export interface CaseValues extends Record<string, unknown> {
  shortDescription: string;
  description: string;
  accountId: number | null;
  contactId: number | null;
  assetIds: number[];
  product: string;
  priority: number;
  category: string;
  channel: Channel;
  queueId: number | null;
}

export const emptyCase = (queueId: number | null = null): CaseValues => ({
  shortDescription: '',
  description: '',
  accountId: null,
  contactId: null,
  assetIds: [],
  product: '',
  priority: 3,
  category: '',
  channel: 'phone',
  queueId,
});

export const caseValuesOf = (c: Case): CaseValues => ({
  shortDescription: c.shortDescription,
  description: c.description ?? '',
  accountId: c.accountId,
  contactId: c.contactId,
  assetIds: c.assetIds,
  product: c.product ?? '',
  priority: c.priority,
  category: c.category ?? '',
  channel: c.channel,
  queueId: c.queueId,
});

export const caseCreateBody = (v: CaseValues) => compact({ ...v, assetIds: v.assetIds.length ? v.assetIds : undefined });

export const casePatchBody = (v: CaseValues, changed: (keyof CaseValues & string)[]) => {
  const body = pickChanged(v, changed, ['product', 'category']);
  // The account and its contact travel together, so the server can check they fit.
  if ('accountId' in body || 'contactId' in body) {
    body.accountId = v.accountId;
    body.contactId = v.contactId;
  }
  return body;
};

export const validateCase = (v: CaseValues): FieldErrors<CaseValues> => ({
  shortDescription: v.shortDescription.trim() ? undefined : 'Describe the problem in a few words',
});

export type CaseForm = ReturnType<typeof useRecordForm<Case, CaseValues>>;
