import { newId } from '../../domain/ids.js';
import { VISIT_SESSION_IDLE_MS } from '../../domain/referrals/attribution.js';
import { creditDedupeKey } from '../../domain/referrals/credit.js';
import { recordActivities } from '../activities.js';
import { bumpReferralCounter, personIdForVisitor } from '../../store/repositories/person.repository.js';
import { touchVisitSession } from '../../store/repositories/referral.repository.js';
import type { AppContext } from '../context.js';
import { attributeFriend } from './attribution.js';
import { giveCreditToReferrer } from './credit.js';
import { loadLiveOffer } from './live-offer.js';

export interface VisitInput {
  offerId: string;
  visitorId: string;
  clickId?: string;
  page?: string;
  /** Per-browser-session id from the page script: a new one starts a new visit. */
  sessionId?: string;
}

export interface VisitResult {
  /** False when this page load continued a visit already counted. */
  newVisit: boolean;
}

/**
 * A page hosting the offer was loaded. Page loads within one session are one
 * visit; a new visit by a referred friend is a referred visit for the referrer
 * (and a credit when the goal is referred visits).
 */
export async function recordVisit(ctx: AppContext, input: VisitInput): Promise<VisitResult> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const offer = await loadLiveOffer(trx, input.offerId);
    const now = ctx.clock.now();
    const at = now.toISOString();
    const session = await touchVisitSession(trx, {
      offerId: offer.id,
      visitorId: input.visitorId,
      browserSession: input.sessionId ?? null,
      now: at,
      idleCutoff: new Date(now.getTime() - VISIT_SESSION_IDLE_MS).toISOString(),
      newKey: newId('ses'),
    });
    if (!session.isNew) return { newVisit: false };
    const personId = await personIdForVisitor(trx, input.visitorId);
    const friend = { personId, visitorId: input.visitorId, browserId: null };
    const attribution = await attributeFriend(trx, ctx, offer, friend, input.clickId ?? null);
    await recordActivities(
      trx,
      ctx,
      [
        {
          type: 'visits_offer_page',
          offerId: offer.id,
          personId,
          visitorId: input.visitorId,
          participantId: null,
          attributes: { page: input.page ?? null, referrerParticipantId: attribution?.referrer.id ?? null, channel: attribution?.channel ?? null },
          occurredAt: at,
        },
      ],
    );
    if (attribution) {
      await bumpReferralCounter(trx, attribution.referrer.person_id, 'visit', attribution.channel ?? 'unknown', at);
      await giveCreditToReferrer(trx, ctx, {
        offer,
        referrerParticipantId: attribution.referrer.id,
        friendKey: attribution.friendKey,
        friendPersonId: personId,
        friendVisitorId: input.visitorId,
        kind: 'visit',
        dedupeKey: creditDedupeKey('visit', { friendKey: attribution.friendKey, sessionKey: `${input.visitorId}:${session.sessionKey}` }),
        attributes: { channel: attribution.channel, page: input.page ?? null },
      });
    }
    return { newVisit: true };
  });
}
