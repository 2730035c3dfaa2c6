import { createHash } from 'node:crypto';
import { ValidationError } from '../../domain/errors.js';
import type { ProblemDetail } from '../../domain/errors.js';
import { newId, randomToken } from '../../domain/ids.js';
import type { CaptureField } from '../../domain/offers/settings.js';
import { creditDedupeKey } from '../../domain/referrals/credit.js';
import { normalizeEmail } from '../../domain/referrals/people.js';
import { recordActivities } from '../activities.js';
import { insertParticipantIfAbsent } from '../../store/repositories/participant.repository.js';
import { bumpReferralCounter, linkVisitor, updatePersonFields, upsertPersonByEmail } from '../../store/repositories/person.repository.js';
import type { PersonTable } from '../../store/schema.js';
import type { AppContext } from '../context.js';
import { attributeFriend } from './attribution.js';
import { giveCreditToReferrer, shareUrl } from './credit.js';
import { loadLiveOffer } from './live-offer.js';
import { enqueueEmail } from './mail.js';

export interface SignupInput {
  email: string;
  fields?: Partial<Record<Exclude<CaptureField, 'email'>, string>>;
  /** Agrees to marketing email: with opt_in it must be true to subscribe; with opt_out false unsubscribes. */
  consent?: boolean;
  visitorId?: string;
  clickId?: string;
  page?: string;
  channel?: string;
  locale?: string;
}

export interface SignupResult {
  created: boolean;
  participantId: string;
  shareCode: string;
  shareUrl: string;
  /** Secret for track-progress. A repeat sign-up gets one only from the browser that signed up. */
  participantToken: string | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const COLUMN_OF: Record<Exclude<CaptureField, 'email'>, keyof PersonTable> = {
  firstName: 'first_name',
  lastName: 'last_name',
  company: 'company',
  phone: 'phone',
};

/**
 * A person signs up for an offer and becomes a participant with a share code.
 * If they arrived through a friend's share link, the friend's referrer gets a
 * referred sign-up (and credit, when that is the goal). All in one transaction,
 * with the sign-up email in the outbox.
 */
export async function signUp(ctx: AppContext, offerId: string, input: SignupInput): Promise<SignupResult> {
  const email = normalizeEmail(input.email);
  if (!email) throw new ValidationError('The email address is not valid', [{ path: 'email', message: 'Enter a valid email address.' }]);

  return ctx.store.db.transaction().execute(async (trx) => {
    const offer = await loadLiveOffer(trx, offerId);
    const settings = offer.settings;
    const at = ctx.clock.now().toISOString();
    const person = await upsertPersonByEmail(trx, { id: newId('per'), email, at });

    const problems: ProblemDetail[] = [];
    const changes: Partial<PersonTable> = {};
    for (const field of settings.signupFlow.fields) {
      if (field.name === 'email') continue;
      const given = input.fields?.[field.name]?.trim();
      const column = COLUMN_OF[field.name];
      if (given) (changes as Record<string, string>)[column] = given;
      // Fields already known for the person are not asked again, so they satisfy "required".
      else if (field.required && !person[column]) problems.push({ path: `fields.${field.name}`, message: `${field.name} is required.` });
    }
    if (problems.length > 0) throw new ValidationError('Some required fields are missing', problems);
    if (settings.signupFlow.consent === 'opt_in') {
      if (input.consent === true) changes.consent = 'subscribed';
      else if (!person.consent) changes.consent = 'unsubscribed';
    } else if (input.consent === false) changes.consent = 'unsubscribed';
    else if (!person.consent) changes.consent = 'subscribed';
    if (input.locale && !person.locale) changes.locale = input.locale;
    await updatePersonFields(trx, person.id, changes, at);
    if (input.visitorId) await linkVisitor(trx, input.visitorId, person.id, at);

    const token = `pt_${randomToken(32)}`;
    const { participant, created } = await insertParticipantIfAbsent(trx, {
      id: newId('par'),
      offer_id: offer.id,
      person_id: person.id,
      // 12 characters of 62 (~71 bits): share codes cannot be guessed or enumerated.
      share_code: randomToken(12),
      token_hash: hashToken(token),
      credit: 0,
      fulfilled_at: null,
      fulfillment_state: null,
      signup_channel: input.channel ?? null,
      signup_page: input.page ?? null,
      visitor_id: input.visitorId ?? null,
      created_at: at,
    });

    let participantToken: string | null = created ? token : null;
    if (!created && input.visitorId && input.visitorId === participant.visitor_id) {
      // Same browser signing up again: it gets a fresh token (only hashes are stored).
      await trx.updateTable('participants').set({ token_hash: hashToken(token) }).where('id', '=', participant.id).execute();
      participantToken = token;
    }

    // A repeat sign-up is attributed too, so that one through the participant's
    // own link is refused and logged; only a new participant earns credit.
    const friend = { personId: person.id, visitorId: input.visitorId ?? null, browserId: null };
    const attribution = await attributeFriend(trx, ctx, offer, friend, input.clickId ?? null);

    if (created) {
      const personNow = { ...person, ...changes };
      await recordActivities(
        trx,
        ctx,
        [
          {
            type: 'signs_up',
            offerId: offer.id,
            personId: person.id,
            visitorId: input.visitorId ?? null,
            participantId: participant.id,
            attributes: {
              channel: input.channel ?? null,
              page: input.page ?? null,
              clickId: input.clickId ?? null,
              // The report counts a registration (a friend who signed up after a shared link) by it.
              referrerParticipantId: attribution?.referrer.id ?? null,
            },
            occurredAt: at,
          },
        ],
      );
      if (settings.emails.signup) {
        await enqueueEmail(trx, ctx, {
          emailId: settings.emails.signup,
          kind: 'signup',
          dedupeKey: `signup:${participant.id}`,
          offerId: offer.id,
          to: {
            personId: person.id,
            email: person.email,
            firstName: personNow.first_name ?? null,
            lastName: personNow.last_name ?? null,
            company: personNow.company ?? null,
            locale: personNow.locale ?? settings.locale,
          },
          tokens: { 'social.Share Url': shareUrl(ctx, participant.share_code), 'offer.Name': settings.name, 'social.Goal': String(settings.goal.count) },
        });
      }
    }
    if (created && attribution) {
      await bumpReferralCounter(trx, attribution.referrer.person_id, 'signup', attribution.channel ?? 'unknown', at);
      await giveCreditToReferrer(trx, ctx, {
        offer,
        referrerParticipantId: attribution.referrer.id,
        friendKey: `person:${person.id}`,
        friendPersonId: person.id,
        friendVisitorId: input.visitorId ?? null,
        kind: 'signup',
        dedupeKey: creditDedupeKey('signup', { friendKey: `person:${person.id}` }),
        attributes: { channel: attribution.channel, clickId: attribution.clickId },
      });
    }
    return {
      created,
      participantId: participant.id,
      shareCode: participant.share_code,
      shareUrl: shareUrl(ctx, participant.share_code),
      participantToken,
    };
  });
}
