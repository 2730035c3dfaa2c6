import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { DialectName } from '../store.js';
import { randomToken } from '../../domain/ids.js';

type Db = Kysely<Database>;

/** Adds codes to an offer's pool; codes already in the pool are skipped. Returns how many were new. */
export async function addPromoCodes(db: Db, offerId: string, codes: string[], at: string): Promise<number> {
  let added = 0;
  // Ids sort in upload order (time, then position), so codes are handed out first-uploaded, first-given.
  const stamp = Date.now().toString(36).padStart(10, '0');
  // Chunks keep each statement under SQLite's and PostgreSQL's bound-parameter limits.
  for (let i = 0; i < codes.length; i += 500) {
    const chunk = codes.slice(i, i + 500).map((code, j) => ({ id: `pc_${stamp}${(i + j).toString(36).padStart(6, '0')}${randomToken(6)}`, offer_id: offerId, code, participant_id: null, assigned_at: null, created_at: at }));
    const result = await db
      .insertInto('promo_codes')
      .values(chunk)
      .onConflict((oc) => oc.columns(['offer_id', 'code']).doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return added;
}

export async function countFreePromoCodes(db: Db, offerId: string): Promise<number> {
  const row = await db
    .selectFrom('promo_codes')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('offer_id', '=', offerId)
    .where('participant_id', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Gives one free code to a participant, or null when the pool is empty. On
 * PostgreSQL `for update skip locked` lets concurrent fulfilments take
 * different codes without waiting; SQLite has one writer at a time, so a plain
 * subquery is already exclusive. The unique index on participant_id is the
 * last guard: a participant never holds two codes, a code never two people.
 */
export async function assignPromoCode(db: Db, dialect: DialectName, offerId: string, participantId: string, at: string): Promise<string | null> {
  const lock = dialect === 'postgres' ? sql`for update skip locked` : sql``;
  const result = await sql<{ code: string }>`
    update promo_codes set participant_id = ${participantId}, assigned_at = ${at}
    where id = (
      select id from promo_codes
      where offer_id = ${offerId} and participant_id is null
      order by id limit 1 ${lock}
    )
    returning code`.execute(db);
  return result.rows[0]?.code ?? null;
}

export async function codesForParticipants(db: Db, participantIds: string[]): Promise<Map<string, { code: string; sentAt: string }[]>> {
  const map = new Map<string, { code: string; sentAt: string }[]>();
  if (participantIds.length === 0) return map;
  const rows = await db
    .selectFrom('promo_codes')
    .select(['participant_id', 'code', 'assigned_at'])
    .where('participant_id', 'in', participantIds)
    .execute();
  for (const row of rows) {
    const list = map.get(row.participant_id!) ?? [];
    list.push({ code: row.code, sentAt: row.assigned_at! });
    map.set(row.participant_id!, list);
  }
  return map;
}
