/**
 * Marketo-style tokens such as `{{social.Share Url}}` and `{{lead.First Name}}`.
 * Rendering replaces known tokens with HTML-escaped values (or raw values for
 * plain-text parts); unknown tokens are reported by `findUnknownTokens` so an
 * email cannot be approved with a typo that would otherwise vanish.
 */
export const KNOWN_TOKENS = [
  'social.Share Url',
  'social.Promo Code',
  'social.Progress Url',
  'social.Referrer Name',
  'social.Credit',
  'social.Goal',
  'offer.Name',
  'lead.First Name',
  'lead.Last Name',
  'lead.Email Address',
  'lead.Company',
] as const;
export type TokenName = (typeof KNOWN_TOKENS)[number];
export type TokenValues = Partial<Record<TokenName, string>>;

// `{{ name }}` or `{{name:default}}`; names are letters, digits, spaces, dots.
const TOKEN = /\{\{\s*([A-Za-z][A-Za-z0-9 ._-]*?)\s*(?::([^}]*))?\}\}/g;

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function findTokens(template: string): string[] {
  return [...template.matchAll(TOKEN)].map((m) => m[1]!);
}

// Anything in double braces; what TOKEN cannot read (`{{lead.Prénom}}`) would reach the recipient as typed.
const BRACED = /\{\{([^{}]*)\}\}/g;
const ONE_TOKEN = new RegExp(`^${TOKEN.source}$`);

export function findUnknownTokens(template: string): string[] {
  const known = new Set<string>(KNOWN_TOKENS);
  const unreadable = [...template.matchAll(BRACED)].filter((m) => !ONE_TOKEN.test(m[0])).map((m) => m[1]!.trim());
  return [...new Set([...findTokens(template).filter((t) => !known.has(t)), ...unreadable])];
}

export function containsToken(template: string, token: TokenName): boolean {
  return findTokens(template).includes(token);
}

export function renderTemplate(
  template: string,
  values: TokenValues,
  mode: 'html' | 'text',
): string {
  return template.replace(TOKEN, (_whole, name: string, fallback: string | undefined) => {
    const value = values[name as TokenName] ?? fallback ?? '';
    return mode === 'html' ? escapeHtml(value) : value;
  });
}
