import { useState } from 'react';
import type { FormEvent } from 'react';
import { get, qs } from '../api.js';
import type { Page } from '../api.js';
import { formatDateTime, humanize } from '../format.js';
import { Link, navigate, setQuery, useLocation } from '../router.js';
import type { Activity, CampaignRun, Person } from '../types.js';
import { EmptyState, ErrorNotice, Loading, PageHeader, Pager, TableWrap, TextField, useLoad, usePaged } from '../ui.js';
import { RunTable } from './campaigns.js';

const ACTIVITY_LABELS: Record<string, string> = {
  signs_up: 'Signed up for referral offer',
  shares: 'Shared content',
  clicks_shared_link: 'Clicked a shared link',
  visits_offer_page: 'Visited the referral offer page',
  refers: 'Referred to referral offer',
  achieves_goal: 'Achieved goal in referral',
  referral_refused: 'Referral refused',
  opportunity_created: 'Opportunity created',
  purchase: 'E-commerce purchase',
  webinar_registered: 'Registered for webinar',
  webinar_attended: 'Attended webinar',
  form_filled: 'Filled out form',
  custom: 'Custom activity',
};

export function PeopleSearch() {
  const { query } = useLocation();
  const email = query.get('email') ?? '';
  const [typed, setTyped] = useState(email);
  const found = useLoad((signal) => (email.length >= 3 ? get<Page<Person>>(`/people${qs({ email })}`, signal) : Promise.resolve(null)), [email]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQuery({ email: typed.trim() });
  };
  return (
    <>
      <PageHeader title="People" crumbs={[{ label: 'Database' }, { label: 'People' }]}>
        <p className="lead">Find a person by email address to see their referral counters, activity log and campaign runs.</p>
      </PageHeader>
      <form className="toolbar" onSubmit={submit} role="search">
        <TextField label="Email address" type="search" value={typed} onChange={setTyped} placeholder="ann@example.com" className="field-inline field-grow" autoComplete="off" />
        <button type="submit" className="btn btn-primary" disabled={typed.trim().length < 3}>
          Search
        </button>
      </form>
      <ErrorNotice error={found.error} />
      {found.loading && email ? <Loading /> : null}
      {!email ? (
        <EmptyState title="Type an email address and press Search.">
          <p>Participants are also linked from each offer’s Participants tab.</p>
        </EmptyState>
      ) : null}
      {found.data && found.data.data.length === 0 ? <EmptyState title={`Nobody with the address ${email}.`}>Check the spelling: the address must match exactly (case does not matter).</EmptyState> : null}
      {found.data && found.data.data.length > 0 ? (
        <TableWrap label="People found">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col" className="num">
                  Referred visits
                </th>
                <th scope="col" className="num">
                  Referred sign-ups
                </th>
                <th scope="col">Known since</th>
              </tr>
            </thead>
            <tbody>
              {found.data.data.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/people/${p.id}`} className="strong">
                      {p.email}
                    </Link>
                  </td>
                  <td>{[p.firstName, p.lastName].filter(Boolean).join(' ') || '—'}</td>
                  <td className="num">{p.counters.referredVisits}</td>
                  <td className="num">{p.counters.referredSignups}</td>
                  <td>{formatDateTime(p.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </>
  );
}

export function PersonDetail({ id }: { id: string }) {
  const person = useLoad((signal) => get<Person>(`/people/${id}`, signal), [id]);
  const activities = usePaged((cursor, signal) => get<Page<Activity>>(`/people/${id}/activities${qs({ limit: 25, cursor })}`, signal), [id]);
  const runs = usePaged((cursor, signal) => get<Page<CampaignRun>>(`/people/${id}/campaign-runs${qs({ limit: 10, cursor })}`, signal), [id]);
  if (person.error) return <ErrorNotice error={person.error} />;
  const p = person.data;
  if (!p) return <Loading />;
  const channels = Object.entries(p.counters.byChannel);
  return (
    <>
      <PageHeader
        title={p.email}
        crumbs={[{ label: 'Database' }, { label: 'People', to: '/people' }, { label: p.email }]}
        actions={
          <button type="button" className="btn" onClick={() => navigate(`/mail`)}>
            Mail log
          </button>
        }
      />
      <div className="cards">
        <section className="card" aria-labelledby="profile-title">
          <h2 id="profile-title">Profile</h2>
          <dl className="props">
            <dt>Name</dt>
            <dd>{[p.firstName, p.lastName].filter(Boolean).join(' ') || '—'}</dd>
            <dt>Company</dt>
            <dd>{p.company ?? '—'}</dd>
            <dt>Phone</dt>
            <dd>{p.phone ?? '—'}</dd>
            <dt>Marketing consent</dt>
            <dd>{p.consent ?? '—'}</dd>
            <dt>Language</dt>
            <dd>{p.locale ?? '—'}</dd>
            <dt>Known since</dt>
            <dd>{formatDateTime(p.createdAt)}</dd>
            <dt>Id</dt>
            <dd className="mono small">{p.id}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="counters-title">
          <h2 id="counters-title">Referral counters</h2>
          <dl className="stats">
            <div>
              <dt>Referred visits</dt>
              <dd>{p.counters.referredVisits}</dd>
            </div>
            <div>
              <dt>Referred sign-ups</dt>
              <dd>{p.counters.referredSignups}</dd>
            </div>
          </dl>
          <p className="small muted">
            Last referred visit {formatDateTime(p.counters.lastReferredVisitAt)} · last referred sign-up {formatDateTime(p.counters.lastReferredSignupAt)}
          </p>
          {channels.length > 0 ? (
            <table className="table table-compact">
              <caption className="sr-only">Per channel</caption>
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  <th scope="col" className="num">
                    Visits
                  </th>
                  <th scope="col" className="num">
                    Sign-ups
                  </th>
                </tr>
              </thead>
              <tbody>
                {channels.map(([channel, c]) => (
                  <tr key={channel}>
                    <th scope="row">{channel}</th>
                    <td className="num">{c.referredVisits}</td>
                    <td className="num">{c.referredSignups}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted small">No referral through a share link yet.</p>
          )}
        </section>
      </div>
      <section aria-labelledby="activity-title">
        <h2 id="activity-title">Activity log</h2>
        <ErrorNotice error={activities.error} />
        {!activities.loading && activities.items.length === 0 ? <EmptyState title="No activity recorded for this person yet." /> : null}
        {activities.items.length > 0 ? (
          <TableWrap label="Activity log">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Activity</th>
                  <th scope="col">Offer</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {activities.items.map((a) => (
                  <tr key={a.id}>
                    <td>{formatDateTime(a.occurredAt)}</td>
                    <td>{ACTIVITY_LABELS[a.type] ?? humanize(a.type)}</td>
                    <td>{a.offerId ? <Link to={`/offers/${a.offerId}`}>{a.offerId}</Link> : '—'}</td>
                    <td className="small">
                      {Object.entries(a.attributes)
                        .filter(([, v]) => v !== null && v !== '')
                        .map(([k, v]) => `${humanize(k)}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                        .join(' · ') || '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
        <Pager paged={activities} label="Activity log" />
      </section>
      <section aria-labelledby="runs-title">
        <h2 id="runs-title">Campaign runs</h2>
        <RunTable paged={runs} emptyText="No smart campaign has run for this person." />
      </section>
    </>
  );
}
