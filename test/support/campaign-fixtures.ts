import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { CampaignRunner } from '../../src/app/campaigns/runner.js';
import type { RunnerOptions } from '../../src/app/campaigns/runner.js';
import { migrateToLatest, openStore } from '../../src/store/store.js';
import type { DialectName } from '../../src/store/store.js';
import { startTestAppOnStore, TestClock } from './app.js';
import type { TestApp } from './app.js';
import { unique, uniqueEmail } from './loop-fixtures.js';
import type { Call, LoopFixtures, Participant } from './loop-fixtures.js';
import { freshStoreUrl } from './stores.js';

/**
 * Helpers for smart-campaign tests over HTTP: campaigns, lists, activity
 * ingest, identify, run history, the runner driven by hand, a referred friend
 * in one call, a webhook receiver, and an app opened on an existing store (to
 * restart the process between two steps of a run).
 */

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** A Standard Webhooks signing secret: whsec_ + base64 of 24 random bytes. */
export function webhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** `{error: {code, message, details}}` with the given status; returns the details. */
export function expectError(res: Call, status: number, code: string): { path: string; message: string }[] {
  expect(res.status, res.body).toBe(status);
  expect(res.json).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  return res.json.error.details;
}

// ----- an app on a store that outlives it -----

export interface SharedStore {
  url: string;
  dialect: DialectName;
  /** Removes the SQLite file (PostgreSQL databases die with the test server). */
  cleanup(): void;
}

export async function sharedStore(dialect: DialectName): Promise<SharedStore> {
  const { url, cleanup } = await freshStoreUrl(dialect);
  return { url, dialect, cleanup };
}

/**
 * Like startTestApp, but on the given store URL, and `close()` leaves the data
 * in place: a second call on the same URL is the same deployment after a
 * restart (a new store connection, a new context, a new campaign index).
 */
export async function startTestAppOn(store: SharedStore, options: { clock?: TestClock; env?: Record<string, string> } = {}): Promise<TestApp> {
  const opened = await openStore(store.url);
  await migrateToLatest(opened);
  return startTestAppOnStore(opened, store.url, () => opened.close(), options);
}

// ----- a local webhook receiver -----

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  /** Status we answered. */
  status: number;
}

/** What to answer the n-th request (1-based): a status, or a promise of one to hold the request. */
export type Answer = (n: number, body: string) => number | Promise<number>;

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Resolves when the n-th request (1-based) has arrived. */
  received(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function webhookReceiver(answer: Answer = () => 200): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count += 1;
      const n = count;
      const body = Buffer.concat(chunks).toString('utf8');
      for (const w of waiters.filter((w) => w.n <= n)) w.resolve();
      void Promise.resolve(answer(n, body)).then((status) => {
        deliveries.push({ headers: req.headers, body, status });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    received(n) {
      if (count >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ----- campaigns over HTTP -----

export interface RunView {
  id: string;
  campaignId: string;
  personId: string;
  activityId: string;
  status: string;
  stepIndex: number;
  attempts: number;
  nextRunAt: string;
  detail: string | null;
  createdAt: string;
  finishedAt: string | null;
  steps: { index: number; type: string; status: string; result: any; at: string }[];
}

export interface Friend {
  email: string;
  personId: string;
  visitorId: string;
  clickId: string;
}

export function campaignFixtures(t: TestApp, fx: LoopFixtures) {
  async function ok(res: Call, status: number): Promise<any> {
    expect(res.status, res.body).toBe(status);
    return res.json;
  }

  const cx = {
    createRaw(body: Record<string, unknown>, key?: string): Promise<Call> {
      return t.call({ method: 'POST', url: '/api/v1/campaigns', payload: body, ...(key ? { key } : {}) });
    },

    /** Creates a campaign (inactive); `name` defaults to a unique one. */
    async create(body: Record<string, unknown>): Promise<any> {
      return ok(await cx.createRaw({ name: unique('campaign'), ...body }), 201);
    },

    activateRaw(id: string, key?: string): Promise<Call> {
      return t.call({ method: 'POST', url: `/api/v1/campaigns/${id}/activate`, ...(key ? { key } : {}) });
    },

    /** Creates and activates a campaign; returns its id. */
    async active(body: Record<string, unknown>): Promise<string> {
      const created = await cx.create(body);
      expect(created.activationProblems, 'activation problems').toEqual([]);
      const activated = await ok(await cx.activateRaw(created.id), 200);
      expect(activated.status).toBe('active');
      return created.id as string;
    },

    async get(id: string): Promise<any> {
      return ok(await t.call({ method: 'GET', url: `/api/v1/campaigns/${id}` }), 200);
    },

    /** Deactivates every active campaign, so one test's campaigns never run for the next test's activities. */
    async deactivateAll(): Promise<void> {
      for (;;) {
        const page = await ok(await t.call({ method: 'GET', url: '/api/v1/campaigns?status=active&limit=100' }), 200);
        for (const c of page.data) await ok(await t.call({ method: 'POST', url: `/api/v1/campaigns/${c.id}/deactivate` }), 200);
        if (page.data.length < 100) return;
      }
    },

    // ----- lists -----

    async list(name = unique('list')): Promise<string> {
      return (await ok(await t.call({ method: 'POST', url: '/api/v1/lists', payload: { name } }), 201)).id as string;
    },

    async addMembers(listId: string, emails: string[]): Promise<number> {
      return (await ok(await t.call({ method: 'POST', url: `/api/v1/lists/${listId}/members`, payload: { emails } }), 200)).added as number;
    },

    async removeMember(listId: string, personId: string): Promise<void> {
      await ok(await t.call({ method: 'DELETE', url: `/api/v1/lists/${listId}/members/${personId}` }), 204);
    },

    /** Emails of a list's members, sorted. */
    async members(listId: string): Promise<string[]> {
      const res = await ok(await t.call({ method: 'GET', url: `/api/v1/lists/${listId}/members` }), 200);
      return (res.data as { email: string }[]).map((m) => m.email).sort();
    },

    // ----- activities and people -----

    ingestRaw(body: unknown, key?: string): Promise<Call> {
      return t.call({ method: 'POST', url: '/api/v1/activities', payload: body as Record<string, unknown>, ...(key ? { key } : {}) });
    },

    /** One activity: `{activityId, personId, replayed}`. */
    async ingest(activity: Record<string, unknown>): Promise<{ activityId: string; personId: string; replayed: boolean }> {
      return ok(await cx.ingestRaw(activity), 201);
    },

    async identify(visitorId: string, email: string): Promise<{ personId: string; referralsLinked: number }> {
      return ok(await t.call({ method: 'POST', url: '/api/v1/people/identify', payload: { visitorId, email } }), 200);
    },

    /** A person created by ingesting a custom activity that no campaign listens to. */
    async person(email = uniqueEmail('person')): Promise<{ email: string; personId: string }> {
      const res = await cx.ingest({ type: 'custom', name: unique('noop'), person: { email } });
      return { email, personId: res.personId };
    },

    /**
     * The referral path for activities the CRM reports: the friend follows the
     * participant's share link in a browser, the landing page reports the
     * visit with its visitor id, and the friend is identified by email.
     */
    async referredFriend(offerId: string, referrer: Participant, email = uniqueEmail('friend')): Promise<Friend> {
      const click = await fx.click(referrer.shareCode);
      const visitorId = unique('vis');
      await fx.visit(offerId, visitorId, { clickId: click.clickId });
      const identified = await cx.identify(visitorId, email);
      expect(identified.referralsLinked).toBeGreaterThanOrEqual(1);
      return { email, personId: identified.personId, visitorId, clickId: click.clickId };
    },

    // ----- history -----

    async runs(campaignId: string): Promise<RunView[]> {
      return (await ok(await t.call({ method: 'GET', url: `/api/v1/campaigns/${campaignId}/runs?limit=100` }), 200)).data;
    },

    async personRuns(personId: string): Promise<RunView[]> {
      return (await ok(await t.call({ method: 'GET', url: `/api/v1/people/${personId}/campaign-runs?limit=100` }), 200)).data;
    },

    /** The campaign's runs for one person, oldest first. */
    async runsOf(campaignId: string, personId: string): Promise<RunView[]> {
      return (await cx.runs(campaignId)).filter((r) => r.personId === personId).reverse();
    },

    /** The one run of a campaign for a person. */
    async runOf(campaignId: string, personId: string): Promise<RunView> {
      const runs = await cx.runsOf(campaignId, personId);
      expect(runs, `runs of ${campaignId} for ${personId}`).toHaveLength(1);
      return runs[0]!;
    },

    /** The step result at an index (-1 is qualification). */
    step(run: RunView, index: number): RunView['steps'][number] {
      const found = run.steps.find((s) => s.index === index);
      expect(found, `step ${index} of run ${run.id}`).toBeDefined();
      return found!;
    },

    // ----- the runner -----

    runner(options: RunnerOptions = {}): CampaignRunner {
      return new CampaignRunner(t.ctx, options);
    },

    /** Runs every due run to its next stop (end, wait or retry). */
    async drain(options: RunnerOptions = {}): Promise<void> {
      await cx.runner(options).drain();
    },

    // ----- mail -----

    /** The whole mail log (every page), newest first. */
    async outbox(): Promise<{ id: string; kind: string; offerId: string | null; personId: string | null; to: string; subject: string }[]> {
      const all = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/outbox?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await ok(await t.call({ method: 'GET', url }), 200);
        all.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    },

    async mailTo(address: string, kind?: string) {
      return (await cx.outbox()).filter((m) => m.to === address && (kind === undefined || m.kind === kind));
    },
  };
  return cx;
}

export type CampaignFixtures = ReturnType<typeof campaignFixtures>;
