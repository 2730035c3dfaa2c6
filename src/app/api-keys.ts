import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { newId, randomToken } from '../domain/ids.js';
import { isRole } from '../domain/access.js';
import type { Principal, Role } from '../domain/access.js';
import type { Database } from '../store/schema.js';
import {
  countApiKeys,
  findActiveApiKeyByHash,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  touchApiKey,
} from '../store/repositories/api-key.repository.js';
import type { ApiKeyRecord } from '../store/repositories/api-key.repository.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';

/**
 * Keys are random 40-character secrets; only their SHA-256 is stored. A fast
 * hash is right here (unlike passwords): the secret has ~238 bits of entropy,
 * so there is nothing to brute-force, and lookups stay one indexed query.
 */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface CreatedApiKey {
  key: ApiKeyRecord;
  /** Shown once; never stored. */
  secret: string;
}

export async function createApiKey(
  db: Kysely<Database>,
  clock: Clock,
  input: { name: string; role: string; awards?: boolean; secret?: string },
): Promise<CreatedApiKey> {
  if (!isRole(input.role)) {
    throw new ValidationError('Unknown role', [{ path: 'role', message: `Role must be administrator, marketer or analyst, got "${input.role}".` }]);
  }
  if (input.secret !== undefined && input.secret.length < 16) {
    throw new ValidationError('Key too short', [{ path: 'secret', message: 'A bootstrap key must have at least 16 characters.' }]);
  }
  const secret = input.secret ?? `gp_${randomToken(40)}`;
  const key: ApiKeyRecord = {
    id: newId('key'),
    name: input.name,
    role: input.role as Role,
    awards: input.awards ?? input.role === 'administrator',
    prefix: secret.slice(0, 7),
    createdAt: clock.now().toISOString(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await insertApiKey(db, key, hashApiKey(secret));
  return { key, secret };
}

/** Resolves a bearer secret to its principal, or null for an unknown or revoked key. */
export async function authenticateApiKey(store: Store, clock: Clock, secret: string): Promise<Principal | null> {
  const key = await findActiveApiKeyByHash(store.db, hashApiKey(secret));
  if (!key) return null;
  const now = clock.now();
  // Writing last-used on every request would turn reads into writes; once a minute is enough to see a key is alive.
  if (!key.lastUsedAt || now.getTime() - Date.parse(key.lastUsedAt) > 60_000) {
    await touchApiKey(store.db, key.id, now.toISOString());
  }
  return { keyId: key.id, role: key.role, awards: key.awards };
}

export { listApiKeys };

export async function revokeApiKeyOrThrow(db: Kysely<Database>, clock: Clock, id: string): Promise<void> {
  if (!(await revokeApiKey(db, id, clock.now().toISOString()))) throw new NotFoundError('Active API key', id);
}

/**
 * First start: with GOALPOST_BOOTSTRAP_API_KEY that exact string becomes an
 * administrator key; without it a new key is made and returned to print once.
 * Does nothing when any key exists.
 */
export async function ensureBootstrapKey(
  store: Store,
  clock: Clock,
  bootstrapSecret: string | null,
): Promise<CreatedApiKey | null> {
  return store.db.transaction().execute(async (trx) => {
    if ((await countApiKeys(trx)) > 0) return null;
    return createApiKey(trx, clock, {
      name: bootstrapSecret ? 'bootstrap (GOALPOST_BOOTSTRAP_API_KEY)' : 'first administrator key',
      role: 'administrator',
      ...(bootstrapSecret ? { secret: bootstrapSecret } : {}),
    });
  });
}
