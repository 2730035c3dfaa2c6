/**
 * Smart campaigns: the smart list (triggers with constraints, filters), the
 * flow (ordered steps with their parameters), the qualification rule,
 * activation with its problems shown next to the fields, and run history.
 */
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { PERSON_FILTER_FIELDS, QUALIFICATION_RULES, STEP_TYPES, TRIGGER_CONSTRAINT_FIELDS, TRIGGER_TYPES, WRITABLE_PERSON_FIELDS } from '../../../../src/domain/campaigns/catalog.js';
import type { TriggerType } from '../../../../src/domain/campaigns/catalog.js';
import { OPERATORS } from '../../../../src/domain/campaigns/operators.js';
import { ApiError, errorMessage, get, patch, post, qs } from '../api.js';
import type { Page, Problem } from '../api.js';
import { formatDateTime, goalLabel, humanize } from '../format.js';
import { Link, navigate } from '../router.js';
import { usePermissions } from '../session.js';
import type { Campaign, CampaignRun, Constraint, Email, Filter, Offer, Qualification, StaticList, Step, Trigger } from '../types.js';
import { Badge, EmptyState, ErrorNotice, FieldProblems, Loading, Notice, PageHeader, Pager, problemsAt, RadioGroup, SelectField, TableWrap, TextField, useLoad, usePaged } from '../ui.js';
import type { Option, Paged } from '../ui.js';

export const TRIGGER_LABELS: Record<string, string> = {
  signs_up: 'Signs up for referral offer',
  shares: 'Shares content',
  clicks_shared_link: 'Clicks shared link',
  visits_offer_page: 'Visits referral offer page',
  refers: 'Refers to referral offer',
  achieves_goal: 'Achieves goal in referral',
  opportunity_created: 'Opportunity is created',
  purchase: 'E-commerce purchase',
  webinar_registered: 'Registers for webinar',
  webinar_attended: 'Attends webinar',
  form_filled: 'Fills out form',
  custom: 'Custom activity',
};

export const STEP_LABELS: Record<string, string> = {
  give_credit_to_referrer: 'Give Credit to Referrer',
  send_email: 'Send Email',
  send_fulfillment_email: 'Send Fulfillment Email',
  change_data_value: 'Change Data Value',
  add_to_list: 'Add to List',
  remove_from_list: 'Remove from List',
  wait: 'Wait',
  call_webhook: 'Call Webhook',
  send_alert: 'Send Alert',
};

const FILTER_LABELS: Record<string, string> = {
  person_field: 'Person field',
  in_list: 'Member of list',
  not_in_list: 'Not member of list',
  referred_by_offer: 'Was referred by a participant of offer',
  has_activity: 'Has activity',
};

const OPERATOR_LABELS: Record<string, string> = {
  is: 'is',
  is_not: 'is not',
  contains: 'contains',
  starts_with: 'starts with',
  greater_than: 'greater than',
  less_than: 'less than',
  is_empty: 'is empty',
  is_not_empty: 'is not empty',
  in_past_days: 'in the past N days',
};
const NUMERIC_OPERATORS = new Set(['greater_than', 'less_than', 'in_past_days']);
const VALUELESS_OPERATORS = new Set(['is_empty', 'is_not_empty']);
const CUSTOM = '__custom__';

const operatorOptions: Option[] = OPERATORS.map((o) => ({ value: o, label: OPERATOR_LABELS[o] ?? o }));

/** A typed value: numbers for numeric operators, nothing for is_empty, text otherwise. */
function typedValue(operator: string, raw: string): unknown {
  if (VALUELESS_OPERATORS.has(operator)) return undefined;
  if (NUMERIC_OPERATORS.has(operator)) return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return raw;
}
const shown = (value: unknown) => (value === undefined || value === null ? '' : String(value));

// ----- list -----

export function CampaignsList() {
  const { canWrite } = usePermissions();
  const [status, setStatus] = useState('');
  const paged = usePaged((cursor, signal) => get<Page<Campaign>>(`/campaigns${qs({ limit: 20, cursor, status })}`, signal), [status]);
  return (
    <>
      <PageHeader
        title="Smart campaigns"
        crumbs={[{ label: 'Marketing Activities' }, { label: 'Smart campaigns' }]}
        actions={
          canWrite ? (
            <Link to="/campaigns/new" className="btn btn-primary">
              New campaign
            </Link>
          ) : null
        }
      >
        <p className="lead">A smart campaign reacts to activities: when a trigger fires and the filters hold, the flow runs for that person. Use it with a Smart List Trigger goal to credit referrers for milestones.</p>
      </PageHeader>
      <div className="toolbar">
        <SelectField
          label="Status"
          value={status}
          onChange={setStatus}
          options={[
            { value: '', label: 'All campaigns' },
            { value: 'active', label: 'Active' },
            { value: 'inactive', label: 'Inactive' },
          ]}
          className="field-inline"
        />
      </div>
      <ErrorNotice error={paged.error} />
      {paged.loading && paged.items.length === 0 ? <Loading /> : null}
      {!paged.loading && !paged.error && paged.items.length === 0 ? (
        <EmptyState title={status ? `No ${status} campaigns.` : 'No smart campaigns yet.'}>
          <p>
            Click <strong>New campaign</strong>: choose a trigger (e.g. Opportunity is created), add the flow step Give Credit to Referrer with an offer whose goal is Smart List
            Trigger, then activate it.
          </p>
        </EmptyState>
      ) : null}
      {paged.items.length > 0 ? (
        <TableWrap label="Smart campaigns">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Triggers</th>
                <th scope="col">Flow</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {paged.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/campaigns/${c.id}`} className="strong">
                      {c.name}
                    </Link>
                  </td>
                  <td>
                    <Badge tone={c.status === 'active' ? 'approved' : 'draft'}>{c.status === 'active' ? 'Active' : 'Inactive'}</Badge>
                  </td>
                  <td>{c.triggers.map((t) => TRIGGER_LABELS[t.type] ?? t.type).join(', ') || '—'}</td>
                  <td>{c.flow.map((s) => STEP_LABELS[s.type] ?? s.type).join(' → ') || '—'}</td>
                  <td>{formatDateTime(c.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <Pager paged={paged} label="Campaigns" />
    </>
  );
}

// ----- reference data for the pickers -----

interface Refs {
  offers: Offer[];
  emails: Email[];
  lists: StaticList[];
}

async function allPages<T>(path: string, signal: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10; i += 1) {
    const page: Page<T> = await get<Page<T>>(`${path}${qs({ limit: 100, cursor })}`, signal);
    out.push(...page.data);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return out;
}

function useRefs() {
  return useLoad<Refs>(async (signal) => {
    const [offers, emails, lists] = await Promise.all([allPages<Offer>('/offers', signal), allPages<Email>('/emails', signal), get<{ data: StaticList[] }>('/lists', signal)]);
    return { offers, emails, lists: lists.data };
  }, []);
}

function offerOptions(refs: Refs | null, current: string | undefined): Option[] {
  const options = (refs?.offers ?? []).map((o) => {
    const s = o.approved ?? o.draft;
    return { value: o.id, label: `${s?.name ?? o.name} · ${goalLabel(o.approved?.goal.type ?? null)}${o.approved ? '' : ' · not approved'}${o.status === 'archived' ? ' · archived' : ''}` };
  });
  if (current && !options.some((o) => o.value === current)) options.push({ value: current, label: current });
  return [{ value: '', label: 'Choose an offer…' }, ...options];
}

// ----- editor -----

type Definition = Pick<Campaign, 'name' | 'description' | 'triggers' | 'filters' | 'flow' | 'qualification'>;

const EMPTY: Definition = { name: '', description: '', triggers: [{ type: 'opportunity_created', constraints: [] }], filters: [], flow: [], qualification: { rule: 'once' } };

export function CampaignScreen({ id, tab }: { id: string; tab: 'definition' | 'runs' }) {
  const isNew = id === 'new';
  const { canWrite } = usePermissions();
  const loaded = useLoad((signal) => (isNew ? Promise.resolve(null) : get<Campaign>(`/campaigns/${id}`, signal)), [id]);
  const refs = useRefs();
  const [campaign, setCampaign] = useState<Campaign | null>(null);
  const [def, setDef] = useState<Definition>(EMPTY);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const adopt = (c: Campaign) => {
    setCampaign(c);
    setDef({ name: c.name, description: c.description, triggers: c.triggers.map((t) => ({ ...t, constraints: t.constraints ?? [] })), filters: c.filters, flow: c.flow, qualification: c.qualification });
  };
  useEffect(() => {
    if (loaded.data) adopt(loaded.data);
  }, [loaded.data]);

  if (loaded.error) return <ErrorNotice error={loaded.error} />;
  if (!isNew && !campaign) return <Loading />;

  const saved = campaign ? { name: campaign.name, description: campaign.description, triggers: campaign.triggers, filters: campaign.filters, flow: campaign.flow, qualification: campaign.qualification } : null;
  const dirty = !saved || JSON.stringify(saved) !== JSON.stringify(def);
  const shownProblems = problems.length > 0 ? problems : (campaign?.status === 'inactive' ? (campaign.activationProblems ?? []) : []);
  const problemsAreBlockers = problems.length === 0 && shownProblems.length > 0;

  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await what();
      setProblems([]);
    } catch (err) {
      setProblems(err instanceof ApiError ? err.details : []);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const body = () => ({
    name: def.name,
    description: def.description,
    triggers: def.triggers,
    filters: def.filters,
    flow: def.flow,
    qualification: def.qualification.rule === 'at_most_every' ? def.qualification : { rule: def.qualification.rule },
  });

  const save = async (): Promise<Campaign> => {
    if (isNew) {
      const created = await post<Campaign>('/campaigns', body());
      adopt(created);
      navigate(`/campaigns/${created.id}`, { replace: true });
      return created;
    }
    if (!dirty) return campaign!;
    const updated = await patch<Campaign>(`/campaigns/${id}`, body());
    adopt(updated);
    return updated;
  };

  const edit = (fn: (d: Definition) => void, path?: string) => {
    const next = structuredClone(def);
    fn(next);
    setDef(next);
    if (path && problems.some((p) => p.path.startsWith(path))) setProblems(problems.filter((p) => !p.path.startsWith(path)));
  };

  const title = isNew ? 'New smart campaign' : (campaign?.name ?? '');
  return (
    <>
      <PageHeader
        title={
          <>
            {title} {campaign ? <Badge tone={campaign.status === 'active' ? 'approved' : 'draft'}>{campaign.status === 'active' ? 'Active' : 'Inactive'}</Badge> : null}
          </>
        }
        crumbs={[{ label: 'Marketing Activities' }, { label: 'Smart campaigns', to: '/campaigns' }, { label: title }]}
        actions={
          canWrite ? (
            <>
              <button type="button" className="btn" disabled={busy || !dirty || def.name.trim() === ''} onClick={() => void run(async () => (await save(), setMessage('Campaign saved.')))}>
                {isNew ? 'Create campaign' : 'Save'}
              </button>
              {campaign?.status === 'active' ? (
                <button
                  type="button"
                  className="btn"
                  disabled={busy}
                  onClick={() => void run(async () => (adopt(await post<Campaign>(`/campaigns/${campaign.id}/deactivate`)), setMessage('Deactivated: no new runs start; runs under way finish.')))}
                >
                  Deactivate
                </button>
              ) : (
                <button
                  type="button"
                  className="btn btn-primary"
                  disabled={busy || def.name.trim() === ''}
                  onClick={() =>
                    void run(async () => {
                      const current = await save();
                      adopt(await post<Campaign>(`/campaigns/${current.id}/activate`));
                      setMessage('Activated: the campaign now runs for every activity that fires its triggers.');
                    })
                  }
                >
                  Activate
                </button>
              )}
            </>
          ) : null
        }
      />
      {!isNew ? (
        <nav className="tabs" aria-label="Campaign">
          <Link to={`/campaigns/${id}`} aria-current={tab === 'definition' ? 'page' : undefined}>
            Smart List and Flow
          </Link>
          <Link to={`/campaigns/${id}/runs`} aria-current={tab === 'runs' ? 'page' : undefined}>
            Run history
          </Link>
        </nav>
      ) : null}
      {message ? <Notice kind="ok">{message}</Notice> : null}
      {error && problems.length === 0 ? <Notice kind="error">{errorMessage(error)}</Notice> : null}
      {shownProblems.length > 0 && tab === 'definition' ? (
        <Notice
          kind={problemsAreBlockers ? 'warn' : 'error'}
          title={problemsAreBlockers ? 'Activation would be refused (each problem is also shown next to its field):' : `${errorMessage(error)} (each problem is also shown next to its field):`}
        >
          <ul className="compact">
            {shownProblems.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      {tab === 'runs' && campaign ? <Runs campaign={campaign} /> : null}
      {tab === 'definition' ? (
        <fieldset className="plain" disabled={!canWrite}>
          <legend className="sr-only">Campaign definition</legend>
          <section className="group">
            <h2>Campaign</h2>
            <TextField id="c-name" label="Name" value={def.name} onChange={(v) => edit((d) => void (d.name = v), 'name')} problems={problemsAt(shownProblems, 'name')} required maxLength={200} />
            <TextField label="Description" multiline rows={2} value={def.description} onChange={(v) => edit((d) => void (d.description = v))} maxLength={2000} />
          </section>
          <section className="group" aria-labelledby="smart-list-title">
            <h2 id="smart-list-title">Smart List</h2>
            <h3>Triggers</h3>
            <p className="hint">The campaign runs when any of these happens.</p>
            <FieldProblems id="triggers-problem" problems={problemsAt(shownProblems, 'triggers', true)} />
            {def.triggers.map((t, i) => (
              <TriggerEditor
                key={i}
                index={i}
                trigger={t}
                refs={refs.data}
                problems={shownProblems}
                onChange={(next) => edit((d) => void (d.triggers[i] = next), `triggers.${i}`)}
                onRemove={() => edit((d) => void d.triggers.splice(i, 1), 'triggers')}
              />
            ))}
            <button type="button" className="btn btn-small" onClick={() => edit((d) => void d.triggers.push({ type: 'signs_up', constraints: [] }), 'triggers')}>
              + Add trigger
            </button>
            <h3>Filters</h3>
            <p className="hint">All of these must hold for the person, or the flow does not run.</p>
            {def.filters.length === 0 ? <p className="muted">No filters: everyone who fires a trigger qualifies.</p> : null}
            {def.filters.map((f, i) => (
              <FilterEditor
                key={i}
                index={i}
                filter={f}
                refs={refs.data}
                reloadRefs={refs.reload}
                problems={shownProblems}
                onChange={(next) => edit((d) => void (d.filters[i] = next), `filters.${i}`)}
                onRemove={() => edit((d) => void d.filters.splice(i, 1), 'filters')}
              />
            ))}
            <button type="button" className="btn btn-small" onClick={() => edit((d) => void d.filters.push({ type: 'person_field', field: 'email', operator: 'contains', value: '' }))}>
              + Add filter
            </button>
          </section>
          <section className="group" aria-labelledby="flow-title">
            <h2 id="flow-title">Flow</h2>
            <p className="hint">Steps run in this order for each person.</p>
            <FieldProblems id="flow-problem" problems={problemsAt(shownProblems, 'flow', true)} />
            <ol className="steps">
              {def.flow.map((s, i) => (
                <li key={i}>
                  <StepEditor
                    index={i}
                    step={s}
                    count={def.flow.length}
                    refs={refs.data}
                    problems={shownProblems}
                    onChange={(next) => edit((d) => void (d.flow[i] = next), `flow.${i}`)}
                    onMove={(delta) =>
                      edit((d) => {
                        const [moved] = d.flow.splice(i, 1);
                        d.flow.splice(i + delta, 0, moved!);
                      }, 'flow')
                    }
                    onRemove={() => edit((d) => void d.flow.splice(i, 1), 'flow')}
                  />
                </li>
              ))}
            </ol>
            <button type="button" className="btn btn-small" onClick={() => edit((d) => void d.flow.push({ type: 'give_credit_to_referrer', offerId: '' }), 'flow')}>
              + Add flow step
            </button>
          </section>
          <section className="group" aria-labelledby="qualification-title">
            <h2 id="qualification-title">Schedule: qualification</h2>
            <RadioGroup
              id="f-qualification.rule"
              legend="Each person can run through the flow"
              value={def.qualification.rule}
              onChange={(v) => edit((d) => void (d.qualification = v === 'at_most_every' ? { rule: v, hours: d.qualification.hours ?? 24 } : { rule: v }), 'qualification')}
              options={QUALIFICATION_RULES.map((r) => ({ value: r, label: r === 'once' ? 'Once' : r === 'every_time' ? 'Every time' : 'At most once every N hours' }))}
              problems={problemsAt(shownProblems, 'qualification.rule')}
            />
            {def.qualification.rule === 'at_most_every' ? (
              <TextField
                id="f-qualification.hours"
                label="Hours"
                type="number"
                min={1}
                max={8760}
                value={shown(def.qualification.hours)}
                onChange={(v) => edit((d) => void ((d.qualification as Qualification).hours = Number(v)), 'qualification.hours')}
                problems={problemsAt(shownProblems, 'qualification.hours')}
              />
            ) : null}
          </section>
        </fieldset>
      ) : null}
    </>
  );
}

function Row({ title, onRemove, children, removeLabel }: { title: ReactNode; onRemove(): void; children: ReactNode; removeLabel: string }) {
  return (
    <div className="rule-card">
      <div className="rule-head">
        <span className="rule-title">{title}</span>
        <button type="button" className="btn btn-small btn-quiet" onClick={onRemove} aria-label={removeLabel}>
          Remove
        </button>
      </div>
      <div className="rule-body">{children}</div>
    </div>
  );
}

function TriggerEditor(p: { index: number; trigger: Trigger; refs: Refs | null; problems: Problem[]; onChange(t: Trigger): void; onRemove(): void }) {
  const path = `triggers.${p.index}`;
  const t = p.trigger;
  const fields = (TRIGGER_CONSTRAINT_FIELDS as Record<string, readonly string[]>)[t.type] ?? [];
  const setConstraint = (j: number, c: Constraint) => p.onChange({ ...t, constraints: t.constraints.map((x, k) => (k === j ? c : x)) });
  return (
    <Row title={`Trigger ${p.index + 1}`} onRemove={p.onRemove} removeLabel={`Remove trigger ${p.index + 1}`}>
      <SelectField
        id={`f-${path}.type`}
        label="When a person"
        value={t.type}
        onChange={(v) => p.onChange({ type: v, constraints: [] })}
        options={TRIGGER_TYPES.map((x) => ({ value: x, label: TRIGGER_LABELS[x] ?? x }))}
        problems={problemsAt(p.problems, `${path}.type`)}
      />
      {t.constraints.map((c, j) => {
        const cPath = `${path}.constraints.${j}`;
        const isCustomField = !fields.includes(c.field);
        return (
          <div key={j} className="constraint">
            <SelectField
              label={`Constraint ${j + 1}`}
              value={isCustomField ? CUSTOM : c.field}
              onChange={(v) => setConstraint(j, { ...c, field: v === CUSTOM ? 'attributes.' : v, value: '' })}
              options={[...fields.map((f) => ({ value: f, label: humanize(f) })), { value: CUSTOM, label: 'Attribute…' }]}
              problems={problemsAt(p.problems, `${cPath}.field`)}
            />
            {isCustomField ? (
              <TextField label="Attribute name" value={c.field.replace(/^attributes\./, '')} onChange={(v) => setConstraint(j, { ...c, field: `attributes.${v}` })} placeholder="amount" />
            ) : null}
            <SelectField
              label="Operator"
              value={c.operator}
              onChange={(v) => setConstraint(j, { field: c.field, operator: v, ...(VALUELESS_OPERATORS.has(v) ? {} : { value: typedValue(v, shown(c.value)) }) })}
              options={operatorOptions}
              problems={problemsAt(p.problems, `${cPath}.operator`)}
            />
            {VALUELESS_OPERATORS.has(c.operator) ? null : c.field === 'offer' ? (
              <SelectField label="Offer" value={shown(c.value)} onChange={(v) => setConstraint(j, { ...c, value: v })} options={offerOptions(p.refs, shown(c.value))} problems={problemsAt(p.problems, `${cPath}.value`)} />
            ) : (
              <TextField
                label="Value"
                type={NUMERIC_OPERATORS.has(c.operator) ? 'number' : 'text'}
                value={shown(c.value)}
                onChange={(v) => setConstraint(j, { ...c, value: typedValue(c.operator, v) })}
                problems={problemsAt(p.problems, `${cPath}.value`)}
              />
            )}
            <button type="button" className="btn btn-small btn-quiet" aria-label={`Remove constraint ${j + 1} of trigger ${p.index + 1}`} onClick={() => p.onChange({ ...t, constraints: t.constraints.filter((_, k) => k !== j) })}>
              Remove
            </button>
          </div>
        );
      })}
      <button type="button" className="btn btn-small btn-quiet" onClick={() => p.onChange({ ...t, constraints: [...t.constraints, { field: fields[0] ?? 'attributes.', operator: 'is', value: '' }] })}>
        + Add constraint
      </button>
      {(TRIGGER_CONSTRAINT_FIELDS as Record<TriggerType, readonly string[]>)[t.type as TriggerType] === undefined ? null : (
        <p className="hint">Constraints narrow the trigger: {[...fields, 'attributes.<name>'].join(', ')}.</p>
      )}
    </Row>
  );
}

function FilterEditor(p: { index: number; filter: Filter; refs: Refs | null; reloadRefs(): void; problems: Problem[]; onChange(f: Filter): void; onRemove(): void }) {
  const path = `filters.${p.index}`;
  const f = p.filter;
  const [newList, setNewList] = useState('');
  const listOptions: Option[] = [{ value: '', label: 'Choose a list…' }, ...(p.refs?.lists ?? []).map((l) => ({ value: l.id, label: `${l.name} (${l.members})` }))];
  const defaults: Record<string, Filter> = {
    person_field: { type: 'person_field', field: 'email', operator: 'contains', value: '' },
    in_list: { type: 'in_list', listId: '' },
    not_in_list: { type: 'not_in_list', listId: '' },
    referred_by_offer: { type: 'referred_by_offer', offerId: '' },
    has_activity: { type: 'has_activity', activityType: 'signs_up', withinDays: 30, minCount: 1 },
  };
  const isCustomField = f.type === 'person_field' && !(PERSON_FILTER_FIELDS as readonly string[]).includes(f.field ?? '');
  return (
    <Row title={`Filter ${p.index + 1}`} onRemove={p.onRemove} removeLabel={`Remove filter ${p.index + 1}`}>
      <SelectField
        id={`f-${path}.type`}
        label="Filter"
        value={f.type}
        onChange={(v) => p.onChange(defaults[v] ?? { type: v })}
        options={Object.entries(FILTER_LABELS).map(([value, label]) => ({ value, label }))}
        problems={problemsAt(p.problems, `${path}.type`)}
      />
      {f.type === 'person_field' ? (
        <div className="constraint">
          <SelectField
            label="Field"
            value={isCustomField ? CUSTOM : (f.field ?? '')}
            onChange={(v) => p.onChange({ ...f, field: v === CUSTOM ? 'fields.' : v })}
            options={[...PERSON_FILTER_FIELDS.map((x) => ({ value: x, label: humanize(x) })), { value: CUSTOM, label: 'Custom field…' }]}
            problems={problemsAt(p.problems, `${path}.field`)}
          />
          {isCustomField ? <TextField label="Custom field name" value={(f.field ?? '').replace(/^fields\./, '')} onChange={(v) => p.onChange({ ...f, field: `fields.${v}` })} /> : null}
          <SelectField
            label="Operator"
            value={f.operator ?? 'is'}
            onChange={(v) => {
              const { value: _drop, ...rest } = f;
              void _drop;
              p.onChange(VALUELESS_OPERATORS.has(v) ? { ...rest, operator: v } : { ...rest, operator: v, value: typedValue(v, shown(f.value)) });
            }}
            options={operatorOptions}
            problems={problemsAt(p.problems, `${path}.operator`)}
          />
          {VALUELESS_OPERATORS.has(f.operator ?? '') ? null : (
            <TextField
              label="Value"
              type={NUMERIC_OPERATORS.has(f.operator ?? '') ? 'number' : 'text'}
              value={shown(f.value)}
              onChange={(v) => p.onChange({ ...f, value: typedValue(f.operator ?? 'is', v) })}
              problems={problemsAt(p.problems, `${path}.value`)}
            />
          )}
        </div>
      ) : null}
      {f.type === 'in_list' || f.type === 'not_in_list' ? (
        <div className="constraint">
          <SelectField label="List" value={f.listId ?? ''} onChange={(v) => p.onChange({ ...f, listId: v })} options={listOptions} problems={problemsAt(p.problems, `${path}.listId`)} />
          <TextField label="Or create a list" value={newList} onChange={setNewList} placeholder="List name" />
          <button
            type="button"
            className="btn btn-small"
            disabled={newList.trim() === ''}
            onClick={() => {
              void post<StaticList>('/lists', { name: newList.trim() }).then((l) => {
                setNewList('');
                p.reloadRefs();
                p.onChange({ ...f, listId: l.id });
              });
            }}
          >
            Create list
          </button>
        </div>
      ) : null}
      {f.type === 'referred_by_offer' ? (
        <SelectField label="Offer" value={f.offerId ?? ''} onChange={(v) => p.onChange({ ...f, offerId: v })} options={offerOptions(p.refs, f.offerId)} problems={problemsAt(p.problems, `${path}.offerId`)} />
      ) : null}
      {f.type === 'has_activity' ? (
        <div className="constraint">
          <SelectField
            label="Activity"
            value={f.activityType ?? ''}
            onChange={(v) => p.onChange({ ...f, activityType: v })}
            options={TRIGGER_TYPES.map((x) => ({ value: x, label: TRIGGER_LABELS[x] ?? x }))}
            problems={problemsAt(p.problems, `${path}.activityType`)}
          />
          <TextField label="Within days" type="number" min={1} max={3650} value={shown(f.withinDays)} onChange={(v) => p.onChange({ ...f, withinDays: Number(v) })} problems={problemsAt(p.problems, `${path}.withinDays`)} />
          <TextField label="At least (times)" type="number" min={1} value={shown(f.minCount)} onChange={(v) => p.onChange({ ...f, minCount: Number(v) })} problems={problemsAt(p.problems, `${path}.minCount`)} />
        </div>
      ) : null}
    </Row>
  );
}

function StepEditor(p: { index: number; step: Step; count: number; refs: Refs | null; problems: Problem[]; onChange(s: Step): void; onMove(delta: number): void; onRemove(): void }) {
  const path = `flow.${p.index}`;
  const s = p.step;
  const at = (field: string) => problemsAt(p.problems, `${path}.${field}`);
  const defaults: Record<string, Step> = {
    give_credit_to_referrer: { type: 'give_credit_to_referrer', offerId: '' },
    send_email: { type: 'send_email', emailId: '' },
    send_fulfillment_email: { type: 'send_fulfillment_email', offerId: '' },
    change_data_value: { type: 'change_data_value', field: 'company', value: '' },
    add_to_list: { type: 'add_to_list', listId: '' },
    remove_from_list: { type: 'remove_from_list', listId: '' },
    wait: { type: 'wait', minutes: 60 },
    call_webhook: { type: 'call_webhook', url: '', secret: '' },
    send_alert: { type: 'send_alert', to: '', message: '' },
  };
  const isCustomField = s.type === 'change_data_value' && !(WRITABLE_PERSON_FIELDS as readonly string[]).includes(s.field ?? '');
  const emails: Option[] = [
    { value: '', label: 'Choose an approved email…' },
    ...(p.refs?.emails ?? []).filter((e) => e.approved || e.id === s.emailId).map((e) => ({ value: e.id, label: `${e.name}${e.approved ? '' : ' (not approved)'}` })),
  ];
  const lists: Option[] = [{ value: '', label: 'Choose a list…' }, ...(p.refs?.lists ?? []).map((l) => ({ value: l.id, label: l.name }))];
  return (
    <div className="rule-card">
      <div className="rule-head">
        <span className="rule-title">Step {p.index + 1}</span>
        <span className="rule-tools">
          <button type="button" className="btn btn-small btn-quiet" disabled={p.index === 0} onClick={() => p.onMove(-1)} aria-label={`Move step ${p.index + 1} up`}>
            ↑
          </button>
          <button type="button" className="btn btn-small btn-quiet" disabled={p.index === p.count - 1} onClick={() => p.onMove(1)} aria-label={`Move step ${p.index + 1} down`}>
            ↓
          </button>
          <button type="button" className="btn btn-small btn-quiet" onClick={p.onRemove} aria-label={`Remove step ${p.index + 1}`}>
            Remove
          </button>
        </span>
      </div>
      <div className="rule-body">
        <SelectField id={`f-${path}.type`} label="Flow step" value={s.type} onChange={(v) => p.onChange(defaults[v] ?? { type: v })} options={STEP_TYPES.map((x) => ({ value: x, label: STEP_LABELS[x] ?? x }))} problems={at('type')} />
        {s.type === 'give_credit_to_referrer' || s.type === 'send_fulfillment_email' ? (
          <SelectField
            id={`f-${path}.offerId`}
            label="Referral offer"
            value={s.offerId ?? ''}
            onChange={(v) => p.onChange({ ...s, offerId: v })}
            options={offerOptions(p.refs, s.offerId)}
            problems={at('offerId')}
            hint={s.type === 'give_credit_to_referrer' ? 'The offer’s goal type must be Smart List Trigger: the person’s referrer on that offer gets one credit.' : undefined}
          />
        ) : null}
        {s.type === 'send_email' ? <SelectField id={`f-${path}.emailId`} label="Email" value={s.emailId ?? ''} onChange={(v) => p.onChange({ ...s, emailId: v })} options={emails} problems={at('emailId')} /> : null}
        {s.type === 'change_data_value' ? (
          <div className="constraint">
            <SelectField
              label="Field"
              value={isCustomField ? CUSTOM : (s.field ?? '')}
              onChange={(v) => p.onChange({ ...s, field: v === CUSTOM ? 'fields.' : v })}
              options={[...WRITABLE_PERSON_FIELDS.map((x) => ({ value: x, label: humanize(x) })), { value: CUSTOM, label: 'Custom field…' }]}
              problems={at('field')}
            />
            {isCustomField ? <TextField label="Custom field name" value={(s.field ?? '').replace(/^fields\./, '')} onChange={(v) => p.onChange({ ...s, field: `fields.${v}` })} /> : null}
            <TextField label="New value" value={s.value ?? ''} onChange={(v) => p.onChange({ ...s, value: v })} problems={at('value')} hint={s.field === 'consent' ? 'subscribed or unsubscribed' : 'Empty text clears nothing; use a value.'} />
          </div>
        ) : null}
        {s.type === 'add_to_list' || s.type === 'remove_from_list' ? <SelectField label="List" value={s.listId ?? ''} onChange={(v) => p.onChange({ ...s, listId: v })} options={lists} problems={at('listId')} /> : null}
        {s.type === 'wait' ? (
          <TextField label="Minutes" type="number" min={1} max={525600} value={shown(s.minutes)} onChange={(v) => p.onChange({ ...s, minutes: Number(v) })} problems={at('minutes')} hint="e.g. 60 for an hour, 1440 for a day." />
        ) : null}
        {s.type === 'call_webhook' ? (
          <div className="constraint">
            <TextField label="URL" type="url" value={s.url ?? ''} onChange={(v) => p.onChange({ ...s, url: v })} problems={at('url')} placeholder="https://example.com/hooks/goalpost" />
            <TextField label="Signing secret" value={s.secret ?? ''} onChange={(v) => p.onChange({ ...s, secret: v })} problems={at('secret')} placeholder="whsec_…" hint="Standard Webhooks: whsec_ followed by base64." />
          </div>
        ) : null}
        {s.type === 'send_alert' ? (
          <div className="constraint">
            <TextField label="Send to" type="email" value={s.to ?? ''} onChange={(v) => p.onChange({ ...s, to: v })} problems={at('to')} />
            <TextField label="Message" value={s.message ?? ''} onChange={(v) => p.onChange({ ...s, message: v })} problems={at('message')} />
          </div>
        ) : null}
      </div>
    </div>
  );
}

function Runs({ campaign }: { campaign: Campaign }) {
  const paged = usePaged((cursor, signal) => get<Page<CampaignRun>>(`/campaigns/${campaign.id}/runs${qs({ limit: 25, cursor })}`, signal), [campaign.id]);
  return <RunTable paged={paged} emptyText={campaign.status === 'active' ? 'No runs yet: the campaign runs when an activity fires one of its triggers.' : 'No runs yet. Activate the campaign: it runs when an activity fires one of its triggers.'} showPerson />;
}

export function RunTable({ paged, emptyText, showPerson }: { paged: Paged<CampaignRun>; emptyText: string; showPerson?: boolean }) {
  return (
    <>
      <ErrorNotice error={paged.error} />
      {paged.loading && paged.items.length === 0 ? <Loading /> : null}
      {!paged.loading && !paged.error && paged.items.length === 0 ? <EmptyState title={emptyText} /> : null}
      {paged.items.length > 0 ? (
        <TableWrap label="Campaign runs">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Started</th>
                {showPerson ? <th scope="col">Person</th> : <th scope="col">Campaign</th>}
                <th scope="col">Status</th>
                <th scope="col">Steps</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {paged.items.map((r) => (
                <tr key={r.id}>
                  <td>{formatDateTime(r.createdAt)}</td>
                  <td>{showPerson ? <Link to={`/people/${r.personId}`}>{r.personId}</Link> : <Link to={`/campaigns/${r.campaignId}/runs`}>{r.campaignId}</Link>}</td>
                  <td>
                    <Badge tone={r.status === 'done' || r.status === 'completed' ? 'approved' : r.status === 'failed' ? 'archived' : 'pending'}>{humanize(r.status)}</Badge>
                    {r.detail ? <div className="muted small">{r.detail}</div> : null}
                    {r.attempts > 1 ? <div className="muted small">{r.attempts} attempts</div> : null}
                  </td>
                  <td>
                    {r.steps.length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      <ol className="compact">
                        {r.steps.map((s) => (
                          <li key={s.index}>
                            {STEP_LABELS[s.type] ?? s.type}: {humanize(s.status)}
                            {s.result && typeof s.result === 'object' && Object.keys(s.result).length > 0 ? <span className="muted small mono"> {JSON.stringify(s.result).slice(0, 120)}</span> : null}
                          </li>
                        ))}
                      </ol>
                    )}
                  </td>
                  <td>{formatDateTime(r.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <Pager paged={paged} label="Runs" />
    </>
  );
}
