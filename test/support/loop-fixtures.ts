import { expect } from 'vitest';
import type { TestApp } from './app.js';

/**
 * Helpers for the referral loop over HTTP: approved emails and offers, sign-ups,
 * share-link clicks, page visits and conversions, and the admin reads that
 * show what happened. Every helper asserts the status it expects, so a test
 * reads as the story it tells.
 */

/** A real desktop browser: the redirect counts its clicks. */
export const BROWSER_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/** Link-preview bots and crawlers: they get the redirect, nothing is counted. */
export const BOT_UAS = ['Twitterbot/1.0', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'facebookexternalhit/1.1'];

export type Call = Awaited<ReturnType<TestApp['call']>>;

export interface Participant {
  participantId: string;
  shareCode: string;
  shareUrl: string;
  participantToken: string | null;
  personId: string;
  email: string;
  visitorId: string | null;
}

export interface Click {
  clickId: string;
  location: URL;
  /** The redirect's first-party cookie (`gp_vid=...`), to send with the next click of the same browser. */
  cookie: string | null;
}

export interface Progress {
  credit: number;
  goal: number;
  fulfilled: boolean;
  fulfilledAt: string | null;
}

let sequence = 0;
/** A name no other test uses: emails and visitor ids are unique per call. */
export function unique(prefix: string): string {
  sequence += 1;
  return `${prefix}${sequence}x${Math.random().toString(36).slice(2, 8)}`;
}

export function uniqueEmail(name = 'friend'): string {
  return `${unique(name)}@example.com`;
}

/** The cookie to send back, from a response's set-cookie header(s). */
function cookieFrom(setCookie: unknown): string | null {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return typeof first === 'string' ? first.split(';')[0]! : null;
}

export function loopFixtures(t: TestApp) {
  async function ok(res: Call, status: number): Promise<any> {
    expect(res.status, res.body).toBe(status);
    return res.json;
  }

  const fx = {
    /** Creates and approves an email; `subject` may carry tokens (the mail log shows subjects). */
    async approvedEmail(html: string, subject = 'Hello {{lead.First Name}}'): Promise<string> {
      const email = await ok(await t.call({ method: 'POST', url: '/api/v1/emails', payload: { name: unique('email'), subject, html } }), 201);
      await ok(await t.call({ method: 'POST', url: `/api/v1/emails/${email.id}/approve` }), 200);
      return email.id as string;
    },

    /**
     * Creates an offer, patches its draft with `settings` over a valid base and
     * approves it. The fulfillment email's subject carries the promo code, so
     * the mail log shows which code went to whom.
     */
    async liveOffer(settings: Record<string, unknown> & { goal: { type: string; count: number } }): Promise<string> {
      const signup = await fx.approvedEmail('<p>Share {{social.Share Url}}</p>', 'Welcome');
      const fulfillment = await fx.approvedEmail('<p>Well done! Your code: {{social.Promo Code}}</p>', 'Goal reached {{social.Promo Code}}');
      const offer = await ok(await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: unique('offer') } }), 201);
      await ok(
        await t.call({
          method: 'PATCH',
          url: `/api/v1/offers/${offer.id}/draft`,
          payload: { emails: { signup, fulfillment }, rulesUrl: 'https://example.com/rules', ...settings },
        }),
        200,
      );
      const approved = await ok(await t.call({ method: 'POST', url: `/api/v1/offers/${offer.id}/approve` }), 200);
      expect(approved.status).toBe('approved');
      return offer.id as string;
    },

    async archive(offerId: string): Promise<void> {
      await ok(await t.call({ method: 'POST', url: `/api/v1/offers/${offerId}/archive` }), 200);
    },

    /** POST /v1/public/offers/{id}/signups without a key; the raw answer. */
    signUpRaw(offerId: string, body: Record<string, unknown>): Promise<Call> {
      return t.call({ method: 'POST', url: `/v1/public/offers/${offerId}/signups`, payload: body, key: null });
    },

    /** Signs up a new participant (201) and finds their person id. `visitorId: null` sends none. */
    async participant(offerId: string, body: { email?: string; visitorId?: string | null; page?: string; clickId?: string } = {}): Promise<Participant> {
      const { visitorId: given, ...rest } = body;
      const email = body.email ?? uniqueEmail('referrer');
      const visitorId = given === null ? null : (given ?? unique('vis'));
      const res = await ok(await fx.signUpRaw(offerId, { ...rest, email, ...(visitorId ? { visitorId } : {}) }), 201);
      return { ...res, personId: await fx.personIdOf(email), email, visitorId };
    },

    /** Someone signs up with a new address (201 expected); returns the answer. */
    async signUpNew(offerId: string, body: { email?: string; visitorId?: string; clickId?: string }): Promise<any> {
      return ok(await fx.signUpRaw(offerId, { email: body.email ?? uniqueEmail(), ...body }), 201);
    },

    /** GET /r/{code}: the raw answer (user agent, cookie and method chosen by the caller). */
    follow(shareCode: string, opts: { ua?: string | null; cookie?: string | null; channel?: string; method?: 'GET' | 'HEAD' } = {}): Promise<Call> {
      const headers: Record<string, string> = {};
      const ua = opts.ua === undefined ? BROWSER_UA : opts.ua;
      if (ua !== null) headers['user-agent'] = ua;
      if (opts.cookie) headers.cookie = opts.cookie;
      const query = opts.channel ? `?c=${opts.channel}` : '';
      return t.call({ method: opts.method ?? 'GET', url: `/r/${shareCode}${query}`, headers, key: null });
    },

    /** A browser follows a share link: 302 with gp_click; returns the click id and the browser cookie. */
    async click(shareCode: string, opts: { cookie?: string | null; channel?: string } = {}): Promise<Click> {
      const res = await fx.follow(shareCode, opts);
      expect(res.status, res.body).toBe(302);
      const location = new URL(String(res.headers.location));
      const clickId = location.searchParams.get('gp_click');
      expect(clickId).toMatch(/^clk_[A-Za-z0-9]+$/);
      return { clickId: clickId!, location, cookie: cookieFrom(res.headers['set-cookie']) ?? opts.cookie ?? null };
    },

    /** POST /v1/public/visits: the raw answer. */
    visitRaw(body: Record<string, unknown>): Promise<Call> {
      return t.call({ method: 'POST', url: '/v1/public/visits', payload: body, key: null });
    },

    /** A page hosting the offer was loaded; returns whether it started a new visit. */
    async visit(offerId: string, visitorId: string, extra: { clickId?: string; sessionId?: string; page?: string } = {}): Promise<boolean> {
      const res = await ok(await fx.visitRaw({ offerId, visitorId, ...extra }), 202);
      return res.newVisit as boolean;
    },

    conversionRaw(body: Record<string, unknown>): Promise<Call> {
      return t.call({ method: 'POST', url: '/v1/public/conversions', payload: body, key: null });
    },

    async convert(offerId: string, extra: { visitorId?: string; clickId?: string; event?: string; value?: number; idempotencyKey?: string }): Promise<{ recorded: boolean; replayed: boolean }> {
      return ok(await fx.conversionRaw({ offerId, ...extra }), 202);
    },

    progressRaw(token: string): Promise<Call> {
      return t.call({ method: 'GET', url: '/v1/public/progress', headers: { authorization: `Bearer ${token}` }, key: null });
    },

    async progress(participant: Pick<Participant, 'participantToken'>): Promise<Progress> {
      expect(participant.participantToken).toEqual(expect.any(String));
      return ok(await fx.progressRaw(participant.participantToken!), 200);
    },

    async credit(participant: Pick<Participant, 'participantToken'>): Promise<number> {
      return (await fx.progress(participant)).credit;
    },

    async personIdOf(email: string): Promise<string> {
      const res = await ok(await t.call({ method: 'GET', url: `/api/v1/people?email=${encodeURIComponent(email)}` }), 200);
      expect(res.data, `person ${email}`).toHaveLength(1);
      return res.data[0].id as string;
    },

    async person(personId: string): Promise<any> {
      return ok(await t.call({ method: 'GET', url: `/api/v1/people/${personId}` }), 200);
    },

    async activities(personId: string): Promise<{ type: string; offerId: string | null; participantId: string | null; attributes: Record<string, unknown> }[]> {
      return (await ok(await t.call({ method: 'GET', url: `/api/v1/people/${personId}/activities?limit=100` }), 200)).data;
    },

    async activitiesOfType(personId: string, type: string, offerId?: string) {
      return (await fx.activities(personId)).filter((a) => a.type === type && (offerId === undefined || a.offerId === offerId));
    },

    /** The offer's mail log, oldest first (optionally one kind). */
    async outbox(offerId: string, kind?: string): Promise<{ kind: string; personId: string; to: string; subject: string }[]> {
      const res = await ok(await t.call({ method: 'GET', url: `/api/v1/outbox?offerId=${offerId}&limit=100` }), 200);
      return (res.data as { kind: string; personId: string; to: string; subject: string }[]).filter((m) => kind === undefined || m.kind === kind);
    },

    async participants(offerId: string, query = '', key?: string): Promise<any[]> {
      const res = await t.call({ method: 'GET', url: `/api/v1/offers/${offerId}/participants?limit=100${query}`, ...(key ? { key } : {}) });
      return (await ok(res, 200)).data;
    },

    async participantRow(offerId: string, participantId: string, key?: string): Promise<any> {
      const row = (await fx.participants(offerId, '', key)).find((p) => p.id === participantId);
      expect(row, `participant ${participantId}`).toBeDefined();
      return row;
    },

    uploadCodesRaw(offerId: string, text: string): Promise<Call> {
      return t.call({ method: 'POST', url: `/api/v1/offers/${offerId}/promo-codes`, payload: text, headers: { 'content-type': 'text/plain' } });
    },

    async uploadCodes(offerId: string, text: string): Promise<any> {
      return ok(await fx.uploadCodesRaw(offerId, text), 200);
    },

    async sendFulfillmentEmails(offerId: string, participantIds: string[]): Promise<{ queued: string[]; skipped: { participantId: string; reason: string }[] }> {
      return ok(await t.call({ method: 'POST', url: `/api/v1/offers/${offerId}/fulfillment-emails`, payload: { participantIds } }), 200);
    },

    /** Clicks stored for an offer (the redirect's only trace besides its activity). */
    async storedClicks(offerId: string): Promise<number> {
      const rows = await t.ctx.store.db.selectFrom('clicks').select('id').where('offer_id', '=', offerId).execute();
      return rows.length;
    },
  };
  return fx;
}

export type LoopFixtures = ReturnType<typeof loopFixtures>;
