import { ActionIcon, Badge, Button, SegmentedControl, Select, Stack, Switch, Table, Text, TextInput, Input } from '@mantine/core';
import { IconArrowRight, IconPlus, IconTrash } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ListTable, PageHeader, type Column } from '../../components/ListPage';
import { DrawerForm, DrawerLoading, RouteDrawer } from '../../components/RecordDrawer';
import { pickChanged, useRecordForm, type FieldErrors } from '../../components/useRecordForm';
import {
  CASE_SOURCE_FIELDS,
  CASE_SOURCE_LABELS,
  MAPPABLE_REVIEW_FIELDS,
  REVIEW_FIELD_LABELS,
  reviewsApi,
  type FieldMapping,
  type ReviewConfiguration,
} from '../../reviews/reviewsApi';
import { useDrawerRoute, useDrawerTitle } from '../util';

// Admin → Review configurations (SPEC §7.2): one for ordinary cases, one for major cases. Each maps
// case fields to review fields, names the document template, and sets the approval workflow.

const BASE = '/admin/review-configurations';
const RESOURCE = 'review-configurations';

const columns: Column<ReviewConfiguration>[] = [
  { header: 'Name', render: (c) => c.name },
  { header: 'Applies to', render: (c) => (c.appliesTo === 'major' ? 'Major cases' : 'Ordinary cases'), width: 140 },
  { header: 'Template', render: (c) => c.documentTemplateName },
  {
    header: 'Approval',
    render: (c) =>
      c.approvalRequired ? (
        <Badge size="sm" radius="sm" variant="light" color="yellow">
          {c.approvalPolicy === 'all' ? 'All approvers' : 'Any approver'}
        </Badge>
      ) : (
        <span className="cb-muted">None</span>
      ),
    width: 140,
  },
  { header: 'Mappings', render: (c) => c.fieldMappings.length, width: 100 },
  { header: 'Customer visible', render: (c) => (c.customerVisibleDefault ? 'Yes, by default' : 'No'), width: 150 },
];

export function ReviewConfigurationsPage() {
  const route = useDrawerRoute(BASE);
  const title = useDrawerTitle<ReviewConfiguration>(RESOURCE, route.recordId, (c) => c.name, 'Configuration', 'Configuration');
  return (
    <>
      <PageHeader
        title="Review configurations"
        description="How post case reviews are made: which case fields are copied, the document template, and whether approval is needed. One applies to ordinary cases, one to major cases."
      />
      <ListTable<ReviewConfiguration>
        resource={RESOURCE}
        params={{}}
        pageSize={null}
        columns={columns}
        hrefOf={(c) => `${BASE}/${c.id}`}
        caption="Review configurations"
        selectedId={route.selectedId}
        empty={{ title: 'No configurations', description: 'They are created with the database.' }}
      />
      <RouteDrawer route={route} title={title} size={640}>
        {(id, onDone) => (id === null ? null : <ConfigurationForm id={id} onDone={onDone} />)}
      </RouteDrawer>
    </>
  );
}

interface ConfigValues extends Record<string, unknown> {
  name: string;
  fieldMappings: FieldMapping[];
  documentTemplateId: number | null;
  approvalRequired: boolean;
  approvalPolicy: 'any' | 'all';
  customerVisibleDefault: boolean;
}

const caseFieldOptions = CASE_SOURCE_FIELDS.map((f) => ({ value: f, label: CASE_SOURCE_LABELS[f] }));
const reviewFieldOptions = MAPPABLE_REVIEW_FIELDS.map((f) => ({ value: f, label: REVIEW_FIELD_LABELS[f] }));

function validate(v: ConfigValues): FieldErrors<ConfigValues> {
  const targets = v.fieldMappings.map((m) => m.reviewField);
  const dup = targets.find((t, i) => targets.indexOf(t) !== i);
  return {
    name: v.name.trim() ? undefined : 'Enter a name',
    fieldMappings: dup ? `${REVIEW_FIELD_LABELS[dup]} is filled from two case fields; keep one` : undefined,
    documentTemplateId: v.documentTemplateId ? undefined : 'Choose a template',
  };
}

function MappingsEditor({ value, onChange, error }: { value: FieldMapping[]; onChange: (v: FieldMapping[]) => void; error?: string }) {
  const update = (i: number, patch: Partial<FieldMapping>) => onChange(value.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  const free = MAPPABLE_REVIEW_FIELDS.find((f) => !value.some((m) => m.reviewField === f));
  return (
    <Input.Wrapper label="Field mappings" description="Copied from the case when a review is created. Major cases never copy account data." error={error}>
      <Table aria-label="Field mappings" mt={6} verticalSpacing={4} withRowBorders={false}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Case field</Table.Th>
            <Table.Th w={24} />
            <Table.Th>Review field</Table.Th>
            <Table.Th w={36}>
              <span className="cb-visually-hidden">Remove</span>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {value.map((m, i) => (
            <Table.Tr key={i}>
              <Table.Td>
                <Select aria-label={`Case field of mapping ${i + 1}`} data={caseFieldOptions} value={m.caseField} allowDeselect={false} onChange={(v) => v && update(i, { caseField: v as FieldMapping['caseField'] })} comboboxProps={{ withinPortal: true }} />
              </Table.Td>
              <Table.Td>
                <IconArrowRight size={14} aria-hidden color="var(--mantine-color-gray-6)" />
              </Table.Td>
              <Table.Td>
                <Select aria-label={`Review field of mapping ${i + 1}`} data={reviewFieldOptions} value={m.reviewField} allowDeselect={false} onChange={(v) => v && update(i, { reviewField: v as FieldMapping['reviewField'] })} comboboxProps={{ withinPortal: true }} />
              </Table.Td>
              <Table.Td>
                <ActionIcon variant="subtle" color="red" aria-label={`Remove mapping ${i + 1}`} onClick={() => onChange(value.filter((_, j) => j !== i))}>
                  <IconTrash size={15} />
                </ActionIcon>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {value.length === 0 && (
        <Text size="xs" c="dimmed" my={4}>
          Nothing is copied: reviews start empty.
        </Text>
      )}
      <Button size="compact-sm" variant="subtle" leftSection={<IconPlus size={14} />} disabled={!free} onClick={() => free && onChange([...value, { caseField: 'description', reviewField: free }])}>
        Add mapping
      </Button>
    </Input.Wrapper>
  );
}

function ConfigurationForm({ id, onDone }: { id: number; onDone: () => void }) {
  const qc = useQueryClient();
  const templates = useQuery({ queryKey: ['document-templates', 'list', 'all'], queryFn: async () => (await reviewsApi.templates()).items });
  const form = useRecordForm<ReviewConfiguration, ConfigValues>({
    resource: RESOURCE,
    id,
    noun: 'Configuration',
    empty: { name: '', fieldMappings: [], documentTemplateId: null, approvalRequired: false, approvalPolicy: 'any', customerVisibleDefault: false },
    fromRecord: (c) => ({ name: c.name, fieldMappings: c.fieldMappings, documentTemplateId: c.documentTemplateId, approvalRequired: c.approvalRequired, approvalPolicy: c.approvalPolicy, customerVisibleDefault: c.customerVisibleDefault }),
    toCreate: () => ({}),
    toPatch: (v, changed) => pickChanged(v, changed),
    validate,
    describe: (c) => c.name,
    onSaved: () => void qc.invalidateQueries({ queryKey: ['document-templates'] }),
  });
  if (form.loading || form.loadError) return <DrawerLoading error={form.loadError} />;
  const { values, set, errors } = form;
  return (
    <DrawerForm form={form} noun="configuration" ariaLabel={`Configuration ${form.record?.name ?? ''}`} onDone={onDone}>
      <TextInput label="Name" required value={values.name} onChange={(e) => set('name', e.currentTarget.value)} error={errors.name} />
      <Text size="sm" c="dimmed">
        Applies to {form.record?.appliesTo === 'major' ? 'major cases (their reviews are written by managers and copied to the children)' : 'ordinary cases'}.
      </Text>
      <MappingsEditor value={values.fieldMappings} onChange={(v) => set('fieldMappings', v)} error={errors.fieldMappings} />
      <Select<number>
        label="Document template"
        required
        data={(templates.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
        value={values.documentTemplateId}
        onChange={(v) => set('documentTemplateId', v ?? null)}
        allowDeselect={false}
        error={errors.documentTemplateId}
        description="Edit templates under Admin → Document templates."
        comboboxProps={{ withinPortal: true }}
      />
      <Stack gap="xs">
        <Switch label="Approval required" description="Reviews need approval before publishing; approval group and users show on the form." checked={values.approvalRequired} onChange={(e) => set('approvalRequired', e.currentTarget.checked)} error={errors.approvalRequired} />
        {values.approvalRequired && (
          <Input.Wrapper label="Approval policy" labelElement="div" error={errors.approvalPolicy}>
            <SegmentedControl
              aria-label="Approval policy"
              value={values.approvalPolicy}
              onChange={(v) => set('approvalPolicy', v as 'any' | 'all')}
              data={[
                { value: 'any', label: 'Any approver' },
                { value: 'all', label: 'All approvers' },
              ]}
              style={{ display: 'flex' }}
            />
          </Input.Wrapper>
        )}
        <Switch label="Customer visible by default" description="New reviews start customer-visible; their documents show on the portal." checked={values.customerVisibleDefault} onChange={(e) => set('customerVisibleDefault', e.currentTarget.checked)} error={errors.customerVisibleDefault} />
      </Stack>
      <Text size="xs" c="dimmed">
        Mappings and the visibility default apply to reviews created from now on; the template and the approval settings apply at once, also to reviews in progress.
      </Text>
    </DrawerForm>
  );
}
