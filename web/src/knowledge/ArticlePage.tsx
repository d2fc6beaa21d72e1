import { Accordion, Alert, Box, Button, Center, Grid, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconArchive, IconPencil, IconWorldUpload } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError, errorMessage } from '../api';
import { Details } from '../components/RecordDrawer';
import { formatDate } from '../components/ListPage';
import { When } from '../cases/format';
import { ArticleBody, ArticleStateBadge, articleStateLabel, BackLink } from './format';
import { knowledgeApi, kbKeys, type Article, type ArticleState } from './knowledgeApi';
import { ACTION_TEXT, nextAction, useArticleTransition } from './useArticleTransition';

// An article at /knowledge/:number: the rendered text, its details and earlier versions, Edit and
// the one next state (Publish a draft, Retire a published article).

export const useArticle = (number: string) => useQuery({ queryKey: kbKeys.detail(number), queryFn: () => api.get<Article>('articles', number) });

export const BackToKnowledge = () => <BackLink to="/knowledge" label="Knowledge" />;

export function PageLoading({ error, what, number }: { error: unknown; what: string; number: string }) {
  if (!error) {
    return (
      <Center py="xl" role="status" aria-label={`Loading the ${what}`}>
        <Loader size="sm" />
      </Center>
    );
  }
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <Alert color={notFound ? 'gray' : 'red'} title={notFound ? `There is no ${what} ${number}` : `Could not load the ${what}`} maw={560}>
      {notFound ? 'Check the number, or search for it.' : errorMessage(error)}
    </Alert>
  );
}

/** The next-state button of an article (none for retired ones). */
export function TransitionButton({ article, onBefore, onDone }: { article: Article; onBefore?: () => Promise<Article | null>; onDone?: (a: Article) => void }) {
  const run = useArticleTransition(onDone);
  const action = nextAction(article.state);
  if (!action) return null;
  const go = async () => {
    const current = onBefore ? await onBefore() : article;
    if (current) run.mutate({ article: current, action });
  };
  return (
    <Button
      variant={action === 'publish' ? 'filled' : 'default'}
      color={action === 'publish' ? 'green' : undefined}
      leftSection={action === 'publish' ? <IconWorldUpload size={16} /> : <IconArchive size={16} />}
      loading={run.isPending}
      onClick={() => void go()}
      title={ACTION_TEXT[action].help}
    >
      {ACTION_TEXT[action].label}
    </Button>
  );
}

function Versions({ number }: { number: string }) {
  const q = useQuery({ queryKey: kbKeys.versions(number), queryFn: async () => (await knowledgeApi.versions(number)).items });
  const items = q.data ?? [];
  return (
    <Box component="section" aria-labelledby="versions-title" className="cb-card" p="sm">
      <Text id="versions-title" fw={600} size="sm" mb={6}>
        Earlier versions
      </Text>
      {q.isPending ? (
        <Text size="xs" c="dimmed">
          Loading…
        </Text>
      ) : q.isError ? (
        <Text size="xs" c="red">
          {errorMessage(q.error)}
        </Text>
      ) : items.length === 0 ? (
        <Text size="xs" c="dimmed">
          None yet. Each save and each state change keeps the text it replaced.
        </Text>
      ) : (
        <Accordion variant="default" chevronPosition="left" styles={{ control: { paddingBlock: 2 }, label: { paddingBlock: 6 }, content: { paddingInline: 4 } }}>
          {items.map((v) => (
            <Accordion.Item key={v.version} value={String(v.version)}>
              <Accordion.Control aria-label={`Version ${v.version}, ${articleStateLabel(v.state as ArticleState)}, ${formatDate(v.at)}`}>
                <Text size="sm" fw={500}>
                  Version {v.version} · {articleStateLabel(v.state as ArticleState)}
                </Text>
                <Text size="xs" c="dimmed">
                  {v.editedByName ?? 'Someone'} · <When iso={v.at} />
                </Text>
              </Accordion.Control>
              <Accordion.Panel>
                <Text size="sm" fw={500} mb={4}>
                  {v.title}
                </Text>
                <Text size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap', maxHeight: 240, overflow: 'auto' }} bg="gray.0" p={6}>
                  {v.body || '(no text)'}
                </Text>
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
    </Box>
  );
}

export function ArticlePage() {
  const { number = '' } = useParams();
  const n = number.toUpperCase();
  const q = useArticle(n);
  if (!q.data) {
    return (
      <Stack gap="sm">
        <BackToKnowledge />
        <PageLoading error={q.error} what="article" number={n} />
      </Stack>
    );
  }
  const a = q.data;
  return (
    <Stack gap="md">
      <BackToKnowledge />
      <Group justify="space-between" align="flex-start" wrap="nowrap" component="section" aria-label={`Article ${a.number}`}>
        <Box style={{ minWidth: 0 }}>
          <Group gap={8} mb={4}>
            <Text size="sm" c="dimmed" fw={600}>
              {a.number}
            </Text>
            <ArticleStateBadge state={a.state} />
          </Group>
          <Title order={1}>{a.title}</Title>
        </Box>
        <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
          {a.state !== 'retired' && (
            <Button component={Link} to={`/knowledge/${a.number}/edit`} variant="default" leftSection={<IconPencil size={16} />}>
              Edit
            </Button>
          )}
          <TransitionButton article={a} />
        </Group>
      </Group>
      {a.state === 'retired' && (
        <Alert color="gray" variant="light" p="xs">
          Retired {a.retiredAt ? formatDate(a.retiredAt) : ''}: no longer suggested nor shown to customers, and read-only.
        </Alert>
      )}
      <Grid gap="md" align="flex-start">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Box className="cb-card" p="lg">
            <ArticleBody html={a.bodyHtml} />
          </Box>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="md">
            <Box component="section" aria-label="Details" className="cb-card" p="sm">
              <Details
                items={[
                  ['Product', a.product],
                  ['Category', a.category],
                  ['State', articleStateLabel(a.state)],
                  ['Published', a.publishedAt ? formatDate(a.publishedAt) : null],
                  ['Last updated', <When key="u" iso={a.updatedAt} />],
                  ['Updated by', a.updatedByName],
                ]}
              />
            </Box>
            <Versions number={a.number} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
