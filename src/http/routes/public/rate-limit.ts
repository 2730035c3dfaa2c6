import { normalizeIP } from '@fastify/rate-limit';
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../../config.js';
import { GoalpostError } from '../../../domain/errors.js';

/**
 * Per-IP limits of the public endpoints, a minute each. Beacons (visits,
 * conversions, shares, progress, the widget and hosted pages) get the whole
 * configured rate; calls that create people, send mail or try codes get a
 * fraction of it, each in its own bucket so a busy page never starves a
 * sign-up. Registered inside each public plugin (it is scoped to the routes
 * of the plugin it is registered in).
 */
const SHARE_OF_LIMIT = {
  beacon: 1,
  identify: 1 / 5,
  signup: 1 / 10,
  restore: 1 / 15,
  reshare: 1 / 30,
  mail: 1 / 60,
} as const;
type Tier = keyof typeof SHARE_OF_LIMIT;

function tierOf(request: FastifyRequest): Tier {
  const url = request.routeOptions.url ?? '';
  if (url.endsWith('/signups')) return 'signup';
  if (url.endsWith('/identify')) return 'identify';
  if (url.endsWith('/restore')) return 'restore';
  if (url.endsWith('/reshare')) return 'reshare';
  if (url.endsWith('/progress-link')) return 'mail';
  return 'beacon';
}

export function limitFor(config: Pick<Config, 'publicRateLimit'>, tier: Tier): number {
  return Math.max(1, Math.floor(config.publicRateLimit * SHARE_OF_LIMIT[tier]));
}

/** Options for `app.register(rateLimit, publicRateLimitOptions(config))`; with a limit of 0 nothing is limited. */
export function publicRateLimitOptions(config: Pick<Config, 'publicRateLimit'>): RateLimitPluginOptions {
  return {
    global: true,
    timeWindow: 60_000,
    max: (request) => limitFor(config, tierOf(request)),
    // IPv6 clients are counted by /64, as the plugin does by default: one host holds a whole /64.
    keyGenerator: (request) => `${tierOf(request)}|${normalizeIP(request.ip)}`,
    allowList: () => config.publicRateLimit === 0,
    errorResponseBuilder: (_request, context) =>
      new GoalpostError('rate_limited', `Too many requests from this address: at most ${context.max} a minute here. Try again in ${context.after}.`),
  };
}
