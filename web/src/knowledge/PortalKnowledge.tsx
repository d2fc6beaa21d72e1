import { useEffect, useState } from 'react';
import { Alert, Anchor, Box, Button, Center, Group, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../api';
import { PortalShell, formatDay } from '../portal/PortalShell';
import { ArticleBody, BackLink } from './format';
import { knowledgeApi, kbKeys } from './knowledgeApi';

// The portal's help articles at /portal/knowledge: search the published articles and read one
// (/portal/knowledge/:number). Customers see published articles only.

function Loading({ label }: { label: string }) {
  return (
    <Center py="xl" role="status" aria-label={label}>
      <Loader size="sm" />
    </Center>
  );
}

function SearchForm({ q, onSearch }: { q: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  return (
    <form
      role="search"
      aria-label="Search help articles"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(text.trim());
      }}
    >
      <Group gap="xs" wrap="nowrap" align="flex-end">
        <TextInput
          type="search"
          label="Search help articles"
          placeholder="e.g. export umlauts"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          leftSection={<IconSearch size={16} aria-hidden />}
          size="md"
          style={{ flex: 1, minWidth: 0 }}
        />
        <Button type="submit" size="md">
          Search
        </Button>
      </Group>
    </form>
  );
}

function Results({ q }: { q: string }) {
  const list = useInfiniteQuery({
    queryKey: [...kbKeys.portal, 'list', q],
    queryFn: ({ pageParam }) => knowledgeApi.portalList(q, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  if (list.isPending) return <Loading label="Loading articles" />;
  if (list.isError) return <Alert color="red" title="Could not load the articles">{errorMessage(list.error)}</Alert>;
  const items = list.data.pages.flatMap((p) => p.items);
  if (!items.length) {
    return (
      <Paper withBorder p="lg" radius="md">
        <Text fw={600}>{q ? `Nothing found for “${q}”` : 'No help articles yet'}</Text>
        <Text size="sm" c="dimmed" mt={4}>
          {q ? 'Try other or fewer words. ' : ''}If you need help, <Anchor component={Link} to="/portal/cases/new">open a case</Anchor> and our team gets back to you.
        </Text>
      </Paper>
    );
  }
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed" aria-live="polite">
        {q ? `${items.length} ${items.length === 1 ? 'article matches' : 'articles match'} “${q}”` : 'All help articles, newest first'}
      </Text>
      <Stack gap={6} component="ul" aria-label="Help articles" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {items.map((a) => (
          <li key={a.number}>
            <Paper component={Link} to={`/portal/knowledge/${a.number}${q ? `?q=${encodeURIComponent(q)}` : ''}`} className="cb-article-hit" p="md" radius="md" withBorder>
              <Text fw={600} c="indigo.8">
                {a.title}
              </Text>
              {a.excerpt && (
                <Text size="sm" c="dimmed" lineClamp={2} mt={2}>
                  {a.excerpt}
                </Text>
              )}
              <Text size="xs" c="dimmed" mt={6}>
                {[a.product, a.category, `Updated ${formatDay(a.updatedAt)}`].filter(Boolean).join(' · ')}
              </Text>
            </Paper>
          </li>
        ))}
      </Stack>
      {list.hasNextPage && (
        <Group justify="center">
          <Button variant="default" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            Show more
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function PortalArticle({ number }: { number: string }) {
  const q = useQuery({ queryKey: [...kbKeys.portal, 'detail', number], queryFn: () => knowledgeApi.portalGet(number) });
  if (q.isPending) return <Loading label="Loading the article" />;
  if (q.isError) {
    const gone = q.error instanceof ApiError && q.error.status === 404;
    return (
      <Alert color={gone ? 'gray' : 'red'} title={gone ? 'This article is not available' : 'Could not load the article'}>
        {gone ? 'It may have been retired. Search the help articles for another one.' : errorMessage(q.error)}
      </Alert>
    );
  }
  const a = q.data;
  return (
    <Paper component="article" aria-labelledby="article-title" withBorder radius="md" p={{ base: 'md', sm: 'xl' }}>
      <Title order={1} id="article-title" fz={{ base: 22, sm: 26 }}>
        {a.title}
      </Title>
      <Text size="sm" c="dimmed" mt={4} mb="md">
        {[a.product, a.category, `Updated ${formatDay(a.updatedAt)}`].filter(Boolean).join(' · ')}
      </Text>
      <ArticleBody html={a.bodyHtml} portal />
    </Paper>
  );
}

function StillNeedHelp() {
  return (
    <Box py="sm">
      <Text size="sm" c="dimmed">
        Still stuck?{' '}
        <Anchor component={Link} to="/portal/cases/new">
          Open a case
        </Anchor>{' '}
        and our support team takes it from there.
      </Text>
    </Box>
  );
}

export function PortalKnowledge() {
  const { number } = useParams();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  if (number) {
    return (
      <PortalShell size="md">
        <Stack gap="md">
          <BackLink to={`/portal/knowledge${q ? `?q=${encodeURIComponent(q)}` : ''}`} label="Help articles" />
          <PortalArticle number={number.toUpperCase()} />
          <StillNeedHelp />
        </Stack>
      </PortalShell>
    );
  }
  return (
    <PortalShell size="md">
      <Stack gap="md">
        <BackLink to="/portal" label="My cases" />
        <Box>
          <Title order={1} fz={{ base: 24, sm: 28 }}>
            Help articles
          </Title>
          <Text c="dimmed" size="sm" mt={4}>
            Answers from our support team to common questions. Search first — the fix may be one step away.
          </Text>
        </Box>
        <SearchForm q={q} onSearch={(v) => setParams(v ? { q: v } : {}, { replace: true })} />
        <Results q={q} />
        <StillNeedHelp />
      </Stack>
    </PortalShell>
  );
}
