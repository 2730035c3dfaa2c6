import type { OfferSettings } from './settings.js';

export type OfferStatus = 'draft' | 'approved' | 'archived';

/**
 * An offer keeps at most two versions: `approved` (what the public sees) and
 * `draft` (what the marketer edits). Status `draft` means never approved.
 */
export interface Offer {
  id: string;
  name: string;
  status: OfferStatus;
  version: number;
  approved: OfferSettings | null;
  draft: OfferSettings | null;
  clonedFrom: string | null;
  createdAt: string;
  updatedAt: string;
  approvedAt: string | null;
  archivedAt: string | null;
}

/** The settings a marketer edits next: the open draft, or a copy of the approved version. */
export function editableSettings(offer: Offer): OfferSettings {
  const base = offer.draft ?? offer.approved;
  if (!base) throw new Error(`offer ${offer.id} has neither draft nor approved version`);
  return structuredClone(base);
}
