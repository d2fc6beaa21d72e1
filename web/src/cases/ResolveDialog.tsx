import { useState } from 'react';
import { Alert, Box, Checkbox, Group, List, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../api';
import { casesApi, type OpenActivitiesDetails } from '../casesApi';
import { ArticleDraftDialog } from '../knowledge/ArticleDraftDialog';
import { LinkedArticles, SuggestedArticles } from '../knowledge/CaseArticles';
import { knowledgeApi, type ArticleDraftOffer } from '../knowledge/knowledgeApi';
import { ActionDialog, type DialogProps, type DialogRun } from './ActionDialogs';
import { ActivityIcon, activityLabel } from './format';
import { useResolutionCodes } from './lookups';
import { ResolutionFields } from './ResolutionFields';
import { actionFieldErrors, type ActionInput } from './useCaseAction';

export const activitiesKey = (number: string) => ['cases', 'activities', number] as const;
export const useActivities = (number: string) => useQuery({ queryKey: activitiesKey(number), queryFn: async () => (await casesApi.activities(number)).items });

function ActivityList({ items }: { items: { id: number; type: string; subject: string }[] }) {
  return (
    <List spacing={4} size="sm" listStyleType="none" aria-label="Open activities">
      {items.map((a) => (
        <List.Item key={a.id}>
          <Group gap={6} wrap="nowrap">
            <ActivityIcon type={a.type} size={15} />
            <Text size="sm">
              <Text span c="dimmed" size="sm">
                {activityLabel(a.type)}:
              </Text>{' '}
              {a.subject}
            </Text>
          </Group>
        </List.Item>
      ))}
    </List>
  );
}

/** Knowledge while resolving (SPEC §6): articles matching the case to link, and those linked. */
function ResolveArticles({ caseNumber }: { caseNumber: string }) {
  return (
    <Box component="section" aria-label="Knowledge articles" p="sm" className="cb-card" bg="gray.0">
      <Stack gap="sm">
        <Box>
          <Text size="sm" fw={600} mb={2}>
            Suggested articles
          </Text>
          <SuggestedArticles caseNumber={caseNumber} newTab />
        </Box>
        <Box>
          <Text size="sm" fw={600} mb={2}>
            Linked to this case
          </Text>
          <LinkedArticles caseNumber={caseNumber} newTab emptyText="None yet. Link the articles that helped, so the next agent finds them." />
        </Box>
      </Stack>
    </Box>
  );
}

/**
 * After a successful resolve, asks whether to offer a knowledge article draft (property
 * kb.createArticleAfterResolution, no article linked); the dialog closes when none is offered.
 */
function useResolveThenOffer(run: DialogProps['run'], caseNumber: string) {
  const [checking, setChecking] = useState(false);
  const [draft, setDraft] = useState<ArticleDraftOffer['draft'] | null>(null);
  const wrapped: DialogRun<ActionInput> = {
    isPending: run.isPending || checking,
    error: run.error,
    mutate: (input, { onSuccess }) =>
      run.mutate(input, {
        onSuccess: async () => {
          setChecking(true);
          const offer = await knowledgeApi.draftOffer(caseNumber).catch(() => null);
          setChecking(false);
          if (offer?.offer) setDraft(offer.draft);
          else onSuccess();
        },
      }),
  };
  return { run: wrapped, draft };
}

/** Resolve: resolution code (from the property), cause, notes; open activities hold it up unless canceled along. */
export function ResolveDialog({ opened, onClose, kase, run: action }: DialogProps) {
  const { run, draft } = useResolveThenOffer(action, kase.number);
  const { codes } = useResolutionCodes();
  const activities = useActivities(kase.number);
  const open = (activities.data ?? []).filter((a) => a.state === 'open');
  const [code, setCode] = useState<string | null>(kase.resolutionCode);
  const [cause, setCause] = useState(kase.cause ?? '');
  const [notes, setNotes] = useState(kase.resolutionNotes ?? '');
  const [cancelOpen, setCancelOpen] = useState(false);
  const [local, setLocal] = useState<Record<string, string | undefined>>({});
  const errors = { ...actionFieldErrors(run.error), ...local };
  const refused = run.error instanceof ApiError && run.error.status === 422 ? ((run.error.details as OpenActivitiesDetails | undefined)?.openActivities ?? null) : null;
  const n = open.length;

  if (draft) return <ArticleDraftDialog caseNumber={kase.number} draft={draft} onClose={onClose} />;
  return (
    <ActionDialog
      opened={opened}
      onClose={onClose}
      title={`Resolve ${kase.number}`}
      fields={['resolutionCode', 'cause', 'resolutionNotes']}
      submitLabel="Resolve"
      submitColor="green"
      size="lg"
      run={run}
      build={() => {
        const problems: Record<string, string | undefined> = {};
        if (!code) problems.resolutionCode = 'Choose a resolution code';
        if (!notes.trim()) problems.resolutionNotes = 'Say what was done to resolve the case';
        setLocal(problems);
        if (Object.keys(problems).length) return null;
        const body: Record<string, unknown> = { resolutionCode: code, resolutionNotes: notes.trim() };
        if (cause.trim()) body.cause = cause.trim();
        if (cancelOpen && n > 0) body.cancelOpenActivities = true;
        return { action: 'resolve', body };
      }}
      extraError={
        refused && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} title="Not resolved: activities are still open" role="alert">
            <Text size="sm" mb={6}>
              Complete or cancel these first, or tick “Cancel the open activities”:
            </Text>
            <ActivityList items={refused} />
          </Alert>
        )
      }
    >
      <ResolutionFields
        codes={codes}
        code={code}
        setCode={setCode}
        cause={cause}
        setCause={setCause}
        notes={notes}
        setNotes={setNotes}
        errors={errors}
        setLocal={setLocal}
        causeDescription="What caused the problem, if known."
        notesDescription="What was done. The contact sees this with the resolution."
      />
      <ResolveArticles caseNumber={kase.number} />
      {n > 0 && !refused && (
        <Alert color="yellow" variant="light" title={`${n} open ${n === 1 ? 'activity' : 'activities'}`} p="sm">
          <ActivityList items={open} />
        </Alert>
      )}
      {n > 0 && (
        <Checkbox
          label={`Cancel the ${n} open ${n === 1 ? 'activity' : 'activities'}`}
          description="They are canceled in the same step as the resolution."
          checked={cancelOpen}
          onChange={(e) => setCancelOpen(e.currentTarget.checked)}
        />
      )}
    </ActionDialog>
  );
}
