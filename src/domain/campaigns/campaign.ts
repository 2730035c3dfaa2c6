import type { Operator } from './operators.js';
import type { TriggerType } from './catalog.js';

export interface Constraint {
  /** `offer`, `channel`, `name`, `referredType`, or `attributes.<name>`. */
  field: string;
  operator: Operator;
  value?: unknown;
}

export interface Trigger {
  type: TriggerType;
  constraints: Constraint[];
}

export type Filter =
  | { type: 'person_field'; field: string; operator: Operator; value?: unknown }
  | { type: 'in_list'; listId: string }
  | { type: 'not_in_list'; listId: string }
  | { type: 'referred_by_offer'; offerId: string }
  | { type: 'has_activity'; activityType: TriggerType; withinDays: number; minCount: number };

export type Step =
  | { type: 'give_credit_to_referrer'; offerId: string }
  | { type: 'send_email'; emailId: string }
  | { type: 'send_fulfillment_email'; offerId: string }
  | { type: 'change_data_value'; field: string; value: string | null }
  | { type: 'add_to_list'; listId: string }
  | { type: 'remove_from_list'; listId: string }
  | { type: 'wait'; minutes: number }
  | { type: 'call_webhook'; url: string; secret: string }
  | { type: 'send_alert'; to: string; message?: string };

export type Qualification = { rule: 'once' } | { rule: 'every_time' } | { rule: 'at_most_every'; hours: number };

export interface CampaignDefinition {
  triggers: Trigger[];
  filters: Filter[];
  flow: Step[];
  qualification: Qualification;
}

export type CampaignStatus = 'active' | 'inactive';

export interface Campaign extends CampaignDefinition {
  id: string;
  name: string;
  description: string;
  status: CampaignStatus;
  createdAt: string;
  updatedAt: string;
  activatedAt: string | null;
}

/**
 * The earliest time of a previous run that still blocks a new one, or null
 * when the person may always run again. `once` blocks forever.
 */
export function qualificationCutoff(q: Qualification, now: Date): string | null | 'never_again' {
  switch (q.rule) {
    case 'once':
      return 'never_again';
    case 'every_time':
      return null;
    case 'at_most_every':
      return new Date(now.getTime() - q.hours * 3_600_000).toISOString();
  }
}
