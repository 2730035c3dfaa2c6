/**
 * /embed.js: the one script a customer's page loads (README, "Put an offer on
 * your site"). It
 * - keeps the visitor id and the click id of a share link (`gp_click` in the
 *   page URL) in first-party cookies of the host site, so attribution works
 *   with third-party cookies blocked;
 * - renders each `<div data-goalpost-offer="off_...">` as an iframe of our
 *   widget page (the host's CSS cannot reach it, it cannot read the host),
 *   handing it the ids, the page URL and title in the URL fragment, which never
 *   leaves the browser; and reports a visit for each offer on the page;
 * - replaces the `goalpost(...)` queue stub of the header snippet with the real
 *   function and runs the calls queued before it loaded:
 *     goalpost('ready', fn)                                   fn runs once the script is loaded
 *     goalpost('conversion', {offerId, event?, value?, idempotencyKey?})
 *     goalpost('identify', email)
 *
 * Events go out with sendBeacon (fetch keepalive as a fallback) as text/plain,
 * which needs no CORS preflight. No dependencies; the build checks its gzipped
 * size against a budget (scripts/build-web.mjs), so every byte here is counted:
 * keep it plain.
 */
type Command = [string, unknown?];
type Goalpost = ((command: string, arg?: any) => void) & { q?: ArrayLike<unknown>[] };

((w: Window & { goalpost?: Goalpost }, d: Document) => {
  const base = (d.currentScript as HTMLScriptElement).src.replace(/\/embed\.js.*$/, '');
  const query = new URLSearchParams(location.search);
  const page = location.href.split('#')[0]!.slice(0, 2048);

  // First-party cookie of the host site: read, or write for `days`.
  const cookie = (name: string, value?: string, days?: number): string | undefined => {
    if (value) d.cookie = `${name}=${value};path=/;max-age=${days! * 86400};samesite=lax`;
    return (d.cookie.match(`(?:^|; )${name}=([^;]*)`) || [])[1];
  };
  const random = () => Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36)).join('');

  // Written on every load: the expiry rolls while the visitor keeps coming back.
  const visitorId = cookie('gp_v') || random();
  cookie('gp_v', visitorId, 400);
  let clickId = query.get('gp_click') || '';
  // A click id that is not ours would make every event of the page fail validation.
  if (/^clk_[A-Za-z0-9]{1,64}$/.test(clickId)) cookie('gp_c', clickId, 30);
  else clickId = cookie('gp_c') || '';
  let sessionId = '';
  try {
    sessionId = sessionStorage.gp_s ||= random();
  } catch {
    // storage denied: every page load counts as a new browser session
  }

  const send = (path: string, body: Record<string, unknown>) => {
    const url = `${base}/v1/public/${path}`;
    const data = JSON.stringify(body, (_k, v) => (v === '' ? undefined : v));
    if (!navigator.sendBeacon?.(url, data)) fetch(url, { method: 'POST', body: data, keepalive: true });
  };

  // `arg` is left untyped: the script stays short, and the server validates what arrives.
  const goalpost: Goalpost = (command, arg: any) => {
    if (command == 'ready') setTimeout(arg);
    if (command == 'conversion')
      send('conversions', { offerId: arg.offerId, visitorId, clickId, event: arg.event, value: arg.value, idempotencyKey: arg.idempotencyKey });
    if (command == 'identify') send('identify', { visitorId, email: arg });
  };

  const render = () => {
    const seen: Record<string, 1> = {};
    d.querySelectorAll<HTMLElement>('[data-goalpost-offer]').forEach((el) => {
      const offerId = el.dataset.goalpostOffer!;
      const size = (value = '') => (/^\d+$/.test(value) ? value + 'px' : value);
      const height = size(el.dataset.height);
      const frame = d.createElement('iframe');
      frame.src = `${base}/w/${offerId}#${new URLSearchParams({ v: visitorId, c: clickId, u: page, t: d.title, r: query.get('gp_restore') || '' })}`;
      frame.title = 'Referral offer';
      frame.allow = 'clipboard-write';
      frame.style.cssText = `border:0;display:block;max-width:100%;width:${size(el.dataset.width) || '100%'};height:${height == 'auto' || !height ? '420px' : height}`;
      el.replaceChildren(frame);
      // Without a fixed height the widget tells us its own (postMessage from its frame).
      if (height == 'auto' || !height)
        addEventListener('message', (e) => {
          if (e.source == frame.contentWindow && e.data?.goalpostHeight > 0) frame.style.height = Math.min(e.data.goalpostHeight, 4000) + 'px';
        });
      if (!seen[offerId]) send('visits', { offerId, visitorId, clickId, page, sessionId });
      seen[offerId] = 1;
    });
  };

  const queued = w.goalpost?.q || [];
  w.goalpost = goalpost;
  for (const call of queued) goalpost(...(Array.from(call) as Command));
  if (d.readyState == 'loading') d.addEventListener('DOMContentLoaded', render);
  else render();
})(window, document);
