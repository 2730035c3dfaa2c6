/**
 * Share-link redirect bench: `GET /r/{code}` (a counted click, written by group
 * commit and answered 302 after the commit) against a bare node:http server
 * that answers the same 302 and does nothing else.
 *
 *   npm run bench                   # BENCH_SECONDS=10 measured, BENCH_WARMUP_SECONDS=3
 *   BENCH_SECONDS=5 BENCH_TARGETS=bare,sqlite npm run bench
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" BENCH_TARGETS=sqlite npm run bench
 *
 * Other knobs: BENCH_CONNECTIONS (50), BENCH_LOG_LEVEL (warn).
 *
 * Goalpost runs as the real CLI (`node --import tsx src/cli.ts serve`) in a child
 * process: the source as it is in the tree, with no build step and nothing
 * written outside bench/ (tsx only transforms modules as they load; the request
 * path runs the same JavaScript a `tsc` build would). BENCH_SERVER=dist runs
 * `node dist/cli.js serve` instead, if you built it yourself.
 *
 * Figures go to stdout, progress to stderr. This never fails on the targets.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { openStore } from '../src/store/store.js';
import { createTestDatabase, startPostgres } from '../test/support/postgres.js';
import {
  callJson,
  cleanupAll,
  cpuSeconds,
  findPostmaster,
  freePort,
  groupCpu,
  note,
  onCleanup,
  rssMiB,
  runLoad,
  spawnChild,
  status,
  table,
  tempDirCleanup,
  waitForHttp,
  withChildren,
} from './lib.js';
import type { Child, LoadResult } from './lib.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? '10');
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? '3');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? '50');
const TARGETS = (process.env.BENCH_TARGETS ?? 'bare,sqlite,postgres').split(',').map((s) => s.trim());
const SERVER = process.env.BENCH_SERVER === 'dist' ? 'dist' : 'tsx';
/** Extra node flags for the Goalpost child, e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const SHARE_TARGET = 'https://shop.example/landing';
const ADMIN_KEY = 'gp_bench_administrator_key_0123456789';
const BROWSER_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const GOALS: Record<string, number> = { sqlite: 0.6, postgres: 0.3 };

for (const [name, value] of [['BENCH_SECONDS', SECONDS], ['BENCH_WARMUP_SECONDS', WARMUP], ['BENCH_CONNECTIONS', CONNECTIONS]] as const) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${String(value)}`);
}

interface Row {
  target: string;
  load: LoadResult;
  rssMiB: number | null;
  serverCpu: number;
  dbCpu: number | null;
  loaderCpu: number;
  check?: string;
}

const loaderCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function bad(load: LoadResult): number {
  let n = load.errors;
  for (const [code, count] of load.byStatus) if (code < 200 || code >= 400) n += count;
  return n;
}

function count302(load: LoadResult): number {
  return load.byStatus.get(302) ?? 0;
}

/** Warm-up then measured run against `url`; the server's CPU is sampled around the measured run. */
async function drive(label: string, url: string, serverPid: number, dbCpu: (() => number) | null): Promise<{ warm: LoadResult; main: LoadResult; cpu: Record<string, number> }> {
  const headers = { 'user-agent': BROWSER_UA, accept: 'text/html' };
  const warm = await runLoad({ label: `${label} warm-up`, url, seconds: WARMUP, connections: CONNECTIONS, headers });
  const cpu: Record<string, () => number> = { server: () => cpuSeconds(serverPid), loader: loaderCpu };
  if (dbCpu) cpu.db = dbCpu;
  const main = await runLoad({ label: `${label} measured`, url, seconds: SECONDS, connections: CONNECTIONS, headers, cpu });
  return { warm, main, cpu: main.cpu };
}

async function benchBare(): Promise<Row> {
  const port = await freePort();
  status('bare: starting node:http child...');
  const child = spawnChild('bare node:http server', process.execPath, ['--import', 'tsx', join(ROOT, 'bench/bare-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), BENCH_TARGET: SHARE_TARGET },
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(child, `${base}/healthz`);
    const { main, cpu } = await drive('bare', `${base}/r/bench`, child.pid, null);
    return { target: 'bare node:http', load: main, rssMiB: rssMiB(child.pid), serverCpu: cpu.server!, dbCpu: null, loaderCpu: cpu.loader! };
  } finally {
    await child.stop();
  }
}

function startGoalpost(label: string, databaseUrl: string, port: number): Child {
  const entry = SERVER === 'dist' ? [join(ROOT, 'dist/cli.js'), 'serve'] : ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'serve'];
  if (SERVER === 'dist' && !existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('BENCH_SERVER=dist but dist/cli.js does not exist: run npm run build');
  return spawnChild(`goalpost on ${label}`, process.execPath, [...NODE_ARGS, ...entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      GOALPOST_DATABASE_URL: databaseUrl,
      GOALPOST_PUBLIC_URL: `http://127.0.0.1:${port}`,
      GOALPOST_BOOTSTRAP_API_KEY: ADMIN_KEY,
      GOALPOST_SMTP_URL: '',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    },
  });
}

/** Over the HTTP API: two approved emails, an approved offer, one participant. Returns the share code. */
async function setUpOffer(base: string): Promise<string> {
  const key = ADMIN_KEY;
  const email = async (name: string, html: string) => {
    const created = await callJson(base, 'POST', '/api/v1/emails', { key, body: { name, subject: 'Hello {{lead.First Name}}', html }, expect: [201] });
    await callJson(base, 'POST', `/api/v1/emails/${created.id}/approve`, { key, expect: [200] });
    return created.id as string;
  };
  const signup = await email('bench signup', '<p>Thanks! Share {{social.Share Url}}</p>');
  const fulfillment = await email('bench fulfillment', '<p>Well done {{lead.First Name}}</p>');
  const offer = await callJson(base, 'POST', '/api/v1/offers', { key, body: { name: 'Bench offer' }, expect: [201] });
  await callJson(base, 'PATCH', `/api/v1/offers/${offer.id}/draft`, {
    key,
    body: {
      goal: { type: 'referred_visits', count: 1_000_000 },
      emails: { signup, fulfillment },
      rulesUrl: 'https://shop.example/rules',
      shareTarget: { type: 'external_url', url: SHARE_TARGET },
    },
    expect: [200],
  });
  const approved = await callJson(base, 'POST', `/api/v1/offers/${offer.id}/approve`, { key, expect: [200] });
  if (approved.status !== 'approved') throw new Error(`offer ${offer.id} is ${approved.status} after approval`);
  const participant = await callJson(base, 'POST', `/v1/public/offers/${offer.id}/signups`, {
    body: { email: 'sharer@bench.example', fields: { firstName: 'Bench' } },
    expect: [201],
  });
  const code = participant.shareCode as string;

  // One click by hand: the redirect must be the 302 we mean to measure.
  const res = await fetch(`${base}/r/${code}`, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
  await res.arrayBuffer();
  const location = res.headers.get('location') ?? '';
  if (res.status !== 302 || !location.startsWith(`${SHARE_TARGET}?gp_click=clk_`)) {
    throw new Error(`GET /r/${code} answered ${res.status} to ${location || '(no location)'}; expected 302 to ${SHARE_TARGET}?gp_click=...`);
  }
  return code;
}

async function countClicks(databaseUrl: string): Promise<{ clicks: number; clickActivities: number; referrals: number }> {
  const store = await openStore(databaseUrl, { poolSize: 1 });
  try {
    const one = async (q: RawBuilder<{ n: number | string }>) => Number((await q.execute(store.db)).rows[0]?.n ?? NaN);
    return {
      clicks: await one(sql<{ n: number | string }>`select count(*) as n from clicks`),
      clickActivities: await one(sql<{ n: number | string }>`select count(*) as n from activities where type = 'clicks_shared_link'`),
      referrals: await one(sql<{ n: number | string }>`select count(*) as n from referrals`),
    };
  } finally {
    await store.close();
  }
}

/** Clicks are committed before the 302, and the load drains, so the count settles at once; poll briefly anyway. */
async function settledCount(databaseUrl: string, expected: number) {
  let last = await countClicks(databaseUrl);
  for (let i = 0; i < 20 && last.clicks !== expected; i++) {
    await new Promise((r) => setTimeout(r, 250));
    last = await countClicks(databaseUrl);
  }
  return last;
}

async function benchGoalpost(label: 'sqlite' | 'postgres', databaseUrl: string, dbCpu: (() => number) | null): Promise<Row> {
  const port = await freePort();
  status(`${label}: starting goalpost (${SERVER === 'dist' ? 'node dist/cli.js' : 'node --import tsx src/cli.ts'} serve)...`);
  const child = startGoalpost(label, databaseUrl, port);
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(child, `${base}/healthz`);
    status(`${label}: setting up emails, offer and a participant over HTTP...`);
    const code = await setUpOffer(base);
    const { warm, main, cpu } = await drive(label, `${base}/r/${code}`, child.pid, dbCpu);
    const rss = rssMiB(child.pid);
    status(`${label}: counting the clicks in the store...`);
    // +1: the click made by hand in setUpOffer.
    const answered = count302(warm) + count302(main) + 1;
    const inStore = await settledCount(databaseUrl, answered);
    const abandoned = warm.sent + main.sent - warm.responses - main.responses;
    const verdict = inStore.clicks === answered ? 'OK' : 'MISMATCH';
    const check =
      `${label}: clicks in store ${inStore.clicks} vs 302s answered ${answered} -> ${verdict}` +
      ` (click activities ${inStore.clickActivities}, referrals ${inStore.referrals}` +
      `${abandoned !== 0 ? `, ${abandoned} requests without an answer` : ''})`;
    return { target: `goalpost ${label}`, load: main, rssMiB: rss, serverCpu: cpu.server!, dbCpu: cpu.db ?? null, loaderCpu: cpu.loader!, check };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- ${child.name} output ---\n${child.output()}`);
  } finally {
    await child.stop(10_000);
  }
}

function fmt(n: number | null, digits = 0): string {
  return n === null || Number.isNaN(n) ? '-' : n.toFixed(digits);
}

async function main(): Promise<void> {
  const load1 = loadavg()[0]!;
  note(
    `redirect bench: ${CONNECTIONS} connections, warm-up ${WARMUP} s, measured ${SECONDS} s, targets ${TARGETS.join(', ')}; ` +
      `server via ${SERVER}; ${cpus().length} CPUs, load average ${load1.toFixed(2)}`,
  );
  if (load1 > 0.5) note(`note: load average ${load1.toFixed(2)} before the run: other work on this machine will lower the figures`);

  const rows: Row[] = [];
  if (TARGETS.includes('bare')) rows.push(await benchBare());

  if (TARGETS.includes('sqlite')) {
    const dir = mkdtempSync(join(tmpdir(), 'goalpost-bench-'));
    const removeDir = tempDirCleanup(dir);
    try {
      rows.push(await benchGoalpost('sqlite', `sqlite:${join(dir, 'goalpost.db')}`, null));
    } finally {
      await removeDir();
    }
  }

  if (TARGETS.includes('postgres')) {
    status('postgres: starting PostgreSQL 15 (initdb, pg_ctl)...');
    const server = await startPostgres();
    const stopServer = onCleanup('PostgreSQL', () => server.stop());
    try {
      const url = await createTestDatabase(server.url, 'goalpost_bench');
      const port = Number(new URL(server.url).port);
      const postmaster = findPostmaster(port);
      const dbCpu = postmaster ? groupCpu(() => withChildren(postmaster)) : null;
      rows.push(await benchGoalpost('postgres', url, dbCpu));
    } finally {
      await stopServer();
    }
  }
  note('done.');

  const bare = rows.find((r) => r.target.startsWith('bare'));
  const header = ['target', 'req/s', 'p50 ms', 'p99 ms', 'RSS MiB', 'non-2xx/3xx', 'ratio', 'target', 'server CPU', 'db CPU', 'loader CPU'];
  const body = rows.map((r) => {
    const key = r.target.replace('goalpost ', '');
    const goal = GOALS[key];
    const pct = (cpu: number | null) => (cpu === null ? '-' : `${Math.round((cpu / r.load.seconds) * 100)}%`);
    return [
      r.target,
      fmt(r.load.rps),
      fmt(r.load.p50, 2),
      fmt(r.load.p99, 2),
      fmt(r.rssMiB, 1),
      String(bad(r.load)),
      bare ? (r === bare ? '1.00' : (r.load.rps / bare.load.rps).toFixed(2)) : '-',
      goal !== undefined ? `>= ${goal.toFixed(2)}` : '',
      pct(r.serverCpu),
      pct(r.dbCpu),
      pct(r.loaderCpu),
    ];
  });
  const out = [
    '',
    `GET /r/{code}, ${CONNECTIONS} connections, ${SECONDS} s measured after ${WARMUP} s warm-up (browser User-Agent, so every request is a counted click)`,
    '',
    table(header, body, [false, true, true, true, true, true, true, false, true, true, true]),
    '',
    ...rows.filter((r) => r.check).map((r) => r.check!),
    '',
    'CPU columns: share of one core used during the measured run by the server child, by PostgreSQL (postmaster and backends),',
    `and by this process (autocannon, the load generator); the machine has ${cpus().length} CPUs.`,
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
