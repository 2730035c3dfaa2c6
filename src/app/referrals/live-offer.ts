import { GoalpostError, NotFoundError } from '../../domain/errors.js';
import type { OfferSettings } from '../../domain/offers/settings.js';
import { findOffer } from '../../store/repositories/offer.repository.js';
import type { Store } from '../../store/store.js';

/** An offer the public may act on: approved and not archived, with its approved settings. */
export interface LiveOffer {
  id: string;
  settings: OfferSettings;
}

export class OfferNotLiveError extends GoalpostError {
  constructor(id: string, status: string) {
    super('offer_not_live', `Offer ${id} is ${status === 'archived' ? 'archived' : 'not approved yet'}: it takes no sign-ups or credit.`);
  }
}

export async function loadLiveOffer(db: Store['db'], offerId: string): Promise<LiveOffer> {
  const offer = await findOffer(db, offerId);
  if (!offer) throw new NotFoundError('Offer', offerId);
  if (offer.status === 'archived' || !offer.approved) throw new OfferNotLiveError(offerId, offer.status);
  return { id: offer.id, settings: offer.approved };
}
