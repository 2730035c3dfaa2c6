import { describe, expect, it } from 'vitest';
import { qualificationCutoff } from '../src/domain/campaigns/campaign.js';
import type { CampaignDefinition, Filter } from '../src/domain/campaigns/campaign.js';
import { activityCountKey, constraintsHold, filtersPass, triggerMatches } from '../src/domain/campaigns/evaluation.js';
import type { FilterFacts } from '../src/domain/campaigns/evaluation.js';
import { isOperator, OPERATOR_DEFINITIONS, OPERATORS } from '../src/domain/campaigns/operators.js';
import { campaignProblems } from '../src/domain/campaigns/validation.js';
import type { CampaignReferences } from '../src/domain/campaigns/validation.js';

/**
 * The campaign domain without a store: each filter operator (validation of its
 * operand and evaluation), trigger matching with constraints, the filter kinds,
 * the qualification cut-off and the save/activation problems.
 */

const NOW = new Date('2026-11-01T12:00:00.000Z');
const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY).toISOString();
const ev = (op: (typeof OPERATORS)[number], actual: unknown, value?: unknown) => OPERATOR_DEFINITIONS[op].evaluate(actual, value, NOW);
const val = (op: (typeof OPERATORS)[number], value?: unknown) => OPERATOR_DEFINITIONS[op].validate(value);

describe('filter operators', () => {
  it('has exactly the nine operators of the issue, each with validate and evaluate', () => {
    expect([...OPERATORS].sort()).toEqual(
      ['contains', 'greater_than', 'in_past_days', 'is', 'is_empty', 'is_not', 'is_not_empty', 'less_than', 'starts_with'].sort(),
    );
    for (const op of OPERATORS) {
      expect(isOperator(op)).toBe(true);
      expect(typeof OPERATOR_DEFINITIONS[op].validate).toBe('function');
      expect(typeof OPERATOR_DEFINITIONS[op].evaluate).toBe('function');
    }
    expect(isOperator('equals')).toBe(false);
    expect(isOperator('')).toBe(false);
  });

  it('is: equal text ignoring case, numbers by value, booleans', () => {
    expect(ev('is', 'Ada', 'ada')).toBe(true);
    expect(ev('is', 'ADA@Example.com', 'ada@example.com')).toBe(true);
    expect(ev('is', 'Ada', 'Adam')).toBe(false);
    expect(ev('is', 'Ada ', 'Ada')).toBe(false);
    expect(ev('is', null, 'Ada')).toBe(false);
    expect(ev('is', undefined, 'Ada')).toBe(false);
    expect(ev('is', 5, 5)).toBe(true);
    expect(ev('is', '5', 5)).toBe(true);
    expect(ev('is', 6, 5)).toBe(false);
    expect(ev('is', 'five', 5)).toBe(false);
    expect(ev('is', null, 0)).toBe(false);
    expect(ev('is', true, true)).toBe(true);
    expect(ev('is', 'true', true)).toBe(true);
    expect(ev('is', false, true)).toBe(false);
    expect(ev('is', 'subscribed', 'subscribed')).toBe(true);
  });

  it('is_not: the negation of is, and true for a missing value', () => {
    expect(ev('is_not', 'Ada', 'ada')).toBe(false);
    expect(ev('is_not', 'Ada', 'Bob')).toBe(true);
    expect(ev('is_not', null, 'Bob')).toBe(true);
    expect(ev('is_not', undefined, 'Bob')).toBe(true);
    expect(ev('is_not', 3, 3)).toBe(false);
    expect(ev('is_not', 4, 3)).toBe(true);
  });

  it('contains: a substring, ignoring case', () => {
    expect(ev('contains', 'Acme Corporation', 'corp')).toBe(true);
    expect(ev('contains', 'Acme Corporation', 'ACME')).toBe(true);
    expect(ev('contains', 'Acme', 'Globex')).toBe(false);
    expect(ev('contains', null, 'a')).toBe(false);
    expect(ev('contains', 12345, '234')).toBe(true);
  });

  it('starts_with: a prefix, ignoring case', () => {
    expect(ev('starts_with', 'Acme Corporation', 'acme')).toBe(true);
    expect(ev('starts_with', 'Acme Corporation', 'Corp')).toBe(false);
    expect(ev('starts_with', undefined, 'a')).toBe(false);
    expect(ev('starts_with', 'ada@example.com', 'ADA@')).toBe(true);
  });

  it('greater_than and less_than: numbers and numeric text; anything else never matches', () => {
    expect(ev('greater_than', 5, 4)).toBe(true);
    expect(ev('greater_than', 4, 4)).toBe(false);
    expect(ev('greater_than', 3, 4)).toBe(false);
    expect(ev('greater_than', '10', 9)).toBe(true);
    expect(ev('greater_than', '10.5', 10)).toBe(true);
    expect(ev('greater_than', 'ten', 1)).toBe(false);
    expect(ev('greater_than', null, -1)).toBe(false);
    expect(ev('greater_than', '', -1)).toBe(false);
    expect(ev('greater_than', '   ', -1)).toBe(false);
    expect(ev('less_than', 3, 4)).toBe(true);
    expect(ev('less_than', 4, 4)).toBe(false);
    expect(ev('less_than', 5, 4)).toBe(false);
    expect(ev('less_than', '-2', 0)).toBe(true);
    expect(ev('less_than', null, 100)).toBe(false);
    expect(ev('less_than', undefined, 100)).toBe(false);
    expect(ev('less_than', 'abc', 100)).toBe(false);
  });

  it('is_empty and is_not_empty: null, missing and blank text are empty; 0 and false are values', () => {
    for (const empty of [null, undefined, '', '   ']) {
      expect(ev('is_empty', empty)).toBe(true);
      expect(ev('is_not_empty', empty)).toBe(false);
    }
    for (const full of ['x', 0, false, ' a ']) {
      expect(ev('is_empty', full)).toBe(false);
      expect(ev('is_not_empty', full)).toBe(true);
    }
  });

  it('in_past_days: an ISO time within the last N days, not in the future', () => {
    expect(ev('in_past_days', daysAgo(0), 1)).toBe(true);
    expect(ev('in_past_days', daysAgo(6.9), 7)).toBe(true);
    expect(ev('in_past_days', daysAgo(7), 7)).toBe(true);
    expect(ev('in_past_days', daysAgo(7.01), 7)).toBe(false);
    expect(ev('in_past_days', daysAgo(30), 7)).toBe(false);
    expect(ev('in_past_days', new Date(NOW.getTime() + 60_000).toISOString(), 7)).toBe(false);
    expect(ev('in_past_days', 'not a date', 7)).toBe(false);
    expect(ev('in_past_days', null, 7)).toBe(false);
    expect(ev('in_past_days', NOW.getTime(), 7)).toBe(false);
  });

  it('validates each operand: what a value must be, and that empty checks take none', () => {
    for (const op of ['is', 'is_not'] as const) {
      for (const ok of ['x', 0, 3.5, true, false, '']) expect(val(op, ok), `${op} ${String(ok)}`).toBeNull();
      for (const bad of [undefined, null, ['a', 'b'], { a: 1 }]) expect(val(op, bad), `${op} ${JSON.stringify(bad)}`).toMatch(/needs a value/);
    }
    for (const op of ['contains', 'starts_with'] as const) {
      expect(val(op, 'a')).toBeNull();
      for (const bad of ['', undefined, null, 3, true]) expect(val(op, bad), `${op} ${String(bad)}`).toMatch(/non-empty text/);
    }
    for (const op of ['greater_than', 'less_than'] as const) {
      for (const ok of [0, -1, 2.5]) expect(val(op, ok)).toBeNull();
      for (const bad of ['3', undefined, null, Number.NaN, Number.POSITIVE_INFINITY, true]) expect(val(op, bad), `${op} ${String(bad)}`).toMatch(/number/);
    }
    for (const op of ['is_empty', 'is_not_empty'] as const) {
      expect(val(op, undefined)).toBeNull();
      expect(val(op, null)).toBeNull();
      for (const bad of ['', 'x', 0, false]) expect(val(op, bad), `${op} ${String(bad)}`).toMatch(/takes no value/);
    }
    for (const ok of [1, 7, 3650]) expect(val('in_past_days', ok)).toBeNull();
    for (const bad of [0, -1, 3651, 1.5, '7', undefined, null]) expect(val('in_past_days', bad), `in_past_days ${String(bad)}`).toMatch(/whole number of days/);
  });
});

describe('trigger matching', () => {
  const activity = { type: 'signs_up', offerId: 'off_A', attributes: { channel: 'email', page: 'https://example.com/p', amount: 250 } };

  it('matches on the type, then on every constraint', () => {
    expect(triggerMatches({ type: 'signs_up', constraints: [] }, activity, NOW)).toBe(true);
    expect(triggerMatches({ type: 'shares', constraints: [] }, activity, NOW)).toBe(false);
    expect(triggerMatches({ type: 'signs_up', constraints: [{ field: 'offer', operator: 'is', value: 'off_A' }] }, activity, NOW)).toBe(true);
    expect(triggerMatches({ type: 'signs_up', constraints: [{ field: 'offer', operator: 'is', value: 'off_B' }] }, activity, NOW)).toBe(false);
    expect(
      triggerMatches(
        {
          type: 'signs_up',
          constraints: [
            { field: 'offer', operator: 'is', value: 'off_A' },
            { field: 'channel', operator: 'is', value: 'facebook' },
          ],
        },
        activity,
        NOW,
      ),
    ).toBe(false);
  });

  it('reads channel, referredType, name and attributes.<name> from the attributes', () => {
    expect(constraintsHold([{ field: 'channel', operator: 'is', value: 'EMAIL' }], activity, NOW)).toBe(true);
    expect(constraintsHold([{ field: 'attributes.amount', operator: 'greater_than', value: 100 }], activity, NOW)).toBe(true);
    expect(constraintsHold([{ field: 'attributes.amount', operator: 'greater_than', value: 300 }], activity, NOW)).toBe(false);
    expect(constraintsHold([{ field: 'attributes.missing', operator: 'is_empty' }], activity, NOW)).toBe(true);
    expect(constraintsHold([{ field: 'attributes.page', operator: 'starts_with', value: 'https://example.com' }], activity, NOW)).toBe(true);
    const custom = { offerId: null, attributes: { name: 'Demo booked', referredType: 'trigger' } };
    expect(constraintsHold([{ field: 'name', operator: 'is', value: 'demo booked' }], custom, NOW)).toBe(true);
    expect(constraintsHold([{ field: 'referredType', operator: 'is', value: 'signup' }], custom, NOW)).toBe(false);
    expect(constraintsHold([], custom, NOW)).toBe(true);
  });
});

describe('filters', () => {
  const facts: FilterFacts = {
    person: { firstName: 'Ada', company: null, referredSignups: 3, createdAt: daysAgo(2), 'fields.plan': 'Pro' },
    lists: new Set(['lst_in']),
    referredByOffers: new Set(['off_R']),
    activityCounts: new Map([[activityCountKey('purchase', 30), 2]]),
  };
  const pass = (...filters: Filter[]) => filtersPass(filters, facts, NOW);

  it('person fields with any operator, custom fields by fields.<name>', () => {
    expect(pass({ type: 'person_field', field: 'firstName', operator: 'is', value: 'ada' })).toBe(true);
    expect(pass({ type: 'person_field', field: 'firstName', operator: 'is_not', value: 'ada' })).toBe(false);
    expect(pass({ type: 'person_field', field: 'company', operator: 'is_empty' })).toBe(true);
    expect(pass({ type: 'person_field', field: 'referredSignups', operator: 'greater_than', value: 2 })).toBe(true);
    expect(pass({ type: 'person_field', field: 'referredSignups', operator: 'greater_than', value: 3 })).toBe(false);
    expect(pass({ type: 'person_field', field: 'createdAt', operator: 'in_past_days', value: 3 })).toBe(true);
    expect(pass({ type: 'person_field', field: 'createdAt', operator: 'in_past_days', value: 1 })).toBe(false);
    expect(pass({ type: 'person_field', field: 'fields.plan', operator: 'is', value: 'pro' })).toBe(true);
    expect(pass({ type: 'person_field', field: 'fields.other', operator: 'is_not_empty' })).toBe(false);
  });

  it('list membership, referred by offer and activity counts', () => {
    expect(pass({ type: 'in_list', listId: 'lst_in' })).toBe(true);
    expect(pass({ type: 'in_list', listId: 'lst_out' })).toBe(false);
    expect(pass({ type: 'not_in_list', listId: 'lst_in' })).toBe(false);
    expect(pass({ type: 'not_in_list', listId: 'lst_out' })).toBe(true);
    expect(pass({ type: 'referred_by_offer', offerId: 'off_R' })).toBe(true);
    expect(pass({ type: 'referred_by_offer', offerId: 'off_X' })).toBe(false);
    expect(pass({ type: 'has_activity', activityType: 'purchase', withinDays: 30, minCount: 2 })).toBe(true);
    expect(pass({ type: 'has_activity', activityType: 'purchase', withinDays: 30, minCount: 3 })).toBe(false);
    expect(pass({ type: 'has_activity', activityType: 'purchase', withinDays: 7, minCount: 1 })).toBe(false);
    expect(pass({ type: 'has_activity', activityType: 'form_filled', withinDays: 30, minCount: 1 })).toBe(false);
  });

  it('all filters must hold; no filters hold', () => {
    expect(pass()).toBe(true);
    expect(pass({ type: 'in_list', listId: 'lst_in' }, { type: 'referred_by_offer', offerId: 'off_R' })).toBe(true);
    expect(pass({ type: 'in_list', listId: 'lst_in' }, { type: 'referred_by_offer', offerId: 'off_X' })).toBe(false);
  });
});

describe('qualification cut-off', () => {
  it('once never lets a person run again, every_time always does, at_most_every N hours blocks runs since now - N hours', () => {
    expect(qualificationCutoff({ rule: 'once' }, NOW)).toBe('never_again');
    expect(qualificationCutoff({ rule: 'every_time' }, NOW)).toBeNull();
    expect(qualificationCutoff({ rule: 'at_most_every', hours: 6 }, NOW)).toBe('2026-11-01T06:00:00.000Z');
    expect(qualificationCutoff({ rule: 'at_most_every', hours: 24 }, NOW)).toBe('2026-10-31T12:00:00.000Z');
  });
});

describe('campaign problems', () => {
  const refs: CampaignReferences = {
    offers: new Map([
      ['off_smart', { approved: true, archived: false, goalType: 'smart_list_trigger' }],
      ['off_signups', { approved: true, archived: false, goalType: 'referred_signups' }],
      ['off_draft', { approved: false, archived: false, goalType: 'smart_list_trigger' }],
      ['off_archived', { approved: true, archived: true, goalType: 'smart_list_trigger' }],
    ]),
    emails: new Map([
      ['eml_ok', { approved: true }],
      ['eml_draft', { approved: false }],
    ]),
    lists: new Set(['lst_1']),
  };
  const SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
  const def = (over: Partial<CampaignDefinition>): CampaignDefinition => ({
    triggers: [{ type: 'opportunity_created', constraints: [] }],
    filters: [],
    flow: [{ type: 'add_to_list', listId: 'lst_1' }],
    qualification: { rule: 'once' },
    ...over,
  });
  const paths = (d: CampaignDefinition, activation: boolean) => campaignProblems(d, refs, activation).map((p) => p.path);

  it('a good campaign has none, on save and on activation', () => {
    const good = def({
      triggers: [
        { type: 'signs_up', constraints: [{ field: 'offer', operator: 'is', value: 'off_smart' }, { field: 'channel', operator: 'is', value: 'email' }] },
        { type: 'custom', constraints: [{ field: 'name', operator: 'is', value: 'Demo' }, { field: 'attributes.amount', operator: 'greater_than', value: 5 }] },
      ],
      filters: [
        { type: 'person_field', field: 'fields.plan', operator: 'is_not_empty' },
        { type: 'in_list', listId: 'lst_1' },
        { type: 'referred_by_offer', offerId: 'off_signups' },
        { type: 'has_activity', activityType: 'purchase', withinDays: 30, minCount: 2 },
      ],
      flow: [
        { type: 'give_credit_to_referrer', offerId: 'off_smart' },
        { type: 'send_email', emailId: 'eml_ok' },
        { type: 'send_fulfillment_email', offerId: 'off_signups' },
        { type: 'change_data_value', field: 'company', value: 'Acme' },
        { type: 'change_data_value', field: 'fields.plan', value: null },
        { type: 'change_data_value', field: 'consent', value: 'subscribed' },
        { type: 'add_to_list', listId: 'lst_1' },
        { type: 'remove_from_list', listId: 'lst_1' },
        { type: 'wait', minutes: 60 },
        { type: 'call_webhook', url: 'https://hooks.example.com/x', secret: SECRET },
        { type: 'send_alert', to: 'sales@example.com', message: 'hi' },
      ],
      qualification: { rule: 'at_most_every', hours: 24 },
    });
    expect(campaignProblems(good, refs, false)).toEqual([]);
    expect(campaignProblems(good, refs, true)).toEqual([]);
  });

  it('Give Credit to Referrer needs an approved, live offer whose goal is smart_list_trigger (on activation), and the message names the goal type', () => {
    const wrongGoal = def({ flow: [{ type: 'give_credit_to_referrer', offerId: 'off_signups' }] });
    expect(paths(wrongGoal, false)).toEqual([]);
    const problems = campaignProblems(wrongGoal, refs, true);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('flow.0.offerId');
    expect(problems[0]!.message).toContain('smart_list_trigger');
    expect(problems[0]!.message).toContain('referred_signups');
    expect(paths(def({ flow: [{ type: 'give_credit_to_referrer', offerId: 'off_draft' }] }), true)).toEqual(['flow.0.offerId']);
    expect(campaignProblems(def({ flow: [{ type: 'give_credit_to_referrer', offerId: 'off_draft' }] }), refs, true)[0]!.message).toMatch(/not approved/);
    expect(campaignProblems(def({ flow: [{ type: 'give_credit_to_referrer', offerId: 'off_archived' }] }), refs, true)[0]!.message).toMatch(/archived/);
    expect(paths(def({ flow: [{ type: 'give_credit_to_referrer', offerId: 'off_nope' }] }), false)).toEqual(['flow.0.offerId']);
  });

  it('unapproved emails block activation only; missing ones block saving', () => {
    expect(paths(def({ flow: [{ type: 'send_email', emailId: 'eml_draft' }] }), false)).toEqual([]);
    expect(paths(def({ flow: [{ type: 'send_email', emailId: 'eml_draft' }] }), true)).toEqual(['flow.0.emailId']);
    expect(paths(def({ flow: [{ type: 'send_email', emailId: 'eml_nope' }] }), false)).toEqual(['flow.0.emailId']);
  });

  it('lists every problem at once, each with its path', () => {
    const bad = {
      triggers: [
        { type: 'sneezes', constraints: [] },
        { type: 'signs_up', constraints: [{ field: 'colour', operator: 'is', value: 'red' }, { field: 'offer', operator: 'equals', value: 'off_smart' }] },
        { type: 'purchase', constraints: [{ field: 'attributes.amount', operator: 'greater_than', value: 'lots' }] },
        { type: 'shares', constraints: [{ field: 'offer', operator: 'is', value: 'off_nope' }] },
      ],
      filters: [
        { type: 'likes_cats' },
        { type: 'person_field', field: 'shoeSize', operator: 'is', value: 3 },
        { type: 'person_field', field: 'firstName', operator: 'is_empty', value: 'x' },
        { type: 'in_list', listId: 'lst_nope' },
        { type: 'not_in_list' },
        { type: 'referred_by_offer', offerId: 'off_nope' },
        { type: 'has_activity', activityType: 'flies', withinDays: 0, minCount: 0 },
      ],
      flow: [
        { type: 'teleport' },
        { type: 'wait', minutes: 0 },
        { type: 'wait', minutes: 525_601 },
        { type: 'call_webhook', url: 'ftp://example.com', secret: 'nope' },
        { type: 'send_alert', to: 'not an address' },
        { type: 'change_data_value', field: 'email', value: 'x@example.com' },
        { type: 'change_data_value', field: 'consent', value: 'maybe' },
        { type: 'add_to_list', listId: 'lst_nope' },
      ],
      qualification: { rule: 'at_most_every', hours: 0 },
    } as unknown as CampaignDefinition;
    expect(paths(bad, false).sort()).toEqual(
      [
        'triggers.0.type',
        'triggers.1.constraints.0.field',
        'triggers.1.constraints.1.operator',
        'triggers.2.constraints.0.value',
        'triggers.3.constraints.0.value',
        'filters.0.type',
        'filters.1.field',
        'filters.2.value',
        'filters.3.listId',
        'filters.4.listId',
        'filters.5.offerId',
        'filters.6.activityType',
        'filters.6.withinDays',
        'filters.6.minCount',
        'flow.0.type',
        'flow.1.minutes',
        'flow.2.minutes',
        'flow.3.url',
        'flow.3.secret',
        'flow.4.to',
        'flow.5.field',
        'flow.6.value',
        'flow.7.listId',
        'qualification.hours',
      ].sort(),
    );
    expect(paths(def({ triggers: [], flow: [] }), false).sort()).toEqual(['flow', 'triggers']);
    expect(paths(def({ qualification: { rule: 'sometimes' } as never }), false)).toEqual(['qualification.rule']);
  });
});
