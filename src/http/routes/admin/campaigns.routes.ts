import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../../app/context.js';
import { createCampaign, getCampaign, listCampaignsPage, listRunsPage, setCampaignStatus, updateCampaign } from '../../../app/campaigns/campaigns.js';
import type { CampaignInput } from '../../../app/campaigns/campaigns.js';
import { identifyVisitor, ingestActivities } from '../../../app/campaigns/ingest.js';
import type { ActivityInput } from '../../../app/campaigns/ingest.js';
import { addToList, createList, getLists, membersOfList, removeFromList } from '../../../app/campaigns/lists.js';
import { errorResponses, IdParams, PageQuery, Str, Strict } from '../../schemas/common.js';
import {
  CampaignPage,
  CampaignSchema,
  CreateCampaignBody,
  IdentifyBody,
  IngestBody,
  IngestResultSchema,
  ListSchema,
  PatchCampaignBody,
  RunPage,
} from '../../schemas/campaign.schemas.js';
import { parseLimit } from '../route-helpers.js';

type Body = Record<string, unknown>;

/** Raw trigger and qualification shapes, with defaults; their meaning is checked in the domain. */
function normalizeDefinition(body: Body): Partial<CampaignInput> {
  const out: Partial<CampaignInput> = {};
  if (body.triggers) out.triggers = (body.triggers as Body[]).map((t) => ({ ...t, constraints: t.constraints ?? [] })) as unknown as CampaignInput['triggers'];
  if (body.filters) out.filters = (body.filters as Body[]).map((f) => (f.type === 'has_activity' ? { minCount: 1, ...f } : f)) as unknown as CampaignInput['filters'];
  if (body.flow) out.flow = body.flow as unknown as CampaignInput['flow'];
  if (body.qualification) out.qualification = body.qualification as unknown as CampaignInput['qualification'];
  return out;
}

export function campaignRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['campaigns'];
    app.post(
      '/campaigns',
      { config: { permission: 'write' }, schema: { tags, summary: 'Create a smart campaign (inactive); 422 lists every problem', body: CreateCampaignBody, response: { 201: CampaignSchema, ...errorResponses } } },
      async (request, reply) => {
        const b = request.body;
        const input: CampaignInput = {
          name: b.name,
          description: b.description ?? '',
          triggers: [],
          filters: [],
          flow: [],
          qualification: { rule: 'once' },
          ...normalizeDefinition(b as Body),
        };
        return reply.status(201).send(await createCampaign(ctx, input));
      },
    );
    app.get(
      '/campaigns',
      {
        config: { permission: 'read' },
        schema: {
          tags,
          summary: 'List campaigns',
          querystring: Strict({ ...PageQuery.properties, status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('inactive')])) }),
          response: { 200: CampaignPage, ...errorResponses },
        },
      },
      async (request) =>
        listCampaignsPage(ctx, {
          limit: parseLimit(request.query.limit),
          ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
          ...(request.query.status ? { status: request.query.status } : {}),
        }),
    );
    app.get(
      '/campaigns/:id',
      { config: { permission: 'read' }, schema: { tags, summary: 'A campaign with what blocks its activation', params: IdParams, response: { 200: CampaignSchema, ...errorResponses } } },
      async (request) => getCampaign(ctx, request.params.id),
    );
    app.patch(
      '/campaigns/:id',
      { config: { permission: 'write' }, schema: { tags, summary: 'Change a campaign', params: IdParams, body: PatchCampaignBody, response: { 200: CampaignSchema, ...errorResponses } } },
      async (request) => {
        const b = request.body as Body;
        return updateCampaign(ctx, request.params.id, {
          ...(b.name !== undefined ? { name: b.name as string } : {}),
          ...(b.description !== undefined ? { description: b.description as string } : {}),
          ...normalizeDefinition(b),
        });
      },
    );
    app.post(
      '/campaigns/:id/activate',
      { config: { permission: 'write' }, schema: { tags, summary: 'Activate; refused with 422 listing every problem', params: IdParams, response: { 200: CampaignSchema, ...errorResponses } } },
      async (request) => setCampaignStatus(ctx, request.params.id, 'active'),
    );
    app.post(
      '/campaigns/:id/deactivate',
      { config: { permission: 'write' }, schema: { tags, summary: 'Deactivate: no new runs start', params: IdParams, response: { 200: CampaignSchema, ...errorResponses } } },
      async (request) => setCampaignStatus(ctx, request.params.id, 'inactive'),
    );
    app.get(
      '/campaigns/:id/runs',
      { config: { permission: 'read' }, schema: { tags, summary: 'Run history with each step result', params: IdParams, querystring: PageQuery, response: { 200: RunPage, ...errorResponses } } },
      async (request) =>
        listRunsPage(ctx, { campaignId: request.params.id }, { limit: parseLimit(request.query.limit), ...(request.query.cursor ? { cursor: request.query.cursor } : {}) }),
    );
    app.get(
      '/people/:id/campaign-runs',
      { config: { permission: 'read' }, schema: { tags, summary: "A person's campaign runs", params: IdParams, querystring: PageQuery, response: { 200: RunPage, ...errorResponses } } },
      async (request) =>
        listRunsPage(ctx, { personId: request.params.id }, { limit: parseLimit(request.query.limit), ...(request.query.cursor ? { cursor: request.query.cursor } : {}) }),
    );

    app.post(
      '/activities',
      {
        config: { permission: 'write' },
        bodyLimit: 2 * 1024 * 1024,
        schema: {
          tags: ['activities'],
          summary: 'Ingest one activity, or {activities: [...]} up to 1000; a repeated idempotencyKey returns the first result',
          body: IngestBody,
          response: { 201: Type.Union([IngestResultSchema, Strict({ results: Type.Array(IngestResultSchema) })]), ...errorResponses },
        },
      },
      async (request, reply) => {
        const body = request.body as Body;
        if (Array.isArray(body.activities)) {
          return reply.status(201).send({ results: await ingestActivities(ctx, body.activities as ActivityInput[]) });
        }
        const [result] = await ingestActivities(ctx, [body as unknown as ActivityInput]);
        return reply.status(201).send(result!);
      },
    );
    app.post(
      '/people/identify',
      {
        config: { permission: 'write' },
        schema: {
          tags: ['people'],
          summary: 'Tie a browser (visitor id) to a person, so its referral follows the person',
          body: IdentifyBody,
          response: { 200: Strict({ personId: Type.String(), referralsLinked: Type.Integer() }), ...errorResponses },
        },
      },
      async (request) => identifyVisitor(ctx, request.body),
    );

    app.post(
      '/lists',
      { config: { permission: 'write' }, schema: { tags: ['lists'], summary: 'Create a static list', body: Strict({ name: Str(200, { minLength: 1 }) }), response: { 201: ListSchema, ...errorResponses } } },
      async (request, reply) => reply.status(201).send(await createList(ctx, request.body.name)),
    );
    app.get(
      '/lists',
      { config: { permission: 'read' }, schema: { tags: ['lists'], summary: 'Static lists', response: { 200: Strict({ data: Type.Array(ListSchema) }), ...errorResponses } } },
      async () => ({ data: await getLists(ctx) }),
    );
    app.get(
      '/lists/:id/members',
      {
        config: { permission: 'read' },
        schema: {
          tags: ['lists'],
          summary: 'Members of a list (first 1000)',
          params: IdParams,
          response: { 200: Strict({ data: Type.Array(Strict({ personId: Type.String(), email: Type.String(), addedAt: Type.String() })) }), ...errorResponses },
        },
      },
      async (request) => ({ data: await membersOfList(ctx, request.params.id, 1000) }),
    );
    app.post(
      '/lists/:id/members',
      {
        config: { permission: 'write' },
        schema: {
          tags: ['lists'],
          summary: 'Add people by email',
          params: IdParams,
          body: Strict({ emails: Type.Array(Str(254), { minItems: 1, maxItems: 1000 }) }),
          response: { 200: Strict({ added: Type.Integer() }), ...errorResponses },
        },
      },
      async (request) => addToList(ctx, request.params.id, request.body.emails),
    );
    app.delete(
      '/lists/:id/members/:personId',
      {
        config: { permission: 'write' },
        schema: { tags: ['lists'], summary: 'Remove a person from a list', params: Strict({ id: Str(100), personId: Str(100) }), response: { 204: Type.Null(), ...errorResponses } },
      },
      async (request, reply) => {
        await removeFromList(ctx, request.params.id, request.params.personId);
        return reply.status(204).send(null);
      },
    );
  };
}
