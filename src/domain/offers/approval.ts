import type { ProblemDetail } from '../errors.js';
import { containsToken } from '../messages/tokens.js';
import type { EmailContent } from '../messages/email.js';
import { resolveTexts } from './settings.js';
import type { OfferSettings } from './settings.js';

/** What approval needs to know about an email the offer names. */
export interface EmailFacts {
  id: string;
  /** The approved content per locale, or null when the email was never approved. */
  approved: Record<string, EmailContent> | null;
}

function isHttpUrl(value: string | null | undefined): boolean {
  if (!value) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Every reason the draft cannot become the approved version, all at once.
 * An empty list means it can be approved.
 */
export function approvalProblems(
  settings: OfferSettings,
  emails: ReadonlyMap<string, EmailFacts>,
): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  if (settings.name.trim() === '') add('name', 'Give the offer a name.');
  if (!settings.goal.type) {
    add('goal.type', 'Choose a fulfillment goal: referred_visits, referred_signups, smart_list_trigger or custom_js_event.');
  }
  if (!Number.isInteger(settings.goal.count) || settings.goal.count < 1) {
    add('goal.count', 'The goal count must be a whole number of at least 1.');
  }

  if (!settings.rulesUrl) add('rulesUrl', 'Set the URL of the offer rules (terms); it is required.');
  else if (!isHttpUrl(settings.rulesUrl)) add('rulesUrl', 'The rules URL must be an http:// or https:// URL.');

  if (settings.privacyPolicy) {
    if (settings.privacyPolicy.title.trim() === '') add('privacyPolicy.title', 'Give the privacy policy link a title, or remove the privacy policy.');
    if (!isHttpUrl(settings.privacyPolicy.url)) add('privacyPolicy.url', 'The privacy policy URL must be an http:// or https:// URL.');
  }

  const checkEmail = (slot: 'signup' | 'fulfillment' | 'reshare', required: boolean): EmailFacts | null => {
    const id = settings.emails[slot];
    const path = `emails.${slot}`;
    if (!id) {
      if (required) add(path, `Choose the ${slot} email; it is required.`);
      return null;
    }
    const email = emails.get(id);
    if (!email) {
      add(path, `Email ${id} does not exist.`);
      return null;
    }
    if (!email.approved) {
      add(path, `Email ${id} is not approved yet: approve it first.`);
      return null;
    }
    return email;
  };
  checkEmail('signup', true);
  const fulfillment = checkEmail('fulfillment', true);
  checkEmail('reshare', false);

  if (settings.promoCodes.enabled && fulfillment?.approved) {
    const lacking = Object.entries(fulfillment.approved)
      .filter(([, c]) => !containsToken(c.html, 'social.Promo Code') && !containsToken(c.text ?? '', 'social.Promo Code'))
      .map(([locale]) => locale);
    if (lacking.length > 0) {
      add(
        'promoCodes.enabled',
        `Promo codes are on, but the fulfillment email (${lacking.join(', ')}) does not contain {{social.Promo Code}}: add the token or turn promo codes off.`,
      );
    }
  }

  if (settings.shareTarget.type === 'external_url' && !isHttpUrl(settings.shareTarget.url)) {
    add('shareTarget.url', 'A share target of type external_url needs an http:// or https:// URL.');
  }

  const fields = settings.signupFlow.fields;
  const email = fields.find((f) => f.name === 'email');
  if (!email || !email.required) add('signupFlow.fields', 'The email field is always asked and must be required.');
  const names = fields.map((f) => f.name);
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  if (dupes.length > 0) add('signupFlow.fields', `Fields asked more than once: ${[...new Set(dupes)].join(', ')}.`);

  if (settings.sharing.channels.length === 0) add('sharing.channels', 'Enable at least one sharing channel.');
  if (settings.signupFlow.order === 'share_then_capture' && settings.sharing.channels.length === 0) {
    add('signupFlow.order', 'share_then_capture needs at least one sharing channel.');
  }

  const { missing } = resolveTexts(settings, settings.locale);
  if (missing.length > 0) {
    add(
      `texts.${settings.locale}`,
      `No texts for locale "${settings.locale}": ${missing.length} missing (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}). Use en, fr, sv or zh-CN, or provide every text.`,
    );
  }

  if (!Number.isInteger(settings.attributionWindowDays) || settings.attributionWindowDays < 1 || settings.attributionWindowDays > 365) {
    add('attributionWindowDays', 'The attribution window must be from 1 to 365 days.');
  }
  return problems;
}
