import type { ProblemDetail } from '../errors.js';
import { normalizeEmail } from '../referrals/people.js';
import { PERSON_FILTER_FIELDS, STEP_TYPES, TRIGGER_CONSTRAINT_FIELDS, TRIGGER_TYPES, WRITABLE_PERSON_FIELDS } from './catalog.js';
import type { TriggerType } from './catalog.js';
import type { CampaignDefinition } from './campaign.js';
import { isOperator, OPERATOR_DEFINITIONS } from './operators.js';

/** What validation needs to know about the things a campaign names. */
export interface CampaignReferences {
  offers: ReadonlyMap<string, { approved: boolean; archived: boolean; goalType: string | null }>;
  emails: ReadonlyMap<string, { approved: boolean }>;
  lists: ReadonlySet<string>;
}

type Loose = Record<string, unknown>;
const isRecord = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTriggerType = (v: unknown): v is TriggerType => typeof v === 'string' && (TRIGGER_TYPES as readonly string[]).includes(v);
const CUSTOM_FIELD = /^fields\.[A-Za-z][A-Za-z0-9_]{0,63}$/;
const ATTRIBUTE_FIELD = /^attributes\.[A-Za-z][A-Za-z0-9_. -]{0,63}$/;

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function checkOperator(path: string, operator: unknown, value: unknown, add: (p: string, m: string) => void): void {
  if (typeof operator !== 'string' || !isOperator(operator)) {
    add(`${path}.operator`, `Unknown operator "${String(operator)}": use ${Object.keys(OPERATOR_DEFINITIONS).join(', ')}.`);
    return;
  }
  const problem = OPERATOR_DEFINITIONS[operator].validate(value);
  if (problem) add(`${path}.value`, `${operator} ${problem}.`);
}

/**
 * Every problem with a campaign, all at once. With `forActivation`, also the
 * problems that only block running it: unapproved emails, offers that are not
 * live or whose goal is not a smart list trigger.
 */
export function campaignProblems(def: CampaignDefinition, refs: CampaignReferences, forActivation: boolean): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  if (def.triggers.length === 0) add('triggers', 'Add at least one trigger: a campaign runs when one of its triggers fires.');
  def.triggers.forEach((trigger, i) => {
    const path = `triggers.${i}`;
    if (!isTriggerType(trigger.type)) {
      add(`${path}.type`, `Unknown trigger "${String(trigger.type)}": use one of ${TRIGGER_TYPES.join(', ')}.`);
      return;
    }
    const allowed = TRIGGER_CONSTRAINT_FIELDS[trigger.type];
    trigger.constraints.forEach((c, j) => {
      const cPath = `${path}.constraints.${j}`;
      if (!allowed.includes(c.field) && !ATTRIBUTE_FIELD.test(c.field)) {
        add(`${cPath}.field`, `"${c.field}" is not a constraint of ${trigger.type}: use ${[...allowed, 'attributes.<name>'].join(', ')}.`);
      }
      checkOperator(cPath, c.operator, c.value, add);
      if (c.field === 'offer' && typeof c.value === 'string' && !refs.offers.has(c.value)) add(`${cPath}.value`, `Offer ${c.value} does not exist.`);
    });
  });

  def.filters.forEach((filter, i) => {
    const path = `filters.${i}`;
    const f = filter as unknown as Loose;
    switch (f.type) {
      case 'person_field':
        if (typeof f.field !== 'string' || (!(PERSON_FILTER_FIELDS as readonly string[]).includes(f.field) && !CUSTOM_FIELD.test(f.field))) {
          add(`${path}.field`, `Unknown person field "${String(f.field)}": use ${PERSON_FILTER_FIELDS.join(', ')} or fields.<custom>.`);
        }
        checkOperator(path, f.operator, f.value, add);
        break;
      case 'in_list':
      case 'not_in_list':
        if (typeof f.listId !== 'string' || !refs.lists.has(f.listId)) add(`${path}.listId`, `List ${String(f.listId)} does not exist.`);
        break;
      case 'referred_by_offer':
        if (typeof f.offerId !== 'string' || !refs.offers.has(f.offerId)) add(`${path}.offerId`, `Offer ${String(f.offerId)} does not exist.`);
        break;
      case 'has_activity':
        if (!isTriggerType(f.activityType)) add(`${path}.activityType`, `Unknown activity "${String(f.activityType)}".`);
        if (!Number.isInteger(f.withinDays) || (f.withinDays as number) < 1 || (f.withinDays as number) > 3650) {
          add(`${path}.withinDays`, 'withinDays must be a whole number from 1 to 3650.');
        }
        if (!Number.isInteger(f.minCount) || (f.minCount as number) < 1) add(`${path}.minCount`, 'minCount must be a whole number of at least 1.');
        break;
      default:
        add(`${path}.type`, `Unknown filter "${String(f.type)}": use person_field, in_list, not_in_list, referred_by_offer or has_activity.`);
    }
  });

  if (def.flow.length === 0) add('flow', 'Add at least one flow step.');
  def.flow.forEach((step, i) => {
    const path = `flow.${i}`;
    const s = step as unknown as Loose;
    const offer = (id: unknown, field: string) => {
      const found = typeof id === 'string' ? refs.offers.get(id) : undefined;
      if (!found) {
        add(`${path}.${field}`, `Offer ${String(id)} does not exist.`);
        return null;
      }
      return found;
    };
    switch (s.type) {
      case 'give_credit_to_referrer': {
        const found = offer(s.offerId, 'offerId');
        if (found && forActivation) {
          if (found.archived) add(`${path}.offerId`, `Offer ${String(s.offerId)} is archived.`);
          else if (!found.approved) add(`${path}.offerId`, `Offer ${String(s.offerId)} is not approved: approve it first.`);
        }
        if (found && forActivation && found.goalType !== 'smart_list_trigger') {
          add(
            `${path}.offerId`,
            `Give Credit to Referrer needs an offer whose goal type is smart_list_trigger; offer ${String(s.offerId)} has ${found.goalType ?? 'no goal type'}.`,
          );
        }
        break;
      }
      case 'send_fulfillment_email': {
        const found = offer(s.offerId, 'offerId');
        if (found && forActivation && !found.approved) add(`${path}.offerId`, `Offer ${String(s.offerId)} is not approved.`);
        break;
      }
      case 'send_email': {
        const email = typeof s.emailId === 'string' ? refs.emails.get(s.emailId) : undefined;
        if (!email) add(`${path}.emailId`, `Email ${String(s.emailId)} does not exist.`);
        else if (forActivation && !email.approved) add(`${path}.emailId`, `Email ${String(s.emailId)} is not approved: approve it first.`);
        break;
      }
      case 'change_data_value':
        if (typeof s.field !== 'string' || (!(WRITABLE_PERSON_FIELDS as readonly string[]).includes(s.field) && !CUSTOM_FIELD.test(s.field))) {
          add(`${path}.field`, `Cannot set "${String(s.field)}": use ${WRITABLE_PERSON_FIELDS.join(', ')} or fields.<custom>.`);
        } else if (s.field === 'consent' && !['subscribed', 'unsubscribed', null].includes(s.value as string | null)) {
          add(`${path}.value`, 'consent is subscribed or unsubscribed.');
        }
        if (s.value !== null && typeof s.value !== 'string') add(`${path}.value`, 'The value is text, or null to clear the field.');
        break;
      case 'add_to_list':
      case 'remove_from_list':
        if (typeof s.listId !== 'string' || !refs.lists.has(s.listId)) add(`${path}.listId`, `List ${String(s.listId)} does not exist.`);
        break;
      case 'wait':
        if (!Number.isInteger(s.minutes) || (s.minutes as number) < 1 || (s.minutes as number) > 525_600) {
          add(`${path}.minutes`, 'Wait takes a whole number of minutes from 1 to 525600 (a year).');
        }
        break;
      case 'call_webhook':
        if (!isHttpUrl(s.url)) add(`${path}.url`, 'The webhook URL must be http:// or https://.');
        if (typeof s.secret !== 'string' || !/^whsec_[A-Za-z0-9+/=]{16,}$/.test(s.secret)) {
          add(`${path}.secret`, 'The signing secret must look like whsec_<base64> (Standard Webhooks), at least 16 characters after the prefix.');
        }
        break;
      case 'send_alert':
        if (typeof s.to !== 'string' || !normalizeEmail(s.to)) add(`${path}.to`, 'Send Alert needs a valid email address.');
        break;
      default:
        add(`${path}.type`, `Unknown flow step "${String(s.type)}": use one of ${STEP_TYPES.join(', ')}.`);
    }
  });

  const q = def.qualification as unknown as Loose;
  if (q.rule === 'at_most_every') {
    if (!Number.isInteger(q.hours) || (q.hours as number) < 1 || (q.hours as number) > 8760) add('qualification.hours', 'hours must be a whole number from 1 to 8760.');
  } else if (q.rule !== 'once' && q.rule !== 'every_time') {
    add('qualification.rule', 'Qualification is once, every_time or at_most_every (with hours).');
  }
  return problems;
}
