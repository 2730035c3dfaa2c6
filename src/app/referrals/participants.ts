import { ConflictError, GoalpostError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { parsePromoCodeUpload } from '../../domain/referrals/promo-codes.js';
import { findOffer } from '../../store/repositories/offer.repository.js';
import { findParticipant, findParticipantByTokenHash, listParticipants, setFulfillmentState } from '../../store/repositories/participant.repository.js';
import type { ParticipantListRow } from '../../store/repositories/participant.repository.js';
import { addPromoCodes, assignPromoCode, codesForParticipants, countFreePromoCodes } from '../../store/repositories/promo-code.repository.js';
import type { Page } from '../../store/repositories/cursor.js';
import type { AppContext } from '../context.js';
import { parseCursor } from '../pagination.js';
import { queueFulfillmentEmail, shareUrl } from './credit.js';
import type { LiveOffer } from './live-offer.js';
import { hashToken } from './signup.js';

export interface ParticipantView {
  id: string;
  personId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  credit: number;
  fulfilledAt: string | null;
  fulfillmentState: string | null;
  shareCode: string;
  shareUrl: string;
  signupChannel: string | null;
  createdAt: string;
  /** Only for callers with the awards permission; null otherwise. */
  promoCodes: { code: string; sentAt: string }[] | null;
}

export async function listOfferParticipants(
  ctx: AppContext,
  offerId: string,
  query: { limit: number; cursor?: string; fulfilled?: boolean; state?: string },
  showCodes: boolean,
): Promise<Page<ParticipantView>> {
  if (!(await findOffer(ctx.store.db, offerId))) throw new NotFoundError('Offer', offerId);
  const page = await listParticipants(ctx.store.db, offerId, {
    limit: query.limit,
    after: parseCursor(query.cursor),
    fulfilled: query.fulfilled ?? null,
    state: query.state ?? null,
  });
  const codes = showCodes ? await codesForParticipants(ctx.store.db, page.data.map((p) => p.id)) : null;
  return { data: page.data.map((row) => participantView(ctx, row, codes)), nextCursor: page.nextCursor };
}

function participantView(ctx: AppContext, row: ParticipantListRow, codes: Map<string, { code: string; sentAt: string }[]> | null): ParticipantView {
  return {
    id: row.id,
    personId: row.person_id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    credit: row.credit,
    fulfilledAt: row.fulfilled_at,
    fulfillmentState: row.fulfillment_state,
    shareCode: row.share_code,
    shareUrl: shareUrl(ctx, row.share_code),
    signupChannel: row.signup_channel,
    createdAt: row.created_at,
    promoCodes: codes ? (codes.get(row.id) ?? []) : null,
  };
}

export interface PromoUploadReport {
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedLines: { line: number; reason: string }[];
  trimmed: number;
  available: number;
  /** Fulfilments that were waiting for a code and got one. */
  released: number;
}

/**
 * Adds uploaded codes to the pool (trimmed, deduplicated, reported) and hands
 * codes to fulfilled participants who were waiting for one, oldest first.
 */
export async function uploadPromoCodes(ctx: AppContext, offerId: string, text: string): Promise<PromoUploadReport> {
  const parsed = parsePromoCodeUpload(text);
  return ctx.store.db.transaction().execute(async (trx) => {
    const offer = await findOffer(trx, offerId);
    if (!offer) throw new NotFoundError('Offer', offerId);
    if (offer.status === 'archived') throw new ConflictError('offer_archived', `Offer ${offerId} is archived: it takes no new codes.`);
    if (parsed.codes.length === 0 && parsed.rejected.length === 0) {
      throw new ValidationError('No codes in the upload', [{ path: '(body)', message: 'Send text/plain with one code per line.' }]);
    }
    const at = ctx.clock.now().toISOString();
    const added = await addPromoCodes(trx, offerId, parsed.codes, at);
    let released = 0;
    const settings = offer.approved;
    if (settings) {
      const live: LiveOffer = { id: offer.id, settings };
      const waiting = await trx
        .selectFrom('participants')
        .selectAll()
        .where('offer_id', '=', offerId)
        .where('fulfillment_state', '=', 'needs_code')
        .orderBy('fulfilled_at')
        .orderBy('id')
        .execute();
      for (const participant of waiting) {
        const code = await assignPromoCode(trx, ctx.store.dialect, offerId, participant.id, at);
        if (!code) break;
        const state = settings.fulfillmentDelivery === 'automatic' ? 'sent' : 'awaiting_send';
        await setFulfillmentState(trx, participant.id, state);
        if (state === 'sent') await queueFulfillmentEmail(trx, ctx, live, participant, code);
        released += 1;
      }
    }
    return {
      accepted: added,
      duplicates: parsed.duplicates + (parsed.codes.length - added),
      rejected: parsed.rejected.length,
      rejectedLines: parsed.rejected.slice(0, 100),
      trimmed: parsed.trimmed,
      available: await countFreePromoCodes(trx, offerId),
      released,
    };
  });
}

export interface ManualSendReport {
  queued: string[];
  skipped: { participantId: string; reason: string }[];
}

/** Manual fulfilment delivery: the marketer picks fulfilled participants and sends. */
export async function sendFulfillmentEmails(ctx: AppContext, offerId: string, participantIds: string[]): Promise<ManualSendReport> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const offer = await findOffer(trx, offerId);
    if (!offer) throw new NotFoundError('Offer', offerId);
    if (!offer.approved) throw new ConflictError('offer_not_live', `Offer ${offerId} was never approved: nobody is fulfilled.`);
    const live: LiveOffer = { id: offer.id, settings: offer.approved };
    const report: ManualSendReport = { queued: [], skipped: [] };
    const codes = await codesForParticipants(trx, participantIds);
    for (const id of [...new Set(participantIds)]) {
      const participant = await findParticipant(trx, id);
      const skip = (reason: string) => report.skipped.push({ participantId: id, reason });
      if (!participant || participant.offer_id !== offerId) skip('not a participant of this offer');
      else if (!participant.fulfilled_at) skip('has not met the goal');
      else if (participant.fulfillment_state === 'needs_code') skip('waits for a promo code: upload codes first');
      else if (participant.fulfillment_state === 'sent') skip('already sent');
      else {
        const queued = await queueFulfillmentEmail(trx, ctx, live, participant, codes.get(id)?.[0]?.code ?? null);
        if (!queued) skip('already sent');
        else {
          await setFulfillmentState(trx, id, 'sent');
          report.queued.push(id);
        }
      }
    }
    return report;
  });
}

export interface Progress {
  offerId: string;
  participantId: string;
  credit: number;
  goal: number;
  goalType: string | null;
  fulfilled: boolean;
  fulfilledAt: string | null;
  shareUrl: string;
}

export class InvalidParticipantTokenError extends GoalpostError {
  constructor() {
    super('unauthorized', 'The participant token is unknown: sign up again or use the link from your sign-up email.');
  }
}

/** Track progress: the participant's own numbers, found by their secret token. */
export async function progressForToken(ctx: AppContext, token: string): Promise<Progress> {
  const participant = await findParticipantByTokenHash(ctx.store.db, hashToken(token));
  if (!participant) throw new InvalidParticipantTokenError();
  const offer = await findOffer(ctx.store.db, participant.offer_id);
  const settings = offer?.approved;
  return {
    offerId: participant.offer_id,
    participantId: participant.id,
    credit: participant.credit,
    goal: settings?.goal.count ?? 0,
    goalType: settings?.goal.type ?? null,
    fulfilled: participant.fulfilled_at !== null,
    fulfilledAt: participant.fulfilled_at,
    shareUrl: shareUrl(ctx, participant.share_code),
  };
}
