import { resolveTexts } from '../offers/settings.js';
import type { OfferSettings } from '../offers/settings.js';
import { DEFAULT_TEXTS, pickFromAcceptLanguage, resolveLocale } from './default-texts.js';
import type { Texts } from './default-texts.js';

/**
 * The language the participant sees: the offer's locale, or, when the offer
 * follows the browser's language, the browser's first language we have texts
 * for (the four defaults, or a locale the offer has complete texts of).
 */
export function widgetLocale(settings: Pick<OfferSettings, 'locale' | 'followBrowserLanguage' | 'texts'>, acceptLanguage: string | undefined): string {
  if (!settings.followBrowserLanguage) return settings.locale;
  const custom = firstCustomLocale(settings, acceptLanguage);
  return custom ?? pickFromAcceptLanguage(acceptLanguage) ?? settings.locale;
}

/** A locale the offer wrote every text for, matching one of the browser's choices exactly or by language. */
function firstCustomLocale(settings: Pick<OfferSettings, 'texts'>, acceptLanguage: string | undefined): string | null {
  if (!acceptLanguage) return null;
  const wanted = acceptLanguage
    .slice(0, 512)
    .split(',')
    .slice(0, 8)
    .map((part) => part.split(';')[0]!.trim().toLowerCase());
  for (const tag of wanted) {
    if (resolveLocale(tag)) return null; // a shipped language comes first: pickFromAcceptLanguage handles it
    const language = tag.split('-')[0];
    const locale =
      Object.keys(settings.texts).find((l) => l.toLowerCase() === tag) ?? Object.keys(settings.texts).find((l) => l.toLowerCase() === language);
    if (locale && resolveTexts(settings, locale).missing.length === 0) return locale;
  }
  return null;
}

/**
 * Every participant-facing text for a locale: the offer's overrides and the
 * defaults of that locale, and for any key still missing (an offer locale we
 * do not ship, partly translated) the offer's own locale, then English. The
 * widget never shows an empty label.
 */
export function widgetTexts(settings: Pick<OfferSettings, 'texts' | 'locale'>, locale: string): Texts {
  const wanted = resolveTexts(settings, locale).texts;
  const offerDefault = resolveTexts(settings, settings.locale).texts;
  const out = { ...DEFAULT_TEXTS.en } as Texts;
  for (const layer of [offerDefault, wanted]) {
    for (const [key, value] of Object.entries(layer)) {
      if (typeof value === 'string' && value.trim() !== '') out[key as keyof Texts] = value;
    }
  }
  return out;
}
