/** Promo-code upload (spec section 2, Decision): trim each line, drop empty lines and duplicates, report. */
export const MAX_PROMO_CODE_LENGTH = 100;

export interface ParsedPromoCodes {
  codes: string[];
  trimmed: number;
  duplicates: number;
  rejected: { line: number; reason: string }[];
}

// Codes are printed in emails and typed by people: no control characters or inner whitespace.
const VALID_CODE = /^[^\s\p{Cc}\p{Cf}]+$/u;

export function parsePromoCodeUpload(text: string): ParsedPromoCodes {
  const seen = new Set<string>();
  const result: ParsedPromoCodes = { codes: [], trimmed: 0, duplicates: 0, rejected: [] };
  text.split(/\r\n|\n|\r/).forEach((raw, index) => {
    const code = raw.trim();
    if (code === '') return;
    if (code !== raw) result.trimmed += 1;
    if (code.length > MAX_PROMO_CODE_LENGTH) {
      result.rejected.push({ line: index + 1, reason: `longer than ${MAX_PROMO_CODE_LENGTH} characters` });
    } else if (!VALID_CODE.test(code)) {
      result.rejected.push({ line: index + 1, reason: 'contains spaces or control characters' });
    } else if (seen.has(code)) {
      result.duplicates += 1;
    } else {
      seen.add(code);
      result.codes.push(code);
    }
  });
  return result;
}
