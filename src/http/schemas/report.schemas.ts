import { Type } from '@sinclair/typebox';
import { NO_NUL, Nullable, Strict } from './common.js';

const Count = Type.Integer({ minimum: 0 });
const Rate = Nullable(Type.Number({ minimum: 0 }));

export const ReportQuerySchema = Strict({
  from: Type.Optional(Type.String({ maxLength: 40, pattern: NO_NUL, description: 'Start, inclusive: 2026-11-01 or an ISO 8601 date-time with a zone; aligned down to the interval. Default: 24 hours before `to`.' })),
  to: Type.Optional(Type.String({ maxLength: 40, pattern: NO_NUL, description: 'End, exclusive; aligned up to the interval. Default: the end of the current hour (day).' })),
  interval: Type.Optional(
    Type.Union([Type.Literal('hour'), Type.Literal('day')], { description: 'Default: hour for a range of at most 24 hours, else day. At most 744 hours or 732 days.' }),
  ),
});

const Figures = {
  visits: Count,
  referredVisits: Count,
  widgetOpens: Count,
  signups: Count,
  interactions: Count,
  shares: Count,
  clicks: Count,
  registrations: Count,
  fulfilled: Count,
  participants: Count,
  sharers: Count,
  influencers: Count,
  reach: Count,
};

export const OfferReportSchema = Strict({
  offerId: Type.String(),
  from: Type.String({ description: 'The range covered, after alignment (UTC)' }),
  to: Type.String(),
  interval: Type.Union([Type.Literal('hour'), Type.Literal('day')]),
  funnel: Strict(
    {
      visits: Count,
      interactions: Count,
      shares: Count,
      clicks: Count,
      registrations: Count,
      fulfilled: Count,
    },
    { description: 'Page visits (one per visit session) -> interactions (widget opens + sign-ups) -> shares -> resulting clicks -> registrations (friends who signed up through a shared link) -> participants who reached the goal' },
  ),
  breakdown: Strict({ referredVisits: Count, otherVisits: Count, widgetOpens: Count, signups: Count }),
  audience: Strict(
    { participants: Count, sharers: Count, influencers: Count, reach: Count },
    { description: 'People counted in the range where they became one: participants at sign-up, sharers at their first share, influencers at the first click on their link. Reach: recipients of email shares.' },
  ),
  shareMetrics: Strict(
    { shareRate: Rate, clickbackRate: Rate, socialLift: Rate, viralCoefficient: Rate },
    { description: 'shareRate = sharers / visits; clickbackRate = clicks / shares; socialLift = referred visits / other visits; viralCoefficient (k) = registrations / participants. null when the divisor is 0.' },
  ),
  series: Type.Array(Strict({ start: Type.String(), ...Figures }), { description: 'One entry per hour or day of the range, oldest first, zeros included' }),
});
