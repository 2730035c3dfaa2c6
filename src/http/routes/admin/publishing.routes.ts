import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../../app/context.js';
import { createDefaultEmail } from '../../../app/referrals/default-emails.js';
import { NotFoundError } from '../../../domain/errors.js';
import { findOffer } from '../../../store/repositories/offer.repository.js';
import { errorResponses, IdParams } from '../../schemas/common.js';
import { EmailSchema } from '../../schemas/email.schemas.js';
import { DefaultEmailBody, EmbedCodeQuery, EmbedCodeResponse } from '../../schemas/loop.schemas.js';

/** The snippets a marketer pastes into their site (README, "Put an offer on your site"). */
export function embedCode(publicUrl: string, offerId: string, size: { width?: string; height?: string } = {}) {
  const width = size.width ?? '100%';
  const height = size.height ?? 'auto';
  return {
    headerSnippet:
      `<script>window.goalpost=window.goalpost||function(){(goalpost.q=goalpost.q||[]).push(arguments)}</script>\n` +
      `<script async src="${publicUrl}/embed.js"></script>`,
    bodySnippet: `<div data-goalpost-offer="${offerId}" data-width="${width}" data-height="${height}"></div>`,
    conversionSnippet:
      `goalpost('ready', function () {\n` +
      `  goalpost('conversion', { offerId: '${offerId}', event: 'purchase', value: 49.9, idempotencyKey: 'order-1234' });\n` +
      `});`,
    hostedPageUrl: `${publicUrl}/o/${offerId}`,
  };
}

/** Admin routes for publishing: the embed code of an offer, and emails made from the default templates. */
export function publishingRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/offers/:id/embed-code',
      {
        config: { permission: 'read' },
        schema: {
          tags: ['offers'],
          summary: 'The embed code of an offer: a header snippet (loads /embed.js) and a body snippet (renders the widget), plus the conversion call and the hosted page',
          params: IdParams,
          querystring: EmbedCodeQuery,
          response: { 200: EmbedCodeResponse, ...errorResponses },
        },
      },
      async (request) => {
        const offer = await findOffer(ctx.store.db, request.params.id);
        if (!offer) throw new NotFoundError('Offer', request.params.id);
        return {
          offerId: offer.id,
          published: offer.status !== 'archived' && offer.approved !== null,
          ...embedCode(ctx.config.publicUrl, offer.id, request.query),
        };
      },
    );
    app.post(
      '/emails/defaults',
      {
        config: { permission: 'write' },
        schema: {
          tags: ['emails'],
          summary: 'Create an email (a draft) from a default template, in en, fr, sv and zh-CN; `locale` is its default language',
          body: DefaultEmailBody,
          response: { 201: EmailSchema, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await createDefaultEmail(ctx, request.body)),
    );
  };
}
