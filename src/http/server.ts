import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { AppContext } from '../app/context.js';
import { requirePermission } from './auth.js';
import { errorBody, toErrorResponse } from './errors.js';
import { idempotencyOnSend, idempotencyPreHandler } from './idempotency.js';
import { apiKeyRoutes } from './routes/admin/api-keys.routes.js';
import { emailRoutes } from './routes/admin/emails.routes.js';
import { offerRoutes } from './routes/admin/offers.routes.js';
import { loopAdminRoutes } from './routes/admin/loop.routes.js';
import { publishingRoutes } from './routes/admin/publishing.routes.js';
import { participantExperienceRoutes } from './routes/public/pages.routes.js';
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
    disableRequestLogging: false,
    // Unknown fields are refused rather than silently dropped, and a string never passes for a number.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: false } },
    trustProxy: false,
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const clicks = new ClickRecorder(ctx);
  app.decorate('clicks', clicks);
  app.addHook('onClose', async () => clicks.flush());
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody);
  await app.register(cookie);

  app.decorateRequest('principal', null);
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
    },
    { prefix: '/api/v1' },
  );
  await app.register(publicRoutes(ctx), { prefix: '/v1/public' });
  await app.register(participantExperienceRoutes(ctx));
  registerRedirectRoute(app, clicks);

  return app;
}
