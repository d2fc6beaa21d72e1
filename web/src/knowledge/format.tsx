import { Anchor, Badge, Box } from '@mantine/core';
import { IconChevronLeft } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import type { ArticleState } from './knowledgeApi';
import './knowledge.css';

// How articles read on screen: the state badge and the rendered body.

const STATE_LOOK: Record<ArticleState, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'yellow' },
  published: { label: 'Published', color: 'green' },
  retired: { label: 'Retired', color: 'gray' },
};

export const articleStateLabel = (s: ArticleState) => STATE_LOOK[s].label;

export function ArticleStateBadge({ state, size = 'sm' }: { state: ArticleState; size?: 'sm' | 'md' }) {
  return (
    <Badge size={size} radius="sm" variant="light" color={STATE_LOOK[state].color} style={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
      {STATE_LOOK[state].label}
    </Badge>
  );
}

/**
 * An article's body as the server rendered it. The HTML is safe by contract (raw HTML escaped,
 * only http/https/mailto links); the Markdown source is never turned into HTML here.
 */
export function ArticleBody({ html, portal, label = 'Article text' }: { html: string; portal?: boolean; label?: string }) {
  if (!html.trim()) {
    return (
      <Box className="cb-muted" fz="sm" role="region" aria-label={label}>
        This article has no text yet.
      </Box>
    );
  }
  return <Box className={`cb-article-body${portal ? ' cb-article-portal' : ''}`} role="region" aria-label={label} dangerouslySetInnerHTML={{ __html: html }} />;
}

/** "← Knowledge": back to a list, at the top of a page. */
export function BackLink({ to, label }: { to: string; label: string }) {
  return (
    <Anchor component={Link} to={to} size="sm" style={{ display: 'inline-flex', alignItems: 'center', gap: 2, alignSelf: 'flex-start' }}>
      <IconChevronLeft size={15} aria-hidden /> {label}
    </Anchor>
  );
}
