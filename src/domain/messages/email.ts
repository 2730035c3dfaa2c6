import type { ProblemDetail } from '../errors.js';
import { findUnknownTokens, KNOWN_TOKENS, renderTemplate } from './tokens.js';
import type { TokenValues } from './tokens.js';

/** One locale's version of an email. */
export interface EmailContent {
  subject: string;
  html: string;
  text: string | null;
}

/** All locales of an email: the default locale is required, others are translations. */
export type EmailVersions = Record<string, EmailContent>;

export function emailApprovalProblems(versions: EmailVersions, defaultLocale: string): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  if (!versions[defaultLocale]) {
    problems.push({ path: `content.${defaultLocale}`, message: `The email has no content for its locale ${defaultLocale}.` });
  }
  for (const [locale, content] of Object.entries(versions)) {
    if (content.subject.trim() === '') problems.push({ path: `content.${locale}.subject`, message: 'The subject is empty.' });
    if (content.html.trim() === '') problems.push({ path: `content.${locale}.html`, message: 'The HTML body is empty.' });
    for (const part of ['subject', 'html', 'text'] as const) {
      const unknown = findUnknownTokens(content[part] ?? '');
      if (unknown.length > 0) {
        problems.push({
          path: `content.${locale}.${part}`,
          message: `Unknown token${unknown.length > 1 ? 's' : ''} ${unknown.map((t) => `{{${t}}}`).join(', ')}. Known tokens: ${KNOWN_TOKENS.map((t) => `{{${t}}}`).join(', ')}.`,
        });
      }
    }
  }
  return problems;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Picks the recipient's locale when the email has it, else the email's default locale. */
export function pickEmailContent(versions: EmailVersions, defaultLocale: string, wanted: string | null): EmailContent {
  return (wanted && versions[wanted]) || versions[defaultLocale] || Object.values(versions)[0]!;
}

export function renderEmail(content: EmailContent, values: TokenValues): RenderedEmail {
  return {
    subject: renderTemplate(content.subject, values, 'text'),
    html: renderTemplate(content.html, values, 'html'),
    text: renderTemplate(content.text ?? htmlToText(content.html), values, 'text'),
  };
}

/** A plain-text fallback for emails without a text part: tags dropped, entities of our own escaping undone. */
function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/h[1-6]|\/li)\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** An email keeps an approved version (the one sent) and a draft, like an offer. */
export interface Email {
  id: string;
  name: string;
  locale: string;
  status: 'draft' | 'approved';
  draft: EmailVersions | null;
  approved: EmailVersions | null;
  createdAt: string;
  updatedAt: string;
  approvedAt: string | null;
}
