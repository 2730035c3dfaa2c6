import { randomBytes } from 'node:crypto';

/**
 * Random, URL-safe identifiers. 62-letter alphabet with rejection sampling so
 * every character is uniform; 16 characters carry ~95 bits.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export type IdPrefix = 'whk' | 'ses' | 'pc' | 'off' | 'eml' | 'key' | 'per' | 'par' | 'act' | 'cmp' | 'ref' | 'clk' | 'out' | 'lst' | 'run';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomToken(16)}`;
}
