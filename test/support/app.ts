import pino from 'pino';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { createApiKey, ensureBootstrapKey } from '../../src/app/api-keys.js';
import type { Clock } from '../../src/app/clock.js';
import type { AppContext } from '../../src/app/context.js';
import { loadConfig } from '../../src/config.js';
import { createServer } from '../../src/http/server.js';
import { CampaignIndex } from '../../src/app/campaigns/campaign-index.js';
import type { DialectName, Store } from '../../src/store/store.js';
import { openTestStore } from './stores.js';

export const ADMIN_KEY = 'gp_test_administrator_key_0123456789';

/** A settable clock: tests move time instead of waiting. */
export class TestClock implements Clock {
  constructor(private current = new Date('2026-11-01T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  set(date: Date): void {
    this.current = date;
  }
}

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  clock: TestClock;
  keys: { administrator: string; marketer: string; analyst: string };
  /** app.inject with the administrator key unless `key` is given (null: no key). */
  call(opts: InjectOptions & { key?: string | null }): Promise<{ status: number; json: any; headers: Record<string, unknown>; body: string }>;
  close(): Promise<void>;
}

export async function startTestApp(dialect: DialectName, env: Record<string, string> = {}): Promise<TestApp> {
  const testStore = await openTestStore(dialect);
  return startTestAppOnStore(testStore.store, testStore.url, () => testStore.close(), { env });
}

/**
 * The app on an open store; `closeStore` runs after the server closes (tests
 * that restart on the same data pass one that keeps the data).
 */
export async function startTestAppOnStore(
  store: Store,
  url: string,
  closeStore: () => Promise<void>,
  options: { clock?: TestClock; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const clock = options.clock ?? new TestClock();
  const config = loadConfig({ GOALPOST_DATABASE_URL: url, GOALPOST_PUBLIC_URL: 'http://goalpost.test', ...options.env });
  const ctx: AppContext = { store, clock, config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), campaigns: new CampaignIndex() };
  await ensureBootstrapKey(ctx.store, clock, ADMIN_KEY);
  const marketer = (await createApiKey(ctx.store.db, clock, { name: 'marketer', role: 'marketer' })).secret;
  const analyst = (await createApiKey(ctx.store.db, clock, { name: 'analyst', role: 'analyst' })).secret;
  const app = await createServer(ctx);
  await app.ready();
  return {
    app,
    ctx,
    clock,
    keys: { administrator: ADMIN_KEY, marketer, analyst },
    async call(opts) {
      const { key, ...rest } = opts;
      const auth = key === null ? {} : { authorization: `Bearer ${key ?? ADMIN_KEY}` };
      const res = await app.inject({ ...rest, headers: { ...auth, ...(rest.headers ?? {}) } } as InjectOptions);
      let json: unknown = undefined;
      try {
        json = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, json, headers: res.headers, body: res.body };
    },
    async close() {
      await app.close();
      await closeStore();
    },
  };
}
