import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { startTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { campaignFixtures, DAY, expectError, HOUR, MINUTE, webhookReceiver, webhookSecret } from './support/campaign-fixtures.js';
import type { CampaignFixtures, Receiver, RunView } from './support/campaign-fixtures.js';
import { loopFixtures, unique, uniqueEmail } from './support/loop-fixtures.js';
import type { LoopFixtures, Participant } from './support/loop-fixtures.js';
import { DIALECTS } from './support/stores.js';

/**
 * Smart campaigns over HTTP on every store (issue 4): activities in, triggers
 * and filters, every flow step, qualification, validation on save and on
 * activation, history, and the original product's milestone goals end to end.
 * The runner is driven by hand (drain) and time by the test clock.
 */

const custom = (name: string) => ({ type: 'custom', constraints: [{ field: 'name', operator: 'is', value: name }] });

describe.each(DIALECTS)('smart campaigns on %s', (dialect) => {
  let t: TestApp;
  let fx: LoopFixtures;
  let cx: CampaignFixtures;
  beforeAll(async () => {
    // The stories below sign up and click more often a minute than the per-IP limit allows.
    t = await startTestApp(dialect, { GOALPOST_PUBLIC_RATE_LIMIT: '0' });
    fx = loopFixtures(t);
    cx = campaignFixtures(t, fx);
  });
  // One test's campaigns must not run for the next test's activities.
  afterEach(() => cx.deactivateAll());
  afterAll(() => t.close());

  const smartOffer = (count: number, extra: Record<string, unknown> = {}) => fx.liveOffer({ goal: { type: 'smart_list_trigger', count }, ...extra });

  // ----- 1. the original product's milestone goals -----

  describe('milestone goals end to end', () => {
    it('"1 referred opportunity created": a friend arrives by share link, is identified, the CRM posts the opportunity, the referrer is fulfilled and mailed', async () => {
      const offerId = await smartOffer(1);
      const referrer = await fx.participant(offerId);
      const campaignId = await cx.active({
        name: '1 referred opportunity created',
        triggers: [{ type: 'opportunity_created' }],
        flow: [{ type: 'give_credit_to_referrer', offerId }],
      });

      // The friend follows the share link in a browser, the page reports the visit, the site identifies them.
      const click = await fx.click(referrer.shareCode);
      const visitorId = unique('vis');
      expect(await fx.visit(offerId, visitorId, { clickId: click.clickId })).toBe(true);
      const friendEmail = uniqueEmail('prospect');
      const identified = await cx.identify(visitorId, friendEmail);
      expect(identified.referralsLinked).toBe(1);
      expect(await fx.progress(referrer)).toMatchObject({ credit: 0, fulfilled: false });

      // The CRM reports the opportunity; credit waits for the runner.
      const ingested = await cx.ingest({ type: 'opportunity_created', person: { email: friendEmail }, attributes: { amount: 12000, stage: 'Qualified' } });
      expect(ingested).toEqual({ activityId: expect.stringMatching(/^act_/), personId: identified.personId, replayed: false });
      expect(await fx.credit(referrer)).toBe(0);
      const pending = await cx.runOf(campaignId, identified.personId);
      expect(pending).toMatchObject({ status: 'pending', activityId: ingested.activityId, steps: [] });

      await cx.drain();

      expect(await fx.progress(referrer)).toMatchObject({ credit: 1, goal: 1, fulfilled: true, fulfilledAt: expect.any(String) });
      const run = await cx.runOf(campaignId, identified.personId);
      expect(run).toMatchObject({ status: 'completed', finishedAt: expect.any(String), detail: null });
      expect(run.steps).toEqual([
        { index: -1, type: 'qualification', status: 'qualified', result: {}, at: expect.any(String) },
        { index: 0, type: 'give_credit_to_referrer', status: 'done', result: { credit: 1, fulfilled: true }, at: expect.any(String) },
      ]);
      // The credit is a "refers" activity of type trigger on the referrer, naming the friend and the run.
      const refers = await fx.activitiesOfType(referrer.personId, 'refers', offerId);
      expect(refers).toHaveLength(1);
      expect(refers[0]!.attributes).toMatchObject({ referredType: 'trigger', referredPersonId: identified.personId, campaignRunId: run.id, campaignId });
      // Fulfilled once: one activity, one email in the mail log, to the referrer.
      expect(await fx.activitiesOfType(referrer.personId, 'achieves_goal', offerId)).toHaveLength(1);
      const mails = (await fx.outbox(offerId, 'fulfillment')).filter((m) => m.personId === referrer.personId);
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ to: referrer.email, subject: expect.stringMatching(/^Goal reached/) });
      const row = await fx.participantRow(offerId, referrer.participantId);
      expect(row).toMatchObject({ credit: 1, fulfilledAt: expect.any(String), fulfillmentState: 'sent' });

      // Nothing more happens on another pass.
      await cx.drain();
      expect(await fx.credit(referrer)).toBe(1);
      expect((await fx.outbox(offerId, 'fulfillment')).filter((m) => m.personId === referrer.personId)).toHaveLength(1);
    });

    it('"5 referred webinar attendees": credit per attending friend, fulfilled at the 5th and not before, once', async () => {
      const offerId = await smartOffer(5);
      const referrer = await fx.participant(offerId);
      const campaignId = await cx.active({
        name: '5 referred webinar attendees',
        triggers: [{ type: 'webinar_attended' }],
        flow: [{ type: 'give_credit_to_referrer', offerId }],
      });
      const friends = [];
      for (let i = 0; i < 6; i++) friends.push(await cx.referredFriend(offerId, referrer));

      // Registering is not attending: no run, no credit.
      await cx.ingestRaw({ activities: friends.map((f) => ({ type: 'webinar_registered', person: { email: f.email } })) });
      await cx.drain();
      expect(await cx.runs(campaignId)).toEqual([]);
      expect(await fx.credit(referrer)).toBe(0);

      for (let i = 0; i < 5; i++) {
        await cx.ingest({ type: 'webinar_attended', person: { email: friends[i]!.email }, attributes: { webinar: 'Spring launch' } });
        await cx.drain();
        const progress = await fx.progress(referrer);
        expect(progress.credit).toBe(i + 1);
        expect(progress.fulfilled, `fulfilled after ${i + 1}`).toBe(i === 4);
        const mails = (await fx.outbox(offerId, 'fulfillment')).filter((m) => m.personId === referrer.personId);
        expect(mails).toHaveLength(i === 4 ? 1 : 0);
        expect(await fx.activitiesOfType(referrer.personId, 'achieves_goal', offerId)).toHaveLength(i === 4 ? 1 : 0);
      }
      const fifth = await cx.runOf(campaignId, friends[4]!.personId);
      expect(cx.step(fifth, 0)).toMatchObject({ status: 'done', result: { credit: 5, fulfilled: true } });

      // The same friend attending again does not run again (qualification "once" by default)...
      t.clock.advance(MINUTE);
      await cx.ingest({ type: 'webinar_attended', person: { email: friends[0]!.email } });
      await cx.drain();
      const again = await cx.runsOf(campaignId, friends[0]!.personId);
      expect(again.map((r) => r.status)).toEqual(['completed', 'skipped']);
      expect(cx.step(again[1]!, -1).status).toBe('not_qualified');
      expect(await fx.credit(referrer)).toBe(5);

      // ...and a sixth friend counts for reports but fulfils nothing again.
      await cx.ingest({ type: 'webinar_attended', person: { email: friends[5]!.email } });
      await cx.drain();
      expect(await fx.progress(referrer)).toMatchObject({ credit: 6, fulfilled: true });
      expect((await fx.outbox(offerId, 'fulfillment')).filter((m) => m.personId === referrer.personId)).toHaveLength(1);
      expect(await fx.activitiesOfType(referrer.personId, 'achieves_goal', offerId)).toHaveLength(1);
    });

    it('a person with no referrer: the step records no_referrer and nothing changes', async () => {
      const offerId = await smartOffer(1);
      const referrer = await fx.participant(offerId);
      const campaignId = await cx.active({ triggers: [{ type: 'opportunity_created' }], flow: [{ type: 'give_credit_to_referrer', offerId }] });

      // Someone who never followed a link, and a friend who clicked and visited but was never identified.
      const stranger = uniqueEmail('stranger');
      const click = await fx.click(referrer.shareCode);
      await fx.visit(offerId, unique('vis'), { clickId: click.clickId });
      const anonymous = uniqueEmail('anon');
      const people = [];
      for (const email of [stranger, anonymous]) people.push((await cx.ingest({ type: 'opportunity_created', person: { email } })).personId);
      await cx.drain();

      for (const personId of people) {
        const run = await cx.runOf(campaignId, personId);
        expect(run.status).toBe('completed');
        expect(cx.step(run, 0)).toMatchObject({ type: 'give_credit_to_referrer', status: 'no_referrer', result: { reason: 'no_referrer' } });
      }
      expect(await fx.progress(referrer)).toMatchObject({ credit: 0, fulfilled: false });
      expect(await fx.activitiesOfType(referrer.personId, 'refers')).toEqual([]);
      expect(await fx.outbox(offerId, 'fulfillment')).toEqual([]);
    });
  });

  // ----- 2. filters through real campaigns -----

  describe('filters', () => {
    /** One campaign per filter, all triggered by the same custom activity, each adding to its own list. */
    async function campaignsFor(trigger: string, filters: Record<string, unknown>[]): Promise<string[]> {
      const lists: string[] = [];
      for (const filter of filters) {
        const listId = await cx.list();
        await cx.active({ triggers: [custom(trigger)], filters: [filter], flow: [{ type: 'add_to_list', listId }], qualification: { rule: 'every_time' } });
        lists.push(listId);
      }
      return lists;
    }

    it('person fields: each operator on firstName, company, referredSignups, createdAt and a custom field', async () => {
      const ann = uniqueEmail('ann');
      const bob = uniqueEmail('bob');
      // Ann brought two friends to a sign-up offer: her referredSignups is 2.
      const signupOffer = await fx.liveOffer({ goal: { type: 'referred_signups', count: 10 } });
      const annP = await fx.participant(signupOffer, { email: ann });
      for (let i = 0; i < 2; i++) {
        const click = await fx.click(annP.shareCode);
        await fx.signUpNew(signupOffer, { visitorId: unique('vis'), clickId: click.clickId });
      }
      // Fields set by a campaign (Change Data Value), custom ones included.
      const setup = unique('setup');
      await cx.active({
        triggers: [custom(setup)],
        filters: [{ type: 'person_field', field: 'email', operator: 'is', value: ann }],
        flow: [
          { type: 'change_data_value', field: 'firstName', value: 'Ann' },
          { type: 'change_data_value', field: 'company', value: 'Acme Corporation' },
          { type: 'change_data_value', field: 'fields.plan', value: 'Pro' },
        ],
        qualification: { rule: 'every_time' },
      });
      await cx.ingest({ type: 'custom', name: setup, person: { email: ann } });
      // Bob arrives three days later, with only a first name.
      t.clock.advance(3 * DAY);
      const bobId = (await cx.ingest({ type: 'custom', name: setup, person: { email: bob } })).personId;
      await cx.drain();
      expect(await fx.person(annP.personId)).toMatchObject({ firstName: 'Ann', company: 'Acme Corporation', counters: { referredSignups: 2 } });
      expect(await fx.person(bobId)).toMatchObject({ firstName: null, company: null, counters: { referredSignups: 0 } });
      await cx.deactivateAll();
      await cx.active({ triggers: [custom(setup)], filters: [{ type: 'person_field', field: 'email', operator: 'is', value: bob }], flow: [{ type: 'change_data_value', field: 'firstName', value: 'Bob' }] });
      await cx.ingest({ type: 'custom', name: setup, person: { email: bob } });
      await cx.drain();
      expect(await fx.person(bobId)).toMatchObject({ firstName: 'Bob' });
      await cx.deactivateAll();

      const trigger = unique('check');
      const cases: [Record<string, unknown>, string[]][] = [
        [{ field: 'firstName', operator: 'is', value: 'ann' }, [ann]],
        [{ field: 'firstName', operator: 'is_not', value: 'Ann' }, [bob]],
        [{ field: 'firstName', operator: 'starts_with', value: 'BO' }, [bob]],
        [{ field: 'company', operator: 'contains', value: 'corp' }, [ann]],
        [{ field: 'company', operator: 'is_empty' }, [bob]],
        [{ field: 'company', operator: 'is_not_empty' }, [ann]],
        [{ field: 'referredSignups', operator: 'greater_than', value: 1 }, [ann]],
        [{ field: 'referredSignups', operator: 'less_than', value: 1 }, [bob]],
        [{ field: 'referredSignups', operator: 'is', value: 2 }, [ann]],
        [{ field: 'createdAt', operator: 'in_past_days', value: 2 }, [bob]],
        [{ field: 'createdAt', operator: 'in_past_days', value: 4 }, [ann, bob]],
        [{ field: 'fields.plan', operator: 'is', value: 'pro' }, [ann]],
        [{ field: 'fields.plan', operator: 'is_empty' }, [bob]],
      ];
      const lists = await campaignsFor(
        trigger,
        cases.map(([f]) => ({ type: 'person_field', ...f })),
      );
      await cx.ingestRaw({ activities: [ann, bob].map((email) => ({ type: 'custom', name: trigger, person: { email } })) });
      await cx.drain();
      for (let i = 0; i < cases.length; i++) {
        expect(await cx.members(lists[i]!), JSON.stringify(cases[i]![0])).toEqual([...cases[i]![1]].sort());
      }
    });

    it('list membership: in_list and not_in_list on a static list', async () => {
      const vip = await cx.list('VIP customers');
      const [inside, outside] = [uniqueEmail('vip'), uniqueEmail('regular')];
      expect(await cx.addMembers(vip, [inside])).toBe(1);
      const trigger = unique('lists');
      const [inList, notInList] = await campaignsFor(trigger, [
        { type: 'in_list', listId: vip },
        { type: 'not_in_list', listId: vip },
      ]);
      await cx.ingestRaw({ activities: [inside, outside].map((email) => ({ type: 'custom', name: trigger, person: { email } })) });
      await cx.drain();
      expect(await cx.members(inList!)).toEqual([inside]);
      expect(await cx.members(notInList!)).toEqual([outside]);
    });

    it('referred_by_offer: only friends referred by a participant of that offer', async () => {
      const offerA = await smartOffer(10);
      const offerB = await smartOffer(10);
      const friendOfA = await cx.referredFriend(offerA, await fx.participant(offerA));
      const friendOfB = await cx.referredFriend(offerB, await fx.participant(offerB));
      const nobody = uniqueEmail('nobody');
      const trigger = unique('referred');
      const [byA] = await campaignsFor(trigger, [{ type: 'referred_by_offer', offerId: offerA }]);
      await cx.ingestRaw({ activities: [friendOfA.email, friendOfB.email, nobody].map((email) => ({ type: 'custom', name: trigger, person: { email } })) });
      await cx.drain();
      expect(await cx.members(byA!)).toEqual([friendOfA.email]);
    });

    it('has_activity: at least minCount activities of a type within the last withinDays days', async () => {
      const email = uniqueEmail('buyer');
      const trigger = unique('activity');
      const [twoIn7, threeIn30, oneIn1] = await campaignsFor(trigger, [
        { type: 'has_activity', activityType: 'purchase', withinDays: 7, minCount: 2 },
        { type: 'has_activity', activityType: 'purchase', withinDays: 30, minCount: 3 },
        { type: 'has_activity', activityType: 'purchase', withinDays: 1 },
      ]);
      const check = async () => {
        await cx.ingest({ type: 'custom', name: trigger, person: { email } });
        await cx.drain();
        return [await cx.members(twoIn7!), await cx.members(threeIn30!), await cx.members(oneIn1!)].map((m) => m.length);
      };
      await cx.ingest({ type: 'purchase', person: { email }, attributes: { amount: 10 } });
      t.clock.advance(8 * DAY);
      await cx.ingest({ type: 'purchase', person: { email }, attributes: { amount: 20 } });
      // Two purchases in 30 days, only one in the last 7: neither threshold is met; the default minCount is 1.
      expect(await check()).toEqual([0, 0, 1]);
      t.clock.advance(2 * DAY);
      await cx.ingest({ type: 'purchase', person: { email }, attributes: { amount: 30 } });
      expect(await check()).toEqual([1, 1, 1]);
      // Two days without purchases: the last day has none.
      t.clock.advance(2 * DAY);
      const listId = await cx.list();
      await cx.deactivateAll();
      await cx.active({
        triggers: [custom(trigger)],
        filters: [{ type: 'has_activity', activityType: 'purchase', withinDays: 1, minCount: 1 }],
        flow: [{ type: 'add_to_list', listId }],
      });
      await cx.ingest({ type: 'custom', name: trigger, person: { email } });
      await cx.drain();
      expect(await cx.members(listId)).toEqual([]);
    });

    it('trigger constraints: attribute comparisons and the custom activity name pick which activities start a run', async () => {
      const listId = await cx.list();
      const campaignId = await cx.active({
        triggers: [
          { type: 'purchase', constraints: [{ field: 'attributes.amount', operator: 'greater_than', value: 100 }, { field: 'attributes.currency', operator: 'is', value: 'EUR' }] },
          { type: 'custom', constraints: [{ field: 'name', operator: 'starts_with', value: 'Demo' }] },
        ],
        flow: [{ type: 'add_to_list', listId }],
        qualification: { rule: 'every_time' },
      });
      const [small, otherCurrency, big, demo, other] = [1, 2, 3, 4, 5].map(() => uniqueEmail('c'));
      await cx.ingestRaw({
        activities: [
          { type: 'purchase', person: { email: small }, attributes: { amount: 99, currency: 'EUR' } },
          { type: 'purchase', person: { email: otherCurrency }, attributes: { amount: 500, currency: 'USD' } },
          { type: 'purchase', person: { email: big }, attributes: { amount: 500, currency: 'eur' } },
          { type: 'custom', name: 'Demo booked', person: { email: demo } },
          { type: 'custom', name: 'Newsletter', person: { email: other } },
        ],
      });
      // Activities that do not match start no run at all.
      expect(await cx.runs(campaignId)).toHaveLength(2);
      await cx.drain();
      expect(await cx.members(listId)).toEqual([big, demo].sort());
    });
  });

  // ----- 3. qualification -----

  describe('qualification', () => {
    async function alertCampaign(qualification: Record<string, unknown>): Promise<{ campaignId: string; trigger: string; alertTo: string }> {
      const trigger = unique('q');
      const alertTo = uniqueEmail('alerts');
      const campaignId = await cx.active({ triggers: [custom(trigger)], flow: [{ type: 'send_alert', to: alertTo }], qualification });
      return { campaignId, trigger, alertTo };
    }

    it('once: the second trigger for the same person is skipped; another person still runs', async () => {
      const { campaignId, trigger, alertTo } = await alertCampaign({ rule: 'once' });
      const [a, b] = [uniqueEmail('a'), uniqueEmail('b')];
      const aId = (await cx.ingest({ type: 'custom', name: trigger, person: { email: a } })).personId;
      await cx.drain();
      t.clock.advance(30 * DAY);
      await cx.ingest({ type: 'custom', name: trigger, person: { email: a } });
      await cx.ingest({ type: 'custom', name: trigger, person: { email: b } });
      await cx.drain();
      const runs = await cx.runsOf(campaignId, aId);
      expect(runs.map((r) => r.status)).toEqual(['completed', 'skipped']);
      expect(runs[1]!.detail).toMatch(/qualification/);
      expect(runs[1]!.steps).toEqual([{ index: -1, type: 'qualification', status: 'not_qualified', result: {}, at: expect.any(String) }]);
      expect(await cx.mailTo(alertTo, 'alert')).toHaveLength(2);
    });

    it('every_time: each trigger runs', async () => {
      const { campaignId, trigger, alertTo } = await alertCampaign({ rule: 'every_time' });
      const email = uniqueEmail('e');
      let personId = '';
      for (let i = 0; i < 3; i++) personId = (await cx.ingest({ type: 'custom', name: trigger, person: { email } })).personId;
      await cx.drain();
      expect((await cx.runsOf(campaignId, personId)).map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
      expect(await cx.mailTo(alertTo, 'alert')).toHaveLength(3);
    });

    it('at_most_every N hours: a trigger inside N hours of the last run is skipped; after N hours it runs again', async () => {
      const { campaignId, trigger, alertTo } = await alertCampaign({ rule: 'at_most_every', hours: 6 });
      const email = uniqueEmail('h');
      const fire = async () => {
        await cx.ingest({ type: 'custom', name: trigger, person: { email } });
        await cx.drain();
      };
      await fire();
      t.clock.advance(5 * HOUR);
      await fire();
      t.clock.advance(HOUR - MINUTE);
      await fire();
      t.clock.advance(2 * MINUTE); // 6 h 01 min after the first run
      await fire();
      t.clock.advance(HOUR);
      await fire();
      const personId = await fx.personIdOf(email);
      expect((await cx.runsOf(campaignId, personId)).map((r) => r.status)).toEqual(['completed', 'skipped', 'skipped', 'completed', 'skipped']);
      expect(await cx.mailTo(alertTo, 'alert')).toHaveLength(2);
    });

    it('filters are checked before the rule: a filtered-out trigger does not use up "once"', async () => {
      const listId = await cx.list();
      const trigger = unique('f');
      const campaignId = await cx.active({
        triggers: [custom(trigger)],
        filters: [{ type: 'in_list', listId }],
        flow: [{ type: 'send_alert', to: 'ops@example.com' }],
        qualification: { rule: 'once' },
      });
      const email = uniqueEmail('late');
      const personId = (await cx.ingest({ type: 'custom', name: trigger, person: { email } })).personId;
      await cx.drain();
      await cx.addMembers(listId, [email]);
      t.clock.advance(MINUTE);
      await cx.ingest({ type: 'custom', name: trigger, person: { email } });
      await cx.drain();
      const runs = await cx.runsOf(campaignId, personId);
      expect(runs.map((r) => [r.status, r.steps[0]!.status])).toEqual([
        ['skipped', 'filtered_out'],
        ['completed', 'qualified'],
      ]);
    });
  });

  // ----- 6. the other flow steps -----

  describe('flow steps', () => {
    it('send_email, change_data_value (person and custom fields), add/remove list and send_alert, in order', async () => {
      const emailId = await fx.approvedEmail('<p>Thanks {{lead.First Name}}</p>', 'Your demo, {{lead.First Name}}');
      const [welcome, prospects] = [await cx.list(), await cx.list()];
      const email = uniqueEmail('lead');
      await cx.addMembers(prospects, [email]);
      const trigger = unique('steps');
      const campaignId = await cx.active({
        name: 'Demo follow-up',
        triggers: [custom(trigger)],
        flow: [
          { type: 'send_email', emailId },
          { type: 'change_data_value', field: 'firstName', value: 'Grace' },
          { type: 'change_data_value', field: 'company', value: 'Hopper Inc' },
          { type: 'change_data_value', field: 'consent', value: 'unsubscribed' },
          { type: 'change_data_value', field: 'fields.tier', value: 'gold' },
          { type: 'change_data_value', field: 'fields.region', value: 'emea' },
          { type: 'add_to_list', listId: welcome },
          { type: 'remove_from_list', listId: prospects },
          { type: 'send_email', emailId },
          { type: 'send_alert', to: 'sales@example.com', message: 'A demo was booked' },
        ],
      });
      const { personId } = await cx.ingest({ type: 'custom', name: trigger, person: { email } });
      await cx.drain();

      const run = await cx.runOf(campaignId, personId);
      expect(run.status).toBe('completed');
      expect(run.steps.map((s) => [s.index, s.type, s.status])).toEqual([
        [-1, 'qualification', 'qualified'],
        [0, 'send_email', 'done'],
        [1, 'change_data_value', 'done'],
        [2, 'change_data_value', 'done'],
        [3, 'change_data_value', 'done'],
        [4, 'change_data_value', 'done'],
        [5, 'change_data_value', 'done'],
        [6, 'add_to_list', 'done'],
        [7, 'remove_from_list', 'done'],
        [8, 'send_email', 'done'],
        [9, 'send_alert', 'done'],
      ]);
      // The first email went before the name was set; the second one sees it.
      const mails = (await cx.mailTo(email, 'campaign')).map((m) => m.subject).sort();
      expect(mails).toEqual(['Your demo, ', 'Your demo, Grace']);
      expect(await fx.person(personId)).toMatchObject({ firstName: 'Grace', company: 'Hopper Inc', consent: 'unsubscribed' });
      expect(await cx.members(welcome)).toEqual([email]);
      expect(await cx.members(prospects)).toEqual([]);
      const alerts = await cx.mailTo('sales@example.com', 'alert');
      expect(alerts.filter((a) => a.personId === personId)).toHaveLength(1);
      expect(alerts.find((a) => a.personId === personId)!.subject).toBe('Goalpost alert: Demo follow-up');

      // Both custom fields were kept: a campaign filtering on them finds the person.
      await cx.deactivateAll();
      const found = await cx.list();
      const check = unique('check');
      await cx.active({
        triggers: [custom(check)],
        filters: [
          { type: 'person_field', field: 'fields.tier', operator: 'is', value: 'gold' },
          { type: 'person_field', field: 'fields.region', operator: 'is', value: 'EMEA' },
        ],
        flow: [{ type: 'add_to_list', listId: found }, { type: 'change_data_value', field: 'fields.tier', value: null }],
      });
      await cx.ingest({ type: 'custom', name: check, person: { email } });
      await cx.drain();
      expect(await cx.members(found)).toEqual([email]);
      const row = await t.ctx.store.db.selectFrom('people').select('fields_json').where('id', '=', personId).executeTakeFirstOrThrow();
      expect(JSON.parse(row.fields_json)).toEqual({ region: 'emea' });
    });

    it('list steps on a member and a non-member record what they found', async () => {
      const listId = await cx.list();
      const trigger = unique('lst');
      const campaignId = await cx.active({
        triggers: [custom(trigger)],
        flow: [{ type: 'remove_from_list', listId }, { type: 'add_to_list', listId }, { type: 'add_to_list', listId }],
      });
      const { personId } = await cx.ingest({ type: 'custom', name: trigger, person: { email: uniqueEmail() } });
      await cx.drain();
      const run = await cx.runOf(campaignId, personId);
      expect(run.steps.slice(1).map((s) => s.status)).toEqual(['not_member', 'done', 'already_member']);
    });

    it('send_fulfillment_email: sends a fulfilled participant their email once (manual delivery), never to someone not fulfilled', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 1 }, fulfillmentDelivery: 'manual' });
      const winner = await fx.participant(offerId);
      const notYet = await fx.participant(offerId);
      const click = await fx.click(winner.shareCode);
      await fx.signUpNew(offerId, { visitorId: unique('vis'), clickId: click.clickId });
      expect(await fx.participantRow(offerId, winner.participantId)).toMatchObject({ fulfilledAt: expect.any(String), fulfillmentState: 'awaiting_send' });
      expect(await fx.outbox(offerId, 'fulfillment')).toEqual([]);

      const trigger = unique('fulfil');
      const campaignId = await cx.active({ triggers: [custom(trigger)], flow: [{ type: 'send_fulfillment_email', offerId }], qualification: { rule: 'every_time' } });
      for (const p of [winner, notYet]) await cx.ingest({ type: 'custom', name: trigger, person: { email: p.email } });
      await cx.drain();
      t.clock.advance(MINUTE);
      await cx.ingest({ type: 'custom', name: trigger, person: { email: winner.email } });
      await cx.drain();

      const mails = await fx.outbox(offerId, 'fulfillment');
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ personId: winner.personId, to: winner.email });
      expect((await cx.runsOf(campaignId, winner.personId)).map((r) => cx.step(r, 0).status)).toEqual(['done', 'already_sent']);
      expect(cx.step(await cx.runOf(campaignId, notYet.personId), 0).status).toBe('not_fulfilled');
      // The participant list shows it sent, and manual delivery does not send it again.
      expect(await fx.participantRow(offerId, winner.participantId)).toMatchObject({ fulfillmentState: 'sent' });
      expect(await fx.sendFulfillmentEmails(offerId, [winner.participantId])).toEqual({ queued: [], skipped: [{ participantId: winner.participantId, reason: 'already sent' }] });
    });

    it('send_fulfillment_email: a participant waiting for a promo code gets no email without a code', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 1 }, promoCodes: { enabled: true } });
      const winner = await fx.participant(offerId);
      const click = await fx.click(winner.shareCode);
      await fx.signUpNew(offerId, { visitorId: unique('vis'), clickId: click.clickId });
      expect(await fx.participantRow(offerId, winner.participantId)).toMatchObject({ fulfillmentState: 'needs_code' });

      const trigger = unique('fulfil');
      const campaignId = await cx.active({ triggers: [custom(trigger)], flow: [{ type: 'send_fulfillment_email', offerId }] });
      await cx.ingest({ type: 'custom', name: trigger, person: { email: winner.email } });
      await cx.drain();
      expect(await fx.outbox(offerId, 'fulfillment')).toEqual([]);
      expect(cx.step(await cx.runOf(campaignId, winner.personId), 0)).toMatchObject({ status: 'needs_code', result: { participantId: winner.participantId } });
      expect(await fx.participantRow(offerId, winner.participantId)).toMatchObject({ fulfillmentState: 'needs_code' });
    });
  });

  // ----- 6. validation on save and on activation -----

  describe('validation and activation', () => {
    it('refuses activation with every problem at once: wrong goal type (named), unapproved offer, unapproved email', async () => {
      const signupsOffer = await fx.liveOffer({ goal: { type: 'referred_signups', count: 3 } });
      const draftOffer = (await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: unique('draft') } })).json.id as string;
      expect((await t.call({ method: 'PATCH', url: `/api/v1/offers/${draftOffer}/draft`, payload: { goal: { type: 'smart_list_trigger', count: 1 } } })).status).toBe(200);
      const draftEmail = (await t.call({ method: 'POST', url: '/api/v1/emails', payload: { name: 'draft', subject: 'Hi', html: '<p>Hi</p>' } })).json.id as string;

      const created = await cx.create({
        triggers: [{ type: 'opportunity_created' }],
        flow: [
          { type: 'give_credit_to_referrer', offerId: signupsOffer },
          { type: 'give_credit_to_referrer', offerId: draftOffer },
          { type: 'send_email', emailId: draftEmail },
        ],
      });
      // Saving works (the references exist); the view says what blocks activation.
      expect(created.status).toBe('inactive');
      expect(created.activationProblems.map((p: { path: string }) => p.path).sort()).toEqual(['flow.0.offerId', 'flow.1.offerId', 'flow.2.emailId']);

      const details = expectError(await cx.activateRaw(created.id), 422, 'validation_failed');
      expect(details.map((d) => d.path).sort()).toEqual(['flow.0.offerId', 'flow.1.offerId', 'flow.2.emailId']);
      const goal = details.find((d) => d.path === 'flow.0.offerId')!;
      expect(goal.message).toContain('smart_list_trigger');
      expect(goal.message).toContain('referred_signups');
      expect(details.find((d) => d.path === 'flow.1.offerId')!.message).toMatch(/not approved/);
      expect(details.find((d) => d.path === 'flow.2.emailId')!.message).toMatch(/not approved/);
      expect((await cx.get(created.id)).status).toBe('inactive');

      // Fixing one problem leaves the others.
      expect((await t.call({ method: 'POST', url: `/api/v1/emails/${draftEmail}/approve` })).status).toBe(200);
      expect(expectError(await cx.activateRaw(created.id), 422, 'validation_failed').map((d) => d.path).sort()).toEqual(['flow.0.offerId', 'flow.1.offerId']);

      // An inactive campaign starts no run.
      await cx.ingest({ type: 'opportunity_created', person: { email: uniqueEmail() } });
      expect(await cx.runs(created.id)).toEqual([]);
    });

    it('Give Credit to Referrer on each non-smart-list goal type is refused, naming the goal type', async () => {
      for (const type of ['referred_visits', 'referred_signups', 'custom_js_event']) {
        const offerId = await fx.liveOffer({ goal: { type, count: 2 } });
        const created = await cx.create({ triggers: [{ type: 'purchase' }], flow: [{ type: 'give_credit_to_referrer', offerId }] });
        const details = expectError(await cx.activateRaw(created.id), 422, 'validation_failed');
        expect(details).toEqual([{ path: 'flow.0.offerId', message: expect.stringContaining(type) }]);
      }
    });

    it('refuses to save unknown trigger, filter and step types and bad constraints, listing every problem, and saves nothing', async () => {
      const name = unique('broken');
      const res = await cx.createRaw({
        name,
        triggers: [
          { type: 'teleports' },
          { type: 'signs_up', constraints: [{ field: 'colour', operator: 'is', value: 'red' }] },
          { type: 'purchase', constraints: [{ field: 'attributes.amount', operator: 'bigger', value: 3 }] },
          { type: 'purchase', constraints: [{ field: 'attributes.amount', operator: 'greater_than', value: 'lots' }] },
          { type: 'shares', constraints: [{ field: 'offer', operator: 'is', value: 'off_doesnotexist' }] },
        ],
        filters: [
          { type: 'star_sign', value: 'leo' },
          { type: 'person_field', field: 'shoeSize', operator: 'is', value: 44 },
          { type: 'in_list', listId: 'lst_doesnotexist' },
          { type: 'has_activity', activityType: 'purchase', withinDays: 0 },
        ],
        flow: [
          { type: 'send_fax' },
          { type: 'wait', minutes: 0 },
          { type: 'call_webhook', url: 'ftp://example.com/x', secret: 'not-a-secret' },
          { type: 'send_alert', to: 'nobody' },
          { type: 'send_email', emailId: 'eml_doesnotexist' },
        ],
        qualification: { rule: 'at_most_every' },
      });
      const details = expectError(res, 422, 'validation_failed');
      expect(details.map((d) => d.path).sort()).toEqual(
        [
          'triggers.0.type',
          'triggers.1.constraints.0.field',
          'triggers.2.constraints.0.operator',
          'triggers.3.constraints.0.value',
          'triggers.4.constraints.0.value',
          'filters.0.type',
          'filters.1.field',
          'filters.2.listId',
          'filters.3.withinDays',
          'flow.0.type',
          'flow.1.minutes',
          'flow.2.url',
          'flow.2.secret',
          'flow.3.to',
          'flow.4.emailId',
          'qualification.hours',
        ].sort(),
      );
      expect(details.find((d) => d.path === 'triggers.0.type')!.message).toContain('teleports');
      const all = (await t.call({ method: 'GET', url: '/api/v1/campaigns?limit=100' })).json.data as { name: string }[];
      expect(all.map((c) => c.name)).not.toContain(name);

      // A campaign needs a trigger and a step.
      expect(expectError(await cx.createRaw({ name, triggers: [], flow: [] }), 422, 'validation_failed').map((d) => d.path).sort()).toEqual(['flow', 'triggers']);
    });

    it('refuses unknown fields and wrong shapes with 400', async () => {
      const good = { name: 'x', triggers: [{ type: 'purchase' }], flow: [{ type: 'send_alert', to: 'a@example.com' }] };
      for (const body of [
        { ...good, colour: 'red' },
        { ...good, triggers: [{ type: 'purchase', when: 'now' }] },
        { ...good, triggers: [{ type: 'purchase', constraints: [{ field: 'offer', operator: 'is', value: 'x', also: 1 }] }] },
        { ...good, flow: [{ type: 'send_alert', to: 'a@example.com', cc: 'b@example.com' }] },
        { ...good, filters: [{ type: 'in_list', listId: 'x', extra: true }] },
        { ...good, qualification: { rule: 'once', every: 2 } },
        { ...good, flow: [{ type: 'wait', minutes: '60' }] },
        { triggers: good.triggers, flow: good.flow },
      ]) {
        expectError(await cx.createRaw(body), 400, 'invalid_request');
      }
      const created = await cx.create({ triggers: good.triggers, flow: good.flow });
      expectError(await t.call({ method: 'PATCH', url: `/api/v1/campaigns/${created.id}`, payload: { status: 'active' } }), 400, 'invalid_request');
    });

    it('an active campaign cannot be saved into an invalid state; activating twice conflicts; deactivated campaigns start no runs', async () => {
      const signupsOffer = await fx.liveOffer({ goal: { type: 'referred_signups', count: 3 } });
      const trigger = unique('state');
      const id = await cx.active({ triggers: [custom(trigger)], flow: [{ type: 'send_alert', to: 'ops@example.com' }], qualification: { rule: 'every_time' } });
      expectError(await cx.activateRaw(id), 409, 'conflict');
      const patched = await t.call({ method: 'PATCH', url: `/api/v1/campaigns/${id}`, payload: { flow: [{ type: 'give_credit_to_referrer', offerId: signupsOffer }] } });
      expect(expectError(patched, 422, 'validation_failed').map((d) => d.path)).toEqual(['flow.0.offerId']);
      expect((await cx.get(id)).flow).toEqual([{ type: 'send_alert', to: 'ops@example.com' }]);

      const email = uniqueEmail();
      await cx.ingest({ type: 'custom', name: trigger, person: { email } });
      expect(await cx.runs(id)).toHaveLength(1);
      expect((await t.call({ method: 'POST', url: `/api/v1/campaigns/${id}/deactivate` })).status).toBe(200);
      await cx.ingest({ type: 'custom', name: trigger, person: { email } });
      expect(await cx.runs(id)).toHaveLength(1);
    });

    it('roles: an analyst reads but cannot create, activate or ingest; a marketer can', async () => {
      const body = { name: unique('role'), triggers: [{ type: 'purchase' }], flow: [{ type: 'send_alert', to: 'ops@example.com' }] };
      expectError(await cx.createRaw(body, t.keys.analyst), 403, 'forbidden');
      const created = await cx.createRaw(body, t.keys.marketer);
      expect(created.status, created.body).toBe(201);
      expectError(await cx.activateRaw(created.json.id, t.keys.analyst), 403, 'forbidden');
      expectError(await cx.ingestRaw({ type: 'purchase', person: { email: uniqueEmail() } }, t.keys.analyst), 403, 'forbidden');
      expect((await t.call({ method: 'GET', url: `/api/v1/campaigns/${created.json.id}/runs`, key: t.keys.analyst })).status).toBe(200);
      expect((await t.call({ method: 'GET', url: `/api/v1/campaigns/${created.json.id}`, key: t.keys.analyst })).status).toBe(200);
      expect((await cx.activateRaw(created.json.id, t.keys.marketer)).status).toBe(200);
      expectError(await t.call({ method: 'GET', url: '/api/v1/campaigns', key: null }), 401, 'unauthorized');
    });
  });

  // ----- 7. activity ingest and history -----

  describe('activity ingest', () => {
    it('one activity: an unknown email creates the person; the activity log shows it with its attributes', async () => {
      const email = uniqueEmail('crm');
      expect((await t.call({ method: 'GET', url: `/api/v1/people?email=${encodeURIComponent(email)}` })).json.data).toEqual([]);
      const occurredAt = new Date(t.clock.now().getTime() - HOUR).toISOString();
      const res = await cx.ingestRaw({ type: 'opportunity_created', person: { email }, attributes: { amount: 5000, stage: 'Won', closed: true }, occurredAt });
      expect(res.status, res.body).toBe(201);
      expect(res.json).toEqual({ activityId: expect.stringMatching(/^act_/), personId: expect.stringMatching(/^per_/), replayed: false });
      expect(await fx.personIdOf(email)).toBe(res.json.personId);
      const log = await fx.activities(res.json.personId);
      expect(log).toEqual([
        {
          id: res.json.activityId,
          type: 'opportunity_created',
          offerId: null,
          personId: res.json.personId,
          visitorId: null,
          participantId: null,
          attributes: { amount: 5000, stage: 'Won', closed: true },
          occurredAt,
        },
      ]);
    });

    it('a batch: every type, one person per address, results in order', async () => {
      const [a, b] = [uniqueEmail('a'), uniqueEmail('b')];
      const types = ['opportunity_created', 'purchase', 'webinar_registered', 'webinar_attended', 'form_filled'];
      const res = await cx.ingestRaw({
        activities: [...types.map((type) => ({ type, person: { email: a } })), { type: 'custom', name: 'Trial started', person: { email: b }, attributes: { plan: 'team' } }],
      });
      expect(res.status, res.body).toBe(201);
      const results = res.json.results as { activityId: string; personId: string; replayed: boolean }[];
      expect(results).toHaveLength(6);
      expect(new Set(results.slice(0, 5).map((r) => r.personId)).size).toBe(1);
      expect(results[5]!.personId).not.toBe(results[0]!.personId);
      expect(new Set(results.map((r) => r.activityId)).size).toBe(6);
      expect((await fx.activities(results[0]!.personId)).map((x) => x.type).sort()).toEqual([...types].sort());
      expect(await fx.activities(results[5]!.personId)).toEqual([expect.objectContaining({ type: 'custom', attributes: { plan: 'team', name: 'Trial started' } })]);
    });

    it('takes up to 1000 in a batch; 1001 is refused with 400 and stores nothing', async () => {
      const email = uniqueEmail('bulk');
      const batch = (n: number) => ({ activities: Array.from({ length: n }, (_, i) => ({ type: 'form_filled', person: { email }, attributes: { i } })) });
      expectError(await cx.ingestRaw(batch(1001)), 400, 'invalid_request');
      expect((await t.call({ method: 'GET', url: `/api/v1/people?email=${encodeURIComponent(email)}` })).json.data).toEqual([]);
      expectError(await cx.ingestRaw({ activities: [] }), 400, 'invalid_request');
      const res = await cx.ingestRaw(batch(1000));
      expect(res.status, res.body).toBe(201);
      expect(res.json.results).toHaveLength(1000);
      const count = await t.ctx.store.db
        .selectFrom('activities')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('person_id', '=', res.json.results[0].personId)
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1000);
    });

    it('a repeated idempotencyKey returns the first result and changes nothing: no activity, no person, no run', async () => {
      const trigger = unique('idem');
      const campaignId = await cx.active({ triggers: [custom(trigger)], flow: [{ type: 'send_alert', to: 'ops@example.com' }], qualification: { rule: 'every_time' } });
      const email = uniqueEmail('idem');
      const key = unique('key');
      const first = await cx.ingest({ type: 'custom', name: trigger, person: { email }, idempotencyKey: key });
      expect(first.replayed).toBe(false);
      const again = await cx.ingest({ type: 'custom', name: trigger, person: { email }, idempotencyKey: key, attributes: { x: 1 } });
      expect(again).toEqual({ ...first, replayed: true });
      // In a batch, and even for another address, the key is spent.
      const other = uniqueEmail('other');
      const batch = await cx.ingestRaw({
        activities: [
          { type: 'custom', name: trigger, person: { email: other }, idempotencyKey: key },
          { type: 'custom', name: trigger, person: { email }, idempotencyKey: `${key}-2` },
          { type: 'custom', name: trigger, person: { email }, idempotencyKey: `${key}-2` },
        ],
      });
      expect(batch.status, batch.body).toBe(201);
      expect(batch.json.results[0]).toEqual({ ...first, replayed: true });
      expect(batch.json.results[1].replayed).toBe(false);
      expect(batch.json.results[2]).toEqual({ ...batch.json.results[1], replayed: true });
      expect(await fx.activities(first.personId)).toHaveLength(2);
      expect((await t.call({ method: 'GET', url: `/api/v1/people?email=${encodeURIComponent(other)}` })).json.data).toEqual([]);
      expect(await cx.runs(campaignId)).toHaveLength(2);
    });

    it('refuses with 422 (every problem, nothing stored): a custom activity without a name, a bad address, a future time; unknown types with 400', async () => {
      const email = uniqueEmail('bad');
      const res = await cx.ingestRaw({
        activities: [
          { type: 'purchase', person: { email } },
          { type: 'custom', person: { email } },
          { type: 'purchase', person: { email: 'not-an-address' } },
          { type: 'purchase', person: { email }, occurredAt: new Date(t.clock.now().getTime() + DAY).toISOString() },
        ],
      });
      expect(expectError(res, 422, 'validation_failed').map((d) => d.path).sort()).toEqual(['1.name', '2.person.email', '3.occurredAt']);
      expect((await t.call({ method: 'GET', url: `/api/v1/people?email=${encodeURIComponent(email)}` })).json.data).toEqual([]);
      expect(expectError(await cx.ingestRaw({ type: 'custom', person: { email } }), 422, 'validation_failed')[0]!.path).toMatch(/name$/);
      expectError(await cx.ingestRaw({ type: 'phoned', person: { email } }), 400, 'invalid_request');
      expectError(await cx.ingestRaw({ type: 'purchase', person: { email }, extra: 1 }), 400, 'invalid_request');
      expectError(await cx.ingestRaw({ type: 'purchase' }), 400, 'invalid_request');
    });

    it('history: runs per campaign and per person with step results; the person activity log', async () => {
      const trigger = unique('hist');
      const listId = await cx.list();
      const a = await cx.active({ name: 'A', triggers: [custom(trigger)], flow: [{ type: 'add_to_list', listId }] });
      const b = await cx.active({ name: 'B', triggers: [custom(trigger)], filters: [{ type: 'in_list', listId: await cx.list() }], flow: [{ type: 'add_to_list', listId }] });
      const { personId, activityId } = await cx.ingest({ type: 'custom', name: trigger, person: { email: uniqueEmail('h') } });
      await cx.drain();
      const runs = await cx.personRuns(personId);
      expect(runs.map((r) => [r.campaignId, r.status, r.activityId]).sort()).toEqual(
        [
          [a, 'completed', activityId],
          [b, 'skipped', activityId],
        ].sort(),
      );
      const runA = runs.find((r) => r.campaignId === a)!;
      expect(runA).toMatchObject({ id: expect.stringMatching(/^run_/), personId, stepIndex: 1, attempts: 0, createdAt: expect.any(String), finishedAt: expect.any(String) });
      expect(runA.steps.map((s) => [s.index, s.type, s.status, s.result])).toEqual([
        [-1, 'qualification', 'qualified', {}],
        [0, 'add_to_list', 'done', { listId }],
      ]);
      expect((await cx.runs(a)).map((r) => r.id)).toEqual([runA.id]);
      expect(runs.find((r) => r.campaignId === b)!.steps.map((s) => s.status)).toEqual(['filtered_out']);
      expect((await fx.activities(personId)).map((x) => (x as unknown as { id: string }).id)).toContain(activityId);
      expectError(await t.call({ method: 'GET', url: '/api/v1/campaigns/cmp_doesnotexist/runs' }), 404, 'not_found');
      expectError(await t.call({ method: 'GET', url: '/api/v1/people/per_doesnotexist/activities' }), 404, 'not_found');
    });
  });

  // ----- 8. social activities as triggers -----

  describe('social activity triggers', () => {
    it('signs_up with "offer is X" runs for sign-ups to X only', async () => {
      const [x, y] = [await smartOffer(3), await smartOffer(3)];
      const listId = await cx.list();
      const campaignId = await cx.active({
        triggers: [{ type: 'signs_up', constraints: [{ field: 'offer', operator: 'is', value: x }] }],
        flow: [{ type: 'add_to_list', listId }],
      });
      const onX = await fx.participant(x);
      const onY = await fx.participant(y);
      await cx.drain();
      expect(await cx.members(listId)).toEqual([onX.email]);
      expect((await cx.runs(campaignId)).map((r) => r.personId)).toEqual([onX.personId]);
      expect(await fx.activitiesOfType(onY.personId, 'signs_up', y)).toHaveLength(1);
    });

    it('achieves_goal runs when a participant reaches the goal in the loop; refers runs for each credit', async () => {
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 2 } });
      const [achieved, referred] = [await cx.list(), await cx.list()];
      const alertTo = uniqueEmail('team');
      await cx.active({
        triggers: [{ type: 'achieves_goal', constraints: [{ field: 'offer', operator: 'is', value: offerId }] }],
        flow: [{ type: 'add_to_list', listId: achieved }, { type: 'send_alert', to: alertTo, message: 'Someone reached the goal' }],
      });
      const refersId = await cx.active({
        triggers: [{ type: 'refers', constraints: [{ field: 'offer', operator: 'is', value: offerId }, { field: 'referredType', operator: 'is', value: 'signup' }] }],
        flow: [{ type: 'add_to_list', listId: referred }],
        qualification: { rule: 'every_time' },
      });
      const p = await fx.participant(offerId);
      const friendSignsUp = async () => {
        const click = await fx.click(p.shareCode);
        await fx.signUpNew(offerId, { visitorId: unique('vis'), clickId: click.clickId });
        await cx.drain();
      };
      await friendSignsUp();
      expect(await cx.members(referred)).toEqual([p.email]);
      expect(await cx.members(achieved)).toEqual([]);
      await friendSignsUp();
      expect(await cx.members(achieved)).toEqual([p.email]);
      expect(await cx.mailTo(alertTo, 'alert')).toHaveLength(1);
      expect(await cx.runsOf(refersId, p.personId)).toHaveLength(2);
    });

    it('a campaign credit that fulfils the referrer triggers the achieves_goal campaign in a later pass', async () => {
      const offerId = await smartOffer(1);
      const referrer = await fx.participant(offerId);
      const listId = await cx.list();
      await cx.active({ triggers: [{ type: 'purchase' }], flow: [{ type: 'give_credit_to_referrer', offerId }] });
      const goalId = await cx.active({ triggers: [{ type: 'achieves_goal', constraints: [{ field: 'offer', operator: 'is', value: offerId }] }], flow: [{ type: 'add_to_list', listId }] });
      const friend = await cx.referredFriend(offerId, referrer);
      await cx.ingest({ type: 'purchase', person: { email: friend.email }, attributes: { amount: 99 } });
      await cx.drain();
      expect(await cx.members(listId)).toEqual([referrer.email]);
      expect((await cx.runOf(goalId, referrer.personId)).status).toBe('completed');
    });
  });
});

// ----- 5. webhooks: signing, retries, failures -----

describe.each(DIALECTS)('campaign webhooks on %s', (dialect) => {
  let t: TestApp;
  let fx: LoopFixtures;
  let cx: CampaignFixtures;
  const receivers: Receiver[] = [];
  const BASE = 1000;
  const opts = { webhookRetryBaseMs: BASE, webhookAttempts: 3, webhookTimeoutMs: 5000 };

  beforeAll(async () => {
    t = await startTestApp(dialect, { GOALPOST_PUBLIC_RATE_LIMIT: '0' });
    fx = loopFixtures(t);
    cx = campaignFixtures(t, fx);
  });
  // Receivers check the signature's timestamp against the real time (5 minutes of tolerance).
  beforeEach(() => t.clock.set(new Date()));
  afterEach(async () => {
    await cx.deactivateAll();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  afterAll(() => t.close());

  async function receiver(answer?: Parameters<typeof webhookReceiver>[0]): Promise<Receiver> {
    const r = await webhookReceiver(answer);
    receivers.push(r);
    return r;
  }

  async function hookCampaign(url: string, secret: string, after: Record<string, unknown>[] = []): Promise<{ campaignId: string; trigger: string }> {
    const trigger = unique('hook');
    const campaignId = await cx.active({ name: 'Notify CRM', triggers: [custom(trigger)], flow: [{ type: 'call_webhook', url, secret }, ...after] });
    return { campaignId, trigger };
  }

  it('signs each delivery with the Standard Webhooks scheme: verified with the secret, refused with another or when tampered', async () => {
    const secret = webhookSecret();
    const r = await receiver(() => 204);
    const { campaignId, trigger } = await hookCampaign(r.url, secret);
    const email = uniqueEmail('hooked');
    const { personId, activityId } = await cx.ingest({ type: 'custom', name: trigger, person: { email }, attributes: { plan: 'pro' } });
    await cx.drain(opts);

    expect(r.deliveries).toHaveLength(1);
    const [d] = r.deliveries;
    const run = await cx.runOf(campaignId, personId);
    expect(d!.headers['content-type']).toBe('application/json');
    expect(d!.headers['webhook-id']).toBe(`${run.id}.0`);
    const payload = new Webhook(secret).verify(d!.body, d!.headers as Record<string, string>) as any;
    expect(payload).toMatchObject({
      type: 'campaign.step',
      campaign: { id: campaignId, name: 'Notify CRM' },
      runId: run.id,
      person: { id: personId, email },
      activity: { id: activityId, type: 'custom', attributes: { plan: 'pro', name: trigger } },
    });
    expect(() => new Webhook(webhookSecret()).verify(d!.body, d!.headers as Record<string, string>)).toThrow();
    expect(() => new Webhook(secret).verify(d!.body.replace(email, 'mallory@example.com'), d!.headers as Record<string, string>)).toThrow();
    expect(() => new Webhook(secret).verify(d!.body, { ...(d!.headers as Record<string, string>), 'webhook-id': 'msg_other' })).toThrow();
    expect(run.status).toBe('completed');
    expect(cx.step(run, 0)).toMatchObject({ type: 'call_webhook', status: 'done', result: { httpStatus: 204, attempts: 1 } });
  });

  it('the payload shows the person as earlier steps of the run left them', async () => {
    const secret = webhookSecret();
    const r = await receiver();
    const trigger = unique('late');
    await cx.active({
      triggers: [custom(trigger)],
      flow: [{ type: 'change_data_value', field: 'firstName', value: 'Ada' }, { type: 'call_webhook', url: r.url, secret }],
    });
    await cx.ingest({ type: 'custom', name: trigger, person: { email: uniqueEmail() } });
    await cx.drain(opts);
    expect(r.deliveries).toHaveLength(1);
    expect((new Webhook(secret).verify(r.deliveries[0]!.body, r.deliveries[0]!.headers as Record<string, string>) as any).person.firstName).toBe('Ada');
  });

  it('retries with backoff: 500, 500, then 200 is done after 3 attempts, each signed with the same message id', async () => {
    const secret = webhookSecret();
    const r = await receiver((n) => (n < 3 ? 500 : 200));
    const { campaignId, trigger } = await hookCampaign(r.url, secret);
    const { personId } = await cx.ingest({ type: 'custom', name: trigger, person: { email: uniqueEmail() } });
    const runner = cx.runner({ ...opts, webhookAttempts: 5 });

    await runner.drain();
    expect(r.deliveries).toHaveLength(1);
    let run = await cx.runOf(campaignId, personId);
    expect(run).toMatchObject({ status: 'retrying', attempts: 1, stepIndex: 0, detail: expect.stringContaining('500') });
    expect(Date.parse(run.nextRunAt) - t.clock.now().getTime()).toBe(BASE);
    // Not before the backoff has passed.
    t.clock.advance(BASE - 1);
    await runner.drain();
    expect(r.deliveries).toHaveLength(1);
    t.clock.advance(1);
    await runner.drain();
    expect(r.deliveries).toHaveLength(2);
    run = await cx.runOf(campaignId, personId);
    expect(run).toMatchObject({ status: 'retrying', attempts: 2 });
    // The backoff doubles.
    expect(Date.parse(run.nextRunAt) - t.clock.now().getTime()).toBe(2 * BASE);
    t.clock.advance(2 * BASE);
    await runner.drain();
    expect(r.deliveries.map((d) => d.status)).toEqual([500, 500, 200]);
    run = await cx.runOf(campaignId, personId);
    expect(run.status).toBe('completed');
    expect(cx.step(run, 0)).toMatchObject({ status: 'done', result: { httpStatus: 200, attempts: 3 } });
    for (const d of r.deliveries) {
      expect(d.headers['webhook-id']).toBe(`${run.id}.0`);
      expect(() => new Webhook(secret).verify(d.body, d.headers as Record<string, string>)).not.toThrow();
    }
  });

  it('always 500: after webhookAttempts the step is failed and the run goes on to the next step', async () => {
    const r = await receiver(() => 500);
    const listId = await cx.list();
    const { campaignId, trigger } = await hookCampaign(r.url, webhookSecret(), [{ type: 'add_to_list', listId }]);
    const email = uniqueEmail();
    const { personId } = await cx.ingest({ type: 'custom', name: trigger, person: { email } });
    const runner = cx.runner(opts);
    await runner.drain();
    t.clock.advance(BASE);
    await runner.drain();
    expect(await cx.members(listId)).toEqual([]);
    t.clock.advance(2 * BASE);
    await runner.drain();
    t.clock.advance(60 * BASE);
    await runner.drain();
    expect(r.deliveries).toHaveLength(3);
    const run = await cx.runOf(campaignId, personId);
    expect(run.status).toBe('completed');
    expect(cx.step(run, 0)).toMatchObject({ status: 'failed', result: { attempts: 3, error: expect.stringContaining('500') } });
    expect(cx.step(run, 1)).toMatchObject({ type: 'add_to_list', status: 'done' });
    expect(await cx.members(listId)).toEqual([email]);
  });

  it('a 410 is permanent: failed at once, no retry', async () => {
    const r = await receiver(() => 410);
    const listId = await cx.list();
    const { campaignId, trigger } = await hookCampaign(r.url, webhookSecret(), [{ type: 'add_to_list', listId }]);
    const { personId } = await cx.ingest({ type: 'custom', name: trigger, person: { email: uniqueEmail() } });
    await cx.drain(opts);
    t.clock.advance(60 * BASE);
    await cx.drain(opts);
    expect(r.deliveries).toHaveLength(1);
    const run = await cx.runOf(campaignId, personId);
    expect(run.status).toBe('completed');
    expect(cx.step(run, 0)).toMatchObject({ status: 'failed', result: { attempts: 1, error: expect.stringContaining('410') } });
    expect(cx.step(run, 1).status).toBe('done');
  });

  it('an unreachable receiver is retried like a 5xx', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    const { campaignId, trigger } = await hookCampaign(url, webhookSecret());
    const { personId } = await cx.ingest({ type: 'custom', name: trigger, person: { email: uniqueEmail() } });
    await cx.drain(opts);
    expect(await cx.runOf(campaignId, personId)).toMatchObject({ status: 'retrying', attempts: 1, detail: expect.stringContaining('request failed') });
    t.clock.advance(BASE);
    await cx.drain(opts);
    t.clock.advance(2 * BASE);
    await cx.drain(opts);
    const run = await cx.runOf(campaignId, personId);
    expect(run.status).toBe('completed');
    expect(cx.step(run, 0)).toMatchObject({ status: 'failed', result: { attempts: 3 } });
  });

  it('each webhook step of a run gets its full number of attempts', async () => {
    const first = await receiver((n) => (n === 1 ? 503 : 200));
    const second = await receiver(() => 500);
    const trigger = unique('two');
    const campaignId = await cx.active({
      triggers: [custom(trigger)],
      flow: [
        { type: 'call_webhook', url: first.url, secret: webhookSecret() },
        { type: 'call_webhook', url: second.url, secret: webhookSecret() },
      ],
    });
    const { personId } = await cx.ingest({ type: 'custom', name: trigger, person: { email: uniqueEmail() } });
    const runner = cx.runner(opts);
    for (let i = 0; i < 6; i++) {
      await runner.drain();
      t.clock.advance(4 * BASE);
    }
    const run = await cx.runOf(campaignId, personId);
    expect(run.status).toBe('completed');
    expect(first.deliveries.map((d) => d.status)).toEqual([503, 200]);
    expect(second.deliveries).toHaveLength(3);
    expect(cx.step(run, 0).result).toMatchObject({ attempts: 2 });
    expect(cx.step(run, 1)).toMatchObject({ status: 'failed', result: { attempts: 3 } });
  });

  it("a failing webhook does not hold up another campaign's run in the same pass", async () => {
    let release: (status: number) => void = () => undefined;
    const held = new Promise<number>((resolve) => {
      release = resolve;
    });
    const r = await receiver(() => held);
    const [slow, fast] = [unique('slow'), unique('fast')];
    const listId = await cx.list();
    const hook = await cx.active({ name: 'slow hook', triggers: [custom(slow)], flow: [{ type: 'call_webhook', url: r.url, secret: webhookSecret() }] });
    const other = await cx.active({ name: 'fast list', triggers: [custom(fast)], flow: [{ type: 'add_to_list', listId }] });
    const email = uniqueEmail();
    // The webhook's run is due first.
    const { personId } = await cx.ingest({ type: 'custom', name: slow, person: { email } });
    t.clock.advance(1000);
    await cx.ingest({ type: 'custom', name: fast, person: { email } });

    const pass = cx.runner(opts).runOnce();
    try {
      await r.received(1);
      // While the webhook call is still open, the other campaign's run has finished.
      let otherRun: RunView | undefined;
      for (let i = 0; i < 200 && otherRun?.status !== 'completed'; i++) {
        otherRun = (await cx.runsOf(other, personId))[0];
        if (otherRun?.status !== 'completed') await new Promise((res) => setTimeout(res, 10));
      }
      expect(otherRun?.status).toBe('completed');
      expect(await cx.members(listId)).toEqual([email]);
      expect(r.deliveries).toHaveLength(0);
    } finally {
      release(500);
      await pass.catch(() => 0);
    }
    expect(await pass).toBe(2);
    expect(await cx.runOf(hook, personId)).toMatchObject({ status: 'retrying', attempts: 1 });
  });
});
