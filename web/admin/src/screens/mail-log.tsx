import { get, qs } from '../api.js';
import type { Page } from '../api.js';
import { formatDateTime, humanize } from '../format.js';
import { Link, setQuery, useLocation } from '../router.js';
import type { OutboxMail } from '../types.js';
import { Badge, EmptyState, ErrorNotice, Loading, PageHeader, Pager, SelectField, TableWrap, usePaged } from '../ui.js';

const TONES: Record<string, string> = { sent: 'approved', pending: 'pending', sending: 'pending', failed: 'archived' };

export function MailLog() {
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const offerId = query.get('offerId') ?? '';
  const paged = usePaged((cursor, signal) => get<Page<OutboxMail>>(`/outbox${qs({ limit: 25, cursor, status, offerId })}`, signal), [status, offerId]);
  return (
    <>
      <PageHeader title="Mail log" crumbs={[{ label: 'Database' }, { label: 'Mail log' }]}>
        <p className="lead">Every email Goalpost queued, newest first, with its delivery state. Without SMTP configured (GOALPOST_SMTP_URL), mail stays here as pending.</p>
      </PageHeader>
      <div className="toolbar">
        <SelectField
          label="State"
          value={status}
          onChange={(v) => setQuery({ status: v })}
          options={[
            { value: '', label: 'Any state' },
            { value: 'pending', label: 'Pending (waiting or retrying)' },
            { value: 'sending', label: 'Sending' },
            { value: 'sent', label: 'Sent' },
            { value: 'failed', label: 'Failed' },
          ]}
          className="field-inline"
        />
        {offerId ? (
          <p className="filter-chip">
            Offer <Link to={`/offers/${offerId}`}>{offerId}</Link>{' '}
            <button type="button" className="btn btn-small btn-quiet" onClick={() => setQuery({ offerId: null })}>
              Show every offer
            </button>
          </p>
        ) : null}
      </div>
      <ErrorNotice error={paged.error} />
      {paged.loading && paged.items.length === 0 ? <Loading /> : null}
      {!paged.loading && !paged.error && paged.items.length === 0 ? (
        <EmptyState title={status || offerId ? 'No email matches these filters.' : 'No email queued yet.'}>
          <p>Emails appear here when people sign up, reach a goal, or a campaign sends one.</p>
        </EmptyState>
      ) : null}
      {paged.items.length > 0 ? (
        <TableWrap label="Mail log">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
                <th scope="col">Kind</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Next attempt / sent</th>
              </tr>
            </thead>
            <tbody>
              {paged.items.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.createdAt)}</td>
                  <td>{m.personId ? <Link to={`/people/${m.personId}`}>{m.to}</Link> : m.to}</td>
                  <td>{m.subject}</td>
                  <td>{humanize(m.kind)}</td>
                  <td>
                    <Badge tone={TONES[m.status] ?? 'draft'}>{humanize(m.status)}</Badge>
                    {m.lastError ? <div className="problem small">{m.lastError}</div> : null}
                  </td>
                  <td className="num">{m.attempts}</td>
                  <td>{m.sentAt ? formatDateTime(m.sentAt) : m.status === 'failed' ? '—' : formatDateTime(m.nextAttemptAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <Pager paged={paged} label="Mail log" />
    </>
  );
}
