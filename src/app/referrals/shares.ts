import { recordActivities } from '../activities.js';
import { findParticipantByTokenHash } from '../../store/repositories/participant.repository.js';
import type { AppContext } from '../context.js';
import { loadLiveOffer } from './live-offer.js';
import { InvalidParticipantTokenError } from './participants.js';
import { hashToken } from './signup.js';

export interface ShareInput {
  channel: string;
  message?: string;
  /** For email shares: how many addresses it went to (the report's "reach"). */
  recipients?: number;
}

/** The participant shared their link ("Shares content" activity). */
export async function recordShare(ctx: AppContext, token: string, input: ShareInput): Promise<{ recorded: true }> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const participant = await findParticipantByTokenHash(trx, hashToken(token));
    if (!participant) throw new InvalidParticipantTokenError();
    const offer = await loadLiveOffer(trx, participant.offer_id);
    const at = ctx.clock.now().toISOString();
    await recordActivities(
      trx,
      ctx,
      [
        {
          type: 'shares',
          offerId: offer.id,
          personId: participant.person_id,
          visitorId: null,
          participantId: participant.id,
          attributes: { channel: input.channel, message: input.message ?? null, recipients: input.recipients ?? null },
          occurredAt: at,
        },
      ],
    );
    return { recorded: true };
  });
}
