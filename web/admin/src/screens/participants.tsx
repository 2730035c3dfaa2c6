import { useState } from 'react';
import { errorMessage, get, post, qs } from '../api.js';
import type { Page } from '../api.js';
import { formatDateTime } from '../format.js';
import { Link, setQuery, useLocation } from '../router.js';
import { usePermissions } from '../session.js';
import type { Offer, Participant } from '../types.js';
import { Badge, CheckboxField, EmptyState, ErrorNotice, Loading, Notice, Pager, SelectField, TableWrap, usePaged } from '../ui.js';

const STATE_LABELS: Record<string, string> = {
  sent: 'Email sent',
  awaiting_send: 'Awaiting manual send',
  needs_code: 'Waiting for a promo code',
};

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // Quoted always; a leading = + - @ is neutralised so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function Participants({ offer }: { offer: Offer }) {
  const { query } = useLocation();
  const { canWrite, canSeeAwards } = usePermissions();
  const metGoal = query.get('fulfilled') === 'true';
  const state = query.get('state') ?? '';
  const paged = usePaged(
    (cursor, signal) => get<Page<Participant>>(`/offers/${offer.id}/participants${qs({ limit: 25, cursor, fulfilled: metGoal ? 'true' : undefined, state })}`, signal),
    [offer.id, metGoal, state],
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [result, setResult] = useState<{ kind: 'ok' | 'warn' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const settings = offer.approved ?? offer.draft;
  const goal = settings?.goal.count ?? 0;
  const manual = settings?.fulfillmentDelivery === 'manual';
  const sendable = paged.items.filter((p) => p.fulfilledAt);
  const allChecked = sendable.length > 0 && sendable.every((p) => selected.has(p.id));

  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };

  const send = async () => {
    setBusy(true);
    setResult(null);
    try {
      const report = await post<{ queued: string[]; skipped: { participantId: string; reason: string }[] }>(`/offers/${offer.id}/fulfillment-emails`, { participantIds: [...selected] });
      const skipped = report.skipped.map((s) => `${paged.items.find((p) => p.id === s.participantId)?.email ?? s.participantId}: ${s.reason}`);
      setResult({
        kind: report.skipped.length ? 'warn' : 'ok',
        text: `Fulfillment email queued for ${report.queued.length} participant${report.queued.length === 1 ? '' : 's'}.${skipped.length ? ` Skipped: ${skipped.join('; ')}.` : ''} See the mail log for delivery.`,
      });
      setSelected(new Set());
      paged.reload();
    } catch (err) {
      setResult({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  const exportCsv = async () => {
    setBusy(true);
    setResult(null);
    try {
      const rows: Participant[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<Participant> = await get<Page<Participant>>(`/offers/${offer.id}/participants${qs({ limit: 100, cursor, fulfilled: metGoal ? 'true' : undefined, state })}`);
        rows.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      const header = ['participant_id', 'email', 'first_name', 'last_name', 'credit', 'goal', 'fulfilled_at', 'fulfillment_state', 'signup_channel', 'share_url', 'joined_at'];
      if (canSeeAwards) header.push('promo_codes', 'promo_codes_sent_at');
      const lines = [header.join(',')];
      for (const p of rows) {
        const cells: unknown[] = [p.id, p.email, p.firstName, p.lastName, p.credit, goal, p.fulfilledAt, p.fulfillmentState, p.signupChannel, p.shareUrl, p.createdAt];
        if (canSeeAwards) cells.push((p.promoCodes ?? []).map((c) => c.code).join(' '), (p.promoCodes ?? []).map((c) => c.sentAt).join(' '));
        lines.push(cells.map(csvCell).join(','));
      }
      const blob = new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `participants-${offer.id}${metGoal ? '-met-goal' : ''}.csv`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setResult({ kind: 'ok', text: `Exported ${rows.length} participant${rows.length === 1 ? '' : 's'} to CSV.` });
    } catch (err) {
      setResult({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="participants-title">
      <h2 id="participants-title" className="sr-only">
        Participants
      </h2>
      <div className="toolbar">
        <CheckboxField label="Met the goal" checked={metGoal} onChange={(v) => setQuery({ fulfilled: v ? 'true' : null })} />
        <SelectField
          label="Fulfillment"
          value={state}
          onChange={(v) => setQuery({ state: v })}
          options={[{ value: '', label: 'Any state' }, ...Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label }))]}
          className="field-inline"
        />
        <div className="toolbar-end">
          {canWrite ? (
            <button type="button" className="btn btn-primary" disabled={busy || selected.size === 0} onClick={() => void send()}>
              Send fulfillment email{selected.size ? ` (${selected.size})` : ''}
            </button>
          ) : null}
          <button type="button" className="btn" disabled={busy} onClick={() => void exportCsv()}>
            Export CSV
          </button>
        </div>
      </div>
      {manual ? (
        <p className="hint">Fulfillment delivery is manual: tick fulfilled participants and click Send fulfillment email.</p>
      ) : (
        <p className="hint">Fulfillment delivery is automatic; you can still send the email again to chosen fulfilled participants.</p>
      )}
      {!canSeeAwards ? <p className="hint">Promo codes are hidden: your account lacks the awards permission.</p> : null}
      {result ? <Notice kind={result.kind}>{result.text}</Notice> : null}
      <ErrorNotice error={paged.error} />
      {paged.loading && paged.items.length === 0 ? <Loading /> : null}
      {!paged.loading && !paged.error && paged.items.length === 0 ? (
        <EmptyState title={metGoal || state ? 'No participant matches these filters.' : 'No participants yet.'}>
          {metGoal || state ? (
            <p>Clear the filters to see everyone who signed up.</p>
          ) : (
            <p>
              People become participants when they sign up in the widget. {offer.approved ? 'Put the widget on your site with the Embed Code button, or share the hosted page.' : 'Approve the offer first, then publish it with the Embed Code.'}
            </p>
          )}
        </EmptyState>
      ) : null}
      {paged.items.length > 0 ? (
        <TableWrap label="Participants">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select every fulfilled participant on this page"
                    checked={allChecked}
                    disabled={sendable.length === 0 || !canWrite}
                    onChange={(e) => setSelected(e.target.checked ? new Set([...selected, ...sendable.map((p) => p.id)]) : new Set([...selected].filter((id) => !sendable.some((p) => p.id === id))))}
                  />
                </th>
                <th scope="col">Participant</th>
                <th scope="col" className="num">
                  Credit
                </th>
                <th scope="col">Fulfilled at</th>
                <th scope="col">Fulfillment</th>
                {canSeeAwards ? <th scope="col">Promo codes</th> : null}
                <th scope="col">Channel</th>
                <th scope="col">Joined</th>
              </tr>
            </thead>
            <tbody>
              {paged.items.map((p) => (
                <tr key={p.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${p.email}`}
                      checked={selected.has(p.id)}
                      disabled={!p.fulfilledAt || !canWrite}
                      title={p.fulfilledAt ? undefined : 'Only fulfilled participants can be sent the fulfillment email'}
                      onChange={(e) => toggle(p.id, e.target.checked)}
                    />
                  </td>
                  <td>
                    <Link to={`/people/${p.personId}`}>{p.email}</Link>
                    {p.firstName || p.lastName ? <div className="muted small">{[p.firstName, p.lastName].filter(Boolean).join(' ')}</div> : null}
                  </td>
                  <td className="num">
                    {p.credit} / {goal} {p.credit >= goal && goal > 0 ? <Badge tone="approved">Met the goal</Badge> : null}
                  </td>
                  <td>{formatDateTime(p.fulfilledAt)}</td>
                  <td>{p.fulfillmentState ? (STATE_LABELS[p.fulfillmentState] ?? p.fulfillmentState) : '—'}</td>
                  {canSeeAwards ? (
                    <td>
                      {p.promoCodes && p.promoCodes.length > 0
                        ? p.promoCodes.map((c) => (
                            <div key={c.code}>
                              <code>{c.code}</code> <span className="muted small">sent {formatDateTime(c.sentAt)}</span>
                            </div>
                          ))
                        : '—'}
                    </td>
                  ) : null}
                  <td>{p.signupChannel ?? '—'}</td>
                  <td>{formatDateTime(p.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <Pager paged={paged} label="Participants" />
    </section>
  );
}
