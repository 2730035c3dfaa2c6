/**
 * The admin UI in a real Chromium, walking the seed document's path: sign in,
 * approve the emails, create an offer and set its Fulfillment Goal under
 * App Settings › Offer Details › Settings (Referred Sign-Ups, 5), attach the
 * emails, see approval refused next to the missing rules URL, set it, approve,
 * copy the embed code; upload promo codes and read the report; watch a
 * participant reach the goal and send the manual fulfillment email; build a
 * smart campaign with Give Credit to Referrer and see activation refused for
 * the wrong goal type. Screenshots of every main screen, at 1280 px and at
 * phone width, go to test-artifacts/admin-*.png.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CampaignRunner } from '../../src/app/campaigns/runner.js';
import { loopFixtures } from '../support/loop-fixtures.js';
import { approvedOffer } from './fixtures.js';
import { ARTIFACTS, startGoalpost } from './harness.js';
import type { Goalpost } from './harness.js';

const EMAIL = 'marketing-lead@example.com';
const PASSWORD = 'a long enough password';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describe('the admin UI in Chromium', () => {
  let goalpost: Goalpost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const state = { signupEmail: '', fulfillmentEmail: '', offerId: '', participantEmail: '', smartOfferId: '' };

  const shot = async (name: string, p: Page = page, fullPage = true) => {
    await p.evaluate(() => window.scrollTo(0, 0));
    await p.waitForTimeout(250);
    await p.screenshot({ path: `${ARTIFACTS}admin-${name}.png`, fullPage });
  };
  const go = (path: string, p: Page = page) => p.goto(`${goalpost.url}/admin${path}`);
  const heading = (name: string | RegExp, p: Page = page) => p.getByRole('heading', { level: 1, name }).waitFor();

  /** Every form control on the page has a label (a <label>, aria-label or aria-labelledby). */
  const unlabelledControls = (p: Page = page) =>
    p.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLInputElement>('input, select, textarea'))
        .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length > 0) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
        .map((el) => el.outerHTML.slice(0, 120)),
    );
  const horizontalOverflow = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  beforeAll(async () => {
    goalpost = await startGoalpost();
    // The UI picks report ranges with the browser's clock: the server's test clock follows it.
    goalpost.clock.set(new Date());
    const account = await goalpost.call({ method: 'POST', url: '/api/v1/accounts', payload: { email: EMAIL, role: 'administrator', password: PASSWORD } });
    expect(account.status, account.body).toBe(201);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: goalpost.url });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await page?.screenshot({ path: `${ARTIFACTS}admin-failed-${task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}.png`, fullPage: true });
  });

  afterAll(async () => {
    await browser?.close();
    await goalpost?.close();
  });

  it('serves the app at /admin with long-cached hashed assets and a fallback for every screen', async () => {
    const index = await goalpost.call({ method: 'GET', url: '/admin/offers/off_whatever/report', key: null });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const asset = /\/admin\/assets\/[^"]+\.js/.exec(index.body)![0];
    const js = await goalpost.call({ method: 'GET', url: asset, key: null });
    expect(js.status).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await goalpost.call({ method: 'GET', url: '/admin/assets/missing-123.js', key: null })).status).toBe(404);
    expect((await goalpost.call({ method: 'GET', url: '/admin', key: null })).headers.location).toBe('/admin/');
  });

  it('signs in with an account and keeps writes behind the CSRF token', async () => {
    await go('/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await unlabelledControls()).toEqual([]);
    await shot('sign-in');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Referral offers');
    await page.getByText('No referral offers yet.').waitFor();
    await shot('offers-empty');
    // The cookie alone does not make a write: the page's fetch without the CSRF header is refused.
    const status = await page.evaluate(async () => (await fetch('/api/v1/offers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' })).status);
    expect(status).toBe(403);
  });

  it('makes the sign-up and fulfillment emails from the templates, previews and approves them', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Emails' }).click();
    await heading('Emails');
    for (const kind of ['signup', 'fulfillment'] as const) {
      await page.getByRole('button', { name: 'New email' }).click();
      const dialog = page.getByRole('dialog', { name: 'New email' });
      await dialog.getByLabel('Template').selectOption(kind);
      await dialog.getByRole('button', { name: 'Create email' }).click();
      await page.waitForURL(/\/admin\/emails\/eml_/);
      const id = new URL(page.url()).pathname.split('/').pop()!;
      if (kind === 'signup') state.signupEmail = id;
      else state.fulfillmentEmail = id;
      await page.frameLocator('iframe[title="Rendered email preview"]').locator('body').waitFor();
      if (kind === 'fulfillment') {
        // The preview renders the tokens with sample values; the token help inserts them.
        await expect.poll(() => page.frameLocator('iframe[title="Rendered email preview"]').locator('body').innerText()).toContain('SPRING-2026-7QX');
        expect(await unlabelledControls()).toEqual([]);
        await shot('email-editor');
      }
      await page.getByRole('button', { name: 'Approve', exact: true }).click();
      await page.getByText('Approved: offers and campaign flows can use this email now.').waitFor();
      await page.getByRole('link', { name: 'Emails' }).first().click();
      await heading('Emails');
    }
    await page.getByRole('row', { name: /Fulfillment email/ }).getByText('Approved').waitFor();
    await shot('emails');
  });

  it('creates an offer and sets its Fulfillment Goal along the seed path, refuses approval without rules URL, approves', async () => {
    await page.getByRole('link', { name: 'Referral offers' }).click();
    await heading('Referral offers');
    await page.getByRole('button', { name: 'New offer' }).click();
    await page.getByRole('dialog', { name: 'New referral offer' }).getByLabel('Offer name').fill('Refer 5 friends');
    await page.getByRole('button', { name: 'Create offer' }).click();
    await page.waitForURL(/\/admin\/offers\/off_/);
    state.offerId = new URL(page.url()).pathname.split('/').pop()!;

    // Marketing Activities › the offer › (a new offer is its draft) › App Settings › Offer Details › Settings › Fulfillment Goal.
    const crumbs = page.getByRole('navigation', { name: 'Breadcrumb' });
    await expect.poll(() => crumbs.innerText()).toMatch(/Marketing Activities.*Referral offers.*Refer 5 friends/s);
    await page.getByRole('link', { name: 'App Settings' }).waitFor();
    await page.getByRole('heading', { name: 'Offer Details', level: 2 }).waitFor();
    await page.getByRole('heading', { name: 'Settings', level: 3 }).waitFor();
    const goal = page.getByLabel('Fulfillment Goal');
    expect(await goal.locator('option').allInnerTexts()).toEqual(['Choose what earns credit…', 'Referred Visits', 'Referred Sign-Ups', 'Smart List Trigger', 'Custom JavaScript Event']);
    await goal.selectOption({ label: 'Referred Sign-Ups' });
    await page.getByLabel('Goal count').fill('5');
    await page.getByText('A participant is fulfilled at 5 × Referred Sign-Ups.').waitFor();
    await page.getByLabel('Sign-up email').selectOption(state.signupEmail);
    await page.getByLabel('Fulfillment email').selectOption(state.fulfillmentEmail);
    await page.getByRole('radio', { name: /Manual/ }).check();
    await page.getByLabel('Give each fulfilled participant a promo code').check();
    expect(await unlabelledControls()).toEqual([]);
    await shot('offer-details');

    // Approving without a rules URL: refused, and the problem stands next to the field.
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText('The draft cannot be approved yet: 1 problem').waitFor();
    await page.getByRole('heading', { name: 'Advanced Options', level: 2 }).waitFor();
    const rulesProblem = page.locator('[id="f-rulesUrl-problem"]');
    await expect.poll(() => rulesProblem.innerText()).toContain('Set the URL of the offer rules');
    expect(await page.getByLabel('Rules URL').getAttribute('aria-invalid')).toBe('true');
    await shot('offer-approval-refused');

    await page.getByLabel('Rules URL').fill('https://example.com/referral-rules');
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText('Approved: this version is now live.').waitFor();
    const offer = await goalpost.call({ method: 'GET', url: `/api/v1/offers/${state.offerId}` });
    expect(offer.json.status).toBe('approved');
    expect(offer.json.draft).toBeNull();
    expect(offer.json.approved).toMatchObject({
      goal: { type: 'referred_signups', count: 5 },
      emails: { signup: state.signupEmail, fulfillment: state.fulfillmentEmail },
      rulesUrl: 'https://example.com/referral-rules',
      fulfillmentDelivery: 'manual',
      promoCodes: { enabled: true },
    });
    // The live widget of the approved version in the preview.
    const widget = page.frameLocator('iframe[title^="Live widget"]');
    await widget.locator('#gp').waitFor();
    await page.getByRole('link', { name: 'Offer Details' }).click();
    await page.getByText('You are looking at the approved version.').waitFor();
    await shot('offer-editor');
  });

  it('opens a draft of the approved offer, shows both versions, and discards the draft', async () => {
    await page.getByRole('button', { name: 'Edit Draft' }).click();
    await page.getByRole('button', { name: /Draft \(editing\)/ }).waitFor();
    await page.getByLabel('Goal count').fill('7');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Draft saved.').waitFor();
    await page.getByRole('button', { name: /Approved \(live\)/ }).click();
    expect(await page.getByLabel('Goal count').inputValue()).toBe('5');
    expect(await page.getByLabel('Goal count').isDisabled()).toBe(true);
    await page.getByRole('button', { name: /Draft \(editing\)/ }).click();
    expect(await page.getByLabel('Goal count').inputValue()).toBe('7');
    await page.getByRole('button', { name: 'Discard Draft' }).click();
    await page.getByRole('dialog', { name: 'Discard the draft?' }).getByRole('button', { name: 'Discard Draft' }).click();
    await page.getByText('Draft discarded').waitFor();
    const offer = await goalpost.call({ method: 'GET', url: `/api/v1/offers/${state.offerId}` });
    expect(offer.json.draft).toBeNull();
    expect(offer.json.approved.goal.count).toBe(5);
  });

  it('shows the embed code and copies it', async () => {
    await page.getByRole('button', { name: 'Embed Code' }).click();
    const dialog = page.getByRole('dialog', { name: 'Embed Code' });
    await dialog.getByRole('button', { name: 'Copy body snippet' }).click();
    await dialog.getByText('✓ Copied').waitFor();
    const body = await page.evaluate(() => navigator.clipboard.readText());
    expect(body).toBe(`<div data-goalpost-offer="${state.offerId}" data-width="100%" data-height="auto"></div>`);
    await dialog.getByRole('button', { name: 'Copy header snippet' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`${goalpost.url}/embed.js`);
    await dialog.getByLabel('Width').fill('480');
    await expect.poll(() => dialog.locator('textarea').nth(1).inputValue()).toContain('data-width="480"');
    await shot('embed-code', page, false);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('uploads promo codes and shows the accepted, trimmed, duplicate and rejected counts', async () => {
    await page.getByLabel('Codes (one per line)').fill('  CODE-A1  \nCODE-A2\nCODE-A2\nbad code\n\nCODE-A3\n');
    await page.getByRole('button', { name: /Upload 5 lines/ }).click();
    const report = page.getByRole('status', { name: 'Upload report' });
    await report.waitFor();
    expect(await report.getByTestId('promo-accepted').innerText()).toBe('3');
    expect(await report.getByTestId('promo-trimmed').innerText()).toBe('1');
    expect(await report.getByTestId('promo-duplicates').innerText()).toBe('1');
    expect(await report.getByTestId('promo-rejected').innerText()).toBe('1');
    expect(await report.getByTestId('promo-available').innerText()).toBe('3');
    await report.getByText('Line 4:').waitFor();
    await report.scrollIntoViewIfNeeded();
    await shot('promo-codes');
  });

  it('shows a participant who met the goal, sends the manual fulfillment email and exports CSV', async () => {
    const fx = loopFixtures(goalpost);
    const referrer = await fx.participant(state.offerId, { email: 'ann.referrer@example.com' });
    state.participantEmail = referrer.email;
    for (let i = 1; i <= 5; i += 1) {
      const click = await fx.click(referrer.shareCode, { channel: 'email' });
      await fx.signUpNew(state.offerId, { email: `friend${i}@example.com`, clickId: click.clickId });
    }
    await page.getByRole('link', { name: 'Participants' }).click();
    await page.getByLabel('Met the goal').check();
    const row = page.getByRole('row', { name: /ann\.referrer@example\.com/ });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/5 \/ 5/);
    expect(await row.innerText()).toContain('Awaiting manual send');
    expect(await row.innerText()).toContain('CODE-A1');
    expect(await page.getByRole('row').count()).toBe(2); // the header and Ann: the friends have no credit
    await row.getByRole('checkbox', { name: 'Select ann.referrer@example.com' }).check();
    expect(await unlabelledControls()).toEqual([]);
    await page.getByRole('button', { name: 'Send fulfillment email (1)' }).click();
    await page.getByText('Fulfillment email queued for 1 participant.').waitFor();
    await expect.poll(async () => (await fx.outbox(state.offerId, 'fulfillment')).map((m) => m.to)).toEqual(['ann.referrer@example.com']);
    await expect.poll(() => row.innerText()).toContain('Email sent');
    await shot('participants');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('participant_id,email,first_name');
    expect(csv).toContain('"ann.referrer@example.com"');
    expect(csv).toContain('"CODE-A1"');
    expect(csv.trim().split('\r\n')).toHaveLength(2);
  });

  it('shows the mail log', async () => {
    await page.getByRole('link', { name: 'Mail log' }).click();
    await heading('Mail log');
    await page.getByRole('row', { name: /ann\.referrer@example\.com.*Fulfillment/ }).waitFor();
    await shot('mail-log');
  });

  it('shows the report: funnel and time series charts, and the k-factor', async () => {
    await go(`/offers/${state.offerId}/report`);
    await page.locator('canvas').nth(1).waitFor();
    await expect.poll(() => page.getByTestId('k-factor').innerText()).not.toBe('—');
    expect(await page.locator('canvas').count()).toBe(2);
    expect(await page.locator('canvas').first().getAttribute('aria-label')).toMatch(/Registrations 5/);
    await page.getByLabel('Date range').selectOption('7d');
    await expect.poll(() => page.getByText(/daily/).count()).toBeGreaterThan(0);
    await page.getByText('Figures as a table').click();
    await shot('report');
  });

  it('refuses to activate Give Credit to Referrer on an offer whose goal is not Smart List Trigger, and activates it on one that is', async () => {
    state.smartOfferId = await approvedOffer(goalpost, { goal: { type: 'smart_list_trigger', count: 1 } }, 'Refer a customer');
    await page.getByRole('link', { name: 'Smart campaigns' }).click();
    await heading('Smart campaigns');
    await page.getByText('No smart campaigns yet.').waitFor();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await heading('New smart campaign');
    await page.getByLabel('Name').fill('Credit referred opportunities');
    expect(await page.getByLabel('When a person').inputValue()).toBe('opportunity_created');
    await page.getByRole('button', { name: '+ Add constraint' }).click();
    await page.getByLabel('Attribute name').fill('amount');
    await page.getByLabel('Operator').first().selectOption('greater_than');
    await page.getByLabel('Value').first().fill('1000');
    await page.getByRole('button', { name: '+ Add filter' }).click();
    expect(await page.getByLabel('Field').first().inputValue()).toBe('email');
    expect(await page.getByLabel('Operator').nth(1).inputValue()).toBe('contains');
    await page.getByLabel('Value').nth(1).fill('@example.com');
    await page.getByRole('button', { name: '+ Add flow step' }).click();
    expect(await page.getByLabel('Flow step').inputValue()).toBe('give_credit_to_referrer');
    await page.getByLabel('Referral offer').selectOption(state.offerId);
    await page.getByRole('button', { name: 'Activate' }).click();
    const problem = page.locator('[id="f-flow.0.offerId-problem"]');
    await expect.poll(() => problem.innerText()).toContain('Give Credit to Referrer needs an offer whose goal type is smart_list_trigger');
    await page.waitForURL(/\/admin\/campaigns\/cmp_/);
    expect(await unlabelledControls()).toEqual([]);
    await shot('campaign-refused');
    const id = new URL(page.url()).pathname.split('/').pop()!;
    expect((await goalpost.call({ method: 'GET', url: `/api/v1/campaigns/${id}` })).json.status).toBe('inactive');

    await page.getByLabel('Referral offer').selectOption(state.smartOfferId);
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByText('Activated:').waitFor();
    const campaign = (await goalpost.call({ method: 'GET', url: `/api/v1/campaigns/${id}` })).json;
    expect(campaign).toMatchObject({
      status: 'active',
      triggers: [{ type: 'opportunity_created', constraints: [{ field: 'attributes.amount', operator: 'greater_than', value: 1000 }] }],
      filters: [{ type: 'person_field', field: 'email', operator: 'contains', value: '@example.com' }],
      flow: [{ type: 'give_credit_to_referrer', offerId: state.smartOfferId }],
      qualification: { rule: 'once' },
    });
    await shot('campaign');

    // A run: a referred friend's opportunity fires the trigger.
    const fx = loopFixtures(goalpost);
    const referrer = await fx.participant(state.smartOfferId, { email: 'bea.referrer@example.com' });
    const click = await fx.click(referrer.shareCode);
    await fx.signUpNew(state.smartOfferId, { email: 'carl.friend@example.com', clickId: click.clickId });
    const ingested = await goalpost.call({ method: 'POST', url: '/api/v1/activities', payload: { type: 'opportunity_created', person: { email: 'carl.friend@example.com' }, attributes: { amount: 5000 } } });
    expect(ingested.status, ingested.body).toBe(201);
    await new CampaignRunner(goalpost.ctx).drain();
    expect((await fx.participants(state.smartOfferId)).find((p) => p.email === 'bea.referrer@example.com').credit).toBe(1);
    await page.getByRole('link', { name: 'Run history' }).click();
    await page.getByRole('row', { name: /Give Credit to Referrer/ }).first().waitFor();
    await shot('campaign-runs');
  });

  it('finds a person and shows their referral counters and activity log', async () => {
    await page.getByRole('link', { name: 'People' }).click();
    await heading('People');
    await page.getByLabel('Email address').fill(state.participantEmail);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: state.participantEmail }).click();
    await heading(state.participantEmail);
    const counters = page.getByRole('region', { name: 'Referral counters' });
    await expect.poll(() => counters.innerText()).toMatch(/Referred sign-ups\s*5/);
    await page.getByRole('cell', { name: 'Achieved goal in referral' }).waitFor();
    await shot('person');
  });

  it('creates an API key and shows its secret once', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await heading('API keys');
    await page.getByRole('button', { name: 'New API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New API key' });
    await dialog.getByLabel('Name').fill('CRM sync');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const secret = page.getByRole('dialog', { name: 'Your new API key' });
    await secret.getByText('shown only this once').waitFor();
    const key = await secret.locator('textarea').inputValue();
    expect((await goalpost.call({ method: 'GET', url: '/api/v1/offers', key })).status).toBe(200);
    await secret.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('cell', { name: /CRM sync key_/ }).waitFor();
    await shot('api-keys');
  });

  it('is usable from the keyboard', async () => {
    await go('/offers');
    await heading('Referral offers');
    // Participants and fulfilled per offer (from the report) fill in after the list.
    await expect.poll(() => page.getByRole('row', { name: /Refer 5 friends/ }).innerText()).toMatch(/Referred Sign-Ups\s+6\s+1\s/);
    await shot('offers');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    // Reach the offer's link by keyboard and open it with Enter.
    const link = page.getByRole('link', { name: 'Refer 5 friends' });
    for (let i = 0; i < 40 && !(await link.evaluate((el) => el === document.activeElement)); i += 1) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Offer Details', level: 2 }).waitFor();
    // Dialogs close with Escape and give focus back.
    await page.getByRole('button', { name: 'Embed Code' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Embed Code' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Embed Code' }).waitFor({ state: 'hidden' });
  });

  it('works at phone width: no page-wide horizontal scroll, the menu opens', async () => {
    const phone = await context.newPage();
    phone.on('pageerror', (error) => pageErrors.push(error.message));
    await phone.setViewportSize(PHONE);
    const screens: [string, string, string | RegExp][] = [
      ['offers', '/offers', 'Referral offers'],
      ['offer-editor', `/offers/${state.offerId}`, /Refer 5 friends/],
      ['participants', `/offers/${state.offerId}/participants?fulfilled=true`, /Refer 5 friends/],
      ['report', `/offers/${state.offerId}/report`, /Refer 5 friends/],
      ['emails', '/emails', 'Emails'],
      ['email-editor', `/emails/${state.fulfillmentEmail}`, /Fulfillment email/],
      ['campaigns', '/campaigns', 'Smart campaigns'],
      ['mail-log', '/mail', 'Mail log'],
    ];
    for (const [name, path, title] of screens) {
      await go(path, phone);
      await heading(title, phone);
      if (name === 'report') await phone.locator('canvas').nth(1).waitFor();
      await phone.waitForTimeout(300);
      expect(await horizontalOverflow(phone), `${name} overflows`).toBeLessThanOrEqual(0);
      await shot(`phone-${name}`, phone);
    }
    await phone.getByRole('button', { name: 'Menu' }).click();
    await phone.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People' }).click();
    await heading('People', phone);
    expect(await phone.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    await phone.close();
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect((await page.evaluate(async () => (await fetch('/api/v1/offers')).status))).toBe(401);
    expect(pageErrors).toEqual([]);
  });
});
