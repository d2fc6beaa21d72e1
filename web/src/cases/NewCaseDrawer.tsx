import { Button, Divider, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import type { Case } from '../casesApi';
import { DrawerForm, RecordDrawer } from '../components/RecordDrawer';
import { useRecordForm } from '../components/useRecordForm';
import { caseCreateBody, emptyCase, validateCase, type CaseValues } from './caseForm';
import { ClassificationFields, CustomerFields, ProblemFields, QueueSelect } from './CaseFields';

function SectionTitle({ children }: { children: string }) {
  return (
    <Divider
      labelPosition="left"
      label={
        <Text size="xs" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: 0.4 }}>
          {children}
        </Text>
      }
    />
  );
}

function NewCaseForm({ queueId, onDone }: { queueId: number | null; onDone: () => void }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const form = useRecordForm<Case, CaseValues>({
    resource: 'cases',
    id: null,
    keyOf: (c) => c.number,
    noun: 'Case',
    empty: emptyCase(queueId),
    fromRecord: () => emptyCase(queueId),
    toCreate: caseCreateBody,
    toPatch: () => ({}),
    validate: validateCase,
    describe: (c) => `${c.number}: ${c.shortDescription}`,
    onCreated: (c) => {
      void qc.invalidateQueries({ queryKey: ['queues'] });
      onDone();
      navigate(`/cases/${c.number}`);
    },
  });
  const props = { values: form.values, set: form.set, errors: form.errors };
  return (
    <DrawerForm form={form} noun="case" ariaLabel="New case" onDone={onDone}>
      <Stack gap="md">
        <ProblemFields {...props} autoFocus />
        <SectionTitle>Customer</SectionTitle>
        <CustomerFields {...props} />
        <SectionTitle>Classification</SectionTitle>
        <ClassificationFields {...props} />
        <QueueSelect {...props} />
      </Stack>
    </DrawerForm>
  );
}

/** The "New case" button and its panel; in a queue, the case starts in that queue. */
export function NewCaseButton({ queueId = null, secondary }: { queueId?: number | null; secondary?: boolean }) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button leftSection={<IconPlus size={16} />} onClick={open} variant={secondary ? 'default' : 'filled'}>
        New case
      </Button>
      <RecordDrawer opened={opened} onClose={close} title="New case" size={520}>
        {opened && <NewCaseForm queueId={queueId} onDone={close} />}
      </RecordDrawer>
    </>
  );
}

export { SectionTitle };
