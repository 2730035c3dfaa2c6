import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../../app/context.js';
import { approveEmail, createEmail, discardEmailDraft, findEmailOrThrow, listEmailsPage, updateEmail } from '../../../app/emails.js';
import { errorResponses, IdParams, PageQuery } from '../../schemas/common.js';
import { CreateEmailBody, EmailPage, EmailSchema, PatchEmailBody } from '../../schemas/email.schemas.js';
import { parseLimit } from '../route-helpers.js';

export function emailRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['emails'];
    app.post(
      '/emails',
      { config: { permission: 'write' }, schema: { tags, summary: 'Create an email (draft)', body: CreateEmailBody, response: { 201: EmailSchema, ...errorResponses } } },
      async (request, reply) => reply.status(201).send(await createEmail(ctx, request.body)),
    );
    app.get(
      '/emails',
      { config: { permission: 'read' }, schema: { tags, summary: 'List emails', querystring: PageQuery, response: { 200: EmailPage, ...errorResponses } } },
      async (request) => listEmailsPage(ctx, { limit: parseLimit(request.query.limit), cursor: request.query.cursor }),
    );
    app.get(
      '/emails/:id',
      { config: { permission: 'read' }, schema: { tags, summary: 'Read an email', params: IdParams, response: { 200: EmailSchema, ...errorResponses } } },
      async (request) => findEmailOrThrow(ctx, request.params.id),
    );
    app.patch(
      '/emails/:id',
      {
        config: { permission: 'write' },
        schema: { tags, summary: 'Edit the draft of an email; the approved version stays in use until approved again', params: IdParams, body: PatchEmailBody, response: { 200: EmailSchema, ...errorResponses } },
      },
      async (request) => updateEmail(ctx, request.params.id, request.body),
    );
    app.post(
      '/emails/:id/approve',
      {
        config: { permission: 'write' },
        schema: { tags, summary: 'Approve the draft; unknown tokens are reported (422)', params: IdParams, response: { 200: EmailSchema, ...errorResponses } },
      },
      async (request) => approveEmail(ctx, request.params.id),
    );
    app.delete(
      '/emails/:id/draft',
      { config: { permission: 'write' }, schema: { tags, summary: 'Discard the draft of an approved email', params: IdParams, response: { 200: EmailSchema, ...errorResponses } } },
      async (request) => discardEmailDraft(ctx, request.params.id),
    );
  };
}
