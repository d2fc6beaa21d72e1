import { MultiSelect } from '@mantine/core';

interface MemberSelectProps {
  label: string;
  /** One option, for messages ("user", "group"). */
  noun: string;
  placeholder: string;
  options: { value: number; label: string }[];
  value: number[];
  onChange: (ids: number[]) => void;
  error?: string;
  loading: boolean;
  loadFailed: boolean;
  description?: string;
}

/** A searchable multi-select of records by id (group members, queue members). */
export function MemberSelect({ label, noun, placeholder, options, value, onChange, error, loading, loadFailed, description }: MemberSelectProps) {
  return (
    <MultiSelect<number>
      label={label}
      placeholder={value.length ? undefined : placeholder}
      searchable
      data={options}
      value={value}
      onChange={onChange}
      error={error}
      nothingFoundMessage={loading ? `Loading ${noun}s…` : `No ${noun} matches`}
      description={loadFailed ? `Could not load the ${noun}s.` : description}
      comboboxProps={{ withinPortal: true }}
      hidePickedOptions
      maxDropdownHeight={260}
    />
  );
}
