/**
 * The participant's path in a real Chromium, across two sites with
 * third-party cookies blocked: a participant signs up in the widget on the
 * customer's site and shares; a friend follows the link, lands on the
 * customer's site and buys; the participant sees the credit; the fulfilment
 * email reaches a real SMTP peer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame } from 'playwright-core';
import { MailWorker } from '../../src/delivery/mail-worker.js';
import { DEFAULT_TEXTS } from '../../src/domain/messages/default-texts.js';
import { approvedOffer } from './fixtures.js';
import {
  ARTIFACTS,
  currentView,
  decodeQuotedPrintable,
  eventually,
  launchChromium,
  newPerson,
  snapshot,
  startCustomerSite,
  startGoalpost,
  startSmtpPeer,
  waitForView,
  widgetFrame,
} from './harness.js';
import type { CustomerSite, Goalpost, SmtpPeer } from './harness.js';

const en = DEFAULT_TEXTS.en;

describe('the participant and the friend in Chromium', () => {
  let goalpost: Goalpost;
  let site: CustomerSite;
  let smtp: SmtpPeer;
  let browser: Browser;
  let mail: MailWorker;
  const offers: Record<string, string> = {};

  beforeAll(async () => {
    goalpost = await startGoalpost();
    smtp = await startSmtpPeer();
    mail = new MailWorker(goalpost.ctx, { smtpUrl: smtp.url, from: 'Goalpost <goalpost@example.com>' });
    const flow = (order: string) => ({
      order,
      fields: [
        { name: 'email', required: true },
        { name: 'firstName', required: false },
        { name: 'lastName', required: true },
      ],
      consent: 'opt_in',
    });
    offers.capture = await approvedOffer(goalpost, {
      goal: { type: 'custom_js_event', count: 1 },
      promoCodes: { enabled: true },
      signupFlow: flow('capture_then_share'),
      privacyPolicy: { title: 'Privacy at Acme', url: 'https://example.com/privacy' },
    }, 'Trail shoes: refer a friend');
    offers.share = await approvedOffer(goalpost, { goal: { type: 'referred_signups', count: 2 }, signupFlow: flow('share_then_capture') }, 'Share to join');
    const codes = await goalpost.call({ method: 'POST', url: `/api/v1/offers/${offers.capture}/promo-codes`, headers: { 'content-type': 'text/plain' }, payload: 'TRAIL-2026-AAA\nTRAIL-2026-BBB\n' });
    expect(codes.status, codes.body).toBe(200);
    site = await startCustomerSite(goalpost, (path) => offers[path.split('/')[1]!]!);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await mail?.stop();
    await site?.close();
    await smtp?.close();
    await goalpost?.close();
  });

  async function fillCapture(frame: Frame, email: string, firstName: string): Promise<void> {
    await frame.fill('#gp-f-email', email);
    await frame.fill('#gp-f-firstName', firstName);
    await frame.check('input[name=consent]');
    await frame.click('#gp-signup button[type=submit]');
  }

  it('third-party cookies are really blocked in this browser', async () => {
    const person = await newPerson(browser);
    await person.page.goto(`${site.origin}/capture/product`);
    const frame = await widgetFrame(person.page);
    const thirdParty = await frame.evaluate(() => {
      document.cookie = 'probe=1; SameSite=None; Secure; path=/';
      return document.cookie.includes('probe=1');
    });
    expect(thirdParty).toBe(false);
    // The same cookie, first-party on Goalpost's own site, sticks: the block is what differs.
    await person.page.goto(`${goalpost.url}/o/${offers.capture}`);
    const firstParty = await person.page.evaluate(() => {
      document.cookie = 'probe=1; SameSite=None; Secure; path=/';
      return document.cookie.includes('probe=1');
    });
    expect(firstParty).toBe(true);
    await person.context.close();
  });

  it('capture then share: sign-up, copy the link, a friend converts on the shop, credit, fulfilment email over SMTP', async () => {
    // --- the participant, on the shop's product page ---
    const ann = await newPerson(browser);
    await ann.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
    await ann.page.goto(`${site.origin}/capture/product`);
    let frame = await widgetFrame(ann.page);
    expect(await currentView(frame)).toBe('start');
    // The host's hostile CSS does not reach inside: the widget keeps its own font size and colours.
    expect(await frame.evaluate(() => getComputedStyle(document.querySelector('.gp-btn')!).fontSize)).toBe('16px');
    expect(await frame.textContent('footer')).toContain('Privacy at Acme');
    await ann.page.waitForTimeout(150);
    await ann.page.screenshot({ path: `${ARTIFACTS}shop-page-with-widget.png`, fullPage: true });
    await frame.click('button[data-action=join]');
    await waitForView(frame, 'capture');
    // lastName is required but not asked up front: the server asks for it because it does not know Ann.
    expect(await frame.isVisible('#gp-f-lastName')).toBe(false);
    await fillCapture(frame, 'ann@example.com', 'Ann');
    await frame.waitForSelector('#gp-f-lastName', { state: 'visible' });
    expect(await frame.textContent('#gp-f-lastName-error')).toBe(en.errorRequired);
    await frame.fill('#gp-f-lastName', 'Archer');
    await frame.click('#gp-signup button[type=submit]');
    await waitForView(frame, 'share');
    expect(await frame.textContent('[data-show="share"] h2')).toBe(en.confirmationHeading);

    const shareUrl = await frame.inputValue('#gp-url');
    expect(shareUrl).toMatch(new RegExp(`^${goalpost.url}/r/[A-Za-z0-9]{12}$`));
    await frame.click('button[data-action=copy]');
    await frame.waitForFunction((copied) => document.querySelector('[data-action=copy]')!.textContent === copied, en.copyLinkCopied);
    expect(await ann.page.evaluate(() => navigator.clipboard.readText())).toBe(shareUrl);
    // Copying is a share, so the share step is done: the participant's home with progress.
    await waitForView(frame, 'done');
    await frame.waitForFunction((text) => document.querySelector('[data-role=credit]')!.textContent === text, 'Credit: 0 of 1');

    // The visit of the page was reported with the host site's first-party visitor id, and the share recorded.
    const annRow = await goalpost.ctx.store.db
      .selectFrom('participants')
      .innerJoin('people', 'people.id', 'participants.person_id')
      .select(['participants.id', 'participants.person_id', 'participants.signup_page', 'participants.visitor_id', 'people.last_name', 'people.consent'])
      .where('people.email', '=', 'ann@example.com')
      .executeTakeFirstOrThrow();
    expect(annRow.signup_page).toBe(`${site.origin}/capture/product`);
    expect(annRow.last_name).toBe('Archer');
    expect(annRow.consent).toBe('subscribed');
    const annCookies = await ann.context.cookies(site.origin);
    expect(annCookies.find((c) => c.name === 'gp_v')?.value).toBe(annRow.visitor_id);
    await eventually(async () => {
      const acts = await goalpost.call({ method: 'GET', url: `/api/v1/people/${annRow.person_id}/activities` });
      expect(acts.json.data.map((a: { type: string; attributes: { channel?: string } }) => `${a.type}:${a.attributes.channel ?? ''}`)).toContain('shares:copy_link');
    });

    // --- the friend, in another browser, follows the link ---
    const bo = await newPerson(browser);
    await bo.page.goto(shareUrl);
    // The share target is the page that hosted the sign-up, with the click id.
    expect(bo.page.url()).toMatch(new RegExp(`^${site.origin}/capture/product\\?gp_click=clk_`));
    const clickId = new URL(bo.page.url()).searchParams.get('gp_click')!;
    await widgetFrame(bo.page);
    const boCookies = await bo.context.cookies(site.origin);
    expect(boCookies.find((c) => c.name === 'gp_c')?.value).toBe(clickId);
    const boVisitor = boCookies.find((c) => c.name === 'gp_v')!.value;
    // The page hosting the widget reported a visit, with the per-tab session and the click: a referred visit.
    const visit = await eventually(async () => {
      const row = await goalpost.ctx.store.db.selectFrom('activities').selectAll().where('type', '=', 'visits_offer_page').where('visitor_id', '=', boVisitor).executeTakeFirst();
      expect(row).toBeDefined();
      return row!;
    });
    expect(JSON.parse(visit.attributes_json)).toMatchObject({ page: bo.page.url(), referrerParticipantId: annRow.id });
    const session = await goalpost.ctx.store.db.selectFrom('visit_sessions').selectAll().where('visitor_id', '=', boVisitor).executeTakeFirstOrThrow();
    expect(session.browser_session).toMatch(/^[a-z0-9]+$/);
    // Goalpost's own cookie from the redirect is first-party there, and never visible to the shop.
    expect(boCookies.some((c) => c.name === 'gp_vid')).toBe(false);

    // The friend browses on to checkout (no widget, no gp_click in the URL) and buys: the cookie carries the click.
    // The checkout page identifies the friend before /embed.js has loaded: the queue stub keeps the call.
    await bo.page.goto(`${site.origin}/capture/checkout?identify=bo@example.com`);
    await bo.page.click('#buy');
    await bo.page.waitForSelector('#bought:has-text("Thank you")');
    const credited = await eventually(async () => {
      const res = await goalpost.call({ method: 'GET', url: `/api/v1/offers/${offers.capture}/participants?fulfilled=true` });
      expect(res.json.data).toHaveLength(1);
      return res.json.data[0];
    });
    expect(credited).toMatchObject({ id: annRow.id, credit: 1, fulfillmentState: 'sent', promoCodes: [{ code: 'TRAIL-2026-AAA', sentAt: expect.any(String) }] });
    const tie = await goalpost.ctx.store.db.selectFrom('visitors').innerJoin('people', 'people.id', 'visitors.person_id').select('people.email').where('visitors.id', '=', boVisitor).executeTakeFirst();
    expect(tie?.email).toBe('bo@example.com');
    const conversion = await goalpost.ctx.store.db.selectFrom('activities').selectAll().where('type', '=', 'custom_event').where('visitor_id', '=', boVisitor).executeTakeFirstOrThrow();
    expect(JSON.parse(conversion.attributes_json)).toMatchObject({ name: 'purchase', value: 89.5, referrerParticipantId: annRow.id });

    // --- the participant comes back: the widget remembers her (token in the frame's storage, partitioned by the shop's site) ---
    await ann.page.reload();
    frame = await widgetFrame(ann.page);
    await waitForView(frame, 'done');
    await frame.waitForFunction((text) => document.querySelector('[data-role=credit]')!.textContent === text, 'Credit: 1 of 1');
    expect(await frame.textContent('[data-role=next]')).toBe(en.progressGoalMet);
    await snapshot(ann.page, 'flow-capture-then-share-goal-met');

    // --- the fulfilment email arrives at the SMTP peer ---
    await mail.runOnce();
    const fulfilment = await eventually(async () => {
      const found = smtp.received.find((m) => m.to.includes('ann@example.com') && decodeQuotedPrintable(m.raw).includes('TRAIL-2026-AAA'));
      expect(found).toBeDefined();
      return found!;
    });
    expect(decodeQuotedPrintable(fulfilment.raw)).toContain('Hi Ann,');
    expect(smtp.received.some((m) => m.to.includes('ann@example.com') && decodeQuotedPrintable(m.raw).includes(shareUrl))).toBe(true);

    expect(ann.problems).toEqual([]);
    expect(bo.problems).toEqual([]);
    await ann.context.close();
    await bo.context.close();
  });

  it('share then capture: the person must share to finish; share intents carry the message, the page title and the channel', async () => {
    const cy = await newPerson(browser);
    await cy.page.goto(`${site.origin}/share/product`);
    const frame = await widgetFrame(cy.page);
    await frame.click('button[data-action=join]');
    await fillCapture(frame, 'cy@example.com', 'Cy');
    await frame.waitForSelector('#gp-f-lastName', { state: 'visible' });
    await frame.fill('#gp-f-lastName', 'Cole');
    await frame.click('#gp-signup button[type=submit]');
    await waitForView(frame, 'share');
    expect(await frame.textContent('[data-show="share"] h2')).toBe(en.shareToFinishPrompt);
    expect(await frame.$('button[data-action=skip]')).toBeNull();
    await snapshot(cy.page, 'flow-share-then-capture-must-share');
    const shareUrl = await frame.inputValue('#gp-url');

    // Post on X: a new window with the configured message, {html_title} = the shop page's title, the URL marked ?c=x.
    const [popup] = await Promise.all([cy.context.waitForEvent('page'), frame.click('button[data-share=x]')]);
    await popup.waitForLoadState();
    const intent = new URL(popup.url());
    expect(intent.origin + intent.pathname).toBe('https://x.com/intent/post');
    expect(intent.searchParams.get('text')).toBe('Have a look at Acme Trail Shoes');
    expect(intent.searchParams.get('url')).toBe(`${shareUrl}?c=x`);
    await popup.close();
    await waitForView(frame, 'done');

    // Invite two friends by email from the widget.
    await frame.click('button[data-share=email]');
    await frame.fill('#gp-recipients', 'dan@example.com, eve@example.com');
    await frame.click('#gp-reshare button[type=submit]');
    await frame.waitForSelector(`#gp-reshare .gp-status:has-text("${en.reshareSent}")`);
    await snapshot(cy.page, 'flow-share-then-capture-reshare-sent');
    const invitations = await goalpost.ctx.store.db.selectFrom('outbox').select(['to_address', 'html']).where('kind', '=', 'reshare').execute();
    expect(invitations.map((i) => i.to_address).sort()).toEqual(['dan@example.com', 'eve@example.com']);
    expect(invitations[0]!.html).toContain(`${shareUrl}?c=email`);

    const person = await goalpost.ctx.store.db.selectFrom('people').select('id').where('email', '=', 'cy@example.com').executeTakeFirstOrThrow();
    await eventually(async () => {
      const acts = await goalpost.call({ method: 'GET', url: `/api/v1/people/${person.id}/activities` });
      const shares = acts.json.data.filter((a: { type: string }) => a.type === 'shares').map((a: { attributes: unknown }) => a.attributes);
      expect(shares).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ channel: 'x', message: 'Have a look at Acme Trail Shoes' }),
          expect.objectContaining({ channel: 'email', recipients: 2 }),
        ]),
      );
    });

    // The friend Dan signs up through the link, in the widget: Cy earns a referred sign-up.
    const dan = await newPerson(browser);
    await dan.page.goto(`${shareUrl}?c=email`);
    const danFrame = await widgetFrame(dan.page);
    await danFrame.click('button[data-action=join]');
    await danFrame.fill('#gp-f-email', 'dan@example.com');
    await danFrame.click('#gp-signup button[type=submit]');
    await danFrame.waitForSelector('#gp-f-lastName', { state: 'visible' });
    await danFrame.fill('#gp-f-lastName', 'Dee');
    await danFrame.click('#gp-signup button[type=submit]');
    await waitForView(danFrame, 'share');
    await cy.page.reload();
    const again = await widgetFrame(cy.page);
    await again.waitForFunction((text) => document.querySelector('[data-role=credit]')?.textContent === text, 'Credit: 1 of 2');
    expect(await again.textContent('[data-role=next]')).toBe('Keep sharing your link: 1 more to reach the goal.');

    expect(cy.problems).toEqual([]);
    expect(dan.problems).toEqual([]);
    await cy.context.close();
    await dan.context.close();
  });

  it('track progress without the token: "email me my link" mails a one-time link that restores it on the hosted page', async () => {
    const ann = await newPerson(browser);
    await ann.page.goto(`${site.origin}/capture/product`);
    const frame = await widgetFrame(ann.page);
    await frame.click('button[data-action=track]');
    await waitForView(frame, 'recover');
    await frame.fill('#gp-recover-email', 'ann@example.com');
    await frame.click('#gp-recover button[type=submit]');
    await frame.waitForSelector(`#gp-recover .gp-status:has-text("${en.emailMyLinkSent}")`);
    await snapshot(ann.page, 'flow-email-me-my-link');

    await mail.runOnce();
    const message = await eventually(async () => {
      const found = smtp.received.find((m) => m.to.includes('ann@example.com') && decodeQuotedPrintable(m.raw).includes('gp_restore='));
      expect(found).toBeDefined();
      return decodeQuotedPrintable(found!.raw);
    });
    const link = /href="([^"]+gp_restore=[^"]+)"/.exec(message)![1]!.replace(/&amp;/g, '&');
    expect(link.startsWith(`${goalpost.url}/o/${offers.capture}?gp_restore=`)).toBe(true);

    // Opening the link: the hosted page, its widget restores the token and shows the progress.
    await ann.page.goto(link);
    expect(await ann.page.textContent('h1')).toBe('Trail shoes: refer a friend');
    const hosted = await widgetFrame(ann.page);
    await waitForView(hosted, 'done');
    await hosted.waitForFunction((text) => document.querySelector('[data-role=credit]')?.textContent === text, 'Credit: 1 of 1');
    await ann.page.screenshot({ path: `${ARTIFACTS}hosted-page-restored.png`, fullPage: true });
    // The code works once: another browser with the same link gets the start view.
    const eve = await newPerson(browser);
    await eve.page.goto(link);
    const eveFrame = await widgetFrame(eve.page);
    await waitForView(eveFrame, 'start');
    expect(ann.problems).toEqual([]);
    await ann.context.close();
    await eve.context.close();
  });

  it('where the browser denies third-party storage, the widget still signs up and shows the link', async () => {
    const strict = await launchChromium({ partitionedStorage: false });
    try {
      const fay = await newPerson(strict);
      await fay.page.goto(`${site.origin}/capture/product`);
      const frame = await widgetFrame(fay.page);
      expect(await frame.evaluate(() => { try { return !!localStorage; } catch { return false; } })).toBe(false);
      await frame.click('button[data-action=join]');
      await fillCapture(frame, 'fay@example.com', 'Fay');
      await frame.waitForSelector('#gp-f-lastName', { state: 'visible' });
      await frame.fill('#gp-f-lastName', 'Fox');
      await frame.click('#gp-signup button[type=submit]');
      await waitForView(frame, 'share');
      expect(await frame.inputValue('#gp-url')).toMatch(/\/r\/[A-Za-z0-9]{12}$/);
      await frame.click('button[data-action=skip]');
      await waitForView(frame, 'done');
      await frame.waitForFunction(() => document.querySelector('[data-role=credit]')?.textContent === 'Credit: 0 of 1');
      expect(fay.problems).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
