import { SOCIAL_ACTIVITY_TYPES } from '../referrals/activities.js';

/** Activities ingested through the API so that milestone goals work (spec section 5). */
export const INGESTED_ACTIVITY_TYPES = [
  'opportunity_created',
  'purchase',
  'webinar_registered',
  'webinar_attended',
  'form_filled',
  'custom',
] as const;
export type IngestedActivityType = (typeof INGESTED_ACTIVITY_TYPES)[number];

/** Every activity a smart campaign can trigger on: the social ones and the ingested ones. */
export const TRIGGER_TYPES = [...SOCIAL_ACTIVITY_TYPES, ...INGESTED_ACTIVITY_TYPES] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/** The constraint fields each trigger offers, beyond `attributes.<name>` which all have. */
export const TRIGGER_CONSTRAINT_FIELDS: Record<TriggerType, readonly string[]> = {
  signs_up: ['offer', 'channel'],
  shares: ['offer', 'channel'],
  clicks_shared_link: ['offer', 'channel'],
  visits_offer_page: ['offer'],
  refers: ['offer', 'referredType'],
  achieves_goal: ['offer'],
  opportunity_created: [],
  purchase: [],
  webinar_registered: [],
  webinar_attended: [],
  form_filled: [],
  custom: ['name'],
};

export const PERSON_FILTER_FIELDS = ['email', 'firstName', 'lastName', 'company', 'phone', 'consent', 'locale', 'createdAt', 'referredVisits', 'referredSignups'] as const;

export const QUALIFICATION_RULES = ['once', 'every_time', 'at_most_every'] as const;

export const STEP_TYPES = [
  'give_credit_to_referrer',
  'send_email',
  'send_fulfillment_email',
  'change_data_value',
  'add_to_list',
  'remove_from_list',
  'wait',
  'call_webhook',
  'send_alert',
] as const;
export type StepType = (typeof STEP_TYPES)[number];

/** Person fields the Change Data Value step may set; anything else goes to custom fields by name. */
export const WRITABLE_PERSON_FIELDS = ['firstName', 'lastName', 'company', 'phone', 'consent'] as const;
