import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { BOT_UAS, loopFixtures, unique, uniqueEmail } from './support/loop-fixtures.js';
import type { Call, LoopFixtures, Participant } from './support/loop-fixtures.js';
import { DIALECTS } from './support/stores.js';

/**
 * The referral loop end to end over HTTP, on every store: share links, visits,
 * sign-ups and conversions earn credit by the rules of spec section 3, and
 * fulfilment happens exactly once (activity, email, promo code).
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

function expectError(res: Call, status: number, code: string): { path: string; message: string }[] {
  expect(res.status, res.body).toBe(status);
  expect(res.json).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  return res.json.error.details;
}

describe.each(DIALECTS)('referral loop on %s', (dialect) => {
  let t: TestApp;
  let fx: LoopFixtures;
  beforeAll(async () => {
    // These stories send more sign-ups a minute than the per-IP limit allows; the limit has its own tests.
    t = await startTestApp(dialect, { GOALPOST_PUBLIC_RATE_LIMIT: '0' });
    fx = loopFixtures(t);
  });
  afterAll(() => t.close());

  // ----- small stories used by many tests -----

  interface Friend {
    visitorId: string;
    clickId: string;
    cookie: string | null;
  }

  /** A friend follows the participant's share link in a browser (no page load reported yet). */
  async function friendClicks(referrer: Participant, opts: { channel?: string; cookie?: string | null; visitorId?: string } = {}): Promise<Friend> {
    const click = await fx.click(referrer.shareCode, opts);
    return { visitorId: opts.visitorId ?? unique('vis'), clickId: click.clickId, cookie: click.cookie };
  }

  /** A friend follows the link and the landing page reports its load (one new visit). */
  async function friendVisits(offerId: string, referrer: Participant, opts: { channel?: string } = {}): Promise<Friend> {
    const friend = await friendClicks(referrer, opts);
    expect(await fx.visit(offerId, friend.visitorId, { clickId: friend.clickId })).toBe(true);
    return friend;
  }

  /** A friend follows the link and signs up for the offer with a new address. */
  async function friendSignsUp(offerId: string, referrer: Participant, email = uniqueEmail()): Promise<Friend & { email: string }> {
    const friend = await friendClicks(referrer);
    await fx.signUpNew(offerId, { email, visitorId: friend.visitorId, clickId: friend.clickId });
    return { ...friend, email };
  }

  /** Exactly-once fulfilment as the admin sees it: activities, mail log, participant row. */
  async function expectFulfilledOnce(offerId: string, p: Participant, goal: number): Promise<void> {
    const achieved = await fx.activitiesOfType(p.personId, 'achieves_goal', offerId);
    expect(achieved).toHaveLength(1);
    expect(achieved[0]).toMatchObject({ participantId: p.participantId, attributes: { credit: goal, goal } });
    const mails = await fx.outbox(offerId, 'fulfillment');
    expect(mails.filter((m) => m.personId === p.personId)).toHaveLength(1);
    expect(mails.filter((m) => m.personId === p.personId)[0]!.to).toBe(p.email);
  }

  async function expectNotFulfilled(offerId: string, p: Participant, credit: number): Promise<void> {
    expect(await fx.progress(p)).toMatchObject({ credit, fulfilled: false, fulfilledAt: null });
    expect(await fx.activitiesOfType(p.personId, 'achieves_goal', offerId)).toEqual([]);
    expect((await fx.outbox(offerId, 'fulfillment')).filter((m) => m.personId === p.personId)).toEqual([]);
  }

  // ----- 1. the original product's goal examples -----

  describe('goal "10 referred visits"', () => {
    it('counts visit sessions of referred friends and fulfils at the 10th, not before', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_visits', count: 10 } });
      const a = await fx.participant(offerId);

      // Friend 1 follows the share link; the landing page reports the load.
      const f1 = await friendClicks(a);
      expect(await fx.visit(offerId, f1.visitorId, { clickId: f1.clickId, sessionId: 'tab1' })).toBe(true);
      expect(await fx.credit(a)).toBe(1);

      // More page loads in the same session are the same visit, even past 30 minutes from the first load.
      t.clock.advance(10 * MINUTE);
      expect(await fx.visit(offerId, f1.visitorId, { clickId: f1.clickId, sessionId: 'tab1' })).toBe(false);
      t.clock.advance(29 * MINUTE);
      expect(await fx.visit(offerId, f1.visitorId, { sessionId: 'tab1' })).toBe(false);
      expect(await fx.credit(a)).toBe(1);

      // 30 minutes without activity: the next load is a new visit (the referral follows the visitor, no click needed).
      t.clock.advance(31 * MINUTE);
      expect(await fx.visit(offerId, f1.visitorId, { sessionId: 'tab1' })).toBe(true);
      expect(await fx.credit(a)).toBe(2);

      // A browser restart (new session id) starts a new visit at once.
      t.clock.advance(1 * MINUTE);
      expect(await fx.visit(offerId, f1.visitorId, { sessionId: 'tab2' })).toBe(true);
      expect(await fx.visit(offerId, f1.visitorId, { sessionId: 'tab2' })).toBe(false);
      expect(await fx.credit(a)).toBe(3);

      // Six more friends, one visit each: 9 visits, not fulfilled yet.
      for (let i = 0; i < 6; i++) await friendVisits(offerId, a);
      await expectNotFulfilled(offerId, a, 9);

      // A visitor who never came through the link earns nothing.
      expect(await fx.visit(offerId, unique('vis'))).toBe(true);
      expect(await fx.credit(a)).toBe(9);

      // The 10th visit session fulfils.
      await friendVisits(offerId, a);
      expect(await fx.progress(a)).toMatchObject({ credit: 10, goal: 10, fulfilled: true, fulfilledAt: t.clock.now().toISOString() });
      await expectFulfilledOnce(offerId, a, 10);
    });
  });

  describe('goal "5 referred sign-ups"', () => {
    it('counts distinct friends who sign up; the same friend signing up twice counts once', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 5 } });
      const a = await fx.participant(offerId);

      const first = await friendSignsUp(offerId, a, `${unique('ann')}@Example.com`);
      expect(await fx.credit(a)).toBe(1);

      // The same friend again: same address in another spelling, through a new click, another browser.
      const again = await friendClicks(a);
      const repeat = await fx.signUpRaw(offerId, { email: `  ${first.email.replace('@Example.com', '@EXAMPLE.COM')} `, clickId: again.clickId, visitorId: again.visitorId });
      expect(repeat.status, repeat.body).toBe(200);
      expect(await fx.credit(a)).toBe(1);

      for (let i = 0; i < 3; i++) await friendSignsUp(offerId, a);
      await expectNotFulfilled(offerId, a, 4);

      // Visits do not earn credit on a sign-up goal, but tie the friend: the sign-up needs no click id.
      const fifth = await friendVisits(offerId, a);
      expect(await fx.credit(a)).toBe(4);
      await fx.signUpNew(offerId, { email: uniqueEmail(), visitorId: fifth.visitorId });
      expect(await fx.progress(a)).toMatchObject({ credit: 5, goal: 5, fulfilled: true });
      await expectFulfilledOnce(offerId, a, 5);
    });
  });

  describe('goal "2 purchases" as custom events', () => {
    it('counts once per friend by default', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'custom_js_event', count: 2 } });
      const a = await fx.participant(offerId);

      const f1 = await friendVisits(offerId, a);
      expect(await fx.credit(a)).toBe(0); // visits do not count on this goal
      expect(await fx.convert(offerId, { visitorId: f1.visitorId, event: 'purchase', value: 49.9 })).toEqual({ recorded: true, replayed: false });
      expect(await fx.credit(a)).toBe(1);

      // A second purchase by the same friend earns nothing.
      expect(await fx.convert(offerId, { visitorId: f1.visitorId, event: 'purchase', value: 20 })).toEqual({ recorded: true, replayed: false });
      expect(await fx.convert(offerId, { visitorId: f1.visitorId, clickId: f1.clickId, event: 'purchase' })).toEqual({ recorded: true, replayed: false });
      await expectNotFulfilled(offerId, a, 1);

      // A conversion with no referrer earns nothing.
      await fx.convert(offerId, { visitorId: unique('vis'), event: 'purchase' });
      expect(await fx.credit(a)).toBe(1);

      // Friend 2 converts straight from the click (no visit reported).
      const f2 = await friendClicks(a);
      await fx.convert(offerId, { visitorId: f2.visitorId, clickId: f2.clickId, event: 'purchase' });
      expect(await fx.progress(a)).toMatchObject({ credit: 2, goal: 2, fulfilled: true });
      await expectFulfilledOnce(offerId, a, 2);
    });

    it('with countEvery counts every event, and a repeated idempotency key never twice', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'custom_js_event', count: 3 }, customEvents: { countEvery: true } });
      const a = await fx.participant(offerId);
      const f1 = await friendClicks(a);
      const purchase = (idempotencyKey: string) => fx.convert(offerId, { visitorId: f1.visitorId, clickId: f1.clickId, event: 'purchase', idempotencyKey });

      expect(await purchase('order-1')).toEqual({ recorded: true, replayed: false });
      expect(await fx.credit(a)).toBe(1);
      expect(await purchase('order-1')).toEqual({ recorded: true, replayed: true });
      expect(await fx.credit(a)).toBe(1);
      expect(await purchase('order-2')).toEqual({ recorded: true, replayed: false });
      expect(await Promise.all([purchase('order-2'), purchase('order-2')])).toEqual([
        { recorded: true, replayed: true },
        { recorded: true, replayed: true },
      ]);
      await expectNotFulfilled(offerId, a, 2);
      expect(await purchase('order-3')).toEqual({ recorded: true, replayed: false });
      expect(await fx.progress(a)).toMatchObject({ credit: 3, fulfilled: true });
      await expectFulfilledOnce(offerId, a, 3);

    });

    it('a retried call with an idempotency key is replayed on a once-per-friend offer too', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'custom_js_event', count: 5 } });
      const a = await fx.participant(offerId);
      const f1 = await friendClicks(a);
      const body = { visitorId: f1.visitorId, clickId: f1.clickId, idempotencyKey: 'retry-me' };
      expect(await fx.convert(offerId, body)).toEqual({ recorded: true, replayed: false });
      expect(await fx.convert(offerId, body)).toEqual({ recorded: true, replayed: true });
      expect(await fx.credit(a)).toBe(1);
    });
  });

  // ----- 2. fulfilment exactly once, progress -----

  describe('fulfilment', () => {
    it('happens exactly once: one activity, one email, one promo code; later credit still counts', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 5 }, promoCodes: { enabled: true } });
      expect(await fx.uploadCodes(offerId, 'ONE\nTWO\nTHREE')).toMatchObject({ accepted: 3, available: 3 });
      const a = await fx.participant(offerId);

      for (let i = 0; i < 4; i++) await friendSignsUp(offerId, a);
      await expectNotFulfilled(offerId, a, 4);
      await friendSignsUp(offerId, a);
      const fulfilledAt = t.clock.now().toISOString();
      t.clock.advance(MINUTE);
      await friendSignsUp(offerId, a);

      expect(await fx.progress(a)).toEqual({
        offerId,
        participantId: a.participantId,
        credit: 6,
        goal: 5,
        goalType: 'referred_signups',
        fulfilled: true,
        fulfilledAt,
        shareUrl: a.shareUrl,
      });
      await expectFulfilledOnce(offerId, a, 5);
      const row = await fx.participantRow(offerId, a.participantId);
      expect(row).toMatchObject({ credit: 6, fulfilledAt, fulfillmentState: 'sent' });
      expect(row.promoCodes).toHaveLength(1);
      const [mail] = (await fx.outbox(offerId, 'fulfillment')).filter((m) => m.personId === a.personId);
      expect(mail!.subject).toBe(`Goal reached ${row.promoCodes[0].code}`);
      // Two codes are still free: one was taken, exactly one.
      expect(await fx.uploadCodes(offerId, 'FOUR')).toMatchObject({ accepted: 1, available: 3 });
      // Every credit is a "refers" activity on the referrer.
      expect(await fx.activitiesOfType(a.personId, 'refers', offerId)).toHaveLength(6);
    });

    it('the progress endpoint needs the participant token', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 2 } });
      const a = await fx.participant(offerId);
      expect(await fx.progress(a)).toMatchObject({ offerId, participantId: a.participantId, credit: 0, goal: 2, fulfilled: false });

      expectError(await fx.progressRaw('pt_not_a_real_token'), 401, 'unauthorized');
      expectError(await fx.progressRaw(`${a.participantToken}x`), 401, 'unauthorized');
      expectError(await t.call({ method: 'GET', url: '/v1/public/progress', key: null }), 401, 'unauthorized');
      // An admin API key is not a participant token.
      expectError(await t.call({ method: 'GET', url: '/v1/public/progress' }), 401, 'unauthorized');
    });
  });

  // ----- 3. self-referral -----

  describe('self-referral', () => {
    async function refusals(p: Participant, offerId: string) {
      return fx.activitiesOfType(p.personId, 'referral_refused', offerId);
    }

    it('a participant visiting through their own link earns nothing and it is logged', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_visits', count: 1 } });
      const a = await fx.participant(offerId);
      const own = await fx.click(a.shareCode);
      expect(await fx.visit(offerId, a.visitorId!, { clickId: own.clickId })).toBe(true);
      expect(await fx.credit(a)).toBe(0);
      const refused = await refusals(a, offerId);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ participantId: a.participantId, attributes: { reason: 'self_referral', clickId: own.clickId } });

      // A real friend still counts (the offer works).
      await friendVisits(offerId, a);
      expect(await fx.progress(a)).toMatchObject({ credit: 1, fulfilled: true });
    });

    it('a participant converting through their own link earns nothing and it is logged', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'custom_js_event', count: 1 } });
      const a = await fx.participant(offerId);
      const own = await fx.click(a.shareCode);
      await fx.convert(offerId, { visitorId: a.visitorId!, clickId: own.clickId, event: 'purchase' });
      expect(await fx.credit(a)).toBe(0);
      expect(await refusals(a, offerId)).toHaveLength(1);

      const friend = await friendClicks(a);
      await fx.convert(offerId, { visitorId: friend.visitorId, clickId: friend.clickId });
      expect(await fx.progress(a)).toMatchObject({ credit: 1, fulfilled: true });
    });

    it('signing up again through their own link, with their own email, earns nothing and it is logged', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 1 } });
      const a = await fx.participant(offerId, { email: `${unique('self')}@example.com` });
      const own = await fx.click(a.shareCode);
      const sameEmail = await fx.signUpRaw(offerId, { email: `  ${a.email.replace('@example.com', '@EXAMPLE.com')}`, clickId: own.clickId });
      expect(sameEmail.status, sameEmail.body).toBe(200);
      expect(sameEmail.json.participantId).toBe(a.participantId);
      expect(await fx.credit(a)).toBe(0);
      const refused = await refusals(a, offerId);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ participantId: a.participantId, attributes: { reason: 'self_referral', clickId: own.clickId } });
    });

    it('another address signed up from the participant\'s own browser earns nothing and it is logged', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 1 } });
      const a = await fx.participant(offerId);
      const own = await fx.click(a.shareCode);
      const alias = uniqueEmail('alias');
      const res = await fx.signUpRaw(offerId, { email: alias, visitorId: a.visitorId, clickId: own.clickId });
      expect(res.status, res.body).toBe(201); // the alias may take part, but not as A's friend
      expect(await fx.credit(a)).toBe(0);
      const refused = await fx.activitiesOfType(await fx.personIdOf(alias), 'referral_refused', offerId);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ participantId: a.participantId, attributes: { reason: 'self_referral' } });
      expect(await fx.person(a.personId)).toMatchObject({ counters: { referredSignups: 0 } });
    });
  });

  // ----- 4. first touch, attribution window -----

  describe('attribution', () => {
    it('first touch wins: a friend who clicked A\'s link then B\'s link credits A', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 3 } });
      const a = await fx.participant(offerId);
      const b = await fx.participant(offerId);

      const viaA = await friendClicks(a);
      expect(await fx.visit(offerId, viaA.visitorId, { clickId: viaA.clickId })).toBe(true);
      const viaB = await fx.click(b.shareCode, { cookie: viaA.cookie });
      t.clock.advance(40 * MINUTE);
      expect(await fx.visit(offerId, viaA.visitorId, { clickId: viaB.clickId })).toBe(true);
      await fx.signUpNew(offerId, { email: uniqueEmail(), visitorId: viaA.visitorId, clickId: viaB.clickId });

      expect(await fx.credit(a)).toBe(1);
      expect(await fx.credit(b)).toBe(0);
    });

    it('first touch wins when one browser clicked both links before any page reported', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 3 } });
      const a = await fx.participant(offerId);
      const b = await fx.participant(offerId);

      const viaA = await fx.click(a.shareCode);
      expect(viaA.cookie).toMatch(/^gp_vid=/);
      const viaB = await fx.click(b.shareCode, { cookie: viaA.cookie });
      // The same browser (cookie) lands from B's link: the referral made at A's click stands.
      await fx.signUpNew(offerId, { email: uniqueEmail(), visitorId: unique('vis'), clickId: viaB.clickId });

      expect(await fx.credit(a)).toBe(1);
      expect(await fx.credit(b)).toBe(0);
    });

    it('a click no longer attributes once the attribution window has passed', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 5 }, attributionWindowDays: 7 });
      const a = await fx.participant(offerId);

      const early = await friendClicks(a);
      const late = await friendClicks(a);
      const tied = await friendVisits(offerId, a);

      t.clock.advance(6 * DAY);
      await fx.signUpNew(offerId, { email: uniqueEmail(), visitorId: early.visitorId, clickId: early.clickId });
      expect(await fx.credit(a)).toBe(1);

      t.clock.advance(1 * DAY + MINUTE);
      await fx.signUpNew(offerId, { email: uniqueEmail(), visitorId: late.visitorId, clickId: late.clickId });
      await fx.signUpNew(offerId, { email: uniqueEmail(), visitorId: tied.visitorId });
      expect(await fx.credit(a)).toBe(1);

      // The window runs from each click: a fresh click counts again.
      await friendSignsUp(offerId, a);
      expect(await fx.credit(a)).toBe(2);
    });
  });

  // ----- 5. promo codes -----

  describe('promo codes', () => {
    it('an upload is trimmed, deduplicated and reported', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 1 }, promoCodes: { enabled: true } });
      const text = '  SPRING-1  \n\nSPRING-2\nSPRING-1\nBAD CODE\n\tSPRING-3\r\n   \n';
      expect(await fx.uploadCodes(offerId, text)).toEqual({
        accepted: 3,
        duplicates: 1,
        rejected: 1,
        rejectedLines: [{ line: 5, reason: expect.any(String) }],
        trimmed: 2,
        available: 3,
        released: 0,
      });
      // Codes already in the pool are duplicates too.
      expect(await fx.uploadCodes(offerId, 'SPRING-2\nSPRING-4\n')).toMatchObject({ accepted: 1, duplicates: 1, rejected: 0, trimmed: 0, available: 4 });
      expectError(await fx.uploadCodesRaw(offerId, '\n   \n'), 422, 'validation_failed');
      expectError(await fx.uploadCodesRaw('off_doesnotexist', 'X1'), 404, 'not_found');
    });

    it('each fulfilled participant gets one code, no code goes to two people, and an empty pool waits for codes', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 1 }, promoCodes: { enabled: true } });
      await fx.uploadCodes(offerId, 'P1\nP2\nP3');
      const referrers: Participant[] = [];
      for (let i = 0; i < 5; i++) referrers.push(await fx.participant(offerId));
      const friends = await Promise.all(referrers.map((r) => friendClicks(r)));

      // Five friends sign up at once: five fulfilments race for three codes.
      const results = await Promise.all(
        friends.map((f) => fx.signUpRaw(offerId, { email: uniqueEmail(), visitorId: f.visitorId, clickId: f.clickId })),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);

      const rows = await Promise.all(referrers.map((r) => fx.participantRow(offerId, r.participantId)));
      expect(rows.every((r) => r.fulfilledAt !== null)).toBe(true);
      const sent = rows.filter((r) => r.fulfillmentState === 'sent');
      const waiting = rows.filter((r) => r.fulfillmentState === 'needs_code');
      expect(sent).toHaveLength(3);
      expect(waiting).toHaveLength(2);
      expect(sent.map((r) => r.promoCodes.length)).toEqual([1, 1, 1]);
      expect(sent.map((r) => r.promoCodes[0].code).sort()).toEqual(['P1', 'P2', 'P3']);
      expect(waiting.map((r) => r.promoCodes)).toEqual([[], []]);
      expect(await fx.participants(offerId, '&state=needs_code')).toHaveLength(2);

      // Only the participants with a code got their email, each with their own code.
      const mails = await fx.outbox(offerId, 'fulfillment');
      expect(mails.map((m) => m.personId).sort()).toEqual(sent.map((r) => r.personId).sort());
      for (const r of sent) expect(mails.find((m) => m.personId === r.personId)!.subject).toBe(`Goal reached ${r.promoCodes[0].code}`);

      // Uploading codes releases the waiting fulfilments, oldest first.
      expect(await fx.uploadCodes(offerId, 'P4')).toMatchObject({ accepted: 1, released: 1, available: 0 });
      expect(await fx.participants(offerId, '&state=needs_code')).toHaveLength(1);
      expect(await fx.uploadCodes(offerId, 'P5\nP6')).toMatchObject({ accepted: 2, released: 1, available: 1 });
      expect(await fx.uploadCodes(offerId, 'P7')).toMatchObject({ released: 0, available: 2 });

      const after = await Promise.all(referrers.map((r) => fx.participantRow(offerId, r.participantId)));
      expect(after.map((r) => r.fulfillmentState)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
      const codes = after.map((r) => {
        expect(r.promoCodes).toHaveLength(1);
        return r.promoCodes[0].code as string;
      });
      expect(new Set(codes).size).toBe(5);
      const allMails = await fx.outbox(offerId, 'fulfillment');
      expect(allMails).toHaveLength(5);
      for (const r of after) {
        const own = allMails.filter((m) => m.personId === r.personId);
        expect(own).toHaveLength(1);
        expect(own[0]!.subject).toBe(`Goal reached ${r.promoCodes[0].code}`);
      }
    });

    it('with an empty pool the participant shows needs_code and no email until codes arrive', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 1 }, promoCodes: { enabled: true } });
      const a = await fx.participant(offerId);
      await friendSignsUp(offerId, a);

      expect(await fx.progress(a)).toMatchObject({ credit: 1, fulfilled: true });
      expect(await fx.participantRow(offerId, a.participantId)).toMatchObject({ fulfillmentState: 'needs_code', promoCodes: [] });
      expect(await fx.outbox(offerId, 'fulfillment')).toEqual([]);
      expect(await fx.activitiesOfType(a.personId, 'achieves_goal', offerId)).toHaveLength(1);

      expect(await fx.uploadCodes(offerId, 'LATE-1\nLATE-2')).toMatchObject({ accepted: 2, released: 1, available: 1 });
      const row = await fx.participantRow(offerId, a.participantId);
      expect(row).toMatchObject({ fulfillmentState: 'sent', promoCodes: [{ code: expect.stringMatching(/^LATE-[12]$/), sentAt: t.clock.now().toISOString() }] });
      const mails = await fx.outbox(offerId, 'fulfillment');
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ personId: a.personId, to: a.email, subject: `Goal reached ${row.promoCodes[0].code}` });
      // Still one achievement: the release fulfils nothing again.
      expect(await fx.activitiesOfType(a.personId, 'achieves_goal', offerId)).toHaveLength(1);
    });
  });

  // ----- 6. manual delivery -----

  describe('manual fulfilment delivery', () => {
    it('waits in awaiting_send until the marketer sends, once', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 1 }, fulfillmentDelivery: 'manual' });
      const a = await fx.participant(offerId);
      const b = await fx.participant(offerId);
      await friendSignsUp(offerId, a);

      expect(await fx.progress(a)).toMatchObject({ fulfilled: true });
      expect(await fx.participantRow(offerId, a.participantId)).toMatchObject({ fulfillmentState: 'awaiting_send' });
      expect(await fx.outbox(offerId, 'fulfillment')).toEqual([]);

      const report = await fx.sendFulfillmentEmails(offerId, [a.participantId, b.participantId, 'par_notpartofthisoffer']);
      expect(report.queued).toEqual([a.participantId]);
      expect(report.skipped).toEqual([
        { participantId: b.participantId, reason: expect.stringMatching(/goal/) },
        { participantId: 'par_notpartofthisoffer', reason: expect.any(String) },
      ]);
      expect(await fx.participantRow(offerId, a.participantId)).toMatchObject({ fulfillmentState: 'sent' });
      expect(await fx.participantRow(offerId, b.participantId)).toMatchObject({ fulfillmentState: null, fulfilledAt: null });

      const second = await fx.sendFulfillmentEmails(offerId, [a.participantId]);
      expect(second).toEqual({ queued: [], skipped: [{ participantId: a.participantId, reason: 'already sent' }] });
      const mails = await fx.outbox(offerId, 'fulfillment');
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ personId: a.personId, to: a.email });
    });
  });

  // ----- 7. the redirect -----

  describe('redirect /r/{code}', () => {
    function expectNotFoundPage(res: Call): void {
      expect(res.status, res.body).toBe(404);
      expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
      expect(res.json).toBeUndefined();
      expect(res.body).toMatch(/<html/i);
    }

    it('answers an unknown or malformed code with a 404 page', async () => {
      expectNotFoundPage(await fx.follow('NoSuchCode1234'));
      expectNotFoundPage(await fx.follow('bad-code%20with..dots'));
      expectNotFoundPage(await fx.follow('x'.repeat(90)));
      // HEAD gets the same answer without the body.
      const head = await fx.follow('NoSuchCode1234', { method: 'HEAD' });
      expect(head.status).toBe(404);
      expect(String(head.headers['content-type'])).toMatch(/^text\/html/);
    });

    it('answers an archived offer\'s code with a 404 page', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_visits', count: 3 } });
      const a = await fx.participant(offerId);
      expect((await fx.follow(a.shareCode)).status).toBe(302);
      await fx.archive(offerId);
      expectNotFoundPage(await fx.follow(a.shareCode));
      const before = await fx.storedClicks(offerId);
      expectNotFoundPage(await fx.follow(a.shareCode));
      expect(await fx.storedClicks(offerId)).toBe(before);
    });

    it('HEAD requests and link-preview bots get the redirect without gp_click, and nothing is recorded', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_visits', count: 3 }, shareTarget: { type: 'landing_page' } });
      const a = await fx.participant(offerId);
      const probes: Call[] = [
        await fx.follow(a.shareCode, { method: 'HEAD' }),
        ...(await Promise.all(BOT_UAS.map((ua) => fx.follow(a.shareCode, { ua })))),
        await fx.follow(a.shareCode, { ua: null }),
      ];
      for (const res of probes) {
        expect(res.status, res.body).toBe(302);
        const location = new URL(String(res.headers.location));
        expect(location.toString()).toBe(`http://goalpost.test/o/${offerId}`);
        expect(location.searchParams.has('gp_click')).toBe(false);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      expect(await fx.storedClicks(offerId)).toBe(0);
      expect(await fx.person(a.personId)).toMatchObject({ counters: { referredVisits: 0 } });

      // A browser is counted.
      await fx.click(a.shareCode);
      expect(await fx.storedClicks(offerId)).toBe(1);
    });

    it('answers after the click is committed: no flush needed', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_visits', count: 30 } });
      const a = await fx.participant(offerId);
      const friend = await friendClicks(a);
      expect(await fx.storedClicks(offerId)).toBe(1);
      expect(await fx.visit(offerId, friend.visitorId, { clickId: friend.clickId })).toBe(true);
      expect(await fx.credit(a)).toBe(1);

      // Many at once share one group commit; each answer still comes after its write.
      const burst = await Promise.all(Array.from({ length: 25 }, () => fx.click(a.shareCode)));
      expect(await fx.storedClicks(offerId)).toBe(26);
      expect(new Set(burst.map((c) => c.clickId)).size).toBe(25);
    });

    it('sends the friend to the share target: external URL, landing page or referring page', async () => {
      const external = await fx.liveOffer({
        goal: { type: 'referred_visits', count: 3 },
        shareTarget: { type: 'external_url', url: 'https://shop.example.com/spring?utm_source=ref' },
      });
      const landing = await fx.liveOffer({ goal: { type: 'referred_visits', count: 3 }, shareTarget: { type: 'landing_page' } });
      const referring = await fx.liveOffer({ goal: { type: 'referred_visits', count: 3 }, shareTarget: { type: 'referring_page' } });

      const ext = await fx.click((await fx.participant(external)).shareCode);
      expect(`${ext.location.origin}${ext.location.pathname}`).toBe('https://shop.example.com/spring');
      expect(ext.location.searchParams.get('utm_source')).toBe('ref');

      const land = await fx.click((await fx.participant(landing)).shareCode);
      expect(land.location.toString()).toBe(`http://goalpost.test/o/${landing}?gp_click=${land.clickId}`);

      const page = 'https://blog.example.com/posts/spring?id=7';
      const ref = await fx.click((await fx.participant(referring, { page })).shareCode);
      expect(`${ref.location.origin}${ref.location.pathname}`).toBe('https://blog.example.com/posts/spring');
      expect(ref.location.searchParams.get('id')).toBe('7');
      // Without a page given at sign-up, the referring page falls back to our landing page.
      const noPage = await fx.click((await fx.participant(referring)).shareCode);
      expect(`${noPage.location.origin}${noPage.location.pathname}`).toBe(`http://goalpost.test/o/${referring}`);
    });
  });

  // ----- 8. reading -----

  describe('reading', () => {
    it('lists participants by fulfilment and shows promo codes only with the awards permission', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 1 }, promoCodes: { enabled: true } });
      await fx.uploadCodes(offerId, 'READ-1');
      const a = await fx.participant(offerId);
      const b = await fx.participant(offerId);
      await friendSignsUp(offerId, a);

      const fulfilled = await fx.participants(offerId, '&fulfilled=true');
      expect(fulfilled.map((p) => p.id)).toEqual([a.participantId]);
      expect(fulfilled[0]).toMatchObject({ personId: a.personId, email: a.email, credit: 1, promoCodes: [{ code: 'READ-1', sentAt: expect.any(String) }] });
      const open = await fx.participants(offerId, '&fulfilled=false');
      expect(open.map((p) => p.id)).toContain(b.participantId);
      expect(open.map((p) => p.id)).not.toContain(a.participantId);

      for (const key of [t.keys.marketer, t.keys.analyst]) {
        const rows = await fx.participants(offerId, '', key);
        expect(rows.length).toBeGreaterThanOrEqual(3);
        expect(rows.every((p) => p.promoCodes === null)).toBe(true);
        expect(JSON.stringify(rows)).not.toContain('READ-1');
      }
      expectError(await t.call({ method: 'GET', url: '/api/v1/offers/off_unknownoffer/participants' }), 404, 'not_found');
    });

    it('keeps referral counters on the referrer, in total and by channel', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 10 } });
      const a = await fx.participant(offerId);

      const byMail = await friendVisits(offerId, a, { channel: 'email' });
      await friendVisits(offerId, a, { channel: 'email' });
      const direct = await friendVisits(offerId, a);
      // A reload inside the session is no new referred visit.
      expect(await fx.visit(offerId, direct.visitorId)).toBe(false);
      await fx.signUpNew(offerId, { email: uniqueEmail(), visitorId: byMail.visitorId });
      const at = t.clock.now().toISOString();

      const person = await fx.person(a.personId);
      expect(person.counters).toMatchObject({ referredVisits: 3, referredSignups: 1, lastReferredSignupAt: at });
      expect(person.counters.byChannel.email).toMatchObject({ referredVisits: 2, referredSignups: 1 });
      const other = Object.entries(person.counters.byChannel as Record<string, { referredVisits: number }>).filter(([c]) => c !== 'email');
      expect(other.map(([, c]) => c.referredVisits)).toEqual([1]);
    });

    it('normalises email: one person for one address; an invalid address is refused', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 3 } });
      const local = unique('Ann');
      const first = await fx.signUpRaw(offerId, { email: `  ${local}@Example.COM `, visitorId: unique('vis') });
      expect(first.status, first.body).toBe(201);
      const second = await fx.signUpRaw(offerId, { email: `${local}@example.com` });
      expect(second.status, second.body).toBe(200);
      expect(second.json).toMatchObject({ participantId: first.json.participantId, shareCode: first.json.shareCode, participantToken: null });

      const found = await t.call({ method: 'GET', url: `/api/v1/people?email=${encodeURIComponent(`${local}@EXAMPLE.com`)}` });
      expect(found.json.data).toHaveLength(1);
      expect(found.json.data[0].email).toBe(`${local}@example.com`);

      for (const email of ['not-an-email', 'a@b', 'two@@example.com', 'spa ce@example.com']) {
        const res = await fx.signUpRaw(offerId, { email });
        expect(expectError(res, 422, 'validation_failed').map((d) => d.path)).toEqual(['email']);
      }
    });

    it('only a live offer takes sign-ups, visits and conversions', async () => {
      const draft = (await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: 'never approved' } })).json.id as string;
      const archived = await fx.liveOffer({ goal: { type: 'referred_signups', count: 3 } });
      const a = await fx.participant(archived);
      await fx.archive(archived);

      for (const offerId of [draft, archived]) {
        expectError(await fx.signUpRaw(offerId, { email: uniqueEmail() }), 409, 'offer_not_live');
        expectError(await fx.visitRaw({ offerId, visitorId: unique('vis') }), 409, 'offer_not_live');
        expectError(await fx.conversionRaw({ offerId, visitorId: unique('vis') }), 409, 'offer_not_live');
      }
      expectError(await fx.signUpRaw('off_doesnotexist', { email: uniqueEmail() }), 404, 'not_found');
      expectError(await fx.visitRaw({ offerId: 'off_doesnotexist', visitorId: unique('vis') }), 404, 'not_found');
      // Archived: the data is kept and still readable.
      expect(await fx.progress(a)).toMatchObject({ credit: 0 });
    });

    it('requires the configured fields, except those already known for the person', async () => {
      const fields = [
        { name: 'email', required: true },
        { name: 'firstName', required: true },
        { name: 'company', required: true },
        { name: 'phone', required: false },
      ];
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 3 }, signupFlow: { fields } });
      const email = uniqueEmail('fields');

      const missing = await fx.signUpRaw(offerId, { email, fields: { firstName: '   ' } });
      expect(expectError(missing, 422, 'validation_failed').map((d) => d.path).sort()).toEqual(['fields.company', 'fields.firstName']);
      // Bad input changes nothing: no person was created.
      expect((await t.call({ method: 'GET', url: `/api/v1/people?email=${encodeURIComponent(email)}` })).json.data).toEqual([]);

      const ok = await fx.signUpRaw(offerId, { email, fields: { firstName: 'Ann', company: 'Acme' } });
      expect(ok.status, ok.body).toBe(201);

      // On another offer asking the same, the known fields are not required again.
      const other = await fx.liveOffer({ goal: { type: 'referred_signups', count: 3 }, signupFlow: { fields } });
      const known = await fx.signUpRaw(other, { email });
      expect(known.status, known.body).toBe(201);
      expect(await fx.person(await fx.personIdOf(email))).toMatchObject({ firstName: 'Ann', company: 'Acme' });
    });
  });

  // ----- 9. public endpoint hardening -----

  describe('public endpoints', () => {
    it('refuse unknown fields with 400', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_visits', count: 3 } });
      const cases: [Promise<Call>, string][] = [
        [fx.visitRaw({ offerId, visitorId: unique('vis'), referrer: 'par_x' }), 'referrer'],
        [fx.signUpRaw(offerId, { email: uniqueEmail(), credit: 100 }), 'credit'],
        [fx.signUpRaw(offerId, { email: uniqueEmail(), fields: { favouriteColour: 'red' } }), 'fields.favouriteColour'],
        [fx.conversionRaw({ offerId, visitorId: unique('vis'), participantId: 'par_x' }), 'participantId'],
      ];
      for (const [pending, field] of cases) {
        const details = expectError(await pending, 400, 'invalid_request');
        expect(details.map((d) => d.path)).toContain(field);
      }
    });

    it('accept JSON sent as text/plain (sendBeacon)', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_visits', count: 3 } });
      const a = await fx.participant(offerId);
      const friend = await friendClicks(a);
      const beacon = (url: string, body: unknown) =>
        t.call({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'text/plain;charset=UTF-8' }, key: null });

      const visit = await beacon('/v1/public/visits', { offerId, visitorId: friend.visitorId, clickId: friend.clickId });
      expect(visit.status, visit.body).toBe(202);
      expect(visit.json).toEqual({ newVisit: true });
      expect(await fx.credit(a)).toBe(1);
      const conversion = await beacon('/v1/public/conversions', { offerId, visitorId: friend.visitorId, event: 'purchase' });
      expect(conversion.status, conversion.body).toBe(202);
      // A text/plain body that is not JSON is a 400, not a 500.
      const broken = await t.call({ method: 'POST', url: '/v1/public/visits', payload: '{"offerId":', headers: { 'content-type': 'text/plain' }, key: null });
      expectError(broken, 400, 'malformed_json');
    });

    it('answer any origin (CORS)', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_visits', count: 3 } });
      const origin = { origin: 'https://customer.example.org' };
      const visit = await t.call({ method: 'POST', url: '/v1/public/visits', payload: { offerId, visitorId: unique('vis') }, headers: origin, key: null });
      expect(visit.status).toBe(202);
      expect(visit.headers['access-control-allow-origin']).toBe('*');
      const signup = await t.call({ method: 'POST', url: `/v1/public/offers/${offerId}/signups`, payload: { email: uniqueEmail() }, headers: origin, key: null });
      expect(signup.status).toBe(201);
      expect(signup.headers['access-control-allow-origin']).toBe('*');
      const refused = await t.call({ method: 'GET', url: '/v1/public/progress', headers: origin, key: null });
      expect(refused.status).toBe(401);
      expect(refused.headers['access-control-allow-origin']).toBe('*');

      const preflight = await t.call({
        method: 'OPTIONS',
        url: '/v1/public/progress',
        headers: { ...origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
        key: null,
      });
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers['access-control-allow-origin']).toBe('*');
      expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    });

    it('never return another person\'s email', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 1 } });
      const a = await fx.participant(offerId, { email: uniqueEmail('victim') });
      const friend = await friendClicks(a);
      const friendEmail = uniqueEmail('friend');
      const answers: Call[] = [];

      answers.push(await fx.visitRaw({ offerId, visitorId: friend.visitorId, clickId: friend.clickId }));
      answers.push(await fx.signUpRaw(offerId, { email: friendEmail, visitorId: friend.visitorId, clickId: friend.clickId }));
      answers.push(await fx.conversionRaw({ offerId, visitorId: friend.visitorId }));
      answers.push(await fx.progressRaw(answers[1]!.json.participantToken));
      // Someone typing A's address from another browser gets A's share link but no token and no data.
      const impostor = await fx.signUpRaw(offerId, { email: a.email, visitorId: unique('vis') });
      expect(impostor.status).toBe(200);
      expect(impostor.json.participantToken).toBeNull();
      answers.push(impostor);

      for (const res of answers) {
        expect(res.status, res.body).toBeLessThan(300);
        expect(res.body).not.toContain(a.email);
        expect(res.body).not.toContain(a.personId);
      }
      expect(Object.keys(answers[1]!.json).sort()).toEqual(['participantId', 'participantToken', 'shareCode', 'shareUrl']);
      expect(JSON.stringify(await fx.progress(a))).not.toContain(friendEmail);
      // The referrer's own progress was credited by the friend, and shows no friend data.
      expect(await fx.progress(a)).toMatchObject({ credit: 1, fulfilled: true });
    });
  });
});
