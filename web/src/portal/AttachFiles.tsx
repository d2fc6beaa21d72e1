import { Box, Button, FileButton, Group, Text } from '@mantine/core';
import { IconPaperclip } from '@tabler/icons-react';
import { addFiles, FilePills } from '../cases/Composer';

/** "Attach files" for customers: a plain button that opens the file picker, and the chosen files. */
export function AttachFiles({ files, onChange, error, disabled }: { files: File[]; onChange: (files: File[]) => void; error?: string; disabled?: boolean }) {
  return (
    <Box>
      <Group gap="sm" wrap="wrap">
        <FileButton multiple disabled={disabled} onChange={(picked) => picked.length && onChange(addFiles(files, picked))}>
          {(props) => (
            <Button {...props} variant="default" leftSection={<IconPaperclip size={16} />} disabled={disabled}>
              Attach files
            </Button>
          )}
        </FileButton>
        <Text size="sm" c="dimmed">
          Screenshots, logs or documents; up to 10 files.
        </Text>
      </Group>
      <FilePills files={files} onChange={onChange} error={error} />
    </Box>
  );
}
