/**
 * What the offer report counts, per offer and hour, as activities arrive
 * (spec section 6). Each activity adds to a few hourly counters; the report
 * only sums counters, so its cost depends on the length of the range, never on
 * the number of activities.
 *
 * Audience figures count people once, in the hour they became what is
 * counted: a participant when they signed up, a sharer at their first share,
 * an influencer at the first click on their link. Distinctness is settled
 * when the activity is written (a first-time mark per participant), so these
 * figures add up over hours like the others, and a report over all time
 * gives the exact number of distinct participants, sharers and influencers.
 */

/** Not recorded by anything yet: the widget may record it when it is opened (see README, Reports). */
export const WIDGET_OPEN_ACTIVITY = 'opens_widget';

export const HOURLY_METRICS = [
  'visits',
  'referred_visits',
  'widget_opens',
  'signups',
  'registrations',
  'shares',
  'email_reach',
  'clicks',
  'fulfilled',
  'new_sharers',
  'new_influencers',
] as const;
export type HourlyMetric = (typeof HOURLY_METRICS)[number];

/** First-time marks: a participant counts as a sharer or an influencer once. */
export type FirstMark = 'sharer' | 'influencer';
export const METRIC_OF_FIRST_MARK: Record<FirstMark, HourlyMetric> = { sharer: 'new_sharers', influencer: 'new_influencers' };

/** The part of an activity the counters look at. */
export interface CountableActivity {
  type: string;
  offerId: string | null;
  participantId: string | null;
  attributes: Record<string, unknown>;
  occurredAt: string;
}

const COUNTED_TYPES = new Set(['visits_offer_page', WIDGET_OPEN_ACTIVITY, 'signs_up', 'shares', 'clicks_shared_link', 'achieves_goal']);

export function isCounted(activity: CountableActivity): activity is CountableActivity & { offerId: string } {
  return activity.offerId !== null && COUNTED_TYPES.has(activity.type);
}

/** The hour an activity is counted in: `YYYY-MM-DDTHH` (UTC), sortable as text like every time we store. */
export function hourOf(iso: string): string {
  return new Date(iso).toISOString().slice(0, 13);
}

export interface Increment {
  metric: HourlyMetric;
  by: number;
}

/**
 * The counters one activity adds to. `referredSignup` says whether a sign-up
 * came through a shared link (the caller checks the click it names).
 */
export function incrementsOf(activity: CountableActivity, facts: { referredSignup: boolean }): Increment[] {
  const a = activity.attributes;
  switch (activity.type) {
    case 'visits_offer_page':
      return typeof a.referrerParticipantId === 'string'
        ? [{ metric: 'visits', by: 1 }, { metric: 'referred_visits', by: 1 }]
        : [{ metric: 'visits', by: 1 }];
    case WIDGET_OPEN_ACTIVITY:
      return [{ metric: 'widget_opens', by: 1 }];
    case 'signs_up':
      return facts.referredSignup ? [{ metric: 'signups', by: 1 }, { metric: 'registrations', by: 1 }] : [{ metric: 'signups', by: 1 }];
    case 'shares': {
      const recipients = a.recipients;
      const reach = a.channel === 'email' && typeof recipients === 'number' && Number.isInteger(recipients) && recipients > 0 ? recipients : 0;
      return reach > 0 ? [{ metric: 'shares', by: 1 }, { metric: 'email_reach', by: reach }] : [{ metric: 'shares', by: 1 }];
    }
    case 'clicks_shared_link':
      return [{ metric: 'clicks', by: 1 }];
    case 'achieves_goal':
      return [{ metric: 'fulfilled', by: 1 }];
    default:
      return [];
  }
}

/** The first-time mark an activity may set for its participant. */
export function firstMarkOf(activity: CountableActivity): FirstMark | null {
  if (!activity.participantId) return null;
  if (activity.type === 'shares') return 'sharer';
  if (activity.type === 'clicks_shared_link') return 'influencer';
  return null;
}

/**
 * A sign-up is a registration (a friend who signed up after a shared link)
 * when it names the referrer, or a click on a link of the same offer. The
 * sign-up activity carries the click id the page reported; `referrerParticipantId`
 * is honoured when present.
 */
export function signupClickId(activity: CountableActivity): string | null {
  if (activity.type !== 'signs_up') return null;
  const clickId = activity.attributes.clickId;
  return typeof clickId === 'string' && clickId !== '' ? clickId : null;
}

export function signupNamesReferrer(activity: CountableActivity): boolean {
  return activity.type === 'signs_up' && typeof activity.attributes.referrerParticipantId === 'string';
}
