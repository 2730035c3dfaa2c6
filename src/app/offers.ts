import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { approvalProblems } from '../domain/offers/approval.js';
import type { EmailFacts } from '../domain/offers/approval.js';
import { editableSettings } from '../domain/offers/offer.js';
import type { Offer, OfferStatus } from '../domain/offers/offer.js';
import { applySettingsPatch, defaultOfferSettings } from '../domain/offers/settings.js';
import type { OfferSettings } from '../domain/offers/settings.js';
import type { Page } from '../store/repositories/cursor.js';
import { findEmails } from '../store/repositories/email.repository.js';
import { findOffer, insertOffer, listOffers, updateOffer } from '../store/repositories/offer.repository.js';
import type { Store } from '../store/store.js';
import type { AppContext } from './context.js';
import { parseCursor } from './pagination.js';

type Db = Store['db'];

async function loadOfferOrThrow(db: Db, id: string): Promise<Offer> {
  const offer = await findOffer(db, id);
  if (!offer) throw new NotFoundError('Offer', id);
  return offer;
}

/**
 * Reads the offer for a read-modify-write inside `trx`, holding its row lock on
 * PostgreSQL until the transaction ends, so concurrent edits queue instead of
 * overwriting each other. SQLite already runs one write transaction at a time.
 */
async function loadOfferForUpdate(ctx: AppContext, trx: Db, id: string): Promise<Offer> {
  if (ctx.store.dialect === 'postgres') {
    await trx.selectFrom('offers').select('id').where('id', '=', id).forUpdate().execute();
  }
  return loadOfferOrThrow(trx, id);
}

function refuseArchived(offer: Offer): void {
  if (offer.status === 'archived') {
    throw new ConflictError('offer_archived', `Offer ${offer.id} is archived: it can no longer be changed. Clone it to start again.`);
  }
}

export async function findOfferOrThrow(ctx: AppContext, id: string): Promise<Offer> {
  return loadOfferOrThrow(ctx.store.db, id);
}

export async function createOffer(
  ctx: AppContext,
  input: { name: string; cloneFrom?: string; description?: string; locale?: string },
): Promise<Offer> {
  return ctx.store.db.transaction().execute(async (trx) => {
    let settings: OfferSettings;
    if (input.cloneFrom) {
      const source = await findOffer(trx, input.cloneFrom);
      if (!source) {
        throw new ValidationError('The offer to clone does not exist', [{ path: 'cloneFrom', message: `Offer ${input.cloneFrom} does not exist.` }]);
      }
      // All settings are copied, from the newest version; participants are not.
      settings = { ...editableSettings(source), name: input.name };
    } else {
      settings = defaultOfferSettings(input.name);
    }
    if (input.description !== undefined) settings.description = input.description;
    if (input.locale !== undefined) settings.locale = input.locale;
    const now = ctx.clock.now().toISOString();
    const offer: Offer = {
      id: newId('off'),
      name: settings.name,
      status: 'draft',
      version: 0,
      approved: null,
      draft: settings,
      clonedFrom: input.cloneFrom ?? null,
      createdAt: now,
      updatedAt: now,
      approvedAt: null,
      archivedAt: null,
    };
    await insertOffer(trx, offer);
    return offer;
  });
}

export async function listOffersPage(
  ctx: AppContext,
  query: { limit?: number; cursor?: string; status?: OfferStatus },
): Promise<Page<Offer>> {
  return listOffers(ctx.store.db, { limit: query.limit ?? 50, after: parseCursor(query.cursor), status: query.status ?? null });
}

/** "Edit draft": opens a draft from the approved version when none is open, then applies the patch. */
export async function patchOfferDraft(ctx: AppContext, id: string, patch: Record<string, unknown>): Promise<Offer> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const offer = await loadOfferForUpdate(ctx, trx, id);
    refuseArchived(offer);
    const draft = applySettingsPatch(editableSettings(offer), patch);
    const updated: Offer = { ...offer, draft, name: draft.name, updatedAt: ctx.clock.now().toISOString() };
    await updateOffer(trx, updated);
    return updated;
  });
}

export async function approveOffer(ctx: AppContext, id: string): Promise<Offer> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const offer = await loadOfferForUpdate(ctx, trx, id);
    refuseArchived(offer);
    if (!offer.draft) throw new ConflictError('nothing_to_approve', `Offer ${id} has no draft: the approved version is current.`);
    const ids = [offer.draft.emails.signup, offer.draft.emails.fulfillment, offer.draft.emails.reshare].filter(
      (x): x is string => !!x,
    );
    const emails = new Map<string, EmailFacts>(
      (await findEmails(trx, ids)).map((e) => [e.id, { id: e.id, approved: e.approved }]),
    );
    const problems = approvalProblems(offer.draft, emails);
    if (problems.length > 0) {
      throw new ValidationError(`Offer ${id} cannot be approved: ${problems.length} problem${problems.length > 1 ? 's' : ''}`, problems);
    }
    const now = ctx.clock.now().toISOString();
    const approved: Offer = {
      ...offer,
      status: 'approved',
      approved: offer.draft,
      draft: null,
      version: offer.version + 1,
      updatedAt: now,
      approvedAt: now,
    };
    await updateOffer(trx, approved);
    return approved;
  });
}

export async function discardOfferDraft(ctx: AppContext, id: string): Promise<Offer> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const offer = await loadOfferForUpdate(ctx, trx, id);
    refuseArchived(offer);
    if (!offer.draft) throw new ConflictError('no_draft', `Offer ${id} has no draft to discard.`);
    if (!offer.approved) {
      throw new ConflictError('draft_is_only_version', `Offer ${id} was never approved: its draft is its only version. Archive the offer instead.`);
    }
    const discarded: Offer = { ...offer, draft: null, name: offer.approved.name, updatedAt: ctx.clock.now().toISOString() };
    await updateOffer(trx, discarded);
    return discarded;
  });
}

export async function archiveOffer(ctx: AppContext, id: string): Promise<Offer> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const offer = await loadOfferForUpdate(ctx, trx, id);
    refuseArchived(offer);
    const now = ctx.clock.now().toISOString();
    const archived: Offer = { ...offer, status: 'archived', updatedAt: now, archivedAt: now };
    await updateOffer(trx, archived);
    return archived;
  });
}
