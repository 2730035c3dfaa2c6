/**
 * The pieces of the browser suites: Goalpost listening on 127.0.0.1, a
 * customer's site on another site (shop.localhost) that pastes the embed code,
 * a real SMTP peer, and Debian's Chromium driven by playwright-core with
 * third-party cookies blocked.
 */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream } from 'smtp-server';
import { expect } from 'vitest';
import { startTestApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';

export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

// ----- Goalpost -----

export interface Goalpost extends TestApp {
  url: string;
}

export async function startGoalpost(env: Record<string, string> = {}): Promise<Goalpost> {
  const t = await startTestApp('sqlite', env);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  // Share URLs and embed code point at the real port, which is known only now.
  t.ctx.config.publicUrl = url;
  return Object.assign(t, { url });
}

// ----- the customer's site -----

export interface CustomerSite {
  /** e.g. http://shop.localhost:40123: another site than Goalpost's 127.0.0.1, so Goalpost's frame is third-party. */
  origin: string;
  close(): Promise<void>;
}

/**
 * A shop with a product page hosting the widget (the embed code as the admin
 * API gives it), a checkout page without the widget, and a Buy button that
 * calls the conversion. Its own CSS is hostile on purpose: none of it may
 * reach the widget.
 */
export async function startCustomerSite(goalpost: Goalpost, offerIdOf: (path: string) => string): Promise<CustomerSite> {
  const snippets = new Map<string, { headerSnippet: string; bodySnippet: string }>();
  const embed = async (offerId: string) => {
    if (!snippets.has(offerId)) {
      const res = await goalpost.call({ method: 'GET', url: `/api/v1/offers/${offerId}/embed-code` });
      expect(res.status, res.body).toBe(200);
      snippets.set(offerId, res.json);
    }
    return snippets.get(offerId)!;
  };
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://shop.localhost');
      if (url.pathname === '/favicon.ico') return res.writeHead(404).end();
      const offerId = offerIdOf(url.pathname);
      const code = await embed(offerId);
      const withWidget = !url.pathname.endsWith('/checkout');
      // ?identify=EMAIL: the page calls identify before /embed.js has loaded (the queue stub keeps it).
      const identify = url.searchParams.get('identify');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Trail Shoes</title>
${code.headerSnippet}
${identify ? `<script>goalpost('identify', ${JSON.stringify(identify).replace(/</g, '\\u003c')});</script>` : ''}
<style>
  body { font-family: Georgia, serif; margin: 24px; background: #fffbe6; }
  /* Hostile host styles: none of this may reach inside the widget. */
  * { color: #c00 !important; font-size: 22px !important; letter-spacing: 2px !important; }
  button { background: #222 !important; }
  .page-col { max-width: 560px; }
</style>
</head><body>
<div class="page-col">
<h1>Acme Trail Shoes</h1>
<p>Light, tough and comfortable. Tell your friends!</p>
${withWidget ? code.bodySnippet : ''}
<p><button id="buy" type="button">Buy</button> <span id="bought"></span></p>
</div>
<script>
  document.getElementById('buy').addEventListener('click', function () {
    goalpost('ready', function () {
      goalpost('conversion', { offerId: ${JSON.stringify(offerId)}, event: 'purchase', value: 89.5, idempotencyKey: 'order-' + Date.now() });
      document.getElementById('bought').textContent = 'Thank you for your order';
    });
  });
</script>
</body></html>`);
    })().catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://shop.localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ----- a real SMTP peer -----

export interface SmtpPeer {
  url: string;
  /** Raw messages (headers and MIME body) with their envelope recipients. */
  received: { to: string[]; raw: string }[];
  close(): Promise<void>;
}

export async function startSmtpPeer(): Promise<SmtpPeer> {
  const received: SmtpPeer['received'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Undoes quoted-printable soft breaks and escapes, enough to search a MIME body for text. */
export function decodeQuotedPrintable(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i += 1) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(joined.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes).toString('utf8');
}

// ----- Chromium -----

// Playwright turns ThirdPartyStoragePartitioning off; real Chrome, Firefox and Safari partition third-party
// storage, so we pass the list of features to disable ourselves, without it (the last --disable-features wins).
const DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
];

export async function launchChromium(options: { partitionedStorage?: boolean } = {}): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Playwright gives each launch a new, temporary user-data dir.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Third-party cookies blocked, as Safari and Firefox do and Chrome users can (checked by a test).
      '--test-third-party-cookie-phaseout',
      ...(options.partitionedStorage === false ? [] : [`--disable-features=${DISABLED_FEATURES.join(',')}`]),
    ],
  });
}

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP refusals seen in any frame: a page of ours must cause none. */
  problems: string[];
}

export async function newPerson(browser: Browser, locale = 'en-US'): Promise<Person> {
  const context = await browser.newContext({
    locale,
    viewport: { width: 900, height: 1100 },
    deviceScaleFactor: 1,
    // Headless Chromium says "HeadlessChrome", which the redirect rightly takes for a bot and does not count.
    userAgent: `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`,
  });
  // Share intents open the networks' pages: answer them locally, nothing leaves the machine.
  await context.route(/^https:\/\/(www\.)?(x\.com|facebook\.com|linkedin\.com|wa\.me|reddit\.com)\//, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>share</title><p>share page stand-in</p>' }),
  );
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${message.location().url}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return { context, page, problems };
}

/** The widget's frame on a page (the iframe /embed.js made), once its script has shown a view. */
export async function widgetFrame(page: Page): Promise<Frame> {
  const element = await page.waitForSelector('iframe[src*="/w/off_"]');
  const frame = (await element.contentFrame())!;
  await frame.waitForFunction(() => document.getElementById('gp')?.dataset.ready !== undefined);
  return frame;
}

export async function currentView(frame: Frame): Promise<string> {
  return frame.evaluate(() => document.getElementById('gp')!.dataset.view!);
}

export async function waitForView(frame: Frame, view: string): Promise<void> {
  await frame.waitForFunction((v) => document.getElementById('gp')!.dataset.view === v, view);
}

/** A screenshot of the widget as it stands on the page, for people to look at (test-artifacts/, not committed). */
export async function snapshot(page: Page, name: string): Promise<string> {
  const path = `${ARTIFACTS}${name}.png`;
  // Let the frame settle at the height the widget asked for.
  await page.waitForTimeout(150);
  await page.locator('iframe[src*="/w/off_"]').screenshot({ path });
  return path;
}

/** Polls until `check` passes (for effects of beacons, which are not awaited by the page). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
