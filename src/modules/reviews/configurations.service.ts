import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { DB, DocumentTemplatesTable, ReviewConfigurationsTable } from '../../db/schema.js';
import type { Principal } from '../../platform/access.js';
import { clock } from '../../platform/clock.js';
import { AppError, badRequest, notFound, rethrowUnique } from '../../platform/errors.js';
import { text } from '../../platform/http.js';
import { auditCreate, updateVersioned } from '../../platform/records.js';
import { markdownTree } from './markdown.js';
import type { DocumentRenderer } from './review-document.js';

// Review configurations ("case digest configurations", SPEC §7.2) and the Typst document
// templates they name. A template is saved only when it compiles with sample data, so a broken
// edit never replaces a working template.

export const CASE_SOURCE_FIELDS = ['shortDescription', 'description', 'cause', 'resolutionNotes', 'resolutionCode', 'product', 'category', 'assets'] as const;
export const REVIEW_TEXT_FIELDS = ['shortDescription', 'summary', 'symptoms', 'affectedAssets', 'rootCause', 'solution', 'preventiveMeasures'] as const;
export type CaseSourceField = (typeof CASE_SOURCE_FIELDS)[number];
export type ReviewTextField = (typeof REVIEW_TEXT_FIELDS)[number];

const mappingSchema = z.object({ caseField: z.enum(CASE_SOURCE_FIELDS), reviewField: z.enum(REVIEW_TEXT_FIELDS) });
export type FieldMapping = z.infer<typeof mappingSchema>;

export const configurationSchema = z.object({
  id: z.number(),
  name: z.string(),
  appliesTo: z.enum(['ordinary', 'major']),
  fieldMappings: z.array(mappingSchema),
  documentTemplateId: z.number(),
  documentTemplateName: z.string(),
  approvalRequired: z.boolean(),
  approvalPolicy: z.enum(['any', 'all']),
  customerVisibleDefault: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type ConfigurationDto = z.infer<typeof configurationSchema>;
const mappings = z
  .array(mappingSchema.strict())
  .max(20)
  .refine((m) => new Set(m.map((x) => x.reviewField)).size === m.length, 'each review field may be filled from one case field only');
export const updateConfigurationBody = z.strictObject({
  name: text(200).optional(),
  fieldMappings: mappings.optional(),
  documentTemplateId: z.number().int().positive().optional(),
  approvalRequired: z.boolean().optional(),
  approvalPolicy: z.enum(['any', 'all']).optional(),
  customerVisibleDefault: z.boolean().optional(),
});

export const documentTemplateSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  source: z.string(),
  usedBy: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export const createTemplateBody = z.strictObject({ name: text(200), description: z.string().trim().max(2000).optional(), source: z.string().min(1).max(200_000) });
export const updateTemplateBody = z.strictObject({ name: text(200).optional(), description: z.string().trim().max(2000).optional(), source: z.string().min(1).max(200_000).optional() });

type ConfigRow = Selectable<ReviewConfigurationsTable> & { template_name: string };
const configDto = (r: ConfigRow): ConfigurationDto => ({
  id: r.id,
  name: r.name,
  appliesTo: r.applies_to,
  fieldMappings: JSON.parse(r.field_mappings) as FieldMapping[],
  documentTemplateId: r.document_template_id,
  documentTemplateName: r.template_name,
  approvalRequired: r.approval_required === 1,
  approvalPolicy: r.approval_policy,
  customerVisibleDefault: r.customer_visible_default === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

const configs = (db: Kysely<DB>) =>
  db
    .selectFrom('review_configurations')
    .innerJoin('document_templates', 'document_templates.id', 'review_configurations.document_template_id')
    .selectAll('review_configurations')
    .select('document_templates.name as template_name');

export async function listConfigurations(db: Kysely<DB>) {
  return (await configs(db).orderBy('review_configurations.id').execute()).map(configDto);
}

export async function getConfiguration(db: Kysely<DB>, id: number): Promise<ConfigurationDto> {
  const row = await configs(db).where('review_configurations.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Review configuration ${id}`);
  return configDto(row);
}

/** The configuration that applies to ordinary or to major cases. */
export async function configurationFor(db: Kysely<DB>, appliesTo: 'ordinary' | 'major'): Promise<ConfigurationDto> {
  const row = await configs(db).where('review_configurations.applies_to', '=', appliesTo).executeTakeFirst();
  if (!row) throw new AppError('rule_violation', `No review configuration applies to ${appliesTo} cases`);
  return configDto(row);
}

export async function updateConfiguration(db: Kysely<DB>, actor: Principal, id: number, input: z.infer<typeof updateConfigurationBody>, expected: number | undefined) {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('review_configurations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound(`Review configuration ${id}`);
    if (input.documentTemplateId && !(await trx.selectFrom('document_templates').select('id').where('id', '=', input.documentTemplateId).executeTakeFirst())) {
      throw badRequest('documentTemplateId: no such template', { fields: [{ field: 'body.documentTemplateId', message: 'no such template' }] });
    }
    const flag = (v: boolean | undefined) => (v === undefined ? undefined : v ? 1 : 0);
    await updateVersioned(trx, {
      table: 'review_configurations',
      entity: 'review_configuration',
      before,
      changes: {
        name: input.name,
        field_mappings: input.fieldMappings ? JSON.stringify(input.fieldMappings) : undefined,
        document_template_id: input.documentTemplateId,
        approval_required: flag(input.approvalRequired),
        approval_policy: input.approvalPolicy,
        customer_visible_default: flag(input.customerVisibleDefault),
      },
      expected,
      actor,
    });
  });
  return getConfiguration(db, id);
}

// ---- document templates

type TemplateRow = Selectable<DocumentTemplatesTable>;

async function templateDtos(db: Kysely<DB>, rows: TemplateRow[]) {
  const uses = await db.selectFrom('review_configurations').select(['name', 'document_template_id']).execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    source: r.source,
    usedBy: uses.filter((u) => u.document_template_id === r.id).map((u) => u.name),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  }));
}

export async function listTemplates(db: Kysely<DB>) {
  return templateDtos(db, await db.selectFrom('document_templates').selectAll().orderBy('name').execute());
}

export async function getDocumentTemplate(db: Kysely<DB>, id: number) {
  const row = await db.selectFrom('document_templates').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Document template ${id}`);
  return (await templateDtos(db, [row]))[0]!;
}

export async function createDocumentTemplate(db: Kysely<DB>, renderer: DocumentRenderer, actor: Principal, input: z.infer<typeof createTemplateBody>) {
  renderer.validate(input.source, sampleDocumentData());
  const id = await db
    .transaction()
    .execute(async (trx) => {
      const now = clock.nowIso();
      const row = await trx
        .insertInto('document_templates')
        .values({ name: input.name, description: input.description ?? '', source: input.source, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await auditCreate(trx, actor, 'document_template', row.id, { name: input.name, source: input.source });
      return row.id;
    })
    .catch((err) => rethrowUnique(err, 'name', `A template named ${input.name} already exists`));
  return getDocumentTemplate(db, id);
}

/** Saves template changes only if the new source compiles (400 with line and column otherwise). */
export async function updateDocumentTemplate(db: Kysely<DB>, renderer: DocumentRenderer, actor: Principal, id: number, input: z.infer<typeof updateTemplateBody>, expected: number | undefined) {
  if (input.source !== undefined) renderer.validate(input.source, sampleDocumentData());
  await db
    .transaction()
    .execute(async (trx) => {
      const before = await trx.selectFrom('document_templates').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw notFound(`Document template ${id}`);
      await updateVersioned(trx, { table: 'document_templates', entity: 'document_template', before, changes: { name: input.name, description: input.description, source: input.source }, expected, actor });
    })
    .catch((err) => {
      if (err instanceof AppError) throw err;
      rethrowUnique(err, 'name', `A template named ${input.name} already exists`);
    });
  return getDocumentTemplate(db, id);
}

/** Realistic data for previewing and checking templates (every field filled). */
export function sampleDocumentData(overrides: { major?: boolean } = {}) {
  const md = markdownTree;
  return {
    company: { name: 'Casebook', address: '1 Support Way, Springfield' },
    review: {
      number: 'PCR0001234',
      state: 'approved',
      shortDescription: 'Order gateway rejected all connections',
      summary: md('For **three hours** on Monday the order gateway refused every connection, so no orders reached the warehouse.'),
      symptoms: md('- Clients reported TLS handshake errors\n- The warehouse queue stayed empty\n- Support received 40 calls'),
      affectedAssets: md(''),
      rootCause: md('The gateway’s TLS certificate expired at midnight; renewal was a manual task without a reminder.'),
      solution: md('1. Renewed the certificate\n2. Restarted the gateway\n3. Replayed the queued orders'),
      preventiveMeasures: md('Certificates now renew automatically, and monitoring warns 30 days before expiry. See [our runbook](https://example.com/runbook).'),
      customerVisible: true,
      commitmentDate: '25 Nov 2026',
      assignedTo: 'Maya Patel',
      version: 1,
      publishedAt: null as string | null,
      major: !!overrides.major,
    },
    case: {
      number: 'CS0001234',
      shortDescription: 'Orders stuck in the gateway',
      priority: 1,
      priorityLabel: '1 – Critical',
      product: 'Casebook Connect',
      category: 'Integration',
      statusLabel: 'Resolved',
      resolutionCode: 'solved',
      openedAt: '23 Nov 2026, 08:05 UTC',
      resolvedAt: '23 Nov 2026, 11:10 UTC',
      closedAt: null as string | null,
    },
    account: overrides.major ? null : { name: 'Northwind Traders', tier: 'premium' },
    contact: overrides.major ? null : { name: 'Nancy Davolio', email: 'nancy@northwind.example' },
    assets: overrides.major ? [] : [{ name: 'Order gateway', serialNumber: 'NW-GW-0042', product: 'Casebook Connect' }],
    approvals: [{ name: 'Grace Kim', decision: 'Approved', at: '23 Nov 2026, 15:00 UTC', comment: null as string | null }],
    generatedAt: '23 Nov 2026, 15:30 UTC',
  };
}
