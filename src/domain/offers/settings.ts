import { DEFAULT_TEXTS, resolveLocale, TEXT_KEYS } from '../messages/default-texts.js';
import type { TextKey } from '../messages/default-texts.js';

export const GOAL_TYPES = ['referred_visits', 'referred_signups', 'smart_list_trigger', 'custom_js_event'] as const;
export type GoalType = (typeof GOAL_TYPES)[number];

export const SHARE_TARGET_TYPES = ['referring_page', 'landing_page', 'external_url'] as const;
export type ShareTargetType = (typeof SHARE_TARGET_TYPES)[number];

export const SIGNUP_ORDERS = ['capture_then_share', 'share_then_capture'] as const;
export type SignupOrder = (typeof SIGNUP_ORDERS)[number];

export const CONSENT_MODES = ['opt_in', 'opt_out'] as const;
export type ConsentMode = (typeof CONSENT_MODES)[number];

export const SHARE_CHANNELS = ['email', 'copy_link', 'facebook', 'x', 'linkedin', 'whatsapp', 'reddit'] as const;
export type ShareChannel = (typeof SHARE_CHANNELS)[number];

export const CAPTURE_FIELDS = ['email', 'firstName', 'lastName', 'company', 'phone'] as const;
export type CaptureField = (typeof CAPTURE_FIELDS)[number];

export const FULFILLMENT_DELIVERIES = ['automatic', 'manual'] as const;
export type FulfillmentDelivery = (typeof FULFILLMENT_DELIVERIES)[number];

export const COUNTER_POSITIONS = ['none', 'top', 'bottom'] as const;

/** Every setting of an offer version (draft or approved). Nulls are "not set yet". */
export interface OfferSettings {
  name: string;
  description: string;
  program: string | null;
  goal: { type: GoalType | null; count: number };
  emails: { signup: string | null; fulfillment: string | null; reshare: string | null };
  fulfillmentDelivery: FulfillmentDelivery;
  promoCodes: { enabled: boolean };
  rulesUrl: string | null;
  privacyPolicy: { title: string; url: string } | null;
  shareTarget: { type: ShareTargetType; url: string | null };
  signupFlow: {
    order: SignupOrder;
    fields: { name: CaptureField; required: boolean }[];
    consent: ConsentMode;
  };
  sharing: { channels: ShareChannel[]; messages: Partial<Record<ShareChannel, string>> };
  trackProgress: { enabled: boolean };
  /** Custom JavaScript events: once per friend (default) or every event, deduplicated by idempotency key. */
  customEvents: { countEvery: boolean };
  locale: string;
  followBrowserLanguage: boolean;
  /** Per-locale overrides of the participant-facing texts; missing keys fall back to the defaults. */
  texts: Record<string, Partial<Record<TextKey, string>>>;
  style: {
    buttonColor: string;
    buttonTextColor: string;
    counterPosition: (typeof COUNTER_POSITIONS)[number];
  };
  attributionWindowDays: number;
}

export function defaultOfferSettings(name: string): OfferSettings {
  return {
    name,
    description: '',
    program: null,
    goal: { type: null, count: 1 },
    emails: { signup: null, fulfillment: null, reshare: null },
    fulfillmentDelivery: 'automatic',
    promoCodes: { enabled: false },
    rulesUrl: null,
    privacyPolicy: null,
    shareTarget: { type: 'referring_page', url: null },
    signupFlow: {
      order: 'capture_then_share',
      fields: [
        { name: 'email', required: true },
        { name: 'firstName', required: false },
      ],
      consent: 'opt_out',
    },
    sharing: {
      channels: ['email', 'copy_link', 'facebook', 'x', 'linkedin'],
      messages: {
        facebook: 'I found something you may like: {html_title}',
        x: 'Have a look at {html_title}',
        linkedin: 'Worth a look: {html_title}',
      },
    },
    trackProgress: { enabled: true },
    customEvents: { countEvery: false },
    locale: 'en',
    followBrowserLanguage: false,
    texts: {},
    style: { buttonColor: '#1f6feb', buttonTextColor: '#ffffff', counterPosition: 'none' },
    attributionWindowDays: 30,
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies a PATCH to draft settings: objects merge key by key, arrays and
 * scalars replace, `null` clears a nullable setting. The patch has already
 * been checked against the schema at the edge.
 */
export function applySettingsPatch(settings: OfferSettings, patch: Record<string, unknown>): OfferSettings {
  return mergeDeep(settings as unknown as Record<string, unknown>, patch) as unknown as OfferSettings;
}

// Settings that are maps (locale -> texts, channel -> message): a null entry removes the key.
const MAP_SETTINGS = new Set(['texts', 'messages']);

function mergeDeep(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
  isMap = false,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = base[key];
    if (value === null && isMap) delete out[key];
    else if (isPlainObject(value) && isPlainObject(current)) out[key] = mergeDeep(current, value, MAP_SETTINGS.has(key));
    else out[key] = value;
  }
  return out;
}

/** Texts for a locale: the defaults of the nearest supported locale, then the offer's overrides. */
export function resolveTexts(
  settings: Pick<OfferSettings, 'texts'>,
  locale: string,
): { texts: Partial<Record<TextKey, string>>; missing: TextKey[] } {
  const base = resolveLocale(locale);
  const overrides = settings.texts[locale] ?? {};
  const texts: Partial<Record<TextKey, string>> = { ...(base ? DEFAULT_TEXTS[base] : {}) };
  for (const [key, value] of Object.entries(overrides)) {
    if (typeof value === 'string') texts[key as TextKey] = value;
  }
  const missing = TEXT_KEYS.filter((key) => !texts[key] || texts[key]!.trim() === '');
  return { texts, missing };
}
