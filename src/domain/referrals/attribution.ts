/**
 * Who a friend is, as far as we can tell: a person once known, else the
 * visitor id of the page, else our redirect cookie. Each is a "friend key";
 * a referral is stored under every key we learn, so it follows the friend.
 */
export interface FriendIdentity {
  personId: string | null;
  visitorId: string | null;
  browserId: string | null;
}

export function friendKeys(friend: FriendIdentity): string[] {
  const keys: string[] = [];
  if (friend.personId) keys.push(`person:${friend.personId}`);
  if (friend.visitorId) keys.push(`visitor:${friend.visitorId}`);
  if (friend.browserId) keys.push(`browser:${friend.browserId}`);
  return keys;
}

/** The most stable key: credit for "once per friend" is counted under it. */
export function canonicalFriendKey(friend: FriendIdentity, clickId: string | null): string | null {
  return friendKeys(friend)[0] ?? (clickId ? `click:${clickId}` : null);
}

export interface ReferrerIdentity {
  participantId: string;
  personId: string;
  visitorId: string | null;
}

/** A person can never be their own referrer: same person (and so same email), or same browser. */
export function isSelfReferral(friend: FriendIdentity, referrer: ReferrerIdentity): boolean {
  if (friend.personId && friend.personId === referrer.personId) return true;
  if (referrer.visitorId && (friend.visitorId === referrer.visitorId || friend.browserId === referrer.visitorId)) return true;
  return false;
}

export function referralExpiry(from: Date, windowDays: number): string {
  return new Date(from.getTime() + windowDays * 86_400_000).toISOString();
}

/**
 * A visit is a session: a new one starts after 30 minutes without activity or
 * in a new browser session (the page sends a per-tab-session id). The store
 * applies the rule atomically (touchVisitSession).
 */
export const VISIT_SESSION_IDLE_MS = 30 * 60_000;
