import type { Kysely, Selectable } from 'kysely';
import type { Database, OfferTable } from '../schema.js';
import type { OfferSettings } from '../../domain/offers/settings.js';
import type { Offer, OfferStatus } from '../../domain/offers/offer.js';
import { before, toPage } from './cursor.js';
import type { CursorPosition, Page } from './cursor.js';

export function offerRowToOffer(row: Selectable<OfferTable>): Offer {
  const approved = row.approved_json ? (JSON.parse(row.approved_json) as OfferSettings) : null;
  const draft = row.draft_json ? (JSON.parse(row.draft_json) as OfferSettings) : null;
  return {
    id: row.id,
    name: (draft ?? approved)?.name ?? '',
    status: row.status as OfferStatus,
    version: row.version,
    approved,
    draft,
    clonedFrom: row.cloned_from,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    approvedAt: row.approved_at,
    archivedAt: row.archived_at,
  };
}

export async function findOffer(db: Kysely<Database>, id: string): Promise<Offer | null> {
  const row = await db.selectFrom('offers').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? offerRowToOffer(row) : null;
}

export async function insertOffer(db: Kysely<Database>, offer: Offer): Promise<void> {
  await db
    .insertInto('offers')
    .values({
      id: offer.id,
      status: offer.status,
      draft_json: offer.draft ? JSON.stringify(offer.draft) : null,
      approved_json: offer.approved ? JSON.stringify(offer.approved) : null,
      version: offer.version,
      cloned_from: offer.clonedFrom,
      created_at: offer.createdAt,
      updated_at: offer.updatedAt,
      approved_at: offer.approvedAt,
      archived_at: offer.archivedAt,
    })
    .execute();
}

/** Writes a changed offer; `expectedVersion` guards approve against a concurrent approve. */
export async function updateOffer(db: Kysely<Database>, offer: Offer): Promise<void> {
  await db
    .updateTable('offers')
    .set({
      status: offer.status,
      draft_json: offer.draft ? JSON.stringify(offer.draft) : null,
      approved_json: offer.approved ? JSON.stringify(offer.approved) : null,
      version: offer.version,
      updated_at: offer.updatedAt,
      approved_at: offer.approvedAt,
      archived_at: offer.archivedAt,
    })
    .where('id', '=', offer.id)
    .execute();
}

export async function listOffers(
  db: Kysely<Database>,
  options: { limit: number; after: CursorPosition | null; status: OfferStatus | null },
): Promise<Page<Offer>> {
  let query = db.selectFrom('offers').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1);
  if (options.status) query = query.where('status', '=', options.status);
  if (options.after) query = query.where(before('created_at', 'id', options.after));
  const page = toPage(await query.execute(), options.limit, (row) => ({ at: row.created_at, id: row.id }));
  return { data: page.data.map(offerRowToOffer), nextCursor: page.nextCursor };
}
