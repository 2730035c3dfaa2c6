import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.js';
import { widgetLocale, widgetTexts } from '../../../domain/messages/widget-texts.js';
import type { OfferSettings } from '../../../domain/offers/settings.js';
import { findOffer } from '../../../store/repositories/offer.repository.js';
import { messagePage } from '../../pages.js';
import { publicRateLimitOptions } from './rate-limit.js';
import { WebAssets, WebAssetsMissingError } from './web-assets.js';
import type { WebAssetName } from './web-assets.js';
import { renderLandingPage, renderWidgetPage } from './widget-html.js';

const OFFER_ID = /^off_[A-Za-z0-9]{1,64}$/;
const ASSET = /^(widget\.js|widget\.css|page\.css)$/;
const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

/**
 * Everything a participant's browser loads: the hosted landing page
 * (/o/{offerId}), the widget page that the embed puts in an iframe
 * (/w/{offerId}), their assets and the embed script (/embed.js). The
 * widget's JSON endpoints live with the other public ones (widget-api.routes.ts).
 */
export function participantExperienceRoutes(ctx: AppContext, assets = new WebAssets()): FastifyPluginAsync {
  return async (app) => {
    registerAssetRoutes(app, assets);
    await app.register(async (pages) => {
      await pages.register(rateLimit, publicRateLimitOptions(ctx.config));
      registerPageRoutes(pages, ctx, assets);
    });
  };
}

function sendAsset(reply: FastifyReply, assets: WebAssets, name: WebAssetName, version: string | undefined): FastifyReply {
  let asset;
  try {
    asset = assets.get(name);
  } catch (err) {
    if (!(err instanceof WebAssetsMissingError)) throw err;
    reply.log.error({ err }, 'web assets missing');
    return reply.status(503).type('text/plain; charset=utf-8').send(err.message);
  }
  // A versioned URL never changes content; an unversioned one (the embed snippet's) may, with the next release.
  const immutable = version === asset.version;
  return reply
    .headers({
      ...SECURITY_HEADERS,
      'content-type': asset.type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      etag: `"${asset.version}"`,
      // Loaded by customers' pages from another site.
      'cross-origin-resource-policy': 'cross-origin',
      'access-control-allow-origin': '*',
    })
    .send(asset.body);
}

function registerAssetRoutes(app: FastifyInstance, assets: WebAssets): void {
  app.get<{ Querystring: { v?: string } }>('/embed.js', { schema: { hide: true } }, async (request, reply) =>
    sendAsset(reply, assets, 'embed.js', typeof request.query.v === 'string' ? request.query.v : undefined),
  );
  app.get<{ Params: { name: string }; Querystring: { v?: string } }>('/w/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    if (!ASSET.test(request.params.name)) return reply.status(404).type('text/plain; charset=utf-8').send('Not found');
    return sendAsset(reply, assets, request.params.name as WebAssetName, typeof request.query.v === 'string' ? request.query.v : undefined);
  });
}

type PageOffer = { kind: 'live'; id: string; settings: OfferSettings } | { kind: 'gone'; status: 404 | 410; settings: OfferSettings | null };

/** Only an approved, not archived offer is published; an archived one is gone for good (410), anything else is not there (404). */
async function loadPageOffer(ctx: AppContext, offerId: string): Promise<PageOffer> {
  const offer = OFFER_ID.test(offerId) ? await findOffer(ctx.store.db, offerId) : null;
  if (!offer) return { kind: 'gone', status: 404, settings: null };
  if (offer.status === 'archived') return { kind: 'gone', status: 410, settings: offer.approved };
  if (!offer.approved) return { kind: 'gone', status: 404, settings: null };
  return { kind: 'live', id: offer.id, settings: offer.approved };
}

function sendUnavailable(request: FastifyRequest, reply: FastifyReply, offer: Extract<PageOffer, { kind: 'gone' }>, frameable: boolean): FastifyReply {
  // In the offer's language when we know the offer; messagePage reads it like an Accept-Language header.
  const language = offer.settings ? widgetLocale(offer.settings, request.headers['accept-language']) : request.headers['accept-language'];
  return reply
    .status(offer.status)
    .headers({
      ...SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors ${frameable ? '*' : "'self'"}`,
    })
    .send(messagePage(language, 'offerUnavailableTitle', 'offerUnavailableMessage'));
}

function registerPageRoutes(app: FastifyInstance, ctx: AppContext, assets: WebAssets): void {
  app.get<{ Params: { offerId: string } }>('/w/:offerId', { schema: { hide: true } }, async (request, reply) => {
    const offer = await loadPageOffer(ctx, request.params.offerId);
    if (offer.kind === 'gone') return sendUnavailable(request, reply, offer, true);
    const locale = widgetLocale(offer.settings, request.headers['accept-language']);
    const page = renderWidgetPage({
      offerId: offer.id,
      settings: offer.settings,
      locale,
      texts: widgetTexts(offer.settings, locale),
      // Relative to /w/{offerId}, so a PUBLIC_URL with a path prefix works as well.
      assets: { css: `assets/widget.css?v=${assets.version('widget.css')}`, js: `assets/widget.js?v=${assets.version('widget.js')}` },
    });
    return reply
      .headers({
        ...SECURITY_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': page.csp,
        'cache-control': 'no-cache',
        vary: 'Accept-Language',
      })
      .send(page.html);
  });

  app.get<{ Params: { offerId: string } }>('/o/:offerId', { schema: { hide: true } }, async (request, reply) => {
    const offer = await loadPageOffer(ctx, request.params.offerId);
    if (offer.kind === 'gone') return sendUnavailable(request, reply, offer, false);
    const page = renderLandingPage({
      offerId: offer.id,
      settings: offer.settings,
      locale: widgetLocale(offer.settings, request.headers['accept-language']),
      pageUrl: `${ctx.config.publicUrl}/o/${offer.id}`,
      assets: { css: `../w/assets/page.css?v=${assets.version('page.css')}`, embed: `../embed.js?v=${assets.version('embed.js')}` },
    });
    return reply
      .headers({
        ...SECURITY_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': page.csp,
        'cache-control': 'no-cache',
        vary: 'Accept-Language',
      })
      .send(page.html);
  });
}
