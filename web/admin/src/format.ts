const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateOnly.format(d);
}

export function formatRate(value: number | null | undefined, asPercent = true): string {
  if (value === null || value === undefined) return '—';
  return asPercent ? `${(value * 100).toFixed(1)} %` : value.toFixed(2);
}

export const GOAL_LABELS: Record<string, string> = {
  referred_visits: 'Referred Visits',
  referred_signups: 'Referred Sign-Ups',
  smart_list_trigger: 'Smart List Trigger',
  custom_js_event: 'Custom JavaScript Event',
};

export const GOAL_HINTS: Record<string, string> = {
  referred_visits: 'A credit for each visit of a friend, arriving through the share link, to the page that hosts the offer.',
  referred_signups: 'A credit for each friend who signs up for this offer.',
  smart_list_trigger: 'A credit for each friend processed by a smart campaign’s “Give Credit to Referrer” step (e.g. a referred opportunity created, a webinar attended).',
  custom_js_event: 'A credit for each friend whose page calls the conversion function of the embed script.',
};

export function goalLabel(type: string | null | undefined): string {
  return type ? (GOAL_LABELS[type] ?? type) : 'No goal yet';
}

/** snake_case names from the API, in words: "clicks_shared_link" -> "Clicks shared link". */
export function humanize(value: string): string {
  const words = value.replace(/[_.]/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}
