import { Liquid } from 'liquidjs';
import { badRequest } from '../../platform/errors.js';
import { withoutBidiControls } from '../../platform/text-guard.js';

// Email templates are Liquid text written by admins. They see only the data we hand them, can't
// include files (no file system) and are bounded in time and size. A template is text: the HTML
// part is the rendered text, escaped (what the admin wrote as well as the values), in paragraphs —
// so neither a template nor a customer's words can put markup or links into a mail. Subjects lose
// line breaks.

const noFiles = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => {
    throw new Error('templates cannot include files');
  },
  readFileSync: () => {
    throw new Error('templates cannot include files');
  },
  resolve: (_root: string, file: string) => file,
};

const options = {
  fs: noFiles,
  relativeReference: false,
  strictFilters: true,
  ownPropertyOnly: true,
  parseLimit: 100_000,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
  timezoneOffset: 0,
};
const textEngine = new Liquid(options);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export type TemplateData = Record<string, unknown>;

function oneLine(s: string): string {
  // Line breaks would start new header lines; direction overrides would reorder the [CS…] tag.
  return withoutBidiControls(s.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ')).trim().slice(0, 900);
}

/** Renders a template's subject and body for one mail. */
export function renderMail(template: { subject: string; body: string }, data: TemplateData): RenderedMail {
  const subject = oneLine(textEngine.parseAndRenderSync(template.subject, data) as string);
  const text = (textEngine.parseAndRenderSync(template.body, data) as string).trim();
  const escaped = escapeHtml(text.replace(/\r\n?/g, '\n'));
  const html = `<!doctype html><html><body style="font-family: system-ui, sans-serif; font-size: 14px; line-height: 1.5; color: #1a1b1e">${escaped
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('')}</body></html>`;
  return { subject, text, html };
}

/** Throws 400 naming the field and the Liquid error when a template does not parse or render. */
export function validateTemplate(template: { subject: string; body: string }, sample: TemplateData): RenderedMail {
  for (const field of ['subject', 'body'] as const) {
    try {
      textEngine.parse(template[field]);
    } catch (err) {
      throw badRequest(`${field}: ${(err as Error).message}`, { fields: [{ field: `body.${field}`, message: (err as Error).message }] });
    }
  }
  try {
    return renderMail(template, sample);
  } catch (err) {
    throw badRequest(`The template does not render: ${(err as Error).message}`, { fields: [{ field: 'body.body', message: (err as Error).message }] });
  }
}
