// Renders a PDF's pages to canvases with pdf.js (loaded on demand). Used where the PDF comes from
// a POST (the template preview): the server's CSP allows frames only from 'self', so a blob: URL
// cannot be shown in an <iframe> or <object>.
import * as pdfjs from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

/** Draws every page into the container, fitted to its width; answers the page count. */
export async function renderPdf(data: ArrayBuffer, container: HTMLElement, title: string, isCancelled: () => boolean): Promise<number> {
  const doc = await pdfjs.getDocument({ data: new Uint8Array(data), isEvalSupported: false }).promise;
  try {
    const width = Math.max(container.clientWidth - 24, 200);
    const dpr = window.devicePixelRatio || 1;
    const canvases: HTMLCanvasElement[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: width / base.width });
      const canvas = document.createElement('canvas');
      canvas.width = Math.floor(viewport.width * dpr);
      canvas.height = Math.floor(viewport.height * dpr);
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${title}, page ${n} of ${doc.numPages}`);
      const ctx = canvas.getContext('2d');
      if (!ctx) continue;
      await page.render({ canvasContext: ctx, viewport, transform: dpr === 1 ? undefined : [dpr, 0, 0, dpr, 0, 0] }).promise;
      if (isCancelled()) return 0;
      canvases.push(canvas);
    }
    container.replaceChildren(...canvases);
    return doc.numPages;
  } finally {
    void doc.destroy();
  }
}
