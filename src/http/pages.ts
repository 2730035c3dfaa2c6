import { DEFAULT_TEXTS, pickFromAcceptLanguage } from '../domain/messages/default-texts.js';
import type { TextKey } from '../domain/messages/default-texts.js';
import { escapeHtml } from '../domain/messages/tokens.js';

/** A small, self-contained HTML page for the participant-facing dead ends (unknown link, offer gone). */
export function messagePage(acceptLanguage: string | undefined, titleKey: TextKey, messageKey: TextKey): string {
  const locale = pickFromAcceptLanguage(acceptLanguage) ?? 'en';
  const texts = DEFAULT_TEXTS[locale];
  const title = escapeHtml(texts[titleKey]);
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2328}h1{font-size:1.4rem}</style>
</head><body><h1>${title}</h1><p>${escapeHtml(texts[messageKey])}</p></body></html>`;
}
