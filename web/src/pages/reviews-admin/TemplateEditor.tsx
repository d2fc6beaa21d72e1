import { useEffect, useRef, useState } from 'react';
import { Anchor, Box, Button, Grid, Group, SegmentedControl, Stack, Text, Textarea, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertCircle, IconChevronLeft } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { FormShell } from '../../components/RecordDrawer';
import { useRecordForm } from '../../components/useRecordForm';
import { PdfPages, usePdf } from '../../reviews/PdfFrame';
import { reviewsApi, templateProblems, type DocumentTemplate, type TemplateProblem } from '../../reviews/reviewsApi';

// The template editor: Typst source in a monospace text area, a live preview on sample data
// (debounced), and the compiler's problems with line and column; a click moves the cursor there.

interface TemplateValues extends Record<string, unknown> {
  name: string;
  description: string;
  source: string;
}

export const TEMPLATES_BASE = '/admin/document-templates';
const EDITOR_HEIGHT = 'calc(100vh - 330px)';

/** The offset of a 1-based line and column in the text. */
function offsetOf(text: string, line: number, column: number) {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl === -1) return text.length;
    at = nl + 1;
  }
  return Math.min(at + Math.max(column - 1, 0), text.length);
}

function Problems({ problems, onPick }: { problems: TemplateProblem[]; onPick: (p: TemplateProblem) => void }) {
  return (
    <Box role="alert" aria-label="Template problems" className="cb-card" p="xs" style={{ borderColor: 'var(--mantine-color-red-4)', maxHeight: 140, overflowY: 'auto' }}>
      <Text size="sm" fw={600} c="red.8" mb={4}>
        The template does not compile ({problems.length} {problems.length === 1 ? 'problem' : 'problems'})
      </Text>
      <Stack gap={2} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {problems.map((p, i) => (
          <li key={i}>
            <UnstyledButton onClick={() => onPick(p)} disabled={!p.line} style={{ display: 'flex', gap: 6, alignItems: 'baseline' }} aria-label={`Go to line ${p.line ?? '?'}, column ${p.column ?? '?'}: ${p.message}`}>
              <IconAlertCircle size={13} color="var(--mantine-color-red-7)" aria-hidden style={{ flexShrink: 0, alignSelf: 'center' }} />
              <Text span size="xs" ff="monospace" c="red.8" style={{ whiteSpace: 'nowrap' }}>
                {p.line ? `${p.line}:${p.column ?? 1}` : '—'}
              </Text>
              <Text span size="sm">
                {p.message}
              </Text>
            </UnstyledButton>
          </li>
        ))}
      </Stack>
    </Box>
  );
}

export function TemplateEditor({ id }: { id: number | null }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [cursor, setCursor] = useState({ line: 1, column: 1 });
  const [major, setMajor] = useState(false);
  const form = useRecordForm<DocumentTemplate, TemplateValues>({
    resource: 'document-templates',
    id,
    noun: 'Template',
    empty: { name: '', description: '', source: '' },
    fromRecord: (t) => ({ name: t.name, description: t.description, source: t.source }),
    toCreate: (v) => ({ name: v.name.trim(), description: v.description.trim(), source: v.source }),
    toPatch: (v, changed) => Object.fromEntries(changed.map((k) => [k, k === 'source' ? v.source : String(v[k]).trim()])),
    validate: (v) => ({ name: v.name.trim() ? undefined : 'Enter a name', source: v.source.trim() ? undefined : 'Write the template' }),
    describe: (t) => t.name,
    onCreated: (t) => navigate(`${TEMPLATES_BASE}/${t.id}`, { replace: true }),
    onSaved: () => void qc.invalidateQueries({ queryKey: ['review-configurations'] }),
  });
  // A new template starts from the first one (usually the default), to adapt.
  const starters = useQuery({ queryKey: ['document-templates', 'list', 'all'], queryFn: async () => (await reviewsApi.templates()).items, enabled: id === null });
  useEffect(() => {
    if (id === null && starters.data?.[0] && !form.values.source) form.set('source', starters.data[0].source);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [starters.data]);

  const [source] = useDebouncedValue(form.values.source, 700);
  const pdf = usePdf(['template-preview', source, major], (signal) => reviewsApi.previewTemplate(source, major, signal), source.trim().length > 0);
  const problems = templateProblems(pdf.error);

  const track = () => {
    const el = ref.current;
    if (!el) return;
    const before = el.value.slice(0, el.selectionStart);
    const line = before.split('\n').length;
    setCursor({ line, column: before.length - before.lastIndexOf('\n') });
  };
  const goTo = (p: TemplateProblem) => {
    const el = ref.current;
    if (!el || !p.line) return;
    const at = offsetOf(el.value, p.line, p.column ?? 1);
    el.focus();
    el.setSelectionRange(at, at);
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 18;
    el.scrollTop = Math.max(0, (p.line - 4) * lineHeight);
    track();
  };

  if (form.loading || form.loadError) {
    return (
      <Text size="sm" c={form.loadError ? 'red' : 'dimmed'} role="status">
        {form.loadError ? `Could not load the template: ${String((form.loadError as Error).message)}` : 'Loading the template…'}
      </Text>
    );
  }
  const rec = form.record;
  return (
    <Box>
      <Anchor component={Link} to={TEMPLATES_BASE} size="xs" c="dimmed" style={{ display: 'inline-flex', alignItems: 'center', gap: 2 }}>
        <IconChevronLeft size={13} aria-hidden /> Document templates
      </Anchor>
      <FormShell
        ariaLabel={form.isNew ? 'New template' : `Template ${rec?.name ?? ''}`}
        onSubmit={form.submit}
        formError={form.formError}
        stale={form.stale}
        reloading={form.reloading}
        onReload={form.reload}
        footer={
          <Text size="xs" c="dimmed">
            Templates get the data as JSON (sys.inputs.data); rich text arrives as a Markdown syntax tree. They cannot read files or run programs.
          </Text>
        }
      >
        <Group justify="space-between" align="flex-end" wrap="nowrap" mt={4}>
          <Box>
            <Title order={1}>{form.isNew ? 'New document template' : rec?.name}</Title>
            <Text size="sm" c="dimmed">
              {rec?.usedBy.length ? `Used by ${rec.usedBy.join(' and ')}: saving changes their next documents. ` : ''}A template that does not compile is not saved.
            </Text>
          </Box>
          <Group gap="xs" wrap="nowrap">
            {form.dirty && (
              <Text size="xs" c="orange.8" fw={600} role="status">
                Unsaved changes
              </Text>
            )}
            <Button type="submit" loading={form.saving}>
              {form.isNew ? 'Create template' : 'Save template'}
            </Button>
          </Group>
        </Group>
        <Group align="flex-end" gap="sm" wrap="nowrap">
          <TextInput label="Name" required value={form.values.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={form.errors.name} w={320} />
          <TextInput label="Description" value={form.values.description} onChange={(e) => form.set('description', e.currentTarget.value)} error={form.errors.description} style={{ flex: 1 }} />
        </Group>
        <Grid gap="md">
          <Grid.Col span={6}>
            <Stack gap={6}>
              <Textarea
                ref={ref}
                label="Typst source"
                description="Data: review, case, account, contact, assets, approvals, company."
                required
                value={form.values.source}
                onChange={(e) => (form.set('source', e.currentTarget.value), track())}
                onKeyUp={track}
                onClick={track}
                spellCheck={false}
                autoComplete="off"
                error={form.errors.source && !problems ? form.errors.source : undefined}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12.5, lineHeight: 1.45, height: EDITOR_HEIGHT, whiteSpace: 'pre', overflowWrap: 'normal', overflowX: 'auto' } }}
              />
              <Text size="xs" c="dimmed" aria-live="off">
                Line {cursor.line}, column {cursor.column}
              </Text>
              {problems && <Problems problems={problems} onPick={goTo} />}
            </Stack>
          </Grid.Col>
          <Grid.Col span={6}>
            <Stack gap={6}>
              <Group justify="space-between">
                <Text size="sm" fw={500}>
                  Preview on sample data
                </Text>
                <SegmentedControl
                  size="xs"
                  aria-label="Sample case"
                  value={major ? 'major' : 'ordinary'}
                  onChange={(v) => setMajor(v === 'major')}
                  data={[
                    { value: 'ordinary', label: 'Ordinary case' },
                    { value: 'major', label: 'Major case' },
                  ]}
                />
              </Group>
              <PdfPages
                blob={problems ? null : pdf.blob}
                title="Template preview"
                loading={pdf.loading}
                error={pdf.error}
                height={EDITOR_HEIGHT}
                errorContent={
                  problems ? (
                    <Text size="sm" c="dimmed">
                      Fix the problems listed under the source to see the preview.
                    </Text>
                  ) : undefined
                }
              />
            </Stack>
          </Grid.Col>
        </Grid>
      </FormShell>
    </Box>
  );
}
