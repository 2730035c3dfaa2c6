/**
 * Exactly-once fulfilment under concurrency, over real HTTP against the real
 * server (`goalpost serve` as child processes): 200 friends of one referrer
 * (goal 5) follow the share link and then all sign up at the same moment.
 * SQLite: one server process. PostgreSQL: three server processes sharing one
 * database, requests spread round-robin across them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/store.js';
import type { Store } from '../src/store/store.js';
import { BROWSER_UA, clickIdOf, createApprovedOffer, startServer, stopAllServers } from './support/server-process.js';
import type { ServerProcess } from './support/server-process.js';
import { DIALECTS, freshStoreUrl } from './support/stores.js';

const FRIENDS = 200;
const GOAL = 5;
const CODES = 50;

describe.each(DIALECTS)('concurrency on %s', (dialect) => {
  const processes = dialect === 'postgres' ? 3 : 1;
  let servers: ServerProcess[] = [];
  let store: Store | null = null;
  let databaseUrl = '';
  let cleanup = () => undefined as void;

  beforeAll(async () => {
    const fresh = await freshStoreUrl(dialect);
    databaseUrl = fresh.url;
    cleanup = fresh.cleanup;
    // All processes start at once on the same, empty database: migrations and the bootstrap key race too.
    servers = await Promise.all(Array.from({ length: processes }, () => startServer({ databaseUrl })));
  }, 240_000);

  afterAll(async () => {
    await stopAllServers();
    await store?.close();
    cleanup();
  }, 60_000);

  /** Round-robin over the server processes. */
  const serverFor = (i: number): ServerProcess => servers[i % servers.length]!;

  it(`${FRIENDS} friends sign up concurrently for one referrer whose goal is ${GOAL}: credit ${FRIENDS}, fulfilled exactly once`, async () => {
    const admin = servers[0]!;
    const codes = Array.from({ length: CODES }, (_, i) => `RUSH-${String(i).padStart(3, '0')}`);
    const { offerId } = await createApprovedOffer(admin.api, {
      goal: { type: 'referred_signups', count: GOAL },
      signupEmail: { subject: 'Welcome', html: '<p>Share {{social.Share Url}}</p>' },
      fulfillmentEmail: { subject: 'You did it', html: '<p>Your code: {{social.Promo Code}}</p>' },
      promoCodes: codes,
    });

    const referrer = await admin.api('POST', `/v1/public/offers/${offerId}/signups`, { email: 'referrer@example.com', fields: { firstName: 'Rita' } }, { key: null });
    expect(referrer.status, referrer.text).toBe(201);
    const { shareCode, participantId, participantToken } = referrer.json as { shareCode: string; participantId: string; participantToken: string };

    // Each friend follows the share link like a browser and keeps the gp_click of the redirect.
    const clicks = await Promise.all(
      Array.from({ length: FRIENDS }, async (_, i) => {
        const res = await fetch(`${serverFor(i).base}/r/${shareCode}`, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
        await res.arrayBuffer();
        return { status: res.status, clickId: clickIdOf(res.headers.get('location')) };
      }),
    );
    expect(clicks.map((c) => c.status)).toEqual(Array(FRIENDS).fill(302));
    const clickIds = clicks.map((c) => c.clickId);
    expect(clickIds.every((id) => typeof id === 'string' && id.startsWith('clk_'))).toBe(true);
    expect(new Set(clickIds).size).toBe(FRIENDS);

    // All sign-ups at once, each through a different process than its neighbour's.
    const signups = await Promise.all(
      clickIds.map(async (clickId, i) => {
        const res = await fetch(`${serverFor(i + 1).base}/v1/public/offers/${offerId}/signups`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `friend${i}@example.com`, fields: { firstName: `Friend ${i}` }, clickId }),
        });
        return { status: res.status, body: await res.text() };
      }),
    );
    const failures = signups.filter((s) => s.status !== 201);
    expect(failures, servers.map((s) => s.output()).join('\n----\n')).toEqual([]);
    expect(new Set(signups.map((s) => JSON.parse(s.body).participantId)).size).toBe(FRIENDS);

    // ----- what the API says -----
    const progress = await admin.api('GET', '/v1/public/progress', undefined, { key: participantToken });
    expect(progress.status, progress.text).toBe(200);
    expect(progress.json).toMatchObject({ participantId, credit: FRIENDS, goal: GOAL, fulfilled: true });

    const fulfilled = await admin.api('GET', `/api/v1/offers/${offerId}/participants?fulfilled=true&limit=100`);
    expect(fulfilled.status, fulfilled.text).toBe(200);
    expect(fulfilled.json.data).toHaveLength(1);
    expect(fulfilled.json.data[0]).toMatchObject({ id: participantId, credit: FRIENDS, fulfillmentState: 'sent' });
    expect(fulfilled.json.data[0].promoCodes).toHaveLength(1);

    const person = await admin.api('GET', `/api/v1/people/${fulfilled.json.data[0].personId}`);
    expect(person.json.counters.referredSignups).toBe(FRIENDS);

    const outbox = await admin.api('GET', `/api/v1/outbox?offerId=${offerId}&limit=100`);
    expect(outbox.status, outbox.text).toBe(200);

    // ----- what the store holds -----
    store = await openStore(databaseUrl);
    const db = store.db;
    const participant = await db.selectFrom('participants').selectAll().where('id', '=', participantId).executeTakeFirstOrThrow();
    expect(participant.credit).toBe(FRIENDS);
    expect(participant.fulfilled_at).not.toBeNull();

    const credits = await db.selectFrom('credits').select(['friend_key']).where('participant_id', '=', participantId).execute();
    expect(credits).toHaveLength(FRIENDS);
    expect(new Set(credits.map((c) => c.friend_key)).size).toBe(FRIENDS);

    const activities = await db.selectFrom('activities').select(['type', 'participant_id']).where('offer_id', '=', offerId).execute();
    const achieves = activities.filter((a) => a.type === 'achieves_goal');
    expect(achieves).toEqual([{ type: 'achieves_goal', participant_id: participantId }]);
    expect(activities.filter((a) => a.type === 'refers' && a.participant_id === participantId)).toHaveLength(FRIENDS);
    expect(activities.filter((a) => a.type === 'signs_up')).toHaveLength(FRIENDS + 1);

    const mail = await db.selectFrom('outbox').select(['kind', 'to_address', 'html']).where('offer_id', '=', offerId).execute();
    const fulfilmentMail = mail.filter((m) => m.kind === 'fulfillment');
    expect(fulfilmentMail).toHaveLength(1);
    expect(fulfilmentMail[0]!.to_address).toBe('referrer@example.com');
    expect(mail.filter((m) => m.kind === 'signup')).toHaveLength(FRIENDS + 1);

    const assigned = await db.selectFrom('promo_codes').select(['code', 'participant_id']).where('offer_id', '=', offerId).where('participant_id', 'is not', null).execute();
    expect(assigned).toHaveLength(1);
    expect(assigned[0]!.participant_id).toBe(participantId);
    expect(fulfilmentMail[0]!.html).toContain(assigned[0]!.code);
    expect(fulfilled.json.data[0].promoCodes[0].code).toBe(assigned[0]!.code);

    // No code is held twice anywhere, and nobody holds two codes.
    const allAssigned = await db.selectFrom('promo_codes').select(['code', 'participant_id']).where('participant_id', 'is not', null).execute();
    expect(new Set(allAssigned.map((c) => c.code)).size).toBe(allAssigned.length);
    expect(new Set(allAssigned.map((c) => c.participant_id)).size).toBe(allAssigned.length);
    const free = await db.selectFrom('promo_codes').select('id').where('offer_id', '=', offerId).where('participant_id', 'is', null).execute();
    expect(free).toHaveLength(CODES - 1);

    // Every server process is still alive and healthy.
    for (const s of servers) {
      expect(s.exited()).toBe(false);
      expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
    }
  }, 240_000);
});
