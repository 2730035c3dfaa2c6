import { DEFAULT_EMAILS, resolveLocale, SUPPORTED_LOCALES } from './default-texts.js';
import type { SupportedLocale } from './default-texts.js';
import type { EmailContent, EmailVersions } from './email.js';

export type DefaultEmailKind = keyof (typeof DEFAULT_EMAILS)['en'];
export const DEFAULT_EMAIL_KINDS = Object.keys(DEFAULT_EMAILS.en) as DefaultEmailKind[];

/** A default template in every shipped locale, shaped like an email's versions. */
export function defaultEmailVersions(kind: DefaultEmailKind): EmailVersions {
  const versions: EmailVersions = {};
  for (const locale of SUPPORTED_LOCALES) {
    const email = DEFAULT_EMAILS[locale][kind];
    versions[locale] = { subject: email.subject, html: email.html, text: email.text };
  }
  return versions;
}

/** The default template for one recipient: their locale if we ship it, else the offer's, else English. */
export function defaultEmailContent(kind: DefaultEmailKind, ...locales: (string | null | undefined)[]): EmailContent {
  const locale: SupportedLocale = locales.map((l) => resolveLocale(l)).find((l) => l !== null) ?? 'en';
  return defaultEmailVersions(kind)[locale]!;
}
