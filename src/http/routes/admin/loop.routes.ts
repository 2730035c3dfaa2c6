import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../../app/context.js';
import { findPersonIdByEmail, getPersonOrThrow, personActivities } from '../../../app/people.js';
import { listOfferParticipants, sendFulfillmentEmails, uploadPromoCodes } from '../../../app/referrals/participants.js';
import { can } from '../../../domain/access.js';
import { listOutbox } from '../../../store/repositories/outbox.repository.js';
import { parseCursor } from '../../../app/pagination.js';
import { errorResponses, IdParams, PageQuery, pageOf, Str, Strict } from '../../schemas/common.js';
import {
  ActivityPage,
  FulfillmentEmailsBody,
  FulfillmentEmailsReport,
  OutboxQuery,
  OutboxSchema,
  ParticipantPage,
  ParticipantQuery,
  PersonSchema,
  PromoUploadReportSchema,
} from '../../schemas/loop.schemas.js';
import { parseLimit } from '../route-helpers.js';

export const PROMO_UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

/** Participants, promo codes, manual fulfilment, people and the mail log. */
export function loopAdminRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/offers/:id/promo-codes',
      {
        config: { permission: 'write' },
        bodyLimit: PROMO_UPLOAD_LIMIT_BYTES,
        schema: {
          tags: ['promo codes'],
          summary: 'Upload promo codes: text/plain, one per line; trimmed, deduplicated and reported',
          params: IdParams,
          consumes: ['text/plain'],
          body: Type.String({ maxLength: PROMO_UPLOAD_LIMIT_BYTES }),
          response: { 200: PromoUploadReportSchema, ...errorResponses },
        },
      },
      async (request) => uploadPromoCodes(ctx, request.params.id, request.body),
    );
    app.get(
      '/offers/:id/participants',
      {
        config: { permission: 'read' },
        schema: {
          tags: ['participants'],
          summary: 'Participants with credit, fulfilledAt and promo codes sent (codes need the awards permission)',
          params: IdParams,
          querystring: ParticipantQuery,
          response: { 200: ParticipantPage, ...errorResponses },
        },
      },
      async (request) =>
        listOfferParticipants(
          ctx,
          request.params.id,
          {
            limit: parseLimit(request.query.limit),
            ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
            ...(request.query.fulfilled ? { fulfilled: request.query.fulfilled === 'true' } : {}),
            ...(request.query.state ? { state: request.query.state } : {}),
          },
          can(request.principal!, 'awards'),
        ),
    );
    app.post(
      '/offers/:id/fulfillment-emails',
      {
        config: { permission: 'write' },
        schema: {
          tags: ['participants'],
          summary: 'Manual fulfilment delivery: send the fulfilment email to chosen fulfilled participants',
          params: IdParams,
          body: FulfillmentEmailsBody,
          response: { 200: FulfillmentEmailsReport, ...errorResponses },
        },
      },
      async (request) => sendFulfillmentEmails(ctx, request.params.id, request.body.participantIds),
    );
    app.get(
      '/people',
      {
        config: { permission: 'read' },
        schema: {
          tags: ['people'],
          summary: 'Find a person by email',
          querystring: Strict({ email: Str(254, { minLength: 3 }) }),
          response: { 200: pageOf(PersonSchema), ...errorResponses },
        },
      },
      async (request) => {
        const id = await findPersonIdByEmail(ctx, request.query.email);
        return { data: id ? [await getPersonOrThrow(ctx, id)] : [], nextCursor: null };
      },
    );
    app.get(
      '/people/:id',
      { config: { permission: 'read' }, schema: { tags: ['people'], summary: 'A person with referral counters', params: IdParams, response: { 200: PersonSchema, ...errorResponses } } },
      async (request) => getPersonOrThrow(ctx, request.params.id),
    );
    app.get(
      '/people/:id/activities',
      {
        config: { permission: 'read' },
        schema: { tags: ['people'], summary: "The person's activity log, newest first", params: IdParams, querystring: PageQuery, response: { 200: ActivityPage, ...errorResponses } },
      },
      async (request) =>
        personActivities(ctx, request.params.id, { limit: parseLimit(request.query.limit), ...(request.query.cursor ? { cursor: request.query.cursor } : {}) }),
    );
    app.get(
      '/outbox',
      {
        config: { permission: 'read' },
        schema: { tags: ['mail'], summary: 'The mail log: every queued email with its delivery state', querystring: OutboxQuery, response: { 200: pageOf(OutboxSchema), ...errorResponses } },
      },
      async (request) => {
        const page = await listOutbox(ctx.store.db, {
          limit: parseLimit(request.query.limit),
          after: parseCursor(request.query.cursor),
          status: request.query.status ?? null,
          offerId: request.query.offerId ?? null,
        });
        return {
          nextCursor: page.nextCursor,
          data: page.data.map((m) => ({
            id: m.id,
            kind: m.kind,
            offerId: m.offer_id,
            personId: m.person_id,
            to: m.to_address,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            nextAttemptAt: m.next_attempt_at,
            lastError: m.last_error,
            createdAt: m.created_at,
            sentAt: m.sent_at,
          })),
        };
      },
    );
  };
}
