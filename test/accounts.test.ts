/**
 * Sign-in for the admin UI: accounts, the session cookie, CSRF on writes,
 * roles through a session, sign-out, expiry on the test clock, the failed
 * sign-in backoff, the accounts API and the `account` CLI, on every store.
 */
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn as signInUseCase } from '../src/app/accounts.js';
import { CampaignIndex } from '../src/app/campaigns/campaign-index.js';
import { loadConfig } from '../src/config.js';
import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../src/domain/accounts.js';
import { migrateToLatest, openStore } from '../src/store/store.js';
import { startTestApp, TestClock } from './support/app.js';
import type { TestApp } from './support/app.js';
import { DIALECTS, freshStoreUrl } from './support/stores.js';
import { loopFixtures } from './support/loop-fixtures.js';

type Call = Awaited<ReturnType<TestApp['call']>>;

const PASSWORD = 'correct horse battery';
let counter = 0;
const newEmail = (name: string) => `${name}${++counter}x${Math.random().toString(36).slice(2, 7)}@example.com`;

function expectError(res: Call, status: number, code: string): void {
  expect(res.status, res.body).toBe(status);
  expect(res.json).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
}

function setCookies(res: Call): string[] {
  const raw = res.headers['set-cookie'];
  return raw === undefined ? [] : Array.isArray(raw) ? (raw as string[]) : [String(raw)];
}

interface Session {
  cookie: string;
  csrf: string;
  account: { id: string; email: string; role: string; awards: boolean };
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(GOALPOST_|HOST$|PORT$|LOG_LEVEL$)/.test(k)) base[k] = v;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: ROOT, env: { ...base, LOG_LEVEL: 'warn', ...env }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** `goalpost serve` as a child process until /healthz answers; stop() ends it by its pid. */
async function serve(env: Record<string, string>): Promise<{ base: string; output: () => string; stop: () => Promise<void> }> {
  const port = await freePort();
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(GOALPOST_|HOST$|PORT$|LOG_LEVEL$)/.test(k)) base[k] = v;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: ROOT,
    env: { ...base, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`serve did not answer in 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base: url, output: () => out, stop };
}

describe.each(DIALECTS)('admin UI sign-in on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    // This suite signs in more often than a person would: the per-IP limit is tested on its own app below.
    t = await startTestApp(dialect, { GOALPOST_PUBLIC_RATE_LIMIT: '100000' });
  });
  afterAll(() => t.close());

  async function createAccount(role: string, extra: { awards?: boolean; email?: string; password?: string } = {}): Promise<{ id: string; email: string }> {
    const email = extra.email ?? newEmail(role);
    const res = await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { email, role, password: extra.password ?? PASSWORD, ...(extra.awards !== undefined ? { awards: extra.awards } : {}) } });
    expect(res.status, res.body).toBe(201);
    return res.json;
  }

  function signInRaw(email: string, password: string, cookie?: string): Promise<Call> {
    return t.call({ method: 'POST', url: '/api/v1/session', key: null, payload: { email, password }, ...(cookie ? { headers: { cookie } } : {}) });
  }

  async function signIn(email: string, password = PASSWORD): Promise<Session> {
    const res = await signInRaw(email, password);
    expect(res.status, res.body).toBe(200);
    const cookie = setCookies(res).find((c) => c.startsWith('goalpost_session='));
    expect(cookie, JSON.stringify(res.headers)).toBeDefined();
    return { cookie: cookie!.split(';')[0]!, csrf: res.json.csrfToken, account: res.json.account };
  }

  /** A request made the way the admin UI makes it: the cookie, and the CSRF header unless told otherwise. */
  function asUi(s: Session, opts: Parameters<TestApp['call']>[0] & { csrf?: string | null }): Promise<Call> {
    const { csrf, headers, ...rest } = opts;
    const token = csrf === undefined ? s.csrf : csrf;
    return t.call({ ...rest, key: null, headers: { cookie: s.cookie, ...(token === null ? {} : { 'x-csrf-token': token }), ...(headers ?? {}) } });
  }

  async function offersNamed(name: string): Promise<number> {
    const res = await t.call({ method: 'GET', url: '/api/v1/offers?limit=100' });
    return res.json.data.filter((o: { name: string }) => o.name === name).length;
  }

  describe('signing in', () => {
    it('sets an HttpOnly, SameSite=Strict, Path=/ cookie (not Secure over http) and returns the account and a CSRF token', async () => {
      const account = await createAccount('marketer');
      const res = await signInRaw(account.email.toUpperCase(), PASSWORD);
      expect(res.status, res.body).toBe(200);
      expect(res.json).toEqual({
        account: { id: account.id, email: account.email, role: 'marketer', awards: false, createdAt: expect.any(String), updatedAt: expect.any(String), lastSignInAt: t.clock.now().toISOString() },
        csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
        expiresAt: new Date(t.clock.now().getTime() + SESSION_IDLE_MS).toISOString(),
      });
      const cookies = setCookies(res);
      expect(cookies).toHaveLength(1);
      const attributes = cookies[0]!.split(';').map((p) => p.trim().toLowerCase());
      expect(attributes[0]).toMatch(/^goalpost_session=gps_[a-z0-9]{43}$/);
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=strict');
      expect(attributes).toContain('path=/');
      expect(attributes).not.toContain('secure');
      expect(attributes).toContain(`max-age=${SESSION_MAX_MS / 1000}`);
      // The token is not in the body, nor stored: only its hash is.
      const token = cookies[0]!.split(';')[0]!.split('=')[1]!;
      expect(res.body).not.toContain(token);
      const stored = await t.ctx.store.db.selectFrom('account_sessions').selectAll().where('account_id', '=', account.id).execute();
      expect(stored).toHaveLength(1);
      expect(JSON.stringify(stored)).not.toContain(token);
      expect(JSON.stringify(stored)).not.toContain(res.json.csrfToken);
    });

    it('marks the cookie Secure when GOALPOST_PUBLIC_URL is https', async () => {
      const https = await startTestApp(dialect, { GOALPOST_PUBLIC_URL: 'https://goalpost.example' });
      try {
        const email = newEmail('secure');
        expect((await https.call({ method: 'POST', url: '/api/v1/accounts', payload: { email, role: 'analyst', password: PASSWORD } })).status).toBe(201);
        const res = await https.call({ method: 'POST', url: '/api/v1/session', key: null, payload: { email, password: PASSWORD } });
        expect(res.status, res.body).toBe(200);
        const attributes = setCookies(res)[0]!.split(';').map((p) => p.trim().toLowerCase());
        expect(attributes).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=strict', 'path=/']));
      } finally {
        await https.close();
      }
    });

    it('GET /api/v1/session says who is signed in, with the same CSRF token', async () => {
      const account = await createAccount('analyst');
      const s = await signIn(account.email);
      const me = await asUi(s, { method: 'GET', url: '/api/v1/session' });
      expect(me.status, me.body).toBe(200);
      expect(me.json.account).toMatchObject({ id: account.id, role: 'analyst' });
      expect(me.json.csrfToken).toBe(s.csrf);
      expectError(await t.call({ method: 'GET', url: '/api/v1/session', key: null }), 401, 'unauthorized');
      // An API key is a credential but not a session.
      expectError(await t.call({ method: 'GET', url: '/api/v1/session' }), 400, 'invalid_request');
      expectError(await t.call({ method: 'DELETE', url: '/api/v1/session' }), 400, 'invalid_request');
    });

    it('refuses a wrong password and an unknown address alike with 401, and sets no cookie', async () => {
      const account = await createAccount('marketer');
      const wrong = await signInRaw(account.email, 'not the password at all');
      expectError(wrong, 401, 'unauthorized');
      expect(setCookies(wrong)).toEqual([]);
      const unknown = await signInRaw(newEmail('nobody'), PASSWORD);
      expectError(unknown, 401, 'unauthorized');
      expect(unknown.json.error.message).toBe(wrong.json.error.message);
      expectError(await signInRaw('not an address', PASSWORD), 401, 'unauthorized');
      expectError(await t.call({ method: 'POST', url: '/api/v1/session', key: null, payload: { email: account.email } }), 400, 'invalid_request');
    });

    it('locks an address after repeated failures, for a time that grows; the right password waits too', async () => {
      const account = await createAccount('marketer');
      for (let i = 0; i < 4; i++) expectError(await signInRaw(account.email, `wrong password ${i}`), 401, 'unauthorized');
      // The fifth failure locks the address for a second, the sixth for two...
      expectError(await signInRaw(account.email, 'wrong password 4'), 401, 'unauthorized');
      expectError(await signInRaw(account.email, PASSWORD), 429, 'rate_limited');
      t.clock.advance(1001);
      expectError(await signInRaw(account.email, 'wrong password 5'), 401, 'unauthorized');
      t.clock.advance(1001);
      const stillLocked = await signInRaw(account.email, PASSWORD);
      expectError(stillLocked, 429, 'rate_limited');
      expect(stillLocked.json.error.message).toMatch(/try again in 1 second/);
      t.clock.advance(1000);
      await signIn(account.email);
      // Success forgets the failures.
      expectError(await signInRaw(account.email, 'wrong again'), 401, 'unauthorized');
      await signIn(account.email);
    });

    it('limits sign-ins per IP address (a tenth of GOALPOST_PUBLIC_RATE_LIMIT a minute)', async () => {
      const limited = await startTestApp(dialect, { GOALPOST_PUBLIC_RATE_LIMIT: '30' });
      try {
        const attempt = () => limited.call({ method: 'POST', url: '/api/v1/session', key: null, payload: { email: newEmail('ip'), password: PASSWORD } });
        for (let i = 0; i < 3; i++) expectError(await attempt(), 401, 'unauthorized');
        expectError(await attempt(), 429, 'rate_limited');
      } finally {
        await limited.close();
      }
    });

    it('signing in again from the same browser ends the previous session', async () => {
      const account = await createAccount('marketer');
      const first = await signIn(account.email);
      const again = await signInRaw(account.email, PASSWORD, first.cookie);
      expect(again.status, again.body).toBe(200);
      expectError(await asUi(first, { method: 'GET', url: '/api/v1/offers' }), 401, 'unauthorized');
    });
  });

  describe('the session cookie on /api/v1', () => {
    it('reads with the cookie alone; a write needs the CSRF token (403 csrf_failed, nothing written)', async () => {
      const account = await createAccount('marketer');
      const s = await signIn(account.email);
      expect((await asUi(s, { method: 'GET', url: '/api/v1/offers', csrf: null })).status).toBe(200);

      const name = `csrf ${Math.random()}`;
      expectError(await asUi(s, { method: 'POST', url: '/api/v1/offers', payload: { name }, csrf: null }), 403, 'csrf_failed');
      expectError(await asUi(s, { method: 'POST', url: '/api/v1/offers', payload: { name }, csrf: 'x'.repeat(43) }), 403, 'csrf_failed');
      // Another session's token does not fit this one.
      const other = await signIn((await createAccount('marketer')).email);
      expectError(await asUi(s, { method: 'POST', url: '/api/v1/offers', payload: { name }, csrf: other.csrf }), 403, 'csrf_failed');
      expect(await offersNamed(name)).toBe(0);

      const created = await asUi(s, { method: 'POST', url: '/api/v1/offers', payload: { name } });
      expect(created.status, created.body).toBe(201);
      expect(await offersNamed(name)).toBe(1);
      const patched = await asUi(s, { method: 'PATCH', url: `/api/v1/offers/${created.json.id}/draft`, payload: { name: `${name}!` }, csrf: null });
      expectError(patched, 403, 'csrf_failed');
    });

    it('checks the cookie before the body: a bad session is 401 whatever is sent', async () => {
      const forged: Session = { cookie: `goalpost_session=gps_${'a'.repeat(43)}`, csrf: 'x', account: { id: '', email: '', role: '', awards: false } };
      expectError(await asUi(forged, { method: 'GET', url: '/api/v1/offers' }), 401, 'unauthorized');
      expectError(await asUi(forged, { method: 'POST', url: '/api/v1/offers', payload: '{not json', headers: { 'content-type': 'application/json' } }), 401, 'unauthorized');
    });

    it('an API key still works beside the cookie and needs no CSRF token', async () => {
      const s = await signIn((await createAccount('analyst')).email);
      // The key wins when both are sent: an administrator key writes, without x-csrf-token.
      const res = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: 'key and cookie' }, headers: { cookie: s.cookie } });
      expect(res.status, res.body).toBe(201);
    });

    it('applies roles as for keys: an analyst reads but may not approve or write; a marketer may not manage accounts', async () => {
      const analyst = await signIn((await createAccount('analyst')).email);
      const marketer = await signIn((await createAccount('marketer')).email);
      const offer = await asUi(marketer, { method: 'POST', url: '/api/v1/offers', payload: { name: 'roles via session' } });
      expect(offer.status, offer.body).toBe(201);

      expect((await asUi(analyst, { method: 'GET', url: `/api/v1/offers/${offer.json.id}` })).status).toBe(200);
      expect((await asUi(analyst, { method: 'GET', url: `/api/v1/offers/${offer.json.id}/report` })).status).toBe(200);
      const approve = await asUi(analyst, { method: 'POST', url: `/api/v1/offers/${offer.json.id}/approve` });
      expectError(approve, 403, 'forbidden');
      expect(approve.json.error.message).toContain('analyst');
      expectError(await asUi(analyst, { method: 'POST', url: '/api/v1/offers', payload: { name: 'by analyst' } }), 403, 'forbidden');
      expectError(await asUi(marketer, { method: 'GET', url: '/api/v1/accounts' }), 403, 'forbidden');
      expectError(await asUi(marketer, { method: 'GET', url: '/api/v1/api-keys' }), 403, 'forbidden');
      expectError(
        await asUi(marketer, { method: 'POST', url: '/api/v1/accounts', payload: { email: newEmail('escalate'), role: 'administrator', password: PASSWORD } }),
        403,
        'forbidden',
      );
    });

    it('the awards permission follows the account: promo codes only for accounts that have it', async () => {
      const plain = await signIn((await createAccount('marketer')).email);
      const awards = await signIn((await createAccount('marketer', { awards: true })).email);
      expect(plain.account.awards).toBe(false);
      expect(awards.account.awards).toBe(true);
      const fx = loopFixtures(t);
      const offerId = await fx.liveOffer({ goal: { type: 'referred_signups', count: 3 } });
      await fx.participant(offerId);
      for (const [s, expected] of [[plain, null], [awards, []]] as const) {
        const res = await asUi(s, { method: 'GET', url: `/api/v1/offers/${offerId}/participants` });
        expect(res.status, res.body).toBe(200);
        expect(res.json.data).toHaveLength(1);
        expect(res.json.data[0].promoCodes).toEqual(expected);
      }
    });

    it('Idempotency-Key is scoped to the account', async () => {
      const s = await signIn((await createAccount('marketer')).email);
      const headers = { 'idempotency-key': 'session-create-1' };
      const first = await asUi(s, { method: 'POST', url: '/api/v1/offers', payload: { name: 'idem via session' }, headers });
      const second = await asUi(s, { method: 'POST', url: '/api/v1/offers', payload: { name: 'idem via session' }, headers });
      expect(first.status).toBe(201);
      expect(second.json.id).toBe(first.json.id);
      expect(await offersNamed('idem via session')).toBe(1);
    });
  });

  describe('signing out and expiry', () => {
    it('DELETE /api/v1/session needs the CSRF token, ends the session and clears the cookie', async () => {
      const s = await signIn((await createAccount('marketer')).email);
      expectError(await asUi(s, { method: 'DELETE', url: '/api/v1/session', csrf: null }), 403, 'csrf_failed');
      expect((await asUi(s, { method: 'GET', url: '/api/v1/offers' })).status).toBe(200);

      const out = await asUi(s, { method: 'DELETE', url: '/api/v1/session' });
      expect(out.status, out.body).toBe(204);
      const cleared = setCookies(out).find((c) => c.startsWith('goalpost_session='));
      expect(cleared).toMatch(/^goalpost_session=;/);
      expect(cleared!.toLowerCase()).toMatch(/expires=thu, 01 jan 1970|max-age=0/);
      expectError(await asUi(s, { method: 'GET', url: '/api/v1/offers' }), 401, 'unauthorized');
      expectError(await asUi(s, { method: 'GET', url: '/api/v1/session' }), 401, 'unauthorized');
      // The ended session is refused (and its cookie cleared) like any other.
      const again = await asUi(s, { method: 'DELETE', url: '/api/v1/session' });
      expectError(again, 401, 'unauthorized');
      expect(setCookies(again).find((c) => c.startsWith('goalpost_session='))).toMatch(/^goalpost_session=;/);
    });

    it('a session ends after 12 idle hours, is extended while used, and ends 7 days after sign-in in any case', async () => {
      const email = (await createAccount('analyst')).email;
      const idle = await signIn(email);
      const used = await signIn(email);
      t.clock.advance(SESSION_IDLE_MS - 60_000);
      expect((await asUi(used, { method: 'GET', url: '/api/v1/offers' })).status).toBe(200);
      t.clock.advance(2 * 60_000);
      expectError(await asUi(idle, { method: 'GET', url: '/api/v1/offers' }), 401, 'unauthorized');
      expect((await asUi(used, { method: 'GET', url: '/api/v1/offers' })).status).toBe(200);
      // Used every 11 hours, it lives up to the 7-day bound and no longer.
      const signedInAt = t.clock.now().getTime() - SESSION_IDLE_MS - 60_000;
      while (t.clock.now().getTime() + 11 * 3600_000 < signedInAt + SESSION_MAX_MS) {
        t.clock.advance(11 * 3600_000);
        expect((await asUi(used, { method: 'GET', url: '/api/v1/offers' })).status).toBe(200);
      }
      t.clock.set(new Date(signedInAt + SESSION_MAX_MS + 1));
      expectError(await asUi(used, { method: 'GET', url: '/api/v1/offers' }), 401, 'unauthorized');
    });
  });

  describe('accounts API', () => {
    it('creates, lists (never a password or hash), refuses duplicates and weak passwords', async () => {
      const email = newEmail('Listed');
      const created = await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { email, role: 'administrator', password: PASSWORD } });
      expect(created.status, created.body).toBe(201);
      expect(created.json).toEqual({
        id: expect.stringMatching(/^acc_[A-Za-z0-9]{16}$/),
        email: email.toLowerCase(),
        role: 'administrator',
        awards: true,
        createdAt: t.clock.now().toISOString(),
        updatedAt: t.clock.now().toISOString(),
        lastSignInAt: null,
      });
      expectError(await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { email: email.toUpperCase(), role: 'analyst', password: PASSWORD } }), 409, 'conflict');
      const weak = await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { email: newEmail('weak'), role: 'analyst', password: 'short' } });
      expectError(weak, 422, 'validation_failed');
      expect(weak.json.error.details).toEqual([{ path: 'password', message: expect.stringContaining('at least 10 characters') }]);
      expectError(await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { email: newEmail('x'), role: 'root', password: PASSWORD } }), 400, 'invalid_request');
      expectError(await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { email: 'nope', role: 'analyst', password: PASSWORD } }), 422, 'validation_failed');

      const all: { id: string }[] = [];
      let cursor: string | null = null;
      do {
        const page: Call = await t.call({ method: 'GET', url: `/api/v1/accounts?limit=2${cursor ? `&cursor=${cursor}` : ''}` });
        expect(page.status, page.body).toBe(200);
        expect(page.body).not.toMatch(/scrypt|password/i);
        all.push(...page.json.data);
        cursor = page.json.nextCursor;
      } while (cursor);
      expect(all.map((a) => a.id)).toContain(created.json.id);
      expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
    });

    it('setting a password ends the other sessions; the new password works, the old one not', async () => {
      const account = await createAccount('marketer');
      const s = await signIn(account.email);
      const newPassword = 'a brand new passphrase';
      expectError(await t.call({ method: 'POST', url: `/api/v1/accounts/${account.id}/password`, payload: { password: 'short' } }), 422, 'validation_failed');
      const set = await t.call({ method: 'POST', url: `/api/v1/accounts/${account.id}/password`, payload: { password: newPassword } });
      expect(set.status, set.body).toBe(204);
      expectError(await asUi(s, { method: 'GET', url: '/api/v1/offers' }), 401, 'unauthorized');
      expectError(await signInRaw(account.email, PASSWORD), 401, 'unauthorized');
      const again = await signIn(account.email, newPassword);
      expectError(await t.call({ method: 'POST', url: '/api/v1/accounts/acc_missing0000000000/password', payload: { password: newPassword } }), 404, 'not_found');

      // Changing one's own password keeps the session it is done from.
      const other = await signIn(account.email, newPassword);
      const own = await asUi(again, { method: 'POST', url: '/api/v1/session/password', payload: { currentPassword: 'wrong password!', newPassword: PASSWORD } });
      expectError(own, 422, 'validation_failed');
      expectError(await asUi(again, { method: 'POST', url: '/api/v1/session/password', payload: { currentPassword: newPassword, newPassword: PASSWORD }, csrf: null }), 403, 'csrf_failed');
      expect((await asUi(again, { method: 'POST', url: '/api/v1/session/password', payload: { currentPassword: newPassword, newPassword: PASSWORD } })).status).toBe(204);
      expect((await asUi(again, { method: 'GET', url: '/api/v1/offers' })).status).toBe(200);
      expectError(await asUi(other, { method: 'GET', url: '/api/v1/offers' }), 401, 'unauthorized');
    });

    it('an administrator signed in manages accounts; deleting one ends its sessions; the last administrator stays', async () => {
      const admin = await signIn((await createAccount('administrator')).email);
      const email = newEmail('temp');
      const created = await asUi(admin, { method: 'POST', url: '/api/v1/accounts', payload: { email, role: 'analyst', password: PASSWORD } });
      expect(created.status, created.body).toBe(201);
      const victim = await signIn(email);
      expectError(await asUi(admin, { method: 'DELETE', url: `/api/v1/accounts/${created.json.id}`, csrf: null }), 403, 'csrf_failed');
      expect((await asUi(admin, { method: 'DELETE', url: `/api/v1/accounts/${created.json.id}` })).status).toBe(204);
      expectError(await asUi(victim, { method: 'GET', url: '/api/v1/offers' }), 401, 'unauthorized');
      expectError(await signInRaw(email, PASSWORD), 401, 'unauthorized');
      expectError(await asUi(admin, { method: 'DELETE', url: `/api/v1/accounts/${created.json.id}` }), 404, 'not_found');

      // Delete every administrator but one: the last is refused.
      const admins = await t.ctx.store.db.selectFrom('accounts').select('id').where('role', '=', 'administrator').execute();
      for (const a of admins.slice(1)) expect((await t.call({ method: 'DELETE', url: `/api/v1/accounts/${a.id}` })).status).toBe(204);
      expectError(await t.call({ method: 'DELETE', url: `/api/v1/accounts/${admins[0]!.id}` }), 409, 'conflict');
    });
  });

  describe('CLI', () => {
    it('account create reads the password from GOALPOST_ACCOUNT_PASSWORD, refuses a weak one, and account list shows it', async () => {
      const { url, cleanup } = await freshStoreUrl(dialect);
      try {
        const env = { GOALPOST_DATABASE_URL: url, GOALPOST_PUBLIC_URL: 'http://goalpost.test' };
        const weak = await runCli(['account', 'create', '--email', 'weak@example.com', '--role', 'administrator'], { ...env, GOALPOST_ACCOUNT_PASSWORD: 'short' });
        expect(weak.code).toBe(1);
        expect(weak.stderr).toContain('at least 10 characters');
        const none = await runCli(['account', 'create', '--email', 'none@example.com', '--role', 'administrator'], env);
        expect(none.code).toBe(1);
        expect(none.stderr).toContain('GOALPOST_ACCOUNT_PASSWORD');
        const usage = await runCli(['account', 'create', '--email', 'x@example.com'], env);
        expect(usage.code).toBe(2);

        const created = await runCli(['account', 'create', '--email', 'Boss@Example.com', '--role', 'administrator'], { ...env, GOALPOST_ACCOUNT_PASSWORD: PASSWORD });
        expect(created.code, created.stderr).toBe(0);
        expect(created.stdout).toMatch(/^Created acc_\S+ \(administrator, awards\): boss@example\.com\. Sign in at http:\/\/goalpost\.test\/admin$/m);
        expect(created.stdout + created.stderr).not.toContain(PASSWORD);
        const again = await runCli(['account', 'create', '--email', 'boss@example.com', '--role', 'analyst'], { ...env, GOALPOST_ACCOUNT_PASSWORD: PASSWORD });
        expect(again.code).toBe(1);
        expect(again.stderr).toContain('already exists');

        const listed = await runCli(['account', 'list'], env);
        expect(listed.code, listed.stderr).toBe(0);
        const lines = listed.stdout.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^acc_\S+ {2}boss@example\.com {2}administrator\+awards {2}created \S+ {2}last sign-in never$/);

        // The password works for a sign-in on that store.
        const store = await openStore(url);
        try {
          await migrateToLatest(store);
          const ctx = { store, clock: new TestClock(), config: loadConfig({ GOALPOST_DATABASE_URL: url }), logger: pino({ level: 'silent' }), campaigns: new CampaignIndex() };
          const result = await signInUseCase(ctx, { email: 'boss@example.com', password: PASSWORD });
          expect(result.session.account.role).toBe('administrator');
          await expect(signInUseCase(ctx, { email: 'weak@example.com', password: 'short' })).rejects.toThrow('wrong');
        } finally {
          await store.close();
        }
      } finally {
        cleanup();
      }
    });

    it('first start: GOALPOST_ADMIN_EMAIL and GOALPOST_ADMIN_PASSWORD make the administrator; without them, serve says how to make one', async () => {
      const bare = await freshStoreUrl(dialect);
      const withEnv = await freshStoreUrl(dialect);
      try {
        const hint = await serve({ GOALPOST_DATABASE_URL: bare.url });
        await hint.stop();
        expect(hint.output().match(/npx goalpost account create --email you@example\.com --role administrator/g)).toHaveLength(1);

        const first = await serve({ GOALPOST_DATABASE_URL: withEnv.url, GOALPOST_ADMIN_EMAIL: 'Admin@Example.com', GOALPOST_ADMIN_PASSWORD: PASSWORD });
        try {
          expect(first.output()).toContain('the administrator account Admin@Example.com was created');
          expect(first.output()).not.toContain(PASSWORD);
          expect(first.output()).not.toContain('npx goalpost account create');
          const signedIn = await fetch(`${first.base}/api/v1/session`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: 'admin@example.com', password: PASSWORD }),
          });
          expect(signedIn.status).toBe(200);
          const body = (await signedIn.json()) as { csrfToken: string; account: { role: string } };
          expect(body.account.role).toBe('administrator');
          const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
          const accounts = await fetch(`${first.base}/api/v1/accounts`, { headers: { cookie } });
          expect(accounts.status).toBe(200);
          const write = await fetch(`${first.base}/api/v1/offers`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"name":"x"}' });
          expect(write.status).toBe(403);
          await write.arrayBuffer();
        } finally {
          await first.stop();
        }
        // A second start with other values changes nothing and says nothing.
        const second = await serve({ GOALPOST_DATABASE_URL: withEnv.url, GOALPOST_ADMIN_EMAIL: 'other@example.com', GOALPOST_ADMIN_PASSWORD: PASSWORD });
        await second.stop();
        expect(second.output()).not.toContain('administrator account');
        expect(second.output()).not.toContain('npx goalpost account create');
      } finally {
        bare.cleanup();
        withEnv.cleanup();
      }
    });

    it('serve refuses a weak GOALPOST_ADMIN_PASSWORD instead of starting without an administrator', async () => {
      const { url, cleanup } = await freshStoreUrl(dialect);
      try {
        const res = await runCli(['serve'], { GOALPOST_DATABASE_URL: url, PORT: String(await freePort()), GOALPOST_ADMIN_EMAIL: 'a@example.com', GOALPOST_ADMIN_PASSWORD: 'short' });
        expect(res.code).toBe(1);
        expect(res.stderr).toContain('GOALPOST_ADMIN_PASSWORD');
        expect(res.stderr).toContain('at least 10 characters');
      } finally {
        cleanup();
      }
    });
  });
});
