import { useState } from 'react';
import { Alert, Anchor, Box, Center, Grid, Loader, Stack } from '@mantine/core';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { ApiError, errorMessage } from '../api';
import type { Case, MissingFieldsDetails } from '../casesApi';
import { useRecordForm } from '../components/useRecordForm';
import { ActivitiesPanel } from './ActivitiesPanel';
import { caseCreateBody, casePatchBody, caseValuesOf, emptyCase, validateCase, type CaseValues } from './caseForm';
import { CaseFieldsPanel } from './CaseFieldsPanel';
import { CaseHeader, ReadOnlyBanner, type Dialog } from './CaseHeader';
import { useStatuses } from './lookups';
import { RelatedPanel } from './RelatedPanel';
import { WatchersPanel } from './WatchersPanel';
import { useActivities } from './ResolveDialog';
import { StageBar, type MissingFields } from './StageBar';
import { Timeline } from './Timeline';
import { useCaseAction, useCaseRefresh } from './useCaseAction';

const NOT_IN_FORM_HINT = 'Needed for the next stage';

function CaseForm({ number }: { number: string }) {
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from;
  const statuses = useStatuses();
  const refresh = useCaseRefresh(number);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [missing, setMissing] = useState<MissingFields | null>(null);
  const form = useRecordForm<Case, CaseValues>({
    resource: 'cases',
    id: number,
    keyOf: (c) => c.number,
    noun: 'Case',
    empty: emptyCase(),
    fromRecord: caseValuesOf,
    toCreate: caseCreateBody,
    toPatch: casePatchBody,
    validate: validateCase,
    describe: (c) => c.number,
    onSaved: (c) => {
      setMissing(null);
      refresh();
      // Some statuses return to the list after saving (closeFormOnSave).
      if (statuses.data?.find((s) => s.key === c.status)?.closeFormOnSave) navigate(from ?? '/cases');
    },
  });
  const run = useCaseAction(form, number);
  const activities = useActivities(number);

  if (form.loading) {
    return (
      <Center py="xl" role="status" aria-label="Loading the case">
        <Loader size="sm" />
      </Center>
    );
  }
  if (form.loadError || !form.record) {
    const notFound = form.loadError instanceof ApiError && form.loadError.status === 404;
    return (
      <Alert color={notFound ? 'gray' : 'red'} title={notFound ? `There is no case ${number}` : 'Could not load the case'} maw={560}>
        {notFound ? 'Check the number, or search for the case.' : errorMessage(form.loadError)}{' '}
        <Anchor component={Link} to="/cases">
          All cases
        </Anchor>
      </Alert>
    );
  }
  const kase = form.record;

  const nextStage = () => {
    setMissing(null);
    run.mutate(
      { action: 'next-stage' },
      {
        onSuccess: () => setMissing(null),
        onError: (e) => {
          if (e instanceof ApiError && e.status === 422) {
            const d = e.details as MissingFieldsDetails | undefined;
            if (d?.missing?.length) {
              setMissing({ stage: d.stage, fields: d.missing });
              form.markFields(Object.fromEntries(d.missing.map((f) => [f, NOT_IN_FORM_HINT])));
            }
          }
        },
      },
    );
  };

  return (
    <Box>
      <CaseHeader kase={kase} run={run} dialog={dialog} setDialog={setDialog} />
      <StageBar
        stages={kase.stages}
        current={kase.stage}
        canAdvance={kase.allowedActions.includes('next-stage')}
        advancing={form.saving || (run.isPending && run.variables?.action === 'next-stage')}
        onNext={nextStage}
        missing={missing}
      />
      <ReadOnlyBanner kase={kase} />
      <Grid gap="md" align="flex-start">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <Box className="cb-card cb-case-fields" p="md">
              <CaseFieldsPanel form={form} onAssign={kase.allowedActions.includes('assign') ? () => (run.reset(), setDialog('assign')) : undefined} />
            </Box>
            <RelatedPanel kase={kase} />
            <WatchersPanel kase={kase} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <ActivitiesPanel kase={kase} activities={activities.data ?? []} loading={activities.isPending} />
            <Timeline kase={kase} activities={activities.data ?? []} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Box>
  );
}

/** The case form at /cases/:number. */
export function CasePage() {
  const { number = '' } = useParams();
  const upper = number.toUpperCase();
  return <CaseForm key={upper} number={upper} />;
}
