import { InvalidRequestError, ValidationError } from '../errors.js';
import type { HourlyMetric } from './metrics.js';

/**
 * The offer report of spec section 6: the range and its buckets, and the
 * figures made from the counters of metrics.ts (kept per hour and per day).
 */

export const REPORT_INTERVALS = ['hour', 'day'] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

const HOUR_MS = 3600_000;
const DAY_MS = 86_400_000;
const STEP_MS: Record<ReportInterval, number> = { hour: HOUR_MS, day: DAY_MS };
/** A month of hours, two years of days: enough for any chart, and a bound on the work of one request. */
export const MAX_BUCKETS: Record<ReportInterval, number> = { hour: 24 * 31, day: 366 * 2 };

export interface ReportQuery {
  from?: string;
  to?: string;
  interval?: ReportInterval;
}

export interface ReportRange {
  /** Inclusive, aligned down to the interval (UTC). */
  from: Date;
  /** Exclusive, aligned up to the interval (UTC). */
  to: Date;
  interval: ReportInterval;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/** `YYYY-MM-DD` (midnight UTC) or an ISO 8601 date-time with `Z` or an offset. */
export function parseInstant(value: string, path: string): Date {
  const m = INSTANT.exec(value);
  const date = m ? new Date(m[4] === undefined ? `${value}T00:00:00Z` : value) : null;
  // Date accepts 2026-02-30 as 2 March: the calendar date must exist as written.
  const calendarOk = m && date && !Number.isNaN(date.getTime()) && new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)).getUTCDate() === +m[3]!;
  if (!calendarOk || !date) {
    throw new InvalidRequestError(`${path} must be a date (2026-11-01) or an ISO 8601 date-time with a time zone (2026-11-01T12:00:00Z)`, [
      { path: `querystring.${path}`, message: 'not a date or an ISO 8601 date-time with a time zone' },
    ]);
  }
  return date;
}

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;
const ceilTo = (t: number, step: number) => Math.ceil(t / step) * step;

/**
 * The range a report covers. `to` defaults to the end of the current hour (or
 * day), `from` to 24 hours before `to`; the interval defaults to hours for a
 * range of at most 24 hours and to days otherwise. Both ends are aligned to
 * the interval, outwards, since counters are kept per hour.
 */
export function resolveReportRange(query: ReportQuery, now: Date): ReportRange {
  const rawTo = query.to !== undefined ? parseInstant(query.to, 'to') : null;
  const rawFrom = query.from !== undefined ? parseInstant(query.from, 'from') : null;
  if (rawFrom && rawTo && rawFrom.getTime() >= rawTo.getTime()) {
    throw new ValidationError('The range is empty', [{ path: 'from', message: '"from" must be before "to".' }]);
  }
  const end = (rawTo ?? now).getTime();
  const start = rawFrom ? rawFrom.getTime() : end - DAY_MS;
  const interval = query.interval ?? (end - start <= DAY_MS ? 'hour' : 'day');
  const step = STEP_MS[interval];
  // Without "to" the current hour (day) is in the range, also at the very start of it.
  const to = rawTo ? ceilTo(rawTo.getTime(), step) : floorTo(now.getTime(), step) + step;
  const from = floorTo(rawFrom ? rawFrom.getTime() : to - DAY_MS, step);
  if (from >= to) {
    throw new ValidationError('The range is empty', [{ path: 'from', message: '"from" must be before "to" (which defaults to now).' }]);
  }
  const buckets = (to - from) / step;
  if (buckets > MAX_BUCKETS[interval]) {
    const hint = interval === 'hour' ? ' Use interval=day for a longer range.' : '';
    throw new ValidationError('The range is too long', [
      { path: 'from', message: `At most ${MAX_BUCKETS[interval]} ${interval}s in one report; this range has ${buckets}.${hint}` },
    ]);
  }
  return { from: new Date(from), to: new Date(to), interval };
}

/** The counter keys of the range, [fromKey, toKey): hours `YYYY-MM-DDTHH` or days `YYYY-MM-DD`. */
export function counterKeys(range: ReportRange): { fromKey: string; toKey: string } {
  const length = range.interval === 'hour' ? 13 : 10;
  return { fromKey: range.from.toISOString().slice(0, length), toKey: range.to.toISOString().slice(0, length) };
}

export function bucketStarts(range: ReportRange): string[] {
  const step = STEP_MS[range.interval];
  const starts: string[] = [];
  for (let t = range.from.getTime(); t < range.to.getTime(); t += step) starts.push(new Date(t).toISOString());
  return starts;
}

/** The start (ISO) of the bucket a counter key names. */
export function bucketStartOf(key: string, interval: ReportInterval): string {
  return interval === 'hour' ? `${key}:00:00.000Z` : `${key}T00:00:00.000Z`;
}

export type Counts = Partial<Record<HourlyMetric, number>>;

export interface ReportFigures {
  visits: number;
  referredVisits: number;
  widgetOpens: number;
  signups: number;
  interactions: number;
  shares: number;
  clicks: number;
  registrations: number;
  fulfilled: number;
  participants: number;
  sharers: number;
  influencers: number;
  reach: number;
}

export interface OfferReport {
  offerId: string;
  from: string;
  to: string;
  interval: ReportInterval;
  funnel: { visits: number; interactions: number; shares: number; clicks: number; registrations: number; fulfilled: number };
  breakdown: { referredVisits: number; otherVisits: number; widgetOpens: number; signups: number };
  audience: { participants: number; sharers: number; influencers: number; reach: number };
  shareMetrics: { shareRate: number | null; clickbackRate: number | null; socialLift: number | null; viralCoefficient: number | null };
  series: (ReportFigures & { start: string })[];
}

export function figuresOf(c: Counts): ReportFigures {
  const n = (m: HourlyMetric) => c[m] ?? 0;
  return {
    visits: n('visits'),
    referredVisits: n('referred_visits'),
    widgetOpens: n('widget_opens'),
    signups: n('signups'),
    interactions: n('widget_opens') + n('signups'),
    shares: n('shares'),
    clicks: n('clicks'),
    registrations: n('registrations'),
    fulfilled: n('fulfilled'),
    participants: n('signups'),
    sharers: n('new_sharers'),
    influencers: n('new_influencers'),
    reach: n('email_reach'),
  };
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** The report from the counters of each bucket (buckets without counters are zero). */
export function buildReport(offerId: string, range: ReportRange, byBucket: Map<string, Counts>): OfferReport {
  const total: Counts = {};
  for (const counts of byBucket.values()) {
    for (const [metric, value] of Object.entries(counts) as [HourlyMetric, number][]) total[metric] = (total[metric] ?? 0) + value;
  }
  const f = figuresOf(total);
  const otherVisits = f.visits - f.referredVisits;
  return {
    offerId,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    interval: range.interval,
    funnel: { visits: f.visits, interactions: f.interactions, shares: f.shares, clicks: f.clicks, registrations: f.registrations, fulfilled: f.fulfilled },
    breakdown: { referredVisits: f.referredVisits, otherVisits, widgetOpens: f.widgetOpens, signups: f.signups },
    audience: { participants: f.participants, sharers: f.sharers, influencers: f.influencers, reach: f.reach },
    shareMetrics: {
      // A visit "led to a share" when a participant shared for the first time.
      shareRate: ratio(f.sharers, f.visits),
      clickbackRate: ratio(f.clicks, f.shares),
      socialLift: ratio(f.referredVisits, otherVisits),
      viralCoefficient: ratio(f.registrations, f.participants),
    },
    series: bucketStarts(range).map((start) => ({ start, ...figuresOf(byBucket.get(start) ?? {}) })),
  };
}
