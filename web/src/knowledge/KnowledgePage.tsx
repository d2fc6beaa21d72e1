import { Group, Input, SegmentedControl, Stack, Text } from '@mantine/core';
import { ListTable, NewButton, PageHeader, SearchBox, useSearchParam, type Column } from '../components/ListPage';
import { When } from '../cases/format';
import { ArticleStateBadge } from './format';
import type { ArticleSummary } from './knowledgeApi';

// The knowledge base at /knowledge: search (every word, by relevance), a state filter, the list.

const columns: Column<ArticleSummary>[] = [
  { header: 'Number', render: (a) => a.number, width: 110 },
  {
    header: 'Title',
    render: (a) => (
      <Stack gap={0} style={{ minWidth: 0 }}>
        <Text size="sm" fw={500} truncate="end" title={a.title}>
          {a.title}
        </Text>
        {a.excerpt && (
          <Text size="xs" c="dimmed" truncate="end" title={a.excerpt}>
            {a.excerpt}
          </Text>
        )}
      </Stack>
    ),
  },
  { header: 'Product', render: (a) => <Text size="sm" truncate="end">{a.product ?? '—'}</Text>, width: '16%' },
  { header: 'Category', render: (a) => <Text size="sm" truncate="end">{a.category ?? '—'}</Text>, width: '13%' },
  { header: 'State', render: (a) => <ArticleStateBadge state={a.state} />, width: 110 },
  { header: 'Updated', render: (a) => <When iso={a.updatedAt} />, width: 120 },
];

const STATE_FILTER = [
  { value: 'all', label: 'All' },
  { value: 'draft', label: 'Draft' },
  { value: 'published', label: 'Published' },
  { value: 'retired', label: 'Retired' },
];

export function KnowledgePage() {
  const [q, setQ] = useSearchParam('q');
  const [state, setState] = useSearchParam('state', 'all');
  return (
    <>
      <PageHeader
        title="Knowledge"
        description="Articles that answer recurring questions. Link them to cases; publish them to show them to customers in the portal."
        action={<NewButton to="/knowledge/new" label="New article" />}
      />
      <Group align="flex-end" gap="sm" mb="md" role="group" aria-label="Filters">
        <SearchBox label="Search" placeholder="Words of the title or text" value={q} onChange={setQ} w={300} />
        <Input.Wrapper label="State" labelElement="div" id="article-state">
          <SegmentedControl aria-labelledby="article-state-label" size="sm" value={state} onChange={setState} data={STATE_FILTER} style={{ display: 'flex' }} />
        </Input.Wrapper>
        {q && (
          <Text size="xs" c="dimmed" pb={10}>
            Best matches first
          </Text>
        )}
      </Group>
      <ListTable<ArticleSummary>
        resource="articles"
        params={{ q: q || undefined, state: state === 'all' ? undefined : state }}
        pageSize={25}
        columns={columns}
        hrefOf={(a) => `/knowledge/${a.number}`}
        caption="Knowledge articles"
        carrySearch={false}
        fixedLayout
        empty={
          q || state !== 'all'
            ? { title: 'No article matches', description: 'Try fewer or other words, or another state.' }
            : { title: 'No articles yet', description: 'Write the first one, or offer one after resolving a case.', action: <NewButton to="/knowledge/new" label="New article" /> }
        }
      />
    </>
  );
}
