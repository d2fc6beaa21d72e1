import { useState } from 'react';
import { Alert, Checkbox, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useQueries } from '@tanstack/react-query';
import { ApiError } from '../api';
import { ActionDialog, type DialogProps } from '../cases/ActionDialogs';
import { activityLabel, CaseStatusBadge } from '../cases/format';
import { useResolutionCodes } from '../cases/lookups';
import { ResolutionFields } from '../cases/ResolutionFields';
import { activitiesKey } from '../cases/ResolveDialog';
import { actionFieldErrors } from '../cases/useCaseAction';
import { casesApi } from '../casesApi';
import { useOpenChildren } from './MajorActions';
import type { OpenActivityOfCase } from './majorApi';

// Resolve with children: one resolution for the major case and every open child, in one step;
// each child's contact gets its own resolved mail. Open activities of any of them hold it up,
// listed per case, unless canceled along.

function OpenActivities({ items }: { items: OpenActivityOfCase[] }) {
  return (
    <Table aria-label="Open activities per case" verticalSpacing={4} fz="sm">
      <Table.Tbody>
        {items.map((a) => (
          <Table.Tr key={a.id}>
            <Table.Td w={100} ff="monospace">
              {a.caseNumber}
            </Table.Td>
            <Table.Td w={110} c="dimmed">
              {activityLabel(a.type)}
            </Table.Td>
            <Table.Td>{a.subject}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function ResolveWithChildrenDialog({ opened, onClose, kase, run }: DialogProps) {
  const { codes } = useResolutionCodes();
  const openChildren = useOpenChildren(kase);
  const open = [...(kase.allowedActions.includes('resolve') ? [{ number: kase.number, status: kase.status, statusLabel: kase.statusLabel, accountName: 'This major case' }] : []), ...openChildren];
  const activityQueries = useQueries({
    queries: open.map((c) => ({ queryKey: activitiesKey(c.number), queryFn: async () => (await casesApi.activities(c.number)).items })),
  });
  const pending: OpenActivityOfCase[] = activityQueries.flatMap((q) => (q.data ?? []).filter((a) => a.state === 'open').map((a) => ({ caseNumber: a.caseNumber, id: a.id, type: a.type, subject: a.subject })));
  const [code, setCode] = useState<string | null>(kase.resolutionCode);
  const [cause, setCause] = useState(kase.cause ?? '');
  const [notes, setNotes] = useState(kase.resolutionNotes ?? '');
  const [cancelOpen, setCancelOpen] = useState(false);
  const [local, setLocal] = useState<Record<string, string | undefined>>({});
  const errors = { ...actionFieldErrors(run.error), ...local };
  const refused = run.error instanceof ApiError && run.error.status === 422 ? ((run.error.details as { openActivities?: OpenActivityOfCase[] } | undefined)?.openActivities ?? null) : null;
  const shown = refused ?? pending;

  return (
    <ActionDialog
      opened={opened}
      onClose={onClose}
      title={`Resolve ${kase.number} with its child cases`}
      fields={['resolutionCode', 'cause', 'resolutionNotes']}
      submitLabel={`Resolve ${open.length} ${open.length === 1 ? 'case' : 'cases'}`}
      submitColor="green"
      size="xl"
      run={run}
      build={() => {
        const problems = { resolutionCode: code ? undefined : 'Choose a resolution code', resolutionNotes: notes.trim() ? undefined : 'Say what was done; every contact sees it' };
        setLocal(problems);
        if (problems.resolutionCode || problems.resolutionNotes) return null;
        return { action: 'resolve-with-children', body: { resolutionCode: code, resolutionNotes: notes.trim(), ...(cause.trim() ? { cause: cause.trim() } : {}), ...(cancelOpen ? { cancelOpenActivities: true } : {}) } };
      }}
      extraError={
        refused && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} title="Not resolved: activities are still open" role="alert" p="sm">
            <Text size="sm">Complete or cancel them on their cases, or tick “Cancel the open activities”.</Text>
          </Alert>
        )
      }
    >
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          Cases resolved now ({open.length})
        </Text>
        <Table aria-label="Cases resolved now" verticalSpacing={4} fz="sm">
          <Table.Tbody>
            {open.map((c) => (
              <Table.Tr key={c.number}>
                <Table.Td w={100} ff="monospace">
                  {c.number}
                </Table.Td>
                <Table.Td>{c.accountName ?? '—'}</Table.Td>
                <Table.Td w={170}>
                  <CaseStatusBadge status={c.status} label={c.statusLabel} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
      <ResolutionFields
        compact
        codes={codes}
        code={code}
        setCode={setCode}
        cause={cause}
        setCause={setCause}
        notes={notes}
        setNotes={setNotes}
        errors={errors}
        setLocal={setLocal}
        causeDescription="The incident's cause, if known."
        notesDescription="Sent to every contact with their case's resolution."
      />
      {shown.length > 0 && (
        <Alert color={refused ? 'red' : 'yellow'} variant="light" title={`${shown.length} open ${shown.length === 1 ? 'activity' : 'activities'}`} p="sm">
          <OpenActivities items={shown} />
        </Alert>
      )}
      {shown.length > 0 && (
        <Checkbox
          label={`Cancel the ${shown.length} open ${shown.length === 1 ? 'activity' : 'activities'}`}
          description="They are canceled in the same step as the resolution."
          checked={cancelOpen}
          onChange={(e) => setCancelOpen(e.currentTarget.checked)}
        />
      )}
    </ActionDialog>
  );
}
