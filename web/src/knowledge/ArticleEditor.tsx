import { Alert, Box, Button, Group, SimpleGrid, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { FormShell } from '../components/RecordDrawer';
import { compact, pickChanged, useRecordForm } from '../components/useRecordForm';
import { MarkdownField } from '../reviews/MarkdownField';
import { PageLoading, BackToKnowledge, TransitionButton } from './ArticlePage';
import { ArticleBody, ArticleStateBadge } from './format';
import type { Article } from './knowledgeApi';

// Writing an article at /knowledge/new and /knowledge/:number/edit: title, Markdown body with a
// small toolbar, product and category. Save sends If-Match; a 412 offers Reload keeping the text.

interface ArticleValues extends Record<string, unknown> {
  title: string;
  body: string;
  product: string;
  category: string;
}

const EMPTY: ArticleValues = { title: '', body: '', product: '', category: '' };

function Preview({ article, dirty }: { article: Article | null; dirty: boolean }) {
  if (!article) {
    return (
      <Text size="sm" c="dimmed" py="md">
        Create the draft to see how it reads.
      </Text>
    );
  }
  return (
    <Stack gap="xs" pt="sm">
      {dirty && (
        <Alert color="blue" variant="light" p="xs">
          The preview shows the last saved text. Save to see your changes.
        </Alert>
      )}
      <Box className="cb-card" p="md">
        <ArticleBody html={article.bodyHtml} label="Preview" />
      </Box>
    </Stack>
  );
}

export function ArticleEditor({ number }: { number: string | null }) {
  const navigate = useNavigate();
  const form = useRecordForm<Article, ArticleValues>({
    resource: 'articles',
    id: number,
    keyOf: (a) => a.number,
    noun: 'Article',
    empty: EMPTY,
    fromRecord: (a) => ({ title: a.title, body: a.body, product: a.product ?? '', category: a.category ?? '' }),
    toCreate: (v) => compact(v),
    toPatch: (v, changed) => pickChanged(v, changed, ['product', 'category']),
    validate: (v) => ({ title: v.title.trim() ? undefined : 'Give the article a title' }),
    describe: (a) => `${a.number}: ${a.title}`,
    onCreated: (a) => navigate(`/knowledge/${a.number}/edit`, { replace: true }),
  });
  if (form.loading || form.loadError) return <PageLoading error={form.loadError} what="article" number={number ?? ''} />;
  const a = form.record;
  const retired = a?.state === 'retired';
  const { values, set, errors } = form;

  return (
    <Stack gap="md" maw={980}>
      <BackToKnowledge />
      <Group justify="space-between" align="flex-end" wrap="nowrap">
        <Box>
          {a && (
            <Group gap={8} mb={4}>
              <Text size="sm" c="dimmed" fw={600}>
                {a.number}
              </Text>
              <ArticleStateBadge state={a.state} />
            </Group>
          )}
          <Title order={1}>{a ? `Edit “${a.title}”` : 'New article'}</Title>
        </Box>
        {a && !retired && <TransitionButton article={a} onBefore={form.saveIfDirty} onDone={form.adopt} />}
      </Group>
      {retired && (
        <Alert color="gray" variant="light" title="Retired articles are read-only">
          This article is retired. Write a new article to replace it.
        </Alert>
      )}
      <Box className="cb-card" p="md">
        <FormShell
          ariaLabel={a ? `Article ${a.number}` : 'New article'}
          onSubmit={form.submit}
          formError={form.formError}
          stale={form.stale}
          reloading={form.reloading}
          onReload={() => void form.reload()}
          footer={
            <Group gap="sm">
              <Button type="submit" loading={form.saving} disabled={retired}>
                {a ? 'Save changes' : 'Create draft'}
              </Button>
              <Button component={Link} to={a ? `/knowledge/${a.number}` : '/knowledge'} variant="default">
                {a ? 'Done' : 'Cancel'}
              </Button>
              {form.dirty && (
                <Text size="xs" c="dimmed" role="status">
                  Unsaved changes
                </Text>
              )}
            </Group>
          }
        >
          <TextInput label="Title" required data-autofocus value={values.title} onChange={(e) => set('title', e.currentTarget.value)} error={errors.title} readOnly={retired} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label="Product" placeholder="e.g. RouteWise" value={values.product} onChange={(e) => set('product', e.currentTarget.value)} error={errors.product} readOnly={retired} />
            <TextInput label="Category" placeholder="e.g. Access" value={values.category} onChange={(e) => set('category', e.currentTarget.value)} error={errors.category} readOnly={retired} />
          </SimpleGrid>
          <Tabs defaultValue="write" keepMounted={false}>
            <Tabs.List aria-label="Body view">
              <Tabs.Tab value="write">Write</Tabs.Tab>
              <Tabs.Tab value="preview">Preview</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="write" pt="sm">
              <MarkdownField
                label="Body"
                value={values.body}
                onChange={(v) => set('body', v)}
                error={errors.body}
                readOnly={retired}
                minRows={10}
                description="Markdown. Use headings like “## Solution”; customers read published articles in the portal."
              />
            </Tabs.Panel>
            <Tabs.Panel value="preview">
              <Preview article={a} dirty={form.changed.includes('body')} />
            </Tabs.Panel>
          </Tabs>
        </FormShell>
      </Box>
    </Stack>
  );
}

export function NewArticlePage() {
  return <ArticleEditor number={null} />;
}

export function EditArticlePage() {
  const { number = '' } = useParams();
  const n = number.toUpperCase();
  return <ArticleEditor key={n} number={n} />;
}
