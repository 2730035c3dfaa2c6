import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { ClickTable, Database, ReferralTable } from '../schema.js';

type Db = Kysely<Database>;
export type ReferralRow = Selectable<ReferralTable>;

export async function findClick(db: Db, id: string): Promise<Selectable<ClickTable> | null> {
  return (await db.selectFrom('clicks').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function insertClicks(db: Db, rows: Selectable<ClickTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('clicks').values(rows).execute();
}

/** The live referrals of a friend on an offer, under any of the friend's keys, oldest first. */
export async function findLiveReferrals(db: Db, offerId: string, keys: string[], now: string): Promise<ReferralRow[]> {
  if (keys.length === 0) return [];
  return db
    .selectFrom('referrals')
    .selectAll()
    .where('offer_id', '=', offerId)
    .where('friend_key', 'in', keys)
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .execute();
}

/** putReferral for many rows in one statement (the redirect's batches); the first row per key wins. */
export async function putReferrals(db: Db, rows: ReferralRow[], now: string): Promise<void> {
  const byKey = new Map<string, ReferralRow>();
  for (const row of rows) if (!byKey.has(`${row.offer_id} ${row.friend_key}`)) byKey.set(`${row.offer_id} ${row.friend_key}`, row);
  const unique = [...byKey.values()];
  for (let i = 0; i < unique.length; i += 500) {
    await db
      .insertInto('referrals')
      .values(unique.slice(i, i + 500))
      .onConflict((oc) =>
        oc
          .columns(['offer_id', 'friend_key'])
          .doUpdateSet((eb) => ({
            referrer_participant_id: eb.ref('excluded.referrer_participant_id'),
            click_id: eb.ref('excluded.click_id'),
            channel: eb.ref('excluded.channel'),
            created_at: eb.ref('excluded.created_at'),
            expires_at: eb.ref('excluded.expires_at'),
          }))
          .where('referrals.expires_at', '<=', now),
      )
      .execute();
  }
}

/**
 * Stores the tie under a friend key. First touch wins: an existing live tie is
 * kept; an expired one may be replaced.
 */
export async function putReferral(db: Db, row: ReferralRow, now: string): Promise<void> {
  await db
    .insertInto('referrals')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['offer_id', 'friend_key'])
        .doUpdateSet({
          referrer_participant_id: row.referrer_participant_id,
          click_id: row.click_id,
          channel: row.channel,
          created_at: row.created_at,
          expires_at: row.expires_at,
        })
        .where('referrals.expires_at', '<=', now),
    )
    .execute();
}

/**
 * Records a page load in the visitor's session and says whether it started a
 * new visit. One atomic statement, so concurrent loads of one visitor cannot
 * both start a visit: insert the first session, else extend the current one or
 * roll it over when it was idle past `idleCutoff` or the browser session changed.
 */
export async function touchVisitSession(
  db: Db,
  input: { offerId: string; visitorId: string; browserSession: string | null; now: string; idleCutoff: string; newKey: string },
): Promise<{ sessionKey: string; isNew: boolean }> {
  const inserted = await db
    .insertInto('visit_sessions')
    .values({
      offer_id: input.offerId,
      visitor_id: input.visitorId,
      session_key: input.newKey,
      browser_session: input.browserSession,
      started_at: input.now,
      last_seen_at: input.now,
    })
    .onConflict((oc) => oc.columns(['offer_id', 'visitor_id']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { sessionKey: input.newKey, isNew: true };
  const rollsOver = sql<boolean>`(last_seen_at < ${input.idleCutoff} or (cast(${input.browserSession} as text) is not null and browser_session is not null and browser_session <> ${input.browserSession}))`;
  const row = await db
    .updateTable('visit_sessions')
    .set({
      session_key: sql`case when ${rollsOver} then ${input.newKey} else session_key end`,
      started_at: sql`case when ${rollsOver} then ${input.now} else started_at end`,
      browser_session: sql`coalesce(${input.browserSession}, browser_session)`,
      last_seen_at: input.now,
    })
    .where('offer_id', '=', input.offerId)
    .where('visitor_id', '=', input.visitorId)
    .returning(['session_key'])
    .executeTakeFirstOrThrow();
  return { sessionKey: row.session_key, isNew: row.session_key === input.newKey };
}
