import { newId } from '../../domain/ids.js';
import { pickEmailContent, renderEmail } from '../../domain/messages/email.js';
import type { TokenValues } from '../../domain/messages/tokens.js';
import { findEmail } from '../../store/repositories/email.repository.js';
import { enqueueMessage } from '../../store/repositories/outbox.repository.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';

export interface MailRecipient {
  personId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  locale: string | null;
}

export function personTokens(person: MailRecipient): TokenValues {
  return {
    'lead.First Name': person.firstName ?? '',
    'lead.Last Name': person.lastName ?? '',
    'lead.Email Address': person.email,
    'lead.Company': person.company ?? '',
  };
}

/**
 * Renders an approved email and puts it in the outbox, inside the caller's
 * transaction, so the mail exists exactly when the fact that causes it does.
 * The dedupe key makes a retried fact queue nothing twice. Returns false when
 * the email is missing or unapproved (approval rules make that rare) or already queued.
 */
export async function enqueueEmail(
  trx: Store['db'],
  ctx: AppContext,
  input: { emailId: string; kind: string; dedupeKey: string; offerId: string | null; to: MailRecipient; tokens: TokenValues },
): Promise<boolean> {
  const email = await findEmail(trx, input.emailId);
  if (!email?.approved) {
    ctx.logger.warn({ emailId: input.emailId, kind: input.kind }, 'email not sent: it is not approved');
    return false;
  }
  const content = pickEmailContent(email.approved, email.locale, input.to.locale);
  const rendered = renderEmail(content, { ...personTokens(input.to), ...input.tokens });
  const now = ctx.clock.now().toISOString();
  return enqueueMessage(trx, {
    id: newId('out'),
    kind: input.kind,
    dedupe_key: input.dedupeKey,
    offer_id: input.offerId,
    person_id: input.to.personId,
    to_address: input.to.email,
    subject: rendered.subject,
    html: rendered.html,
    text_body: rendered.text,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    locked_until: null,
    last_error: null,
    created_at: now,
    sent_at: null,
  });
}
