import { Anchor, Avatar, Box, Group, Stack, Text } from '@mantine/core';
import { IconPaperclip } from '@tabler/icons-react';
import { fileSize, When } from '../cases/format';
import { initials } from '../components/ListPage';
import { portalApi, type PortalAttachment, type PortalMessage } from './portalApi';

const URL_RE = /(https?:\/\/[^\s<>"')\]]+)/g;

/** Text with its web addresses as links (opening in a new tab); everything else stays text. */
export function Linkified({ text }: { text: string }) {
  const parts = text.split(URL_RE);
  return (
    <>
      {parts.map((part, i) => {
        if (i % 2 === 0) return part;
        // Sentence punctuation after an address is not part of it.
        const url = part.replace(/[.,;:!?]+$/, '');
        return (
          <span key={i}>
            <Anchor href={url} target="_blank" rel="noopener noreferrer" style={{ overflowWrap: 'anywhere' }}>
              {url}
            </Anchor>
            {part.slice(url.length)}
          </span>
        );
      })}
    </>
  );
}

/** A file as a download link with its size. */
export function FileLink({ a }: { a: PortalAttachment }) {
  return (
    <Anchor href={portalApi.attachmentUrl(a.id)} download={a.fileName} size="sm" style={{ display: 'inline-flex', alignItems: 'center', gap: 4, overflowWrap: 'anywhere' }}>
      <IconPaperclip size={14} aria-hidden style={{ flexShrink: 0 }} />
      <span>
        {a.fileName} <span style={{ opacity: 0.75, fontSize: 12 }}>({fileSize(a.size)})</span>
      </span>
    </Anchor>
  );
}

function Message({ m, myName }: { m: PortalMessage; myName: string }) {
  const mine = m.fromCustomer;
  const who = mine && m.authorName === myName ? 'You' : m.authorName;
  return (
    <Box component="li" className={mine ? 'cb-msg cb-msg-mine' : 'cb-msg cb-msg-theirs'} aria-label={`${mine ? 'Your message' : `Message from ${m.authorName}`}`}>
      <Group gap={8} wrap="nowrap" mb={4} justify={mine ? 'flex-end' : 'flex-start'}>
        {!mine && (
          <Avatar size={26} radius="xl" color="indigo" aria-hidden>
            {initials(m.authorName.replace(/\s*\(.*\)$/, ''))}
          </Avatar>
        )}
        <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
          {who}
        </Text>
        <Text size="xs" c="dimmed">
          <When iso={m.createdAt} />
        </Text>
      </Group>
      <div className="cb-msg-bubble">
        <Text size="md" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} component="div">
          <Linkified text={m.body} />
        </Text>
        {m.attachments.length > 0 && (
          <Stack gap={2} mt={8} aria-label="Attached files">
            {m.attachments.map((a) => (
              <FileLink key={a.id} a={a} />
            ))}
          </Stack>
        )}
      </div>
    </Box>
  );
}

/** The conversation, oldest first: the customer's messages on the right, the support team's on the left. */
export function Conversation({ messages, myName }: { messages: PortalMessage[]; myName: string }) {
  if (messages.length === 0) {
    return (
      <Text size="md" c="dimmed" py="sm">
        No messages yet. Our support team will write here; you can add details below at any time.
      </Text>
    );
  }
  return (
    <Stack gap="md" component="ol" aria-label="Messages" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {messages.map((m) => (
        <Message key={m.id} m={m} myName={myName} />
      ))}
    </Stack>
  );
}
