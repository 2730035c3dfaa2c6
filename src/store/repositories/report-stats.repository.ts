import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

export interface HourlyCount {
  offerId: string;
  /** `YYYY-MM-DDTHH` */
  hour: string;
  metric: string;
  count: number;
}

// 4 parameters a row: far below SQLite's 32,766 and PostgreSQL's 65,535 bind parameters.
const CHUNK = 2000;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Adds to the hourly counters and to the daily ones (the same sums per day),
 * one statement each. Rows are sorted, and days go before hours, so that
 * concurrent transactions on PostgreSQL take the counter rows' locks in the
 * same order and cannot deadlock.
 */
export async function addCounts(db: Db, counts: HourlyCount[]): Promise<void> {
  if (counts.length === 0) return;
  const byDay = new Map<string, { offer_id: string; day: string; metric: string; count: number }>();
  for (const c of counts) {
    const day = c.hour.slice(0, 10);
    const key = `${c.offerId}\u0000${day}\u0000${c.metric}`;
    const row = byDay.get(key);
    if (row) row.count += c.count;
    else byDay.set(key, { offer_id: c.offerId, day, metric: c.metric, count: c.count });
  }
  const days = [...byDay.values()].sort((a, b) => cmp(a.offer_id, b.offer_id) || cmp(a.day, b.day) || cmp(a.metric, b.metric));
  for (let i = 0; i < days.length; i += CHUNK) {
    await db
      .insertInto('offer_daily_stats')
      .values(days.slice(i, i + CHUNK))
      .onConflict((oc) => oc.columns(['offer_id', 'day', 'metric']).doUpdateSet((eb) => ({ count: eb('offer_daily_stats.count', '+', eb.ref('excluded.count')) })))
      .execute();
  }
  const hours = [...counts]
    .sort((a, b) => cmp(a.offerId, b.offerId) || cmp(a.hour, b.hour) || cmp(a.metric, b.metric))
    .map((c) => ({ offer_id: c.offerId, hour: c.hour, metric: c.metric, count: c.count }));
  for (let i = 0; i < hours.length; i += CHUNK) {
    await db
      .insertInto('offer_hourly_stats')
      .values(hours.slice(i, i + CHUNK))
      .onConflict((oc) => oc.columns(['offer_id', 'hour', 'metric']).doUpdateSet((eb) => ({ count: eb('offer_hourly_stats.count', '+', eb.ref('excluded.count')) })))
      .execute();
  }
}

export interface FirstMark {
  participantId: string;
  mark: string;
  offerId: string;
  at: string;
}

/** Sets the marks that are not set yet; returns those it set (the others were already there). */
export async function insertFirstMarks(db: Db, marks: FirstMark[]): Promise<FirstMark[]> {
  if (marks.length === 0) return [];
  const sorted = [...marks].sort((a, b) => cmp(a.participantId, b.participantId) || cmp(a.mark, b.mark));
  const inserted: FirstMark[] = [];
  for (let i = 0; i < sorted.length; i += CHUNK) {
    const rows = await db
      .insertInto('report_first_marks')
      .values(sorted.slice(i, i + CHUNK).map((m) => ({ participant_id: m.participantId, mark: m.mark, offer_id: m.offerId, at: m.at })))
      .onConflict((oc) => oc.columns(['participant_id', 'mark']).doNothing())
      .returning(['participant_id', 'mark', 'offer_id', 'at'])
      .execute();
    for (const r of rows) inserted.push({ participantId: r.participant_id, mark: r.mark, offerId: r.offer_id, at: r.at });
  }
  return inserted;
}

/** The offer of each click id that exists. */
export async function offersOfClicks(db: Db, clickIds: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < clickIds.length; i += CHUNK) {
    const rows = await db.selectFrom('clicks').select(['id', 'offer_id']).where('id', 'in', clickIds.slice(i, i + CHUNK)).execute();
    for (const r of rows) found.set(r.id, r.offer_id);
  }
  return found;
}

/**
 * The offer's counters in [fromKey, toKey): hours (`YYYY-MM-DDTHH`) or days
 * (`YYYY-MM-DD`). One range scan of a primary key, at most buckets x metrics rows.
 */
export async function countsInRange(
  db: Db,
  offerId: string,
  grain: 'hour' | 'day',
  fromKey: string,
  toKey: string,
): Promise<{ bucket: string; metric: string; count: number }[]> {
  const rows =
    grain === 'hour'
      ? await db
          .selectFrom('offer_hourly_stats')
          .select(['hour as bucket', 'metric', 'count'])
          .where('offer_id', '=', offerId)
          .where('hour', '>=', fromKey)
          .where('hour', '<', toKey)
          .execute()
      : await db
          .selectFrom('offer_daily_stats')
          .select(['day as bucket', 'metric', 'count'])
          .where('offer_id', '=', offerId)
          .where('day', '>=', fromKey)
          .where('day', '<', toKey)
          .execute();
  return rows.map((r) => ({ bucket: r.bucket, metric: r.metric, count: Number(r.count) }));
}
