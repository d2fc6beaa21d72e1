// Review documents: preview render time (200 renders of the default template with realistic,
// changing content) and publish time (render + store + link comment + state), in-process.
import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import type { DB } from '../src/db/schema.js';
import { createCase } from '../src/modules/cases/cases.service.js';
import * as actions from '../src/modules/cases/case-actions.service.js';
import * as reviews from '../src/modules/reviews/reviews.service.js';
import { previewReview, publishReview } from '../src/modules/reviews/review-publishing.service.js';
import { DocumentRenderer } from '../src/modules/reviews/review-document.js';
import { FileStore } from '../src/platform/files.js';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function benchDocuments(db: Kysely<DB>, dataDir: string, staff: reviews.Staff, approver: reviews.Staff) {
  const renderer = new DocumentRenderer(dataDir);
  const store = new FileStore(dataDir, 'documents');
  const number = await createCase(db, staff, { shortDescription: 'Order gateway rejected all connections', description: 'No orders since 08:00.', priority: 1, product: 'Connect' });
  await actions.start(db, staff, number);
  await actions.resolve(db, staff, number, { resolutionCode: 'solved', cause: 'The TLS certificate expired at midnight; renewal was manual.', resolutionNotes: 'Renewed the certificate, restarted the gateway, replayed 312 orders.' });
  const review = await reviews.createReview(db, staff, number);
  const paragraph = 'The order gateway refused every connection, so **no orders** reached the warehouse; see [the status page](https://status.example.com). ';
  const times: number[] = [];
  for (let i = 0; i < 220; i++) {
    await reviews.updateReview(db, staff, review, {
      summary: `${paragraph.repeat(3)}\n\nRevision ${i}.`,
      symptoms: '- TLS handshake errors\n- The warehouse queue stayed empty\n- 40 calls to support\n'.repeat(2),
      preventiveMeasures: '1. Automatic renewal\n2. Expiry monitoring 30 days ahead\n3. Runbook for restarts',
    }, undefined);
    const t0 = performance.now();
    await previewReview(db, renderer, staff, review);
    if (i >= 20) times.push(performance.now() - t0); // after warm-up
  }
  times.sort((a, b) => a - b);
  const publish: number[] = [];
  for (let i = 0; i < 20; i++) {
    if (i > 0) await reviews.reopenReview(db, staff, review);
    await reviews.requestApproval(db, staff, review, { approvalUserIds: [approver.id] });
    await reviews.approve(db, approver, review, {});
    const t0 = performance.now();
    await publishReview(db, renderer, store, staff, review);
    publish.push(performance.now() - t0);
  }
  publish.sort((a, b) => a - b);
  return {
    preview: { n: times.length, p50: pct(times, 50), p99: pct(times, 99) },
    publish: { n: publish.length, p50: pct(publish, 50), p99: pct(publish, 99) },
  };
}
