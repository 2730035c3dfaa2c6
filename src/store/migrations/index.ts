import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-foundation.js';
import * as m0002 from './0002-referral-loop.js';
import * as m0003 from './0003-campaigns.js';
import * as m0004 from './0004-accounts-and-reports.js';

/**
 * Migrations are imported statically (not read from a folder at run time) so
 * the same list works from `src/` under tsx and from the compiled `dist/`.
 */
const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-referral-loop': m0002,
  '0003-campaigns': m0003,
  '0004-accounts-and-reports': m0004,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
