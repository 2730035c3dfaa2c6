/**
 * How the widget shares a link: the message with its placeholders filled, the
 * share URL with its channel marker, and each network's share-intent URL.
 *
 * Pure and dependency-free: the widget's browser script bundles this file, and
 * the server tests call it directly, so both sides build the same URLs.
 */

/** Channels shared through a network's own share page (a new window), as opposed to our email or copy-link. */
export const INTENT_CHANNELS = ['facebook', 'x', 'linkedin', 'whatsapp', 'reddit'] as const;
export type IntentChannel = (typeof INTENT_CHANNELS)[number];

export const MAX_RESHARE_RECIPIENTS = 10;

/** Fills single-brace placeholders (`{credit}`, `{html_title}`); unknown ones are left as typed. */
export function fillText(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/**
 * The share URL marked with its channel (`?c=facebook`), so the redirect can
 * count referrals per channel.
 */
export function channelShareUrl(shareUrl: string, channel: string): string {
  return `${shareUrl}${shareUrl.includes('?') ? '&' : '?'}c=${encodeURIComponent(channel)}`;
}

/** The configured message with `{html_title}` (the hosting page's title) filled, tidied to one line. */
export function shareMessage(template: string, htmlTitle: string): string {
  return fillText(template, { html_title: htmlTitle }).replace(/\s+/g, ' ').trim();
}

/**
 * The network's share page for a message and a URL. Where the network takes
 * the text and the link apart (X, Reddit, Facebook's quote) they go in their
 * own parameters; elsewhere the URL is appended to the text.
 */
export function shareIntentUrl(channel: IntentChannel, message: string, url: string): string {
  const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const withUrl = message ? `${message} ${url}` : url;
  switch (channel) {
    case 'facebook':
      return `https://www.facebook.com/sharer/sharer.php?${q({ u: url, quote: message })}`;
    case 'x':
      return `https://x.com/intent/post?${q({ text: message, url })}`;
    case 'linkedin':
      return `https://www.linkedin.com/feed/?${q({ shareActive: 'true', text: withUrl })}`;
    case 'whatsapp':
      return `https://wa.me/?${q({ text: withUrl })}`;
    case 'reddit':
      return `https://www.reddit.com/submit?${q({ url, title: message })}`;
  }
}

/**
 * Splits what a participant typed into the re-share box (commas, semicolons,
 * spaces or new lines between addresses) and drops repeats, keeping order.
 */
export function splitRecipients(typed: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of typed.split(/[\s,;]+/)) {
    const address = part.trim();
    if (address === '' || seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    out.push(address);
  }
  return out;
}
