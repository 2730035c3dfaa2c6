import { newId } from '../../domain/ids.js';
import { pickEmailContent, renderEmail } from '../../domain/messages/email.js';
import type { EmailContent } from '../../domain/messages/email.js';
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
  return enqueueContent(trx, ctx, {
    kind: input.kind,
    dedupeKey: input.dedupeKey,
    offerId: input.offerId,
    personId: input.to.personId,
    toAddress: input.to.email,
    content,
    tokens: { ...personTokens(input.to), ...input.tokens },
  });
}

/**
 * Renders given content (an approved email's, or a default template's) and
 * puts it in the outbox inside the caller's transaction. `personId` is null
 * for addresses that are not people of ours (a friend invited by re-share).
 */
export async function enqueueContent(
  trx: Store['db'],
  ctx: AppContext,
  input: { kind: string; dedupeKey: string; offerId: string | null; personId: string | null; toAddress: string; content: EmailContent; tokens: TokenValues },
): Promise<boolean> {
  const rendered = renderEmail(input.content, input.tokens);
  const now = ctx.clock.now().toISOString();
  return enqueueMessage(trx, {
    id: newId('out'),
    kind: input.kind,
    dedupe_key: input.dedupeKey,
    offer_id: input.offerId,
    person_id: input.personId,
    to_address: input.toAddress,
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
