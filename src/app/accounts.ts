import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ConflictError, GoalpostError, NotFoundError, ValidationError } from '../domain/errors.js';
import type { ProblemDetail } from '../domain/errors.js';
import { randomToken } from '../domain/ids.js';
import { isRole } from '../domain/access.js';
import type { Principal } from '../domain/access.js';
import { accountEmail, passwordProblems, SESSION_TOUCH_MS, sessionExpiry, signInLockMs } from '../domain/accounts.js';
import {
  addSignInFailure,
  clearSignInFailures,
  countAccounts,
  deleteAccount,
  deleteEndedSessions,
  deleteOldSignInFailures,
  findAccount,
  findAccountPasswordHash,
  findAccountRowByEmail,
  findLiveSession,
  findSignInFailures,
  insertAccountIfAbsent,
  insertSession,
  listAccounts,
  lockSignIn,
  markSignedIn,
  revokeAccountSessions,
  revokeSession,
  touchSession,
  updateAccountPassword,
} from '../store/repositories/account.repository.js';
import { accountRowToAccount } from '../store/repositories/account.repository.js';
import type { Account, SessionRow } from '../store/repositories/account.repository.js';
import type { Page } from '../store/repositories/cursor.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { AppContext } from './context.js';
import { parseCursor } from './pagination.js';
import { hashPassword, needsRehash, verifyAgainstDecoy, verifyPassword } from './passwords.js';

export type { Account };

/** An account id: `acc_` and 16 random letters and digits. */
const newAccountId = () => `acc_${randomToken(16)}`;
const newSessionId = () => `asn_${randomToken(16)}`;

function refuse(problems: ProblemDetail[], message: string): void {
  if (problems.length > 0) throw new ValidationError(message, problems);
}

export interface NewAccountInput {
  email: string;
  role: string;
  awards?: boolean;
  password: string;
}

export async function createAccount(store: Store, clock: Clock, input: NewAccountInput): Promise<Account> {
  const email = accountEmail(input.email);
  const problems: ProblemDetail[] = [];
  if (!email) problems.push({ path: 'email', message: 'Enter a valid email address.' });
  if (!isRole(input.role)) problems.push({ path: 'role', message: `Role must be administrator, marketer or analyst, got "${input.role}".` });
  problems.push(...passwordProblems(input.password));
  refuse(problems, 'The account cannot be created');
  const at = clock.now().toISOString();
  const account: Account = {
    id: newAccountId(),
    email: email!,
    role: input.role as Account['role'],
    awards: input.awards ?? input.role === 'administrator',
    createdAt: at,
    updatedAt: at,
    lastSignInAt: null,
  };
  if (!(await insertAccountIfAbsent(store.db, account, await hashPassword(input.password)))) {
    throw new ConflictError('conflict', `An account for ${account.email} already exists.`);
  }
  return account;
}

export async function listAccountsPage(ctx: AppContext, query: { limit: number; cursor?: string }): Promise<Page<Account>> {
  return listAccounts(ctx.store.db, { limit: query.limit, after: parseCursor(query.cursor) });
}

export async function listAllAccounts(store: Store): Promise<Account[]> {
  const all: Account[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAccounts(store.db, { limit: 100, after: parseCursor(cursor) });
    all.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

/** Deletes an account and ends its sessions; the last administrator account stays. */
export async function deleteAccountOrThrow(ctx: AppContext, id: string): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    if (ctx.store.dialect === 'postgres') {
      // Two administrators deleting each other at once must not both win.
      await trx.selectFrom('accounts').select('id').where('role', '=', 'administrator').forUpdate().execute();
    }
    const account = await findAccount(trx, id);
    if (!account) throw new NotFoundError('Account', id);
    if (account.role === 'administrator' && (await countAccounts(trx, 'administrator')) <= 1) {
      throw new ConflictError('conflict', 'This is the last administrator account: create another administrator before deleting it.');
    }
    await deleteAccount(trx, id);
  });
}

/** Sets a new password and ends the account's sessions, but `keepSessionId`'s (the caller's own). */
export async function setAccountPassword(store: Store, clock: Clock, id: string, password: string, keepSessionId: string | null = null): Promise<void> {
  refuse(passwordProblems(password), 'The password cannot be used');
  const hash = await hashPassword(password);
  const at = clock.now().toISOString();
  await store.db.transaction().execute(async (trx) => {
    if (!(await updateAccountPassword(trx, id, hash, at))) throw new NotFoundError('Account', id);
    await revokeAccountSessions(trx, id, at, keepSessionId);
  });
}

export async function findAccountByEmail(store: Store, email: string): Promise<Account | null> {
  const normalized = accountEmail(email);
  if (!normalized) return null;
  const row = await findAccountRowByEmail(store.db, normalized);
  return row ? accountRowToAccount(row) : null;
}

/** A signed-in account changes its own password: the current one is asked again. */
export async function changeOwnPassword(ctx: AppContext, session: SignedInSession, currentPassword: string, newPassword: string): Promise<void> {
  const hash = await findAccountPasswordHash(ctx.store.db, session.account.id);
  if (!hash || !(await verifyPassword(currentPassword, hash))) {
    throw new ValidationError('The current password is wrong', [{ path: 'currentPassword', message: 'This is not your current password.' }]);
  }
  await setAccountPassword(ctx.store, ctx.clock, session.account.id, newPassword, session.id);
}

// ---- sessions ----

/**
 * Session tokens are 43 random characters (~256 bits) in an HttpOnly cookie;
 * only their SHA-256 is stored (a fast hash is right for a secret this long,
 * as for API keys).
 */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The CSRF token belongs to the session: an HMAC of the session token, so the
 * server keeps nothing more and a token from another session never matches.
 * The page gets it from POST/GET /api/v1/session and sends it as
 * `x-csrf-token`; another site can neither read it nor compute it.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('goalpost csrf v1').digest('base64url');
}

export function csrfMatches(sessionToken: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface SignedInSession {
  id: string;
  account: Account;
  expiresAt: string;
  principal: Principal;
}

export interface SignInResult {
  session: SignedInSession;
  /** The cookie's value: shown to the browser only. */
  token: string;
  csrfToken: string;
}

const principalOf = (account: Account): Principal => ({ keyId: account.id, role: account.role, awards: account.awards });

export class SignInRefusedError extends GoalpostError {
  constructor() {
    super('unauthorized', 'The email or password is wrong.');
  }
}

/**
 * Checks a password and opens a session. Failed attempts are counted per
 * address, known or not; after a few, the address is locked for a time that
 * doubles with each failure (up to 15 minutes) and sign-ins are refused with
 * rate_limited without checking the password.
 */
export async function signIn(ctx: AppContext, input: { email: string; password: string; previousToken?: string | null }): Promise<SignInResult> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const email = accountEmail(input.email) ?? input.email.trim().toLowerCase().slice(0, 254);
  const failures = await findSignInFailures(ctx.store.db, email);
  if (failures?.lockedUntil && failures.lockedUntil > at) {
    const seconds = Math.ceil((Date.parse(failures.lockedUntil) - now.getTime()) / 1000);
    throw new GoalpostError('rate_limited', `Too many failed sign-ins for this address: try again in ${seconds} second${seconds === 1 ? '' : 's'}.`);
  }
  const row = await findAccountRowByEmail(ctx.store.db, email);
  const ok = row ? await verifyPassword(input.password, row.password_hash) : await verifyAgainstDecoy(input.password);
  if (!row || !ok) {
    const count = await addSignInFailure(ctx.store.db, email, at);
    const lockMs = signInLockMs(count);
    if (lockMs > 0) await lockSignIn(ctx.store.db, email, new Date(now.getTime() + lockMs).toISOString());
    await deleteOldSignInFailures(ctx.store.db, new Date(now.getTime() - 86_400_000).toISOString());
    throw new SignInRefusedError();
  }
  // Hashing again with today's parameters is only possible now, while we know the password.
  const rehash = needsRehash(row.password_hash) ? await hashPassword(input.password) : null;
  const token = `gps_${randomToken(43)}`;
  const session: SessionRow = { id: newSessionId(), accountId: row.id, createdAt: at, lastSeenAt: at, expiresAt: sessionExpiry(now, now).toISOString() };
  await ctx.store.db.transaction().execute(async (trx) => {
    if (failures) await clearSignInFailures(trx, email);
    if (rehash) await updateAccountPassword(trx, row.id, rehash, at);
    // A browser that signs in again drops its old session rather than keeping two.
    if (input.previousToken) {
      const previous = await findLiveSession(trx, hashSessionToken(input.previousToken), at);
      if (previous) await revokeSession(trx, previous.session.id, at);
    }
    await insertSession(trx, session, hashSessionToken(token));
    await markSignedIn(trx, row.id, at);
    await deleteEndedSessions(trx, new Date(now.getTime() - 86_400_000).toISOString());
  });
  const account = accountRowToAccount({ ...row, last_sign_in_at: at });
  return { session: { id: session.id, account, expiresAt: session.expiresAt, principal: principalOf(account) }, token, csrfToken: csrfTokenFor(token) };
}

/** The live session of a cookie's token, or null; its end moves forward while it is used. */
export async function authenticateSession(ctx: AppContext, token: string): Promise<SignedInSession | null> {
  const now = ctx.clock.now();
  const found = await findLiveSession(ctx.store.db, hashSessionToken(token), now.toISOString());
  if (!found) return null;
  const { session, account } = found;
  let expiresAt = session.expiresAt;
  if (now.getTime() - Date.parse(session.lastSeenAt) > SESSION_TOUCH_MS) {
    expiresAt = sessionExpiry(new Date(session.createdAt), now).toISOString();
    await touchSession(ctx.store.db, session.id, now.toISOString(), expiresAt);
  }
  return { id: session.id, account, expiresAt, principal: principalOf(account) };
}

export async function signOut(ctx: AppContext, sessionId: string): Promise<void> {
  await revokeSession(ctx.store.db, sessionId, ctx.clock.now().toISOString());
}

// ---- first start ----

export type FirstAccountOutcome = 'exists' | 'created' | 'missing';

/**
 * First start: with GOALPOST_ADMIN_EMAIL and GOALPOST_ADMIN_PASSWORD and no
 * account yet, that administrator is created. Says whether accounts exist,
 * one was created, or none exists (the caller tells how to make one).
 */
export async function ensureFirstAccount(store: Store, clock: Clock, admin: { email: string | null; password: string | null }): Promise<FirstAccountOutcome> {
  if ((await countAccounts(store.db)) > 0) return 'exists';
  if (!admin.email && !admin.password) return 'missing';
  if (!admin.email || !admin.password) {
    throw new ValidationError('Set both GOALPOST_ADMIN_EMAIL and GOALPOST_ADMIN_PASSWORD, or neither', [
      { path: admin.email ? 'GOALPOST_ADMIN_PASSWORD' : 'GOALPOST_ADMIN_EMAIL', message: 'missing' },
    ]);
  }
  try {
    await createAccount(store, clock, { email: admin.email, role: 'administrator', password: admin.password });
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new ValidationError(`GOALPOST_ADMIN_EMAIL or GOALPOST_ADMIN_PASSWORD cannot be used`, err.details.map((d) => ({ ...d, path: d.path === 'email' ? 'GOALPOST_ADMIN_EMAIL' : d.path === 'password' ? 'GOALPOST_ADMIN_PASSWORD' : d.path })));
    }
    // Another process sharing the database created it at the same moment.
    if (err instanceof ConflictError) return 'exists';
    throw err;
  }
  return 'created';
}
