import { useMemo, useState } from 'react';
import { ActionIcon, Anchor, Box, Button, Group, Select, Stack, Text, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconBook2, IconLink, IconX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { errorMessage } from '../api';
import { ArticleStateBadge } from './format';
import { knowledgeApi, kbKeys, type ArticleSummary } from './knowledgeApi';

// Knowledge articles of a case: the linked ones (with Unlink), suggestions (published articles
// matching the case's text, not linked yet) with Link, and a picker to link any published article.

export const useCaseArticles = (caseNumber: string) =>
  useQuery({ queryKey: kbKeys.caseLinks(caseNumber), queryFn: async () => (await knowledgeApi.caseArticles(caseNumber)).items });

export const useArticleSuggestions = (caseNumber: string, enabled = true) =>
  useQuery({ queryKey: kbKeys.suggestions(caseNumber), queryFn: async () => (await knowledgeApi.suggestions(caseNumber)).items, enabled, staleTime: 30_000 });

/** Link or unlink one article; the lists of the case follow. */
export function useArticleLink(caseNumber: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ article, link }: { article: Pick<ArticleSummary, 'number' | 'title'>; link: boolean }) => {
      if (link) return (await knowledgeApi.link(caseNumber, article.number)).items;
      await knowledgeApi.unlink(caseNumber, article.number);
      return null;
    },
    onSuccess: (items, { article, link }) => {
      if (items) qc.setQueryData(kbKeys.caseLinks(caseNumber), items);
      else void qc.invalidateQueries({ queryKey: kbKeys.caseLinks(caseNumber) });
      void qc.invalidateQueries({ queryKey: kbKeys.suggestions(caseNumber) });
      notifications.show({ color: 'green', title: link ? 'Article linked' : 'Article unlinked', message: `${article.number}: ${article.title}` });
    },
    onError: (e, { link }) => notifications.show({ color: 'red', title: link ? 'Could not link the article' : 'Could not unlink the article', message: errorMessage(e) }),
  });
}

function ArticleLine({ a, newTab, action }: { a: ArticleSummary; newTab?: boolean; action: React.ReactNode }) {
  return (
    <Group component="li" gap={8} wrap="nowrap" justify="space-between" py={4} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
      <Box style={{ minWidth: 0, flex: 1 }}>
        <Group gap={6} wrap="nowrap">
          <IconBook2 size={14} aria-hidden color="var(--mantine-color-gray-6)" style={{ flexShrink: 0 }} />
          <Anchor component={Link} to={`/knowledge/${a.number}`} target={newTab ? '_blank' : undefined} size="sm" fw={500} truncate="end" title={a.title}>
            {a.title}
          </Anchor>
          {a.state !== 'published' && <ArticleStateBadge state={a.state} />}
        </Group>
        <Text size="xs" c="dimmed" truncate="end" title={a.excerpt}>
          {a.number}
          {a.product ? ` · ${a.product}` : ''}
          {a.excerpt ? ` · ${a.excerpt}` : ''}
        </Text>
      </Box>
      <Box style={{ flexShrink: 0 }}>{action}</Box>
    </Group>
  );
}

const listStyle = { listStyle: 'none', margin: 0, padding: 0 } as const;

/** The articles linked to a case, each with Unlink. */
export function LinkedArticles({ caseNumber, newTab, emptyText = 'No article is linked yet.' }: { caseNumber: string; newTab?: boolean; emptyText?: string }) {
  const linked = useCaseArticles(caseNumber);
  const link = useArticleLink(caseNumber);
  const items = linked.data ?? [];
  if (linked.isPending) return <Text size="xs" c="dimmed">Loading…</Text>;
  if (linked.isError) return <Text size="xs" c="red">{errorMessage(linked.error)}</Text>;
  if (!items.length) return <Text size="xs" c="dimmed">{emptyText}</Text>;
  return (
    <Stack gap={0} component="ul" aria-label="Linked articles" style={listStyle}>
      {items.map((a) => (
        <ArticleLine
          key={a.number}
          a={a}
          newTab={newTab}
          action={
            <Tooltip label="Unlink from this case" openDelay={300} withinPortal>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={`Unlink ${a.title}`}
                loading={link.isPending && link.variables?.article.number === a.number}
                onClick={() => link.mutate({ article: a, link: false })}
              >
                <IconX size={15} />
              </ActionIcon>
            </Tooltip>
          }
        />
      ))}
    </Stack>
  );
}

/** Published articles that match the case, each with Link. */
export function SuggestedArticles({ caseNumber, newTab }: { caseNumber: string; newTab?: boolean }) {
  const q = useArticleSuggestions(caseNumber);
  const link = useArticleLink(caseNumber);
  const items = q.data ?? [];
  if (q.isPending) return <Text size="xs" c="dimmed">Looking for matching articles…</Text>;
  if (q.isError) return <Text size="xs" c="red">{errorMessage(q.error)}</Text>;
  if (!items.length) return <Text size="xs" c="dimmed">No published article matches this case’s words.</Text>;
  return (
    <Stack gap={0} component="ul" aria-label="Suggested articles" style={listStyle}>
      {items.map((a) => (
        <ArticleLine
          key={a.number}
          a={a}
          newTab={newTab}
          action={
            <Button
              size="compact-sm"
              variant="light"
              leftSection={<IconLink size={14} />}
              aria-label={`Link ${a.title}`}
              loading={link.isPending && link.variables?.article.number === a.number}
              onClick={() => link.mutate({ article: a, link: true })}
            >
              Link
            </Button>
          }
        />
      ))}
    </Stack>
  );
}

/** Links any published article: the suggestions first, or what the typed words find. */
export function ArticlePicker({ caseNumber }: { caseNumber: string }) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const suggestions = useArticleSuggestions(caseNumber);
  const found = useQuery({
    queryKey: ['articles', 'list', { q: debounced, state: 'published', picker: true }],
    queryFn: async () => (await knowledgeApi.search(debounced, 'published')).items,
    enabled: debounced.length > 1,
    staleTime: 30_000,
  });
  const link = useArticleLink(caseNumber);
  const options = debounced.length > 1 ? (found.data ?? []) : (suggestions.data ?? []);
  const data = useMemo(() => options.map((a) => ({ value: a.number, label: `${a.title} (${a.number})` })), [options]);
  return (
    <Select
      label="Link an article"
      placeholder={suggestions.data?.length ? 'Suggested articles, or search' : 'Search published articles'}
      searchable
      value={null}
      searchValue={search}
      onSearchChange={setSearch}
      data={data}
      filter={({ options: o }) => o}
      nothingFoundMessage={found.isFetching ? 'Searching…' : debounced.length > 1 ? 'No published article matches' : 'Type to search'}
      onChange={(v) => {
        const a = options.find((x) => x.number === v);
        if (a) link.mutate({ article: a, link: true }, { onSuccess: () => setSearch('') });
      }}
      disabled={link.isPending}
      comboboxProps={{ withinPortal: true }}
      size="sm"
    />
  );
}
