import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { DIALECTS } from './support/stores.js';

type Call = Awaited<ReturnType<TestApp['call']>>;

function expectError(res: Call, status: number, code: string): { path: string; message: string }[] {
  expect(res.status, res.body).toBe(status);
  expect(res.json).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  for (const d of res.json.error.details) expect(d).toEqual({ path: expect.any(String), message: expect.any(String) });
  return res.json.error.details;
}

describe.each(DIALECTS)('emails on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  async function create(payload: Record<string, unknown>): Promise<any> {
    const res = await t.call({ method: 'POST', url: '/api/v1/emails', payload });
    expect(res.status, res.body).toBe(201);
    return res.json;
  }

  async function read(id: string): Promise<any> {
    const res = await t.call({ method: 'GET', url: `/api/v1/emails/${id}` });
    expect(res.status, res.body).toBe(200);
    return res.json;
  }

  function approve(id: string): Promise<Call> {
    return t.call({ method: 'POST', url: `/api/v1/emails/${id}/approve` });
  }

  function edit(id: string, payload: unknown): Promise<Call> {
    return t.call({ method: 'PATCH', url: `/api/v1/emails/${id}`, payload: payload as Record<string, unknown> });
  }

  const basic = {
    name: 'Sign-up confirmation',
    subject: 'Thanks for joining, {{lead.First Name}}',
    html: '<p>Share this link: {{social.Share Url}}</p>',
  };

  it('creates a draft email in the default locale', async () => {
    const email = await create(basic);
    expect(email.id).toMatch(/^eml_[A-Za-z0-9]+$/);
    expect(email.name).toBe(basic.name);
    expect(email.locale).toBe('en');
    expect(email.status).toBe('draft');
    expect(email.approved).toBeNull();
    expect(email.approvedAt).toBeNull();
    expect(email.draft).toEqual({ en: { subject: basic.subject, html: basic.html, text: null } });
    expect(await read(email.id)).toEqual(email);
  });

  it('creates an email with a text part and a locale', async () => {
    const email = await create({ name: 'FR', subject: 'Merci', html: '<p>Merci</p>', text: 'Merci {{lead.First Name}}', locale: 'fr' });
    expect(email.locale).toBe('fr');
    expect(email.draft).toEqual({ fr: { subject: 'Merci', html: '<p>Merci</p>', text: 'Merci {{lead.First Name}}' } });
  });

  it('refuses bad create bodies with 400 and creates nothing', async () => {
    const before = await t.call({ method: 'GET', url: '/api/v1/emails?limit=100' });
    for (const payload of [
      { subject: 's', html: 'h' }, // no name
      { name: 'n', html: 'h' }, // no subject
      { name: 'n', subject: 's' }, // no html
      { name: 'n', subject: '', html: 'h' },
      { name: 'n', subject: 's', html: 'h', colour: 'red' },
      { name: 'n', subject: 's', html: 'h', locale: 'not a locale' },
      { name: 'n', subject: 5, html: 'h' },
    ]) {
      expectError(await t.call({ method: 'POST', url: '/api/v1/emails', payload }), 400, 'invalid_request');
    }
    expectError(
      await t.call({ method: 'POST', url: '/api/v1/emails', payload: '{"name":', headers: { 'content-type': 'application/json' } }),
      400,
      'malformed_json',
    );
    const after = await t.call({ method: 'GET', url: '/api/v1/emails?limit=100' });
    expect(after.json.data.length).toBe(before.json.data.length);
  });

  it('approves an email: the draft becomes the approved version', async () => {
    const email = await create(basic);
    t.clock.advance(5_000);
    const res = await approve(email.id);
    expect(res.status, res.body).toBe(200);
    expect(res.json.status).toBe('approved');
    expect(res.json.approved).toEqual(email.draft);
    expect(res.json.draft).toBeNull();
    expect(res.json.approvedAt).toBe(t.clock.now().toISOString());
    expect(await read(email.id)).toEqual(res.json);
    expectError(await approve(email.id), 409, 'nothing_to_approve');
  });

  it('refuses to approve an unknown token in the html, naming the token and the path', async () => {
    const email = await create({ ...basic, html: '<p>Hi! Your favourite colour is {{lead.Favourite Colour}}.</p>' });
    const res = await approve(email.id);
    const details = expectError(res, 422, 'validation_failed');
    expect(details.map((d) => d.path)).toEqual(['content.en.html']);
    expect(details[0]!.message).toContain('{{lead.Favourite Colour}}');
    expect(res.json.error.message).toContain(email.id);
    // Still a draft.
    expect(await read(email.id)).toEqual(email);
  });

  it('reports unknown tokens in subject, html and text together', async () => {
    const email = await create({
      name: 'typos',
      subject: 'Hello {{lead.Frist Name}}',
      html: '<p>{{social.Share URL}}</p>',
      text: 'Code: {{social.PromoCode}}',
    });
    const details = expectError(await approve(email.id), 422, 'validation_failed');
    expect(details.map((d) => d.path).sort()).toEqual(['content.en.html', 'content.en.subject', 'content.en.text']);
    expect(details.find((d) => d.path === 'content.en.subject')!.message).toContain('{{lead.Frist Name}}');
    expect(details.find((d) => d.path === 'content.en.html')!.message).toContain('{{social.Share URL}}');
    expect(details.find((d) => d.path === 'content.en.text')!.message).toContain('{{social.PromoCode}}');
  });

  it('reports an unknown token in a translation under its locale', async () => {
    const email = await create({
      ...basic,
      translations: { fr: { subject: 'Bonjour', html: '<p>{{lead.Prenom}}</p>', text: null } },
    });
    const details = expectError(await approve(email.id), 422, 'validation_failed');
    expect(details.map((d) => d.path)).toEqual(['content.fr.html']);
  });

  it.each(['{{lead.Prénom}}', '{{social.Share Url!}}', '{{ }}', '{{1st}}'])(
    'refuses a token it cannot read: %s',
    async (token) => {
      const email = await create({ ...basic, html: `<p>Hello ${token}</p>` });
      const details = expectError(await approve(email.id), 422, 'validation_failed');
      expect(details.map((d) => d.path)).toEqual(['content.en.html']);
      expect((await read(email.id)).status).toBe('draft');
    },
  );

  it('concurrent edits of one email all land', async () => {
    const email = await create(basic);
    const locales = ['fr', 'sv', 'de', 'es', 'it', 'nl'];
    const results = await Promise.all(
      locales.map((l) => edit(email.id, { translations: { [l]: { subject: `s ${l}`, html: `<p>${l}</p>`, text: null } } })),
    );
    expect(results.map((r) => r.status)).toEqual(locales.map(() => 200));
    expect(Object.keys((await read(email.id)).draft).sort()).toEqual(['en', ...locales].sort());
  });

  it('accepts every known token, with spaces and defaults', async () => {
    const email = await create({
      name: 'all tokens',
      subject: '{{ lead.First Name : friend }}, you did it',
      html: '<p>{{social.Share Url}} {{social.Promo Code}} {{social.Progress Url}} {{lead.Email Address}} {{offer.Name}}</p>',
    });
    const res = await approve(email.id);
    expect(res.status, res.body).toBe(200);
  });

  it('editing an approved email opens a draft; the approved version stays until approved again', async () => {
    const email = await create(basic);
    const v1 = (await approve(email.id)).json;
    const res = await edit(email.id, { subject: 'New subject {{lead.First Name}}' });
    expect(res.status, res.body).toBe(200);
    expect(res.json.status).toBe('approved');
    expect(res.json.approved).toEqual(v1.approved);
    expect(res.json.approvedAt).toBe(v1.approvedAt);
    expect(res.json.draft).toEqual({ en: { ...v1.approved.en, subject: 'New subject {{lead.First Name}}' } });

    // A second edit keeps the first.
    const second = await edit(email.id, { text: 'Plain {{social.Share Url}}' });
    expect(second.json.draft.en).toEqual({ subject: 'New subject {{lead.First Name}}', html: basic.html, text: 'Plain {{social.Share Url}}' });
    expect((await read(email.id)).approved).toEqual(v1.approved);

    // A broken edit cannot be approved and the approved version stays in use.
    await edit(email.id, { html: '<p>{{lead.Shoe Size}}</p>' });
    expectError(await approve(email.id), 422, 'validation_failed');
    expect((await read(email.id)).approved).toEqual(v1.approved);

    await edit(email.id, { html: '<p>Fixed {{social.Share Url}}</p>' });
    const v2 = await approve(email.id);
    expect(v2.status, v2.body).toBe(200);
    expect(v2.json.approved.en).toEqual({
      subject: 'New subject {{lead.First Name}}',
      html: '<p>Fixed {{social.Share Url}}</p>',
      text: 'Plain {{social.Share Url}}',
    });
    expect(v2.json.draft).toBeNull();
  });

  it('adds and removes translations in the draft', async () => {
    const email = await create(basic);
    const added = await edit(email.id, { translations: { sv: { subject: 'Tack', html: '<p>Tack</p>', text: null } } });
    expect(added.status, added.body).toBe(200);
    expect(Object.keys(added.json.draft).sort()).toEqual(['en', 'sv']);
    const removed = await edit(email.id, { translations: { sv: null } });
    expect(Object.keys(removed.json.draft)).toEqual(['en']);
  });

  it('refuses bad edits with 400 and changes nothing', async () => {
    const email = await create(basic);
    for (const payload of [{}, { colour: 'red' }, { subject: '' }, { html: 5 }, { translations: { sv: { subject: 'x' } } }]) {
      expectError(await edit(email.id, payload), 400, 'invalid_request');
    }
    // Switching to a locale that has no content needs both subject and html.
    expectError(await edit(email.id, { locale: 'fr', subject: 'Bonjour' }), 400, 'invalid_request');
    expect(await read(email.id)).toEqual(email);
  });

  it('discards the draft of an approved email', async () => {
    const email = await create(basic);
    const v1 = (await approve(email.id)).json;
    await edit(email.id, { subject: 'Changed', name: 'Renamed' });
    const res = await t.call({ method: 'DELETE', url: `/api/v1/emails/${email.id}/draft` });
    expect(res.status, res.body).toBe(200);
    expect(res.json.draft).toBeNull();
    expect(res.json.approved).toEqual(v1.approved);
    expect(res.json.status).toBe('approved');
    expect(await read(email.id)).toEqual(res.json);
    expectError(await t.call({ method: 'DELETE', url: `/api/v1/emails/${email.id}/draft` }), 409, 'no_draft');
  });

  it('refuses to discard the only version of a never-approved email', async () => {
    const email = await create(basic);
    expectError(await t.call({ method: 'DELETE', url: `/api/v1/emails/${email.id}/draft` }), 409, 'draft_is_only_version');
    expect(await read(email.id)).toEqual(email);
  });

  it('answers 404 for an unknown email', async () => {
    const id = 'eml_doesNotExist0000';
    expectError(await t.call({ method: 'GET', url: `/api/v1/emails/${id}` }), 404, 'not_found');
    expectError(await approve(id), 404, 'not_found');
    expectError(await edit(id, { subject: 'x' }), 404, 'not_found');
    expectError(await t.call({ method: 'DELETE', url: `/api/v1/emails/${id}/draft` }), 404, 'not_found');
  });

  it('lists emails newest first, page by page', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1000);
      created.push((await create({ ...basic, name: `paged ${i}` })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/emails?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await t.call({ method: 'GET', url });
      expect(res.status, res.body).toBe(200);
      expect(res.json.data.length).toBeLessThanOrEqual(2);
      if (res.json.nextCursor !== null) expect(res.json.data.length).toBe(2);
      seen.push(...res.json.data.map((e: { id: string }) => e.id));
      cursor = res.json.nextCursor;
      expect(++pages).toBeLessThan(100);
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 5)).toEqual([...created].reverse());
    const all = await t.call({ method: 'GET', url: '/api/v1/emails?limit=100' });
    expect(seen).toEqual(all.json.data.map((e: { id: string }) => e.id));

    expectError(await t.call({ method: 'GET', url: '/api/v1/emails?cursor=garbage' }), 400, 'invalid_request');
    expectError(await t.call({ method: 'GET', url: '/api/v1/emails?limit=0' }), 400, 'invalid_request');
  });
});
