import type { ProblemDetail } from './errors.js';
import { normalizeEmail } from './referrals/people.js';

/**
 * Accounts of the admin UI: who may sign in, and the rules their passwords,
 * sessions and failed sign-ins follow. Roles and the awards permission are
 * those of API keys (access.ts).
 */

export const MIN_PASSWORD_LENGTH = 10;
/** Long passphrases are welcome; the cap only keeps a request from being a hashing workload. */
export const MAX_PASSWORD_LENGTH = 256;

export function passwordProblems(password: string, path = 'password'): ProblemDetail[] {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return [{ path, message: `The password must have at least ${MIN_PASSWORD_LENGTH} characters (a few words make a good one).` }];
  }
  if (password.length > MAX_PASSWORD_LENGTH) return [{ path, message: `The password may have at most ${MAX_PASSWORD_LENGTH} characters.` }];
  return [];
}

/** One account per address whatever its case: people type their own address in many ways. */
export function accountEmail(raw: string): string | null {
  return normalizeEmail(raw)?.toLowerCase() ?? null;
}

/** A session ends after this long without a request... */
export const SESSION_IDLE_MS = 12 * 3600_000;
/** ...and in any case this long after sign-in. */
export const SESSION_MAX_MS = 7 * 86_400_000;
/** Seeing a session in use is written at most this often, so reads stay reads. */
export const SESSION_TOUCH_MS = 60_000;

export function sessionExpiry(createdAt: Date, lastSeenAt: Date): Date {
  return new Date(Math.min(lastSeenAt.getTime() + SESSION_IDLE_MS, createdAt.getTime() + SESSION_MAX_MS));
}

/** Failed sign-ins for one address that cost nothing; each one after that locks the address for longer. */
export const FREE_SIGN_IN_FAILURES = 5;
const MAX_LOCK_MS = 15 * 60_000;

/** How long an address is locked after its `failures`-th failed sign-in in a row (0: not locked). */
export function signInLockMs(failures: number): number {
  if (failures < FREE_SIGN_IN_FAILURES) return 0;
  return Math.min(1000 * 2 ** (failures - FREE_SIGN_IN_FAILURES), MAX_LOCK_MS);
}
