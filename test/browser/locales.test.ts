/**
 * The widget in each shipped language, following the browser's language, in
 * Chromium on a customer's site. Every state is written to test-artifacts/
 * (widget-{locale}-{state}.png) for people to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEFAULT_TEXTS, SUPPORTED_LOCALES } from '../../src/domain/messages/default-texts.js';
import { fillText } from '../../src/domain/messages/widget-share.js';
import { approvedOffer, HOSTILE } from './fixtures.js';
import { launchChromium, newPerson, snapshot, startCustomerSite, startGoalpost, waitForView, widgetFrame } from './harness.js';
import type { CustomerSite, Goalpost } from './harness.js';

const BROWSER_LANGUAGE: Record<string, string> = { en: 'en-GB', fr: 'fr-FR', sv: 'sv-SE', 'zh-CN': 'zh-CN' };

describe('the widget in every language', () => {
  let goalpost: Goalpost;
  let site: CustomerSite;
  let browser: Browser;
  let offerId: string;
  let hostileOffer: string;

  beforeAll(async () => {
    goalpost = await startGoalpost();
    offerId = await approvedOffer(
      goalpost,
      {
        followBrowserLanguage: true,
        goal: { type: 'referred_signups', count: 5 },
        signupFlow: {
          order: 'capture_then_share',
          fields: [
            { name: 'email', required: true },
            { name: 'firstName', required: true },
            { name: 'company', required: false },
          ],
          consent: 'opt_out',
        },
        privacyPolicy: { title: 'Privacy', url: 'https://example.com/privacy' },
      },
      'Refer a friend',
    );
    const texts = Object.fromEntries(Object.keys(DEFAULT_TEXTS.en).map((k) => [k, `${k} ${HOSTILE}`]));
    hostileOffer = await approvedOffer(
      goalpost,
      {
        texts: { en: texts },
        sharing: { channels: ['email', 'copy_link', 'x'], messages: { x: HOSTILE } },
        privacyPolicy: { title: HOSTILE, url: 'https://example.com/privacy' },
        signupFlow: { order: 'capture_then_share', fields: [{ name: 'email', required: true }, { name: 'lastName', required: true }], consent: 'opt_in' },
      },
      HOSTILE,
    );
    site = await startCustomerSite(goalpost, (path) => (path.startsWith('/hostile') ? hostileOffer : offerId));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await goalpost?.close();
  });

  it.each(SUPPORTED_LOCALES)('renders every state in %s', async (locale) => {
    const t = DEFAULT_TEXTS[locale];
    const person = await newPerson(browser, BROWSER_LANGUAGE[locale]);
    await person.page.goto(`${site.origin}/product`);
    const frame = await widgetFrame(person.page);
    expect(await frame.getAttribute('html', 'lang')).toBe(locale);
    expect(await frame.textContent('button[data-action=join]')).toBe(t.signupButton);
    expect(await frame.textContent('.gp-footer')).toContain(t.rulesLink);
    await snapshot(person.page, `widget-${locale}-1-start`);

    await frame.click('button[data-action=join]');
    await waitForView(frame, 'capture');
    await frame.fill('#gp-f-email', `person.${locale}@example.com`);
    await frame.click('#gp-signup button[type=submit]');
    // The server does not know this person's first name: the widget asks for it.
    await frame.waitForSelector('#gp-f-firstName', { state: 'visible' });
    expect(await frame.textContent('#gp-f-firstName-error')).toBe(t.errorRequired);
    expect(await frame.textContent('label[for=gp-f-firstName]')).toContain(t.fieldFirstName);
    await snapshot(person.page, `widget-${locale}-2-capture-asks-required`);

    await frame.fill('#gp-f-firstName', locale === 'zh-CN' ? '小明' : 'Alex');
    await frame.click('#gp-signup button[type=submit]');
    await waitForView(frame, 'share');
    expect(await frame.textContent('[data-show="share"] h2')).toBe(t.confirmationHeading);
    expect(await frame.textContent('button[data-action=skip]')).toBe(t.skipShareButton);
    await frame.click('button[data-share=email]');
    await snapshot(person.page, `widget-${locale}-3-share`);

    await frame.click('button[data-action=skip]');
    await waitForView(frame, 'done');
    const credit = fillText(t.progressCredit, { credit: 0, goal: 5 });
    await frame.waitForFunction((text) => document.querySelector('[data-role=credit]')?.textContent === text, credit);
    expect(await frame.textContent('[data-role=next]')).toBe(fillText(t.progressNextSteps, { remaining: 5 }));
    await snapshot(person.page, `widget-${locale}-4-progress`);

    // A second browser of the same person, without the token: "email me my link".
    const other = await newPerson(browser, BROWSER_LANGUAGE[locale]);
    await other.page.goto(`${site.origin}/product`);
    const otherFrame = await widgetFrame(other.page);
    await otherFrame.click('button[data-action=track]');
    await waitForView(otherFrame, 'recover');
    await otherFrame.fill('#gp-recover-email', `person.${locale}@example.com`);
    await otherFrame.click('#gp-recover button[type=submit]');
    await otherFrame.waitForSelector(`#gp-recover .gp-status:has-text("${t.emailMyLinkSent}")`);
    await snapshot(other.page, `widget-${locale}-5-email-me-my-link`);

    expect(person.problems).toEqual([]);
    expect(other.problems).toEqual([]);
    await person.context.close();
    await other.context.close();
  });

  it('runs nothing a marketer or a person typed: hostile texts, title and messages stay text', async () => {
    const person = await newPerson(browser);
    await person.page.goto(`${site.origin}/hostile/product`);
    const frame = await widgetFrame(person.page);
    expect(await frame.textContent('button[data-action=join]')).toBe(`signupButton ${HOSTILE}`);
    await frame.click('button[data-action=join]');
    await frame.fill('#gp-f-email', 'mallory@example.com');
    await frame.click('#gp-signup button[type=submit]');
    await frame.waitForSelector('#gp-f-lastName', { state: 'visible' });
    await frame.fill('#gp-f-lastName', HOSTILE);
    await frame.click('#gp-signup button[type=submit]');
    await waitForView(frame, 'share');
    const [popup] = await Promise.all([person.context.waitForEvent('page'), frame.click('button[data-share=x]')]);
    expect(new URL(popup.url()).searchParams.get('text')).toBe(HOSTILE.replace(/\s+/g, ' '));
    await popup.close();
    await snapshot(person.page, 'widget-hostile-texts');
    expect(await frame.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await person.page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    // Nothing typed became an element: no image, and no script but the page's own two.
    expect(await frame.evaluate(() => [document.images.length, document.scripts.length])).toEqual([0, 2]);

    await person.page.goto(`${goalpost.url}/o/${hostileOffer}`);
    await widgetFrame(person.page);
    expect(await person.page.textContent('h1')).toBe(HOSTILE);
    expect(await person.page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(person.problems).toEqual([]);
    await person.context.close();
  });
});
