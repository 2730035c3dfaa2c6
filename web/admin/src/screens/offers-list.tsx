import { useState } from 'react';
import type { FormEvent } from 'react';
import { errorMessage, get, post, qs } from '../api.js';
import type { Page } from '../api.js';
import { formatDate, goalLabel } from '../format.js';
import { Link, navigate, setQuery, useLocation } from '../router.js';
import { usePermissions } from '../session.js';
import type { Offer, OfferReport } from '../types.js';
import { Badge, Dialog, EmptyState, ErrorNotice, Loading, Notice, PageHeader, Pager, SelectField, TableWrap, TextField, useLoad, usePaged } from '../ui.js';

export function StatusBadge({ offer }: { offer: Offer }) {
  return (
    <span className="badges">
      <Badge tone={offer.status}>{offer.status === 'draft' ? 'Draft' : offer.status === 'approved' ? 'Approved' : 'Archived'}</Badge>
      {offer.status === 'approved' && offer.draft ? <Badge tone="pending">Draft changes</Badge> : null}
    </span>
  );
}

/** All-time participants and fulfilled, from the offer's report (counted where each happened). */
export function useOfferTotals(offer: Pick<Offer, 'id' | 'createdAt'>) {
  return useLoad(
    (signal) => {
      // The report covers at most 732 days: older offers show the last two years.
      const earliest = Date.now() - 730 * 86_400_000;
      const from = new Date(Math.max(Date.parse(offer.createdAt), earliest)).toISOString().slice(0, 10);
      return get<OfferReport>(`/offers/${offer.id}/report${qs({ from, interval: 'day' })}`, signal);
    },
    [offer.id],
  );
}

function Totals({ offer }: { offer: Offer }) {
  const { data, error } = useOfferTotals(offer);
  if (error) return <td colSpan={2} className="muted">—</td>;
  return (
    <>
      <td className="num">{data ? data.audience.participants.toLocaleString('en-GB') : '…'}</td>
      <td className="num">{data ? data.funnel.fulfilled.toLocaleString('en-GB') : '…'}</td>
    </>
  );
}

export function OffersList() {
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const { canWrite } = usePermissions();
  const paged = usePaged((cursor, signal) => get<Page<Offer>>(`/offers${qs({ limit: 20, cursor, status })}`, signal), [status]);
  const [creating, setCreating] = useState<{ cloneFrom: Offer | null } | null>(null);

  return (
    <>
      <PageHeader
        title="Referral offers"
        crumbs={[{ label: 'Marketing Activities' }, { label: 'Referral offers' }]}
        actions={
          canWrite ? (
            <button type="button" className="btn btn-primary" onClick={() => setCreating({ cloneFrom: null })}>
              New offer
            </button>
          ) : null
        }
      >
        <p className="lead">
          Select an offer, click <strong>Edit Draft</strong>, then <strong>App Settings › Offer Details › Settings</strong> to choose its{' '}
          <strong>Fulfillment Goal</strong>. Approve the draft to publish it.
        </p>
      </PageHeader>
      <div className="toolbar">
        <SelectField
          label="Status"
          value={status}
          onChange={(v) => setQuery({ status: v })}
          options={[
            { value: '', label: 'All offers' },
            { value: 'draft', label: 'Draft (never approved)' },
            { value: 'approved', label: 'Approved' },
            { value: 'archived', label: 'Archived' },
          ]}
          className="field-inline"
        />
      </div>
      <ErrorNotice error={paged.error} />
      {paged.loading && paged.items.length === 0 ? <Loading /> : null}
      {!paged.loading && !paged.error && paged.items.length === 0 ? (
        <EmptyState title={status ? `No ${status} offers.` : 'No referral offers yet.'}>
          {canWrite ? (
            <p>
              Click <strong>New offer</strong> to create one: give it a name, choose its fulfillment goal and its emails, set the rules URL, then approve it.
            </p>
          ) : (
            <p>A marketer or an administrator creates offers; they will be listed here.</p>
          )}
        </EmptyState>
      ) : null}
      {paged.items.length > 0 ? (
        <TableWrap label="Referral offers">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Fulfillment goal</th>
                <th scope="col" className="num">
                  Participants
                </th>
                <th scope="col" className="num">
                  Fulfilled
                </th>
                <th scope="col">Created</th>
                {canWrite ? (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {paged.items.map((offer) => {
                const settings = offer.draft ?? offer.approved;
                const live = offer.approved ?? offer.draft;
                return (
                  <tr key={offer.id}>
                    <td>
                      <Link to={`/offers/${offer.id}`} className="strong">
                        {settings?.name ?? offer.name}
                      </Link>
                      <div className="muted small mono">{offer.id}</div>
                    </td>
                    <td>
                      <StatusBadge offer={offer} />
                    </td>
                    <td>{live?.goal.type ? `${live.goal.count} × ${goalLabel(live.goal.type)}` : <span className="muted">Not chosen</span>}</td>
                    <Totals offer={offer} />
                    <td>{formatDate(offer.createdAt)}</td>
                    {canWrite ? (
                      <td>
                        <button type="button" className="btn btn-small" onClick={() => setCreating({ cloneFrom: offer })} aria-label={`Clone ${offer.name}`}>
                          Clone
                        </button>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <Pager paged={paged} label="Offers" />
      <NewOfferDialog creating={creating} onClose={() => setCreating(null)} />
    </>
  );
}

function NewOfferDialog({ creating, onClose }: { creating: { cloneFrom: Offer | null } | null; onClose(): void }) {
  const cloneFrom = creating?.cloneFrom ?? null;
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [lastKey, setLastKey] = useState<string | null>(null);
  const key = creating ? (cloneFrom?.id ?? 'new') : null;
  if (key !== lastKey) {
    setLastKey(key);
    setName(cloneFrom ? `Copy of ${cloneFrom.name}` : '');
    setError(null);
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const offer = await post<Offer>('/offers', { name: name.trim(), ...(cloneFrom ? { cloneFrom: cloneFrom.id } : {}) });
      onClose();
      navigate(`/offers/${offer.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={creating !== null} onClose={onClose} title={cloneFrom ? `Clone “${cloneFrom.name}”` : 'New referral offer'}>
      <form onSubmit={(e) => void submit(e)}>
        {cloneFrom ? <Notice>All settings are copied into a new draft; participants, codes and reports are not.</Notice> : null}
        {error ? <Notice kind="error">{errorMessage(error)}</Notice> : null}
        <TextField label="Offer name" value={name} onChange={setName} required maxLength={200} hint="Shown to participants on the hosted page; you can change it later." />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || name.trim() === ''}>
            {cloneFrom ? 'Clone offer' : 'Create offer'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
