/**
 * Crash safety of acknowledged writes: the real server (`goalpost serve` as a
 * child process) is killed with SIGKILL while clicks and conversions stream
 * in; after a restart on the same database, everything that was answered
 * (302 for a click, 202 for a conversion) must be in the store, and what was
 * committed must be whole (no credit without its activity and the reverse).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/store.js';
import { BROWSER_UA, clickIdOf, createApprovedOffer, startServer, stopAllServers } from './support/server-process.js';
import type { ServerProcess } from './support/server-process.js';
import { DIALECTS, freshStoreUrl } from './support/stores.js';

const IN_FLIGHT = 20;
const KILL_AFTER_MS = 300;
/** The kill waits for at least this many answers, so a slow start never makes the test vacuous. */
const MIN_ANSWERED = 40;
/** Upper bound on requests per run, whatever happens. */
const MAX_REQUESTS = 50_000;

interface StreamResult<T> {
  answered: T[];
  unexpected: { status: number; body: string }[];
  sent: number;
}

/**
 * Keeps IN_FLIGHT requests running against `server` and SIGKILLs it once
 * KILL_AFTER_MS have passed and MIN_ANSWERED answers are in. `fire(i)` returns
 * what an answered request proves was written, or an unexpected status.
 */
async function streamThenKill<T>(
  server: ServerProcess,
  fire: (i: number) => Promise<{ ok: T } | { status: number; body: string }>,
): Promise<StreamResult<T>> {
  const result: StreamResult<T> = { answered: [], unexpected: [], sent: 0 };
  const startedAt = Date.now();
  let killed: Promise<void> | null = null;
  const killIfDue = () => {
    if (!killed && ((Date.now() - startedAt >= KILL_AFTER_MS && result.answered.length >= MIN_ANSWERED) || result.sent >= MAX_REQUESTS)) {
      // process.kill(pid, 'SIGKILL') happens synchronously here; the promise waits for the exit.
      killed = server.kill();
    }
  };
  const timer = setTimeout(killIfDue, KILL_AFTER_MS);
  const lane = async () => {
    while (!killed && result.sent < MAX_REQUESTS) {
      const i = result.sent++;
      try {
        const outcome = await fire(i);
        // An answer that arrives after the signal was still written by the server before it died: it counts.
        if ('ok' in outcome) result.answered.push(outcome.ok);
        else result.unexpected.push(outcome);
      } catch {
        // Connection reset or refused: the server died with this request in flight. Proves nothing either way.
      }
      killIfDue();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  clearTimeout(timer);
  if (!killed) killed = server.kill();
  await killed;
  return result;
}

describe.each(DIALECTS)('crash safety on %s', (dialect) => {
  let databaseUrl = '';
  let cleanup = () => undefined as void;
  let server: ServerProcess;
  let offerId = '';
  let shareCode = '';
  let participantId = '';

  beforeAll(async () => {
    const fresh = await freshStoreUrl(dialect);
    databaseUrl = fresh.url;
    cleanup = fresh.cleanup;
    server = await startServer({ databaseUrl });
    // Custom JavaScript event goal, every event counts: each conversion is one credit for the referrer.
    ({ offerId } = await createApprovedOffer(server.api, {
      goal: { type: 'custom_js_event', count: 5 },
      signupEmail: { subject: 'Welcome', html: '<p>Share {{social.Share Url}}</p>' },
      fulfillmentEmail: { subject: 'You did it', html: '<p>Thank you</p>' },
      settings: { customEvents: { countEvery: true } },
    }));
    const signup = await server.api('POST', `/v1/public/offers/${offerId}/signups`, { email: 'sharer@example.com' }, { key: null });
    expect(signup.status, signup.text).toBe(201);
    ({ shareCode, participantId } = signup.json as { shareCode: string; participantId: string });
  }, 180_000);

  afterAll(async () => {
    await stopAllServers();
    cleanup();
  });

  async function restart(): Promise<void> {
    expect(server.exited()).toBe(true);
    server = await startServer({ databaseUrl });
  }

  async function click(base: string): Promise<{ ok: string } | { status: number; body: string }> {
    const res = await fetch(`${base}/r/${shareCode}`, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
    const location = res.headers.get('location');
    const body = await res.text().catch(() => '');
    const clickId = clickIdOf(location);
    return res.status === 302 && clickId ? { ok: clickId } : { status: res.status, body };
  }

  it('every click answered with a 302 before a SIGKILL is recorded after the restart', async () => {
    const base = server.base;
    const run = await streamThenKill<string>(server, () => click(base));
    expect(run.unexpected).toEqual([]);
    expect(run.answered.length).toBeGreaterThanOrEqual(MIN_ANSWERED);
    expect(new Set(run.answered).size).toBe(run.answered.length);

    await restart();
    const store = await openStore(databaseUrl);
    try {
      const clicks = new Set((await store.db.selectFrom('clicks').select('id').execute()).map((r) => r.id));
      const missing = run.answered.filter((id) => !clicks.has(id));
      expect(missing, `${missing.length} of ${run.answered.length} acknowledged clicks lost`).toEqual([]);
      // The click's activity is written in the same transaction.
      const activities = await store.db.selectFrom('activities').select('attributes_json').where('type', '=', 'clicks_shared_link').where('offer_id', '=', offerId).execute();
      const logged = new Set(activities.map((a) => (JSON.parse(a.attributes_json) as { clickId: string }).clickId));
      expect(run.answered.filter((id) => !logged.has(id))).toEqual([]);
      expect(logged.size).toBe(clicks.size);
    } finally {
      await store.close();
    }

    // The restarted server records clicks again.
    const after = await click(server.base);
    expect(after).toEqual({ ok: expect.stringMatching(/^clk_/) });
  }, 180_000);

  it('every conversion answered with a 202 before a SIGKILL is recorded after the restart, whole and once', async () => {
    const first = await click(server.base);
    if (!('ok' in first)) throw new Error(`click failed: ${first.status} ${first.body}`);
    const clickId = first.ok;
    const run = randomBytes(4).toString('hex');
    const base = server.base;

    const result = await streamThenKill<string>(server, async (i) => {
      const idempotencyKey = `conv-${run}-${i}`;
      const res = await fetch(`${base}/v1/public/conversions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ offerId, visitorId: `visitor${run}${i}`, clickId, event: 'purchase', value: 10, idempotencyKey }),
      });
      const body = await res.text().catch(() => '');
      return res.status === 202 ? { ok: idempotencyKey } : { status: res.status, body };
    });
    expect(result.unexpected).toEqual([]);
    expect(result.answered.length).toBeGreaterThanOrEqual(MIN_ANSWERED);

    await restart();
    let committed = 0;
    const store = await openStore(databaseUrl);
    try {
      const events = await store.db
        .selectFrom('activities')
        .select('attributes_json')
        .where('type', '=', 'custom_event')
        .where('offer_id', '=', offerId)
        .execute();
      const keys = events.map((e) => (JSON.parse(e.attributes_json) as { idempotencyKey: string | null }).idempotencyKey);
      const recorded = new Set(keys);
      const missing = result.answered.filter((k) => !recorded.has(k));
      expect(missing, `${missing.length} of ${result.answered.length} acknowledged conversions lost`).toEqual([]);
      expect(recorded.size).toBe(keys.length);
      committed = keys.length;

      // Whatever was committed is whole: one credit and one "refers" per conversion, and the counter agrees.
      const credits = await store.db.selectFrom('credits').select('id').where('participant_id', '=', participantId).where('kind', '=', 'custom_event').execute();
      expect(credits).toHaveLength(keys.length);
      const participant = await store.db.selectFrom('participants').select(['credit', 'fulfilled_at']).where('id', '=', participantId).executeTakeFirstOrThrow();
      expect(participant.credit).toBe(keys.length);
      expect(participant.fulfilled_at).not.toBeNull();
      const achieved = await store.db.selectFrom('activities').select('id').where('type', '=', 'achieves_goal').where('participant_id', '=', participantId).execute();
      expect(achieved).toHaveLength(1);
      const fulfilment = await store.db.selectFrom('outbox').select('id').where('kind', '=', 'fulfillment').where('offer_id', '=', offerId).execute();
      expect(fulfilment).toHaveLength(1);
    } finally {
      await store.close();
    }

    // A client retrying an acknowledged call after the crash changes nothing.
    const retried = result.answered.slice(0, 5);
    for (const idempotencyKey of retried) {
      const res = await fetch(`${server.base}/v1/public/conversions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ offerId, clickId, event: 'purchase', value: 10, idempotencyKey }),
      });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ recorded: true, replayed: true });
    }
    const check = await openStore(databaseUrl);
    try {
      const again = await check.db.selectFrom('participants').select('credit').where('id', '=', participantId).executeTakeFirstOrThrow();
      const credits = await check.db.selectFrom('credits').select('id').where('participant_id', '=', participantId).execute();
      expect(again.credit).toBe(committed);
      expect(credits).toHaveLength(committed);
    } finally {
      await check.close();
    }
  }, 180_000);
});
