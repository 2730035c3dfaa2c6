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

export const BODY_LIMIT_BYTES = 256 * 1024;

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
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
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
      admin.addHook('preHandler', requirePermission(ctx));
      admin.addHook('preHandler', idempotencyPreHandler(ctx));
      admin.addHook('onSend', idempotencyOnSend(ctx));
      await admin.register(offerRoutes(ctx));
      await admin.register(emailRoutes(ctx));
      await admin.register(apiKeyRoutes(ctx));
    },
    { prefix: '/api/v1' },
  );

  return app;
}
