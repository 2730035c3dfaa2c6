/**
 * Helpers for the benches: child processes that are always cleaned up (by pid,
 * also on Ctrl-C), temp dirs, JSON over HTTP, /proc readings and a load runner
 * around autocannon's programmatic API. Nothing here imports vitest.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import type { AutocannonClient } from 'autocannon';

// ---------- progress on stderr ----------

const tty = process.stderr.isTTY === true;
let statusShown = false;

/** A progress line on stderr; on a terminal it is rewritten in place. */
export function status(text: string): void {
  if (tty) {
    process.stderr.write(`\r\x1b[2K${text}`);
    statusShown = true;
  } else {
    process.stderr.write(`${text}\n`);
  }
}

export function note(text: string): void {
  if (tty && statusShown) process.stderr.write('\r\x1b[2K');
  statusShown = false;
  process.stderr.write(`${text}\n`);
}

// ---------- cleanup ----------

type Cleanup = () => Promise<void> | void;
const cleanups: { name: string; fn: Cleanup }[] = [];
let cleaningUp: Promise<void> | null = null;

/** Registers a cleanup step; the returned function runs it now (once) and unregisters it. */
export function onCleanup(name: string, fn: Cleanup): () => Promise<void> {
  const entry = { name, fn };
  cleanups.push(entry);
  return async () => {
    const i = cleanups.indexOf(entry);
    if (i < 0) return;
    cleanups.splice(i, 1);
    await entry.fn();
  };
}

/** Runs every registered cleanup, newest first. */
export function cleanupAll(): Promise<void> {
  cleaningUp ??= (async () => {
    while (cleanups.length > 0) {
      const entry = cleanups.pop()!;
      try {
        await entry.fn();
      } catch (err) {
        process.stderr.write(`cleanup of ${entry.name} failed: ${(err as Error).message}\n`);
      }
    }
  })();
  return cleaningUp;
}

let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    note(`\n${signal}: stopping the children and removing temp dirs...`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

export function tempDirCleanup(dir: string): () => Promise<void> {
  return onCleanup(`temp dir ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
}

// ---------- child processes ----------

export interface Child {
  name: string;
  pid: number;
  proc: ChildProcess;
  /** The last lines the child wrote (stdout and stderr), for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnChild(name: string, command: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string }): Child {
  const proc = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`could not start ${name} (${command} ${args.join(' ')})`);
  const pid = proc.pid;
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
    if (lines.length > 60) lines.splice(0, lines.length - 60);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let exited = proc.exitCode !== null || proc.signalCode !== null;
  const exitPromise = new Promise<void>((resolve) => {
    if (exited) return resolve();
    proc.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const stopNow = async (graceMs = 5000) => {
    if (exited) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        if (!exited) process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, graceMs);
    await exitPromise;
    clearTimeout(timer);
  };
  const unregister = onCleanup(`${name} (pid ${pid})`, () => stopNow());
  return {
    name,
    pid,
    proc,
    output: () => lines.join('\n'),
    stop: async (graceMs?: number) => {
      await stopNow(graceMs);
      await unregister();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Polls `url` until it answers (any status) or the child dies or `timeoutMs` passes. */
export async function waitForHttp(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`${child.name} exited (${child.proc.exitCode ?? child.proc.signalCode}) before serving:\n${child.output()}`);
    }
    try {
      const res = await fetch(url, { redirect: 'manual' });
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms:\n${child.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// ---------- HTTP JSON ----------

export async function callJson(
  base: string,
  method: string,
  path: string,
  opts: { key?: string; body?: unknown; expect?: number[] } = {},
): Promise<any> {
  const headers: Record<string, string> = {};
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(base + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new Error(`${method} ${path} failed: ${(err as Error).message}${cause instanceof Error ? ` (${cause.message})` : ''}`);
  }
  const text = await res.text();
  const expected = opts.expect ?? [200, 201];
  if (!expected.includes(res.status)) throw new Error(`${method} ${path} answered ${res.status} (expected ${expected.join('/')}): ${text}`);
  return text ? JSON.parse(text) : undefined;
}

// ---------- /proc ----------

/** Resident set size of a process in MiB, from /proc/<pid>/status (VmRSS). */
export function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const CLK_TCK = 100;

/** CPU time (user + system) a process has used, in seconds. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command: state(0) ppid(1) ... utime(11) stime(12).
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** The pid of a process and all its children (one level; enough for a postmaster and its backends). */
export function withChildren(pid: number): number[] {
  const out = [pid];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    if (parentOf(Number(name)) === pid) out.push(Number(name));
  }
  return out;
}

/** The postmaster listening on `port` (argv holds `-p PORT`), or null. */
export function findPostmaster(port: number): number | null {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      const p = argv.indexOf('-p');
      if (argv[0]?.endsWith('postgres') && p >= 0 && argv[p + 1] === String(port)) return Number(name);
    } catch {
      /* gone */
    }
  }
  return null;
}

/** CPU seconds used so far by a group of processes, re-listed on each call (backends come and go). */
export function groupCpu(list: () => number[]): () => number {
  return () => list().reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

// ---------- load ----------

export interface LoadResult {
  /** Responses received before the deadline, per second of the run. */
  rps: number;
  p50: number;
  p99: number;
  responses: number;
  /** Responses of every status, including those that arrived while the connections drained. */
  byStatus: Map<number, number>;
  sent: number;
  errors: number;
  timeouts: number;
  seconds: number;
  /** CPU seconds used during the run, per process group named by the caller. */
  cpu: Record<string, number>;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Drives `url` with autocannon for `seconds`, then drains: each connection
 * sends no new request and closes once its response in flight has arrived, so
 * no request is abandoned half-way (the server's count and ours can be compared
 * exactly). Latencies are kept at full precision (autocannon's histogram rounds to 1 ms).
 */
export async function runLoad(opts: {
  label: string;
  url: string;
  seconds: number;
  connections: number;
  headers: Record<string, string>;
  cpu?: Record<string, () => number>;
}): Promise<LoadResult> {
  const clients: AutocannonClient[] = [];
  let sent = 0;
  let counted = 0;
  let latencies = new Float64Array(1 << 16);
  let draining = false;
  const byStatus = new Map<number, number>();
  const cpuBefore = Object.fromEntries(Object.entries(opts.cpu ?? {}).map(([k, f]) => [k, f()]));
  const started = performance.now();

  const instance = autocannon({
    url: opts.url,
    connections: opts.connections,
    // Far past the deadline: the run ends by draining, below.
    duration: opts.seconds + 120,
    timeout: 30,
    headers: opts.headers,
    setupClient: (client) => {
      clients.push(client);
      client.on('request', () => sent++);
    },
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    byStatus.set(statusCode, (byStatus.get(statusCode) ?? 0) + 1);
    if (draining) return;
    if (counted === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[counted++] = responseTime;
  });

  const ticker = setInterval(() => {
    const elapsed = (performance.now() - started) / 1000;
    const left = Math.max(0, Math.ceil(opts.seconds - elapsed));
    status(`${opts.label}: ${left} s left, ${Math.round(counted / Math.max(elapsed, 0.001))} req/s so far`);
  }, 1000);

  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  const seconds = (performance.now() - started) / 1000;
  const cpu = Object.fromEntries(Object.entries(opts.cpu ?? {}).map(([k, f]) => [k, f() - (cpuBefore[k] ?? 0)]));
  draining = true;
  clearInterval(ticker);
  status(`${opts.label}: draining the connections...`);
  for (const c of clients) {
    if (c.destroyed) continue;
    // The client closes when it would send its next request, i.e. after the response now in flight.
    c.responseMax = Math.max(1, c.reqsMade);
  }
  const result = await instance;
  const sorted = latencies.slice(0, counted).sort();
  return {
    rps: counted / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    responses: [...byStatus.values()].reduce((a, b) => a + b, 0),
    byStatus,
    sent,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    cpu,
  };
}

// ---------- table ----------

export function table(header: string[], rows: string[][], alignRight: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (alignRight[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
