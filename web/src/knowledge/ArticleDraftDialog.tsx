import { useState } from 'react';
import { Alert, Button, Group, Modal, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../api';
import { compact } from '../components/useRecordForm';
import { MarkdownField } from '../reviews/MarkdownField';
import { knowledgeApi, kbKeys, type ArticleDraftOffer } from './knowledgeApi';

// After a resolve, when kb.createArticleAfterResolution is on and no article is linked: offer a
// draft prefilled from the case (short description, problem, cause, solution), linked when saved.

type Draft = ArticleDraftOffer['draft'];
const FIELDS = ['title', 'body', 'product', 'category'] as const;

export function ArticleDraftDialog({ caseNumber, draft, onClose }: { caseNumber: string; draft: Draft; onClose: () => void }) {
  const qc = useQueryClient();
  const [v, setV] = useState({ title: draft.title, body: draft.body, product: draft.product ?? '', category: draft.category ?? '' });
  const [local, setLocal] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () => knowledgeApi.create({ ...(compact(v) as { title: string; body: string }), caseNumber }),
    onSuccess: (a) => {
      qc.setQueryData(kbKeys.detail(a.number), a);
      void qc.invalidateQueries({ queryKey: ['articles', 'list'] });
      void qc.invalidateQueries({ queryKey: kbKeys.caseLinks(caseNumber) });
      notifications.show({ color: 'green', title: 'Draft article saved', message: `${a.number} is linked to ${caseNumber}. Publish it from Knowledge when it is ready.` });
      onClose();
    },
  });
  const fieldErrors: Record<string, string> = {};
  if (save.error instanceof ApiError) for (const f of save.error.fields) fieldErrors[f.field] = f.message;
  const placed = FIELDS.some((f) => fieldErrors[f]);
  const set = (k: keyof typeof v) => (value: string) => {
    setV((p) => ({ ...p, [k]: value }));
    if (k === 'title') setLocal(null);
  };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!v.title.trim()) return setLocal('Give the article a title');
    save.mutate();
  };
  const title = 'Create a knowledge article from this case?';
  return (
    <Modal opened onClose={onClose} title={title} size="xl" styles={{ title: { fontWeight: 600 } }} closeButtonProps={{ 'aria-label': 'Close dialog' }}>
      <form onSubmit={submit} noValidate aria-label={title}>
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {caseNumber} is resolved and no article is linked to it. This draft is written from the case; edit it and save it, and it is linked to the case. Nobody outside the team sees it until it is published.
          </Text>
          <TextInput label="Title" required value={v.title} onChange={(e) => set('title')(e.currentTarget.value)} error={local ?? fieldErrors.title} data-autofocus />
          <SimpleGrid cols={2} spacing="sm">
            <TextInput label="Product" value={v.product} onChange={(e) => set('product')(e.currentTarget.value)} error={fieldErrors.product} />
            <TextInput label="Category" value={v.category} onChange={(e) => set('category')(e.currentTarget.value)} error={fieldErrors.category} />
          </SimpleGrid>
          <MarkdownField label="Body" value={v.body} onChange={set('body')} error={fieldErrors.body} minRows={8} />
          {save.isError && !placed && (
            <Alert color="red" title="Not saved" role="alert">
              {errorMessage(save.error)}
            </Alert>
          )}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose}>
              Not now
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save draft article
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
