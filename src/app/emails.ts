import { ConflictError, InvalidRequestError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { emailApprovalProblems } from '../domain/messages/email.js';
import type { Email, EmailContent, EmailVersions } from '../domain/messages/email.js';
import { parseCursor } from './pagination.js';
import type { Page } from '../store/repositories/cursor.js';
import { findEmail, listEmails, saveEmail } from '../store/repositories/email.repository.js';
import type { Store } from '../store/store.js';
import type { AppContext } from './context.js';

export interface EmailInput {
  name: string;
  subject: string;
  html: string;
  text?: string | null;
  locale?: string;
  translations?: Record<string, EmailContent>;
}

export interface EmailPatch {
  name?: string;
  subject?: string;
  html?: string;
  text?: string | null;
  locale?: string;
  /** Per-locale content; null removes a translation. */
  translations?: Record<string, EmailContent | null>;
}

export async function createEmail(ctx: AppContext, input: EmailInput): Promise<Email> {
  const now = ctx.clock.now().toISOString();
  const locale = input.locale ?? 'en';
  const draft: EmailVersions = { ...(input.translations ?? {}) };
  draft[locale] = { subject: input.subject, html: input.html, text: input.text ?? null };
  const email: Email = {
    id: newId('eml'),
    name: input.name,
    locale,
    status: 'draft',
    draft,
    approved: null,
    createdAt: now,
    updatedAt: now,
    approvedAt: null,
  };
  await saveEmail(ctx.store.db, email, true);
  return email;
}

/**
 * Reads the email for a read-modify-write inside `trx`, holding its row lock on
 * PostgreSQL until the transaction ends, so concurrent edits queue instead of
 * overwriting each other. SQLite already runs one write transaction at a time.
 */
async function findEmailForUpdate(ctx: AppContext, trx: Store['db'], id: string): Promise<Email | null> {
  if (ctx.store.dialect === 'postgres') {
    await trx.selectFrom('emails').select('id').where('id', '=', id).forUpdate().execute();
  }
  return findEmail(trx, id);
}

export async function findEmailOrThrow(ctx: AppContext, id: string): Promise<Email> {
  const email = await findEmail(ctx.store.db, id);
  if (!email) throw new NotFoundError('Email', id);
  return email;
}

/** Edits the draft (opened from the approved version if none); the approved version stays in use. */
export async function updateEmail(ctx: AppContext, id: string, patch: EmailPatch): Promise<Email> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const email = await findEmailForUpdate(ctx, trx, id);
    if (!email) throw new NotFoundError('Email', id);
    const draft: EmailVersions = structuredClone(email.draft ?? email.approved ?? {});
    const locale = patch.locale ?? email.locale;
    for (const [loc, content] of Object.entries(patch.translations ?? {})) {
      if (content === null) delete draft[loc];
      else draft[loc] = content;
    }
    if (patch.subject !== undefined || patch.html !== undefined || patch.text !== undefined) {
      const current = draft[locale];
      if (!current && (patch.subject === undefined || patch.html === undefined)) {
        throw new InvalidRequestError(`The email has no ${locale} content yet: give both subject and html.`, [
          { path: patch.subject === undefined ? 'subject' : 'html', message: 'Required when adding a locale.' },
        ]);
      }
      draft[locale] = {
        subject: patch.subject ?? current!.subject,
        html: patch.html ?? current!.html,
        text: patch.text !== undefined ? patch.text : (current?.text ?? null),
      };
    }
    const updated: Email = {
      ...email,
      name: patch.name ?? email.name,
      locale,
      draft,
      updatedAt: ctx.clock.now().toISOString(),
    };
    await saveEmail(trx, updated, false);
    return updated;
  });
}

export async function approveEmail(ctx: AppContext, id: string): Promise<Email> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const email = await findEmailForUpdate(ctx, trx, id);
    if (!email) throw new NotFoundError('Email', id);
    if (!email.draft) throw new ConflictError('nothing_to_approve', `Email ${id} has no draft: it is approved as it is.`);
    const problems = emailApprovalProblems(email.draft, email.locale);
    if (problems.length > 0) throw new ValidationError(`Email ${id} cannot be approved yet`, problems);
    const now = ctx.clock.now().toISOString();
    const approved: Email = { ...email, status: 'approved', approved: email.draft, draft: null, updatedAt: now, approvedAt: now };
    await saveEmail(trx, approved, false);
    return approved;
  });
}

export async function discardEmailDraft(ctx: AppContext, id: string): Promise<Email> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const email = await findEmailForUpdate(ctx, trx, id);
    if (!email) throw new NotFoundError('Email', id);
    if (!email.draft) throw new ConflictError('no_draft', `Email ${id} has no draft to discard.`);
    if (!email.approved) throw new ConflictError('draft_is_only_version', `Email ${id} was never approved: its draft is its only version.`);
    const discarded: Email = { ...email, draft: null, updatedAt: ctx.clock.now().toISOString() };
    await saveEmail(trx, discarded, false);
    return discarded;
  });
}

export async function listEmailsPage(ctx: AppContext, query: { limit?: number; cursor?: string }): Promise<Page<Email>> {
  return listEmails(ctx.store.db, { limit: query.limit ?? 50, after: parseCursor(query.cursor) });
}
