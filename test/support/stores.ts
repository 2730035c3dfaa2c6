import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { migrateToLatest, openStore } from '../../src/store/store.js';
import type { DialectName, Store } from '../../src/store/store.js';
import { createTestDatabase } from './postgres.js';

/** The stores every storage-facing suite runs against. `TEST_STORES=sqlite` narrows the list. */
export const DIALECTS: DialectName[] = (process.env.TEST_STORES?.split(',') as DialectName[] | undefined) ?? ['sqlite', 'postgres'];

export interface TestStore {
  store: Store;
  url: string;
  close(): Promise<void>;
}

/** A fresh, migrated store: a new SQLite file, or a new database on the run's PostgreSQL server. */
export async function freshStoreUrl(dialect: DialectName): Promise<{ url: string; cleanup: () => void }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'goalpost-test-'));
    return { url: `sqlite:${join(dir, 'goalpost.db')}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  return { url: await createTestDatabase(inject('postgresUrl')), cleanup: () => undefined };
}

export async function openTestStore(dialect: DialectName): Promise<TestStore> {
  const { url, cleanup } = await freshStoreUrl(dialect);
  const store = await openStore(url);
  await migrateToLatest(store);
  return {
    store,
    url,
    close: async () => {
      await store.close();
      cleanup();
    },
  };
}
