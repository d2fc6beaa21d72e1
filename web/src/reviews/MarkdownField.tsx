import { useId, useRef } from 'react';
import { ActionIcon, Box, Group, Input, Textarea, Tooltip } from '@mantine/core';
import { IconBold, IconItalic, IconLink, IconList, IconListNumbers } from '@tabler/icons-react';

// A comfortable text area for Markdown with a small toolbar that inserts the syntax
// (bold, italic, bulleted and numbered lists, link). Ctrl+B / Ctrl+I work while typing.

interface Edit {
  text: string;
  /** The selection after the edit. */
  from: number;
  to: number;
}

function wrap(value: string, from: number, to: number, marker: string, placeholder: string): Edit {
  const selected = value.slice(from, to) || placeholder;
  const text = value.slice(0, from) + marker + selected + marker + value.slice(to);
  return { text, from: from + marker.length, to: from + marker.length + selected.length };
}

function prefixLines(value: string, from: number, to: number, numbered: boolean): Edit {
  const start = value.lastIndexOf('\n', from - 1) + 1;
  const endIdx = value.indexOf('\n', to);
  const end = endIdx === -1 ? value.length : endIdx;
  const lines = value.slice(start, end).split('\n');
  const out = lines.map((l, i) => `${numbered ? `${i + 1}. ` : '- '}${l.replace(/^\s*(?:[-*]|\d+\.)\s+/, '')}`).join('\n');
  const text = value.slice(0, start) + out + value.slice(end);
  return { text, from: start + out.length, to: start + out.length };
}

function link(value: string, from: number, to: number): Edit {
  const label = value.slice(from, to) || 'link text';
  const url = 'https://';
  const inserted = `[${label}](${url})`;
  const text = value.slice(0, from) + inserted + value.slice(to);
  const urlAt = from + label.length + 3;
  return { text, from: urlAt, to: urlAt + url.length };
}

const TOOLS = [
  { key: 'bold', label: 'Bold', hint: 'Ctrl+B', icon: IconBold, run: (v: string, a: number, b: number) => wrap(v, a, b, '**', 'bold text') },
  { key: 'italic', label: 'Italic', hint: 'Ctrl+I', icon: IconItalic, run: (v: string, a: number, b: number) => wrap(v, a, b, '_', 'italic text') },
  { key: 'ul', label: 'Bulleted list', icon: IconList, run: (v: string, a: number, b: number) => prefixLines(v, a, b, false) },
  { key: 'ol', label: 'Numbered list', icon: IconListNumbers, run: (v: string, a: number, b: number) => prefixLines(v, a, b, true) },
  { key: 'link', label: 'Link', icon: IconLink, run: link },
] as const;

interface MarkdownFieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  readOnly?: boolean;
  error?: string;
  description?: string;
  minRows?: number;
}

export function MarkdownField({ label, value, onChange, readOnly, error, description, minRows = 3 }: MarkdownFieldProps) {
  const id = useId();
  const ref = useRef<HTMLTextAreaElement>(null);

  const apply = (run: (v: string, a: number, b: number) => Edit) => {
    const el = ref.current;
    if (!el) return;
    const edit = run(value, el.selectionStart, el.selectionEnd);
    onChange(edit.text);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(edit.from, edit.to);
    });
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const tool = e.key.toLowerCase() === 'b' ? TOOLS[0] : e.key.toLowerCase() === 'i' ? TOOLS[1] : null;
    if (!tool) return;
    e.preventDefault();
    apply(tool.run);
  };

  return (
    <Box>
      <Group justify="space-between" align="flex-end" gap="xs" mb={4} wrap="nowrap">
        <Input.Label htmlFor={id}>{label}</Input.Label>
        {!readOnly && (
          <Group gap={2} role="toolbar" aria-label={`Formatting of ${label}`} aria-controls={id} wrap="nowrap">
            {TOOLS.map((t) => (
              <Tooltip key={t.key} label={'hint' in t ? `${t.label} (${t.hint})` : t.label} openDelay={400} withinPortal>
                <ActionIcon variant="subtle" color="gray" size="sm" aria-label={t.label} onMouseDown={(e) => e.preventDefault()} onClick={() => apply(t.run)}>
                  <t.icon size={15} stroke={1.8} />
                </ActionIcon>
              </Tooltip>
            ))}
          </Group>
        )}
      </Group>
      <Textarea
        id={id}
        ref={ref}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        readOnly={readOnly}
        variant={readOnly ? 'filled' : 'default'}
        autosize
        minRows={minRows}
        maxRows={18}
        error={error}
        description={description}
        placeholder={readOnly ? 'Empty' : 'Markdown: **bold**, _italic_, - list, [link](https://…)'}
        styles={{ input: { fontSize: 14, lineHeight: 1.5 } }}
      />
    </Box>
  );
}
