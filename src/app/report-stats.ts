import type { Kysely } from 'kysely';
import { firstMarkOf, hourOf, incrementsOf, isCounted, METRIC_OF_FIRST_MARK, signupClickId, signupNamesReferrer } from '../domain/reports/metrics.js';
import type { CountableActivity, FirstMark, HourlyMetric } from '../domain/reports/metrics.js';
import { addCounts, insertFirstMarks, offersOfClicks } from '../store/repositories/report-stats.repository.js';
import type { HourlyCount } from '../store/repositories/report-stats.repository.js';
import type { Database } from '../store/schema.js';

/**
 * Keeps the report counters (domain/reports/metrics.ts) in the transaction
 * that writes the activities: `recordActivities` calls it for every activity,
 * the redirect's click writer once per batch. Whatever the batch size, it
 * costs at most one query for the clicks that sign-ups name, one insert of
 * first-time marks and one upsert each of hourly and daily counters.
 */
export async function countActivities(trx: Kysely<Database>, activities: readonly CountableActivity[]): Promise<void> {
  const tally = new Tally();
  await tallyActivities(trx, activities, tally);
  await tally.write(trx);
}

/** Counters and candidate first-time marks, summed in memory before one write. */
class Tally {
  private readonly counts = new Map<string, HourlyCount>();
  private readonly marks = new Map<string, { participantId: string; mark: FirstMark; offerId: string; at: string }>();

  add(offerId: string, hour: string, metric: HourlyMetric, by: number): void {
    const key = `${offerId}\u0000${hour}\u0000${metric}`;
    const row = this.counts.get(key);
    if (row) row.count += by;
    else this.counts.set(key, { offerId, hour, metric, count: by });
  }

  /** Keeps the earliest candidate per participant and mark. */
  mark(participantId: string, mark: FirstMark, offerId: string, at: string): void {
    const key = `${participantId}\u0000${mark}`;
    const earlier = this.marks.get(key);
    if (!earlier || at < earlier.at) this.marks.set(key, { participantId, mark, offerId, at });
  }

  async write(trx: Kysely<Database>): Promise<void> {
    for (const set of await insertFirstMarks(trx, [...this.marks.values()])) {
      this.add(set.offerId, hourOf(set.at), METRIC_OF_FIRST_MARK[set.mark as FirstMark], 1);
    }
    await addCounts(trx, [...this.counts.values()]);
  }
}

async function tallyActivities(trx: Kysely<Database>, activities: readonly CountableActivity[], tally: Tally): Promise<void> {
  const counted = activities.filter(isCounted);
  if (counted.length === 0) return;
  const clickIds = [...new Set(counted.filter((a) => !signupNamesReferrer(a)).map(signupClickId).filter((id): id is string => id !== null))];
  const clickOffers = clickIds.length > 0 ? await offersOfClicks(trx, clickIds) : new Map<string, string>();
  for (const activity of counted) {
    const clickId = signupClickId(activity);
    const referredSignup = signupNamesReferrer(activity) || (clickId !== null && clickOffers.get(clickId) === activity.offerId);
    const hour = hourOf(activity.occurredAt);
    for (const { metric, by } of incrementsOf(activity, { referredSignup })) tally.add(activity.offerId, hour, metric, by);
    const mark = firstMarkOf(activity);
    if (mark) tally.mark(activity.participantId!, mark, activity.offerId, activity.occurredAt);
  }
}

/**
 * Counts the activities already in the store, once (the migration that adds
 * the counters runs it). Pages go in id order; first-time marks are settled
 * after the last page, from the earliest activity of each participant, so the
 * result is what live counting would have written.
 */
export async function countStoredActivities(db: Kysely<Database>, pageSize = 5000): Promise<number> {
  const tally = new Tally();
  let after = '';
  let total = 0;
  for (;;) {
    const rows = await db
      .selectFrom('activities')
      .select(['id', 'type', 'offer_id', 'participant_id', 'attributes_json', 'occurred_at'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) break;
    await tallyActivities(
      db,
      rows.map((r) => ({
        type: r.type,
        offerId: r.offer_id,
        participantId: r.participant_id,
        attributes: JSON.parse(r.attributes_json) as Record<string, unknown>,
        occurredAt: r.occurred_at,
      })),
      tally,
    );
    total += rows.length;
    after = rows[rows.length - 1]!.id;
  }
  await tally.write(db);
  return total;
}
