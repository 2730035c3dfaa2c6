/**
 * Offer report bench (issue 6, "Reports"): loads BENCH_ACTIVITIES (1,000,000)
 * activities of one offer, spread over BENCH_DAYS (60) days, then times
 * GET /api/v1/offers/{id}/report (through the HTTP stack, with an API key) and
 * the `offerReport` use case, BENCH_CALLS (50) calls each, for three ranges:
 * the default (last 24 hours, hourly), the last 30 days and all 60 days
 * (daily). Beside each, a baseline measured in the same run: the naive count
 * a report without counters would need at least, `select type, count(*) from
 * activities where offer_id = ? and occurred_at in the range group by type`
 * (it gives no distinct figures, so it understates the naive cost).
 *
 *   npm run bench:report
 *   BENCH_STORES=sqlite BENCH_ACTIVITIES=200000 npm run bench:report
 *
 * Loading goes through the counting path of production: each batch of
 * BENCH_BATCH (2,000) activities is one transaction that stores the clicks
 * and the activities and calls `countActivities`, the function
 * `recordActivities` and the redirect's click writer call. Campaign matching,
 * which `recordActivities` also does, is left out (no campaign is active).
 * The mix: 45% page visits (30% of them through a shared link), 40% clicks,
 * 6% shares (a third by email, 1 to 5 recipients), 4.5% sign-ups (half
 * through a click), 3.5% credits, 1% goals reached.
 *
 * Figures go to stdout, progress to stderr. This never fails on a timing.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../src/app/api-keys.js';
import { openContext } from '../src/app/bootstrap.js';
import type { Clock } from '../src/app/clock.js';
import type { AppContext } from '../src/app/context.js';
import { createOffer } from '../src/app/offers.js';
import { countActivities } from '../src/app/report-stats.js';
import { offerReport } from '../src/app/reports.js';
import { loadConfig } from '../src/config.js';
import type { OfferReport, ReportQuery } from '../src/domain/reports/report.js';
import { createServer } from '../src/http/server.js';
import { insertActivities } from '../src/store/repositories/activity.repository.js';
import type { NewActivity } from '../src/store/repositories/activity.repository.js';
import { insertClicks } from '../src/store/repositories/referral.repository.js';
import type { ClickTable } from '../src/store/schema.js';
import { createTestDatabase, startPostgres } from '../test/support/postgres.js';
import { cleanupAll, note, onCleanup, status, table, tempDirCleanup } from './lib.js';

function positiveInt(name: string, fallback: number): number {
  const text = process.env[name];
  const value = text === undefined || text === '' ? fallback : Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got "${String(text)}"`);
  return value;
}

const ACTIVITIES = positiveInt('BENCH_ACTIVITIES', 1_000_000);
const DAYS = positiveInt('BENCH_DAYS', 60);
const BATCH = positiveInt('BENCH_BATCH', 2000);
const CALLS = positiveInt('BENCH_CALLS', 50);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean);
for (const s of STORES) if (s !== 'sqlite' && s !== 'postgres') throw new Error(`BENCH_STORES: unknown store "${s}" (use sqlite, postgres)`);
// 9 bind parameters an activity: SQLite takes at most 32,766 in one statement.
if (BATCH > 3000) throw new Error('BENCH_BATCH must be at most 3000');

/** The end of the loaded period and the bench's "now". */
const NOW = new Date('2026-11-01T12:30:00.000Z');
const fixedClock: Clock = { now: () => new Date(NOW) };

interface RangeCase {
  name: string;
  query: ReportQuery;
  /** The same range, aligned as the report aligns it, for the baseline. */
  from: string;
  to: string;
}

function cases(): RangeCase[] {
  const hourEnd = new Date(Math.floor(NOW.getTime() / 3600_000) * 3600_000 + 3600_000);
  const dayEnd = new Date(Math.floor(NOW.getTime() / 86_400_000) * 86_400_000 + 86_400_000);
  const daysBefore = (n: number) => new Date(dayEnd.getTime() - n * 86_400_000).toISOString();
  return [
    { name: 'last 24 hours, hourly (default)', query: {}, from: new Date(hourEnd.getTime() - 86_400_000).toISOString(), to: hourEnd.toISOString() },
    { name: 'last 30 days, daily', query: { from: daysBefore(30).slice(0, 10) }, from: daysBefore(30), to: dayEnd.toISOString() },
    { name: `all ${DAYS + 1} days, daily`, query: { from: daysBefore(DAYS + 1).slice(0, 10) }, from: daysBefore(DAYS + 1), to: dayEnd.toISOString() },
  ];
}

/** Deterministic pseudo-random numbers (Park-Miller), so every store gets the same activities. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

/**
 * The activities, in time order, one batch at a time. Participants join over
 * the period; clicks, shares, credits and goals go to participants who have
 * joined; half the sign-ups name a recent click.
 */
function* batches(offerId: string): Generator<{ clicks: ClickTable[]; activities: NewActivity[] }> {
  const rand = random(20261101);
  const start = NOW.getTime() - DAYS * 86_400_000;
  const step = (DAYS * 86_400_000) / ACTIVITIES;
  let participants = 0;
  const recentClicks: string[] = [];
  const pick = () => `par_bench${Math.floor(rand() * Math.max(1, participants))}`;
  for (let done = 0; done < ACTIVITIES; done += BATCH) {
    const clicks: ClickTable[] = [];
    const activities: NewActivity[] = [];
    for (let i = done; i < Math.min(ACTIVITIES, done + BATCH); i++) {
      const at = new Date(start + i * step).toISOString();
      const base = { offerId, personId: null, visitorId: null, participantId: null as string | null, occurredAt: at };
      const r = rand();
      if (r < 0.045 || participants === 0) {
        const clickId = rand() < 0.5 ? (recentClicks[Math.floor(rand() * recentClicks.length)] ?? null) : null;
        activities.push({ ...base, type: 'signs_up', participantId: `par_bench${participants++}`, attributes: { channel: null, page: null, clickId } });
      } else if (r < 0.495) {
        const referred = rand() < 0.3;
        activities.push({ ...base, type: 'visits_offer_page', visitorId: `vis_${i}`, attributes: { page: null, referrerParticipantId: referred ? pick() : null, channel: null } });
      } else if (r < 0.895) {
        const participantId = pick();
        const id = `clk_bench${i}`;
        clicks.push({ id, offer_id: offerId, participant_id: participantId, channel: 'email', browser_id: null, created_at: at });
        recentClicks[i % 1000] = id;
        activities.push({ ...base, type: 'clicks_shared_link', participantId, attributes: { clickId: id, channel: 'email', sharerPersonId: null } });
      } else if (r < 0.955) {
        const email = rand() < 1 / 3;
        activities.push({ ...base, type: 'shares', participantId: pick(), attributes: { channel: email ? 'email' : 'facebook', message: null, recipients: email ? 1 + Math.floor(rand() * 5) : null } });
      } else if (r < 0.99) {
        activities.push({ ...base, type: 'refers', participantId: pick(), attributes: { referredType: 'signup', credit: 1 } });
      } else {
        activities.push({ ...base, type: 'achieves_goal', participantId: pick(), attributes: { credit: 5, goal: 5 } });
      }
    }
    yield { clicks, activities };
  }
}

async function load(ctx: AppContext, offerId: string, label: string): Promise<number> {
  const started = performance.now();
  let lastShown = started;
  let loaded = 0;
  for (const batch of batches(offerId)) {
    await ctx.store.db.transaction().execute(async (trx) => {
      await insertClicks(trx, batch.clicks);
      await insertActivities(trx, batch.activities, batch.activities[batch.activities.length - 1]!.occurredAt);
      await countActivities(trx, batch.activities);
    });
    loaded += batch.activities.length;
    const now = performance.now();
    if (now - lastShown > 1000 || loaded === ACTIVITIES) {
      lastShown = now;
      status(`${label}: loaded ${fmt(loaded)} activities, ${fmt(loaded / ((now - started) / 1000))}/s`);
    }
  }
  return (performance.now() - started) / 1000;
}

interface Timing {
  p50: number;
  p99: number;
}

async function time(fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < 3; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99) };
}

async function naiveCounts(ctx: AppContext, offerId: string, from: string, to: string): Promise<Map<string, number>> {
  const { rows } = await sql<{ type: string; n: number | string }>`
    select type, count(*) as n from activities
    where offer_id = ${offerId} and occurred_at >= ${from} and occurred_at < ${to}
    group by type`.execute(ctx.store.db);
  return new Map(rows.map((r) => [r.type, Number(r.n)]));
}

interface Row {
  store: string;
  range: string;
  http: Timing;
  useCase: Timing;
  baseline: Timing;
  check: string;
}

async function runStore(store: 'sqlite' | 'postgres', databaseUrl: string, sizeOf: () => string): Promise<{ rows: Row[]; loadSeconds: number }> {
  const config = loadConfig({ GOALPOST_DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', GOALPOST_PUBLIC_URL: 'http://bench.test' });
  const ctx = await openContext(config, { clock: fixedClock });
  const closeStore = onCleanup(`${store} store`, () => ctx.store.close());
  let app: FastifyInstance | null = null;
  try {
    const offer = await createOffer(ctx, { name: 'Report bench offer' });
    const loadSeconds = await load(ctx, offer.id, store);
    note(`${store}: ${fmt(ACTIVITIES)} activities loaded in ${loadSeconds.toFixed(1)} s (${fmt(ACTIVITIES / loadSeconds)}/s, counters included); store size ${sizeOf()}`);
    const rowsOf = async (table: 'offer_hourly_stats' | 'offer_daily_stats') =>
      Number((await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(ctx.store.db)).rows[0]!.n);
    note(`${store}: counter rows: ${fmt(await rowsOf('offer_hourly_stats'))} hourly, ${fmt(await rowsOf('offer_daily_stats'))} daily (offer x bucket x metric)`);

    const { secret } = await createApiKey(ctx.store.db, fixedClock, { name: 'bench', role: 'analyst' });
    app = await createServer(ctx);
    await app.ready();
    const rows: Row[] = [];
    for (const c of cases()) {
      status(`${store}: timing "${c.name}"...`);
      const qs = new URLSearchParams(c.query as Record<string, string>).toString();
      const url = `/api/v1/offers/${offer.id}/report${qs ? `?${qs}` : ''}`;
      let last: OfferReport | null = null;
      const http = await time(async () => {
        const res = await app!.inject({ method: 'GET', url, headers: { authorization: `Bearer ${secret}` } });
        if (res.statusCode !== 200) throw new Error(`report answered ${res.statusCode}: ${res.body}`);
        last = JSON.parse(res.body) as OfferReport;
      });
      const useCase = await time(() => offerReport(ctx, offer.id, c.query));
      let counts = new Map<string, number>();
      const baseline = await time(async () => {
        counts = await naiveCounts(ctx, offer.id, c.from, c.to);
      });
      const report = last as OfferReport | null;
      const expected = { visits: counts.get('visits_offer_page') ?? 0, shares: counts.get('shares') ?? 0, clicks: counts.get('clicks_shared_link') ?? 0, fulfilled: counts.get('achieves_goal') ?? 0 };
      const got = report ? { visits: report.funnel.visits, shares: report.funnel.shares, clicks: report.funnel.clicks, fulfilled: report.funnel.fulfilled } : null;
      const sameRange = report?.from === c.from && report?.to === c.to;
      const check = sameRange && JSON.stringify(got) === JSON.stringify(expected) ? 'same' : `DIFFERENT: report ${JSON.stringify(got)} ${report?.from}..${report?.to}, activities ${JSON.stringify(expected)} ${c.from}..${c.to}`;
      note(`${store} ${c.name}: endpoint p50 ${ms(http.p50)} p99 ${ms(http.p99)}; naive count p50 ${ms(baseline.p50)}; ${fmt(report?.series.length ?? 0)} buckets; funnel vs activities: ${check}`);
      rows.push({ store, range: c.name, http, useCase, baseline, check });
    }
    return { rows, loadSeconds };
  } finally {
    await app?.close();
    await closeStore();
  }
}

function fmt(v: number, digits = 0): string {
  return Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-';
}
const ms = (v: number) => `${v.toFixed(2)} ms`;

async function main(): Promise<void> {
  note(
    `report bench: ${fmt(ACTIVITIES)} activities of one offer over ${DAYS} days, batches of ${fmt(BATCH)}; ${CALLS} timed calls per figure; ` +
      `stores ${STORES.join(', ')}; ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}`,
  );
  const rows: Row[] = [];
  const loads: string[] = [];
  if (STORES.includes('sqlite')) {
    const dir = mkdtempSync(join(tmpdir(), 'goalpost-report-bench-'));
    const removeDir = tempDirCleanup(dir);
    try {
      const file = join(dir, 'bench.db');
      const size = () => `${fmt(statSync(file).size / 2 ** 20)} MiB`;
      const result = await runStore('sqlite', `sqlite:${file}`, size);
      rows.push(...result.rows);
      loads.push(`sqlite: loaded in ${result.loadSeconds.toFixed(1)} s`);
    } finally {
      await removeDir();
    }
  }
  if (STORES.includes('postgres')) {
    status('postgres: starting PostgreSQL 15 (initdb, pg_ctl)...');
    const server = await startPostgres();
    const stopServer = onCleanup('PostgreSQL', () => server.stop());
    try {
      const url = await createTestDatabase(server.url, 'goalpost_report_bench');
      const result = await runStore('postgres', url, () => 'n/a');
      rows.push(...result.rows);
      loads.push(`postgres: loaded in ${result.loadSeconds.toFixed(1)} s`);
    } finally {
      await stopServer();
    }
  }
  note('done.');
  const header = ['store', 'range', 'endpoint p50', 'endpoint p99', 'use case p50', 'use case p99', 'naive count p50', 'naive count p99', 'naive / endpoint (p50)', 'funnel check'];
  const out = [
    '',
    `GET /api/v1/offers/{id}/report over one offer with ${fmt(ACTIVITIES)} activities (${DAYS} days); ${CALLS} calls each after 3 warm-up calls`,
    `(endpoint: app.inject with an API key, so auth, validation and JSON included; use case: offerReport alone).`,
    `Baseline: the naive "select type, count(*) from activities ... group by type" over the same range, same run.`,
    '',
    table(
      header,
      rows.map((r) => [r.store, r.range, ms(r.http.p50), ms(r.http.p99), ms(r.useCase.p50), ms(r.useCase.p99), ms(r.baseline.p50), ms(r.baseline.p99), `${(r.baseline.p50 / r.http.p50).toFixed(1)}x`, r.check]),
      [false, false, true, true, true, true, true, true, true, false],
    ),
    '',
    loads.join('; '),
    'Target: well under 100 ms for the report. "funnel check" compares the report\'s visits, shares, clicks and fulfilled with counts of the activities.',
    '',
  ];
  process.stdout.write(out.join('\n'));
}

main()
  .then(() => cleanupAll())
  .catch(async (err: unknown) => {
    note(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanupAll();
    process.exitCode = 1;
  });
