import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../../app/context.js';
import {
  approveOffer,
  archiveOffer,
  createOffer,
  discardOfferDraft,
  findOfferOrThrow,
  listOffersPage,
  patchOfferDraft,
} from '../../../app/offers.js';
import { errorResponses, IdParams } from '../../schemas/common.js';
import { CreateOfferBody, OfferDraftPatchSchema, OfferListQuery, OfferPage, OfferSchema } from '../../schemas/offer.schemas.js';
import { parseLimit } from '../route-helpers.js';

/** `onOfferChanged` lets caches of the approved version (the redirect's) drop an offer at once. */
export function offerRoutes(ctx: AppContext, onOfferChanged: (offerId: string) => void = () => undefined): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['offers'];
    app.post(
      '/offers',
      {
        config: { permission: 'write' },
        schema: { tags, summary: 'Create an offer (status draft), optionally as a clone of another', body: CreateOfferBody, response: { 201: OfferSchema, ...errorResponses } },
      },
      async (request, reply) => reply.status(201).send(await createOffer(ctx, request.body)),
    );
    app.get(
      '/offers',
      {
        config: { permission: 'read' },
        schema: { tags, summary: 'List offers, newest first', querystring: OfferListQuery, response: { 200: OfferPage, ...errorResponses } },
      },
      async (request) =>
        listOffersPage(ctx, { limit: parseLimit(request.query.limit), cursor: request.query.cursor, status: request.query.status }),
    );
    app.get(
      '/offers/:id',
      { config: { permission: 'read' }, schema: { tags, summary: 'Read an offer: status, approved and draft', params: IdParams, response: { 200: OfferSchema, ...errorResponses } } },
      async (request) => findOfferOrThrow(ctx, request.params.id),
    );
    app.patch(
      '/offers/:id/draft',
      {
        config: { permission: 'write' },
        schema: {
          tags,
          summary: 'Edit the draft (opens one from the approved version if none)',
          params: IdParams,
          body: OfferDraftPatchSchema,
          response: { 200: OfferSchema, ...errorResponses },
        },
      },
      async (request) => patchOfferDraft(ctx, request.params.id, request.body as Record<string, unknown>),
    );
    app.delete(
      '/offers/:id/draft',
      { config: { permission: 'write' }, schema: { tags, summary: 'Discard the draft', params: IdParams, response: { 200: OfferSchema, ...errorResponses } } },
      async (request) => discardOfferDraft(ctx, request.params.id),
    );
    app.post(
      '/offers/:id/approve',
      {
        config: { permission: 'write' },
        schema: { tags, summary: 'Validate the draft and make it the approved version; 422 lists every problem', params: IdParams, response: { 200: OfferSchema, ...errorResponses } },
      },
      async (request) => {
        const offer = await approveOffer(ctx, request.params.id);
        onOfferChanged(offer.id);
        return offer;
      },
    );
    app.post(
      '/offers/:id/archive',
      { config: { permission: 'write' }, schema: { tags, summary: 'Archive: stop sign-ups and credit, keep data', params: IdParams, response: { 200: OfferSchema, ...errorResponses } } },
      async (request) => {
        const offer = await archiveOffer(ctx, request.params.id);
        onOfferChanged(offer.id);
        return offer;
      },
    );
  };
}
