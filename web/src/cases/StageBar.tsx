import { Alert, Box, Button, Group, Text } from '@mantine/core';
import { IconAlertCircle, IconArrowRight, IconCheck } from '@tabler/icons-react';
import type { Stage } from '../casesApi';
import { fieldLabel } from './format';

export interface MissingFields {
  stage: string;
  fields: string[];
}

interface StageBarProps {
  stages: Stage[];
  current: string | null;
  /** Whether "Next stage" is offered (the case allows it and is not at the last stage). */
  canAdvance: boolean;
  advancing: boolean;
  onNext: () => void;
  missing: MissingFields | null;
}

/** The business-process bar: the stages as chevrons, done ones checked, the current one filled. */
export function StageBar({ stages, current, canAdvance, advancing, onNext, missing }: StageBarProps) {
  if (stages.length === 0) return null;
  const index = Math.max(0, stages.findIndex((s) => s.key === current));
  const last = index >= stages.length - 1;
  const stageName = (key: string) => stages.find((s) => s.key === key)?.name ?? key;
  return (
    <Box mb="md">
      <Group gap="sm" wrap="nowrap" align="center">
        <nav aria-label="Stages" style={{ flex: 1, minWidth: 0 }}>
          <ol className="cb-stages">
            {stages.map((s, i) => {
              const state = i < index ? 'done' : i === index ? 'current' : 'todo';
              return (
                <li key={s.key} className="cb-stage" data-state={state} aria-current={state === 'current' ? 'step' : undefined}>
                  {state === 'done' && <IconCheck size={14} stroke={2.4} aria-hidden />}
                  <span>{s.name}</span>
                  <span className="cb-visually-hidden">{state === 'done' ? ' (done)' : state === 'current' ? ' (current stage)' : ''}</span>
                </li>
              );
            })}
          </ol>
        </nav>
        {canAdvance && !last && (
          <Button variant="light" rightSection={<IconArrowRight size={15} />} onClick={onNext} loading={advancing} style={{ flexShrink: 0 }}>
            Next stage
          </Button>
        )}
      </Group>
      {missing && (
        <Alert color="orange" icon={<IconAlertCircle size={18} />} mt="xs" p="xs" role="alert" title={`Fill in before leaving ${stageName(missing.stage)}`}>
          <Text size="sm">
            {missing.fields.map(fieldLabel).join(', ')}. The fields are marked below; save them, then choose Next stage again.
          </Text>
        </Alert>
      )}
    </Box>
  );
}
