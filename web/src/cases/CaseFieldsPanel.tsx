import type { ReactNode } from 'react';
import { Box, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, type Asset } from '../api';
import type { Case } from '../casesApi';
import { Details, FormShell } from '../components/RecordDrawer';
import { SlaSummary } from '../components/SlaBadge';
import { ArticlePicker, LinkedArticles } from '../knowledge/CaseArticles';
import { humanize, priorityLabel, CHANNEL_LABELS } from './format';
import type { CaseForm } from './caseForm';
import { ClassificationFields, CustomerFields, ProblemFields, QueueSelect } from './CaseFields';
import { SectionTitle } from './NewCaseDrawer';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="sm" component="section" aria-label={title}>
      <SectionTitle>{title}</SectionTitle>
      {children}
    </Stack>
  );
}

function AssetNames({ kase }: { kase: Case }) {
  const assets = useQuery({
    queryKey: ['assets', 'list', { accountId: kase.accountId, picker: true }],
    queryFn: async () => (await api.list<Asset>('assets', { accountId: kase.accountId ?? undefined, active: 'true', limit: 200 })).items,
    enabled: kase.accountId !== null && kase.assetIds.length > 0,
    staleTime: 30_000,
  });
  if (kase.assetIds.length === 0) return null;
  return <>{kase.assetIds.map((id) => assets.data?.find((a) => a.id === id)?.name ?? `Asset #${id}`).join(', ')}</>;
}

function AssignmentDetails({ kase, onAssign }: { kase: Case; onAssign?: () => void }) {
  return (
    <>
      <Details
        items={[
          ['Assignee', kase.assigneeName],
          ['Assignment group', kase.assignmentGroupName],
          ['Escalation level', kase.escalationLevel ? String(kase.escalationLevel) : null],
        ]}
      />
      {onAssign && (
        <Group>
          <Button size="compact-sm" variant="subtle" onClick={onAssign}>
            Change assignment…
          </Button>
        </Group>
      )}
    </>
  );
}

function ResolutionDetails({ kase }: { kase: Case }) {
  return (
    <Details
      items={[
        ['Resolution code', kase.resolutionCode ? humanize(kase.resolutionCode) : null],
        ['Cause', kase.cause],
        ['Resolution notes', kase.resolutionNotes ? <span style={{ whiteSpace: 'pre-wrap' }}>{kase.resolutionNotes}</span> : null],
      ]}
    />
  );
}

/** The SLA of the case, above its fields. */
function SlaSection({ kase }: { kase: Case }) {
  return (
    <Section title="SLA">
      <SlaSummary sla={kase.sla} resolved={!!kase.resolvedAt} />
    </Section>
  );
}

/** Knowledge articles linked to the case; any published one can be linked. */
function ArticlesSection({ kase }: { kase: Case }) {
  return (
    <Section title="Knowledge articles">
      <LinkedArticles caseNumber={kase.number} />
      <ArticlePicker caseNumber={kase.number} />
    </Section>
  );
}

/** A resolved or final case: the same groups, as text. */
function ReadOnlyFields({ kase }: { kase: Case }) {
  return (
    <Stack gap="md" aria-label="Case fields (read only)" role="group">
      <Section title="Case">
        <Details
          items={[
            ['Short description', kase.shortDescription],
            ['Description', kase.description ? <span style={{ whiteSpace: 'pre-wrap' }}>{kase.description}</span> : null],
          ]}
        />
      </Section>
      <Section title="Customer">
        <Details
          items={[
            ['Account', kase.accountName],
            ['Contact', kase.contactName ? `${kase.contactName}${kase.contactEmail ? ` <${kase.contactEmail}>` : ''}` : null],
            ['Assets', <AssetNames key="a" kase={kase} />],
            ['Product', kase.product],
          ]}
        />
      </Section>
      <Section title="Classification">
        <Details
          items={[
            ['Priority', priorityLabel(kase.priority)],
            ['Category', kase.category],
            ['Channel', CHANNEL_LABELS[kase.channel]],
          ]}
        />
      </Section>
      <Section title="Assignment">
        <AssignmentDetails kase={kase} />
        <Details items={[['Queue', kase.queueName]]} />
      </Section>
      <Section title="Resolution">
        <ResolutionDetails kase={kase} />
      </Section>
    </Stack>
  );
}

/** The left column of the case form: the case's fields in groups, saved with If-Match. */
export function CaseFieldsPanel({ form, onAssign }: { form: CaseForm; onAssign?: () => void }) {
  const kase = form.record!;
  const props = { values: form.values, set: form.set, errors: form.errors, known: kase };
  return (
    <Stack gap="lg">
      <SlaSection kase={kase} />
      {kase.editable ? <EditableFields form={form} onAssign={onAssign} props={props} /> : <ReadOnlyFields kase={kase} />}
      <ArticlesSection kase={kase} />
    </Stack>
  );
}

function EditableFields({ form, onAssign, props }: { form: CaseForm; onAssign?: () => void; props: React.ComponentProps<typeof ProblemFields> }) {
  const kase = form.record!;
  return (
    <FormShell
      ariaLabel={`Fields of ${kase.number}`}
      onSubmit={form.submit}
      formError={form.formError}
      stale={form.stale}
      reloading={form.reloading}
      onReload={form.reload}
      footer={
        <Group gap="sm">
          <Button type="submit" loading={form.saving} disabled={!form.dirty && !form.saving}>
            Save changes
          </Button>
          {form.dirty && (
            <Text size="xs" c="dimmed" role="status">
              Unsaved changes
            </Text>
          )}
        </Group>
      }
    >
      <Section title="Case">
        <ProblemFields {...props} />
      </Section>
      <Section title="Customer">
        <CustomerFields {...props} />
      </Section>
      <Section title="Classification">
        <ClassificationFields {...props} />
      </Section>
      <Section title="Assignment">
        <AssignmentDetails kase={kase} onAssign={onAssign} />
        <QueueSelect {...props} />
      </Section>
      <Section title="Resolution">
        <Box>
          <ResolutionDetails kase={kase} />
          <Text size="xs" c="dimmed" mt={4}>
            Set when the case is resolved.
          </Text>
        </Box>
      </Section>
    </FormShell>
  );
}
