import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../../app/context.js';
import { offerReport } from '../../../app/reports.js';
import { errorResponses, IdParams } from '../../schemas/common.js';
import { OfferReportSchema, ReportQuerySchema } from '../../schemas/report.schemas.js';

export function reportRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/offers/:id/report',
      {
        config: { permission: 'read' },
        schema: {
          tags: ['reports'],
          summary: 'The offer report (spec section 6): funnel, audience and share metrics for a range, with an hourly or daily series',
          params: IdParams,
          querystring: ReportQuerySchema,
          response: { 200: OfferReportSchema, ...errorResponses },
        },
      },
      async (request) => offerReport(ctx, request.params.id, request.query),
    );
  };
}
