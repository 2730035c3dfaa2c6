/**
 * The real server as a child process: `node --import tsx src/cli.ts serve`,
 * bound to 127.0.0.1 on a free port, against a database URL the test gives.
 * Every child is tracked and stopped by its own pid (never by name); suites
 * call `stopAllServers()` in afterAll, and a process exit hook kills whatever
 * a crashed suite left behind.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ADMIN_KEY } from './app.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = ['--import', 'tsx', 'src/cli.ts', 'serve'];
const OUTPUT_TAIL_CHARS = 64 * 1024;

/** A free TCP port on 127.0.0.1 (the child binds it a moment later; a lost race is retried by startServer). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not determine a free TCP port'))));
    });
  });
}

export interface ServerOptions {
  databaseUrl: string;
  /** GOALPOST_BOOTSTRAP_API_KEY; the shared test administrator key by default. */
  apiKey?: string;
  /** GOALPOST_PUBLIC_URL; http://127.0.0.1:PORT by default. */
  publicUrl?: string;
  /** More environment (e.g. GOALPOST_SMTP_URL). */
  env?: Record<string, string>;
  /** How long to wait for /healthz. */
  startTimeoutMs?: number;
}

export interface ServerProcess {
  pid: number;
  port: number;
  /** http://127.0.0.1:PORT */
  base: string;
  apiKey: string;
  child: ChildProcess;
  /** The last 64 KiB of stdout and stderr, for failure messages. */
  output(): string;
  /** True once the process is gone. */
  exited(): boolean;
  /** SIGTERM (graceful), then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** Sends SIGKILL to the pid and resolves when the process is gone. */
  kill(): Promise<void>;
  /** fetch against this server, with the administrator key unless `opts.key` says otherwise (null: none). */
  api: Api;
}

export interface ApiResult {
  status: number;
  json: any;
  text: string;
}

/** One HTTP call: a string body goes as text/plain, anything else as JSON. */
export type Api = (method: string, path: string, body?: unknown, opts?: { key?: string | null; headers?: Record<string, string> }) => Promise<ApiResult>;

const children = new Set<ChildProcess>();

function isGone(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess): Promise<void> {
  if (isGone(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  if (isGone(child) || !child.pid) return;
  try {
    process.kill(child.pid, sig);
  } catch {
    // already gone
  }
}

// A suite that dies without its afterAll must not leave servers behind.
process.once('exit', () => {
  for (const child of children) signal(child, 'SIGKILL');
});

/** The environment of the test run without any Goalpost setting, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(GOALPOST_|HOST$|PORT$|LOG_LEVEL$)/.test(k)) env[k] = v;
  }
  // Load tests send everything from 127.0.0.1: the per-IP limit of the public endpoints is off unless a test sets it.
  return { ...env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', GOALPOST_PUBLIC_RATE_LIMIT: '0', ...extra };
}

async function startOnce(options: ServerOptions): Promise<ServerProcess | 'port_taken'> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const apiKey = options.apiKey ?? ADMIN_KEY;
  const child = spawn(process.execPath, CLI, {
    cwd: ROOT,
    env: childEnv({
      HOST: '127.0.0.1',
      PORT: String(port),
      GOALPOST_DATABASE_URL: options.databaseUrl,
      GOALPOST_BOOTSTRAP_API_KEY: apiKey,
      GOALPOST_PUBLIC_URL: options.publicUrl ?? base,
      ...options.env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  const collect = (d: string) => {
    out += d;
    if (out.length > 2 * OUTPUT_TAIL_CHARS) out = out.slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout!.setEncoding('utf8').on('data', collect);
  child.stderr!.setEncoding('utf8').on('data', collect);
  const output = () => out.slice(-OUTPUT_TAIL_CHARS);

  const server: ServerProcess = {
    pid: child.pid!,
    port,
    base,
    apiKey,
    child,
    output,
    exited: () => isGone(child),
    async stop(graceMs = 5_000) {
      signal(child, 'SIGTERM');
      const timer = setTimeout(() => signal(child, 'SIGKILL'), graceMs);
      await waitExit(child);
      clearTimeout(timer);
    },
    async kill() {
      signal(child, 'SIGKILL');
      await waitExit(child);
    },
    async api(method, path, body, opts = {}) {
      const isText = typeof body === 'string';
      const key = opts.key === undefined ? apiKey : opts.key;
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(key === null ? {} : { authorization: `Bearer ${key}` }),
          ...(body === undefined ? {} : { 'content-type': isText ? 'text/plain' : 'application/json' }),
          ...opts.headers,
        },
        ...(body === undefined ? {} : { body: isText ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, json, text };
    },
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  for (;;) {
    if (isGone(child)) {
      if (/EADDRINUSE/.test(out)) return 'port_taken';
      throw new Error(`goalpost serve exited with ${child.exitCode ?? child.signalCode} before answering /healthz\n${output()}`);
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.kill();
      throw new Error(`goalpost serve did not answer ${base}/healthz in time\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `goalpost serve` and resolves once /healthz answers 200. */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const started = await startOnce(options);
    if (started !== 'port_taken') return started;
  }
  throw new Error('goalpost serve could not bind a free port in 3 attempts');
}

/** Stops every server this module started (graceful, then SIGKILL), each by its pid. */
export async function stopAllServers(): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      signal(child, 'SIGTERM');
      const timer = setTimeout(() => signal(child, 'SIGKILL'), 5_000);
      await waitExit(child);
      clearTimeout(timer);
    }),
  );
}

// ----- building an approved offer over the admin API (works in-process or against a child server) -----

export interface EmailSpec {
  subject: string;
  html: string;
  text?: string;
}

export interface OfferSpec {
  name?: string;
  goal: { type: 'referred_visits' | 'referred_signups' | 'smart_list_trigger' | 'custom_js_event'; count: number };
  signupEmail: EmailSpec;
  fulfillmentEmail: EmailSpec;
  /** Uploaded after approval; turns promo codes on. */
  promoCodes?: string[];
  /** More draft settings, merged by PATCH. */
  settings?: Record<string, unknown>;
}

export interface BuiltOffer {
  offerId: string;
  signupEmailId: string;
  fulfillmentEmailId: string;
}

function expectStatus(res: ApiResult, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status}: ${res.text}`);
}

async function createApprovedEmail(api: Api, name: string, spec: EmailSpec): Promise<string> {
  const created = await api('POST', '/api/v1/emails', { name, ...spec });
  expectStatus(created, 201, `create email ${name}`);
  const id = created.json.id as string;
  expectStatus(await api('POST', `/api/v1/emails/${id}/approve`), 200, `approve email ${name}`);
  return id;
}

/** Emails, offer, draft settings, approval and (optionally) a promo code pool. */
export async function createApprovedOffer(api: Api, spec: OfferSpec): Promise<BuiltOffer> {
  const signupEmailId = await createApprovedEmail(api, 'sign-up', spec.signupEmail);
  const fulfillmentEmailId = await createApprovedEmail(api, 'fulfilment', spec.fulfillmentEmail);
  const offer = await api('POST', '/api/v1/offers', { name: spec.name ?? 'Refer your friends' });
  expectStatus(offer, 201, 'create offer');
  const offerId = offer.json.id as string;
  const patched = await api('PATCH', `/api/v1/offers/${offerId}/draft`, {
    goal: spec.goal,
    emails: { signup: signupEmailId, fulfillment: fulfillmentEmailId },
    promoCodes: { enabled: spec.promoCodes !== undefined },
    rulesUrl: 'https://example.com/rules',
    ...spec.settings,
  });
  expectStatus(patched, 200, 'patch offer draft');
  expectStatus(await api('POST', `/api/v1/offers/${offerId}/approve`), 200, 'approve offer');
  if (spec.promoCodes) {
    const upload = await api('POST', `/api/v1/offers/${offerId}/promo-codes`, spec.promoCodes.join('\n'));
    expectStatus(upload, 200, 'upload promo codes');
    if (upload.json.accepted !== spec.promoCodes.length) throw new Error(`promo upload accepted ${upload.json.accepted} of ${spec.promoCodes.length}: ${upload.text}`);
  }
  return { offerId, signupEmailId, fulfillmentEmailId };
}

/** A desktop browser: the redirect counts clicks only for user agents that are not bots. */
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/** The gp_click id of a redirect's Location, or null. */
export function clickIdOf(location: string | null | undefined): string | null {
  if (!location) return null;
  return new URL(location).searchParams.get('gp_click');
}
