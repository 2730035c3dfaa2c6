import { createHmac, timingSafeEqual } from 'node:crypto';
import { GoalpostError } from '../../domain/errors.js';
import { randomToken } from '../../domain/ids.js';
import { defaultEmailContent } from '../../domain/messages/widget-emails.js';
import { normalizeEmail } from '../../domain/referrals/people.js';
import { findParticipant, findParticipantFor } from '../../store/repositories/participant.repository.js';
import type { ParticipantRow } from '../../store/repositories/participant.repository.js';
import { findPersonByEmail } from '../../store/repositories/person.repository.js';
import type { AppContext } from '../context.js';
import { shareUrl } from './credit.js';
import { loadLiveOffer } from './live-offer.js';
import { enqueueContent, personTokens } from './mail.js';
import { hashToken } from './signup.js';

/**
 * "Email me my link": a participant who lost their browser's token asks for a
 * link that gives them one again.
 *
 * The restore code in that link is `participantId.expiry.mac`, where the MAC
 * is keyed with the participant's current token hash, a secret that only the
 * store knows. Using the code rotates the token, which changes the hash, so
 * the code works once and needs no table of its own. It also ends the old
 * token in the browser that had it: that browser can ask for a link too.
 */
export const RESTORE_CODE_TTL_MS = 24 * 3600_000;
// One progress-link email per participant per window, however often it is asked for.
const PROGRESS_LINK_WINDOW_MS = 10 * 60_000;

export class InvalidRestoreCodeError extends GoalpostError {
  constructor() {
    super('unauthorized', 'This link has expired or was already used: ask for a new one with "Email me my link".');
  }
}

function mac(participantId: string, expiry: number, tokenHash: string): string {
  return createHmac('sha256', tokenHash).update(`${participantId}.${expiry}`).digest('base64url').slice(0, 32);
}

export function makeRestoreCode(participant: Pick<ParticipantRow, 'id' | 'token_hash'>, now: Date): string {
  const expiry = Math.floor((now.getTime() + RESTORE_CODE_TTL_MS) / 1000);
  return `${participant.id}.${expiry}.${mac(participant.id, expiry, participant.token_hash)}`;
}

/**
 * Queues the progress-link email when the address takes part in the offer.
 * The answer is the same either way, so nobody learns who signed up.
 */
export async function requestProgressLink(ctx: AppContext, offerId: string, input: { email: string; locale?: string }): Promise<{ accepted: true }> {
  const email = normalizeEmail(input.email);
  await ctx.store.db.transaction().execute(async (trx) => {
    const offer = await loadLiveOffer(trx, offerId);
    if (!email) return;
    const person = await findPersonByEmail(trx, email);
    const participant = person ? await findParticipantFor(trx, offer.id, person.id) : null;
    if (!person || !participant) return;
    const now = ctx.clock.now();
    const progressUrl = `${ctx.config.publicUrl}/o/${offer.id}?gp_restore=${makeRestoreCode(participant, now)}`;
    await enqueueContent(trx, ctx, {
      kind: 'progress_link',
      dedupeKey: `progress-link:${participant.id}:${Math.floor(now.getTime() / PROGRESS_LINK_WINDOW_MS)}`,
      offerId: offer.id,
      personId: person.id,
      toAddress: person.email,
      content: defaultEmailContent('progressLink', person.locale, input.locale, offer.settings.locale),
      tokens: {
        ...personTokens({ personId: person.id, email: person.email, firstName: person.first_name, lastName: person.last_name, company: person.company, locale: person.locale }),
        'social.Progress Url': progressUrl,
        'social.Share Url': shareUrl(ctx, participant.share_code),
        'offer.Name': offer.settings.name,
      },
    });
  });
  return { accepted: true };
}

const CODE = /^(par_[A-Za-z0-9]{1,64})\.([0-9]{1,12})\.([A-Za-z0-9_-]{32})$/;

/** Trades a restore code for a new participant token (once; see above). */
export async function exchangeRestoreCode(ctx: AppContext, code: string): Promise<{ participantToken: string; offerId: string }> {
  const match = CODE.exec(code);
  if (!match) throw new InvalidRestoreCodeError();
  const [, participantId, expiryText, given] = match as unknown as [string, string, string, string];
  const expiry = Number(expiryText);
  if (expiry * 1000 <= ctx.clock.now().getTime()) throw new InvalidRestoreCodeError();
  return ctx.store.db.transaction().execute(async (trx) => {
    const participant = await findParticipant(trx, participantId);
    if (!participant) throw new InvalidRestoreCodeError();
    const expected = Buffer.from(mac(participant.id, expiry, participant.token_hash));
    if (!timingSafeEqual(expected, Buffer.from(given))) throw new InvalidRestoreCodeError();
    const token = `pt_${randomToken(32)}`;
    // Conditional on the old hash: of two tabs using one code at once, only one gets a token.
    const result = await trx
      .updateTable('participants')
      .set({ token_hash: hashToken(token) })
      .where('id', '=', participant.id)
      .where('token_hash', '=', participant.token_hash)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new InvalidRestoreCodeError();
    return { participantToken: token, offerId: participant.offer_id };
  });
}
