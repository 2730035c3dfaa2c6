import { ValidationError } from '../../domain/errors.js';
import type { ProblemDetail } from '../../domain/errors.js';
import { pickEmailContent } from '../../domain/messages/email.js';
import type { EmailContent } from '../../domain/messages/email.js';
import { defaultEmailContent } from '../../domain/messages/widget-emails.js';
import { channelShareUrl, MAX_RESHARE_RECIPIENTS } from '../../domain/messages/widget-share.js';
import { normalizeEmail } from '../../domain/referrals/people.js';
import { recordActivities } from '../activities.js';
import { findEmail } from '../../store/repositories/email.repository.js';
import { findParticipantByTokenHash } from '../../store/repositories/participant.repository.js';
import { findPerson } from '../../store/repositories/person.repository.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { shareUrl } from './credit.js';
import type { LiveOffer } from './live-offer.js';
import { loadLiveOffer } from './live-offer.js';
import { enqueueContent } from './mail.js';
import { InvalidParticipantTokenError } from './participants.js';
import { hashToken } from './signup.js';

export interface ReshareInput {
  recipients: string[];
  /** The widget's language: picks the email's translation (the friends' own language is unknown). */
  locale?: string;
}

export interface ReshareResult {
  /** Invitations queued now; an address already invited by this participant today is not mailed again. */
  sent: number;
  recipients: number;
}

// A participant's name travels in someone else's mailbox: keep it short so it cannot carry a message of its own.
const MAX_NAME = 60;

/**
 * The participant invites friends by email from the widget: one re-share
 * email per address through the outbox (at most one per address, participant
 * and day) and one "shares" activity with the number of recipients.
 */
export async function sendReshare(ctx: AppContext, token: string, input: ReshareInput): Promise<ReshareResult> {
  const problems: ProblemDetail[] = [];
  const addresses: string[] = [];
  input.recipients.forEach((raw, i) => {
    const address = normalizeEmail(raw);
    if (!address) problems.push({ path: `recipients.${i}`, message: 'Not an email address.' });
    else if (!addresses.some((a) => a.toLowerCase() === address.toLowerCase())) addresses.push(address);
  });
  if (addresses.length > MAX_RESHARE_RECIPIENTS) {
    problems.push({ path: 'recipients', message: `At most ${MAX_RESHARE_RECIPIENTS} addresses at a time.` });
  }
  if (problems.length > 0) throw new ValidationError('Some addresses cannot be invited', problems);

  return ctx.store.db.transaction().execute(async (trx) => {
    const participant = await findParticipantByTokenHash(trx, hashToken(token));
    if (!participant) throw new InvalidParticipantTokenError();
    const offer = await loadLiveOffer(trx, participant.offer_id);
    if (!offer.settings.sharing.channels.includes('email')) {
      throw new ValidationError('This offer does not share by email', [{ path: 'channel', message: 'The email channel is not enabled for this offer.' }]);
    }
    const person = await findPerson(trx, participant.person_id);
    const name = [person?.firstName, person?.lastName].filter((part) => part && part.trim() !== '').join(' ') || (person?.email ?? '');
    const content = await reshareContent(trx, offer, input.locale);
    const now = ctx.clock.now().toISOString();
    const day = now.slice(0, 10);
    let sent = 0;
    for (const address of addresses) {
      const queued = await enqueueContent(trx, ctx, {
        kind: 'reshare',
        dedupeKey: `reshare:${participant.id}:${address.toLowerCase()}:${day}`,
        offerId: offer.id,
        personId: null,
        toAddress: address,
        content,
        tokens: {
          'social.Share Url': channelShareUrl(shareUrl(ctx, participant.share_code), 'email'),
          'social.Referrer Name': name.slice(0, MAX_NAME),
          'offer.Name': offer.settings.name,
        },
      });
      if (queued) sent += 1;
    }
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
          attributes: { channel: 'email', message: null, recipients: addresses.length },
          occurredAt: now,
        },
      ],
    );
    return { sent, recipients: addresses.length };
  });
}

/** The offer's re-share email when it names an approved one, else our default template. */
async function reshareContent(trx: Store['db'], offer: LiveOffer, locale: string | undefined): Promise<EmailContent> {
  const emailId = offer.settings.emails.reshare;
  const email = emailId ? await findEmail(trx, emailId) : null;
  if (email?.approved) return pickEmailContent(email.approved, email.locale, locale ?? offer.settings.locale);
  return defaultEmailContent('reshare', locale, offer.settings.locale);
}
