import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, Box, Center, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { IconDownload, IconExternalLink } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../api';

// PDFs shown in the page. A document the API serves by GET shows in an <iframe> with the
// browser's viewer; one that comes from a POST (a template preview) is drawn with pdf.js.

/** Loads a PDF (e.g. from a POST) as a blob for the key. */
export function usePdf(key: readonly unknown[], load: (signal: AbortSignal) => Promise<Blob>, enabled = true) {
  const q = useQuery({ queryKey: ['pdf', ...key], queryFn: ({ signal }) => load(signal), enabled, gcTime: 0, staleTime: Infinity, retry: false, placeholderData: (prev) => prev });
  return { blob: q.data ?? null, error: q.error, loading: q.isFetching };
}

/** A rendered PDF blob, every page fitted to the width; keeps the last pages while the next render runs. */
export function PdfPages({ blob, title, loading, error, errorContent, height }: { blob: Blob | null; title: string; loading: boolean; error: unknown; errorContent?: React.ReactNode; height: number | string }) {
  const pages = useRef<HTMLDivElement>(null);
  const [drawError, setDrawError] = useState<string | null>(null);
  useEffect(() => {
    if (!blob || !pages.current) return;
    let cancelled = false;
    const el = pages.current;
    void (async () => {
      try {
        const { renderPdf } = await import('./pdfRender');
        await renderPdf(await blob.arrayBuffer(), el, title, () => cancelled);
        if (!cancelled) setDrawError(null);
      } catch (e) {
        if (!cancelled) setDrawError(errorMessage(e));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [blob, title]);
  const failed = !!error && !loading;
  return (
    <Box pos="relative" h={height} style={{ border: '1px solid var(--cb-border)', borderRadius: 4, background: 'var(--mantine-color-gray-2)', overflow: 'auto' }}>
      {failed && (
        <Box p="md">
          {errorContent ?? (
            <Alert color="red" title="Not rendered" role="alert">
              {errorMessage(error)}
            </Alert>
          )}
        </Box>
      )}
      {drawError && (
        <Alert color="red" m="md" title="The PDF could not be shown" role="alert">
          {drawError}
        </Alert>
      )}
      <Stack ref={pages} gap={12} p={12} align="center" aria-label={title} role="document" style={{ display: failed ? 'none' : undefined, opacity: loading ? 0.55 : 1 }} className="cb-pdf-pages" />
      {loading && (
        <Center pos="absolute" inset={0} role="status" aria-label="Rendering">
          <Loader size="sm" />
        </Center>
      )}
    </Box>
  );
}

/** A PDF the API serves by GET, in the browser's viewer; an API error (JSON) shows as a message. */
export function PdfFrame({ src, title, fileName, height }: { src: string; title: string; fileName: string; height: number | string }) {
  const [state, setState] = useState<{ loaded: boolean; error: string | null }>({ loaded: false, error: null });
  const onLoad = (e: React.SyntheticEvent<HTMLIFrameElement>) => {
    const doc = e.currentTarget.contentDocument;
    let error: string | null = null;
    if (doc && doc.contentType && doc.contentType !== 'application/pdf') {
      try {
        error = (JSON.parse(doc.body?.innerText ?? '') as { error?: { message?: string } }).error?.message ?? 'The document could not be made';
      } catch {
        error = 'The document could not be made';
      }
    }
    setState({ loaded: true, error });
  };
  return (
    <Stack gap={6} h={height} style={{ minHeight: 0 }}>
      <Group justify="space-between" gap="xs">
        <Text size="xs" c="dimmed" role="status" aria-live="polite">
          {!state.loaded ? 'Rendering the document…' : state.error ? 'The document could not be rendered.' : 'Rendered from the saved record just now; nothing is published.'}
        </Text>
        <Group gap="md">
          <Anchor href={src} target="_blank" rel="noopener" size="xs" style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
            <IconExternalLink size={13} aria-hidden /> Open in a new tab
          </Anchor>
          <Anchor href={src} download={fileName} size="xs" style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
            <IconDownload size={13} aria-hidden /> Download
          </Anchor>
        </Group>
      </Group>
      <Box pos="relative" style={{ flex: 1, minHeight: 0, border: '1px solid var(--cb-border)', borderRadius: 4, background: 'var(--mantine-color-gray-1)' }}>
        {state.error ? (
          <Alert color="red" title="Not rendered" role="alert" m="md">
            {state.error}
          </Alert>
        ) : (
          <iframe src={src} title={title} onLoad={onLoad} style={{ width: '100%', height: '100%', border: 0, display: 'block' }} />
        )}
        {!state.loaded && (
          <Center pos="absolute" inset={0} role="status" aria-label="Rendering">
            <Loader size="sm" />
          </Center>
        )}
      </Box>
    </Stack>
  );
}

/** A large dialog with one PDF, e.g. the review's Preview. */
export function PdfDialog({ opened, onClose, title, fileName, src }: { opened: boolean; onClose: () => void; title: string; fileName: string; src: string }) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="min(1100px, 94vw)" styles={{ title: { fontWeight: 600 } }} closeButtonProps={{ 'aria-label': 'Close preview' }}>
      {opened && <PdfFrame key={src} src={src} title={`PDF: ${title}`} fileName={fileName} height="calc(100vh - 170px)" />}
    </Modal>
  );
}
