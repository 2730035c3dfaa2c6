import { canonicalFriendKey, friendKeys, isSelfReferral, referralExpiry } from '../../domain/referrals/attribution.js';
import type { FriendIdentity } from '../../domain/referrals/attribution.js';
import { recordActivities } from '../activities.js';
import { findParticipant } from '../../store/repositories/participant.repository.js';
import type { ParticipantRow } from '../../store/repositories/participant.repository.js';
import { findClick, findLiveReferrals, putReferral } from '../../store/repositories/referral.repository.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import type { LiveOffer } from './live-offer.js';

type Trx = Store['db'];

export interface Attribution {
  referrer: ParticipantRow;
  clickId: string | null;
  channel: string | null;
  /** The friend as credit counts them. */
  friendKey: string;
}

/**
 * Finds the friend's referrer on an offer: a live referral under any of the
 * friend's keys (first touch wins), else the click the page reported, if it
 * is on this offer and inside the attribution window. Every key learnt is
 * tied to the same referrer so the referral follows the friend. Self-referral
 * is refused and logged. Returns null when the friend has no referrer.
 */
export async function attributeFriend(
  trx: Trx,
  ctx: AppContext,
  offer: LiveOffer,
  friend: FriendIdentity,
  clickId: string | null,
): Promise<Attribution | null> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  // The reported click carries our redirect's browser id: a referral made at an
  // earlier click of the same browser is found under it (first touch wins).
  const click = clickId ? await findClick(trx, clickId) : null;
  const reported = click && click.offer_id === offer.id ? click : null;
  const identity: FriendIdentity = reported?.browser_id && !friend.browserId ? { ...friend, browserId: reported.browser_id } : friend;
  const keys = friendKeys(identity);
  const existing = (await findLiveReferrals(trx, offer.id, keys, nowIso))[0];

  let referrerId: string;
  let tie: { clickId: string | null; channel: string | null; createdAt: string; expiresAt: string };
  if (existing) {
    referrerId = existing.referrer_participant_id;
    tie = { clickId: existing.click_id, channel: existing.channel, createdAt: existing.created_at, expiresAt: existing.expires_at };
  } else {
    if (!reported) return null;
    const expiresAt = referralExpiry(new Date(reported.created_at), offer.settings.attributionWindowDays);
    if (expiresAt <= nowIso) return null;
    referrerId = reported.participant_id;
    tie = { clickId: reported.id, channel: reported.channel, createdAt: reported.created_at, expiresAt };
  }

  const referrer = await findParticipant(trx, referrerId);
  if (!referrer) return null;
  if (isSelfReferral(identity, { participantId: referrer.id, personId: referrer.person_id, visitorId: referrer.visitor_id })) {
    await recordActivities(
      trx,
      ctx,
      [
        {
          type: 'referral_refused',
          offerId: offer.id,
          personId: friend.personId,
          visitorId: friend.visitorId,
          participantId: referrer.id,
          attributes: { reason: 'self_referral', clickId: tie.clickId },
          occurredAt: nowIso,
        },
      ],
    );
    return null;
  }
  for (const key of keys) {
    await putReferral(
      trx,
      {
        offer_id: offer.id,
        friend_key: key,
        referrer_participant_id: referrer.id,
        click_id: tie.clickId,
        channel: tie.channel,
        created_at: tie.createdAt,
        expires_at: tie.expiresAt,
      },
      nowIso,
    );
  }
  return {
    referrer,
    clickId: tie.clickId,
    channel: tie.channel,
    friendKey: canonicalFriendKey(identity, tie.clickId)!,
  };
}
