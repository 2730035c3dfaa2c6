import type { Email } from '../../domain/messages/email.js';
import { defaultEmailVersions } from '../../domain/messages/widget-emails.js';
import type { DefaultEmailKind } from '../../domain/messages/widget-emails.js';
import type { SupportedLocale } from '../../domain/messages/default-texts.js';
import { createEmail } from '../emails.js';

const NAMES: Record<DefaultEmailKind, string> = {
  signup: 'Sign-up email',
  fulfillment: 'Fulfillment email',
  reshare: 'Re-share email',
  progressLink: 'Progress link email',
};

/**
 * Creates an email (a draft, to approve like any other) from our default
 * template: `locale` is its default language and the other shipped languages
 * come along as translations, so each recipient gets their own.
 */
export async function createDefaultEmail(
  ctx: Parameters<typeof createEmail>[0],
  input: { kind: DefaultEmailKind; locale?: SupportedLocale; name?: string },
): Promise<Email> {
  const locale = input.locale ?? 'en';
  const { [locale]: main, ...translations } = defaultEmailVersions(input.kind);
  return createEmail(ctx, {
    name: input.name ?? `${NAMES[input.kind]} (${locale})`,
    subject: main!.subject,
    html: main!.html,
    text: main!.text,
    locale,
    translations,
  });
}
