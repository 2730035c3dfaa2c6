import { useMemo, useState } from 'react';
import { BarElement, CategoryScale, Chart as ChartJS, Filler, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { Bar, Line } from 'react-chartjs-2';
import { get, qs } from '../api.js';
import { formatRate } from '../format.js';
import { setQuery, useLocation } from '../router.js';
import type { Offer, OfferReport } from '../types.js';
import { ErrorNotice, Loading, SelectField, TableWrap, TextField, useLoad } from '../ui.js';

ChartJS.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Tooltip, Legend, Filler);

const PRESETS: Record<string, { label: string; days: number | null }> = {
  '24h': { label: 'Last 24 hours (hourly)', days: null },
  '7d': { label: 'Last 7 days', days: 7 },
  '30d': { label: 'Last 30 days', days: 30 },
  '90d': { label: 'Last 90 days', days: 90 },
  custom: { label: 'Custom range', days: null },
};

const FUNNEL: { key: keyof OfferReport['funnel']; label: string }[] = [
  { key: 'visits', label: 'Page visits' },
  { key: 'interactions', label: 'Interactions' },
  { key: 'shares', label: 'Shares' },
  { key: 'clicks', label: 'Resulting clicks' },
  { key: 'registrations', label: 'Registrations' },
  { key: 'fulfilled', label: 'Fulfilled' },
];

const SERIES: { key: 'visits' | 'signups' | 'shares' | 'clicks' | 'registrations' | 'fulfilled'; label: string; color: string }[] = [
  { key: 'visits', label: 'Visits', color: '#2563eb' },
  { key: 'signups', label: 'Sign-ups', color: '#7c3aed' },
  { key: 'shares', label: 'Shares', color: '#0891b2' },
  { key: 'clicks', label: 'Resulting clicks', color: '#ca8a04' },
  { key: 'registrations', label: 'Registrations', color: '#16a34a' },
  { key: 'fulfilled', label: 'Fulfilled', color: '#dc2626' },
];

const day = (d: Date) => d.toISOString().slice(0, 10);

export function OfferReportScreen({ offer }: { offer: Offer }) {
  const { query } = useLocation();
  const preset = PRESETS[query.get('range') ?? ''] ? query.get('range')! : '24h';
  const today = day(new Date());
  const [from, setFrom] = useState(query.get('from') ?? day(new Date(Date.now() - 7 * 86_400_000)));
  const [to, setTo] = useState(query.get('to') ?? today);

  const params = useMemo(() => {
    if (preset === '24h') return { interval: 'hour' };
    if (preset === 'custom') {
      // `to` is exclusive in the API: the day after the last day chosen.
      const end = new Date(`${to}T00:00:00Z`);
      end.setUTCDate(end.getUTCDate() + 1);
      return { from, to: day(end), interval: 'day' };
    }
    return { from: day(new Date(Date.now() - (PRESETS[preset]!.days! - 1) * 86_400_000)), interval: 'day' };
  }, [preset, from, to]);

  const report = useLoad((signal) => get<OfferReport>(`/offers/${offer.id}/report${qs(params)}`, signal), [offer.id, params]);
  const r = report.data;

  const label = (iso: string) =>
    r?.interval === 'hour' ? `${iso.slice(11, 16)}` : new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

  return (
    <section aria-labelledby="report-title" className="report">
      <h2 id="report-title" className="sr-only">
        Report
      </h2>
      <div className="toolbar">
        <SelectField label="Date range" value={preset} onChange={(v) => setQuery({ range: v })} options={Object.entries(PRESETS).map(([value, p]) => ({ value, label: p.label }))} className="field-inline" />
        {preset === 'custom' ? (
          <>
            <TextField label="From" type="date" value={from} onChange={setFrom} max={undefined} className="field-inline" />
            <TextField label="To (inclusive)" type="date" value={to} onChange={setTo} className="field-inline" />
          </>
        ) : null}
      </div>
      <ErrorNotice error={report.error} />
      {report.loading && !r ? <Loading /> : null}
      {r ? (
        <>
          <p className="muted small">
            {new Date(r.from).toUTCString().slice(0, 22)} – {new Date(r.to).toUTCString().slice(0, 22)} UTC, {r.interval === 'hour' ? 'hourly' : 'daily'}
          </p>
          <dl className="kpis">
            <div className="kpi kpi-main">
              <dt>Viral coefficient (k)</dt>
              <dd data-testid="k-factor">{formatRate(r.shareMetrics.viralCoefficient, false)}</dd>
              <p className="hint">friends who signed up ÷ participants</p>
            </div>
            <div className="kpi">
              <dt>Participants</dt>
              <dd>{r.audience.participants}</dd>
            </div>
            <div className="kpi">
              <dt>Influencers</dt>
              <dd>{r.audience.influencers}</dd>
              <p className="hint">participants whose link was clicked</p>
            </div>
            <div className="kpi">
              <dt>Reach</dt>
              <dd>{r.audience.reach}</dd>
              <p className="hint">recipients of email shares</p>
            </div>
            <div className="kpi">
              <dt>Share rate</dt>
              <dd>{formatRate(r.shareMetrics.shareRate)}</dd>
            </div>
            <div className="kpi">
              <dt>Clickback rate</dt>
              <dd>{formatRate(r.shareMetrics.clickbackRate)}</dd>
            </div>
            <div className="kpi">
              <dt>Social lift</dt>
              <dd>{formatRate(r.shareMetrics.socialLift)}</dd>
              <p className="hint">visits from shared links ÷ other visits</p>
            </div>
          </dl>
          <div className="charts">
            <figure className="chart-card">
              <figcaption>Funnel</figcaption>
              <div className="chart-box">
                <Bar
                  role="img"
                  aria-label={`Funnel: ${FUNNEL.map((f) => `${f.label} ${r.funnel[f.key]}`).join(', ')}`}
                  data={{
                    labels: FUNNEL.map((f) => f.label),
                    datasets: [{ label: 'People', data: FUNNEL.map((f) => r.funnel[f.key]), backgroundColor: ['#1d4ed8', '#2563eb', '#3b82f6', '#60a5fa', '#16a34a', '#dc2626'] }],
                  }}
                  options={{ indexAxis: 'y', maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }}
                />
              </div>
            </figure>
            <figure className="chart-card">
              <figcaption>Over time</figcaption>
              <div className="chart-box">
                <Line
                  role="img"
                  aria-label="Visits, sign-ups, shares, clicks, registrations and fulfilled over time; the table below has the figures"
                  data={{
                    labels: r.series.map((s) => label(s.start)),
                    datasets: SERIES.map((s) => ({ label: s.label, data: r.series.map((p) => p[s.key]), borderColor: s.color, backgroundColor: s.color, pointRadius: r.series.length > 60 ? 0 : 2, tension: 0 })),
                  }}
                  options={{ maintainAspectRatio: false, animation: false, interaction: { mode: 'index', intersect: false }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: 'bottom' } } }}
                />
              </div>
            </figure>
          </div>
          <details className="figures">
            <summary>Figures as a table</summary>
            <TableWrap label="Report figures">
              <table className="table table-compact">
                <thead>
                  <tr>
                    <th scope="col">{r.interval === 'hour' ? 'Hour (UTC)' : 'Day (UTC)'}</th>
                    {SERIES.map((s) => (
                      <th key={s.key} scope="col" className="num">
                        {s.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {r.series.map((p) => (
                    <tr key={p.start}>
                      <th scope="row">{r.interval === 'hour' ? p.start.slice(0, 16).replace('T', ' ') : p.start.slice(0, 10)}</th>
                      {SERIES.map((s) => (
                        <td key={s.key} className="num">
                          {p[s.key]}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </details>
        </>
      ) : null}
    </section>
  );
}
