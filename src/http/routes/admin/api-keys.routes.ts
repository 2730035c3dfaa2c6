import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../../app/context.js';
import { createApiKey, listApiKeys, revokeApiKeyOrThrow } from '../../../app/api-keys.js';
import { errorResponses, IdParams, Nullable, Str, Strict } from '../../schemas/common.js';

const ApiKeySchema = Strict({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  awards: Type.Boolean(),
  prefix: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
});

export function apiKeyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['api keys'];
    app.post(
      '/api-keys',
      {
        config: { permission: 'manage_keys' },
        schema: {
          tags,
          summary: 'Create an API key; the secret is shown once',
          body: Strict({
            name: Str(200, { minLength: 1 }),
            role: Type.Union([Type.Literal('administrator'), Type.Literal('marketer'), Type.Literal('analyst')]),
            awards: Type.Optional(Type.Boolean()),
          }),
          response: { 201: Strict({ key: ApiKeySchema, secret: Type.String() }), ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await createApiKey(ctx.store.db, ctx.clock, request.body)),
    );
    app.get(
      '/api-keys',
      { config: { permission: 'manage_keys' }, schema: { tags, summary: 'List API keys (never their secrets)', response: { 200: Strict({ data: Type.Array(ApiKeySchema) }), ...errorResponses } } },
      async () => ({ data: await listApiKeys(ctx.store.db) }),
    );
    app.delete(
      '/api-keys/:id',
      { config: { permission: 'manage_keys' }, schema: { tags, summary: 'Revoke an API key', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
      async (request, reply) => {
        await revokeApiKeyOrThrow(ctx.store.db, ctx.clock, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
