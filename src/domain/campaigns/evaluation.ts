import type { Activity } from '../referrals/activities.js';
import type { Constraint, Filter, Trigger } from './campaign.js';
import { OPERATOR_DEFINITIONS } from './operators.js';

/** The value a constraint field names on an activity. */
function activityField(activity: Pick<Activity, 'offerId' | 'attributes'>, field: string): unknown {
  if (field === 'offer') return activity.offerId;
  if (field.startsWith('attributes.')) return activity.attributes[field.slice('attributes.'.length)];
  return activity.attributes[field];
}

export function constraintsHold(constraints: Constraint[], activity: Pick<Activity, 'offerId' | 'attributes'>, now: Date): boolean {
  return constraints.every((c) => OPERATOR_DEFINITIONS[c.operator].evaluate(activityField(activity, c.field), c.value, now));
}

export function triggerMatches(trigger: Trigger, activity: Pick<Activity, 'type' | 'offerId' | 'attributes'>, now: Date): boolean {
  return trigger.type === activity.type && constraintsHold(trigger.constraints, activity, now);
}

/** What filters are evaluated against, gathered by the caller for the filters at hand. */
export interface FilterFacts {
  /** Person fields by filter name (email, firstName, ..., `fields.<custom>`). */
  person: Record<string, unknown>;
  lists: ReadonlySet<string>;
  referredByOffers: ReadonlySet<string>;
  /** Count of activities of a type in the last N days, keyed `${type}:${days}`. */
  activityCounts: ReadonlyMap<string, number>;
}

export function activityCountKey(type: string, withinDays: number): string {
  return `${type}:${withinDays}`;
}

/** All filters must hold (an empty list holds). */
export function filtersPass(filters: Filter[], facts: FilterFacts, now: Date): boolean {
  return filters.every((f) => {
    switch (f.type) {
      case 'person_field':
        return OPERATOR_DEFINITIONS[f.operator].evaluate(facts.person[f.field], f.value, now);
      case 'in_list':
        return facts.lists.has(f.listId);
      case 'not_in_list':
        return !facts.lists.has(f.listId);
      case 'referred_by_offer':
        return facts.referredByOffers.has(f.offerId);
      case 'has_activity':
        return (facts.activityCounts.get(activityCountKey(f.activityType, f.withinDays)) ?? 0) >= f.minCount;
    }
  });
}
