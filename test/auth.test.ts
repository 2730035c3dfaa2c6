import { createHash } from 'node:crypto';
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

describe.each(DIALECTS)('auth and the HTTP edge on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(() => t.close());

  async function createOffer(name: string, key?: string): Promise<Call> {
    return t.call({ method: 'POST', url: '/api/v1/offers', payload: { name }, ...(key ? { key } : {}) });
  }

  async function countOffersNamed(name: string): Promise<number> {
    const res = await t.call({ method: 'GET', url: '/api/v1/offers?limit=100' });
    expect(res.status).toBe(200);
    expect(res.json.nextCursor).toBeNull();
    return res.json.data.filter((o: { name: string }) => o.name === name).length;
  }

  /** An offer that passes approval, made with the given key. */
  async function approvableOffer(key: string): Promise<string> {
    const ids: string[] = [];
    for (const html of ['<p>{{social.Share Url}}</p>', '<p>Well done</p>']) {
      const email = await t.call({ method: 'POST', url: '/api/v1/emails', key, payload: { name: 'e', subject: 's', html } });
      expect(email.status, email.body).toBe(201);
      const approved = await t.call({ method: 'POST', url: `/api/v1/emails/${email.json.id}/approve`, key });
      expect(approved.status, approved.body).toBe(200);
      ids.push(email.json.id);
    }
    const offer = await createOffer('approvable', key);
    expect(offer.status, offer.body).toBe(201);
    const patched = await t.call({
      method: 'PATCH',
      url: `/api/v1/offers/${offer.json.id}/draft`,
      key,
      payload: {
        goal: { type: 'referred_visits', count: 2 },
        emails: { signup: ids[0], fulfillment: ids[1] },
        rulesUrl: 'https://example.com/rules',
      },
    });
    expect(patched.status, patched.body).toBe(200);
    return offer.json.id as string;
  }

  describe('authentication', () => {
    it('refuses a request without Authorization with 401 unauthorized', async () => {
      expectError(await t.call({ method: 'GET', url: '/api/v1/offers', key: null }), 401, 'unauthorized');
      const before = await countOffersNamed('no key');
      expectError(await t.call({ method: 'POST', url: '/api/v1/offers', key: null, payload: { name: 'no key' } }), 401, 'unauthorized');
      expect(await countOffersNamed('no key')).toBe(before);
    });

    it('refuses a wrong key and a malformed header with 401', async () => {
      expectError(await t.call({ method: 'GET', url: '/api/v1/offers', key: 'gp_wrong_key_000000000000000000' }), 401, 'unauthorized');
      expectError(await t.call({ method: 'GET', url: '/api/v1/offers', key: '' }), 401, 'unauthorized');
      for (const authorization of [t.keys.administrator, `Basic ${t.keys.administrator}`, 'Bearer', `Token ${t.keys.administrator}`]) {
        expectError(await t.call({ method: 'GET', url: '/api/v1/offers', key: null, headers: { authorization } }), 401, 'unauthorized');
      }
      // The right key with the right scheme works (case-insensitive scheme).
      const ok = await t.call({ method: 'GET', url: '/api/v1/offers', key: null, headers: { authorization: `bearer ${t.keys.administrator}` } });
      expect(ok.status, ok.body).toBe(200);
    });

    it('refuses a revoked key with 401', async () => {
      const created = await t.call({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'temp', role: 'marketer' } });
      expect(created.status, created.body).toBe(201);
      const secret: string = created.json.secret;
      expect((await t.call({ method: 'GET', url: '/api/v1/offers', key: secret })).status).toBe(200);

      const revoked = await t.call({ method: 'DELETE', url: `/api/v1/api-keys/${created.json.key.id}` });
      expect(revoked.status, revoked.body).toBe(204);
      expectError(await t.call({ method: 'GET', url: '/api/v1/offers', key: secret }), 401, 'unauthorized');
      expectError(await createOffer('by revoked key', secret), 401, 'unauthorized');

      const list = await t.call({ method: 'GET', url: '/api/v1/api-keys' });
      const row = list.json.data.find((k: { id: string }) => k.id === created.json.key.id);
      expect(row.revokedAt).toBe(t.clock.now().toISOString());
      // Revoking twice, or an unknown key: 404.
      expectError(await t.call({ method: 'DELETE', url: `/api/v1/api-keys/${created.json.key.id}` }), 404, 'not_found');
      expectError(await t.call({ method: 'DELETE', url: '/api/v1/api-keys/key_doesNotExist0000' }), 404, 'not_found');
    });
  });

  describe('roles', () => {
    it('analyst: may read, may not write or approve', async () => {
      const analyst = t.keys.analyst;
      const id = await approvableOffer(t.keys.marketer);
      const list = await t.call({ method: 'GET', url: '/api/v1/offers', key: analyst });
      expect(list.status, list.body).toBe(200);
      const one = await t.call({ method: 'GET', url: `/api/v1/offers/${id}`, key: analyst });
      expect(one.status, one.body).toBe(200);
      expect((await t.call({ method: 'GET', url: '/api/v1/emails', key: analyst })).status).toBe(200);

      const before = await countOffersNamed('by analyst');
      expectError(await createOffer('by analyst', analyst), 403, 'forbidden');
      expect(await countOffersNamed('by analyst')).toBe(before);

      expectError(await t.call({ method: 'POST', url: `/api/v1/offers/${id}/approve`, key: analyst }), 403, 'forbidden');
      expectError(await t.call({ method: 'PATCH', url: `/api/v1/offers/${id}/draft`, key: analyst, payload: { name: 'x' } }), 403, 'forbidden');
      expectError(await t.call({ method: 'POST', url: `/api/v1/offers/${id}/archive`, key: analyst }), 403, 'forbidden');
      expectError(
        await t.call({ method: 'POST', url: '/api/v1/emails', key: analyst, payload: { name: 'n', subject: 's', html: 'h' } }),
        403,
        'forbidden',
      );
      expectError(await t.call({ method: 'GET', url: '/api/v1/api-keys', key: analyst }), 403, 'forbidden');
      // Nothing changed.
      const after = await t.call({ method: 'GET', url: `/api/v1/offers/${id}` });
      expect(after.json).toEqual(one.json);
      expect(after.json.status).toBe('draft');
    });

    it('marketer: creates and approves offers, but may not manage API keys', async () => {
      const marketer = t.keys.marketer;
      const id = await approvableOffer(marketer);
      const approved = await t.call({ method: 'POST', url: `/api/v1/offers/${id}/approve`, key: marketer });
      expect(approved.status, approved.body).toBe(200);
      expect(approved.json.status).toBe('approved');

      expectError(await t.call({ method: 'GET', url: '/api/v1/api-keys', key: marketer }), 403, 'forbidden');
      const keysBefore = (await t.call({ method: 'GET', url: '/api/v1/api-keys' })).json.data.length;
      expectError(
        await t.call({ method: 'POST', url: '/api/v1/api-keys', key: marketer, payload: { name: 'escalate', role: 'administrator' } }),
        403,
        'forbidden',
      );
      expect((await t.call({ method: 'GET', url: '/api/v1/api-keys' })).json.data.length).toBe(keysBefore);
      const adminKeyId = (await t.call({ method: 'GET', url: '/api/v1/api-keys' })).json.data.find(
        (k: { role: string }) => k.role === 'administrator',
      ).id;
      expectError(await t.call({ method: 'DELETE', url: `/api/v1/api-keys/${adminKeyId}`, key: marketer }), 403, 'forbidden');
      // The administrator key still works.
      expect((await t.call({ method: 'GET', url: '/api/v1/api-keys' })).status).toBe(200);
    });
  });

  describe('API keys', () => {
    it('shows the secret once; listing never shows secrets or hashes', async () => {
      const created = await t.call({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'reporting', role: 'analyst' } });
      expect(created.status, created.body).toBe(201);
      const secret: string = created.json.secret;
      expect(typeof secret).toBe('string');
      expect(secret.length).toBeGreaterThanOrEqual(20);
      expect(created.json.key).toMatchObject({ name: 'reporting', role: 'analyst', awards: false, revokedAt: null });
      expect(created.json.key.id).toMatch(/^key_/);
      expect(secret.startsWith(created.json.key.prefix)).toBe(true);
      expect(created.json.key.prefix.length).toBeLessThan(secret.length / 2);
      expect(Object.keys(created.json.key)).not.toContain('secret');
      expect(Object.keys(created.json.key)).not.toContain('hash');

      // The new key works with its role.
      expect((await t.call({ method: 'GET', url: '/api/v1/offers', key: secret })).status).toBe(200);
      expectError(await createOffer('analyst via new key', secret), 403, 'forbidden');

      const list = await t.call({ method: 'GET', url: '/api/v1/api-keys' });
      expect(list.status).toBe(200);
      const hash = createHash('sha256').update(secret).digest('hex');
      const adminHash = createHash('sha256').update(t.keys.administrator).digest('hex');
      for (const needle of [secret, hash, t.keys.administrator, adminHash, t.keys.marketer, t.keys.analyst]) {
        expect(list.body).not.toContain(needle);
      }
      for (const key of list.json.data) {
        expect(Object.keys(key).sort()).toEqual(['awards', 'createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'role']);
      }
      expect(list.json.data.map((k: { id: string }) => k.id)).toContain(created.json.key.id);
    });

    it('refuses an unknown role', async () => {
      expectError(await t.call({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'x', role: 'superuser' } }), 400, 'invalid_request');
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the first offer again and creates only one', async () => {
      const name = 'Idempotent offer';
      const headers = { 'idempotency-key': 'create-offer-1' };
      const first = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name }, headers });
      expect(first.status, first.body).toBe(201);
      t.clock.advance(1000);
      const second = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name }, headers });
      expect(second.status, second.body).toBe(201);
      expect(second.json.id).toBe(first.json.id);
      expect(second.json).toEqual(first.json);
      expect(await countOffersNamed(name)).toBe(1);

      // Same key, different body: refused, nothing created.
      const reused = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: 'Another name' }, headers });
      expectError(reused, 422, 'idempotency_key_reused');
      expect(await countOffersNamed('Another name')).toBe(0);
      expect(await countOffersNamed(name)).toBe(1);

      // A new key makes a new offer.
      const third = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name }, headers: { 'idempotency-key': 'create-offer-2' } });
      expect(third.status).toBe(201);
      expect(third.json.id).not.toBe(first.json.id);
      expect(await countOffersNamed(name)).toBe(2);
    });

    it('replays a refusal too, without running the request again', async () => {
      const headers = { 'idempotency-key': 'clone-missing-1' };
      const payload = { name: 'Clone of nothing', cloneFrom: 'off_doesNotExist0000' };
      const first = await t.call({ method: 'POST', url: '/api/v1/offers', payload, headers });
      expectError(first, 422, 'validation_failed');
      const second = await t.call({ method: 'POST', url: '/api/v1/offers', payload, headers });
      expectError(second, 422, 'validation_failed');
      expect(second.json).toEqual(first.json);
    });

    it('keys are per API key: another key with the same Idempotency-Key gets its own offer', async () => {
      const name = 'Per-key idempotency';
      const headers = { 'idempotency-key': 'shared-key-1' };
      const a = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name }, headers });
      const b = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name }, headers, key: t.keys.marketer });
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.json.id).not.toBe(a.json.id);
      expect(await countOffersNamed(name)).toBe(2);
    });

    it('refuses a malformed Idempotency-Key', async () => {
      const name = 'Bad idempotency key';
      expectError(
        await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name }, headers: { 'idempotency-key': 'has spaces in it' } }),
        400,
        'invalid_request',
      );
      expect(await countOffersNamed(name)).toBe(0);
    });
  });

  describe('edge', () => {
    it('GET /healthz answers 200 without a key', async () => {
      const res = await t.call({ method: 'GET', url: '/healthz', key: null });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ ok: true, store: dialect });
    });

    it('serves the OpenAPI 3.1 document', async () => {
      const res = await t.call({ method: 'GET', url: '/api/v1/openapi.json', key: null });
      expect(res.status, res.body).toBe(200);
      expect(res.json.openapi).toBe('3.1.0');
      const paths = Object.keys(res.json.paths);
      for (const p of ['/api/v1/offers', '/api/v1/offers/{id}', '/api/v1/offers/{id}/draft', '/api/v1/offers/{id}/approve', '/api/v1/emails/{id}/approve']) {
        expect(paths).toContain(p);
      }
      expect(res.json.paths['/api/v1/offers/{id}/approve'].post).toBeDefined();
    });

    it('answers an unknown route with 404 in the error shape', async () => {
      expectError(await t.call({ method: 'GET', url: '/api/v1/nothing-here' }), 404, 'not_found');
      expectError(await t.call({ method: 'GET', url: '/no/such/page', key: null }), 404, 'not_found');
      expectError(await t.call({ method: 'PUT', url: '/api/v1/offers' }), 404, 'not_found');
    });
  });
});
