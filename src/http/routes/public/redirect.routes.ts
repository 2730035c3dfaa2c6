import type { FastifyInstance } from 'fastify';
import { isbot } from 'isbot';
import { randomToken } from '../../../domain/ids.js';
import type { ClickRecorder } from '../../../app/referrals/clicks.js';
import { messagePage } from '../../pages.js';

const CODE = /^[A-Za-z0-9]{1,64}$/;
const CHANNEL = /^[a-z_]{1,40}$/;
/** Our own first-party cookie on the redirect: one browser, one friend, across clicks. */
export const BROWSER_COOKIE = 'gp_vid';
const BROWSER_ID = /^[A-Za-z0-9]{16,40}$/;

/**
 * GET /r/{shareCode}: records the click and the referral and answers 302 to
 * the share target with gp_click. HEAD, bots and link previews get the same
 * redirect but count nothing. Unknown or archived codes get a 404 page.
 */
export function registerRedirectRoute(app: FastifyInstance, clicks: ClickRecorder): void {
  app.get<{ Params: { code: string }; Querystring: { c?: string } }>(
    '/r/:code',
    { schema: { hide: true } },
    async (request, reply) => {
      const code = request.params.code;
      const notFound = () =>
        reply
          .status(404)
          .type('text/html; charset=utf-8')
          .send(messagePage(request.headers['accept-language'], 'shareCodeNotFoundTitle', 'shareCodeNotFoundMessage'));
      if (!CODE.test(code)) return notFound();
      const channelParam = typeof request.query.c === 'string' ? request.query.c : '';
      const channel = CHANNEL.test(channelParam) ? channelParam : null;
      const ua = request.headers['user-agent'] ?? '';
      const count = request.method === 'GET' && ua !== '' && !isbot(ua);
      const cookie = request.cookies[BROWSER_COOKIE];
      const known = cookie && BROWSER_ID.test(cookie) ? cookie : null;
      const browserId = known ?? (count ? randomToken(24) : null);
      const outcome = await clicks.handle({ code, channel, browserId, count });
      if (outcome.kind === 'not_found') return notFound();
      if (browserId && !known) {
        reply.setCookie(BROWSER_COOKIE, browserId, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: 365 * 86_400 });
      }
      return reply.header('cache-control', 'no-store').redirect(outcome.location, 302);
    },
  );
}
