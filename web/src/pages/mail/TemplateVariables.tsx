import { Alert, Box, Code, SimpleGrid, Text, Title, UnstyledButton } from '@mantine/core';

// The variables a template can use. Case mail gets the data of caseMailData() in
// src/modules/mail/outbox.service.ts (the preview renders SAMPLE_DATA of templates.service.ts);
// review mail to staff gets what reviews.service.ts hands queueStaffMail().

interface Variable {
  name: string;
  example: string;
  /** Only these templates get it. */
  only?: string[];
}

const CASE_VARIABLES: Variable[] = [
  { name: 'case.number', example: 'CS0001234' },
  { name: 'case.shortDescription', example: 'Orders stuck in the gateway' },
  { name: 'case.description', example: 'No orders since 08:00.' },
  { name: 'case.resolutionNotes', example: 'Renewed the certificate.' },
  { name: 'case.resolutionDueAt | date: "%d %b %Y %H:%M"', example: '23 Nov 2026 17:00' },
  { name: 'case.status', example: 'in_progress' },
  { name: 'contact.name', example: 'Nancy Davolio' },
  { name: 'contact.email', example: 'nancy@northwind.example' },
  { name: 'account.name', example: 'Northwind Traders' },
  { name: 'company.name', example: 'Casebook' },
  { name: 'portal.url', example: 'https://support.example.com/portal' },
  { name: 'portal.caseUrl', example: 'https://support.example.com/portal/cases/CS0001234' },
  { name: 'comment.body', example: 'We renewed the certificate; please try again.', only: ['new_reply'] },
  { name: 'author.name', example: 'Maya Patel', only: ['new_reply'] },
  { name: 'survey.url', example: 'https://support.example.com/survey/example-token', only: ['case_resolved'] },
  { name: 'reason', example: 'Opened twice by mistake', only: ['case_canceled'] },
];

const REVIEW_VARIABLES: Variable[] = [
  { name: 'recipient.name', example: 'the staff member written to' },
  { name: 'actor.name', example: 'who did it' },
  { name: 'review.number', example: 'PCR0001001' },
  { name: 'review.shortDescription', example: 'the review’s title' },
  { name: 'review.url', example: 'link to the review in the workspace' },
  { name: 'case.number', example: 'CS0001234' },
  { name: 'company.name', example: 'Casebook' },
  { name: 'note', example: 'the work note or suggested changes', only: ['review_changes_suggested', 'review_work_note'] },
  { name: 'comment', example: 'the approver’s comment', only: ['review_approved'] },
];

// The watch list digest (src/modules/watchers/watchers.service.ts): the updates it lists.
const DIGEST_VARIABLES: Variable[] = [
  { name: 'recipient.name', example: 'the watcher (name, or address for outsiders)' },
  { name: 'case.number', example: 'CS0001234' },
  { name: 'case.shortDescription', example: 'Orders stuck in the gateway' },
  { name: 'case.status', example: 'in_progress' },
  { name: 'case.url', example: 'workspace link (empty for email-only watchers)' },
  { name: 'count', example: 'how many updates the digest lists' },
  { name: 'company.name', example: 'Casebook' },
  // Inside {% for u in updates %} … {% endfor %}:
  { name: 'u.at', example: 'in {% for u in updates %}: when (2026-11-23 09:14 UTC)' },
  { name: 'u.who', example: 'in the loop: who (Maya Patel)' },
  { name: 'u.text', example: 'in the loop: what changed' },
  { name: 'u.kind', example: 'in the loop: comment, work_note, status, assignment, email' },
];

/** Review mail to staff; the customer's "review published" mail is case mail. */
export const isStaffTemplate = (key: string) => key.startsWith('review_') && key !== 'review_published';
/** Who gets mail of this template: the digest goes to a case's watchers (staff and outside addresses). */
export const templateAudience = (key: string): 'Customer' | 'Staff' | 'Watchers' => (key === 'watcher_digest' ? 'Watchers' : isStaffTemplate(key) ? 'Staff' : 'Customer');

/** The help panel: each variable of this template, with an example; a click inserts it. */
export function TemplateVariables({ templateKey, onInsert }: { templateKey: string; onInsert: (text: string) => void }) {
  const staff = isStaffTemplate(templateKey);
  const vars = (templateKey === 'watcher_digest' ? DIGEST_VARIABLES : staff ? REVIEW_VARIABLES : CASE_VARIABLES).filter((v) => !v.only || v.only.includes(templateKey));
  return (
    <Box component="section" aria-labelledby="template-variables" className="cb-card" p="sm">
      <Title order={2} fz={14} id="template-variables">
        Variables
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        Liquid: <Code>{'{{ contact.name }}'}</Code>, <Code>{'{% if reason %}…{% endif %}'}</Code>. Click a variable to insert it into the body.
      </Text>
      {staff && (
        <Alert color="yellow" variant="light" p="xs" mb="xs">
          <Text size="xs">The preview renders on sample case data: review variables stay empty there, but real mail fills them.</Text>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={4} verticalSpacing={2} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label="Variables">
        {vars.map((v) => (
          <li key={v.name} style={{ minWidth: 0 }}>
            <UnstyledButton onClick={() => onInsert(`{{ ${v.name} }}`)} className="cb-row" px={6} py={3} w="100%" style={{ borderRadius: 4, display: 'block' }} aria-label={`Insert ${v.name}`} title={v.example}>
              <Code fz={12} style={{ whiteSpace: 'normal', overflowWrap: 'anywhere' }}>{`{{ ${v.name} }}`}</Code>
              <Text size="xs" c="dimmed" truncate="end">
                {v.example}
              </Text>
            </UnstyledButton>
          </li>
        ))}
      </SimpleGrid>
    </Box>
  );
}
