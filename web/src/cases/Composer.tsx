import { useState } from 'react';
import { ActionIcon, Box, Button, CloseButton, FileButton, Group, Pill, Tabs, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconLock, IconPaperclip, IconSend, IconWorld } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../api';
import { casesApi, type Visibility } from '../casesApi';
import { fileSize } from './format';

const TABS: { value: Visibility; label: string; send: string; hint: string }[] = [
  { value: 'customer', label: 'Reply to customer', send: 'Send reply', hint: 'The customer sees this on the portal and gets it by email.' },
  { value: 'internal', label: 'Work note', send: 'Add work note', hint: 'Internal: only staff see work notes.' },
];

/** The files chosen to send, each with a Remove button; and why they were refused, if they were. */
export function FilePills({ files, onChange, error }: { files: File[]; onChange: (files: File[]) => void; error?: string }) {
  return (
    <>
      {files.length > 0 && (
        <Group gap={6} mt="xs" aria-label="Files to attach" role="list">
          {files.map((f, i) => (
            <Pill key={`${f.name}-${i}`} role="listitem" pr={4} maw="100%">
              <Group gap={4} wrap="nowrap" component="span" style={{ minWidth: 0 }}>
                <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
                  {f.name} ({fileSize(f.size)})
                </span>
                <CloseButton size="xs" onClick={() => onChange(files.filter((_, j) => j !== i))} aria-label={`Remove ${f.name}`} />
              </Group>
            </Pill>
          ))}
        </Group>
      )}
      {error && (
        <Text size="xs" c="red" mt={4} role="alert">
          {error}
        </Text>
      )}
    </>
  );
}

/** Where a refused message went wrong: its text (body) or its files (unknown ids, too large). */
export function messageErrors(e: unknown): { body?: string; files?: string } {
  const out: { body?: string; files?: string } = {};
  if (e instanceof ApiError) {
    for (const f of e.fields) {
      if (f.field === 'body') out.body = f.message;
      else if (f.field.startsWith('attachmentIds') || f.field === 'file') out.files = f.message;
    }
    if (e.status === 413) out.files = e.message;
  }
  return out;
}

/** Adds picked files to the chosen ones, at most ten (the server's limit per upload). */
export const addFiles = (current: File[], picked: File[]) => [...current, ...picked].slice(0, 10);

/**
 * The composer above the timeline: a customer reply or an internal work note, with files.
 * Files are uploaded when sending, then linked to the comment by their ids.
 */
export function Composer({ number, onSent }: { number: string; onSent: () => void }) {
  const [tab, setTab] = useState<Visibility>('customer');
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<{ body?: string; files?: string }>({});
  const current = TABS.find((t) => t.value === tab)!;

  const send = useMutation({
    mutationFn: async () => {
      const attachmentIds = files.length ? (await casesApi.upload(number, files)).items.map((a) => a.id) : undefined;
      return casesApi.addComment(number, { body: body.trim(), visibility: tab, attachmentIds });
    },
    onSuccess: () => {
      notifications.show({ color: 'green', title: tab === 'customer' ? 'Reply sent' : 'Work note added', message: files.length ? `With ${files.length} attached file${files.length > 1 ? 's' : ''}.` : number });
      setBody('');
      setFiles([]);
      setErrors({});
      onSent();
    },
    onError: (e) => {
      setErrors(messageErrors(e));
      notifications.show({ color: 'red', title: tab === 'customer' ? 'Reply not sent' : 'Work note not added', message: errorMessage(e) });
    },
  });

  const submit = (e?: React.FormEvent) => {
    e?.preventDefault();
    if (!body.trim()) {
      setErrors({ body: tab === 'customer' ? 'Write the reply first' : 'Write the note first' });
      return;
    }
    send.mutate();
  };

  const panel = (
    <Box p="sm" pt="xs">
      <Textarea
        aria-label={current.label}
        placeholder={tab === 'customer' ? 'Write to the customer…' : 'Note for your colleagues…'}
        autosize
        minRows={3}
        maxRows={14}
        value={body}
        onChange={(e) => (setBody(e.currentTarget.value), setErrors((p) => ({ ...p, body: undefined })))}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
        }}
        error={errors.body}
        className={tab === 'internal' ? 'cb-composer-note' : undefined}
      />
      <FilePills files={files} onChange={setFiles} error={errors.files} />
      <Group justify="space-between" mt="xs" wrap="nowrap">
        <Group gap={6} wrap="nowrap">
          <FileButton multiple onChange={(picked) => picked.length && setFiles((p) => addFiles(p, picked))}>
            {(props) => (
              <ActionIcon {...props} variant="subtle" color="gray" size="lg" aria-label="Attach files">
                <IconPaperclip size={18} />
              </ActionIcon>
            )}
          </FileButton>
          <Text size="xs" c="dimmed" style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
            {tab === 'customer' ? <IconWorld size={13} aria-hidden /> : <IconLock size={13} aria-hidden />}
            {current.hint}
          </Text>
        </Group>
        <Button onClick={() => submit()} loading={send.isPending} leftSection={<IconSend size={15} />} color={tab === 'internal' ? 'yellow.8' : undefined} style={{ flexShrink: 0 }}>
          {current.send}
        </Button>
      </Group>
    </Box>
  );

  return (
    <form onSubmit={submit} aria-label="Compose" className="cb-card">
      <Tabs value={tab} onChange={(v) => v && setTab(v as Visibility)} keepMounted={false}>
        <Tabs.List px="xs">
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value} fz="sm" fw={500}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {TABS.map((t) => (
          <Tabs.Panel key={t.value} value={t.value}>
            {panel}
          </Tabs.Panel>
        ))}
      </Tabs>
    </form>
  );
}
