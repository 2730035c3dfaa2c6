import { creditDedupeKey } from '../../domain/referrals/credit.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { attributeFriend } from './attribution.js';
import { giveCreditToReferrer } from './credit.js';
import type { CreditResult } from './credit.js';
import { loadLiveOffer } from './live-offer.js';

export type TriggerCreditResult = CreditResult | { credited: false; reason: 'no_referrer' };

/**
 * "Give Credit to Referrer" for a smart-list milestone: finds the person's
 * referrer on the offer and credits them once for this campaign run, through
 * the same function as the rest of the loop (exactly-once, fulfilment, email,
 * code). Runs in the caller's transaction so the step's effect and its record
 * commit together.
 */
export async function creditReferrerOfPerson(
  trx: Store['db'],
  ctx: AppContext,
  input: { offerId: string; personId: string; campaignRunId: string; attributes?: Record<string, unknown> },
): Promise<TriggerCreditResult> {
  const offer = await loadLiveOffer(trx, input.offerId);
  const attribution = await attributeFriend(trx, ctx, offer, { personId: input.personId, visitorId: null, browserId: null }, null);
  if (!attribution) return { credited: false, reason: 'no_referrer' };
  return giveCreditToReferrer(trx, ctx, {
    offer,
    referrerParticipantId: attribution.referrer.id,
    friendKey: `person:${input.personId}`,
    friendPersonId: input.personId,
    friendVisitorId: null,
    kind: 'trigger',
    dedupeKey: creditDedupeKey('trigger', { friendKey: `person:${input.personId}`, campaignRunId: input.campaignRunId }),
    attributes: { campaignRunId: input.campaignRunId, ...input.attributes },
  });
}
