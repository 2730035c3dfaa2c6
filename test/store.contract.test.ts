/**
 * The store contract: one suite, run unchanged against SQLite and PostgreSQL.
 * Never skipped: PostgreSQL comes from the vitest global setup, which fails the
 * run when the server cannot start.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { defaultOfferSettings } from '../src/domain/offers/settings.js';
import type { Offer, OfferStatus } from '../src/domain/offers/offer.js';
import type { Email } from '../src/domain/messages/email.js';
import { migrateToLatest, openStore } from '../src/store/store.js';
import type { Store } from '../src/store/store.js';
import { migrationProvider } from '../src/store/migrations/index.js';
import { decodeCursor } from '../src/store/repositories/cursor.js';
import type { Page } from '../src/store/repositories/cursor.js';
import { findOffer, insertOffer, listOffers, updateOffer } from '../src/store/repositories/offer.repository.js';
import { findEmail, findEmails, listEmails, saveEmail } from '../src/store/repositories/email.repository.js';
import {
  countApiKeys,
  findActiveApiKeyByHash,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  touchApiKey,
} from '../src/store/repositories/api-key.repository.js';
import type { ApiKeyRecord } from '../src/store/repositories/api-key.repository.js';
import { DIALECTS, freshStoreUrl, openTestStore } from './support/stores.js';
import type { TestStore } from './support/stores.js';

const T0 = '2026-11-01T12:00:00.000Z';

function makeOffer(id: string, overrides: Partial<Offer> = {}): Offer {
  const draft = defaultOfferSettings(`Offer ${id}`);
  return {
    id,
    name: draft.name,
    status: 'draft',
    version: 0,
    approved: null,
    draft,
    clonedFrom: null,
    createdAt: T0,
    updatedAt: T0,
    approvedAt: null,
    archivedAt: null,
    ...overrides,
  };
}

function makeEmail(id: string, overrides: Partial<Email> = {}): Email {
  return {
    id,
    name: `Email ${id}`,
    locale: 'en',
    status: 'draft',
    draft: { en: { subject: 'Hi {{lead.First Name}}', html: '<p>Hello</p>', text: null } },
    approved: null,
    createdAt: T0,
    updatedAt: T0,
    approvedAt: null,
    ...overrides,
  };
}

function makeKey(id: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id,
    name: `key ${id}`,
    role: 'marketer',
    awards: false,
    prefix: 'gp_abcd',
    createdAt: T0,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

/** Follows nextCursor until the end; fails on a runaway loop. */
async function collectPages<T>(fetch: (after: ReturnType<typeof decodeCursor>) => Promise<Page<T>>): Promise<{ rows: T[]; pages: number }> {
  const rows: T[] = [];
  let after: ReturnType<typeof decodeCursor> = null;
  for (let pages = 1; pages <= 100; pages++) {
    const page = await fetch(after);
    rows.push(...page.data);
    if (!page.nextCursor) return { rows, pages };
    expect(page.data.length).toBeGreaterThan(0);
    after = decodeCursor(page.nextCursor);
    expect(after).not.toBeNull();
  }
  throw new Error('pagination did not end after 100 pages');
}

/**
 * Rows for pagination tests: ids that sort the same in every collation (same
 * length, lower case and digits), inserted in a shuffled order, with groups of
 * rows sharing one created_at.
 */
function paginationFixtures(prefix: string, count: number): { id: string; createdAt: string; status: OfferStatus }[] {
  const rows = Array.from({ length: count }, (_, i) => ({
    id: `${prefix}_${String(i).padStart(4, '0')}`,
    // 3 rows per timestamp: ties broken by id.
    createdAt: new Date(Date.parse(T0) + Math.floor(i / 3) * 1000).toISOString(),
    status: (['draft', 'approved', 'archived'] as const)[(i * 7) % 3]!,
  }));
  // Deterministic shuffle so insertion order is not the listing order.
  return rows.map((r, i) => ({ r, k: (i * 37) % count })).sort((a, b) => a.k - b.k).map((x) => x.r);
}

function newestFirst(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

describe.each(DIALECTS)('store contract (%s)', (dialect) => {
  let testStore: TestStore;
  let store: Store;

  beforeEach(async () => {
    testStore = await openTestStore(dialect);
    store = testStore.store;
  });
  afterEach(async () => {
    await testStore.close();
  });

  describe('migrations', () => {
    it('apply once on a fresh store and are idempotent', async () => {
      const { url, cleanup } = await freshStoreUrl(dialect);
      const fresh = await openStore(url);
      try {
        expect(fresh.dialect).toBe(dialect);
        // Every migration, in name order (other migrations join the list over time).
        const all = Object.keys(await migrationProvider.getMigrations()).sort();
        expect(all[0]).toBe('0001-foundation');
        const first = await migrateToLatest(fresh);
        expect(first.applied).toEqual(all);
        const second = await migrateToLatest(fresh);
        expect(second.applied).toEqual([]);
        // The tables are there and empty.
        expect(await countApiKeys(fresh.db)).toBe(0);
        expect(await fresh.db.selectFrom('offers').selectAll().execute()).toEqual([]);
        expect(await fresh.db.selectFrom('emails').selectAll().execute()).toEqual([]);
        expect(await fresh.db.selectFrom('idempotency_keys').selectAll().execute()).toEqual([]);
      } finally {
        await fresh.close();
        cleanup();
      }
    });

    it('apply nothing on a store that is already migrated (and reopened)', async () => {
      expect((await migrateToLatest(store)).applied).toEqual([]);
      const again = await openStore(testStore.url);
      try {
        expect((await migrateToLatest(again)).applied).toEqual([]);
      } finally {
        await again.close();
      }
    });
  });

  describe('constraints', () => {
    it('rejects a second API key with the same hash', async () => {
      await insertApiKey(store.db, makeKey('key_a'), 'hash-1');
      await expect(insertApiKey(store.db, makeKey('key_b'), 'hash-1')).rejects.toThrow();
      expect(await countApiKeys(store.db)).toBe(1);
    });

    it('rejects duplicate primary keys', async () => {
      await insertOffer(store.db, makeOffer('off_dup'));
      await expect(insertOffer(store.db, makeOffer('off_dup'))).rejects.toThrow();
      await saveEmail(store.db, makeEmail('eml_dup'), true);
      await expect(saveEmail(store.db, makeEmail('eml_dup'), true)).rejects.toThrow();
      await store.db
        .insertInto('idempotency_keys')
        .values({ scope: 's', key: 'k', request_hash: 'h', status_code: null, response_json: null, created_at: T0 })
        .execute();
      await expect(
        store.db
          .insertInto('idempotency_keys')
          .values({ scope: 's', key: 'k', request_hash: 'h2', status_code: null, response_json: null, created_at: T0 })
          .execute(),
      ).rejects.toThrow();
    });

    it('enforces foreign keys', async () => {
      // The foundation schema has no foreign keys yet; later migrations rely on the store enforcing them
      // (SQLite only does with PRAGMA foreign_keys = ON, which openStore sets).
      await sql`CREATE TABLE contract_parent (id TEXT PRIMARY KEY)`.execute(store.db);
      await sql`CREATE TABLE contract_child (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES contract_parent (id))`.execute(store.db);
      await sql`INSERT INTO contract_parent (id) VALUES ('p1')`.execute(store.db);
      await sql`INSERT INTO contract_child (id, parent_id) VALUES ('c1', 'p1')`.execute(store.db);
      await expect(sql`INSERT INTO contract_child (id, parent_id) VALUES ('c2', 'missing')`.execute(store.db)).rejects.toThrow();
      await expect(sql`DELETE FROM contract_parent WHERE id = 'p1'`.execute(store.db)).rejects.toThrow();
    });
  });

  describe('offer repository', () => {
    it('round-trips an offer: JSON settings and nulls intact', async () => {
      const draft = defaultOfferSettings('Spring «Referral» — 10% off 🎉 "quoted" \\ back\nslash');
      draft.texts = { fr: { signupTitle: 'Inscrivez-vous' } } as typeof draft.texts;
      draft.privacyPolicy = null;
      draft.goal = { type: 'referred_signups', count: 3 };
      const offer = makeOffer('off_roundtrip', { draft, name: draft.name });

      expect(await findOffer(store.db, 'off_roundtrip')).toBeNull();
      await insertOffer(store.db, offer);
      const read = await findOffer(store.db, 'off_roundtrip');
      expect(read).toEqual(offer);
      expect(read!.approved).toBeNull();
      expect(read!.clonedFrom).toBeNull();
      expect(read!.approvedAt).toBeNull();
      expect(read!.archivedAt).toBeNull();
      expect(read!.draft!.program).toBeNull();
      expect(read!.draft!.privacyPolicy).toBeNull();
      expect(typeof read!.version).toBe('number');

      // Approve: the draft becomes the approved version, the draft is cleared.
      const approved: Offer = {
        ...offer,
        status: 'approved',
        approved: offer.draft,
        draft: null,
        version: 1,
        updatedAt: '2026-11-02T08:00:00.000Z',
        approvedAt: '2026-11-02T08:00:00.000Z',
      };
      await updateOffer(store.db, approved);
      expect(await findOffer(store.db, 'off_roundtrip')).toEqual(approved);

      // Archive and open a new draft at once; created_at and cloned_from never change.
      const next = defaultOfferSettings('Renamed');
      const archived: Offer = {
        ...approved,
        status: 'archived',
        draft: next,
        name: 'Renamed',
        updatedAt: '2026-11-03T08:00:00.000Z',
        archivedAt: '2026-11-03T08:00:00.000Z',
      };
      await updateOffer(store.db, archived);
      const final = await findOffer(store.db, 'off_roundtrip');
      expect(final).toEqual(archived);
      expect(final!.createdAt).toBe(T0);
    });

    it('keeps cloned_from', async () => {
      await insertOffer(store.db, makeOffer('off_source'));
      await insertOffer(store.db, makeOffer('off_clone', { clonedFrom: 'off_source' }));
      expect((await findOffer(store.db, 'off_clone'))!.clonedFrom).toBe('off_source');
    });

    it('updates only the offer it names', async () => {
      await insertOffer(store.db, makeOffer('off_one'));
      await insertOffer(store.db, makeOffer('off_two'));
      await updateOffer(store.db, makeOffer('off_one', { status: 'archived', archivedAt: T0 }));
      expect((await findOffer(store.db, 'off_two'))!.status).toBe('draft');
    });

    it('lists every offer exactly once, newest first, across pages (ties on created_at broken by id)', async () => {
      const fixtures = paginationFixtures('off', 23);
      for (const f of fixtures) await insertOffer(store.db, makeOffer(f.id, { createdAt: f.createdAt, status: f.status }));
      const expected = [...fixtures].sort(newestFirst).map((f) => f.id);

      for (const limit of [1, 3, 4, 22, 23, 50]) {
        const { rows, pages } = await collectPages((after) => listOffers(store.db, { limit, after, status: null }));
        const ids = rows.map((o) => o.id);
        expect(ids, `limit ${limit}`).toEqual(expected);
        expect(new Set(ids).size).toBe(ids.length);
        // No empty trailing page when the last page is exactly full.
        expect(pages, `limit ${limit}`).toBe(Math.max(1, Math.ceil(expected.length / limit)));
      }
    });

    it('filters the listing by status, across pages', async () => {
      const fixtures = paginationFixtures('off', 20);
      for (const f of fixtures) await insertOffer(store.db, makeOffer(f.id, { createdAt: f.createdAt, status: f.status }));
      for (const status of ['draft', 'approved', 'archived'] as const) {
        const expected = fixtures.filter((f) => f.status === status).sort(newestFirst).map((f) => f.id);
        expect(expected.length).toBeGreaterThan(0);
        const { rows } = await collectPages((after) => listOffers(store.db, { limit: 2, after, status }));
        expect(rows.map((o) => o.id)).toEqual(expected);
        expect(rows.every((o) => o.status === status)).toBe(true);
      }
    });

    it('lists nothing from an empty store', async () => {
      expect(await listOffers(store.db, { limit: 10, after: null, status: null })).toEqual({ data: [], nextCursor: null });
    });
  });

  describe('email repository', () => {
    it('round-trips an email: JSON content and nulls intact', async () => {
      const email = makeEmail('eml_roundtrip', {
        draft: {
          en: { subject: 'You earned {{offer.credit}} — «merci» 🎉', html: '<p>"quoted" \\ </p>', text: null },
          de: { subject: 'Danke', html: '<p>Hallo</p>', text: 'Hallo' },
        },
      });
      expect(await findEmail(store.db, 'eml_roundtrip')).toBeNull();
      await saveEmail(store.db, email, true);
      expect(await findEmail(store.db, 'eml_roundtrip')).toEqual(email);

      const approved: Email = {
        ...email,
        status: 'approved',
        approved: email.draft,
        draft: null,
        name: 'Renamed',
        updatedAt: '2026-11-02T08:00:00.000Z',
        approvedAt: '2026-11-02T08:00:00.000Z',
      };
      await saveEmail(store.db, approved, false);
      const read = await findEmail(store.db, 'eml_roundtrip');
      expect(read).toEqual(approved);
      expect(read!.draft).toBeNull();
      expect(read!.approved!.en!.text).toBeNull();
      expect(read!.createdAt).toBe(T0);
    });

    it('finds several emails by id', async () => {
      await saveEmail(store.db, makeEmail('eml_a'), true);
      await saveEmail(store.db, makeEmail('eml_b'), true);
      await saveEmail(store.db, makeEmail('eml_c'), true);
      expect(await findEmails(store.db, [])).toEqual([]);
      const found = await findEmails(store.db, ['eml_c', 'eml_a', 'eml_missing']);
      expect(found.map((e) => e.id).sort()).toEqual(['eml_a', 'eml_c']);
    });

    it('lists every email exactly once, newest first, across pages (ties on created_at broken by id)', async () => {
      const fixtures = paginationFixtures('eml', 17);
      for (const f of fixtures) await saveEmail(store.db, makeEmail(f.id, { createdAt: f.createdAt }), true);
      const expected = [...fixtures].sort(newestFirst).map((f) => f.id);
      for (const limit of [1, 2, 5, 17, 100]) {
        const { rows, pages } = await collectPages((after) => listEmails(store.db, { limit, after }));
        expect(rows.map((e) => e.id), `limit ${limit}`).toEqual(expected);
        expect(pages, `limit ${limit}`).toBe(Math.ceil(expected.length / limit));
      }
      expect(await listEmails(store.db, { limit: 5, after: { at: '2000-01-01T00:00:00.000Z', id: 'eml_0000' } })).toEqual({
        data: [],
        nextCursor: null,
      });
    });
  });

  describe('api-key repository', () => {
    it('inserts, finds by hash, lists, touches, revokes once and counts', async () => {
      expect(await countApiKeys(store.db)).toBe(0);
      const admin = makeKey('key_admin', { role: 'administrator', awards: true, name: 'admin' });
      const marketer = makeKey('key_marketer', { createdAt: '2026-11-01T12:00:01.000Z' });
      await insertApiKey(store.db, admin, 'hash-admin');
      await insertApiKey(store.db, marketer, 'hash-marketer');
      expect(await countApiKeys(store.db)).toBe(2);

      expect(await findActiveApiKeyByHash(store.db, 'hash-admin')).toEqual(admin);
      expect(await findActiveApiKeyByHash(store.db, 'hash-marketer')).toEqual(marketer);
      expect(await findActiveApiKeyByHash(store.db, 'hash-unknown')).toBeNull();
      expect(await listApiKeys(store.db)).toEqual([admin, marketer]);

      await touchApiKey(store.db, 'key_marketer', '2026-11-01T13:00:00.000Z');
      expect((await findActiveApiKeyByHash(store.db, 'hash-marketer'))!.lastUsedAt).toBe('2026-11-01T13:00:00.000Z');

      expect(await revokeApiKey(store.db, 'key_marketer', '2026-11-01T14:00:00.000Z')).toBe(true);
      expect(await revokeApiKey(store.db, 'key_marketer', '2026-11-01T15:00:00.000Z')).toBe(false);
      expect(await revokeApiKey(store.db, 'key_missing', '2026-11-01T15:00:00.000Z')).toBe(false);
      expect(await findActiveApiKeyByHash(store.db, 'hash-marketer')).toBeNull();
      expect(await findActiveApiKeyByHash(store.db, 'hash-admin')).toEqual(admin);

      // Revoked keys stay listed (with the first revocation time) and counted.
      const listed = await listApiKeys(store.db);
      expect(listed.map((k) => [k.id, k.revokedAt])).toEqual([
        ['key_admin', null],
        ['key_marketer', '2026-11-01T14:00:00.000Z'],
      ]);
      expect(await countApiKeys(store.db)).toBe(2);
    });
  });

  describe('transactions', () => {
    it('roll back everything when the callback throws', async () => {
      const boom = new Error('boom');
      await expect(
        store.db.transaction().execute(async (trx) => {
          await insertOffer(trx, makeOffer('off_tx'));
          await saveEmail(trx, makeEmail('eml_tx'), true);
          await insertApiKey(trx, makeKey('key_tx'), 'hash-tx');
          expect(await findOffer(trx, 'off_tx')).not.toBeNull();
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await findOffer(store.db, 'off_tx')).toBeNull();
      expect(await findEmail(store.db, 'eml_tx')).toBeNull();
      expect(await countApiKeys(store.db)).toBe(0);
    });

    it('roll back an update when a later statement fails', async () => {
      await insertOffer(store.db, makeOffer('off_keep'));
      await insertApiKey(store.db, makeKey('key_taken'), 'hash-taken');
      await expect(
        store.db.transaction().execute(async (trx) => {
          await updateOffer(trx, makeOffer('off_keep', { status: 'archived', archivedAt: T0 }));
          await insertApiKey(trx, makeKey('key_other'), 'hash-taken'); // unique violation
        }),
      ).rejects.toThrow();
      expect((await findOffer(store.db, 'off_keep'))!.status).toBe('draft');
      expect(await countApiKeys(store.db)).toBe(1);
    });

    it('commit when the callback returns', async () => {
      const result = await store.db.transaction().execute(async (trx) => {
        await insertOffer(trx, makeOffer('off_commit'));
        return 'done';
      });
      expect(result).toBe('done');
      expect((await findOffer(store.db, 'off_commit'))!.id).toBe('off_commit');
    });
  });
});
