import { useState } from 'react';
import { Kbd, TextInput } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useNavigate } from 'react-router-dom';

const CASE_NUMBER = /^cs\d{7,}$/i;
const REVIEW_NUMBER = /^pcr\d{7,}$/i;
const ARTICLE_NUMBER = /^kb\d{7,}$/i;

/** The header's search: a case, review or article number opens it; words search all cases. "/" focuses it. */
export function GlobalSearch() {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  useHotkeys([['/', () => document.getElementById('global-search')?.focus()]]);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const q = text.trim();
    if (!q) return;
    if (CASE_NUMBER.test(q)) navigate(`/cases/${q.toUpperCase()}`);
    else if (REVIEW_NUMBER.test(q)) navigate(`/reviews/${q.toUpperCase()}`);
    else if (ARTICLE_NUMBER.test(q)) navigate(`/knowledge/${q.toUpperCase()}`);
    else navigate(`/cases?q=${encodeURIComponent(q)}`);
    setText('');
    (document.activeElement as HTMLElement | null)?.blur();
  };

  return (
    <form role="search" onSubmit={submit} aria-label="Search cases" style={{ flex: '0 1 380px' }}>
      <TextInput
        id="global-search"
        type="search"
        aria-label="Search cases"
        placeholder="Search cases: number or words"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        leftSection={<IconSearch size={15} aria-hidden />}
        rightSection={text ? undefined : <Kbd size="xs" aria-hidden>/</Kbd>}
        size="sm"
      />
    </form>
  );
}
