import type { Kysely, Selectable } from 'kysely';
import type { Database, ParticipantTable } from '../schema.js';
import { before, toPage } from './cursor.js';
import type { CursorPosition, Page } from './cursor.js';

type Db = Kysely<Database>;
export type ParticipantRow = Selectable<ParticipantTable>;

export async function findParticipantByShareCode(db: Db, code: string): Promise<ParticipantRow | null> {
  return (await db.selectFrom('participants').selectAll().where('share_code', '=', code).executeTakeFirst()) ?? null;
}

export async function findParticipantByTokenHash(db: Db, hash: string): Promise<ParticipantRow | null> {
  return (await db.selectFrom('participants').selectAll().where('token_hash', '=', hash).executeTakeFirst()) ?? null;
}

export async function findParticipant(db: Db, id: string): Promise<ParticipantRow | null> {
  return (await db.selectFrom('participants').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function findParticipantFor(db: Db, offerId: string, personId: string): Promise<ParticipantRow | null> {
  return (
    (await db.selectFrom('participants').selectAll().where('offer_id', '=', offerId).where('person_id', '=', personId).executeTakeFirst()) ?? null
  );
}

/** Inserts unless the person already takes part; returns the row that stands and whether it is new. */
export async function insertParticipantIfAbsent(db: Db, row: ParticipantRow): Promise<{ participant: ParticipantRow; created: boolean }> {
  const inserted = await db
    .insertInto('participants')
    .values(row)
    .onConflict((oc) => oc.columns(['offer_id', 'person_id']).doNothing())
    .executeTakeFirst();
  const created = Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  return { participant: (await findParticipantFor(db, row.offer_id, row.person_id))!, created };
}

/** One credit more; returns the new credit and whether the participant was already fulfilled. */
export async function incrementCredit(db: Db, participantId: string): Promise<{ credit: number; fulfilledAt: string | null }> {
  const row = await db
    .updateTable('participants')
    .set((eb) => ({ credit: eb('credit', '+', 1) }))
    .where('id', '=', participantId)
    .returning(['credit', 'fulfilled_at'])
    .executeTakeFirstOrThrow();
  return { credit: row.credit, fulfilledAt: row.fulfilled_at };
}

/** Marks fulfilment; true only for the one caller that made the change (exactly once). */
export async function markFulfilled(db: Db, participantId: string, at: string, state: string): Promise<boolean> {
  const result = await db
    .updateTable('participants')
    .set({ fulfilled_at: at, fulfillment_state: state })
    .where('id', '=', participantId)
    .where('fulfilled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setFulfillmentState(db: Db, participantId: string, state: string): Promise<void> {
  await db.updateTable('participants').set({ fulfillment_state: state }).where('id', '=', participantId).execute();
}

export async function insertCreditIfNew(
  db: Db,
  row: { id: string; offer_id: string; participant_id: string; kind: string; friend_key: string; dedupe_key: string; created_at: string },
): Promise<boolean> {
  const result = await db
    .insertInto('credits')
    .values(row)
    .onConflict((oc) => oc.columns(['participant_id', 'dedupe_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export interface ParticipantListRow extends ParticipantRow {
  email: string;
  first_name: string | null;
  last_name: string | null;
}

export async function listParticipants(
  db: Db,
  offerId: string,
  options: { limit: number; after: CursorPosition | null; fulfilled: boolean | null; state: string | null },
): Promise<Page<ParticipantListRow>> {
  let query = db
    .selectFrom('participants')
    .innerJoin('people', 'people.id', 'participants.person_id')
    .selectAll('participants')
    .select(['people.email', 'people.first_name', 'people.last_name'])
    .where('participants.offer_id', '=', offerId)
    .orderBy('participants.created_at', 'desc')
    .orderBy('participants.id', 'desc')
    .limit(options.limit + 1);
  if (options.fulfilled === true) query = query.where('participants.fulfilled_at', 'is not', null);
  if (options.fulfilled === false) query = query.where('participants.fulfilled_at', 'is', null);
  if (options.state) query = query.where('participants.fulfillment_state', '=', options.state);
  if (options.after) query = query.where(before('participants.created_at', 'participants.id', options.after));
  return toPage(await query.execute(), options.limit, (row) => ({ at: row.created_at, id: row.id }));
}
