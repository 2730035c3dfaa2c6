import { newId } from '../../domain/ids.js';
import { creditDedupeKey } from '../../domain/referrals/credit.js';
import { recordActivities } from '../activities.js';
import { personIdForVisitor } from '../../store/repositories/person.repository.js';
import type { AppContext } from '../context.js';
import { attributeFriend } from './attribution.js';
import { giveCreditToReferrer } from './credit.js';
import { loadLiveOffer } from './live-offer.js';

export interface ConversionInput {
  offerId: string;
  visitorId?: string;
  clickId?: string;
  event?: string;
  value?: number;
  idempotencyKey?: string;
}

export interface ConversionResult {
  recorded: boolean;
  /** True when a call with the same idempotency key was already recorded: nothing changed. */
  replayed: boolean;
}

/**
 * The conversion call of the page script (custom JavaScript event goal). With
 * an idempotency key, a retried call changes nothing; credit counts once per
 * friend, or once per event when the offer counts every event.
 */
export async function recordConversion(ctx: AppContext, input: ConversionInput): Promise<ConversionResult> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const offer = await loadLiveOffer(trx, input.offerId);
    const at = ctx.clock.now().toISOString();
    if (input.idempotencyKey) {
      const claimed = await trx
        .insertInto('idempotency_keys')
        .values({ scope: `conversion ${offer.id}`, key: input.idempotencyKey, request_hash: '', status_code: 202, response_json: null, created_at: at })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 0) return { recorded: true, replayed: true };
    }
    const visitorId = input.visitorId ?? null;
    const personId = visitorId ? await personIdForVisitor(trx, visitorId) : null;
    const friend = { personId, visitorId, browserId: null };
    const attribution = await attributeFriend(trx, ctx, offer, friend, input.clickId ?? null);
    const activityId = newId('act');
    await recordActivities(
      trx,
      ctx,
      [
        {
          id: activityId,
          type: 'custom_event',
          offerId: offer.id,
          personId,
          visitorId,
          participantId: null,
          attributes: {
            name: input.event ?? 'conversion',
            value: input.value ?? null,
            referrerParticipantId: attribution?.referrer.id ?? null,
            idempotencyKey: input.idempotencyKey ?? null,
          },
          occurredAt: at,
        },
      ],
    );
    if (attribution) {
      const eventKey = offer.settings.customEvents.countEvery ? (input.idempotencyKey ?? activityId) : undefined;
      await giveCreditToReferrer(trx, ctx, {
        offer,
        referrerParticipantId: attribution.referrer.id,
        friendKey: attribution.friendKey,
        friendPersonId: personId,
        friendVisitorId: visitorId,
        kind: 'custom_event',
        dedupeKey: creditDedupeKey('custom_event', { friendKey: attribution.friendKey, ...(eventKey ? { eventKey } : {}) }),
        attributes: { event: input.event ?? 'conversion', value: input.value ?? null },
      });
    }
    return { recorded: true, replayed: false };
  });
}
