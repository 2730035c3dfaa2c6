import { randomBytes } from 'node:crypto';

/**
 * Random, URL-safe identifiers. 62-letter alphabet with rejection sampling so
 * every character is uniform; 16 characters carry ~95 bits.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Bytes come from a pool refilled 4 KiB at a time: one system call serves
// hundreds of ids, which matters on the redirect's hot path.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

function nextRandomByte(): number {
  if (poolOffset === POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  return pool[poolOffset++]!;
}

export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = nextRandomByte();
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

export type IdPrefix = 'whk' | 'ses' | 'pc' | 'off' | 'eml' | 'key' | 'per' | 'par' | 'act' | 'cmp' | 'ref' | 'clk' | 'out' | 'lst' | 'run';

/**
 * `prefix_` + 8 characters of time + 12 random characters (~71 bits). Ids
 * that grow with time land at the end of the store's indexes instead of at
 * random places, which keeps inserts cheap on the busiest tables (clicks,
 * activities); the random part keeps them unguessable.
 */
export function newId(prefix: IdPrefix): string {
  let time = Date.now();
  let stamp = '';
  for (let i = 0; i < 8; i++) {
    stamp = SORTABLE[time % 62] + stamp;
    time = Math.floor(time / 62);
  }
  return `${prefix}_${stamp}${randomToken(12)}`;
}

// Digits first, then upper, then lower case: ASCII order, so ids sort by time as text.
const SORTABLE = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
