import { useRef } from 'react';
import { Alert, Anchor, Box, Button, Grid, Group, Loader, Stack, Tabs, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronLeft } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../../api';
import { DrawerLoading, FormShell } from '../../components/RecordDrawer';
import { useRecordForm, type VersionedRecord } from '../../components/useRecordForm';
import { TEMPLATES_BASE } from './EmailTemplatesPage';
import { mailApi, type EmailTemplate } from './mailApi';
import { isStaffTemplate, templateAudience, TemplateVariables } from './TemplateVariables';

interface TemplateValues extends Record<string, unknown> {
  subject: string;
  body: string;
}
// Templates are addressed by their key (keyOf), so the id useRecordForm's type asks for is never read.
type TemplateRecord = EmailTemplate & VersionedRecord;

const MONO = { input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } };

/** The preview of what is typed, rendered on the server a moment after typing stops. */
function useTemplatePreview(subject: string, body: string) {
  const current = JSON.stringify({ subject, body });
  const [debounced] = useDebouncedValue(current, 400);
  const input = JSON.parse(debounced) as TemplateValues;
  const query = useQuery({
    queryKey: ['email-templates', 'preview', debounced],
    queryFn: ({ signal }) => mailApi.preview(input, signal),
    enabled: !!input.subject.trim() && !!input.body.trim(),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  // A broken template names its field: show it there while typing, as a save would.
  const fieldErrors: Partial<Record<'subject' | 'body', string>> = {};
  if (query.error instanceof ApiError) for (const f of query.error.fields) if (f.field === 'subject' || f.field === 'body') fieldErrors[f.field] = f.message;
  return { query, input, typing: debounced !== current, fieldErrors };
}
type TemplatePreview = ReturnType<typeof useTemplatePreview>;

/** The mail as it would go out, rendered on sample data: subject, the HTML part (sandboxed) and the text part. */
function Preview({ preview: { query: preview, input, typing }, templateKey }: { preview: TemplatePreview; templateKey: string }) {
  const tag = isStaffTemplate(templateKey) ? '' : ' [CS0001234]';
  return (
    <Box component="section" aria-labelledby="template-preview" className="cb-card" p="sm" style={{ position: 'sticky', top: 64 }}>
      <Group justify="space-between" mb={4}>
        <Title order={2} fz={14} id="template-preview">
          Preview
        </Title>
        {(preview.isFetching || typing) && <Loader size="xs" aria-label="Updating the preview" />}
      </Group>
      <Text size="xs" c="dimmed" mb="sm">
        Rendered on sample data (case CS0001234 of Nancy Davolio, Northwind Traders).
      </Text>
      {preview.isError && (
        <Alert color="red" title="The template does not render" role="alert" mb="sm">
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {errorMessage(preview.error)}
          </Text>
        </Alert>
      )}
      {preview.data ? (
        <Stack gap="sm" style={{ opacity: preview.isError ? 0.45 : 1 }}>
          <Box>
            <Text size="xs" c="dimmed" fw={600}>
              Subject
            </Text>
            <Text size="sm" fw={600} data-testid="preview-subject" style={{ overflowWrap: 'anywhere' }}>
              {preview.data.subject}
              {tag}
            </Text>
          </Box>
          <Tabs defaultValue="html" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="html">HTML</Tabs.Tab>
              <Tabs.Tab value="text">Text</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="html" pt="xs">
              <iframe title="HTML preview of the mail" sandbox="" srcDoc={preview.data.html} style={{ width: '100%', height: 420, border: '1px solid var(--cb-border)', borderRadius: 4, background: 'white' }} />
            </Tabs.Panel>
            <Tabs.Panel value="text" pt="xs">
              <Box component="pre" aria-label="Text version of the mail" m={0} p="sm" fz={13} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', background: 'var(--mantine-color-gray-0)', borderRadius: 4, minHeight: 200 }}>
                {preview.data.text}
              </Box>
            </Tabs.Panel>
          </Tabs>
        </Stack>
      ) : (
        !preview.isError && (
          <Text size="sm" c="dimmed">
            {input.subject.trim() && input.body.trim() ? 'Rendering…' : 'Write a subject and a body to see the preview.'}
          </Text>
        )
      )}
    </Box>
  );
}

function Editor({ templateKey }: { templateKey: string }) {
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const form = useRecordForm<TemplateRecord, TemplateValues>({
    resource: 'email-templates',
    id: templateKey,
    keyOf: (t) => t.key,
    noun: 'Template',
    empty: { subject: '', body: '' },
    fromRecord: (t) => ({ subject: t.subject, body: t.body }),
    toCreate: (v) => v,
    // The API takes both parts on every save.
    toPatch: (v) => ({ subject: v.subject, body: v.body }),
    validate: (v) => ({ subject: v.subject.trim() ? undefined : 'Write the subject', body: v.body.trim() ? undefined : 'Write the body' }),
    describe: (t) => t.name,
  });
  const preview = useTemplatePreview(form.values.subject, form.values.body);
  if (form.loading || form.loadError || !form.record) {
    const missing = form.loadError instanceof ApiError && form.loadError.status === 404;
    return missing ? (
      <Alert color="gray" title={`There is no email template “${templateKey}”`}>
        <Anchor component={Link} to={TEMPLATES_BASE}>
          All email templates
        </Anchor>
      </Alert>
    ) : (
      <DrawerLoading error={form.loadError} />
    );
  }
  const t = form.record;

  const insert = (text: string) => {
    const el = bodyRef.current;
    const v = form.values.body;
    const start = el?.selectionStart ?? v.length;
    const end = el?.selectionEnd ?? v.length;
    form.set('body', v.slice(0, start) + text + v.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + text.length, start + text.length);
    });
  };

  return (
    <Stack gap="md">
      <Box>
        <Anchor component={Link} to={TEMPLATES_BASE} size="xs" c="dimmed" style={{ display: 'inline-flex', alignItems: 'center', gap: 2 }}>
          <IconChevronLeft size={13} aria-hidden /> Email templates
        </Anchor>
        <Title order={1} mt={4}>
          {t.name}
        </Title>
        <Text size="sm" c="dimmed">
          {{ Staff: 'Sent to staff', Customer: 'Sent to the customer', Watchers: 'Sent to the case’s watchers' }[templateAudience(t.key)]} · key <code>{t.key}</code>
        </Text>
      </Box>
      <Grid gap="md" align="flex-start">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Stack gap="md">
            <FormShell
              ariaLabel={`Email template ${t.name}`}
              onSubmit={form.submit}
              formError={form.formError}
              stale={form.stale}
              reloading={form.reloading}
              onReload={() => void form.reload()}
              footer={
                <Group gap="xs">
                  <Button type="submit" loading={form.saving} disabled={!form.dirty}>
                    Save changes
                  </Button>
                  <Button variant="default" disabled={!form.dirty} onClick={() => (form.set('subject', t.subject), form.set('body', t.body))}>
                    Undo changes
                  </Button>
                </Group>
              }
            >
              <TextInput label="Subject" required value={form.values.subject} onChange={(e) => form.set('subject', e.currentTarget.value)} error={form.errors.subject ?? preview.fieldErrors.subject} styles={MONO} />
              <Textarea
                ref={bodyRef}
                label="Body"
                required
                autosize
                minRows={12}
                maxRows={30}
                value={form.values.body}
                onChange={(e) => form.set('body', e.currentTarget.value)}
                error={form.errors.body ?? preview.fieldErrors.body}
                styles={MONO}
                description="Plain text; blank lines make paragraphs in the HTML part. Values are escaped there."
              />
            </FormShell>
            <TemplateVariables templateKey={t.key} onInsert={insert} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Preview preview={preview} templateKey={t.key} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

/** Admin → Email templates → one template at /admin/email-templates/:key. */
export function EmailTemplateEditorPage() {
  const { key = '' } = useParams();
  return <Editor key={key} templateKey={key} />;
}
