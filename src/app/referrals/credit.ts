import { newId } from '../../domain/ids.js';
import { earnsCredit, fulfillmentStateFor } from '../../domain/referrals/credit.js';
import type { CreditKind } from '../../domain/referrals/credit.js';
import { recordActivities } from '../activities.js';
import {
  findParticipant,
  incrementCredit,
  insertCreditIfNew,
  markFulfilled,
  setFulfillmentState,
} from '../../store/repositories/participant.repository.js';
import type { ParticipantRow } from '../../store/repositories/participant.repository.js';
import { findPerson } from '../../store/repositories/person.repository.js';
import { assignPromoCode } from '../../store/repositories/promo-code.repository.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import type { LiveOffer } from './live-offer.js';
import { enqueueEmail } from './mail.js';
import type { MailRecipient } from './mail.js';

type Trx = Store['db'];

export interface CreditInput {
  offer: LiveOffer;
  referrerParticipantId: string;
  /** The friend as credit counts them (see canonicalFriendKey). */
  friendKey: string;
  friendPersonId: string | null;
  friendVisitorId: string | null;
  kind: CreditKind;
  /** Makes this credit count once (see creditDedupeKey). */
  dedupeKey: string;
  attributes?: Record<string, unknown>;
}

export type CreditResult =
  | { credited: true; credit: number; fulfilled: boolean }
  | { credited: false; reason: 'not_goal_type' | 'already_counted' };

/**
 * The one way credit is granted, for every goal type (the referral loop and
 * the "Give Credit to Referrer" campaign step both call it). Must run inside
 * the caller's transaction: the credit row's unique key counts it once, the
 * participant row's atomic increment orders concurrent credits, and the
 * conditional fulfilled_at update fulfils exactly once.
 */
export async function giveCreditToReferrer(trx: Trx, ctx: AppContext, input: CreditInput): Promise<CreditResult> {
  const at = ctx.clock.now().toISOString();
  const referrer = await findParticipant(trx, input.referrerParticipantId);
  if (!referrer) throw new Error(`participant ${input.referrerParticipantId} vanished`);
  if (!earnsCredit(input.offer.settings, input.kind)) {
    return { credited: false, reason: 'not_goal_type' };
  }
  const isNew = await insertCreditIfNew(trx, {
    id: newId('ref'),
    offer_id: input.offer.id,
    participant_id: referrer.id,
    kind: input.kind,
    friend_key: input.friendKey,
    dedupe_key: input.dedupeKey,
    created_at: at,
  });
  if (!isNew) return { credited: false, reason: 'already_counted' };
  const { credit, fulfilledAt } = await incrementCredit(trx, referrer.id);
  await recordActivities(
    trx,
    ctx,
    [
      {
        type: 'refers',
        offerId: input.offer.id,
        personId: referrer.person_id,
        visitorId: null,
        participantId: referrer.id,
        attributes: {
          referredPersonId: input.friendPersonId,
          referredVisitorId: input.friendVisitorId,
          referredType: input.kind,
          credit,
          ...input.attributes,
        },
        occurredAt: at,
      },
    ],
  );
  let fulfilled = false;
  if (credit >= input.offer.settings.goal.count && !fulfilledAt) {
    fulfilled = await fulfilParticipant(trx, ctx, input.offer, referrer, credit);
  }
  return { credited: true, credit, fulfilled };
}

/** Reaching the goal: one activity, one code, one email (automatic) or a place in the manual list. */
async function fulfilParticipant(trx: Trx, ctx: AppContext, offer: LiveOffer, participant: ParticipantRow, credit: number): Promise<boolean> {
  const at = ctx.clock.now().toISOString();
  const settings = offer.settings;
  if (!(await markFulfilled(trx, participant.id, at, 'pending'))) return false;
  const code = settings.promoCodes.enabled ? await assignPromoCode(trx, ctx.store.dialect, offer.id, participant.id, at) : null;
  const state = fulfillmentStateFor(settings, code !== null);
  await setFulfillmentState(trx, participant.id, state);
  await recordActivities(
    trx,
    ctx,
    [
      {
        type: 'achieves_goal',
        offerId: offer.id,
        personId: participant.person_id,
        visitorId: null,
        participantId: participant.id,
        attributes: { credit, goal: settings.goal.count, goalType: settings.goal.type, promoCode: code !== null, state },
        occurredAt: at,
      },
    ],
  );
  if (state === 'needs_code') ctx.logger.warn({ offerId: offer.id, participantId: participant.id }, 'promo code pool empty: fulfilment waits for codes');
  if (state === 'sent') await queueFulfillmentEmail(trx, ctx, offer, { ...participant, credit }, code);
  return true;
}

export async function queueFulfillmentEmail(
  trx: Trx,
  ctx: AppContext,
  offer: LiveOffer,
  participant: ParticipantRow,
  code: string | null,
): Promise<boolean> {
  const emailId = offer.settings.emails.fulfillment;
  const person = await findPerson(trx, participant.person_id);
  if (!emailId || !person) return false;
  const recipient: MailRecipient = { personId: person.id, ...person };
  return enqueueEmail(trx, ctx, {
    emailId,
    kind: 'fulfillment',
    dedupeKey: `fulfillment:${participant.id}`,
    offerId: offer.id,
    to: recipient,
    tokens: {
      'social.Promo Code': code ?? '',
      'social.Share Url': shareUrl(ctx, participant.share_code),
      'social.Credit': String(participant.credit),
      'social.Goal': String(offer.settings.goal.count),
      'offer.Name': offer.settings.name,
    },
  });
}

export function shareUrl(ctx: AppContext, shareCode: string): string {
  return `${ctx.config.publicUrl}/r/${shareCode}`;
}
