/**
 * Campaign matching bench (issue 4, "Speed"): ingests BENCH_ACTIVITIES
 * `opportunity_created` activities through `ingestActivities` (batches of
 * BENCH_BATCH) with 1 active campaign, and again with 1,000 active campaigns of
 * which only 1 triggers on `opportunity_created`. Matching goes through the
 * in-memory index by trigger type, so the 999 others should cost (almost)
 * nothing. Aim: 1,000 campaigns cost no more than 10%.
 *
 *   npm run bench:campaigns
 *   BENCH_ACTIVITIES=20000 BENCH_STORES=sqlite npm run bench:campaigns
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/campaign-matching.bench.ts
 *
 * Other knobs: BENCH_REPEATS (2: each case runs that many times in the order
 * A B B A ..., so a drift over the process's life cancels out in the mean;
 * the mean and the best run are reported), BENCH_PEOPLE (10000: emails cycle
 * over that many people), BENCH_CAMPAIGNS (1000), BENCH_BATCH (1000),
 * BENCH_WARMUP_ACTIVITIES (an unmeasured run per store first; 10% of the count, at most 10000),
 * BENCH_STORES (sqlite,postgres), BENCH_CASES (baseline,loaded; one alone for profiling).
 *
 * Everything runs in this process (openContext, the app use cases), each run on
 * a fresh database so table sizes match. Runs are created in the ingest
 * transaction; the CampaignRunner is not started. Figures go to stdout,
 * progress to stderr. This never fails on the target.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openContext } from '../src/app/bootstrap.js';
import type { AppContext } from '../src/app/context.js';
import { createCampaign, setCampaignStatus } from '../src/app/campaigns/campaigns.js';
import type { CampaignInput } from '../src/app/campaigns/campaigns.js';
import { ingestActivities } from '../src/app/campaigns/ingest.js';
import type { ActivityInput } from '../src/app/campaigns/ingest.js';
import { createList } from '../src/app/campaigns/lists.js';
import { approveEmail, createEmail } from '../src/app/emails.js';
import { approveOffer, createOffer, patchOfferDraft } from '../src/app/offers.js';
import { loadConfig } from '../src/config.js';
import type { Step, Trigger } from '../src/domain/campaigns/campaign.js';
import { TRIGGER_TYPES } from '../src/domain/campaigns/catalog.js';
import type { TriggerType } from '../src/domain/campaigns/catalog.js';
import { createTestDatabase, startPostgres } from '../test/support/postgres.js';
import { cleanupAll, findPostmaster, groupCpu, note, onCleanup, status, table, tempDirCleanup, withChildren } from './lib.js';

function positiveInt(name: string, fallback: number): number {
  const text = process.env[name];
  const value = text === undefined || text === '' ? fallback : Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got "${String(text)}"`);
  return value;
}

const ACTIVITIES = positiveInt('BENCH_ACTIVITIES', 100_000);
const BATCH = positiveInt('BENCH_BATCH', 1000);
const PEOPLE = positiveInt('BENCH_PEOPLE', 10_000);
const CAMPAIGNS = positiveInt('BENCH_CAMPAIGNS', 1000);
const REPEATS = positiveInt('BENCH_REPEATS', 2);
/** A short unmeasured ingest per store first, so the first measured run does not pay for the JIT warming up; 0 skips it. */
const WARMUP = Number(process.env.BENCH_WARMUP_ACTIVITIES ?? String(Math.min(10_000, Math.ceil(ACTIVITIES / 10))));
if (!Number.isInteger(WARMUP) || WARMUP < 0) throw new Error(`BENCH_WARMUP_ACTIVITIES must be a whole number, got "${String(process.env.BENCH_WARMUP_ACTIVITIES)}"`);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean);
/** For profiling one case alone: BENCH_CASES=loaded. */
const CASES = (process.env.BENCH_CASES ?? 'baseline,loaded').split(',').map((s) => s.trim()).filter(Boolean);
const TARGET_COST = 0.1;
const MATCHING_TYPE = 'opportunity_created';

for (const s of STORES) if (s !== 'sqlite' && s !== 'postgres') throw new Error(`BENCH_STORES: unknown store "${s}" (use sqlite, postgres)`);
for (const c of CASES) if (c !== 'baseline' && c !== 'loaded') throw new Error(`BENCH_CASES: unknown case "${c}" (use baseline, loaded)`);
if (BATCH > 1000) throw new Error('BENCH_BATCH must be at most 1000 (the API takes batches of up to 1,000)');

type Case = 'baseline' | 'loaded';
type StoreName = 'sqlite' | 'postgres';

interface RunResult {
  store: StoreName;
  case: Case;
  round: number;
  activeCampaigns: number;
  seconds: number;
  perSecond: number;
  /** CPU time of this process (the app and, on SQLite, the database engine) per activity, in µs. */
  appCpuUs: number;
  /** Wall time spent in CampaignIndex.matching per activity, in µs (the part the index is responsible for). */
  matchingUs: number;
  /** CPU time of the PostgreSQL server (postmaster and backends) per activity, in µs; null on SQLite. */
  dbCpuUs: number | null;
  runsCreated: number;
  runsOnMatching: number;
  activities: number;
}

interface Fixtures {
  listId: string;
  emailId: string;
  offerId: string;
}

/** An approved email, an approved smart_list_trigger offer and a static list, through the app use cases. */
async function createFixtures(ctx: AppContext): Promise<Fixtures> {
  const email = async (name: string, html: string) => {
    const created = await createEmail(ctx, { name, subject: 'Hello {{lead.First Name}}', html });
    await approveEmail(ctx, created.id);
    return created.id;
  };
  const signup = await email('bench signup', '<p>Thanks! Share {{social.Share Url}}</p>');
  const fulfillment = await email('bench fulfillment', '<p>Well done {{lead.First Name}}</p>');
  const offer = await createOffer(ctx, { name: 'Bench offer' });
  await patchOfferDraft(ctx, offer.id, {
    goal: { type: 'smart_list_trigger', count: 1 },
    emails: { signup, fulfillment },
    rulesUrl: 'https://shop.example/rules',
    shareTarget: { type: 'external_url', url: 'https://shop.example/landing' },
  });
  const approved = await approveOffer(ctx, offer.id);
  if (approved.status !== 'approved') throw new Error(`offer ${offer.id} is ${approved.status} after approval`);
  const list = await createList(ctx, 'bench list');
  return { listId: list.id, emailId: signup, offerId: offer.id };
}

/** A trigger of `type` that does not fire for the bench's activities, with the constraints that type offers. */
function otherTrigger(type: TriggerType, i: number, f: Fixtures): Trigger {
  switch (type) {
    case 'custom':
      return { type, constraints: [{ field: 'name', operator: 'is', value: `event_${i}` }] };
    case 'signs_up':
    case 'shares':
    case 'clicks_shared_link':
      return { type, constraints: [{ field: 'offer', operator: 'is', value: f.offerId }, { field: 'channel', operator: 'is', value: i % 2 ? 'email' : 'facebook' }] };
    case 'visits_offer_page':
    case 'achieves_goal':
    case 'refers':
      return { type, constraints: [{ field: 'offer', operator: 'is', value: f.offerId }] };
    default:
      return { type, constraints: i % 3 === 0 ? [{ field: 'attributes.amount', operator: 'greater_than', value: i }] : [] };
  }
}

/** Cheap flows, varied so the campaigns look like real ones (none runs here: the runner is off). */
function flowFor(i: number, f: Fixtures): Step[] {
  switch (i % 4) {
    case 0:
      return [{ type: 'add_to_list', listId: f.listId }];
    case 1:
      return [{ type: 'send_email', emailId: f.emailId }];
    case 2:
      return [{ type: 'give_credit_to_referrer', offerId: f.offerId }];
    default:
      return [{ type: 'wait', minutes: 60 }, { type: 'add_to_list', listId: f.listId }];
  }
}

async function addActiveCampaign(ctx: AppContext, input: CampaignInput): Promise<string> {
  const created = await createCampaign(ctx, input);
  await setCampaignStatus(ctx, created.id, 'active');
  return created.id;
}

/** 1 campaign on opportunity_created, plus `others` spread over every other trigger type. Returns the matching one's id. */
async function createCampaigns(ctx: AppContext, f: Fixtures, others: number, label: string): Promise<string> {
  const matching = await addActiveCampaign(ctx, {
    name: 'bench: opportunity created',
    triggers: [{ type: MATCHING_TYPE, constraints: [] }],
    filters: [],
    flow: [{ type: 'add_to_list', listId: f.listId }],
    qualification: { rule: 'every_time' },
  });
  const otherTypes = TRIGGER_TYPES.filter((t) => t !== MATCHING_TYPE);
  for (let i = 0; i < others; i++) {
    const type = otherTypes[i % otherTypes.length]!;
    await addActiveCampaign(ctx, {
      name: `bench: other ${i} (${type})`,
      triggers: [otherTrigger(type, i, f)],
      filters: i % 5 === 0 ? [{ type: 'person_field', field: 'company', operator: 'is_not', value: 'Acme' }] : [],
      flow: flowFor(i, f),
      qualification: i % 2 ? { rule: 'once' } : { rule: 'at_most_every', hours: 24 },
    });
    if ((i + 1) % 100 === 0) status(`${label}: ${i + 2} campaigns created`);
  }
  return matching;
}

function batchOf(start: number, size: number): ActivityInput[] {
  const out: ActivityInput[] = [];
  for (let n = start; n < start + size; n++) {
    out.push({
      type: MATCHING_TYPE,
      person: { email: `person${n % PEOPLE}@bench.example` },
      attributes: { amount: (n % 500) + 1, source: 'crm' },
    });
  }
  return out;
}

async function count(ctx: AppContext, campaignId?: string): Promise<number> {
  const q = campaignId
    ? sql<{ n: number | string }>`select count(*) as n from campaign_runs where campaign_id = ${campaignId}`
    : sql<{ n: number | string }>`select count(*) as n from campaign_runs`;
  return Number((await q.execute(ctx.store.db)).rows[0]?.n ?? NaN);
}

async function countActivities(ctx: AppContext): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from activities where type = ${MATCHING_TYPE}`.execute(ctx.store.db);
  return Number(r.rows[0]?.n ?? NaN);
}

/** One run on a fresh database: set up, then time the whole ingest. */
const processCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function runOnce(
  store: StoreName,
  databaseUrl: string,
  which: Case,
  round: number,
  dbCpu: (() => number) | null,
  activities = ACTIVITIES,
): Promise<RunResult> {
  const label = round < 0 ? `${store} warm-up` : `${store} ${which} #${round + 1}`;
  const N = activities;
  const config = loadConfig({ ...process.env, GOALPOST_DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', GOALPOST_SMTP_URL: '' });
  const ctx = await openContext(config);
  const closeStore = onCleanup(`${label} store`, () => ctx.store.close());
  try {
    status(`${label}: creating the email, offer, list and campaigns...`);
    const fixtures = await createFixtures(ctx);
    const others = which === 'baseline' ? 0 : CAMPAIGNS - 1;
    const matchingId = await createCampaigns(ctx, fixtures, others, label);

    // Times the index lookup itself (in this bench only: the instance's method is wrapped, the source is untouched).
    const index = ctx.campaigns;
    const matching = index.matching.bind(index);
    let matchingMs = 0;
    index.matching = async (db, activity, now) => {
      const t = performance.now();
      try {
        return await matching(db, activity, now);
      } finally {
        matchingMs += performance.now() - t;
      }
    };

    const batches = Math.ceil(N / BATCH);
    const load1 = loadavg()[0]!;
    const cpuBefore = processCpu();
    const dbBefore = dbCpu ? dbCpu() : 0;
    const started = performance.now();
    let lastShown = started;
    for (let b = 0; b < batches; b++) {
      const start = b * BATCH;
      await ingestActivities(ctx, batchOf(start, Math.min(BATCH, N - start)));
      const now = performance.now();
      if (now - lastShown > 1000 || b === batches - 1) {
        lastShown = now;
        const done = Math.min(N, (b + 1) * BATCH);
        status(`${label}: ingest, ${b + 1}/${batches} batches, ${Math.round(done / ((now - started) / 1000))} activities/s so far`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const appCpuUs = ((processCpu() - cpuBefore) / N) * 1e6;
    const dbCpuUs = dbCpu ? ((dbCpu() - dbBefore) / N) * 1e6 : null;
    const matchingUs = (matchingMs / N) * 1000;

    const runsCreated = await count(ctx);
    const runsOnMatching = await count(ctx, matchingId);
    const stored = await countActivities(ctx);
    note(
      `${label}: ${N} activities in ${seconds.toFixed(2)} s = ${fmt(N / seconds)}/s, ` +
        `CPU/activity ${fmt(appCpuUs, 1)} µs here${dbCpuUs === null ? '' : ` + ${fmt(dbCpuUs, 1)} µs PostgreSQL`}, ` +
        `matching ${fmt(matchingUs, 2)} µs/activity, ` +
        `${runsCreated} runs created (${1 + others} active campaigns; load average ${load1.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)})`,
    );
    return {
      store,
      case: which,
      round,
      activeCampaigns: 1 + others,
      seconds,
      perSecond: N / seconds,
      appCpuUs,
      dbCpuUs,
      matchingUs,
      runsCreated,
      runsOnMatching,
      activities: stored,
    };
  } finally {
    await closeStore();
  }
}

/** Round r runs baseline then loaded when r is even, loaded then baseline when odd. */
function orderOf(round: number): Case[] {
  const order: Case[] = round % 2 === 0 ? ['baseline', 'loaded'] : ['loaded', 'baseline'];
  return order.filter((c) => CASES.includes(c));
}

async function benchSqlite(): Promise<RunResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'goalpost-campaign-bench-'));
  const removeDir = tempDirCleanup(dir);
  const results: RunResult[] = [];
  try {
    let n = 0;
    if (WARMUP > 0) await runOnce('sqlite', `sqlite:${join(dir, 'warm-up.db')}`, 'baseline', -1, null, WARMUP);
    for (let round = 0; round < REPEATS; round++) {
      for (const which of orderOf(round)) {
        results.push(await runOnce('sqlite', `sqlite:${join(dir, `run-${n++}-${which}.db`)}`, which, round, null));
      }
    }
  } finally {
    await removeDir();
  }
  return results;
}

async function benchPostgres(): Promise<RunResult[]> {
  status('postgres: starting PostgreSQL 15 (initdb, pg_ctl)...');
  const server = await startPostgres();
  const stopServer = onCleanup('PostgreSQL', () => server.stop());
  const results: RunResult[] = [];
  try {
    const postmaster = findPostmaster(Number(new URL(server.url).port));
    const dbCpu = postmaster ? groupCpu(() => withChildren(postmaster)) : null;
    if (!dbCpu) note('postgres: postmaster not found (external TEST_DATABASE_URL?): no PostgreSQL CPU figures');
    let n = 0;
    if (WARMUP > 0) await runOnce('postgres', await createTestDatabase(server.url, 'goalpost_campaign_bench_warm_up'), 'baseline', -1, dbCpu, WARMUP);
    for (let round = 0; round < REPEATS; round++) {
      for (const which of orderOf(round)) {
        const url = await createTestDatabase(server.url, `goalpost_campaign_bench_${n++}_${which}`);
        results.push(await runOnce('postgres', url, which, round, dbCpu));
      }
    }
  } finally {
    await stopServer();
  }
  return results;
}

function fmt(v: number, digits = 0): string {
  return Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-';
}

async function main(): Promise<void> {
  const load1 = loadavg()[0]!;
  note(
    `campaign matching bench: ${fmt(ACTIVITIES)} ${MATCHING_TYPE} activities in batches of ${BATCH} over ${fmt(PEOPLE)} people; ` +
      `1 vs ${fmt(CAMPAIGNS)} active campaigns; ${REPEATS} run(s) each, order alternating; stores ${STORES.join(', ')}; ` +
      `${cpus().length} CPUs, load average ${load1.toFixed(2)}`,
  );
  if (load1 > 0.5) note(`note: load average ${load1.toFixed(2)} before the run: other work on this machine will lower the figures`);

  const all: RunResult[] = [];
  if (STORES.includes('sqlite')) all.push(...(await benchSqlite()));
  if (STORES.includes('postgres')) all.push(...(await benchPostgres()));
  note('done.');

  const rows: string[][] = [];
  const cpuRows: string[][] = [];
  const matchRows: string[][] = [];
  const checks: string[] = [];
  const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');
  const verdict = (cost: number) => (Number.isFinite(cost) ? (cost <= TARGET_COST ? 'yes' : 'NO') : '-');
  const totalCpu = (r: RunResult) => r.appCpuUs + (r.dbCpuUs ?? 0);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  for (const store of STORES as StoreName[]) {
    const runs = all.filter((r) => r.store === store);
    const of = (c: Case) => runs.filter((r) => r.case === c);
    // Mean over the alternating runs (A B B A ...), which cancels a drift over the process's life; the best run is shown too.
    const rate = (c: Case) => (of(c).length ? (of(c).length * ACTIVITIES) / of(c).reduce((a, r) => a + r.seconds, 0) : NaN);
    const best = (c: Case) => Math.max(...of(c).map((r) => r.perSecond));
    const baseRate = rate('baseline');
    const loadedRate = rate('loaded');
    const ratio = loadedRate / baseRate;
    const bestCost = 1 - best('loaded') / best('baseline');
    const runsCreated = (c: Case) => (of(c).length ? of(c).map((r) => fmt(r.runsCreated)).join(', ') : '-');
    rows.push([
      store,
      fmt(baseRate),
      fmt(loadedRate),
      Number.isFinite(ratio) ? ratio.toFixed(3) : '-',
      pct(1 - ratio),
      verdict(1 - ratio),
      Number.isFinite(bestCost) ? `${fmt(best('baseline'))} / ${fmt(best('loaded'))} (${pct(bestCost)})` : '-',
      `${runsCreated('baseline')} / ${runsCreated('loaded')}`,
    ]);
    const cpuOf = (c: Case) => mean(of(c).map(totalCpu));
    const appOf = (c: Case) => mean(of(c).map((r) => r.appCpuUs));
    const dbOf = (c: Case) => mean(of(c).map((r) => r.dbCpuUs ?? NaN));
    const cpuText = (c: Case) =>
      !of(c).length ? '-' : store === 'postgres' && Number.isFinite(dbOf(c)) ? `${fmt(cpuOf(c), 1)} (${fmt(appOf(c), 1)} + ${fmt(dbOf(c), 1)})` : fmt(cpuOf(c), 1);
    const cpuCost = cpuOf('loaded') / cpuOf('baseline') - 1;
    cpuRows.push([store, cpuText('baseline'), cpuText('loaded'), pct(cpuCost), verdict(cpuCost)]);
    const matchOf = (c: Case) => mean(of(c).map((r) => r.matchingUs));
    const extra = matchOf('loaded') - matchOf('baseline');
    matchRows.push([
      store,
      fmt(matchOf('baseline'), 2),
      fmt(matchOf('loaded'), 2),
      Number.isFinite(extra) ? `${fmt(extra, 2)} µs` : '-',
      pct(extra / (1e6 / baseRate)),
    ]);
    const each = (c: Case) =>
      of(c).map((r) => `#${r.round + 1} ${fmt(r.perSecond)}/s, ${fmt(totalCpu(r), 1)} µs CPU, ${fmt(r.matchingUs, 2)} µs matching`).join('; ') || '-';
    checks.push(`${store} 1 campaign:  ${each('baseline')}`);
    checks.push(`${store} ${fmt(CAMPAIGNS)} campaigns: ${each('loaded')}`);
    for (const r of runs) {
      if (r.runsCreated !== ACTIVITIES || r.runsOnMatching !== ACTIVITIES || r.activities !== ACTIVITIES) {
        checks.push(
          `${store} ${r.case} #${r.round + 1}: MISMATCH: ${r.activities} activities stored, ${r.runsCreated} runs created, ` +
            `${r.runsOnMatching} on the matching campaign (expected ${ACTIVITIES} each)`,
        );
      }
    }
  }
  const many = `${fmt(CAMPAIGNS)} campaigns`;
  const header = ['store', '1 campaign act/s', `${many} act/s`, 'ratio', 'cost', `<= ${TARGET_COST * 100}%`, 'best runs act/s (cost)', `runs created (1 / ${fmt(CAMPAIGNS)})`];
  const cpuHeader = ['store', '1 campaign CPU µs/act', `${many} CPU µs/act`, 'cost', `<= ${TARGET_COST * 100}%`];
  const matchHeader = ['store', '1 campaign µs/act', `${many} µs/act`, 'extra', 'extra / baseline time per activity'];
  const out = [
    '',
    `ingestActivities: ${fmt(ACTIVITIES)} ${MATCHING_TYPE} activities, batches of ${BATCH}, ${fmt(PEOPLE)} people cycling; ` +
      `${REPEATS} run(s) per case in alternating order, each on a fresh database`,
    `loaded case: ${fmt(CAMPAIGNS)} active campaigns, 1 on ${MATCHING_TYPE}, ${fmt(CAMPAIGNS - 1)} spread over the other trigger types`,
    '',
    'Throughput (wall clock; mean over the runs, and the best run of each case):',
    table(header, rows, [false, true, true, true, true, false, true, true]),
    '',
    'CPU per activity (mean; on PostgreSQL: total = this process + the server):',
    table(cpuHeader, cpuRows, [false, true, true, true, false]),
    '',
    'Time inside CampaignIndex.matching (mean; wall time of the awaited call, including the index reload checks):',
    table(matchHeader, matchRows, [false, true, true, true, true]),
    '',
    'Every run:',
    ...checks,
    '',
    'ratio = loaded / baseline activities/s; cost = 1 - ratio, or for CPU loaded / baseline - 1 (target: no more than 10%).',
    'Runs created should equal the activity count. CPU per activity resists other load on the machine better than activities/s;',
    `the time inside matching is what the ${fmt(CAMPAIGNS - 1)} extra campaigns cost directly; the rest of a difference is the machine's noise.`,
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
