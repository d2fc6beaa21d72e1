// Realistic bulk data for benchmarks: accounts, contacts, agents in groups and queues, cases in
// every status over two years with ~4 timeline entries each, reviews with published versions and
// knowledge articles — inserted in large batches inside transactions, on SQLite or PostgreSQL.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../src/db/schema.js';
import { hashPassword } from '../src/modules/identity/passwords.js';
import { FileStore } from '../src/platform/files.js';
import { formatNumber } from '../src/platform/numbering.js';
import { DocumentRenderer } from '../src/modules/reviews/review-document.js';
import { sampleDocumentData } from '../src/modules/reviews/configurations.service.js';
import { DEFAULT_REVIEW_TEMPLATE } from '../src/db/migrations/0004_default-template.js';

export interface Sizes {
  cases: number;
  accounts: number;
  contacts: number;
  agents: number;
  groups: number;
  queues: number;
  reviews: number;
  articles: number;
}

/** The distribution of the issue, scaled to the number of cases. */
export function sizesFor(cases: number): Sizes {
  const f = cases / 1_000_000;
  return {
    cases,
    accounts: Math.max(20, Math.round(10_000 * f)),
    contacts: Math.max(50, Math.round(50_000 * f)),
    agents: Math.max(10, Math.min(300, Math.round(300 * Math.sqrt(f) * 3))),
    groups: 30,
    queues: 40,
    reviews: Math.max(10, Math.round(20_000 * f)),
    articles: Math.max(20, Math.round(5_000 * f)),
  };
}

export const BENCH_PASSWORD = 'bench-password-123';

// A deterministic random stream, so two runs make the same data.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'printer gateway login export invoice scanner battery tracker certificate timeout portal report tenant sync network database upload email password dashboard payment order warehouse label firmware update slow error crash missing access'.split(' ');
// Real case text is varied: besides the common words, a vocabulary of 5,000 made-up product and
// error words (so a search term matches a realistic share of cases, not every tenth one).
const SYLLABLES = 'ka lo mi ne su ta ri vo pe zu ba ci do fe gu'.split(' ');
const VOCABULARY = Array.from({ length: 5000 }, (_, i) => SYLLABLES[i % 15]! + SYLLABLES[Math.floor(i / 15) % 15]! + SYLLABLES[Math.floor(i / 225) % 15]! + (i >= 3375 ? 'x' : ''));
const STATUSES: [string, number][] = [
  ['new', 0.06],
  ['in_progress', 0.08],
  ['waiting_for_response', 0.04],
  ['reopened', 0.02],
  ['resolved', 0.1],
  ['closed', 0.65],
  ['canceled', 0.05],
];

export interface Progress {
  (label: string, done: number, total: number): void;
}

/** A progress bar on stderr. */
export const progressBar: Progress = (label, done, total) => {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r${label.padEnd(18)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en')}/${total.toLocaleString('en')}${done >= total ? '\n' : ''}`);
};

async function batches<T>(db: Kysely<DB>, label: string, total: number, size: number, make: (i: number) => T, insert: (trx: Kysely<DB>, rows: T[]) => Promise<unknown>, progress: Progress) {
  for (let start = 0; start < total; start += size * 10) {
    // Ten batches per transaction: few commits, bounded lock time.
    await db.transaction().execute(async (trx) => {
      for (let b = start; b < Math.min(total, start + size * 10); b += size) {
        const rows: T[] = [];
        for (let i = b; i < Math.min(total, b + size); i++) rows.push(make(i));
        await insert(trx, rows);
      }
    });
    progress(label, Math.min(total, start + size * 10), total);
  }
}

/** Fills an empty, migrated database. Returns the sign-ins the benchmark uses. */
export async function generate(db: Kysely<DB>, dataDir: string, sizes: Sizes, progress: Progress = progressBar) {
  const rand = rng(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const now = Date.now();
  const TWO_YEARS = 2 * 365 * 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const hash = await hashPassword(BENCH_PASSWORD);
  const base = (await db.selectFrom('users').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst())?.m ?? 0;

  // Agents, groups, queues.
  await batches(db, 'agents', sizes.agents, 200, (i) => ({ email: `agent${i}@bench.test`, name: `Agent ${i}`, password_hash: hash, active: 1, created_at: iso(now), updated_at: iso(now) }), (t, rows) => t.insertInto('users').values(rows).execute(), progress);
  const agentIds = (await db.selectFrom('users').select('id').where('email', 'like', 'agent%@bench.test').orderBy('id').execute()).map((r) => r.id);
  await batches(db, 'agent roles', agentIds.length, 500, (i) => ({ user_id: agentIds[i]!, role: i % 25 === 0 ? 'manager' : 'agent' }), (t, rows) => t.insertInto('user_roles').values(rows).execute(), progress);
  await batches(db, 'groups', sizes.groups, 100, (i) => ({ name: `Team ${i}`, description: '', active: 1, created_at: iso(now), updated_at: iso(now) }), (t, rows) => t.insertInto('groups').values(rows).execute(), progress);
  const groupIds = (await db.selectFrom('groups').select('id').where('name', 'like', 'Team %').orderBy('id').execute()).map((r) => r.id);
  await batches(db, 'group members', agentIds.length, 500, (i) => ({ group_id: groupIds[i % groupIds.length]!, user_id: agentIds[i]! }), (t, rows) => t.insertInto('group_members').values(rows).execute(), progress);
  await batches(db, 'queues', sizes.queues, 100, (i) => ({ name: `Queue ${i}`, description: '', mode: i % 4 === 0 ? ('next' as const) : ('any' as const), process_id: null, active: 1, created_at: iso(now), updated_at: iso(now) }), (t, rows) => t.insertInto('queues').values(rows).execute(), progress);
  const queueIds = (await db.selectFrom('queues').select('id').where('name', 'like', 'Queue %').orderBy('id').execute()).map((r) => r.id);
  await batches(db, 'queue groups', queueIds.length, 100, (i) => ({ queue_id: queueIds[i]!, group_id: groupIds[i % groupIds.length]! }), (t, rows) => t.insertInto('queue_groups').values(rows).execute(), progress);

  // Customers.
  await batches(db, 'accounts', sizes.accounts, 500, (i) => ({ name: `Account ${String(i).padStart(6, '0')}`, tier: i % 10 === 0 ? 'premium' : 'standard', domain: `account${i}.test`, active: 1, created_at: iso(now), updated_at: iso(now) }), (t, rows) => t.insertInto('accounts').values(rows).execute(), progress);
  const accountIds = (await db.selectFrom('accounts').select('id').where('name', 'like', 'Account %').orderBy('id').execute()).map((r) => r.id);
  await batches(db, 'contacts', sizes.contacts, 500, (i) => ({ account_id: accountIds[i % accountIds.length]!, name: `Contact ${i}`, email: `contact${i}@account${i % accountIds.length}.test`, phone: null, portal_access: i % 5 === 0 ? 1 : 0, password_hash: i % 5 === 0 ? hash : null, active: 1, created_at: iso(now), updated_at: iso(now) }), (t, rows) => t.insertInto('contacts').values(rows).execute(), progress);
  const firstContact = (await db.selectFrom('contacts').select((eb) => eb.fn.min('id').as('m')).where('email', 'like', 'contact%').executeTakeFirstOrThrow()).m as number;

  // Cases over two years, in every status, with comments and audit rows (the timeline).
  const caseSeq = await db.selectFrom('number_sequences').select('next_value').where('name', '=', 'case').executeTakeFirstOrThrow();
  const firstNumber = caseSeq.next_value;
  const statusOf = () => {
    let r = rand();
    for (const [s, p] of STATUSES) if ((r -= p) <= 0) return s;
    return 'closed';
  };
  await batches(
    db,
    'cases',
    sizes.cases,
    200,
    (i) => {
      const opened = now - TWO_YEARS + Math.floor((i / sizes.cases) * TWO_YEARS) + Math.floor(rand() * 3_600_000);
      const status = statusOf();
      const done = ['resolved', 'closed'].includes(status);
      const contactOffset = Math.floor(rand() * sizes.contacts);
      const open = !['resolved', 'closed', 'canceled'].includes(status);
      // What the running system would have left: a resolved case not yet auto-closed was
      // resolved within the last week (cases.autoCloseAfterDays), and an open case past its
      // deadlines carries the breach marks the breach worker sets as they happen.
      const resolvedAt = status === 'resolved' ? Math.max(opened + 3_600_000, now - Math.floor(rand() * 6 * 86_400_000)) : opened + 86_400_000;
      const firstResponse = status === 'new' ? null : opened + 1_800_000;
      const responseDue = opened + 4 * 3_600_000;
      const resolutionDue = opened + 3 * 86_400_000;
      return {
        number: formatNumber('CS', firstNumber + i),
        short_description: `${pick(WORDS)} ${pick(VOCABULARY)} ${pick(VOCABULARY)} fails (${i})`,
        description: `Customer reports that the ${pick(VOCABULARY)} ${pick(WORDS)} stops after the ${pick(VOCABULARY)} update.`,
        account_id: accountIds[contactOffset % accountIds.length]!,
        contact_id: firstContact + contactOffset,
        product: pick(['Connect', 'ScanPro', 'RouteWise', 'DataVault']),
        priority: 1 + Math.floor(rand() * 4),
        category: pick(['Incident', 'Request', 'Defect', 'Question']),
        channel: pick(['web', 'email', 'portal', 'phone']),
        status,
        process_id: null,
        stage: null,
        assignee_id: status === 'new' && rand() < 0.7 ? null : pick(agentIds),
        assignment_group_id: pick(groupIds),
        queue_id: rand() < 0.8 ? pick(queueIds) : null,
        escalation_level: 0,
        resolution_code: done ? 'solved' : null,
        cause: done ? `The ${pick(WORDS)} was misconfigured.` : null,
        resolution_notes: done ? `Fixed the ${pick(WORDS)}.` : null,
        major: 0,
        parent_id: null,
        opened_at: iso(opened),
        first_response_at: firstResponse === null ? null : iso(firstResponse),
        resolved_at: done ? iso(resolvedAt) : null,
        closed_at: status === 'closed' || status === 'canceled' ? iso(opened + 2 * 86_400_000) : null,
        response_due_at: iso(responseDue),
        resolution_due_at: iso(resolutionDue),
        response_breached_at: open && firstResponse === null && responseDue < now ? iso(responseDue) : null,
        resolution_breached_at: open && resolutionDue < now ? iso(resolutionDue) : null,
        satisfaction: status === 'closed' && rand() < 0.3 ? 3 + Math.floor(rand() * 3) : null,
        created_by: null,
        sla_paused_ms: 0,
        created_at: iso(opened),
        updated_at: iso(open ? now - Math.floor(rand() * 30 * 86_400_000) : opened + 2 * 86_400_000),
        version: 1,
      };
    },
    (t, rows) => t.insertInto('cases').values(rows).execute(),
    progress,
  );
  await db.updateTable('number_sequences').set({ next_value: firstNumber + sizes.cases }).where('name', '=', 'case').execute();
  const firstCase = (await db.selectFrom('cases').select('id').where('number', '=', formatNumber('CS', firstNumber)).executeTakeFirstOrThrow()).id;

  await batches(
    db,
    'comments',
    sizes.cases * 2,
    500,
    (i) => ({
      case_id: firstCase + Math.floor(i / 2),
      visibility: i % 2 === 0 ? ('customer' as const) : ('internal' as const),
      body: i % 2 === 0 ? `We are looking into the ${pick(VOCABULARY)} ${pick(WORDS)} issue.` : `Checked the ${pick(VOCABULARY)} logs; nothing unusual.`,
      author_type: 'user' as const,
      author_id: pick(agentIds),
      created_at: iso(now - TWO_YEARS + Math.floor((Math.floor(i / 2) / sizes.cases) * TWO_YEARS) + 3_600_000 + (i % 2) * 60_000),
    }),
    (t, rows) => t.insertInto('comments').values(rows).execute(),
    progress,
  );
  await batches(
    db,
    'audit',
    sizes.cases * 2,
    500,
    (i) => ({
      at: iso(now - TWO_YEARS + Math.floor((Math.floor(i / 2) / sizes.cases) * TWO_YEARS) + (i % 2) * 7_200_000),
      actor_type: 'user',
      actor_id: pick(agentIds),
      entity: 'case',
      entity_id: firstCase + Math.floor(i / 2),
      action: i % 2 === 0 ? 'create' : 'update',
      field: i % 2 === 0 ? 'status' : 'assigneeId',
      old_value: i % 2 === 0 ? null : null,
      new_value: i % 2 === 0 ? 'new' : String(pick(agentIds)),
    }),
    (t, rows) => t.insertInto('audit_log').values(rows).execute(),
    progress,
  );

  // Reviews of resolved/closed cases, each with one published version (one shared PDF file).
  const store = new FileStore(dataDir, 'documents');
  const pdf = store.putBuffer(new DocumentRenderer(dataDir).render(DEFAULT_REVIEW_TEMPLATE, { ...sampleDocumentData(), review: { ...sampleDocumentData().review, publishedAt: 'generated' } }));
  const resolvedIds = (await db.selectFrom('cases').select('id').where('status', 'in', ['resolved', 'closed']).where('id', '>=', firstCase).orderBy('id').limit(sizes.reviews).execute()).map((r) => r.id);
  const config = (await db.selectFrom('review_configurations').select(['id', 'document_template_id']).where('applies_to', '=', 'ordinary').executeTakeFirstOrThrow());
  const reviewSeq = (await db.selectFrom('number_sequences').select('next_value').where('name', '=', 'review').executeTakeFirstOrThrow()).next_value;
  await batches(
    db,
    'reviews',
    resolvedIds.length,
    200,
    (i) => ({
      number: formatNumber('PCR', reviewSeq + i),
      case_id: resolvedIds[i]!,
      configuration_id: config.id,
      state: 'published' as const,
      assigned_to_id: pick(agentIds),
      short_description: `Review of ${pick(WORDS)} incident ${i}`,
      summary: 'What happened, why, and what we changed.',
      root_cause: 'A misconfiguration.',
      solution: 'Corrected the configuration.',
      customer_visible: 1,
      approval_round: 0,
      locally_edited: 0,
      created_at: iso(now),
      updated_at: iso(now),
    }),
    (t, rows) => t.insertInto('reviews').values(rows).execute(),
    progress,
  );
  await db.updateTable('number_sequences').set({ next_value: reviewSeq + resolvedIds.length }).where('name', '=', 'review').execute();
  const reviewIds = (await db.selectFrom('reviews').select('id').where('number', '>=', formatNumber('PCR', reviewSeq)).orderBy('id').execute()).map((r) => r.id);
  await batches(
    db,
    'review documents',
    reviewIds.length,
    500,
    (i) => ({ review_id: reviewIds[i]!, doc_version: 1, sha256: pdf.sha256, size: pdf.size, customer_visible: 1, published_by: pick(agentIds), published_at: iso(now), template_id: config.document_template_id, template_version: 1 }),
    (t, rows) => t.insertInto('review_documents').values(rows).execute(),
    progress,
  );

  const articleSeq = (await db.selectFrom('number_sequences').select('next_value').where('name', '=', 'article').executeTakeFirstOrThrow()).next_value;
  await batches(
    db,
    'articles',
    sizes.articles,
    200,
    (i) => ({ number: formatNumber('KB', articleSeq + i), title: `How to fix ${pick(WORDS)} ${pick(WORDS)} (${i})`, body: `Steps for the ${pick(WORDS)} ${pick(WORDS)}.`, product: pick(['Connect', 'ScanPro', 'RouteWise']), category: 'How-to', state: 'published' as const, created_at: iso(now), updated_at: iso(now), published_at: iso(now) }),
    (t, rows) => t.insertInto('articles').values(rows).execute(),
    progress,
  );
  await db.updateTable('number_sequences').set({ next_value: articleSeq + sizes.articles }).where('name', '=', 'article').execute();

  // Fresh planner statistics, as autovacuum / a periodic optimize would gather on a live system.
  if (db.getExecutor().adapter.constructor.name === 'PostgresAdapter') await sql`vacuum analyze`.execute(db); // GIN pending lists merged, visibility maps set
  else await sql`pragma optimize`.execute(db);
  return { agentEmails: agentIds.map((_, i) => `agent${i}@bench.test`), agentIds, queueIds, accountIds, firstCase, firstNumber, base, token: randomBytes(4).toString('hex') };
}
