/** The social activities of spec section 5, as stored `type` values. */
export const SOCIAL_ACTIVITY_TYPES = [
  'signs_up',
  'shares',
  'clicks_shared_link',
  'visits_offer_page',
  'refers',
  'achieves_goal',
] as const;
export type SocialActivityType = (typeof SOCIAL_ACTIVITY_TYPES)[number];

/** Logged when something was refused (self-referral, archived offer): the refusal is a fact too. */
export const REFUSAL_ACTIVITY = 'referral_refused';

export interface Activity {
  id: string;
  type: string;
  offerId: string | null;
  personId: string | null;
  visitorId: string | null;
  participantId: string | null;
  attributes: Record<string, unknown>;
  occurredAt: string;
}
