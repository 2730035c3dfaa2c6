import { expect } from 'vitest';
import type { TestApp } from '../support/app.js';

/**
 * Offers for the widget and browser suites, made through the admin API as a
 * marketer would: emails from the default templates, a draft, approval.
 */
export async function approvedEmail(t: Pick<TestApp, 'call'>, kind: 'signup' | 'fulfillment' | 'reshare' | 'progressLink', locale = 'en'): Promise<string> {
  const created = await t.call({ method: 'POST', url: '/api/v1/emails/defaults', payload: { kind, locale } });
  expect(created.status, created.body).toBe(201);
  const approved = await t.call({ method: 'POST', url: `/api/v1/emails/${created.json.id}/approve` });
  expect(approved.status, approved.body).toBe(200);
  return created.json.id as string;
}

export async function approvedOffer(t: Pick<TestApp, 'call'>, settings: Record<string, unknown> = {}, name = 'Refer a friend'): Promise<string> {
  const signup = await approvedEmail(t, 'signup');
  const fulfillment = await approvedEmail(t, 'fulfillment');
  const created = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name } });
  expect(created.status, created.body).toBe(201);
  const id = created.json.id as string;
  const patched = await t.call({
    method: 'PATCH',
    url: `/api/v1/offers/${id}/draft`,
    payload: {
      goal: { type: 'referred_signups', count: 3 },
      rulesUrl: 'https://example.com/rules',
      ...settings,
      emails: { signup, fulfillment, ...(settings.emails as object | undefined) },
    },
  });
  expect(patched.status, patched.body).toBe(200);
  const approved = await t.call({ method: 'POST', url: `/api/v1/offers/${id}/approve` });
  expect(approved.status, approved.body).toBe(200);
  return id;
}

/** What an attacker types into every text: markup that runs if anything is not escaped. */
export const HOSTILE = `<script>window.pwned=1</script>"><img src=x onerror="window.pwned=1">`;

/** Raw markup of HOSTILE must never appear in a page; its escaped form may. */
export function expectNoRawMarkup(html: string): void {
  expect(html).not.toContain('<script>window.pwned');
  expect(html).not.toContain('<img src=x');
  expect(html).not.toMatch(/onerror="window/);
}
