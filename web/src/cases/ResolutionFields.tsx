import { Select, SimpleGrid, Stack, Textarea } from '@mantine/core';
import type { Dispatch, SetStateAction } from 'react';
import { humanize } from './format';

interface Props {
  codes: string[];
  code: string | null;
  setCode: (v: string | null) => void;
  cause: string;
  setCause: (v: string) => void;
  notes: string;
  setNotes: (v: string) => void;
  errors: Record<string, string | undefined>;
  /** Clears a field's local error once the person changes it. */
  setLocal: Dispatch<SetStateAction<Record<string, string | undefined>>>;
  causeDescription: string;
  notesDescription: string;
  /** Code and cause side by side (the wider major-case dialog). */
  compact?: boolean;
}

/** The resolution code, cause and notes of a resolve dialog (one case, or a major case with its children). */
export function ResolutionFields(p: Props) {
  const codeField = (
    <Select
      label="Resolution code"
      placeholder="Choose a code"
      required
      allowDeselect={false}
      data={p.codes.map((c) => ({ value: c, label: humanize(c) }))}
      value={p.code}
      onChange={(v) => (p.setCode(v), p.setLocal((x) => ({ ...x, resolutionCode: undefined })))}
      error={p.errors.resolutionCode}
      comboboxProps={{ withinPortal: true }}
      data-autofocus
    />
  );
  const causeField = (
    <Textarea label="Cause" description={p.causeDescription} autosize minRows={p.compact ? 1 : 2} maxRows={p.compact ? 4 : 6} value={p.cause} onChange={(e) => p.setCause(e.currentTarget.value)} error={p.errors.cause} />
  );
  return (
    <Stack gap="sm">
      {p.compact ? (
        <SimpleGrid cols={2} spacing="sm">
          {codeField}
          {causeField}
        </SimpleGrid>
      ) : (
        <>
          {codeField}
          {causeField}
        </>
      )}
      <Textarea
        label="Resolution notes"
        required
        description={p.notesDescription}
        autosize
        minRows={3}
        maxRows={p.compact ? 8 : 10}
        value={p.notes}
        onChange={(e) => (p.setNotes(e.currentTarget.value), p.setLocal((x) => ({ ...x, resolutionNotes: undefined })))}
        error={p.errors.resolutionNotes}
      />
    </Stack>
  );
}
