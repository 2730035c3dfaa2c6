/**
 * The real CLI as a child process (`node --import tsx src/cli.ts ...`), against
 * a fresh SQLite file per test and, for `serve` and `migrate`, a fresh
 * PostgreSQL database on the run's server.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshStoreUrl } from './support/stores.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = ['--import', 'tsx', 'src/cli.ts'];
const KEY_LINE = /^ {4}(gp_\S+)$/gm;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of the test run without any Goalpost setting, plus `extra`. */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(GOALPOST_|HOST$|PORT$|LOG_LEVEL$)/.test(k)) env[k] = v;
  }
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

function runCli(args: string[], extra: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, ...args], { cwd: ROOT, env: cliEnv(extra), timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function freePort(): Promise<number> {
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

const children = new Set<ChildProcess>();

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Stops one child by its pid: SIGTERM, then SIGKILL after 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid) {
    process.kill(child.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    }, 5_000);
    await exited(child);
    clearTimeout(timer);
  }
  children.delete(child);
}

async function stopAll(): Promise<void> {
  await Promise.all([...children].map(stopChild));
}

interface Server {
  child: ChildProcess;
  base: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `serve` on a free port and waits until /healthz answers (or the process dies). */
async function startServe(extra: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [...CLI, 'serve'], {
    cwd: ROOT,
    env: cliEnv({ HOST: '127.0.0.1', PORT: String(port), ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`serve exited with ${child.exitCode ?? child.signalCode}\nstdout:\n${out}\nstderr:\n${err}`);
    }
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`serve did not answer on ${base} in 30 s\nstdout:\n${out}\nstderr:\n${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, base, output: () => out, stop: () => stopChild(child) };
}

function printedKeys(stdout: string): string[] {
  return [...stdout.matchAll(KEY_LINE)].map((m) => m[1]!);
}

async function get(base: string, path: string, key: string): Promise<number> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  await res.arrayBuffer();
  return res.status;
}

describe('goalpost CLI', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'goalpost-cli-'));
    env = { GOALPOST_DATABASE_URL: `sqlite:${join(dir, 'x.db')}` };
  });
  afterEach(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(stopAll);

  it('migrate applies the migrations, then says the store is up to date', async () => {
    const first = await runCli(['migrate'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Applied: 0001-foundation/m);
    const second = await runCli(['migrate'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('The store is up to date.');
  });

  it('api-key create prints the key once; list shows it without the secret; revoke marks it REVOKED', async () => {
    const created = await runCli(['api-key', 'create', '--name', 'ci', '--role', 'marketer'], env);
    expect(created.code, created.stderr).toBe(0);
    const id = /Created (key_\S+) \(marketer\)/.exec(created.stdout)?.[1];
    expect(id, created.stdout).toBeTruthy();
    const keys = printedKeys(created.stdout);
    expect(keys).toHaveLength(1);
    const secret = keys[0]!;
    expect(created.stdout.split(secret)).toHaveLength(2); // printed exactly once

    const listed = await runCli(['api-key', 'list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.startsWith(id!));
    expect(line, listed.stdout).toBeDefined();
    expect(line).toContain('marketer');
    expect(line).toContain('  ci  ');
    expect(line).toContain(`${secret.slice(0, 7)}...`);
    expect(line).not.toContain('REVOKED');
    expect(listed.stdout).not.toContain(secret);

    const revoked = await runCli(['api-key', 'revoke', id!], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Revoked ${id}.`);

    const after = await runCli(['api-key', 'list'], env);
    expect(after.stdout.split('\n').find((l) => l.startsWith(id!))).toMatch(/REVOKED \d{4}-\d\d-\d\dT/);

    const again = await runCli(['api-key', 'revoke', id!], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(id!);
  });

  it('api-key create with a bad role fails and names the roles', async () => {
    const res = await runCli(['api-key', 'create', '--name', 'ci', '--role', 'boss'], env);
    expect(res.code).not.toBe(0);
    for (const role of ['administrator', 'marketer', 'analyst']) expect(res.stderr).toContain(role);
    expect(res.stdout).not.toMatch(/gp_/);
    const listed = await runCli(['api-key', 'list'], env);
    expect(listed.stdout).toContain('No API keys yet');
  });

  it('an unknown command exits 2 with the usage', async () => {
    const res = await runCli(['frobnicate'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Unknown command "frobnicate"');
    expect(res.stderr).toContain('Usage: goalpost <command>');
    const sub = await runCli(['api-key', 'frobnicate'], env);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('Usage: goalpost <command>');
  });

  it('serve on a fresh store prints a new key exactly once; it works; a second start prints none', async () => {
    const first = await startServe(env);
    const keys = printedKeys(first.output());
    expect(keys, first.output()).toHaveLength(1);
    const key = keys[0]!;
    expect(first.output().split(key)).toHaveLength(2);
    expect(first.output().match(/shown only this once/g)).toHaveLength(1);

    expect(await get(first.base, '/api/v1/offers', key)).toBe(200);
    expect(await get(first.base, '/api/v1/api-keys', key)).toBe(200); // an administrator key
    expect(await get(first.base, '/api/v1/offers', 'gp_not_a_key_at_all_0123456789')).toBe(401);
    await first.stop();

    const second = await startServe(env);
    expect(printedKeys(second.output())).toEqual([]);
    expect(second.output()).not.toContain('shown only this once');
    expect(second.output()).not.toContain(key);
    expect(await get(second.base, '/api/v1/offers', key)).toBe(200);
  });

  it('serve with GOALPOST_BOOTSTRAP_API_KEY on a fresh store makes that exact string an administrator key', async () => {
    const bootstrap = 'gp_ci_bootstrap_key_0123456789abcdef';
    const server = await startServe({ ...env, GOALPOST_BOOTSTRAP_API_KEY: bootstrap });
    expect(printedKeys(server.output())).toEqual([]);
    expect(server.output()).not.toContain(bootstrap);
    expect(await get(server.base, '/api/v1/offers', bootstrap)).toBe(200);
    expect(await get(server.base, '/api/v1/api-keys', bootstrap)).toBe(200);
    expect(await get(server.base, '/api/v1/offers', `${bootstrap}x`)).toBe(401);

    const listed = await runCli(['api-key', 'list'], env);
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('administrator');
    expect(lines[0]).toContain(bootstrap.slice(0, 7));
  });

  it('serve refuses a GOALPOST_BOOTSTRAP_API_KEY that is too short instead of starting without keys', async () => {
    const port = await freePort();
    const res = await runCli(['serve'], { ...env, HOST: '127.0.0.1', PORT: String(port), GOALPOST_BOOTSTRAP_API_KEY: 'short' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('at least 16 characters');
  });

  describe('against PostgreSQL', () => {
    it('migrate applies once, then says the store is up to date', async () => {
      const { url } = await freshStoreUrl('postgres');
      const pgEnv = { GOALPOST_DATABASE_URL: url };
      const first = await runCli(['migrate'], pgEnv);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^Applied: 0001-foundation/m);
      const second = await runCli(['migrate'], pgEnv);
      expect(second.stdout).toContain('The store is up to date.');
    });

    it('serve prints a key once, the key works, a second start prints none', async () => {
      const { url } = await freshStoreUrl('postgres');
      const pgEnv = { GOALPOST_DATABASE_URL: url };
      const first = await startServe(pgEnv);
      const keys = printedKeys(first.output());
      expect(keys, first.output()).toHaveLength(1);
      const key = keys[0]!;
      expect(await get(first.base, '/api/v1/offers', key)).toBe(200);
      const health = await (await fetch(`${first.base}/healthz`)).json();
      expect(health).toEqual({ ok: true, store: 'postgres' });
      await first.stop();

      const second = await startServe(pgEnv);
      expect(printedKeys(second.output())).toEqual([]);
      expect(await get(second.base, '/api/v1/offers', key)).toBe(200);
    });
  });
});
