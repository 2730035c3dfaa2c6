import { NotFoundError } from '../domain/errors.js';
import { bucketStartOf, buildReport, counterKeys, resolveReportRange } from '../domain/reports/report.js';
import type { Counts, OfferReport, ReportQuery } from '../domain/reports/report.js';
import type { HourlyMetric } from '../domain/reports/metrics.js';
import { findOffer } from '../store/repositories/offer.repository.js';
import { countsInRange } from '../store/repositories/report-stats.repository.js';
import type { AppContext } from './context.js';

/**
 * GET /api/v1/offers/{id}/report: reads the offer's hourly or daily counters
 * over the range, one row per (bucket, metric): one range scan of at most
 * (buckets x metrics) rows, whatever the number of activities behind them.
 */
export async function offerReport(ctx: AppContext, offerId: string, query: ReportQuery): Promise<OfferReport> {
  const range = resolveReportRange(query, ctx.clock.now());
  const offer = await findOffer(ctx.store.db, offerId);
  if (!offer) throw new NotFoundError('Offer', offerId);
  const { fromKey, toKey } = counterKeys(range);
  const byBucket = new Map<string, Counts>();
  for (const row of await countsInRange(ctx.store.db, offerId, range.interval, fromKey, toKey)) {
    const bucket = bucketStartOf(row.bucket, range.interval);
    let counts = byBucket.get(bucket);
    if (!counts) byBucket.set(bucket, (counts = {}));
    const metric = row.metric as HourlyMetric;
    counts[metric] = (counts[metric] ?? 0) + row.count;
  }
  return buildReport(offerId, range, byBucket);
}
