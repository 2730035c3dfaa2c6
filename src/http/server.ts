import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { AppContext } from '../app/context.js';
import { requirePermission } from './auth.js';
import { errorBody, toErrorResponse } from './errors.js';
import { idempotencyOnSend, idempotencyPreHandler } from './idempotency.js';
import { apiKeyRoutes } from './routes/admin/api-keys.routes.js';
import { accountRoutes, ownSessionRoutes } from './routes/admin/accounts.routes.js';
import { reportRoutes } from './routes/admin/reports.routes.js';
import { sessionRoutes } from './routes/admin/session.routes.js';
import { emailRoutes } from './routes/admin/emails.routes.js';
import { offerRoutes } from './routes/admin/offers.routes.js';
import { loopAdminRoutes } from './routes/admin/loop.routes.js';
import { publishingRoutes } from './routes/admin/publishing.routes.js';
import { participantExperienceRoutes } from './routes/public/pages.routes.js';
import { adminUiRoutes } from './routes/admin-ui.routes.js';
import { campaignRoutes } from './routes/admin/campaigns.routes.js';
import { publicRoutes } from './routes/public/public.routes.js';
import { registerRedirectRoute } from './routes/public/redirect.routes.js';
import { parseJsonBody } from './json-body.js';
import cookie from '@fastify/cookie';
import { ClickRecorder } from '../app/referrals/clicks.js';

export const BODY_LIMIT_BYTES = 256 * 1024;

declare module 'fastify' {
  interface FastifyInstance {
    /** The redirect's click writer: tests and shutdown flush it. */
    clicks: ClickRecorder;
  }
}

/** Builds the HTTP server around an application context; the caller listens and closes. */
export async function createServer(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Unknown fields are refused rather than silently dropped, and a string never passes for a number.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: false } },
    // Behind a reverse proxy, GOALPOST_TRUST_PROXY makes per-IP rate limits see the visitor, not the proxy.
    trustProxy: ctx.config.trustProxy as boolean | string, // numbers (hop counts) work at run time; the type omits them
    // Long path parameters reach the routes, which answer them in our own terms (400 or the 404 page).
    routerOptions: { maxParamLength: 4096 },
    // Errors raised before routing (malformed or overlong URLs) get our error shape too.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void reply
        .status(tooLong ? 414 : 400)
        .send(errorBody(tooLong ? 'uri_too_long' : 'invalid_request', tooLong ? 'A path segment is too long.' : 'The URL is malformed.'));
    },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const clicks = new ClickRecorder(ctx);
  app.decorate('clicks', clicks);
  app.addHook('onClose', async () => clicks.flush());
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody);
  await app.register(cookie);

  app.decorateRequest('principal', null);
  app.decorateRequest('adminSession', null);
  app.decorateRequest('idempotency', null);

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorResponse(error, request);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody('not_found', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Goalpost API',
        version: '1.0.0',
        description: 'Self-hosted referral offers: admin API (Bearer API key) and public endpoints.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (goalpost api-key create)' },
          participantToken: { type: 'http', scheme: 'bearer', description: 'The participant token returned by a sign-up' },
        },
      },
      security: [{ apiKey: [] }],
    },
  });

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    await sql`select 1`.execute(ctx.store.db);
    return reply.send({ ok: true, store: ctx.store.dialect });
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (admin) => {
      // The key is checked before the body is read: a caller without a valid key learns nothing about schemas.
      admin.addHook('onRequest', requirePermission(ctx));
      admin.addHook('preHandler', idempotencyPreHandler(ctx));
      admin.addHook('onSend', idempotencyOnSend(ctx));
      await admin.register(offerRoutes(ctx, (id) => clicks.invalidateOffer(id)));
      await admin.register(emailRoutes(ctx));
      await admin.register(apiKeyRoutes(ctx));
      await admin.register(loopAdminRoutes(ctx));
      await admin.register(publishingRoutes(ctx));
      await admin.register(campaignRoutes(ctx));
      await admin.register(accountRoutes(ctx));
      await admin.register(ownSessionRoutes(ctx));
      await admin.register(reportRoutes(ctx));
    },
    { prefix: '/api/v1' },
  );
  await app.register(sessionRoutes(ctx), { prefix: '/api/v1' });
  await app.register(publicRoutes(ctx), { prefix: '/v1/public' });
  await app.register(participantExperienceRoutes(ctx));
  await app.register(adminUiRoutes());
  registerRedirectRoute(app, clicks);

  return app;
}
