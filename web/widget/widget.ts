/**
 * The widget's browser script (served as /w/assets/widget.js, inside the
 * iframe that /embed.js puts on a page). The server renders every view's
 * markup and texts (src/http/routes/public/widget-html.ts); this script only
 * moves between views, talks to /v1/public, and fills in values, always as
 * text (textContent, value), never as HTML.
 *
 * Views (elements name theirs in data-show):
 *   start    sign-up button, "already joined? see your progress"
 *   capture  the person form: the email, the optional fields and the consent;
 *            required fields appear when the server says it lacks them (422),
 *            so fields it already knows are not asked again
 *   share    the sharing step of the sign-up flow: with capture_then_share a
 *            confirmation and "maybe later"; with share_then_capture the
 *            person must share to finish
 *   done     the participant's home: progress, the link and the share buttons
 *   recover  "email me my link"
 *
 * The participant token lives in the frame's localStorage (partitioned per
 * top-level site by browsers that partition third-party storage); where
 * storage is denied it lives only as long as the page, and "email me my link"
 * brings it back.
 */
import type { WidgetConfig } from '../../src/domain/messages/widget-config.js';
import {
  channelShareUrl,
  fillText,
  INTENT_CHANNELS,
  shareIntentUrl,
  shareMessage,
  splitRecipients,
} from '../../src/domain/messages/widget-share.js';
import type { IntentChannel } from '../../src/domain/messages/widget-share.js';

type View = 'start' | 'capture' | 'share' | 'done' | 'recover';
interface ApiAnswer {
  status: number;
  json: any;
}

const config = JSON.parse(document.getElementById('gp-config')!.textContent!) as WidgetConfig;
const t = config.t;
const root = document.getElementById('gp')!;
const $ = <T extends Element = HTMLElement>(selector: string, within: ParentNode = root) => within.querySelector<T & Element>(selector)!;
const $$ = <T extends Element = HTMLElement>(selector: string, within: ParentNode = root) => Array.from(within.querySelectorAll<T & Element>(selector));

// What the embed put in our URL fragment: the host page's visitor and click ids, its URL and title, a restore code.
const fragment = new URLSearchParams(location.hash.slice(1));
const from = (key: string) => fragment.get(key) || undefined;
const host = { visitorId: from('v'), clickId: from('c'), page: from('u'), title: from('t') ?? config.offerName, restore: from('r') };
// The API is beside /w/ on this origin (also when Goalpost is served under a path prefix).
const apiBase = `${location.pathname.replace(/\/w\/[^/]*$/, '')}/v1/public/`;

const memory = new Map<string, string>();
const storage = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return memory.get(key) ?? null;
    }
  },
  set(key: string, value: string): void {
    try {
      localStorage.setItem(key, value);
    } catch {
      memory.set(key, value);
    }
  },
  remove(key: string): void {
    memory.delete(key);
    try {
      localStorage.removeItem(key);
    } catch {
      // denied: nothing was stored there
    }
  },
};
const TOKEN_KEY = `goalpost:token:${config.offerId}`;

const state = {
  token: storage.get(TOKEN_KEY),
  shareUrl: '',
};

function setToken(token: string | null): void {
  state.token = token;
  if (token) storage.set(TOKEN_KEY, token);
  else storage.remove(TOKEN_KEY);
}

async function api(method: 'GET' | 'POST', path: string, body?: unknown, token?: string | null): Promise<ApiAnswer> {
  try {
    const res = await fetch(apiBase + path, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: await res.json().catch(() => null) };
  } catch {
    return { status: 0, json: null };
  }
}

const problemText = (status: number) => (status === 429 ? t.errorRateLimited : t.errorGeneric);

// ----- views and small helpers -----

function show(view: View): void {
  root.dataset.view = view;
  for (const el of $$('[data-show]')) el.hidden = !el.dataset.show!.split(' ').includes(view);
  reportHeight();
}

function say(el: HTMLElement, text: string): void {
  el.textContent = text;
  el.hidden = text === '';
  reportHeight();
}

/** Disables a form's button while a request runs (a double click sends once) and says it is working. */
async function busy<T>(form: HTMLFormElement, work: () => Promise<T>): Promise<T> {
  const button = $<HTMLButtonElement>('button[type=submit]', form);
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = t.loading;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

// A plausible address; the server has the last word.
const looksLikeEmail = (value: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);

/** The embed sizes the frame to the widget: tell it our height whenever it changes. */
function reportHeight(): void {
  if (parent === window) return;
  parent.postMessage({ goalpostHeight: Math.ceil(root.getBoundingClientRect().height) }, '*');
}

// ----- sign-up -----

const signupForm = $<HTMLFormElement>('#gp-signup');
const fieldBox = (name: string) => $(`.gp-field[data-field="${name}"]`, signupForm);

function fieldError(name: string, text: string): void {
  const box = fieldBox(name);
  if (!box) return;
  box.hidden = false;
  $('input', box).setAttribute('aria-invalid', text ? 'true' : 'false');
  say($('.gp-error', box), text);
}

async function submitSignup(): Promise<void> {
  const formError = $('[data-role="form-error"]', signupForm);
  say(formError, '');
  for (const box of $$('.gp-field', signupForm)) fieldError(box.dataset.field!, '');
  const email = $<HTMLInputElement>('input[name=email]', signupForm).value.trim();
  let firstBad: string | null = null;
  const bad = (name: string, text: string) => {
    fieldError(name, text);
    firstBad ??= name;
  };
  if (!looksLikeEmail(email)) bad('email', t.errorInvalidEmail);
  const fields: Record<string, string> = {};
  for (const box of $$('.gp-field', signupForm)) {
    const name = box.dataset.field!;
    if (name === 'email' || box.hidden) continue;
    const value = $<HTMLInputElement>('input', box).value.trim();
    if (value) fields[name] = value;
    else if (box.dataset.required !== undefined) bad(name, t.errorRequired);
  }
  if (firstBad) return focusField(firstBad);

  const consentBox = $<HTMLInputElement>('input[name=consent]', signupForm);
  // opt_in: ticking says yes. opt_out: ticking says no; leaving it keeps what we know (or subscribes a new person).
  const consent = consentBox.value === 'yes' ? (consentBox.checked ? true : undefined) : consentBox.checked ? false : undefined;
  const answer = await busy(signupForm, () =>
    api('POST', `offers/${encodeURIComponent(config.offerId)}/signups`, {
      email,
      ...(Object.keys(fields).length ? { fields } : {}),
      ...(consent !== undefined ? { consent } : {}),
      visitorId: host.visitorId,
      clickId: host.clickId,
      page: host.page,
      locale: config.locale,
    }),
  );
  if (answer.status === 200 || answer.status === 201) {
    setToken(answer.json.participantToken);
    state.shareUrl = answer.json.shareUrl;
    fillShareUrl();
    if (!state.token) {
      // Joined before, from another browser: here is the link; progress needs "email me my link".
      $('[data-role="already"]').hidden = false;
      return enterDone();
    }
    return show('share');
  }
  if (answer.status === 422) {
    for (const detail of (answer.json?.error?.details ?? []) as { path: string }[]) {
      if (detail.path === 'email') bad('email', t.errorInvalidEmail);
      else if (detail.path.startsWith('fields.')) bad(detail.path.slice('fields.'.length), t.errorRequired);
    }
    if (firstBad) return focusField(firstBad);
  }
  say(formError, problemText(answer.status));
}

function focusField(name: string): void {
  $<HTMLInputElement>('input', fieldBox(name)).focus();
  reportHeight();
}

// ----- sharing -----

function fillShareUrl(): void {
  $<HTMLInputElement>('#gp-url').value = state.shareUrl;
  // Email invitations are sent on the participant's behalf: only with their token.
  const email = $('[data-share="email"]');
  if (email) email.hidden = !state.token;
}

function recordShare(channel: string, extra: { message?: string } = {}): void {
  if (state.token) void api('POST', 'shares', { channel, ...extra }, state.token);
}

/** Sharing completes the sign-up flow's share step (and is what share_then_capture waits for). */
function shared(): void {
  if (root.dataset.view === 'share') enterDone();
}

async function copyLink(button: HTMLButtonElement): Promise<void> {
  const input = $<HTMLInputElement>('#gp-url');
  try {
    await navigator.clipboard.writeText(state.shareUrl);
  } catch {
    input.select();
    document.execCommand('copy');
  }
  button.textContent = t.copyLinkCopied;
  setTimeout(() => (button.textContent = t.copyLinkButton), 2000);
  recordShare('copy_link');
  shared();
}

function openIntent(channel: IntentChannel): void {
  const message = shareMessage(config.messages[channel] ?? '', host.title);
  const url = shareIntentUrl(channel, message, channelShareUrl(state.shareUrl, channel));
  window.open(url, '_blank', 'noopener,noreferrer,width=640,height=600');
  recordShare(channel, { message });
  shared();
}

async function submitReshare(form: HTMLFormElement): Promise<void> {
  const status = $('.gp-status', form);
  const box = $<HTMLTextAreaElement>('textarea', form);
  const recipients = splitRecipients(box.value);
  if (recipients.length === 0 || !recipients.every(looksLikeEmail)) return say(status, t.reshareInvalidRecipients);
  if (recipients.length > config.maxRecipients) return say(status, fillText(t.reshareTooManyRecipients, { max: config.maxRecipients }));
  const answer = await busy(form, () => api('POST', 'reshare', { recipients, locale: config.locale }, state.token));
  if (answer.status === 202) {
    box.value = '';
    say(status, t.reshareSent);
    return shared();
  }
  say(status, answer.status === 422 ? t.reshareInvalidRecipients : problemText(answer.status));
}

// ----- track progress -----

async function enterDone(): Promise<void> {
  show('done');
  const progress = document.querySelector<HTMLElement>('.gp-progress');
  if (!state.token) {
    if (progress) progress.hidden = true;
    return reportHeight();
  }
  const answer = await api('GET', 'progress', undefined, state.token);
  if (answer.status === 401) {
    // Another browser restored the link since, or the token is gone: start over.
    setToken(null);
    return show('start');
  }
  if (answer.status !== 200) return;
  const { credit, goal, fulfilled, shareUrl } = answer.json as { credit: number; goal: number; fulfilled: boolean; shareUrl: string };
  state.shareUrl = shareUrl;
  fillShareUrl();
  if (!config.trackProgress) return;
  say($('[data-role="credit"]'), fillText(t.progressCredit, { credit, goal }));
  say($('[data-role="next"]'), fulfilled ? t.progressGoalMet : fillText(t.progressNextSteps, { remaining: Math.max(goal - credit, 0) }));
  const bar = $('.gp-bar');
  bar.hidden = false;
  bar.setAttribute('aria-valuemax', String(goal));
  bar.setAttribute('aria-valuenow', String(Math.min(credit, goal)));
  $('span', bar).style.width = `${goal > 0 ? Math.min(100, (100 * credit) / goal) : 0}%`;
  reportHeight();
}

async function submitRecover(form: HTMLFormElement): Promise<void> {
  const status = $('.gp-status', form);
  const email = $<HTMLInputElement>('input', form).value.trim();
  if (!looksLikeEmail(email)) return say(status, t.errorInvalidEmail);
  const answer = await busy(form, () => api('POST', `offers/${encodeURIComponent(config.offerId)}/progress-link`, { email, locale: config.locale }));
  say(status, answer.status === 202 ? t.emailMyLinkSent : problemText(answer.status));
}

// ----- wiring -----

root.addEventListener('click', (event) => {
  const target = (event.target as HTMLElement).closest<HTMLButtonElement>('button');
  if (!target) return;
  const action = target.dataset.action;
  const channel = target.dataset.share;
  if (action === 'join') {
    show('capture');
    $<HTMLInputElement>('input[name=email]', signupForm).focus();
  } else if (action === 'track') {
    if (state.token) void enterDone();
    else {
      show('recover');
      $<HTMLInputElement>('#gp-recover-email').focus();
    }
  } else if (action === 'skip') void enterDone();
  else if (action === 'copy') void copyLink(target);
  else if (channel === 'email') {
    const form = $<HTMLFormElement>('#gp-reshare');
    form.hidden = !form.hidden;
    reportHeight();
    if (!form.hidden) $('textarea', form).focus();
  } else if (channel && (INTENT_CHANNELS as readonly string[]).includes(channel)) openIntent(channel as IntentChannel);
});

const onSubmit = (form: HTMLFormElement | null, handler: (form: HTMLFormElement) => Promise<void>) =>
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    void handler(form);
  });
onSubmit(signupForm, submitSignup);
onSubmit(document.querySelector<HTMLFormElement>('#gp-reshare'), submitReshare);
onSubmit(document.querySelector<HTMLFormElement>('#gp-recover'), submitRecover);

if (typeof ResizeObserver === 'function') new ResizeObserver(reportHeight).observe(root);

async function start(): Promise<void> {
  if (host.restore) {
    const answer = await api('POST', 'restore', { code: host.restore });
    if (answer.status === 200 && answer.json.offerId === config.offerId) setToken(answer.json.participantToken);
  }
  if (state.token) await enterDone();
  else show('start');
  // Tells tests (and anyone curious) that the first view is settled.
  root.dataset.ready = '';
}
void start();
