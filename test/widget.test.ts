import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEXTS, TEXT_KEYS } from '../src/domain/messages/default-texts.js';
import { channelShareUrl, shareIntentUrl, shareMessage, splitRecipients } from '../src/domain/messages/widget-share.js';
import { widgetLocale, widgetTexts } from '../src/domain/messages/widget-texts.js';
import { defaultOfferSettings } from '../src/domain/offers/settings.js';
import { startTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { DIALECTS } from './support/stores.js';
import { approvedEmail, approvedOffer, expectNoRawMarkup, HOSTILE } from './browser/fixtures.js';

/** Every text of every locale set to hostile markup. */
const hostileTexts = Object.fromEntries(TEXT_KEYS.map((k) => [k, `${k} ${HOSTILE}`]));

describe('widget helpers', () => {
  it('fills {html_title} and appends the channel-marked share URL to each network intent', () => {
    const message = shareMessage('Look at {html_title}!', 'Shoes & more');
    expect(message).toBe('Look at Shoes & more!');
    const url = channelShareUrl('https://gp.example/r/abc', 'x');
    expect(url).toBe('https://gp.example/r/abc?c=x');
    const x = new URL(shareIntentUrl('x', message, url));
    expect(x.origin + x.pathname).toBe('https://x.com/intent/post');
    expect(x.searchParams.get('text')).toBe('Look at Shoes & more!');
    expect(x.searchParams.get('url')).toBe(url);
    const linkedin = new URL(shareIntentUrl('linkedin', message, channelShareUrl('https://gp.example/r/abc', 'linkedin')));
    expect(linkedin.searchParams.get('text')).toBe('Look at Shoes & more! https://gp.example/r/abc?c=linkedin');
    const facebook = new URL(shareIntentUrl('facebook', message, url));
    expect(facebook.searchParams.get('u')).toBe(url);
  });

  it('splits typed recipients on commas, semicolons and spaces, without repeats', () => {
    expect(splitRecipients(' a@x.com, b@y.org;A@x.com\nc@z.net  ')).toEqual(['a@x.com', 'b@y.org', 'c@z.net']);
  });

  it('follows the browser language only when the offer says so, and never leaves a text empty', () => {
    const settings = defaultOfferSettings('x');
    expect(widgetLocale(settings, 'fr-FR,fr;q=0.9')).toBe('en');
    expect(widgetLocale({ ...settings, followBrowserLanguage: true }, 'fr-FR,fr;q=0.9')).toBe('fr');
    expect(widgetLocale({ ...settings, followBrowserLanguage: true }, 'de-DE')).toBe('en');
    expect(widgetLocale({ ...settings, followBrowserLanguage: true }, 'zh-Hans-CN')).toBe('zh-CN');
    const de = Object.fromEntries(TEXT_KEYS.map((k) => [k, `de ${k}`]));
    expect(widgetLocale({ ...settings, followBrowserLanguage: true, texts: { de } }, 'de-de,en;q=0.5')).toBe('de');
    // An offer override wins over the default; a missing key falls back.
    const texts = widgetTexts({ ...settings, texts: { sv: { signupButton: 'Kör!' } } }, 'sv');
    expect(texts.signupButton).toBe('Kör!');
    expect(texts.copyLinkButton).toBe(DEFAULT_TEXTS.sv.copyLinkButton);
    expect(widgetTexts({ ...settings, locale: 'de', texts: { de: { signupButton: 'Los' } } }, 'de').copyLinkButton).toBe(DEFAULT_TEXTS.en.copyLinkButton);
  });
});

describe.each(DIALECTS)('the participant experience over HTTP on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  const get = (url: string, headers: Record<string, string> = {}) => t.call({ method: 'GET', url, key: null, headers });
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.call({ method: 'POST', url, key: null, payload: payload as Record<string, unknown>, headers });

  async function signUp(offerId: string, email: string, extra: Record<string, unknown> = {}) {
    const res = await post(`/v1/public/offers/${offerId}/signups`, { email, ...extra });
    expect([200, 201], res.body).toContain(res.status);
    return res.json as { participantId: string; shareUrl: string; participantToken: string | null };
  }

  async function outbox(where: { kind?: string; to?: string } = {}) {
    let q = t.ctx.store.db.selectFrom('outbox').selectAll().orderBy('created_at').orderBy('id');
    if (where.kind) q = q.where('kind', '=', where.kind);
    if (where.to) q = q.where('to_address', '=', where.to);
    return q.execute();
  }

  describe('hosted landing page /o/{offerId}', () => {
    it('shows an approved offer: title, description, the embed, and a CSP without inline script', async () => {
      const id = await approvedOffer(t, { description: 'Bring a friend.\n\nBoth of you get 10% off.' }, 'Spring referral');
      const res = await get(`/o/${id}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<h1>Spring referral</h1>');
      expect(res.body).toContain('<p>Both of you get 10% off.</p>');
      expect(res.body).toContain(`data-goalpost-offer="${id}"`);
      expect(res.body).toMatch(/<script async src="\.\.\/embed\.js\?v=[0-9a-f]{12}"><\/script>/);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'self'");
    });

    it('answers 404 for an unknown or unapproved offer and 410 for an archived one, as a page', async () => {
      const unknown = await get('/o/off_doesnotexist');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toContain(DEFAULT_TEXTS.en.offerUnavailableTitle);
      const draft = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: 'Not yet' } });
      const unapproved = await get(`/o/${draft.json.id}`, { 'accept-language': 'fr' });
      expect(unapproved.status).toBe(404);
      expect(unapproved.body).toContain(DEFAULT_TEXTS.fr.offerUnavailableTitle);
      const id = await approvedOffer(t);
      await t.call({ method: 'POST', url: `/api/v1/offers/${id}/archive` });
      const archived = await get(`/o/${id}`);
      expect(archived.status).toBe(410);
      expect(archived.headers['content-type']).toMatch(/^text\/html/);
      expect((await get(`/w/${id}`)).status).toBe(410);
      expect((await get('/o/%3Cscript%3E')).status).toBe(404);
    });
  });

  describe('widget page /w/{offerId}', () => {
    it('renders the configured flow with a CSP that allows embedding and only hashed inline style', async () => {
      const id = await approvedOffer(t, {
        signupFlow: { order: 'share_then_capture', fields: [{ name: 'email', required: true }, { name: 'firstName', required: true }, { name: 'company', required: false }], consent: 'opt_in' },
        style: { buttonColor: '#aa3300', buttonTextColor: '#ffffff', counterPosition: 'none' },
        privacyPolicy: { title: 'Our privacy notice', url: 'https://example.com/privacy' },
      });
      const res = await get(`/w/${id}`);
      expect(res.status).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain('frame-ancestors *');
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      // The one inline style is exactly the one its hash allows.
      const style = /<style>(.*?)<\/style>/.exec(res.body)![1]!;
      expect(style).toContain('--gp-accent:#aa3300');
      expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
      expect(res.body).not.toMatch(/<script>(?!<)/); // no inline script other than the JSON data block
      expect(res.body).toContain('<script type="application/json" id="gp-config">');
      // Email always asked; a required field starts hidden (asked when unknown), an optional one is shown.
      expect(res.body).toMatch(/data-field="email" data-required=""><label/);
      expect(res.body).toMatch(/data-field="firstName" data-required="" hidden>/);
      expect(res.body).toMatch(/data-field="company"><label/);
      expect(res.body).toContain(DEFAULT_TEXTS.en.consentOptIn);
      expect(res.body).toContain(DEFAULT_TEXTS.en.shareToFinishPrompt);
      expect(res.body).not.toContain('data-action="skip"'); // share_then_capture: sharing is not skippable
      expect(res.body).toContain('href="https://example.com/rules"');
      expect(res.body).toContain('>Our privacy notice</a>');
      for (const channel of ['email', 'facebook', 'x', 'linkedin']) expect(res.body).toContain(`data-share="${channel}"`);
      expect(res.body).toContain('data-action="copy"');
    });

    it('speaks the offer locale, or the browser language when the offer follows it', async () => {
      const sv = await approvedOffer(t, { locale: 'sv' });
      const svPage = await get(`/w/${sv}`, { 'accept-language': 'fr' });
      expect(svPage.body).toContain('<html lang="sv">');
      expect(svPage.body).toContain(DEFAULT_TEXTS.sv.signupButton);
      const follow = await approvedOffer(t, { followBrowserLanguage: true, texts: { 'zh-CN': { signupButton: '马上加入' } } });
      const zh = await get(`/w/${follow}`, { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' });
      expect(zh.body).toContain('<html lang="zh-CN">');
      expect(zh.body).toContain('马上加入');
      expect(zh.body).toContain(DEFAULT_TEXTS['zh-CN'].copyLinkButton);
      expect(zh.headers.vary).toContain('Accept-Language');
      // The offer's share messages are in its own language; a visitor in another one gets that language's default.
      const config = (body: string) => JSON.parse(/id="gp-config">(.*?)<\/script>/s.exec(body)![1]!);
      expect(config(zh.body).messages.x).toBe(DEFAULT_TEXTS['zh-CN'].shareMessageDefault);
      expect(config((await get(`/w/${follow}`, { 'accept-language': 'en' })).body).messages.x).toBe('Have a look at {html_title}');
    });

    it('serves its assets and /embed.js with long caching only for the versioned URL', async () => {
      const embed = await get('/embed.js');
      expect(embed.status).toBe(200);
      expect(embed.headers['content-type']).toMatch(/javascript/);
      expect(embed.headers['cache-control']).toBe('public, max-age=300');
      const page = await get(`/w/${await approvedOffer(t)}`);
      const js = /src="(assets\/widget\.js\?v=[0-9a-f]{12})"/.exec(page.body)![1]!;
      const asset = await get(`/w/${js}`);
      expect(asset.status).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
      expect((await get('/w/assets/..%2f..%2fpackage.json')).status).toBe(404);
    });
  });

  describe('escaping: marketer texts and person data', () => {
    it('escapes hostile texts, names, descriptions, messages and links in the widget and the hosted page', async () => {
      const id = await approvedOffer(
        t,
        {
          description: HOSTILE,
          texts: { en: hostileTexts },
          sharing: { channels: ['email', 'copy_link', 'facebook', 'x', 'linkedin', 'whatsapp', 'reddit'], messages: { facebook: HOSTILE, x: HOSTILE, linkedin: HOSTILE } },
          privacyPolicy: { title: HOSTILE, url: 'https://example.com/privacy?a="><script>' },
          rulesUrl: 'https://example.com/rules?"><img src=x onerror=alert(1)>',
          signupFlow: { order: 'capture_then_share', fields: [{ name: 'email', required: true }, { name: 'firstName', required: false }, { name: 'lastName', required: true }], consent: 'opt_out' },
        },
        HOSTILE,
      );
      const widget = await get(`/w/${id}`);
      expect(widget.status).toBe(200);
      expectNoRawMarkup(widget.body);
      // The JSON block cannot be closed from inside, and parses back to the hostile text.
      const json = /<script type="application\/json" id="gp-config">(.*?)<\/script>/s.exec(widget.body)![1]!;
      expect(json).not.toContain('</');
      expect(JSON.parse(json).messages.x).toBe(HOSTILE);
      expect(widget.body).toContain('&lt;script&gt;window.pwned=1&lt;/script&gt;');
      const landing = await get(`/o/${id}`);
      expect(landing.status).toBe(200);
      expectNoRawMarkup(landing.body);
      expect(landing.body).toContain('<title>&lt;script&gt;');
    });

    it('escapes person data in the sign-up, re-share and progress-link emails', async () => {
      const reshare = await approvedEmail(t, 'reshare');
      const id = await approvedOffer(t, {
        emails: { reshare },
        signupFlow: { order: 'capture_then_share', fields: [{ name: 'email', required: true }, { name: 'firstName', required: false }, { name: 'lastName', required: false }], consent: 'opt_out' },
      });
      const person = await signUp(id, 'hostile@example.com', { fields: { firstName: HOSTILE, lastName: HOSTILE } });
      await post('/v1/public/reshare', { recipients: ['friend.of.hostile@example.com'] }, { authorization: `Bearer ${person.participantToken}` });
      await post(`/v1/public/offers/${id}/progress-link`, { email: 'hostile@example.com' });
      const mails = await outbox({ to: 'hostile@example.com' });
      mails.push(...(await outbox({ to: 'friend.of.hostile@example.com' })));
      expect(mails.map((m) => m.kind).sort()).toEqual(['progress_link', 'reshare', 'signup']);
      for (const mail of mails) {
        expectNoRawMarkup(mail.html);
        expect(mail.html).toContain('&lt;script&gt;');
      }
    });
  });

  describe('re-share by email', () => {
    it('queues one email per address with the email-marked share URL, and records a shares activity with the count', async () => {
      const id = await approvedOffer(t, { signupFlow: { order: 'capture_then_share', fields: [{ name: 'email', required: true }, { name: 'firstName', required: false }], consent: 'opt_out' } });
      const ann = await signUp(id, 'ann.reshare@example.com', { fields: { firstName: 'Ann' } });
      const auth = { authorization: `Bearer ${ann.participantToken}` };
      const res = await post('/v1/public/reshare', { recipients: ['bo@example.com', 'Cy@Example.com', 'bo@example.com'], locale: 'fr' }, auth);
      expect(res.status, res.body).toBe(202);
      expect(res.json).toEqual({ sent: 2, recipients: 2 });
      const mails = await outbox({ kind: 'reshare' });
      const mine = mails.filter((m) => m.to_address === 'bo@example.com' || m.to_address === 'Cy@example.com');
      expect(mine).toHaveLength(2);
      expect(mine[0]!.person_id).toBeNull();
      expect(mine[0]!.html).toContain(`${ann.shareUrl}?c=email`);
      expect(mine[0]!.subject).toContain('Ann'); // the default template in French names the referrer
      expect(mine[0]!.subject).toMatch(/pense que/);
      // The same address again today is not mailed twice, but the share is still recorded.
      const again = await post('/v1/public/reshare', { recipients: ['bo@example.com'] }, auth);
      expect(again.json).toEqual({ sent: 0, recipients: 1 });
      const personId = (await t.ctx.store.db.selectFrom('participants').select('person_id').where('id', '=', ann.participantId).executeTakeFirstOrThrow()).person_id;
      const activities = await t.call({ method: 'GET', url: `/api/v1/people/${personId}/activities` });
      const shares = (activities.json.data as { type: string; attributes: Record<string, unknown> }[]).filter((a) => a.type === 'shares');
      expect(shares.map((s) => s.attributes)).toEqual(
        expect.arrayContaining([expect.objectContaining({ channel: 'email', recipients: 2 }), expect.objectContaining({ channel: 'email', recipients: 1 })]),
      );
    });

    it('refuses bad addresses (422), more than ten (400), no token (401), and an offer without the email channel (422)', async () => {
      const id = await approvedOffer(t);
      const p = await signUp(id, 'dee.reshare@example.com');
      const auth = { authorization: `Bearer ${p.participantToken}` };
      const bad = await post('/v1/public/reshare', { recipients: ['ok@example.com', 'not an address'] }, auth);
      expect(bad.status).toBe(422);
      expect(bad.json.error.details).toEqual([{ path: 'recipients.1', message: expect.any(String) }]);
      const many = await post('/v1/public/reshare', { recipients: Array.from({ length: 11 }, (_, i) => `f${i}@example.com`) }, auth);
      expect(many.status).toBe(400);
      expect((await post('/v1/public/reshare', { recipients: ['x@example.com'] })).status).toBe(401);
      const noEmail = await approvedOffer(t, { sharing: { channels: ['copy_link', 'x'] } });
      const q = await signUp(noEmail, 'eve.reshare@example.com');
      const refused = await post('/v1/public/reshare', { recipients: ['x@example.com'] }, { authorization: `Bearer ${q.participantToken}` });
      expect(refused.status).toBe(422);
    });
  });

  describe('email me my link', () => {
    it('answers the same for a participant and a stranger, mails only the participant, and the link restores a token once', async () => {
      const id = await approvedOffer(t);
      const fay = await signUp(id, 'fay.progress@example.com', { locale: 'sv' });
      const known = await post(`/v1/public/offers/${id}/progress-link`, { email: 'fay.progress@example.com' });
      const stranger = await post(`/v1/public/offers/${id}/progress-link`, { email: 'nobody.progress@example.com' });
      expect(known.status).toBe(202);
      expect(stranger.status).toBe(202);
      expect(stranger.body).toBe(known.body);
      expect(await outbox({ to: 'nobody.progress@example.com' })).toHaveLength(0);
      const [mail] = await outbox({ to: 'fay.progress@example.com', kind: 'progress_link' });
      expect(mail!.subject).toMatch(/^Din länk/); // the person's language
      const link = /href="([^"]*gp_restore=[^"]*)"/.exec(mail!.html)![1]!.replace(/&amp;/g, '&');
      expect(link.startsWith(`http://goalpost.test/o/${id}?gp_restore=`)).toBe(true);
      // Asking again within minutes does not flood the mailbox.
      await post(`/v1/public/offers/${id}/progress-link`, { email: 'fay.progress@example.com' });
      expect(await outbox({ to: 'fay.progress@example.com', kind: 'progress_link' })).toHaveLength(1);

      const code = new URL(link).searchParams.get('gp_restore')!;
      const restored = await post('/v1/public/restore', { code });
      expect(restored.status, restored.body).toBe(200);
      expect(restored.json.offerId).toBe(id);
      const progress = await get('/v1/public/progress', { authorization: `Bearer ${restored.json.participantToken}` });
      expect(progress.status).toBe(200);
      expect(progress.json.participantId).toBe(fay.participantId);
      // Once only; and the old token of the other browser is replaced.
      expect((await post('/v1/public/restore', { code })).status).toBe(401);
      expect((await get('/v1/public/progress', { authorization: `Bearer ${fay.participantToken}` })).status).toBe(401);
      expect((await post('/v1/public/restore', { code: `${fay.participantId}.9999999999.${'A'.repeat(32)}` })).status).toBe(401);
      expect((await post('/v1/public/restore', { code: 'garbage' })).status).toBe(401);
    });

    it('refuses a restore code after a day', async () => {
      const id = await approvedOffer(t);
      await signUp(id, 'gus.progress@example.com');
      await post(`/v1/public/offers/${id}/progress-link`, { email: 'gus.progress@example.com' });
      const [mail] = await outbox({ to: 'gus.progress@example.com', kind: 'progress_link' });
      const code = /gp_restore=([^"&]*)/.exec(mail!.html)![1]!;
      t.clock.advance(24 * 3600_000 + 1000);
      expect((await post('/v1/public/restore', { code })).status).toBe(401);
    });
  });

  describe('identify from the page', () => {
    it('ties an untied visitor to the person, never moves a tie, and answers the same every time', async () => {
      const answers = [
        await post('/v1/public/identify', { visitorId: 'vis_identify_1', email: 'hal.identify@example.com' }),
        await post('/v1/public/identify', { visitorId: 'vis_identify_1', email: 'ivy.identify@example.com' }),
        await post('/v1/public/identify', { visitorId: 'vis_identify_2', email: 'not-an-address' }),
      ];
      for (const a of answers) {
        expect(a.status).toBe(202);
        expect(a.json).toEqual({ accepted: true });
      }
      const visitor = await t.ctx.store.db.selectFrom('visitors').innerJoin('people', 'people.id', 'visitors.person_id').select('people.email').where('visitors.id', '=', 'vis_identify_1').executeTakeFirst();
      expect(visitor?.email).toBe('hal.identify@example.com');
      expect(await t.ctx.store.db.selectFrom('people').select('id').where('email', '=', 'ivy.identify@example.com').executeTakeFirst()).toBeUndefined();
      // text/plain, as sendBeacon sends it
      const beacon = await t.call({ method: 'POST', url: '/v1/public/identify', key: null, headers: { 'content-type': 'text/plain;charset=UTF-8' }, payload: JSON.stringify({ visitorId: 'vis_identify_3', email: 'jo.identify@example.com' }) });
      expect(beacon.status).toBe(202);
    });
  });

  describe('admin: embed code and default emails', () => {
    it('returns the header and body snippets for an offer (read permission)', async () => {
      const id = await approvedOffer(t);
      const res = await t.call({ method: 'GET', url: `/api/v1/offers/${id}/embed-code?width=480&height=600`, key: t.keys.analyst });
      expect(res.status, res.body).toBe(200);
      expect(res.json.published).toBe(true);
      expect(res.json.headerSnippet).toContain('<script async src="http://goalpost.test/embed.js"></script>');
      expect(res.json.bodySnippet).toBe(`<div data-goalpost-offer="${id}" data-width="480" data-height="600"></div>`);
      expect(res.json.conversionSnippet).toContain(`goalpost('conversion', { offerId: '${id}'`);
      expect(res.json.hostedPageUrl).toBe(`http://goalpost.test/o/${id}`);
      const draft = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: 'Draft' } });
      expect((await t.call({ method: 'GET', url: `/api/v1/offers/${draft.json.id}/embed-code` })).json.published).toBe(false);
      expect((await t.call({ method: 'GET', url: '/api/v1/offers/off_nope/embed-code' })).status).toBe(404);
      expect((await t.call({ method: 'GET', url: `/api/v1/offers/${id}/embed-code?height=1;background:red` })).status).toBe(400);
      expect((await t.call({ method: 'GET', url: `/api/v1/offers/${id}/embed-code`, key: null })).status).toBe(401);
    });

    it('creates an email from a default template with the four languages, approvable as it is (write permission)', async () => {
      const res = await t.call({ method: 'POST', url: '/api/v1/emails/defaults', payload: { kind: 'fulfillment', locale: 'fr' }, key: t.keys.marketer });
      expect(res.status, res.body).toBe(201);
      expect(res.json.locale).toBe('fr');
      expect(res.json.status).toBe('draft');
      expect(Object.keys(res.json.draft).sort()).toEqual(['en', 'fr', 'sv', 'zh-CN']);
      expect(res.json.draft.fr.subject).toBe('Bravo\u00a0! Voici votre récompense');
      expect(res.json.draft.en.html).toContain('{{social.Promo Code}}');
      expect((await t.call({ method: 'POST', url: `/api/v1/emails/${res.json.id}/approve` })).status).toBe(200);
      expect((await t.call({ method: 'POST', url: '/api/v1/emails/defaults', payload: { kind: 'signup' }, key: t.keys.analyst })).status).toBe(403);
      expect((await t.call({ method: 'POST', url: '/api/v1/emails/defaults', payload: { kind: 'nope' } })).status).toBe(400);
    });
  });
});

describe('rate limits of the public endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    // 60 a minute: sign-ups get 6, re-share 2, progress-link 1, beacons 60.
    t = await startTestApp('sqlite', { GOALPOST_PUBLIC_RATE_LIMIT: '60' });
  });
  afterAll(() => t.close());

  it('answers 429 in the error shape per IP and per kind of call, and other kinds keep working', async () => {
    const id = await approvedOffer(t);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const res = await t.call({ method: 'POST', url: `/v1/public/offers/${id}/signups`, key: null, payload: { email: `rl${i}@example.com` } });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.json).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('a minute'), details: [] } });
        expect(res.headers['retry-after']).toBeDefined();
      }
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(6);
    expect(statuses.slice(6)).toEqual([429, 429]);
    // Another address has its own budget.
    const other = await t.call({ method: 'POST', url: `/v1/public/offers/${id}/signups`, key: null, payload: { email: 'rl-other@example.com' }, remoteAddress: '203.0.113.9' });
    expect(other.status).toBe(201);
    // Beacons have their own bucket.
    const visit = await t.call({ method: 'POST', url: '/v1/public/visits', key: null, payload: { offerId: id, visitorId: 'vis_rl' } });
    expect(visit.status).toBe(202);
    const page = await t.call({ method: 'GET', url: `/w/${id}`, key: null });
    expect(page.status).toBe(200);
    // "Email me my link" gets one a minute.
    expect((await t.call({ method: 'POST', url: `/v1/public/offers/${id}/progress-link`, key: null, payload: { email: 'rl0@example.com' } })).status).toBe(202);
    expect((await t.call({ method: 'POST', url: `/v1/public/offers/${id}/progress-link`, key: null, payload: { email: 'rl0@example.com' } })).status).toBe(429);
  });
});
