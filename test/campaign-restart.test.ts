import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TestClock } from './support/app.js';
import type { TestApp } from './support/app.js';
import { campaignFixtures, MINUTE, sharedStore, startTestAppOn } from './support/campaign-fixtures.js';
import type { CampaignFixtures } from './support/campaign-fixtures.js';
import { loopFixtures, unique, uniqueEmail } from './support/loop-fixtures.js';
import type { LoopFixtures } from './support/loop-fixtures.js';
import { DIALECTS } from './support/stores.js';

/**
 * Campaign execution is durable (issue 4): a Wait is a time in the store, so
 * it survives a restart of the process; a step's effect and its recorded
 * result commit together, so a worker that crashes and is retried never
 * repeats an effect; a worker that dies holding a run loses it when its lease ends.
 */

const custom = (name: string) => ({ type: 'custom', constraints: [{ field: 'name', operator: 'is', value: name }] });
const ENV = { GOALPOST_PUBLIC_RATE_LIMIT: '0' };

describe.each(DIALECTS)('a Wait across a restart on %s', (dialect) => {
  it('waits 60 minutes in the store: a new process on the same store finishes the run after the time, not before', async () => {
    const store = await sharedStore(dialect);
    const email = uniqueEmail('waiting');
    let listId: string;
    let campaignId: string;
    let personId: string;
    const clock = new TestClock();
    let waitUntil: string;

    // First process: the run reaches the Wait and is parked in the store.
    const first = await startTestAppOn(store, { clock, env: ENV });
    try {
      const cx = campaignFixtures(first, loopFixtures(first));
      listId = await cx.list('Nurture');
      const trigger = unique('wait');
      campaignId = await cx.active({ triggers: [custom(trigger)], flow: [{ type: 'wait', minutes: 60 }, { type: 'add_to_list', listId }] });
      personId = (await cx.ingest({ type: 'custom', name: trigger, person: { email } })).personId;
      await cx.drain();
      const run = await cx.runOf(campaignId, personId);
      waitUntil = new Date(clock.now().getTime() + 60 * MINUTE).toISOString();
      expect(run).toMatchObject({ status: 'waiting', stepIndex: 1, nextRunAt: waitUntil, finishedAt: null });
      expect(cx.step(run, 0)).toMatchObject({ type: 'wait', status: 'done', result: { until: waitUntil } });
      expect(await cx.members(listId)).toEqual([]);
    } finally {
      await first.close();
    }

    // A new process (new connection, context, campaign index and runner) on the same store.
    const second = await startTestAppOn(store, { clock: new TestClock(clock.now()), env: ENV });
    try {
      const cx = campaignFixtures(second, loopFixtures(second));
      second.clock.advance(59 * MINUTE);
      await cx.drain();
      expect(await cx.members(listId)).toEqual([]);
      expect((await cx.runOf(campaignId, personId)).status).toBe('waiting');

      second.clock.advance(2 * MINUTE);
      await cx.drain();
      expect(await cx.members(listId)).toEqual([email]);
      const run = await cx.runOf(campaignId, personId);
      expect(run).toMatchObject({ status: 'completed', stepIndex: 2, finishedAt: second.clock.now().toISOString() });
      expect(run.steps.map((s) => [s.index, s.type, s.status])).toEqual([
        [-1, 'qualification', 'qualified'],
        [0, 'wait', 'done'],
        [1, 'add_to_list', 'done'],
      ]);
    } finally {
      await second.close();
      store.cleanup();
    }
  });
});

describe.each(DIALECTS)('a worker that crashes and retries on %s', (dialect) => {
  let t: TestApp;
  let fx: LoopFixtures;
  let cx: CampaignFixtures;
  beforeAll(async () => {
    t = await startTestApp(dialect, ENV);
    fx = loopFixtures(t);
    cx = campaignFixtures(t, fx);
  });
  afterEach(() => cx.deactivateAll());
  afterAll(() => t.close());

  /** What the run's steps did: the referrer's credit and mail, the friend's list membership and mail, the alert. */
  async function effects(offerId: string, referrer: { participantToken: string | null; personId: string }, friend: { email: string }, listId: string, alertTo: string) {
    return {
      credit: await fx.credit(referrer),
      refers: (await fx.activitiesOfType(referrer.personId, 'refers', offerId)).length,
      achieved: (await fx.activitiesOfType(referrer.personId, 'achieves_goal', offerId)).length,
      fulfilmentMails: (await fx.outbox(offerId, 'fulfillment')).length,
      campaignMails: (await cx.mailTo(friend.email, 'campaign')).length,
      alerts: (await cx.mailTo(alertTo, 'alert')).length,
      inList: (await cx.members(listId)).includes(friend.email),
    };
  }

  async function story() {
    const offerId = await fx.liveOffer({ goal: { type: 'smart_list_trigger', count: 1 } });
    const emailId = await fx.approvedEmail('<p>Thanks for your order</p>', 'Thanks for your order');
    const referrer = await fx.participant(offerId);
    const friend = await cx.referredFriend(offerId, referrer);
    const listId = await cx.list();
    const alertTo = uniqueEmail('alerts');
    const campaignId = await cx.active({
      triggers: [{ type: 'purchase' }],
      flow: [
        { type: 'give_credit_to_referrer', offerId },
        { type: 'send_email', emailId },
        { type: 'add_to_list', listId },
        { type: 'send_alert', to: alertTo },
      ],
    });
    await cx.ingest({ type: 'purchase', person: { email: friend.email }, attributes: { amount: 40 } });
    return { offerId, referrer, friend, listId, alertTo, campaignId, effects: () => effects(offerId, referrer, friend, listId, alertTo) };
  }

  const ONCE = { credit: 1, refers: 1, achieved: 1, fulfilmentMails: 1, campaignMails: 1, alerts: 1, inList: true };

  it('a run retried after its steps were recorded (lease expired, position lost) repeats no effect', async () => {
    const s = await story();
    await cx.drain();
    const done = await cx.runOf(s.campaignId, s.friend.personId);
    expect(done.status).toBe('completed');
    expect(await s.effects()).toEqual(ONCE);

    // Take the friend out of the list, so a repeated "add to list" would show.
    await cx.removeMember(s.listId, s.friend.personId);
    // The worst crash: the worker's lease expired and its position is lost; another worker claims the run from step 0.
    t.clock.advance(MINUTE);
    await t.ctx.store.db
      .updateTable('campaign_runs')
      .set({ status: 'running', step_index: 0, locked_until: new Date(t.clock.now().getTime() - 1000).toISOString(), finished_at: null })
      .where('id', '=', done.id)
      .execute();
    const runner = cx.runner();
    expect(await runner.runOnce()).toBe(1);
    await runner.drain();

    const again = await cx.runOf(s.campaignId, s.friend.personId);
    expect(again).toMatchObject({ status: 'completed', finishedAt: t.clock.now().toISOString() });
    expect(again.steps).toEqual(done.steps);
    expect(await s.effects()).toEqual({ ...ONCE, inList: false });
  });

  it('a worker that died holding a run: nobody touches it until its lease ends, then it runs once', async () => {
    const s = await story();
    const [pending] = await cx.runsOf(s.campaignId, s.friend.personId);
    // A worker claimed it with a 60 s lease and died before doing anything.
    await t.ctx.store.db
      .updateTable('campaign_runs')
      .set({ status: 'running', locked_until: new Date(t.clock.now().getTime() + 60_000).toISOString() })
      .where('id', '=', pending!.id)
      .execute();
    await cx.drain();
    expect((await cx.runOf(s.campaignId, s.friend.personId)).status).toBe('running');
    expect(await s.effects()).toMatchObject({ credit: 0, campaignMails: 0, alerts: 0, inList: false });

    t.clock.advance(61_000);
    await cx.drain();
    expect((await cx.runOf(s.campaignId, s.friend.personId)).status).toBe('completed');
    expect(await s.effects()).toEqual(ONCE);
  });

  it('two workers draining at once run each step once', async () => {
    const s = await story();
    await Promise.all([cx.runner().drain(), cx.runner().drain(), cx.runner().drain()]);
    expect((await cx.runOf(s.campaignId, s.friend.personId)).status).toBe('completed');
    expect(await s.effects()).toEqual(ONCE);
  });
});
