import { createHash } from 'node:crypto';
import type { Texts } from '../../../domain/messages/default-texts.js';
import { escapeHtml as e } from '../../../domain/messages/tokens.js';
import { INTENT_CHANNELS, MAX_RESHARE_RECIPIENTS } from '../../../domain/messages/widget-share.js';
import type { CaptureField, OfferSettings } from '../../../domain/offers/settings.js';
import type { WidgetConfig } from '../../../domain/messages/widget-config.js';

/**
 * The HTML of the widget (served at /w/{offerId}, inside the embed's iframe)
 * and of the hosted landing page (/o/{offerId}). Every marketer text and every
 * value goes through `e` (HTML escaping) exactly once, here; the browser
 * script only ever sets textContent and attributes. Pages carry no inline
 * script: the one inline style (the offer's colours) is allowed by its hash.
 */

export interface RenderedPage {
  html: string;
  /** Content-Security-Policy for this page. */
  csp: string;
}

const FIELD_TEXT: Record<CaptureField, keyof Texts> = {
  email: 'fieldEmail',
  firstName: 'fieldFirstName',
  lastName: 'fieldLastName',
  company: 'fieldCompany',
  phone: 'fieldPhone',
};
const AUTOCOMPLETE: Record<CaptureField, string> = {
  email: 'email',
  firstName: 'given-name',
  lastName: 'family-name',
  company: 'organization',
  phone: 'tel',
};
const CHANNEL_TEXT: Partial<Record<string, keyof Texts>> = {
  email: 'shareEmailButton',
  facebook: 'shareFacebookButton',
  x: 'shareXButton',
  linkedin: 'shareLinkedInButton',
};
// Brand names are the same in every language.
const CHANNEL_BRAND: Record<string, string> = { whatsapp: 'WhatsApp', reddit: 'Reddit' };

function isHttpUrl(value: string | null | undefined): value is string {
  return !!value && /^https?:\/\//i.test(value);
}

/** JSON inside a <script type="application/json">: `<` escaped so no text can close the element. */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function styleHash(css: string): string {
  return `'sha256-${createHash('sha256').update(css).digest('base64')}'`;
}

function footer(settings: OfferSettings, t: Texts): string {
  const links: string[] = [];
  if (isHttpUrl(settings.rulesUrl)) links.push(`<a href="${e(settings.rulesUrl)}" target="_blank" rel="noopener noreferrer">${e(t.rulesLink)}</a>`);
  if (settings.privacyPolicy && isHttpUrl(settings.privacyPolicy.url)) {
    const title = settings.privacyPolicy.title.trim() || t.privacyLink;
    links.push(`<a href="${e(settings.privacyPolicy.url)}" target="_blank" rel="noopener noreferrer">${e(title)}</a>`);
  }
  return links.length ? `<footer class="gp-footer">${links.join('<span aria-hidden="true"> · </span>')}</footer>` : '';
}

function field(name: CaptureField, required: boolean, t: Texts): string {
  const id = `gp-f-${name}`;
  const marker = required
    ? ` <span class="gp-req" aria-hidden="true">${e(t.requiredMarker)}</span>`
    : ` <span class="gp-opt">${e(t.optionalMarker)}</span>`;
  const type = name === 'email' ? 'email' : name === 'phone' ? 'tel' : 'text';
  const max = name === 'email' ? 254 : 200;
  // Required fields other than the email start hidden: the server asks for them only when it does not know them yet.
  const hidden = required && name !== 'email' ? ' hidden' : '';
  return (
    `<div class="gp-field" data-field="${name}"${required ? ' data-required=""' : ''}${hidden}>` +
    `<label for="${id}">${e(t[FIELD_TEXT[name]])}${marker}</label>` +
    `<input id="${id}" name="${name}" type="${type}" autocomplete="${AUTOCOMPLETE[name]}" maxlength="${max}"${required ? ' aria-required="true"' : ''} aria-describedby="${id}-error">` +
    `<p class="gp-error" id="${id}-error" hidden></p></div>`
  );
}

function captureForm(settings: OfferSettings, t: Texts): string {
  const flow = settings.signupFlow;
  const fields = [
    field('email', true, t),
    ...flow.fields.filter((f) => f.name !== 'email').map((f) => field(f.name, f.required, t)),
  ].join('');
  const consent =
    flow.consent === 'opt_in'
      ? `<label class="gp-check"><input type="checkbox" name="consent" value="yes"> <span>${e(t.consentOptIn)}</span></label>`
      : `<label class="gp-check"><input type="checkbox" name="consent" value="no"> <span>${e(t.consentOptOut)}</span></label>`;
  return (
    `<form class="gp-form" id="gp-signup" data-show="capture" novalidate hidden>` +
    `<p class="gp-lead">${e(t.capturePrompt)}</p>${fields}${consent}` +
    `<p class="gp-note">${e(t.consentUnsubscribeNote)}</p>` +
    `<p class="gp-note">${e(t.requiredLegend)}</p>` +
    `<button class="gp-btn" type="submit">${e(t.captureSubmit)}</button>` +
    `<p class="gp-error" data-role="form-error" role="alert" hidden></p></form>`
  );
}

function sharePanel(settings: OfferSettings, t: Texts): string {
  const channels = settings.sharing.channels;
  const copy = channels.includes('copy_link')
    ? `<button type="button" class="gp-btn gp-btn-quiet" data-action="copy">${e(t.copyLinkButton)}</button>`
    : '';
  const buttons = channels
    .filter((c) => c === 'email' || (INTENT_CHANNELS as readonly string[]).includes(c))
    .map((c) => {
      const label = CHANNEL_TEXT[c] ? t[CHANNEL_TEXT[c]!] : (CHANNEL_BRAND[c] ?? c);
      return `<button type="button" class="gp-share-btn gp-ch-${c}" data-share="${c}">${e(label)}</button>`;
    })
    .join('');
  const reshare = channels.includes('email')
    ? `<form class="gp-form gp-reshare" id="gp-reshare" novalidate hidden>` +
      `<h3>${e(t.reshareHeading)}</h3>` +
      `<label for="gp-recipients">${e(t.reshareRecipientsLabel)}</label>` +
      `<textarea id="gp-recipients" name="recipients" rows="2" maxlength="3000" autocomplete="off" aria-describedby="gp-recipients-hint"></textarea>` +
      `<p class="gp-note" id="gp-recipients-hint">${e(t.reshareRecipientsHint)}</p>` +
      `<button class="gp-btn" type="submit">${e(t.reshareSendButton)}</button>` +
      `<p class="gp-status" role="status" hidden></p></form>`
    : '';
  return (
    `<section class="gp-share" data-show="share done" hidden>` +
    `<label class="gp-label" for="gp-url">${e(t.shareUrlLabel)}</label>` +
    `<div class="gp-row"><input id="gp-url" class="gp-url" type="text" readonly value="">${copy}</div>` +
    (buttons ? `<h3>${e(t.shareHeading)}</h3><div class="gp-channels">${buttons}</div>` : '') +
    `${reshare}</section>`
  );
}

export function renderWidgetPage(input: {
  offerId: string;
  settings: OfferSettings;
  locale: string;
  texts: Texts;
  assets: { css: string; js: string };
}): RenderedPage {
  const { offerId, settings, texts: t, locale } = input;
  const order = settings.signupFlow.order;
  // Share messages are written in the offer's language: a visitor shown another language gets that language's default.
  const ownLanguage = locale === settings.locale;
  const intentMessages: Record<string, string> = {};
  for (const channel of settings.sharing.channels) {
    if ((INTENT_CHANNELS as readonly string[]).includes(channel)) {
      intentMessages[channel] = (ownLanguage ? settings.sharing.messages[channel] : undefined) ?? t.shareMessageDefault;
    }
  }
  const config: WidgetConfig = {
    offerId,
    locale,
    order,
    trackProgress: settings.trackProgress.enabled,
    offerName: settings.name,
    messages: intentMessages,
    maxRecipients: MAX_RESHARE_RECIPIENTS,
    t: {
      progressCredit: t.progressCredit,
      progressNextSteps: t.progressNextSteps,
      progressGoalMet: t.progressGoalMet,
      copyLinkButton: t.copyLinkButton,
      copyLinkCopied: t.copyLinkCopied,
      errorGeneric: t.errorGeneric,
      errorRateLimited: t.errorRateLimited,
      errorRequired: t.errorRequired,
      errorInvalidEmail: t.errorInvalidEmail,
      reshareSent: t.reshareSent,
      reshareInvalidRecipients: t.reshareInvalidRecipients,
      reshareTooManyRecipients: t.reshareTooManyRecipients,
      emailMyLinkSent: t.emailMyLinkSent,
      loading: t.loading,
    },
  };
  // The schema allows only #rrggbb here; checked again because it is the one value not escaped (it is CSS).
  const colour = (value: string, fallback: string) => (/^#[0-9a-fA-F]{6}$/.test(value) ? value : fallback);
  const colours = `:root{--gp-accent:${colour(settings.style.buttonColor, '#1f6feb')};--gp-on-accent:${colour(settings.style.buttonTextColor, '#ffffff')}}`;
  const track = settings.trackProgress.enabled
    ? `<p data-show="start"><button type="button" class="gp-linkbtn" data-action="track">${e(t.trackProgressLink)}</button></p>`
    : '';
  const shareStep =
    order === 'share_then_capture'
      ? `<div data-show="share" hidden><h2>${e(t.shareToFinishPrompt)}</h2></div>`
      : `<div data-show="share" hidden><h2>${e(t.confirmationHeading)}</h2><p>${e(t.confirmationMessage)}</p></div>`;
  const skip =
    order === 'capture_then_share'
      ? `<p data-show="share" hidden><button type="button" class="gp-linkbtn" data-action="skip">${e(t.skipShareButton)}</button></p>`
      : '';
  const progress = settings.trackProgress.enabled
    ? `<section class="gp-progress" data-show="done" hidden><h2>${e(t.progressHeading)}</h2>` +
      `<p data-role="credit"></p>` +
      `<div class="gp-bar" role="progressbar" aria-valuemin="0" aria-valuemax="1" aria-valuenow="0" hidden><span></span></div>` +
      `<p data-role="next"></p></section>`
    : '';
  const html = `<!doctype html>
<html lang="${e(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(settings.name)}</title>
<link rel="stylesheet" href="${e(input.assets.css)}">
<style>${colours}</style>
<script type="application/json" id="gp-config">${jsonForHtml(config)}</script>
<script src="${e(input.assets.js)}" defer></script>
</head><body>
<main class="gp" id="gp" data-view="start" data-order="${order}">
<p class="gp-badge" data-show="done" hidden>${e(t.signupButtonAfter)}</p>
<div data-show="start recover"><p class="gp-lead">${e(t.signupPrompt)}</p>
<button type="button" class="gp-btn" data-action="join">${e(t.signupButton)}</button></div>
${track}
${captureForm(settings, t)}
${shareStep}
<div data-show="done" hidden><p class="gp-lead" data-role="already" hidden>${e(t.alreadyJoinedMessage)}</p></div>
${progress}
${sharePanel(settings, t)}
${skip}
<form class="gp-form" id="gp-recover" data-show="recover" novalidate hidden>
<p>${e(t.emailMyLinkPrompt)}</p>
<label for="gp-recover-email">${e(t.fieldEmail)}</label>
<div class="gp-row"><input id="gp-recover-email" name="email" type="email" autocomplete="email" maxlength="254">
<button class="gp-btn" type="submit">${e(t.emailMyLinkButton)}</button></div>
<p class="gp-status" role="status" hidden></p>
</form>
${footer(settings, t)}
</main>
</body></html>`;
  return {
    html,
    csp: [
      "default-src 'none'",
      "script-src 'self'",
      `style-src 'self' ${styleHash(colours)}`,
      "img-src 'self' data:",
      "connect-src 'self'",
      "form-action 'none'",
      "base-uri 'none'",
      // The widget is made to be embedded anywhere; it holds nothing of the host page.
      'frame-ancestors *',
    ].join('; '),
  };
}

/** The hosted landing page: the offer's title and description, and the widget through the same embed as any site. */
export function renderLandingPage(input: {
  offerId: string;
  settings: OfferSettings;
  locale: string;
  pageUrl: string;
  assets: { css: string; embed: string };
}): RenderedPage {
  const { settings } = input;
  const paragraphs = settings.description
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${e(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const summary = settings.description.replace(/\s+/g, ' ').trim().slice(0, 300);
  const html = `<!doctype html>
<html lang="${e(input.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(settings.name)}</title>
<meta property="og:type" content="website">
<meta property="og:title" content="${e(settings.name)}">
${summary ? `<meta name="description" content="${e(summary)}">\n<meta property="og:description" content="${e(summary)}">\n` : ''}<meta property="og:url" content="${e(input.pageUrl)}">
<link rel="stylesheet" href="${e(input.assets.css)}">
<script async src="${e(input.assets.embed)}"></script>
</head><body>
<main class="page">
<h1>${e(settings.name)}</h1>
${paragraphs}
<div class="page-widget" data-goalpost-offer="${e(input.offerId)}" data-width="100%" data-height="auto"></div>
</main>
</body></html>`;
  return {
    html,
    csp: [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "frame-src 'self'",
      "form-action 'none'",
      "base-uri 'none'",
      "frame-ancestors 'self'",
    ].join('; '),
  };
}
