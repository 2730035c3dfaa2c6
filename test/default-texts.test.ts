import { describe, it, expect } from 'vitest';
import {
  DEFAULT_EMAILS,
  DEFAULT_TEXTS,
  SUPPORTED_LOCALES,
  TEXT_KEYS,
  pickFromAcceptLanguage,
  resolveLocale,
} from '../src/domain/messages/default-texts.js';
import type { DefaultEmail } from '../src/domain/messages/default-texts.js';

const EMAIL_KINDS = ['signup', 'fulfillment', 'reshare', 'progressLink'] as const;

/** Single-brace placeholders such as `{credit}`; `{{tokens}}` are not placeholders. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})/g)].map((m) => m[1]!).sort();
}

/** Marketo-style tokens such as `{{social.Share Url}}`. */
function tokens(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{([^{}]+)\}\}/g)].map((m) => m[1]!))].sort();
}

describe('DEFAULT_TEXTS', () => {
  it('has exactly the supported locales', () => {
    expect(Object.keys(DEFAULT_TEXTS).sort()).toEqual([...SUPPORTED_LOCALES].sort());
  });

  it('has no duplicate keys in TEXT_KEYS', () => {
    expect(new Set(TEXT_KEYS).size).toBe(TEXT_KEYS.length);
  });

  for (const locale of SUPPORTED_LOCALES) {
    it(`${locale}: every key has a non-empty text and there are no extra keys`, () => {
      const texts = DEFAULT_TEXTS[locale];
      expect(Object.keys(texts).sort()).toEqual([...TEXT_KEYS].sort());
      for (const key of TEXT_KEYS) {
        expect(typeof texts[key], `${locale}.${key}`).toBe('string');
        expect(texts[key].trim(), `${locale}.${key}`).not.toBe('');
      }
    });
  }

  it('uses the same placeholders for a key in every locale', () => {
    for (const key of TEXT_KEYS) {
      const english = placeholders(DEFAULT_TEXTS.en[key]);
      for (const locale of SUPPORTED_LOCALES) {
        expect(placeholders(DEFAULT_TEXTS[locale][key]), `${locale}.${key}`).toEqual(english);
      }
    }
  });

  it('uses the placeholders the widget fills in', () => {
    expect(placeholders(DEFAULT_TEXTS.en.progressCredit)).toEqual(['credit', 'goal']);
    expect(placeholders(DEFAULT_TEXTS.en.progressNextSteps)).toEqual(['remaining']);
    expect(placeholders(DEFAULT_TEXTS.en.shareMessageDefault)).toEqual(['html_title']);
  });

  it('never uses double-brace tokens in widget texts', () => {
    for (const locale of SUPPORTED_LOCALES) {
      for (const key of TEXT_KEYS) {
        expect(DEFAULT_TEXTS[locale][key], `${locale}.${key}`).not.toMatch(/\{\{|\}\}/);
      }
    }
  });

  it('keeps French high punctuation off a line of its own', () => {
    for (const key of TEXT_KEYS) {
      expect(DEFAULT_TEXTS.fr[key], `fr.${key}`).not.toMatch(/ [:;!?]/);
    }
    expect(DEFAULT_TEXTS.fr.copyLinkCopied).toBe('Copié\u00a0!');
  });

  it('differs between locales where it should', () => {
    expect(DEFAULT_TEXTS.fr.signupButton).not.toBe(DEFAULT_TEXTS.en.signupButton);
    expect(DEFAULT_TEXTS.sv.signupButton).not.toBe(DEFAULT_TEXTS.en.signupButton);
    expect(DEFAULT_TEXTS['zh-CN'].signupButton).not.toBe(DEFAULT_TEXTS.en.signupButton);
  });
});

describe('DEFAULT_EMAILS', () => {
  const all: [string, DefaultEmail][] = SUPPORTED_LOCALES.flatMap((locale) =>
    EMAIL_KINDS.map((kind): [string, DefaultEmail] => [`${locale}.${kind}`, DEFAULT_EMAILS[locale][kind]]),
  );

  it('has every email in every locale, none empty', () => {
    expect(Object.keys(DEFAULT_EMAILS).sort()).toEqual([...SUPPORTED_LOCALES].sort());
    for (const [name, email] of all) {
      expect(email.subject.trim(), name).not.toBe('');
      expect(email.html.trim(), name).not.toBe('');
      expect(email.text.trim(), name).not.toBe('');
    }
  });

  it('puts the promo code in every fulfillment email, HTML and text', () => {
    for (const locale of SUPPORTED_LOCALES) {
      const email = DEFAULT_EMAILS[locale].fulfillment;
      expect(email.html, locale).toContain('{{social.Promo Code}}');
      expect(email.text, locale).toContain('{{social.Promo Code}}');
    }
  });

  it('puts the share URL in sign-up and re-share emails and the progress URL in progress-link emails', () => {
    for (const locale of SUPPORTED_LOCALES) {
      const emails = DEFAULT_EMAILS[locale];
      for (const part of ['html', 'text'] as const) {
        expect(emails.signup[part], locale).toContain('{{social.Share Url}}');
        expect(emails.reshare[part], locale).toContain('{{social.Share Url}}');
        expect(emails.reshare[part], locale).toContain('{{social.Referrer Name}}');
        expect(emails.progressLink[part], locale).toContain('{{social.Progress Url}}');
        expect(emails.progressLink[part], locale).toContain('{{social.Share Url}}');
      }
      expect(emails.signup.html, locale).toContain('{{lead.First Name}}');
      expect(emails.signup.html, locale).toContain('{{offer.Name}}');
    }
  });

  it('uses only known token spellings, the same set in every locale', () => {
    const known = new Set([
      'social.Share Url',
      'social.Promo Code',
      'social.Progress Url',
      'social.Referrer Name',
      'offer.Name',
      'lead.First Name',
      'lead.Email Address',
    ]);
    for (const kind of EMAIL_KINDS) {
      const english = DEFAULT_EMAILS.en[kind];
      for (const locale of SUPPORTED_LOCALES) {
        const email = DEFAULT_EMAILS[locale][kind];
        for (const part of ['subject', 'html', 'text'] as const) {
          for (const token of tokens(email[part])) expect(known.has(token), `${locale}.${kind}.${part}: ${token}`).toBe(true);
          expect(tokens(email[part]), `${locale}.${kind}.${part}`).toEqual(tokens(english[part]));
        }
      }
    }
  });

  it('is self-contained inline-styled HTML in the right language', () => {
    for (const locale of SUPPORTED_LOCALES) {
      for (const kind of EMAIL_KINDS) {
        const { html } = DEFAULT_EMAILS[locale][kind];
        expect(html).toContain(`<html lang="${locale}">`);
        expect(html).not.toMatch(/<(link|script|img|style)\b/i);
        expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
        expect(html).not.toMatch(/url\(/i);
      }
    }
  });

  it('leaves no raw text markup in plain-text bodies', () => {
    for (const [name, email] of all) expect(email.text, name).not.toMatch(/<[a-z/!]/i);
  });
});

describe('resolveLocale', () => {
  it.each([
    ['en', 'en'],
    ['EN', 'en'],
    ['fr', 'fr'],
    ['sv', 'sv'],
    ['zh-CN', 'zh-CN'],
    ['zh-cn', 'zh-CN'],
    ['ZH-CN', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-Hans', 'zh-CN'],
    ['zh-Hans-CN', 'zh-CN'],
    ['zh-SG', 'zh-CN'],
    ['zh_CN', 'zh-CN'],
    ['fr-CA', 'fr'],
    ['fr-ca', 'fr'],
    ['sv-SE', 'sv'],
    ['sv-FI', 'sv'],
    ['en-GB', 'en'],
    ['en-US', 'en'],
    [' en-GB ', 'en'],
  ] as const)('%s -> %s', (input, expected) => {
    expect(resolveLocale(input)).toBe(expected);
  });

  it.each([['de'], ['de-DE'], ['zh-TW'], ['zh-Hant'], ['zh-HK'], ['*'], [''], ['   '], ['e'], ['english'], ['en;q=1']])(
    '%s -> null',
    (input) => {
      expect(resolveLocale(input)).toBeNull();
    },
  );

  it('returns null for a missing value', () => {
    expect(resolveLocale(undefined)).toBeNull();
    expect(resolveLocale(null)).toBeNull();
  });
});

describe('pickFromAcceptLanguage', () => {
  it('returns null for a missing or empty header', () => {
    expect(pickFromAcceptLanguage(undefined)).toBeNull();
    expect(pickFromAcceptLanguage('')).toBeNull();
    expect(pickFromAcceptLanguage('   ')).toBeNull();
  });

  it('takes a single supported language', () => {
    expect(pickFromAcceptLanguage('sv-SE')).toBe('sv');
    expect(pickFromAcceptLanguage('zh')).toBe('zh-CN');
  });

  it('takes the supported language with the highest q-value', () => {
    expect(pickFromAcceptLanguage('en;q=0.5, fr;q=0.9')).toBe('fr');
    expect(pickFromAcceptLanguage('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5')).toBe('fr');
    expect(pickFromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(pickFromAcceptLanguage('en-US;q=0.3,sv;q=0.7')).toBe('sv');
  });

  it('skips unsupported languages to reach the best supported one', () => {
    expect(pickFromAcceptLanguage('de-DE,de;q=0.9,sv;q=0.5,en;q=0.4')).toBe('sv');
    expect(pickFromAcceptLanguage('zh-TW,zh-Hant;q=0.9,en;q=0.5')).toBe('en');
  });

  it('keeps header order for equal q-values', () => {
    expect(pickFromAcceptLanguage('sv, en')).toBe('sv');
    expect(pickFromAcceptLanguage('en;q=0.8, fr;q=0.8')).toBe('en');
  });

  it('ignores q=0, malformed q-values, the wildcard and unsupported-only headers', () => {
    expect(pickFromAcceptLanguage('fr;q=0, en;q=0.1')).toBe('en');
    expect(pickFromAcceptLanguage('fr;q=abc, sv;q=0.2')).toBe('sv');
    expect(pickFromAcceptLanguage('fr;q=1.5, sv;q=0.2')).toBe('sv');
    expect(pickFromAcceptLanguage('*')).toBeNull();
    expect(pickFromAcceptLanguage('de, ja;q=0.8')).toBeNull();
  });

  it('tolerates odd spacing and case', () => {
    expect(pickFromAcceptLanguage('  FR-ca ;  Q = 0.7 , DE ')).toBe('fr');
  });
});
