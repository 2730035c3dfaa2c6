import type { Kysely, Selectable } from 'kysely';
import type { Role } from '../../domain/access.js';
import type { AccountTable, Database } from '../schema.js';
import { toPage } from './cursor.js';
import type { CursorPosition, Page } from './cursor.js';

type Db = Kysely<Database>;

export interface Account {
  id: string;
  email: string;
  role: Role;
  awards: boolean;
  createdAt: string;
  updatedAt: string;
  lastSignInAt: string | null;
}

export function accountRowToAccount(row: Omit<Selectable<AccountTable>, 'password_hash'>): Account {
  return {
    id: row.id,
    email: row.email,
    role: row.role as Role,
    awards: row.awards === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

/** Inserts unless the address has an account; false when it has. */
export async function insertAccountIfAbsent(db: Db, account: Account, passwordHash: string): Promise<boolean> {
  const result = await db
    .insertInto('accounts')
    .values({
      id: account.id,
      email: account.email,
      role: account.role,
      awards: account.awards ? 1 : 0,
      password_hash: passwordHash,
      created_at: account.createdAt,
      updated_at: account.updatedAt,
      last_sign_in_at: null,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function findAccountRowByEmail(db: Db, email: string): Promise<Selectable<AccountTable> | null> {
  return (await db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst()) ?? null;
}

export async function findAccount(db: Db, id: string): Promise<Account | null> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? accountRowToAccount(row) : null;
}

export async function findAccountPasswordHash(db: Db, id: string): Promise<string | null> {
  const row = await db.selectFrom('accounts').select('password_hash').where('id', '=', id).executeTakeFirst();
  return row?.password_hash ?? null;
}

/** Oldest first: the first administrator heads the list. */
export async function listAccounts(db: Db, options: { limit: number; after: CursorPosition | null }): Promise<Page<Account>> {
  let query = db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('id').limit(options.limit + 1);
  if (options.after) {
    const { at, id } = options.after;
    query = query.where((eb) => eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('id', '>', id)])]));
  }
  const page = toPage(await query.execute(), options.limit, (row) => ({ at: row.created_at, id: row.id }));
  return { data: page.data.map(accountRowToAccount), nextCursor: page.nextCursor };
}

export async function countAccounts(db: Db, role?: Role): Promise<number> {
  let query = db.selectFrom('accounts').select((eb) => eb.fn.countAll<string | number>().as('n'));
  if (role) query = query.where('role', '=', role);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

export async function deleteAccount(db: Db, id: string): Promise<boolean> {
  // Sessions go with the account (ON DELETE CASCADE); deleting them first keeps that true on any store.
  await db.deleteFrom('account_sessions').where('account_id', '=', id).execute();
  const result = await db.deleteFrom('accounts').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function updateAccountPassword(db: Db, id: string, passwordHash: string, at: string): Promise<boolean> {
  const result = await db.updateTable('accounts').set({ password_hash: passwordHash, updated_at: at }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function markSignedIn(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('accounts').set({ last_sign_in_at: at }).where('id', '=', id).execute();
}

// ---- sessions ----

export interface SessionRow {
  id: string;
  accountId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export async function insertSession(db: Db, session: SessionRow, tokenHash: string): Promise<void> {
  await db
    .insertInto('account_sessions')
    .values({
      id: session.id,
      account_id: session.accountId,
      token_hash: tokenHash,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      expires_at: session.expiresAt,
      revoked_at: null,
    })
    .execute();
}

/** The live session of a token hash with its account, or null (unknown, revoked or expired). */
export async function findLiveSession(db: Db, tokenHash: string, now: string): Promise<{ session: SessionRow; account: Account } | null> {
  const row = await db
    .selectFrom('account_sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select([
      's.id as session_id',
      's.created_at as session_created_at',
      's.last_seen_at',
      's.expires_at',
      'a.id',
      'a.email',
      'a.role',
      'a.awards',
      'a.created_at',
      'a.updated_at',
      'a.last_sign_in_at',
    ])
    .where('s.token_hash', '=', tokenHash)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return null;
  return {
    session: { id: row.session_id, accountId: row.id, createdAt: row.session_created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at },
    account: accountRowToAccount(row),
  };
}

export async function touchSession(db: Db, id: string, lastSeenAt: string, expiresAt: string): Promise<void> {
  await db.updateTable('account_sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('id', '=', id).execute();
}

export async function revokeSession(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('account_sessions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** Ends every session of the account but `keepSessionId`'s. */
export async function revokeAccountSessions(db: Db, accountId: string, at: string, keepSessionId: string | null): Promise<void> {
  let query = db.updateTable('account_sessions').set({ revoked_at: at }).where('account_id', '=', accountId).where('revoked_at', 'is', null);
  if (keepSessionId) query = query.where('id', '!=', keepSessionId);
  await query.execute();
}

/** Sessions are kept a day past their end (to tell "expired" from "unknown" in logs), then dropped. */
export async function deleteEndedSessions(db: Db, before: string): Promise<void> {
  await db.deleteFrom('account_sessions').where('expires_at', '<', before).execute();
}

// ---- failed sign-ins ----

export async function findSignInFailures(db: Db, email: string): Promise<{ failures: number; lockedUntil: string | null } | null> {
  const row = await db.selectFrom('sign_in_failures').select(['failures', 'locked_until']).where('email', '=', email).executeTakeFirst();
  return row ? { failures: Number(row.failures), lockedUntil: row.locked_until } : null;
}

/** Counts one more failure atomically; returns the count. */
export async function addSignInFailure(db: Db, email: string, at: string): Promise<number> {
  const row = await db
    .insertInto('sign_in_failures')
    .values({ email, failures: 1, last_failure_at: at, locked_until: null })
    .onConflict((oc) => oc.column('email').doUpdateSet((eb) => ({ failures: eb('sign_in_failures.failures', '+', 1), last_failure_at: at })))
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

export async function lockSignIn(db: Db, email: string, until: string): Promise<void> {
  await db.updateTable('sign_in_failures').set({ locked_until: until }).where('email', '=', email).execute();
}

export async function clearSignInFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('email', '=', email).execute();
}

/** Forgets failures of addresses nobody has tried for a while. */
export async function deleteOldSignInFailures(db: Db, before: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('last_failure_at', '<', before).execute();
}
