// Mail administration: the outbox, email templates and satisfaction levels, following
// src/modules/mail (outbox.service.ts, templates.service.ts) and src/modules/surveys.
import { request } from '../../api';

export const MAIL_STATES = ['queued', 'sending', 'sent', 'failed'] as const;
export type MailState = (typeof MAIL_STATES)[number];

export interface OutboxItem {
  id: number;
  caseNumber: string | null;
  template: string | null;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  state: MailState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface EmailTemplate {
  key: string;
  name: string;
  subject: string;
  body: string;
  updatedAt: string;
  version: number;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export type Outcome = 'reopen' | 'close';
export interface SatisfactionLevel {
  score: number;
  label: string;
  outcome: Outcome;
  version: number;
}

export const mailApi = {
  retry: (id: number) => request<void>('POST', `/outbox/${id}/retry`),
  templates: () => request<{ items: EmailTemplate[] }>('GET', '/email-templates'),
  preview: (body: { subject: string; body: string }, signal?: AbortSignal) => request<RenderedMail>('POST', '/email-templates/preview', { body, signal }),
  levels: () => request<{ items: SatisfactionLevel[] }>('GET', '/satisfaction-levels'),
  updateLevel: (score: number, body: { label?: string; outcome?: Outcome }) => request<SatisfactionLevel>('PATCH', `/satisfaction-levels/${score}`, { body }),
};

/** How a delivery state reads, and its colour. */
export const STATE_LABELS: Record<MailState, [string, string]> = {
  queued: ['Queued', 'gray'],
  sending: ['Sending', 'blue'],
  sent: ['Sent', 'green'],
  failed: ['Failed', 'red'],
};
