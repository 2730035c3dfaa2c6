import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXT_KEYS } from '../src/domain/messages/default-texts.js';
import { startTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { DIALECTS } from './support/stores.js';

type Call = Awaited<ReturnType<TestApp['call']>>;

/** Every error has `{error: {code, message, details: [{path, message}]}}`. */
function expectError(res: Call, status: number, code: string): { path: string; message: string }[] {
  expect(res.status, res.body).toBe(status);
  expect(res.json).toEqual({
    error: { code, message: expect.any(String), details: expect.any(Array) },
  });
  expect(res.json.error.message.length).toBeGreaterThan(0);
  for (const d of res.json.error.details) {
    expect(d).toEqual({ path: expect.any(String), message: expect.any(String) });
  }
  return res.json.error.details;
}

function paths(res: Call): string[] {
  return (res.json.error.details as { path: string }[]).map((d) => d.path).sort();
}

describe.each(DIALECTS)('offers on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  // ----- helpers (use the shared app `t`) -----

  async function createEmail(html: string, opts: { approve?: boolean; text?: string } = {}): Promise<string> {
    const res = await t.call({
      method: 'POST',
      url: '/api/v1/emails',
      payload: { name: 'email', subject: 'Hello {{lead.First Name}}', html, ...(opts.text !== undefined ? { text: opts.text } : {}) },
    });
    expect(res.status, res.body).toBe(201);
    if (opts.approve ?? true) {
      const approved = await t.call({ method: 'POST', url: `/api/v1/emails/${res.json.id}/approve` });
      expect(approved.status, approved.body).toBe(200);
    }
    return res.json.id as string;
  }

  async function createOffer(name = 'Refer 5 friends', extra: Record<string, unknown> = {}): Promise<any> {
    const res = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name, ...extra } });
    expect(res.status, res.body).toBe(201);
    return res.json;
  }

  async function getOffer(id: string): Promise<any> {
    const res = await t.call({ method: 'GET', url: `/api/v1/offers/${id}` });
    expect(res.status, res.body).toBe(200);
    return res.json;
  }

  function patch(id: string, payload: unknown): Promise<Call> {
    return t.call({ method: 'PATCH', url: `/api/v1/offers/${id}/draft`, payload: payload as Record<string, unknown> });
  }

  async function patchOk(id: string, payload: Record<string, unknown>): Promise<any> {
    const res = await patch(id, payload);
    expect(res.status, res.body).toBe(200);
    return res.json;
  }

  function approve(id: string): Promise<Call> {
    return t.call({ method: 'POST', url: `/api/v1/offers/${id}/approve` });
  }

  /** A draft offer that passes every approval rule. */
  async function approvableOffer(name = 'Approvable'): Promise<{ id: string; signup: string; fulfillment: string }> {
    const signup = await createEmail('<p>Thanks! Share {{social.Share Url}}</p>');
    const fulfillment = await createEmail('<p>Well done {{lead.First Name}}</p>');
    const offer = await createOffer(name);
    await patchOk(offer.id, {
      goal: { type: 'referred_signups', count: 3 },
      emails: { signup, fulfillment },
      rulesUrl: 'https://example.com/rules',
    });
    return { id: offer.id, signup, fulfillment };
  }

  /** Approval must fail with exactly these detail paths, and the offer must stay unapproved. */
  async function expectApprovalFails(id: string, expected: string[]): Promise<{ path: string; message: string }[]> {
    const before = await getOffer(id);
    const res = await approve(id);
    const details = expectError(res, 422, 'validation_failed');
    expect(paths(res)).toEqual([...expected].sort());
    const after = await getOffer(id);
    expect(after).toEqual(before);
    return details;
  }

  async function expectApproves(id: string): Promise<any> {
    const res = await approve(id);
    expect(res.status, res.body).toBe(200);
    expect(res.json.status).toBe('approved');
    return res.json;
  }

  // ----- create, read, list -----

  describe('create and read', () => {
    it('creates a draft offer with default settings', async () => {
      const res = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: 'Gift card for 5 friends' } });
      expect(res.status, res.body).toBe(201);
      const offer = res.json;
      expect(offer.id).toMatch(/^off_[A-Za-z0-9]+$/);
      expect(offer.name).toBe('Gift card for 5 friends');
      expect(offer.status).toBe('draft');
      expect(offer.approved).toBeNull();
      expect(offer.version).toBe(0);
      expect(offer.clonedFrom).toBeNull();
      expect(offer.approvedAt).toBeNull();
      expect(offer.archivedAt).toBeNull();
      expect(offer.createdAt).toBe(t.clock.now().toISOString());
      expect(offer.draft).toMatchObject({
        name: 'Gift card for 5 friends',
        goal: { type: null, count: 1 },
        emails: { signup: null, fulfillment: null, reshare: null },
        fulfillmentDelivery: 'automatic',
        promoCodes: { enabled: false },
        rulesUrl: null,
        privacyPolicy: null,
        shareTarget: { type: 'referring_page', url: null },
        signupFlow: { order: 'capture_then_share', consent: 'opt_out' },
        locale: 'en',
        texts: {},
        attributionWindowDays: 30,
      });
      expect(offer.draft.signupFlow.fields).toContainEqual({ name: 'email', required: true });
      expect(offer.draft.sharing.channels.length).toBeGreaterThan(0);

      // Reading it back gives the same offer.
      expect(await getOffer(offer.id)).toEqual(offer);
    });

    it('takes description and locale at creation', async () => {
      const offer = await createOffer('Offre', { description: 'Parrainez vos amis', locale: 'fr' });
      expect(offer.draft.description).toBe('Parrainez vos amis');
      expect(offer.draft.locale).toBe('fr');
    });

    it('refuses a create without a name or with an empty name', async () => {
      expectError(await t.call({ method: 'POST', url: '/api/v1/offers', payload: {} }), 400, 'invalid_request');
      expectError(await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: '' } }), 400, 'invalid_request');
    });

    it('answers 404 not_found for an unknown offer on every route', async () => {
      const id = 'off_doesNotExist0000';
      expectError(await t.call({ method: 'GET', url: `/api/v1/offers/${id}` }), 404, 'not_found');
      expectError(await patch(id, { name: 'x' }), 404, 'not_found');
      expectError(await approve(id), 404, 'not_found');
      expectError(await t.call({ method: 'POST', url: `/api/v1/offers/${id}/archive` }), 404, 'not_found');
      expectError(await t.call({ method: 'DELETE', url: `/api/v1/offers/${id}/draft` }), 404, 'not_found');
    });

    it('lists offers newest first, page by page, with nextCursor', async () => {
      const created: string[] = [];
      for (let i = 0; i < 5; i++) {
        t.clock.advance(1000);
        created.push((await createOffer(`Paged ${i}`)).id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/offers?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await t.call({ method: 'GET', url });
        expect(res.status, res.body).toBe(200);
        expect(res.json.data.length).toBeLessThanOrEqual(2);
        if (res.json.nextCursor !== null) expect(res.json.data.length).toBe(2);
        seen.push(...res.json.data.map((o: { id: string }) => o.id));
        cursor = res.json.nextCursor;
        pages++;
        expect(pages).toBeLessThan(100);
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      // The five newest offers come first, newest first.
      expect(seen.slice(0, 5)).toEqual([...created].reverse());
      expect(pages).toBeGreaterThanOrEqual(3);

      const first = await t.call({ method: 'GET', url: '/api/v1/offers?limit=2' });
      expect(first.json.data.map((o: { id: string }) => o.id)).toEqual([created[4], created[3]]);
      expect(typeof first.json.nextCursor).toBe('string');
    });

    it('filters the list by status', async () => {
      const { id } = await approvableOffer('Status filter');
      await expectApproves(id);
      const res = await t.call({ method: 'GET', url: '/api/v1/offers?status=approved&limit=100' });
      expect(res.status).toBe(200);
      expect(res.json.data.length).toBeGreaterThan(0);
      expect(res.json.data.every((o: { status: string }) => o.status === 'approved')).toBe(true);
      expect(res.json.data.map((o: { id: string }) => o.id)).toContain(id);
    });

    it('refuses a bad cursor and a bad limit with 400', async () => {
      const bad = await t.call({ method: 'GET', url: '/api/v1/offers?cursor=not-a-cursor' });
      const details = expectError(bad, 400, 'invalid_request');
      expect(details.map((d) => d.path)).toContain('cursor');
      const forged = Buffer.from('{"at":1}').toString('base64url');
      expectError(await t.call({ method: 'GET', url: `/api/v1/offers?cursor=${forged}` }), 400, 'invalid_request');
      expectError(await t.call({ method: 'GET', url: '/api/v1/offers?limit=0' }), 400, 'invalid_request');
      expectError(await t.call({ method: 'GET', url: '/api/v1/offers?limit=101' }), 400, 'invalid_request');
      expectError(await t.call({ method: 'GET', url: '/api/v1/offers?limit=abc' }), 400, 'invalid_request');
      expectError(await t.call({ method: 'GET', url: '/api/v1/offers?status=deleted' }), 400, 'invalid_request');
    });
  });

  // ----- editing the draft -----

  describe('PATCH draft', () => {
    it('merges objects deeply: a goal count keeps the goal type', async () => {
      const offer = await createOffer();
      const first = await patchOk(offer.id, { goal: { type: 'referred_visits' } });
      expect(first.draft.goal).toEqual({ type: 'referred_visits', count: 1 });
      const second = await patchOk(offer.id, { goal: { count: 5 } });
      expect(second.draft.goal).toEqual({ type: 'referred_visits', count: 5 });
      // Untouched settings stay as they were.
      expect({ ...second.draft, goal: null }).toEqual({ ...offer.draft, goal: null });
      expect((await getOffer(offer.id)).draft.goal).toEqual({ type: 'referred_visits', count: 5 });
    });

    it('replaces arrays and renames the offer', async () => {
      const offer = await createOffer('Old name');
      const res = await patchOk(offer.id, { name: 'New name', sharing: { channels: ['email'] } });
      expect(res.name).toBe('New name');
      expect(res.draft.name).toBe('New name');
      expect(res.draft.sharing.channels).toEqual(['email']);
      expect(res.draft.sharing.messages).toEqual(offer.draft.sharing.messages);
    });

    it('null clears the privacy policy', async () => {
      const offer = await createOffer();
      const set = await patchOk(offer.id, { privacyPolicy: { title: 'Privacy', url: 'https://example.com/privacy' } });
      expect(set.draft.privacyPolicy).toEqual({ title: 'Privacy', url: 'https://example.com/privacy' });
      const cleared = await patchOk(offer.id, { privacyPolicy: null });
      expect(cleared.draft.privacyPolicy).toBeNull();
      expect((await getOffer(offer.id)).draft.privacyPolicy).toBeNull();
    });

    it('keeps texts per locale and removes a locale with null', async () => {
      const offer = await createOffer();
      await patchOk(offer.id, { texts: { fr: { signupButton: 'Je participe' } } });
      await patchOk(offer.id, { texts: { en: { signupButton: 'Count me in' } } });
      const both = await patchOk(offer.id, { texts: { fr: { signupPrompt: 'Parrainez vos amis' } } });
      expect(both.draft.texts).toEqual({
        fr: { signupButton: 'Je participe', signupPrompt: 'Parrainez vos amis' },
        en: { signupButton: 'Count me in' },
      });
      const removed = await patchOk(offer.id, { texts: { fr: null } });
      expect(removed.draft.texts).toEqual({ en: { signupButton: 'Count me in' } });
    });

    it('removes a share message with null and keeps the others', async () => {
      const offer = await createOffer();
      const res = await patchOk(offer.id, { sharing: { messages: { x: null, whatsapp: 'Look: {html_title}' } } });
      const expected = { ...offer.draft.sharing.messages, whatsapp: 'Look: {html_title}' };
      delete expected.x;
      expect(res.draft.sharing.messages).toEqual(expected);
      expect(res.draft.sharing.channels).toEqual(offer.draft.sharing.channels);
    });
  });

  // ----- approve, edit after approve, discard -----

  describe('approve', () => {
    it('makes the draft the approved version', async () => {
      const signup = await createEmail('<p>Share {{social.Share Url}}</p>');
      const fulfillment = await createEmail('<p>You made it, {{lead.First Name}}</p>');
      const offer = await createOffer('Happy path');
      const draft = await patchOk(offer.id, {
        goal: { type: 'referred_signups', count: 5 },
        emails: { signup, fulfillment },
        rulesUrl: 'https://example.com/rules',
      });
      t.clock.advance(60_000);
      const res = await approve(offer.id);
      expect(res.status, res.body).toBe(200);
      expect(res.json.status).toBe('approved');
      expect(res.json.approved).toEqual(draft.draft);
      expect(res.json.approved.goal).toEqual({ type: 'referred_signups', count: 5 });
      expect(res.json.approved.emails).toEqual({ signup, fulfillment, reshare: null });
      expect(res.json.draft).toBeNull();
      expect(res.json.version).toBe(1);
      expect(res.json.approvedAt).toBe(t.clock.now().toISOString());
      expect(await getOffer(offer.id)).toEqual(res.json);

      // Nothing left to approve.
      expectError(await approve(offer.id), 409, 'nothing_to_approve');
    });

    it('a PATCH after approval opens a new draft; the approved version stays until approved again', async () => {
      const { id } = await approvableOffer('Two versions');
      const v1 = await expectApproves(id);
      const edited = await patchOk(id, { goal: { count: 10 }, rulesUrl: 'https://example.com/rules-v2' });
      expect(edited.status).toBe('approved');
      expect(edited.version).toBe(1);
      expect(edited.approved).toEqual(v1.approved);
      expect(edited.draft).toEqual({
        ...v1.approved,
        goal: { ...v1.approved.goal, count: 10 },
        rulesUrl: 'https://example.com/rules-v2',
      });
      // A second edit changes the open draft, not the approved version.
      const again = await patchOk(id, { description: 'second edit' });
      expect(again.draft.goal.count).toBe(10);
      expect(again.draft.description).toBe('second edit');
      expect((await getOffer(id)).approved).toEqual(v1.approved);

      const v2 = await expectApproves(id);
      expect(v2.version).toBe(2);
      expect(v2.approved).toEqual(again.draft);
      expect(v2.draft).toBeNull();
    });

    it('a failed approval keeps the approved version live', async () => {
      const { id } = await approvableOffer('Bad edit');
      const v1 = await expectApproves(id);
      await patchOk(id, { rulesUrl: null });
      await expectApprovalFails(id, ['rulesUrl']);
      const now = await getOffer(id);
      expect(now.approved).toEqual(v1.approved);
      expect(now.version).toBe(1);
      expect(now.status).toBe('approved');
    });

    it('discards a draft: the approved version is kept and the name comes back', async () => {
      const { id } = await approvableOffer('Keep me');
      const v1 = await expectApproves(id);
      await patchOk(id, { name: 'Renamed in draft', goal: { count: 9 } });
      const res = await t.call({ method: 'DELETE', url: `/api/v1/offers/${id}/draft` });
      expect(res.status, res.body).toBe(200);
      expect(res.json.draft).toBeNull();
      expect(res.json.approved).toEqual(v1.approved);
      expect(res.json.name).toBe('Keep me');
      expect(res.json.version).toBe(1);
      expect(await getOffer(id)).toEqual(res.json);

      // No draft any more: 409.
      expectError(await t.call({ method: 'DELETE', url: `/api/v1/offers/${id}/draft` }), 409, 'no_draft');
      // The next edit starts again from the approved version.
      const next = await patchOk(id, { description: 'fresh' });
      expect(next.draft).toEqual({ ...v1.approved, description: 'fresh' });
    });

    it('refuses to discard the only version of a never-approved offer', async () => {
      const offer = await createOffer();
      expectError(await t.call({ method: 'DELETE', url: `/api/v1/offers/${offer.id}/draft` }), 409, 'draft_is_only_version');
      expect(await getOffer(offer.id)).toEqual(offer);
    });
  });

  // ----- concurrent writers -----

  describe('concurrent writes', () => {
    it('concurrent edits of one draft all land', async () => {
      const offer = await createOffer('Concurrent edits');
      const keys = TEXT_KEYS.slice(0, 8);
      const results = await Promise.all(keys.map((k) => patch(offer.id, { texts: { en: { [k]: `v ${k}` } } })));
      expect(results.map((r) => r.status)).toEqual(keys.map(() => 200));
      const after = await getOffer(offer.id);
      expect(after.draft.texts.en).toEqual(Object.fromEntries(keys.map((k) => [k, `v ${k}`])));
    });

    it('an edit racing an approval is never lost', async () => {
      for (let i = 0; i < 4; i++) {
        const { id } = await approvableOffer(`Race ${i}`);
        const [approved, edited] = await Promise.all([approve(id), patch(id, { description: `raced ${i}` })]);
        expect(approved.status, approved.body).toBe(200);
        expect(edited.status, edited.body).toBe(200);
        const after = await getOffer(id);
        expect(after.version).toBe(1);
        // Either the edit went into the approved version, or it waits in a new draft.
        const kept = after.approved.description === `raced ${i}` || after.draft?.description === `raced ${i}`;
        expect(kept, JSON.stringify({ approved: after.approved.description, draft: after.draft?.description })).toBe(true);
      }
    });

    it('two simultaneous approvals approve once', async () => {
      const { id } = await approvableOffer('Double approve');
      const results = await Promise.all([approve(id), approve(id), approve(id)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expectError(r, 409, 'nothing_to_approve');
      expect((await getOffer(id)).version).toBe(1);
    });
  });

  // ----- archive -----

  describe('archive', () => {
    it('archives an approved offer, keeps its data and refuses further changes', async () => {
      const { id } = await approvableOffer('Archive me');
      const v1 = await expectApproves(id);
      await patchOk(id, { description: 'pending edit' });
      const res = await t.call({ method: 'POST', url: `/api/v1/offers/${id}/archive` });
      expect(res.status, res.body).toBe(200);
      expect(res.json.status).toBe('archived');
      expect(res.json.archivedAt).toBe(t.clock.now().toISOString());
      expect(res.json.approved).toEqual(v1.approved);
      expect(res.json.draft.description).toBe('pending edit');
      expect(res.json.version).toBe(1);

      const archived = await getOffer(id);
      expect(archived).toEqual(res.json);

      expectError(await patch(id, { name: 'nope' }), 409, 'offer_archived');
      expectError(await approve(id), 409, 'offer_archived');
      expectError(await t.call({ method: 'DELETE', url: `/api/v1/offers/${id}/draft` }), 409, 'offer_archived');
      expectError(await t.call({ method: 'POST', url: `/api/v1/offers/${id}/archive` }), 409, 'offer_archived');
      expect(await getOffer(id)).toEqual(archived);
    });

    it('archives a never-approved offer', async () => {
      const offer = await createOffer('Draft to archive');
      const res = await t.call({ method: 'POST', url: `/api/v1/offers/${offer.id}/archive` });
      expect(res.status, res.body).toBe(200);
      expect(res.json.status).toBe('archived');
      expect(res.json.draft).toEqual(offer.draft);
      expectError(await patch(offer.id, { goal: { count: 2 } }), 409, 'offer_archived');
    });
  });

  // ----- clone -----

  describe('clone', () => {
    it('copies every setting from the newest version into a new draft offer', async () => {
      const { id } = await approvableOffer('Original');
      await expectApproves(id);
      // The newest version is the open draft.
      const edited = await patchOk(id, {
        goal: { count: 7 },
        privacyPolicy: { title: 'Privacy', url: 'https://example.com/privacy' },
        texts: { fr: { signupButton: 'Go' } },
        shareTarget: { type: 'external_url', url: 'https://example.com/landing' },
        sharing: { channels: ['email', 'copy_link'] },
        attributionWindowDays: 45,
      });
      const res = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: 'Copy', cloneFrom: id } });
      expect(res.status, res.body).toBe(201);
      const clone = res.json;
      expect(clone.id).not.toBe(id);
      expect(clone.id).toMatch(/^off_/);
      expect(clone.status).toBe('draft');
      expect(clone.approved).toBeNull();
      expect(clone.version).toBe(0);
      expect(clone.clonedFrom).toBe(id);
      expect(clone.name).toBe('Copy');
      expect(clone.draft).toEqual({ ...edited.draft, name: 'Copy' });
      expect(await getOffer(clone.id)).toEqual(clone);

      // The clone is independent of the source.
      await patchOk(clone.id, { goal: { count: 99 } });
      expect((await getOffer(id)).draft.goal.count).toBe(7);
      // And it can be approved on its own.
      const approvedClone = await expectApproves(clone.id);
      expect(approvedClone.approved.goal.count).toBe(99);
    });

    it('clones the approved version when no draft is open', async () => {
      const { id } = await approvableOffer('Approved only');
      const v1 = await expectApproves(id);
      const clone = await createOffer('Clone of approved', { cloneFrom: id });
      expect(clone.draft).toEqual({ ...v1.approved, name: 'Clone of approved' });
      expect(clone.clonedFrom).toBe(id);
    });

    it('refuses an unknown cloneFrom with 422 and creates nothing', async () => {
      const before = await t.call({ method: 'GET', url: '/api/v1/offers?limit=100' });
      const res = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: 'Copy', cloneFrom: 'off_doesNotExist0000' } });
      const details = expectError(res, 422, 'validation_failed');
      expect(details.map((d) => d.path)).toEqual(['cloneFrom']);
      const after = await t.call({ method: 'GET', url: '/api/v1/offers?limit=100' });
      expect(after.json.data.length).toBe(before.json.data.length);
    });

    it('refuses a malformed cloneFrom with 400', async () => {
      expectError(
        await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: 'Copy', cloneFrom: 'eml_notAnOffer' } }),
        400,
        'invalid_request',
      );
    });
  });

  // ----- approval rules, one at a time -----

  describe('approval rules', () => {
    it('a fresh offer reports every problem at once', async () => {
      const offer = await createOffer('Fresh');
      const details = await expectApprovalFails(offer.id, ['goal.type', 'rulesUrl', 'emails.signup', 'emails.fulfillment']);
      for (const d of details) expect(d.message.length).toBeGreaterThan(0);
    });

    it('many problems on a configured offer are all listed', async () => {
      const { id } = await approvableOffer('Many problems');
      await patchOk(id, {
        goal: { type: null },
        rulesUrl: 'ftp://example.com/rules',
        emails: { signup: null, fulfillment: 'eml_doesNotExist0000' },
        shareTarget: { type: 'external_url' },
        privacyPolicy: { title: 'Privacy', url: 'not a url' },
      });
      await expectApprovalFails(id, [
        'goal.type',
        'rulesUrl',
        'emails.signup',
        'emails.fulfillment',
        'shareTarget.url',
        'privacyPolicy.url',
      ]);
    });

    it('the base offer of these tests approves', async () => {
      const { id } = await approvableOffer();
      await expectApproves(id);
    });

    it('goal.type missing', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { goal: { type: null } });
      await expectApprovalFails(id, ['goal.type']);
    });

    it('rulesUrl missing', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { rulesUrl: null });
      await expectApprovalFails(id, ['rulesUrl']);
    });

    it('rulesUrl empty', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { rulesUrl: '' });
      await expectApprovalFails(id, ['rulesUrl']);
    });

    it.each(['javascript:alert(1)', 'ftp://x', 'example.com/rules', 'data:text/html,hi', 'mailto:a@example.com'])(
      'rulesUrl %s is not http(s)',
      async (url) => {
        const { id } = await approvableOffer();
        await patchOk(id, { rulesUrl: url });
        await expectApprovalFails(id, ['rulesUrl']);
      },
    );

    it('rulesUrl http:// passes', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { rulesUrl: 'http://example.com/rules' });
      await expectApproves(id);
    });

    it('signup email missing', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { emails: { signup: null } });
      await expectApprovalFails(id, ['emails.signup']);
    });

    it('signup email does not exist', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { emails: { signup: 'eml_doesNotExist0000' } });
      await expectApprovalFails(id, ['emails.signup']);
    });

    it('signup email not approved', async () => {
      const { id } = await approvableOffer();
      const unapproved = await createEmail('<p>draft only</p>', { approve: false });
      await patchOk(id, { emails: { signup: unapproved } });
      await expectApprovalFails(id, ['emails.signup']);
    });

    it('fulfillment email missing', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { emails: { fulfillment: null } });
      await expectApprovalFails(id, ['emails.fulfillment']);
    });

    it('fulfillment email does not exist', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { emails: { fulfillment: 'eml_doesNotExist0000' } });
      await expectApprovalFails(id, ['emails.fulfillment']);
    });

    it('fulfillment email not approved', async () => {
      const { id } = await approvableOffer();
      const unapproved = await createEmail('<p>draft only</p>', { approve: false });
      await patchOk(id, { emails: { fulfillment: unapproved } });
      await expectApprovalFails(id, ['emails.fulfillment']);
    });

    it('reshare email set but not approved', async () => {
      const { id } = await approvableOffer();
      const unapproved = await createEmail('<p>{{social.Share Url}}</p>', { approve: false });
      await patchOk(id, { emails: { reshare: unapproved } });
      await expectApprovalFails(id, ['emails.reshare']);
    });

    it('reshare email that does not exist', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { emails: { reshare: 'eml_doesNotExist0000' } });
      await expectApprovalFails(id, ['emails.reshare']);
    });

    it('reshare email approved passes', async () => {
      const { id } = await approvableOffer();
      const reshare = await createEmail('<p>{{social.Share Url}}</p>');
      await patchOk(id, { emails: { reshare } });
      const res = await expectApproves(id);
      expect(res.approved.emails.reshare).toBe(reshare);
    });

    it('external_url share target without a url', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { shareTarget: { type: 'external_url' } });
      await expectApprovalFails(id, ['shareTarget.url']);
    });

    it.each(['javascript:alert(1)', 'not a url', 'ftp://example.com/x'])('external_url share target with bad url %s', async (url) => {
      const { id } = await approvableOffer();
      await patchOk(id, { shareTarget: { type: 'external_url', url } });
      await expectApprovalFails(id, ['shareTarget.url']);
    });

    it('external_url share target with an https url passes', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { shareTarget: { type: 'external_url', url: 'https://example.com/landing' } });
      await expectApproves(id);
    });

    it('promo codes on with a fulfillment email lacking {{social.Promo Code}}', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { promoCodes: { enabled: true } });
      const details = await expectApprovalFails(id, ['promoCodes.enabled']);
      expect(details[0]!.message).toContain('{{social.Promo Code}}');
    });

    it('promo codes on with a fulfillment email containing {{social.Promo Code}} passes', async () => {
      const { id } = await approvableOffer();
      const fulfillment = await createEmail('<p>Your code: {{social.Promo Code}}</p>');
      await patchOk(id, { promoCodes: { enabled: true }, emails: { fulfillment } });
      const res = await expectApproves(id);
      expect(res.approved.promoCodes.enabled).toBe(true);
    });

    it('promo code token in the text part is enough', async () => {
      const { id } = await approvableOffer();
      const fulfillment = await createEmail('<p>Well done</p>', { text: 'Code: {{ social.Promo Code }}' });
      await patchOk(id, { promoCodes: { enabled: true }, emails: { fulfillment } });
      await expectApproves(id);
    });

    it('texts missing for an unsupported locale', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { locale: 'de' });
      const details = await expectApprovalFails(id, ['texts.de']);
      expect(details[0]!.message).toContain('de');
    });

    it('texts partly given for an unsupported locale still fail', async () => {
      const { id } = await approvableOffer();
      const some = Object.fromEntries(TEXT_KEYS.slice(0, 3).map((k) => [k, `DE ${k}`]));
      await patchOk(id, { locale: 'de', texts: { de: some } });
      await expectApprovalFails(id, ['texts.de']);
    });

    it('all texts given for an unsupported locale pass', async () => {
      const { id } = await approvableOffer();
      const all = Object.fromEntries(TEXT_KEYS.map((k) => [k, `DE ${k}`]));
      await patchOk(id, { locale: 'de', texts: { de: all } });
      const res = await expectApproves(id);
      expect(res.approved.locale).toBe('de');
      expect(Object.keys(res.approved.texts.de).sort()).toEqual([...TEXT_KEYS].sort());
    });

    it('a supported regional locale (fr-CA) passes on default texts', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { locale: 'fr-CA' });
      await expectApproves(id);
    });

    it('privacy policy with a bad URL', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { privacyPolicy: { title: 'Privacy', url: 'javascript:alert(1)' } });
      await expectApprovalFails(id, ['privacyPolicy.url']);
    });

    it('privacy policy with an empty title', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { privacyPolicy: { title: '  ', url: 'https://example.com/privacy' } });
      await expectApprovalFails(id, ['privacyPolicy.title']);
    });

    it('privacy policy with title and https URL passes', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { privacyPolicy: { title: 'Privacy', url: 'https://example.com/privacy' } });
      await expectApproves(id);
    });

    it('signup fields with email not required', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { signupFlow: { fields: [{ name: 'email', required: false }, { name: 'firstName', required: true }] } });
      await expectApprovalFails(id, ['signupFlow.fields']);
    });

    it('signup fields without email', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { signupFlow: { fields: [{ name: 'firstName', required: true }] } });
      await expectApprovalFails(id, ['signupFlow.fields']);
    });

    it('no sharing channel', async () => {
      const { id } = await approvableOffer();
      await patchOk(id, { sharing: { channels: [] } });
      await expectApprovalFails(id, ['sharing.channels']);
    });
  });

  // ----- schema refusals -----

  describe('schema refusals change nothing', () => {
    const cases: { name: string; payload: unknown; status?: number; code?: string; path?: string }[] = [
      { name: 'goal.count as a string', payload: { goal: { count: '5' } }, path: 'goal.count' },
      { name: 'goal.count 0', payload: { goal: { count: 0 } }, path: 'goal.count' },
      { name: 'goal.count -1', payload: { goal: { count: -1 } }, path: 'goal.count' },
      { name: 'goal.count 1.5', payload: { goal: { count: 1.5 } }, path: 'goal.count' },
      { name: 'promoCodes.enabled as a string', payload: { promoCodes: { enabled: 'true' } }, path: 'promoCodes.enabled' },
      { name: 'name as a number', payload: { name: 5 }, path: 'name' },
      { name: 'goal as an array', payload: { goal: [1] }, path: 'goal' },
      { name: 'unknown top-level field', payload: { colour: 'red' }, path: 'colour' },
      { name: 'unknown nested field', payload: { goal: { count: 2, bonus: 1 } }, path: 'goal.bonus' },
      { name: 'unknown text key', payload: { texts: { en: { notAText: 'x' } } } },
      { name: 'unknown share channel message', payload: { sharing: { messages: { myspace: 'x' } } } },
      { name: 'unknown enum value for goal.type', payload: { goal: { type: 'referred_purchases' } }, path: 'goal.type' },
      { name: 'unknown share target type', payload: { shareTarget: { type: 'anywhere' } }, path: 'shareTarget.type' },
      { name: 'bad email id', payload: { emails: { signup: 'off_notAnEmail' } }, path: 'emails.signup' },
      { name: 'attributionWindowDays 0', payload: { attributionWindowDays: 0 }, path: 'attributionWindowDays' },
      { name: 'bad locale', payload: { locale: 'DE_de!' }, path: 'locale' },
      { name: 'null name', payload: { name: null }, path: 'name' },
      { name: 'partial privacy policy', payload: { privacyPolicy: { title: 'only a title' } } },
      { name: 'empty PATCH', payload: {} },
      { name: 'a JSON array', payload: [] },
      { name: 'a JSON string', payload: 'hello' },
    ];

    it.each(cases)('$name -> 400 invalid_request', async ({ payload, path }) => {
      const offer = await createOffer('Schema target');
      await patchOk(offer.id, { goal: { type: 'referred_visits', count: 3 } });
      const before = await getOffer(offer.id);
      t.clock.advance(1000);
      const res = await t.call({
        method: 'PATCH',
        url: `/api/v1/offers/${offer.id}/draft`,
        payload: JSON.stringify(payload),
        headers: { 'content-type': 'application/json' },
      });
      const details = expectError(res, 400, 'invalid_request');
      if (path) expect(details.map((d) => d.path)).toContain(path);
      expect(await getOffer(offer.id)).toEqual(before);
    });

    it.each([
      { name: 'malformed JSON', body: '{"goal": {"count": 5}', code: 'malformed_json' },
      { name: 'trailing garbage', body: '{"goal": {"count": 5}} x', code: 'malformed_json' },
      { name: '__proto__ key', body: '{"__proto__":{"x":1}}' },
      { name: 'nested __proto__ key', body: '{"goal":{"__proto__":{"count":7}}}' },
      { name: 'constructor.prototype', body: '{"constructor":{"prototype":{}}}' },
    ])('$name -> 400', async ({ body, code }) => {
      const offer = await createOffer('Parser target');
      const before = await getOffer(offer.id);
      t.clock.advance(1000);
      const res = await t.call({
        method: 'PATCH',
        url: `/api/v1/offers/${offer.id}/draft`,
        payload: body,
        headers: { 'content-type': 'application/json' },
      });
      expectError(res, 400, code ?? res.json?.error?.code);
      expect(['malformed_json', 'invalid_request']).toContain(res.json.error.code);
      expect(await getOffer(offer.id)).toEqual(before);
      // Nothing leaked onto Object.prototype.
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      expect(({} as Record<string, unknown>).count).toBeUndefined();
    });

    it('a body over 256 KiB -> 413 payload_too_large', async () => {
      const offer = await createOffer('Big body target');
      const before = await getOffer(offer.id);
      const body = JSON.stringify({ description: 'x'.repeat(256 * 1024 + 10) });
      const res = await t.call({
        method: 'PATCH',
        url: `/api/v1/offers/${offer.id}/draft`,
        payload: body,
        headers: { 'content-type': 'application/json' },
      });
      expectError(res, 413, 'payload_too_large');
      expect(await getOffer(offer.id)).toEqual(before);
    });

    it('a body over 256 KiB on create -> 413 and no offer', async () => {
      const before = await t.call({ method: 'GET', url: '/api/v1/offers?limit=100' });
      const res = await t.call({
        method: 'POST',
        url: '/api/v1/offers',
        payload: JSON.stringify({ name: 'big', description: 'y'.repeat(300 * 1024) }),
        headers: { 'content-type': 'application/json' },
      });
      expectError(res, 413, 'payload_too_large');
      const after = await t.call({ method: 'GET', url: '/api/v1/offers?limit=100' });
      expect(after.json.data.length).toBe(before.json.data.length);
    });

    it('a non-JSON content type -> 415', async () => {
      const offer = await createOffer('Media type target');
      const res = await t.call({
        method: 'PATCH',
        url: `/api/v1/offers/${offer.id}/draft`,
        payload: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expectError(res, 415, 'unsupported_media_type');
      expect((await getOffer(offer.id)).draft).toEqual(offer.draft);
    });
  });
});
