import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../../app/context.js';
import { identifyVisitorFromPage } from '../../../app/referrals/identify.js';
import { exchangeRestoreCode, requestProgressLink } from '../../../app/referrals/progress-link.js';
import { sendReshare } from '../../../app/referrals/reshare.js';
import { ErrorBody, errorResponses, IdParams } from '../../schemas/common.js';
import {
  AcceptedResponse,
  IdentifyBody,
  ProgressLinkBody,
  ReshareBody,
  ReshareResponse,
  RestoreBody,
  RestoreResponse,
} from '../../schemas/loop.schemas.js';
import { participantToken, PUBLIC_BODY_LIMIT_BYTES } from './participant-token.js';

const rateLimited = { 429: ErrorBody };

/**
 * The widget's own endpoints under /v1/public: re-share by email, "email me
 * my link" and its restore code, and the page script's identify. Registered
 * inside publicRoutes, so the same rules hold: no key, CORS open, text/plain
 * read as JSON, limited per IP, and no answer tells anything about another person.
 */
export function widgetApiRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['public'];

    app.post(
      '/reshare',
      {
        bodyLimit: PUBLIC_BODY_LIMIT_BYTES,
        schema: {
          tags,
          security: [{ participantToken: [] }],
          summary: 'The participant invites friends by email: one re-share email per address, and a "shares" activity',
          body: ReshareBody,
          response: { 202: ReshareResponse, ...errorResponses, ...rateLimited },
        },
      },
      async (request, reply) => reply.status(202).send(await sendReshare(ctx, participantToken(request.headers.authorization), request.body)),
    );
    app.post(
      '/offers/:id/progress-link',
      {
        bodyLimit: PUBLIC_BODY_LIMIT_BYTES,
        schema: {
          tags,
          security: [],
          summary: 'Email me my link: mails a link that restores track progress, if the address takes part; the answer is the same either way',
          params: IdParams,
          body: ProgressLinkBody,
          response: { 202: AcceptedResponse, ...errorResponses, ...rateLimited },
        },
      },
      async (request, reply) => reply.status(202).send(await requestProgressLink(ctx, request.params.id, request.body)),
    );
    app.post(
      '/restore',
      {
        bodyLimit: PUBLIC_BODY_LIMIT_BYTES,
        schema: {
          tags,
          security: [],
          summary: 'Trades the one-time code of an "email me my link" link for a new participant token',
          body: RestoreBody,
          response: { 200: RestoreResponse, ...errorResponses, ...rateLimited },
        },
      },
      async (request) => exchangeRestoreCode(ctx, request.body.code),
    );
    app.post(
      '/identify',
      {
        bodyLimit: PUBLIC_BODY_LIMIT_BYTES,
        schema: {
          tags,
          security: [],
          summary: "The page script's identify(email): ties this browser's visitor id to a person if it is not tied yet; always the same answer",
          body: IdentifyBody,
          response: { 202: AcceptedResponse, ...errorResponses, ...rateLimited },
        },
      },
      async (request, reply) => reply.status(202).send(await identifyVisitorFromPage(ctx, request.body)),
    );
  };
}
