/**
 * Mail delivery end to end against a real SMTP peer (smtp-server on
 * 127.0.0.1): the outbox filled by sign-ups and fulfilment is delivered by
 * the MailWorker with rendered bodies; temporary SMTP failures are retried
 * with backoff (the test clock passes the delay), permanent ones fail for
 * good, MAX_ATTEMPTS bounds the retries, an expired lease is taken over; and
 * the real CLI delivers with GOALPOST_SMTP_URL and keeps mail without it.
 */
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { LEASE_MS, MAX_ATTEMPTS, MailWorker, retryDelayMs } from '../src/delivery/mail-worker.js';
import { claimDueMessages } from '../src/store/repositories/outbox.repository.js';
import type { OutboxRow } from '../src/store/repositories/outbox.repository.js';
import { startTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { BROWSER_UA, clickIdOf, createApprovedOffer, startServer, stopAllServers } from './support/server-process.js';
import type { Api, BuiltOffer } from './support/server-process.js';
import { DIALECTS, freshStoreUrl } from './support/stores.js';

// ----- a minimal MIME reader (mailparser is not installed) -----

interface MimePart {
  headers: Map<string, string>;
  body: string;
}

interface ParsedMail {
  headers: Map<string, string>;
  subject: string;
  to: string;
  html: string | null;
  text: string | null;
}

function decodeQuotedPrintable(input: string): string {
  const s = input.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const hex = s.slice(i + 1, i + 3);
    if (s[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(s.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (=?UTF-8?Q?...?= / =?UTF-8?B?...?=); whitespace between two of them is dropped. */
function decodeHeader(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_w, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function leaves(raw: string): MimePart[] {
  const { headers, body } = splitHeaders(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const sections = body.split(`--${boundary}`).slice(1);
    return sections.filter((s) => !s.startsWith('--')).flatMap((s) => leaves(s.replace(/^\r?\n/, '')));
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const decoded =
    encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
  return [{ headers, body: decoded.replace(/\r\n/g, '\n').replace(/\n$/, '') }];
}

function parseMail(raw: string): ParsedMail {
  const { headers } = splitHeaders(raw);
  const parts = leaves(raw);
  const of = (type: string) => parts.find((p) => (p.headers.get('content-type') ?? 'text/plain').toLowerCase().startsWith(type))?.body ?? null;
  return { headers, subject: decodeHeader(headers.get('subject') ?? ''), to: decodeHeader(headers.get('to') ?? ''), html: of('text/html'), text: of('text/plain') };
}

// ----- the SMTP peer -----

interface Received {
  envelopeTo: string[];
  raw: string;
  mail: ParsedMail;
}

type SmtpReply = { code: number; message: string } | null;

interface SmtpPeer {
  url: string;
  received: Received[];
  /** DATA commands seen (accepted or refused). */
  dataAttempts: number;
  /** RCPT TO commands seen (accepted or refused). */
  rcptAttempts: number;
  close(): Promise<void>;
}

const peers: SmtpPeer[] = [];

function smtpError(reply: { code: number; message: string }): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

/**
 * A real SMTP server on 127.0.0.1. `onRcpt(n)` and `onData(n)` see the n-th
 * RCPT TO / DATA (1-based) and return the refusal to answer, or null to
 * accept; onData may take its time (a promise) to play a stuck server.
 */
async function startSmtpPeer(policy: { onRcpt?: (n: number) => SmtpReply; onData?: (n: number) => SmtpReply | Promise<SmtpReply> } = {}): Promise<SmtpPeer> {
  const peer: SmtpPeer = { url: '', received: [], dataAttempts: 0, rcptAttempts: 0, close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) {
      peer.rcptAttempts += 1;
      const reply = policy.onRcpt?.(peer.rcptAttempts) ?? null;
      cb(reply ? smtpError(reply) : null);
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        peer.dataAttempts += 1;
        const reply = (await policy.onData?.(peer.dataAttempts)) ?? null;
        if (reply) return cb(smtpError(reply));
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelopeTo = (session.envelope.rcptTo as SMTPServerAddress[]).map((a) => a.address);
        peer.received.push({ envelopeTo, raw, mail: parseMail(raw) });
        cb(null);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  peer.url = `smtp://127.0.0.1:${port}`;
  peer.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  peers.push(peer);
  return peer;
}

// ----- shared scenario -----

const SIGNUP_EMAIL = {
  subject: 'Welcome {{lead.First Name}}',
  html: '<p>Hi {{lead.First Name}}, share <a href="{{social.Share Url}}">{{social.Share Url}}</a></p>',
  text: 'Hi {{lead.First Name}}, share {{social.Share Url}}',
};
// No text part given: the worker sends the plain-text fallback made from the HTML.
const FULFILLMENT_EMAIL = { subject: 'Your reward, {{lead.First Name}}', html: '<p>Your code: <strong>{{social.Promo Code}}</strong></p>' };

function apiOf(t: TestApp): Api {
  return async (method, path, body, opts = {}) => {
    const res = await t.call({
      method: method as 'GET',
      url: path,
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : (body as Record<string, unknown>) }),
      ...(opts.key === undefined ? {} : { key: opts.key }),
      headers: { ...(typeof body === 'string' ? { 'content-type': 'text/plain' } : {}), ...opts.headers },
    });
    return { status: res.status, json: res.json, text: res.body };
  };
}

describe.each(DIALECTS)('mail delivery on %s', (dialect) => {
  const apps: TestApp[] = [];
  const workers: MailWorker[] = [];

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await Promise.all(apps.map((a) => a.close()));
    await stopAllServers();
  });

  async function app(): Promise<TestApp> {
    const t = await startTestApp(dialect);
    apps.push(t);
    return t;
  }

  function worker(t: TestApp, peer: SmtpPeer): MailWorker {
    const w = new MailWorker(t.ctx, { smtpUrl: peer.url, pollMs: 50 });
    workers.push(w);
    return w;
  }

  async function offer(t: TestApp, promoCodes?: string[]): Promise<BuiltOffer> {
    return createApprovedOffer(apiOf(t), {
      goal: { type: 'referred_signups', count: 1 },
      signupEmail: SIGNUP_EMAIL,
      fulfillmentEmail: FULFILLMENT_EMAIL,
      ...(promoCodes ? { promoCodes } : {}),
    });
  }

  async function signUp(t: TestApp, offerId: string, body: Record<string, unknown>): Promise<{ participantId: string; shareCode: string; shareUrl: string }> {
    const res = await t.call({ method: 'POST', url: `/v1/public/offers/${offerId}/signups`, payload: body, key: null });
    expect(res.status, res.body).toBe(201);
    return res.json;
  }

  async function outbox(t: TestApp, offerId: string): Promise<OutboxRow[]> {
    return t.ctx.store.db.selectFrom('outbox').selectAll().where('offer_id', '=', offerId).orderBy('created_at').orderBy('id').execute();
  }

  async function onlyMessage(t: TestApp, offerId: string): Promise<OutboxRow> {
    const rows = await outbox(t, offerId);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  it('delivers the sign-up emails and the fulfilment email with rendered, escaped bodies; the outbox rows become sent', async () => {
    const t = await app();
    const { offerId } = await offer(t, ['SPRING-001', 'SPRING-002', 'SPRING-003']);

    const ann = await signUp(t, offerId, { email: 'ann@example.com', fields: { firstName: '<b>Ann</b>' } });
    expect(ann.shareUrl).toBe(`http://goalpost.test/r/${ann.shareCode}`);
    // The friend follows Ann's share link, then signs up with the click id the landing page got.
    const click = await t.call({ method: 'GET', url: `/r/${ann.shareCode}`, headers: { 'user-agent': BROWSER_UA }, key: null });
    expect(click.status).toBe(302);
    const clickId = clickIdOf(click.headers.location as string);
    expect(clickId).toMatch(/^clk_/);
    const bob = await signUp(t, offerId, { email: 'bob@example.com', fields: { firstName: 'Bob' }, clickId });

    const queued = await outbox(t, offerId);
    expect(queued.map((m) => [m.kind, m.to_address, m.status]).sort()).toEqual([
      ['fulfillment', 'ann@example.com', 'pending'],
      ['signup', 'ann@example.com', 'pending'],
      ['signup', 'bob@example.com', 'pending'],
    ]);
    const code = (await t.ctx.store.db.selectFrom('promo_codes').select('code').where('participant_id', '=', ann.participantId).execute()).map((r) => r.code);
    expect(code).toHaveLength(1);
    const promoCode = code[0]!;

    const peer = await startSmtpPeer();
    const w = worker(t, peer);
    expect(await w.runOnce()).toBe(3);
    expect(peer.received).toHaveLength(3);

    const byId = new Map(peer.received.map((r) => [r.mail.headers.get('x-goalpost-message'), r]));
    const find = (kind: string, to: string) => {
      const row = queued.find((m) => m.kind === kind && m.to_address === to)!;
      const got = byId.get(row.id);
      expect(got, `${kind} mail to ${to}`).toBeDefined();
      return got!;
    };

    const annSignup = find('signup', 'ann@example.com');
    expect(annSignup.envelopeTo).toEqual(['ann@example.com']);
    expect(annSignup.mail.to).toContain('ann@example.com');
    expect(annSignup.mail.subject).toBe('Welcome <b>Ann</b>');
    // HTML part: the name is escaped, the share URL is Ann's.
    expect(annSignup.mail.html).toBe(`<p>Hi &lt;b&gt;Ann&lt;/b&gt;, share <a href="${ann.shareUrl}">${ann.shareUrl}</a></p>`);
    expect(annSignup.mail.html).not.toContain('<b>Ann</b>');
    // Text part: plain text, nothing to escape.
    expect(annSignup.mail.text).toBe(`Hi <b>Ann</b>, share ${ann.shareUrl}`);

    const bobSignup = find('signup', 'bob@example.com');
    expect(bobSignup.envelopeTo).toEqual(['bob@example.com']);
    expect(bobSignup.mail.subject).toBe('Welcome Bob');
    expect(bobSignup.mail.html).toContain(bob.shareUrl);
    expect(bob.shareUrl).not.toBe(ann.shareUrl);

    const annReward = find('fulfillment', 'ann@example.com');
    expect(annReward.envelopeTo).toEqual(['ann@example.com']);
    expect(annReward.mail.subject).toBe('Your reward, <b>Ann</b>');
    expect(annReward.mail.html).toBe(`<p>Your code: <strong>${promoCode}</strong></p>`);
    expect(annReward.mail.text).toBe(`Your code: ${promoCode}`);

    const after = await outbox(t, offerId);
    for (const m of after) {
      expect(m.status, m.id).toBe('sent');
      expect(m.attempts).toBe(1);
      expect(m.sent_at).toBe(t.clock.now().toISOString());
      expect(m.last_error).toBeNull();
      expect(m.locked_until).toBeNull();
    }
    const listed = await t.call({ method: 'GET', url: `/api/v1/outbox?offerId=${offerId}&status=sent&limit=100` });
    expect(listed.status, listed.body).toBe(200);
    expect(listed.json.data.map((m: { id: string }) => m.id).sort()).toEqual(after.map((m) => m.id).sort());

    // Nothing is sent twice.
    t.clock.advance(3_600_000);
    expect(await w.runOnce()).toBe(0);
    expect(peer.received).toHaveLength(3);
  });

  it('a temporary refusal (421) puts the message back to pending with a later next attempt; it is sent once the delay has passed', async () => {
    const t = await app();
    const { offerId } = await offer(t);
    await signUp(t, offerId, { email: 'carol@example.com', fields: { firstName: 'Carol' } });
    const peer = await startSmtpPeer({ onData: (n) => (n <= 2 ? { code: 421, message: 'Try again later' } : null) });
    const w = worker(t, peer);

    expect(await w.runOnce()).toBe(0);
    let row = await onlyMessage(t, offerId);
    expect(row.status).toBe('pending');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toContain('421');
    expect(row.next_attempt_at).toBe(new Date(t.clock.now().getTime() + retryDelayMs(1)).toISOString());
    expect(row.next_attempt_at > t.clock.now().toISOString()).toBe(true);

    // Not due yet: nothing is tried.
    expect(await w.runOnce()).toBe(0);
    expect(peer.dataAttempts).toBe(1);

    t.clock.set(new Date(row.next_attempt_at));
    expect(await w.runOnce()).toBe(0);
    row = await onlyMessage(t, offerId);
    expect(row.status).toBe('pending');
    expect(row.attempts).toBe(2);
    expect(row.next_attempt_at).toBe(new Date(t.clock.now().getTime() + retryDelayMs(2)).toISOString());
    expect(peer.dataAttempts).toBe(2);

    t.clock.set(new Date(row.next_attempt_at));
    expect(await w.runOnce()).toBe(1);
    row = await onlyMessage(t, offerId);
    expect(row.status).toBe('sent');
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBeNull();
    expect(peer.received).toHaveLength(1);
    expect(peer.received[0]!.envelopeTo).toEqual(['carol@example.com']);
    expect(peer.received[0]!.mail.subject).toBe('Welcome Carol');
  });

  it('a permanent refusal (550) marks the message failed with the error and never retries it', async () => {
    const t = await app();
    const { offerId } = await offer(t);
    await signUp(t, offerId, { email: 'nobody@example.com', fields: { firstName: 'No' } });
    const peer = await startSmtpPeer({ onRcpt: () => ({ code: 550, message: 'No such user here' }) });
    const w = worker(t, peer);

    expect(await w.runOnce()).toBe(0);
    const row = await onlyMessage(t, offerId);
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toContain('550');
    expect(row.locked_until).toBeNull();
    expect(row.sent_at).toBeNull();

    t.clock.advance(24 * 3_600_000);
    expect(await w.runOnce()).toBe(0);
    expect(peer.rcptAttempts).toBe(1);
    expect(peer.received).toHaveLength(0);
    expect((await onlyMessage(t, offerId)).status).toBe('failed');

    const listed = await t.call({ method: 'GET', url: `/api/v1/outbox?offerId=${offerId}&status=failed` });
    expect(listed.status).toBe(200);
    expect(listed.json.data).toEqual([expect.objectContaining({ id: row.id, status: 'failed', lastError: expect.stringContaining('550') })]);
  });

  it(`after ${MAX_ATTEMPTS} temporary failures the message is failed for good`, async () => {
    const t = await app();
    const { offerId } = await offer(t);
    await signUp(t, offerId, { email: 'dave@example.com' });
    const peer = await startSmtpPeer({ onData: () => ({ code: 421, message: 'Still busy' }) });
    const w = worker(t, peer);

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await w.runOnce()).toBe(0);
      const row = await onlyMessage(t, offerId);
      expect(row.attempts).toBe(attempt);
      expect(row.last_error).toContain('421');
      if (attempt < MAX_ATTEMPTS) {
        expect(row.status).toBe('pending');
        expect(row.next_attempt_at).toBe(new Date(t.clock.now().getTime() + retryDelayMs(attempt)).toISOString());
        t.clock.set(new Date(row.next_attempt_at));
      } else {
        expect(row.status).toBe('failed');
      }
    }
    expect(peer.dataAttempts).toBe(MAX_ATTEMPTS);
    t.clock.advance(24 * 3_600_000);
    expect(await w.runOnce()).toBe(0);
    expect(peer.dataAttempts).toBe(MAX_ATTEMPTS);
    expect((await onlyMessage(t, offerId)).status).toBe('failed');
  });

  it('a message claimed by a worker that died is taken over once its lease runs out, and sent once', async () => {
    const t = await app();
    const { offerId } = await offer(t);
    await signUp(t, offerId, { email: 'erin@example.com', fields: { firstName: 'Erin' } });
    const now = t.clock.now();
    // A worker claims the message with a one-minute lease and dies before sending.
    const claimed = await claimDueMessages(t.ctx.store.db, dialect, now.toISOString(), new Date(now.getTime() + 60_000).toISOString(), 20, 8);
    expect(claimed).toHaveLength(1);
    const peer = await startSmtpPeer();
    const w = worker(t, peer);
    expect(await w.runOnce()).toBe(0);
    expect((await onlyMessage(t, offerId)).status).toBe('sending');
    expect(peer.received).toHaveLength(0);

    t.clock.advance(60_001);
    expect(await w.runOnce()).toBe(1);
    const row = await onlyMessage(t, offerId);
    expect(row.status).toBe('sent');
    expect(row.attempts).toBe(2);
    expect(peer.received).toHaveLength(1);
    expect(peer.received[0]!.mail.subject).toBe('Welcome Erin');
  });

  it('a worker stuck past its lease does not undo the delivery made by the worker that took over', async () => {
    const t = await app();
    const { offerId } = await offer(t);
    await signUp(t, offerId, { email: 'hal@example.com', fields: { firstName: 'Hal' } });
    let release: (reply: SmtpReply) => void = () => undefined;
    const stuck = new Promise<SmtpReply>((resolve) => (release = resolve));
    const slowPeer = await startSmtpPeer({ onData: () => stuck });
    const a = worker(t, slowPeer);
    try {
      const aRun = a.runOnce();
      for (let i = 0; i < 400 && slowPeer.dataAttempts === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(slowPeer.dataAttempts).toBe(1);

      // Worker A's SMTP server hangs past the lease (the worker's own lease); worker B takes the message over and delivers it.
      t.clock.advance(LEASE_MS + 1);
      const peer = await startSmtpPeer();
      const b = worker(t, peer);
      expect(await b.runOnce()).toBe(1);
      expect((await onlyMessage(t, offerId)).status).toBe('sent');

      // A's server finally refuses, temporarily. The message was delivered: it stays sent and is not sent again.
      release({ code: 451, message: 'Local error in processing' });
      expect(await aRun).toBe(0);
      const row = await onlyMessage(t, offerId);
      expect(row.status).toBe('sent');
      expect(row.sent_at).not.toBeNull();
      t.clock.advance(24 * 3_600_000);
      expect(await b.runOnce()).toBe(0);
      expect(peer.received).toHaveLength(1);
    } finally {
      release(null);
    }
  });

  describe('the real server (CLI child process)', () => {
    it('without GOALPOST_SMTP_URL mail stays pending in the store and is listed by GET /api/v1/outbox', async () => {
      const { url, cleanup } = await freshStoreUrl(dialect);
      try {
        const server = await startServer({ databaseUrl: url, env: { LOG_LEVEL: 'info' } });
        const { offerId } = await createApprovedOffer(server.api, {
          goal: { type: 'referred_signups', count: 1 },
          signupEmail: SIGNUP_EMAIL,
          fulfillmentEmail: FULFILLMENT_EMAIL,
        });
        const signup = await server.api('POST', `/v1/public/offers/${offerId}/signups`, { email: 'fay@example.com', fields: { firstName: 'Fay' } }, { key: null });
        expect(signup.status, signup.text).toBe(201);
        const listed = await server.api('GET', `/api/v1/outbox?offerId=${offerId}`);
        expect(listed.status, listed.text).toBe(200);
        expect(listed.json.data).toEqual([
          expect.objectContaining({ kind: 'signup', to: 'fay@example.com', subject: 'Welcome Fay', status: 'pending', attempts: 0, sentAt: null, lastError: null }),
        ]);
        const pending = await server.api('GET', '/api/v1/outbox?status=pending');
        expect(pending.json.data.map((m: { to: string }) => m.to)).toContain('fay@example.com');
        // No worker runs: the message is never even claimed.
        await server.stop();
        expect(server.output()).toContain('GOALPOST_SMTP_URL is not set');
      } finally {
        await stopAllServers();
        cleanup();
      }
    }, 180_000);

    it('with GOALPOST_SMTP_URL the server delivers the outbox to the SMTP peer', async () => {
      const peer = await startSmtpPeer();
      const { url, cleanup } = await freshStoreUrl(dialect);
      try {
        const server = await startServer({ databaseUrl: url, env: { GOALPOST_SMTP_URL: peer.url, GOALPOST_MAIL_FROM: 'Rewards <rewards@example.com>' } });
        const { offerId } = await createApprovedOffer(server.api, {
          goal: { type: 'referred_signups', count: 1 },
          signupEmail: SIGNUP_EMAIL,
          fulfillmentEmail: FULFILLMENT_EMAIL,
        });
        const signup = await server.api('POST', `/v1/public/offers/${offerId}/signups`, { email: 'gus@example.com', fields: { firstName: 'Gus' } }, { key: null });
        expect(signup.status, signup.text).toBe(201);
        // The worker polls every second: wait (bounded) for the message to be sent.
        let status = 'pending';
        for (let i = 0; i < 600 && status !== 'sent'; i++) {
          await new Promise((r) => setTimeout(r, 100));
          const listed = await server.api('GET', `/api/v1/outbox?offerId=${offerId}`);
          status = listed.json.data[0]?.status ?? 'missing';
        }
        expect(status, server.output()).toBe('sent');
        expect(peer.received).toHaveLength(1);
        const mail = peer.received[0]!.mail;
        expect(peer.received[0]!.envelopeTo).toEqual(['gus@example.com']);
        expect(mail.headers.get('from')).toContain('rewards@example.com');
        expect(mail.subject).toBe('Welcome Gus');
        expect(mail.html).toContain(`${server.base}/r/${signup.json.shareCode}`);
      } finally {
        await stopAllServers();
        cleanup();
      }
    }, 180_000);
  });
});
