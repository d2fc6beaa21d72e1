import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../api';
import { knowledgeApi, kbKeys, type Article, type ArticleState } from './knowledgeApi';

// The article's life: draft → published → retired. Only the next state is ever offered.

export type ArticleAction = 'publish' | 'retire';

/** The one action that moves an article on from its state, if any. */
export const nextAction = (state: ArticleState): ArticleAction | null => (state === 'draft' ? 'publish' : state === 'published' ? 'retire' : null);

export const ACTION_TEXT: Record<ArticleAction, { label: string; done: string; help: string }> = {
  publish: { label: 'Publish', done: 'Article published', help: 'Agents can link it to cases and customers find it in the portal.' },
  retire: { label: 'Retire', done: 'Article retired', help: 'It is no longer suggested nor shown in the portal, and becomes read-only.' },
};

/** Runs publish/retire with the version read (If-Match); a stale version reloads the article. */
export function useArticleTransition(onDone?: (a: Article) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ article, action }: { article: Pick<Article, 'number' | 'version'>; action: ArticleAction }) => knowledgeApi.transition(article, action),
    onSuccess: (a, { action }) => {
      qc.setQueryData(kbKeys.detail(a.number), a);
      void qc.invalidateQueries({ queryKey: ['articles', 'list'] });
      void qc.invalidateQueries({ queryKey: kbKeys.versions(a.number) });
      notifications.show({ color: 'green', title: ACTION_TEXT[action].done, message: `${a.number}: ${a.title}` });
      onDone?.(a);
    },
    onError: (e, { article, action }) => {
      const stale = e instanceof ApiError && e.status === 412;
      if (stale || (e instanceof ApiError && e.status === 409)) void qc.invalidateQueries({ queryKey: kbKeys.detail(article.number) });
      notifications.show({
        color: stale ? 'yellow' : 'red',
        title: stale ? 'This article was changed by someone else' : `${ACTION_TEXT[action].label} did not work`,
        message: stale ? 'Took their version; check it and try again.' : errorMessage(e),
      });
    },
  });
}
