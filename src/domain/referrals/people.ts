/** People: email is the identity, normalised so one address is one person. */
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/**
 * Trims and lower-cases the domain; the local part keeps its case (RFC 5321
 * lets servers tell them apart). Returns null for anything that is not an address.
 */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim();
  if (email.length > 254) return null;
  const at = email.lastIndexOf('@');
  if (at < 1) return null;
  const normalized = `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`;
  return EMAIL.test(normalized) ? normalized : null;
}

export const PERSON_FIELDS = ['firstName', 'lastName', 'company', 'phone'] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];

export interface Person {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  phone: string | null;
  consent: 'subscribed' | 'unsubscribed' | null;
  locale: string | null;
  /** Custom fields (set by campaigns' Change Data Value on `fields.<name>`). */
  fields: Record<string, unknown>;
  counters: PersonCounters;
  createdAt: string;
  updatedAt: string;
}

export interface ReferralCounters {
  referredVisits: number;
  referredSignups: number;
  lastReferredVisitAt: string | null;
  lastReferredSignupAt: string | null;
}

export interface PersonCounters extends ReferralCounters {
  byChannel: Record<string, ReferralCounters>;
}
