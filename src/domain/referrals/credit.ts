import type { GoalType, OfferSettings } from '../offers/settings.js';

/** What a friend did that may earn their referrer one credit. */
export type CreditKind = 'visit' | 'signup' | 'trigger' | 'custom_event';

const GOAL_OF_KIND: Record<CreditKind, GoalType> = {
  visit: 'referred_visits',
  signup: 'referred_signups',
  trigger: 'smart_list_trigger',
  custom_event: 'custom_js_event',
};

/** Only the offer's own goal type earns credit; the other activities still count in reports. */
export function earnsCredit(settings: OfferSettings, kind: CreditKind): boolean {
  return settings.goal.type === GOAL_OF_KIND[kind];
}

/**
 * The key that makes a credit count once (spec section 3, Decisions):
 * a visit session; a distinct friend for sign-ups; a campaign run for smart
 * list triggers; a friend for custom events, or each idempotency key when the
 * offer counts every event.
 */
export function creditDedupeKey(
  kind: CreditKind,
  input: { friendKey: string; sessionKey?: string; campaignRunId?: string; eventKey?: string },
): string {
  switch (kind) {
    case 'visit':
      return `visit:${input.sessionKey ?? input.friendKey}`;
    case 'signup':
      return `signup:${input.friendKey}`;
    case 'trigger':
      return `trigger:${input.campaignRunId ?? input.friendKey}`;
    case 'custom_event':
      return input.eventKey ? `event:${input.friendKey}:${input.eventKey}` : `event:${input.friendKey}`;
  }
}

export type FulfillmentState = 'sent' | 'awaiting_send' | 'needs_code';

/** The state a participant enters on reaching the goal. */
export function fulfillmentStateFor(settings: OfferSettings, codeAssigned: boolean): FulfillmentState {
  if (settings.promoCodes.enabled && !codeAssigned) return 'needs_code';
  return settings.fulfillmentDelivery === 'automatic' ? 'sent' : 'awaiting_send';
}
