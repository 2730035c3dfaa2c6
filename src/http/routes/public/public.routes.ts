import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../../app/context.js';
import { recordConversion } from '../../../app/referrals/conversions.js';
import { progressForToken } from '../../../app/referrals/participants.js';
import { signUp } from '../../../app/referrals/signup.js';
import { recordVisit } from '../../../app/referrals/visits.js';
import { recordShare } from '../../../app/referrals/shares.js';
import { errorResponses, IdParams, Strict } from '../../schemas/common.js';
import { ConversionBody, ProgressResponse, ShareBody, SignupBody, SignupResponse, VisitBody } from '../../schemas/loop.schemas.js';
import { parseJsonBody } from '../../json-body.js';
import { participantToken, PUBLIC_BODY_LIMIT_BYTES } from './participant-token.js';
import { publicRateLimitOptions } from './rate-limit.js';
import { widgetApiRoutes } from './widget-api.routes.js';

/**
 * The browser endpoints under /v1/public: no key, CORS open. Pages send
 * beacons as text/plain (no CORS preflight), so text/plain bodies are read as JSON.
 * Answers never carry another person's data.
 */
export function publicRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(cors, { origin: '*', methods: ['GET', 'POST'], allowedHeaders: ['Content-Type', 'Authorization'], maxAge: 600 });
    await app.register(rateLimit, publicRateLimitOptions(ctx.config));
    app.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: PUBLIC_BODY_LIMIT_BYTES }, parseJsonBody);
    const tags = ['public'];

    app.post(
      '/visits',
      {
        bodyLimit: PUBLIC_BODY_LIMIT_BYTES,
        schema: { tags, security: [], summary: 'A page hosting the offer was loaded', body: VisitBody, response: { 202: Strict({ newVisit: Type.Boolean() }), ...errorResponses } },
      },
      async (request, reply) => reply.status(202).send(await recordVisit(ctx, request.body)),
    );
    app.post(
      '/offers/:id/signups',
      {
        bodyLimit: PUBLIC_BODY_LIMIT_BYTES,
        schema: {
          tags,
          security: [],
          summary: 'Sign up for an offer; signing up again gives the same share code',
          params: IdParams,
          body: SignupBody,
          response: { 200: SignupResponse, 201: SignupResponse, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { created, ...result } = await signUp(ctx, request.params.id, request.body);
        return reply.status(created ? 201 : 200).send(result);
      },
    );
    app.post(
      '/conversions',
      {
        bodyLimit: PUBLIC_BODY_LIMIT_BYTES,
        schema: {
          tags,
          security: [],
          summary: 'A conversion (custom JavaScript event) on a page',
          body: ConversionBody,
          response: { 202: Strict({ recorded: Type.Boolean(), replayed: Type.Boolean() }), ...errorResponses },
        },
      },
      async (request, reply) => reply.status(202).send(await recordConversion(ctx, request.body)),
    );
    app.get(
      '/progress',
      {
        schema: {
          tags,
          security: [{ participantToken: [] }],
          summary: 'Track progress: credit, goal and fulfilment, for the bearer of a participant token',
          response: { 200: ProgressResponse, ...errorResponses },
        },
      },
      async (request) => progressForToken(ctx, participantToken(request.headers.authorization)),
    );
    app.post(
      '/shares',
      {
        bodyLimit: PUBLIC_BODY_LIMIT_BYTES,
        schema: {
          tags,
          security: [{ participantToken: [] }],
          summary: 'The participant shared their link (channel, message, recipients for email)',
          body: ShareBody,
          response: { 202: Strict({ recorded: Type.Boolean() }), ...errorResponses },
        },
      },
      async (request, reply) => reply.status(202).send(await recordShare(ctx, participantToken(request.headers.authorization), request.body)),
    );
    await app.register(widgetApiRoutes(ctx));
  };
}
