/**
 * GET /api/v1/offers/{id}/report on every store: a small program with known
 * numbers (visits, sign-ups, shares with recipients, clicks, referred
 * sign-ups, a fulfilment) over three hours on two days, then each metric,
 * the daily and hourly series (the 24-hour hourly default too), the counting
 * of stored activities, and bad ranges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStoredActivities } from '../src/app/report-stats.js';
import { startTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { loopFixtures, unique, uniqueEmail } from './support/loop-fixtures.js';
import type { LoopFixtures } from './support/loop-fixtures.js';
import { DIALECTS } from './support/stores.js';

type Call = Awaited<ReturnType<TestApp['call']>>;

const ZERO = {
  visits: 0,
  referredVisits: 0,
  widgetOpens: 0,
  signups: 0,
  interactions: 0,
  shares: 0,
  clicks: 0,
  registrations: 0,
  fulfilled: 0,
  participants: 0,
  sharers: 0,
  influencers: 0,
  reach: 0,
};

function expectError(res: Call, status: number, code: string): { path: string; message: string }[] {
  expect(res.status, res.body).toBe(status);
  expect(res.json).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  return res.json.error.details;
}

describe.each(DIALECTS)('offer report on %s', (dialect) => {
  let t: TestApp;
  let fx: LoopFixtures;
  let offerId: string;
  let otherOfferId: string;

  async function share(token: string | null, body: Record<string, unknown>): Promise<void> {
    const res = await t.call({ method: 'POST', url: '/v1/public/shares', key: null, headers: { authorization: `Bearer ${token}` }, payload: body });
    expect(res.status, res.body).toBe(202);
  }

  async function report(query = '', key?: string): Promise<Call> {
    return t.call({ method: 'GET', url: `/api/v1/offers/${offerId}/report${query}`, ...(key ? { key } : {}) });
  }

  /**
   * Day 1, 12:00: three visits (one page reload), R1 and R2 sign up, R1 shares by email to 3 and on facebook.
   * Day 1, 13:00: friend F1 clicks R1's link twice, visits through it and signs up (R1: credit 1).
   * Day 2, 13:00: F2 clicks R1's link and signs up (R1: credit 2, goal reached); R2 shares on twitter;
   *               a bot follows R2's link; F3 clicks it; someone signs up naming a click on another offer.
   */
  beforeAll(async () => {
    t = await startTestApp(dialect);
    fx = loopFixtures(t);
    offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 2 } });
    otherOfferId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 2 } });

    t.clock.set(new Date('2026-11-01T12:00:00.000Z'));
    const reloader = unique('vis');
    expect(await fx.visit(offerId, reloader)).toBe(true);
    t.clock.advance(60_000);
    expect(await fx.visit(offerId, reloader)).toBe(false); // same visit session
    expect(await fx.visit(offerId, unique('vis'))).toBe(true);
    expect(await fx.visit(offerId, unique('vis'))).toBe(true);
    const r1 = await fx.participant(offerId);
    const r2 = await fx.participant(offerId);
    await share(r1.participantToken, { channel: 'email', recipients: 3 });
    await share(r1.participantToken, { channel: 'facebook' });
    // Activity on another offer never shows in this one's report.
    await fx.visit(otherOfferId, unique('vis'));
    const elsewhere = await fx.participant(otherOfferId);

    t.clock.set(new Date('2026-11-01T13:05:00.000Z'));
    const c1 = await fx.click(r1.shareCode, { channel: 'email' });
    await fx.click(r1.shareCode, { cookie: c1.cookie });
    const f1Visitor = unique('vis');
    expect(await fx.visit(offerId, f1Visitor, { clickId: c1.clickId })).toBe(true);
    await fx.signUpNew(offerId, { email: uniqueEmail(), visitorId: f1Visitor, clickId: c1.clickId });

    t.clock.set(new Date('2026-11-02T13:30:00.000Z'));
    const c2 = await fx.click(r1.shareCode);
    await fx.signUpNew(offerId, { email: uniqueEmail(), visitorId: unique('vis'), clickId: c2.clickId });
    expect((await fx.progress(r1)).fulfilled).toBe(true);
    await share(r2.participantToken, { channel: 'twitter' });
    expect((await fx.follow(r2.shareCode, { ua: 'Twitterbot/1.0' })).status).toBe(302);
    await fx.click(r2.shareCode);
    // A sign-up naming a click on another offer's link is no registration here.
    const foreign = await fx.click(elsewhere.shareCode);
    await fx.signUpNew(offerId, { email: uniqueEmail(), visitorId: unique('vis'), clickId: foreign.clickId });
    t.clock.set(new Date('2026-11-02T13:45:00.000Z'));
  });
  afterAll(() => t.close());

  const DAY1 = { ...ZERO, start: '2026-11-01T00:00:00.000Z', visits: 4, referredVisits: 1, signups: 3, interactions: 3, shares: 2, clicks: 2, registrations: 1, participants: 3, sharers: 1, influencers: 1, reach: 3 };
  const DAY2 = { ...ZERO, start: '2026-11-02T00:00:00.000Z', signups: 2, interactions: 2, shares: 1, clicks: 2, registrations: 1, fulfilled: 1, participants: 2, sharers: 1, influencers: 1 };

  it('answers every metric of the funnel, the audience and the share metrics for a range of days', async () => {
    const res = await report('?from=2026-11-01&to=2026-11-03');
    expect(res.status, res.body).toBe(200);
    expect(res.json).toEqual({
      offerId,
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-03T00:00:00.000Z',
      interval: 'day',
      funnel: { visits: 4, interactions: 5, shares: 3, clicks: 4, registrations: 2, fulfilled: 1 },
      breakdown: { referredVisits: 1, otherVisits: 3, widgetOpens: 0, signups: 5 },
      audience: { participants: 5, sharers: 2, influencers: 2, reach: 3 },
      shareMetrics: { shareRate: 2 / 4, clickbackRate: 4 / 3, socialLift: 1 / 3, viralCoefficient: 2 / 5 },
      series: [DAY1, DAY2],
    });
  });

  it('answers the series by hour, with empty hours as zeros', async () => {
    const res = await report('?from=2026-11-01T12:00:00Z&to=2026-11-01T15:00:00Z&interval=hour');
    expect(res.status, res.body).toBe(200);
    expect(res.json.interval).toBe('hour');
    expect(res.json.series).toEqual([
      { ...ZERO, start: '2026-11-01T12:00:00.000Z', visits: 3, signups: 2, interactions: 2, shares: 2, participants: 2, sharers: 1, reach: 3 },
      { ...ZERO, start: '2026-11-01T13:00:00.000Z', visits: 1, referredVisits: 1, signups: 1, interactions: 1, clicks: 2, registrations: 1, participants: 1, influencers: 1 },
      { ...ZERO, start: '2026-11-01T14:00:00.000Z' },
    ]);
    expect(res.json.funnel).toEqual({ visits: 4, interactions: 3, shares: 2, clicks: 2, registrations: 1, fulfilled: 0 });
    expect(res.json.shareMetrics).toEqual({ shareRate: 1 / 4, clickbackRate: 1, socialLift: 1 / 3, viralCoefficient: 1 / 3 });
  });

  it('defaults to the last 24 hours, hourly, ending with the current hour', async () => {
    const res = await report();
    expect(res.status, res.body).toBe(200);
    expect(res.json.interval).toBe('hour');
    expect(res.json.from).toBe('2026-11-01T14:00:00.000Z');
    expect(res.json.to).toBe('2026-11-02T14:00:00.000Z');
    expect(res.json.series).toHaveLength(24);
    const busy = res.json.series.filter((b: { start: string }) => b.start === '2026-11-02T13:00:00.000Z');
    expect(busy).toEqual([{ ...DAY2, start: '2026-11-02T13:00:00.000Z' }]);
    for (const bucket of res.json.series) if (bucket.start !== '2026-11-02T13:00:00.000Z') expect(bucket).toEqual({ ...ZERO, start: bucket.start });
    expect(res.json.funnel).toEqual({ visits: 0, interactions: 2, shares: 1, clicks: 2, registrations: 1, fulfilled: 1 });
    // No visit in the range: the rates that divide by visits are null, not infinite.
    expect(res.json.shareMetrics).toEqual({ shareRate: null, clickbackRate: 2, socialLift: null, viralCoefficient: 1 / 2 });
  });

  it('chooses the interval by the range: hours up to 24 hours, days beyond; aligns the ends outwards', async () => {
    const short = await report('?from=2026-11-01T12:30:00Z&to=2026-11-01T13:10:00Z');
    expect(short.json).toMatchObject({ interval: 'hour', from: '2026-11-01T12:00:00.000Z', to: '2026-11-01T14:00:00.000Z' });
    expect(short.json.series).toHaveLength(2);
    const zoned = await report('?from=2026-11-01T14:00:00%2B02:00&to=2026-11-01T15:00:00%2B02:00');
    expect(zoned.json.series.map((b: { start: string; visits: number }) => [b.start, b.visits])).toEqual([['2026-11-01T12:00:00.000Z', 3]]);
    const long = await report('?from=2026-11-01T12:00:00Z&to=2026-11-02T12:00:01Z');
    expect(long.json).toMatchObject({ interval: 'day', from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' });
    const forced = await report('?from=2026-11-01&to=2026-11-03&interval=hour');
    expect(forced.json.series).toHaveLength(48);
    expect(forced.json.funnel).toEqual((await report('?from=2026-11-01&to=2026-11-03')).json.funnel);
  });

  it('the series adds up to the totals', async () => {
    const res = await report('?from=2026-10-01&to=2026-12-01');
    expect(res.status, res.body).toBe(200);
    expect(res.json.series).toHaveLength(61);
    const sum = (key: string) => res.json.series.reduce((n: number, b: Record<string, number>) => n + b[key]!, 0);
    expect(res.json.funnel).toEqual({ visits: sum('visits'), interactions: sum('interactions'), shares: sum('shares'), clicks: sum('clicks'), registrations: sum('registrations'), fulfilled: sum('fulfilled') });
    expect(res.json.audience).toEqual({ participants: sum('participants'), sharers: sum('sharers'), influencers: sum('influencers'), reach: sum('reach') });
  });

  it('counting the stored activities again gives the counters kept live', async () => {
    const db = t.ctx.store.db;
    const snapshot = async () => ({
      hours: await db.selectFrom('offer_hourly_stats').selectAll().orderBy('offer_id').orderBy('hour').orderBy('metric').execute(),
      days: await db.selectFrom('offer_daily_stats').selectAll().orderBy('offer_id').orderBy('day').orderBy('metric').execute(),
      marks: await db.selectFrom('report_first_marks').selectAll().orderBy('participant_id').orderBy('mark').execute(),
    });
    const live = await snapshot();
    expect(live.hours.length).toBeGreaterThan(10);
    expect(live.days.length).toBeGreaterThan(10);
    await db.deleteFrom('offer_hourly_stats').execute();
    await db.deleteFrom('offer_daily_stats').execute();
    await db.deleteFrom('report_first_marks').execute();
    const counted = await countStoredActivities(db, 7);
    expect(counted).toBeGreaterThan(20);
    expect(await snapshot()).toEqual(live);
  });

  it('is readable by every role (the read permission), not without a credential', async () => {
    expect((await report('', t.keys.analyst)).status).toBe(200);
    expect((await report('', t.keys.marketer)).status).toBe(200);
    expectError(await t.call({ method: 'GET', url: `/api/v1/offers/${offerId}/report`, key: null }), 401, 'unauthorized');
  });

  it('refuses bad ranges: 400 for what is not a date or an interval, 422 for an empty or too long range, 404 for an unknown offer', async () => {
    expect(expectError(await report('?from=yesterday'), 400, 'invalid_request')).toEqual([{ path: 'querystring.from', message: expect.any(String) }]);
    expectError(await report('?to=2026-02-30'), 400, 'invalid_request');
    expectError(await report('?from=2026-11-01T12:00:00'), 400, 'invalid_request'); // no time zone
    expectError(await report('?interval=week'), 400, 'invalid_request');
    expectError(await report('?from=2026-11-01&color=red'), 400, 'invalid_request');
    expect(expectError(await report('?from=2026-11-03&to=2026-11-01'), 422, 'validation_failed')).toEqual([{ path: 'from', message: expect.stringContaining('before') }]);
    expectError(await report('?from=2026-11-01&to=2026-11-01'), 422, 'validation_failed');
    expectError(await report('?from=2030-01-01'), 422, 'validation_failed'); // after "now"
    const long = expectError(await report('?from=2026-09-01&to=2026-11-01&interval=hour'), 422, 'validation_failed');
    expect(long[0]!.message).toContain('interval=day');
    expectError(await report('?from=2020-01-01&to=2026-11-01'), 422, 'validation_failed');
    expectError(await t.call({ method: 'GET', url: '/api/v1/offers/off_doesNotExist0000/report' }), 404, 'not_found');
  });
});
