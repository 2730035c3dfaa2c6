/** The sections of App Settings, following the spec: Offer Details, Advanced Options, Sign-Up Flow, Sharing, Track Progress, Texts. */
import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { CAPTURE_FIELDS, GOAL_TYPES, SHARE_CHANNELS } from '../../../../src/domain/offers/settings.js';
import type { CaptureField, ShareChannel } from '../../../../src/domain/offers/settings.js';
import { DEFAULT_TEXTS, resolveLocale, SUPPORTED_LOCALES, TEXT_KEYS } from '../../../../src/domain/messages/default-texts.js';
import type { TextKey } from '../../../../src/domain/messages/default-texts.js';
import { api, errorMessage, post } from '../api.js';
import type { Problem } from '../api.js';
import { GOAL_HINTS, GOAL_LABELS, humanize } from '../format.js';
import { Link } from '../router.js';
import type { Email, Offer, OfferSettings, PromoUploadReport } from '../types.js';
import { CheckboxField, FieldProblems, Notice, problemsAt, RadioGroup, SelectField, TextField } from '../ui.js';

export type SectionKey = 'details' | 'advanced' | 'signup' | 'sharing' | 'progress' | 'texts';

export const SECTIONS: { key: SectionKey; label: string; paths: (keyof OfferSettings)[] }[] = [
  { key: 'details', label: 'Offer Details', paths: ['name', 'description', 'program', 'goal', 'customEvents', 'attributionWindowDays', 'emails', 'fulfillmentDelivery', 'promoCodes'] },
  { key: 'advanced', label: 'Advanced Options', paths: ['rulesUrl', 'privacyPolicy', 'shareTarget'] },
  { key: 'signup', label: 'Sign-Up Flow', paths: ['signupFlow'] },
  { key: 'sharing', label: 'Sharing', paths: ['sharing'] },
  { key: 'progress', label: 'Track Progress', paths: ['trackProgress'] },
  { key: 'texts', label: 'Texts and Style', paths: ['locale', 'followBrowserLanguage', 'texts', 'style'] },
];

export function sectionOf(path: string): SectionKey {
  const top = path.split('.')[0]!;
  return SECTIONS.find((s) => (s.paths as string[]).includes(top))?.key ?? 'details';
}

export const CHANNEL_LABELS: Record<ShareChannel, string> = {
  email: 'Email',
  copy_link: 'Copy link',
  facebook: 'Facebook',
  x: 'X (Twitter)',
  linkedin: 'LinkedIn',
  whatsapp: 'WhatsApp',
  reddit: 'Reddit',
};

export const FIELD_LABELS: Record<CaptureField, string> = {
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  company: 'Company',
  phone: 'Phone',
};

const LOCALE_LABELS: Record<string, string> = { en: 'English (en)', fr: 'French (fr)', sv: 'Swedish (sv)', 'zh-CN': 'Simplified Chinese (zh-CN)' };

interface SectionProps {
  section: SectionKey;
  offer: Offer;
  settings: OfferSettings;
  readOnly: boolean;
  problems: Problem[];
  change(path: string, fn: (s: OfferSettings) => void): void;
  emails: Email[];
  reloadEmails(): void;
  canWrite: boolean;
}

function Group({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="group" aria-labelledby={id ? `${id}-title` : undefined}>
      <h3 id={id ? `${id}-title` : undefined}>{title}</h3>
      {children}
    </section>
  );
}

export function SectionForm(p: SectionProps) {
  const title = SECTIONS.find((s) => s.key === p.section)!.label;
  return (
    <div className="section-body">
      <h2>{title}</h2>
      {/* A disabled fieldset makes every control of a read-only version unchangeable at once. */}
      <fieldset className="plain" disabled={p.readOnly}>
        <legend className="sr-only">{title}</legend>
        {p.section === 'details' ? <OfferDetails {...p} /> : null}
        {p.section === 'advanced' ? <AdvancedOptions {...p} /> : null}
        {p.section === 'signup' ? <SignupFlow {...p} /> : null}
        {p.section === 'sharing' ? <Sharing {...p} /> : null}
        {p.section === 'progress' ? <TrackProgress {...p} /> : null}
        {p.section === 'texts' ? <Texts {...p} /> : null}
      </fieldset>
      {p.section === 'details' ? <PromoCodeUpload offer={p.offer} canWrite={p.canWrite} /> : null}
    </div>
  );
}

function OfferDetails({ settings: s, problems, change, emails, reloadEmails, readOnly }: SectionProps) {
  const goalType = s.goal.type ?? '';
  return (
    <>
      <Group title="Settings" id="settings">
        <TextField id="f-name" label="Offer name" value={s.name} onChange={(v) => change('name', (d) => void (d.name = v))} problems={problemsAt(problems, 'name')} required maxLength={200} />
        <TextField
          id="f-description"
          label="Description"
          multiline
          rows={3}
          value={s.description}
          onChange={(v) => change('description', (d) => void (d.description = v))}
          problems={problemsAt(problems, 'description')}
          hint="Shown on the hosted page above the widget."
        />
        <TextField
          id="f-program"
          label="Program"
          value={s.program ?? ''}
          onChange={(v) => change('program', (d) => void (d.program = v === '' ? null : v))}
          problems={problemsAt(problems, 'program')}
          hint="Optional: the program or folder this offer belongs to."
        />
        <div className="goal-box">
          <SelectField
            id="f-goal.type"
            label="Fulfillment Goal"
            value={goalType}
            onChange={(v) => change('goal.type', (d) => void (d.goal.type = v === '' ? null : (v as OfferSettings['goal']['type'])))}
            options={[{ value: '', label: 'Choose what earns credit…' }, ...GOAL_TYPES.map((t) => ({ value: t, label: GOAL_LABELS[t]! }))]}
            problems={problemsAt(problems, 'goal.type')}
            hint={
              <>
                {goalType ? GOAL_HINTS[goalType] : 'What a friend of a participant must do to earn the participant one credit.'} Using the <strong>Give Credit to Referrer</strong> flow
                step of a smart campaign? Choose <strong>Smart List Trigger</strong>.
              </>
            }
            required
          />
          <TextField
            id="f-goal.count"
            label="Goal count"
            type="number"
            min={1}
            max={1000000}
            value={Number.isFinite(s.goal.count) ? String(s.goal.count) : ''}
            onChange={(v) => change('goal.count', (d) => void (d.goal.count = v === '' ? Number.NaN : Number(v)))}
            problems={problemsAt(problems, 'goal.count')}
            hint={goalType ? `A participant is fulfilled at ${Number.isFinite(s.goal.count) ? s.goal.count : '…'} × ${GOAL_LABELS[goalType]}.` : 'How many credits fulfil a participant, e.g. 5.'}
            required
          />
        </div>
        {goalType === 'custom_js_event' ? (
          <CheckboxField
            id="f-customEvents.countEvery"
            label="Count every event (not once per friend)"
            checked={s.customEvents.countEvery}
            onChange={(v) => change('customEvents', (d) => void (d.customEvents.countEvery = v))}
            hint="Each call of the conversion function counts; a retried call with the same idempotency key never counts twice."
          />
        ) : null}
        <TextField
          id="f-attributionWindowDays"
          label="Attribution window (days)"
          type="number"
          min={1}
          max={365}
          value={Number.isFinite(s.attributionWindowDays) ? String(s.attributionWindowDays) : ''}
          onChange={(v) => change('attributionWindowDays', (d) => void (d.attributionWindowDays = v === '' ? Number.NaN : Number(v)))}
          problems={problemsAt(problems, 'attributionWindowDays')}
          hint="How long a friend stays tied to the first participant whose link they followed (1 to 365)."
        />
      </Group>

      <Group title="Emails" id="emails">
        <EmailPicker slot="signup" label="Sign-up email" required settings={s} problems={problems} change={change} emails={emails} hint="Sent when a person signs up, with their share link." />
        <EmailPicker
          slot="fulfillment"
          label="Fulfillment email"
          required
          settings={s}
          problems={problems}
          change={change}
          emails={emails}
          hint="Sent when a participant reaches the goal (with the promo code when promo codes are on)."
        />
        <EmailPicker slot="reshare" label="Re-share email" settings={s} problems={problems} change={change} emails={emails} hint="Optional: what friends receive when a participant invites them by email from the widget (our template otherwise)." />
        {!readOnly ? <TemplateEmailButtons settings={s} change={change} reloadEmails={reloadEmails} /> : null}
      </Group>

      <Group title="Fulfillment Delivery" id="delivery">
        <RadioGroup
          id="f-fulfillmentDelivery"
          legend="When the fulfillment email goes out"
          value={s.fulfillmentDelivery}
          onChange={(v) => change('fulfillmentDelivery', (d) => void (d.fulfillmentDelivery = v as OfferSettings['fulfillmentDelivery']))}
          options={[
            { value: 'automatic', label: 'Automatic', hint: 'the moment a participant meets the goal.' },
            { value: 'manual', label: 'Manual', hint: 'you select fulfilled participants on the Participants tab and send it.' },
          ]}
          problems={problemsAt(problems, 'fulfillmentDelivery')}
        />
      </Group>

      <Group title="Promo Codes" id="promo">
        <CheckboxField
          id="f-promoCodes.enabled"
          label="Give each fulfilled participant a promo code"
          checked={s.promoCodes.enabled}
          onChange={(v) => change('promoCodes', (d) => void (d.promoCodes.enabled = v))}
          problems={problemsAt(problems, 'promoCodes')}
          hint="The fulfillment email must contain the {{social.Promo Code}} token. Upload the pool below."
        />
      </Group>
    </>
  );
}

function EmailPicker(p: {
  slot: 'signup' | 'fulfillment' | 'reshare';
  label: string;
  required?: boolean;
  hint: string;
  settings: OfferSettings;
  problems: Problem[];
  change: SectionProps['change'];
  emails: Email[];
}) {
  const current = p.settings.emails[p.slot];
  const options = p.emails
    .filter((e) => e.approved !== null || e.id === current)
    .map((e) => ({ value: e.id, label: `${e.name}${e.approved ? '' : ' (not approved)'}` }));
  if (current && !options.some((o) => o.value === current)) options.push({ value: current, label: `${current} (unknown)` });
  return (
    <SelectField
      id={`f-emails.${p.slot}`}
      label={p.label}
      value={current ?? ''}
      onChange={(v) => p.change(`emails.${p.slot}`, (d) => void (d.emails[p.slot] = v === '' ? null : v))}
      options={[{ value: '', label: p.required ? 'Choose an approved email…' : 'None (our default template)' }, ...options]}
      problems={problemsAt(p.problems, `emails.${p.slot}`)}
      hint={
        <>
          {p.hint} Only approved emails are listed: <Link to="/emails">manage emails</Link>.
        </>
      }
      required={p.required}
    />
  );
}

function TemplateEmailButtons({ settings, change, reloadEmails }: { settings: OfferSettings; change: SectionProps['change']; reloadEmails(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const missing = (['signup', 'fulfillment'] as const).filter((slot) => !settings.emails[slot]);
  if (missing.length === 0) return null;
  const locale = resolveLocale(settings.locale) ?? 'en';
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      for (const slot of missing) {
        const email = await post<Email>('/emails/defaults', { kind: slot, locale });
        await post<Email>(`/emails/${email.id}/approve`);
        change(`emails.${slot}`, (d) => void (d.emails[slot] = email.id));
      }
      reloadEmails();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="inline-help">
      <p className="hint">No email yet? Start from our templates (English, French, Swedish and Simplified Chinese in one email); you can edit them later under Emails.</p>
      <button type="button" className="btn btn-small" disabled={busy} onClick={() => void create()}>
        Create and approve our default {missing.map((m) => (m === 'signup' ? 'sign-up' : 'fulfillment')).join(' and ')} email
      </button>
      {error ? <Notice kind="error">{error}</Notice> : null}
    </div>
  );
}

function PromoCodeUpload({ offer, canWrite }: { offer: Offer; canWrite: boolean }) {
  const [text, setText] = useState('');
  const [report, setReport] = useState<PromoUploadReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!canWrite) return null;
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '').length;
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      setReport(await api<PromoUploadReport>('POST', `/offers/${offer.id}/promo-codes`, undefined, { text }));
      setText('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="group" aria-labelledby="upload-title">
      <h3 id="upload-title">Upload promo codes</h3>
      <p className="hint">
        One code per line, plain text. Spaces around a code are trimmed, empty lines and duplicates are dropped, codes with inner spaces are rejected. Codes go to the pool at once
        (no approval needed); participants waiting for a code get theirs, and their email, as soon as codes arrive.
      </p>
      <TextField id="promo-codes-text" label="Codes (one per line)" multiline rows={5} mono value={text} onChange={setText} />
      <div className="row">
        <label className="btn btn-small file-button">
          Choose a .txt or .csv file…
          <input
            type="file"
            accept=".txt,.csv,text/plain"
            className="sr-only"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void file.text().then(setText);
              e.target.value = '';
            }}
          />
        </label>
        <button type="button" className="btn btn-primary btn-small" disabled={busy || lines === 0} onClick={() => void send()}>
          Upload {lines > 0 ? `${lines} line${lines === 1 ? '' : 's'}` : 'codes'}
        </button>
      </div>
      {error ? <Notice kind="error">{error}</Notice> : null}
      {report ? (
        <div className="upload-report" role="status" aria-label="Upload report">
          <p className="notice-title">Upload report</p>
          <dl className="stats">
            <div>
              <dt>Accepted</dt>
              <dd data-testid="promo-accepted">{report.accepted}</dd>
            </div>
            <div>
              <dt>Trimmed</dt>
              <dd data-testid="promo-trimmed">{report.trimmed}</dd>
            </div>
            <div>
              <dt>Duplicates</dt>
              <dd data-testid="promo-duplicates">{report.duplicates}</dd>
            </div>
            <div>
              <dt>Rejected</dt>
              <dd data-testid="promo-rejected">{report.rejected}</dd>
            </div>
            <div>
              <dt>Available in pool</dt>
              <dd data-testid="promo-available">{report.available}</dd>
            </div>
            <div>
              <dt>Released to waiting participants</dt>
              <dd>{report.released}</dd>
            </div>
          </dl>
          {report.rejectedLines.length > 0 ? (
            <>
              <p>Rejected lines:</p>
              <ul className="compact">
                {report.rejectedLines.slice(0, 20).map((r) => (
                  <li key={r.line}>
                    Line {r.line}: {r.reason}
                  </li>
                ))}
                {report.rejectedLines.length > 20 ? <li>and {report.rejectedLines.length - 20} more</li> : null}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function AdvancedOptions({ offer, settings: s, problems, change }: SectionProps) {
  return (
    <>
      <Group title="Rules and privacy" id="rules">
        <TextField
          id="f-rulesUrl"
          label="Rules URL"
          type="url"
          value={s.rulesUrl ?? ''}
          onChange={(v) => change('rulesUrl', (d) => void (d.rulesUrl = v === '' ? null : v))}
          problems={problemsAt(problems, 'rulesUrl')}
          placeholder="https://example.com/referral-rules"
          hint="The terms of the offer; the widget links to them. Required for approval."
          required
        />
        <CheckboxField
          id="f-privacyPolicy"
          label="Link a privacy policy"
          checked={s.privacyPolicy !== null}
          onChange={(v) => change('privacyPolicy', (d) => void (d.privacyPolicy = v ? { title: 'Privacy policy', url: '' } : null))}
        />
        {s.privacyPolicy ? (
          <div className="indent">
            <TextField
              id="f-privacyPolicy.title"
              label="Privacy policy link title"
              value={s.privacyPolicy.title}
              onChange={(v) => change('privacyPolicy.title', (d) => void (d.privacyPolicy!.title = v))}
              problems={problemsAt(problems, 'privacyPolicy.title')}
            />
            <TextField
              id="f-privacyPolicy.url"
              label="Privacy policy URL"
              type="url"
              value={s.privacyPolicy.url}
              onChange={(v) => change('privacyPolicy.url', (d) => void (d.privacyPolicy!.url = v))}
              problems={problemsAt(problems, 'privacyPolicy.url')}
              placeholder="https://example.com/privacy"
            />
          </div>
        ) : null}
      </Group>
      <Group title="Share URL target" id="target">
        <RadioGroup
          id="f-shareTarget.type"
          legend="Where a friend lands after following a share link"
          value={s.shareTarget.type}
          onChange={(v) => change('shareTarget.type', (d) => void (d.shareTarget.type = v as OfferSettings['shareTarget']['type']))}
          options={[
            { value: 'referring_page', label: 'The referring page', hint: 'the page where the participant signed up.' },
            { value: 'landing_page', label: 'Our hosted landing page', hint: `${window.location.origin}/o/${offer.id}` },
            { value: 'external_url', label: 'Another URL', hint: 'a page of your choice.' },
          ]}
          problems={problemsAt(problems, 'shareTarget.type')}
        />
        {s.shareTarget.type === 'external_url' ? (
          <TextField
            id="f-shareTarget.url"
            label="Target URL"
            type="url"
            value={s.shareTarget.url ?? ''}
            onChange={(v) => change('shareTarget.url', (d) => void (d.shareTarget.url = v === '' ? null : v))}
            problems={problemsAt(problems, 'shareTarget.url')}
            placeholder="https://example.com/join"
            required
          />
        ) : null}
      </Group>
    </>
  );
}

function SignupFlow({ settings: s, problems, change }: SectionProps) {
  const asked = new Map(s.signupFlow.fields.map((f) => [f.name, f.required]));
  const rows = [...s.signupFlow.fields.map((f) => f.name), ...CAPTURE_FIELDS.filter((f) => !asked.has(f))];
  const setField = (name: CaptureField, ask: boolean, required: boolean) =>
    change('signupFlow.fields', (d) => {
      const fields = d.signupFlow.fields.filter((f) => f.name !== name);
      if (ask) {
        const at = d.signupFlow.fields.findIndex((f) => f.name === name);
        fields.splice(at === -1 ? fields.length : at, 0, { name, required });
      }
      d.signupFlow.fields = fields;
    });
  const fieldProblems = problemsAt(problems, 'signupFlow.fields');
  return (
    <>
      <Group title="Order" id="order">
        <RadioGroup
          id="f-signupFlow.order"
          legend="Sign-up order"
          value={s.signupFlow.order}
          onChange={(v) => change('signupFlow.order', (d) => void (d.signupFlow.order = v as OfferSettings['signupFlow']['order']))}
          options={[
            { value: 'capture_then_share', label: 'Capture, then share', hint: 'the person gives their details first and may skip sharing.' },
            { value: 'share_then_capture', label: 'Share, then capture', hint: 'the person must share to finish signing up.' },
          ]}
          problems={problemsAt(problems, 'signupFlow.order')}
        />
      </Group>
      <Group title="Person capture" id="capture">
        <p className="hint">Which fields the form asks. Fields already known for a person are not asked again. Email is always asked and required.</p>
        <table className="table table-compact" id="f-signupFlow.fields" tabIndex={-1} aria-describedby={fieldProblems.length ? 'signup-fields-problem' : undefined}>
          <caption className="sr-only">Fields asked at sign-up</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Ask</th>
              <th scope="col">Required</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((name) => {
              const isAsked = asked.has(name);
              const isEmail = name === 'email';
              return (
                <tr key={name}>
                  <th scope="row">{FIELD_LABELS[name]}</th>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Ask ${FIELD_LABELS[name]}`}
                      checked={isAsked}
                      disabled={isEmail && isAsked && asked.get('email') === true}
                      onChange={(e) => setField(name, e.target.checked, isEmail || (asked.get(name) ?? false))}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${FIELD_LABELS[name]} is required`}
                      checked={asked.get(name) ?? false}
                      disabled={!isAsked || (isEmail && asked.get('email') === true)}
                      onChange={(e) => setField(name, true, e.target.checked)}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <FieldProblems id="signup-fields-problem" problems={fieldProblems} />
      </Group>
      <Group title="Marketing consent" id="consent">
        <RadioGroup
          id="f-signupFlow.consent"
          legend="Consent mode"
          value={s.signupFlow.consent}
          onChange={(v) => change('signupFlow.consent', (d) => void (d.signupFlow.consent = v as OfferSettings['signupFlow']['consent']))}
          options={[
            { value: 'opt_out', label: 'Opt-out', hint: 'subscribed unless the person ticks “Don’t email me”.' },
            { value: 'opt_in', label: 'Opt-in', hint: 'subscribed only when the person ticks “Email me”.' },
          ]}
          problems={problemsAt(problems, 'signupFlow.consent')}
        />
      </Group>
    </>
  );
}

function Sharing({ settings: s, problems, change }: SectionProps) {
  const channelProblems = problemsAt(problems, 'sharing.channels');
  return (
    <>
      <Group title="Channels" id="channels">
        <fieldset className="checks" id="f-sharing.channels" aria-describedby={channelProblems.length ? 'channels-problem' : undefined}>
          <legend>Channels offered to participants</legend>
          {SHARE_CHANNELS.map((c) => (
            <label key={c} className="check">
              <input
                type="checkbox"
                checked={s.sharing.channels.includes(c)}
                onChange={(e) =>
                  change('sharing.channels', (d) => {
                    d.sharing.channels = e.target.checked ? SHARE_CHANNELS.filter((x) => x === c || d.sharing.channels.includes(x)) : d.sharing.channels.filter((x) => x !== c);
                  })
                }
              />{' '}
              {CHANNEL_LABELS[c]}
            </label>
          ))}
          <FieldProblems id="channels-problem" problems={channelProblems} />
        </fieldset>
      </Group>
      <Group title="Messages" id="messages">
        <p className="hint">
          What a participant’s post says on each network. <code>{'{html_title}'}</code> becomes the title of the page hosting the offer; the share URL is always appended.
        </p>
        {s.sharing.channels.filter((c) => c !== 'copy_link').length === 0 ? <p className="muted">Enable a channel above to write its message.</p> : null}
        {s.sharing.channels
          .filter((c) => c !== 'copy_link')
          .map((c) => (
            <TextField
              key={c}
              id={`f-sharing.messages.${c}`}
              label={`${CHANNEL_LABELS[c]} message`}
              multiline
              rows={2}
              value={s.sharing.messages[c] ?? ''}
              onChange={(v) => change(`sharing.messages.${c}`, (d) => void (d.sharing.messages[c] = v))}
              problems={problemsAt(problems, `sharing.messages.${c}`)}
              placeholder={c === 'email' ? 'Our default invitation text' : 'Our default message'}
              maxLength={1000}
            />
          ))}
      </Group>
    </>
  );
}

function TrackProgress({ settings: s, problems, change }: SectionProps) {
  return (
    <Group title="Track progress" id="progress">
      <CheckboxField
        id="f-trackProgress.enabled"
        label="Let participants come back and see their progress"
        checked={s.trackProgress.enabled}
        onChange={(v) => change('trackProgress', (d) => void (d.trackProgress.enabled = v))}
        problems={problemsAt(problems, 'trackProgress')}
        hint="The widget remembers the participant and shows their credit, the goal and what to do next. In another browser, “Email me my link” sends a one-time link that restores it."
      />
    </Group>
  );
}

function Texts({ settings: s, problems, change }: SectionProps) {
  const locales = useMemo(() => [...new Set<string>([...SUPPORTED_LOCALES, s.locale, ...Object.keys(s.texts)])], [s.locale, s.texts]);
  const [editing, setEditing] = useState(s.locale);
  const [filter, setFilter] = useState('');
  const defaults = DEFAULT_TEXTS[resolveLocale(editing) ?? 'en'];
  const overrides = s.texts[editing] ?? {};
  const keys = TEXT_KEYS.filter((k) => {
    const f = filter.trim().toLowerCase();
    return !f || k.toLowerCase().includes(f) || humanize(k).toLowerCase().includes(f) || (overrides[k] ?? defaults[k]).toLowerCase().includes(f);
  });
  const textProblems = problems.filter((p) => p.path.startsWith('texts.'));
  return (
    <>
      <Group title="Language" id="language">
        <SelectField
          id="f-locale"
          label="Offer language"
          value={s.locale}
          onChange={(v) => change('locale', (d) => void (d.locale = v))}
          options={locales.map((l) => ({ value: l, label: LOCALE_LABELS[l] ?? l }))}
          problems={problemsAt(problems, 'locale')}
          hint="The widget, the hosted page and the emails speak this language."
        />
        <CheckboxField
          id="f-followBrowserLanguage"
          label="Follow the visitor’s browser language when we have it"
          checked={s.followBrowserLanguage}
          onChange={(v) => change('followBrowserLanguage', (d) => void (d.followBrowserLanguage = v))}
        />
      </Group>
      <Group title="Style" id="style">
        <div className="row row-wrap">
          <TextField id="f-style.buttonColor" label="Button colour" type="color" value={s.style.buttonColor} onChange={(v) => change('style.buttonColor', (d) => void (d.style.buttonColor = v))} problems={problemsAt(problems, 'style.buttonColor')} />
          <TextField id="f-style.buttonTextColor" label="Button text colour" type="color" value={s.style.buttonTextColor} onChange={(v) => change('style.buttonTextColor', (d) => void (d.style.buttonTextColor = v))} problems={problemsAt(problems, 'style.buttonTextColor')} />
          <SelectField
            id="f-style.counterPosition"
            label="Share counter"
            value={s.style.counterPosition}
            onChange={(v) => change('style.counterPosition', (d) => void (d.style.counterPosition = v as OfferSettings['style']['counterPosition']))}
            options={[
              { value: 'none', label: 'Hidden' },
              { value: 'top', label: 'Above the share buttons' },
              { value: 'bottom', label: 'Below the share buttons' },
            ]}
          />
        </div>
      </Group>
      <Group title="Texts per language" id="texts">
        <div id="f-texts" tabIndex={-1}>
          {textProblems.length > 0 ? <Notice kind="error">{textProblems.map((p) => p.message).join(' ')}</Notice> : null}
        </div>
        <p className="hint">Every participant-facing text. Leave a field empty to use our default (shown greyed). Defaults exist in English, French, Swedish and Simplified Chinese.</p>
        <div className="row row-wrap">
          <SelectField label="Language to edit" value={editing} onChange={setEditing} options={locales.map((l) => ({ value: l, label: LOCALE_LABELS[l] ?? l }))} />
          <TextField label="Find a text" type="search" value={filter} onChange={setFilter} placeholder="e.g. button" />
        </div>
        <div className="texts-grid">
          {keys.map((k: TextKey) => (
            <TextField
              key={`${editing}-${k}`}
              id={`f-texts.${editing}.${k}`}
              label={humanize(k)}
              value={overrides[k] ?? ''}
              placeholder={defaults[k]}
              multiline={defaults[k].length > 60}
              rows={2}
              maxLength={2000}
              onChange={(v) =>
                change(`texts.${editing}`, (d) => {
                  const next = { ...(d.texts[editing] ?? {}) };
                  if (v === '') delete next[k];
                  else next[k] = v;
                  d.texts[editing] = next;
                })
              }
            />
          ))}
          {keys.length === 0 ? <p className="muted">No text matches “{filter}”.</p> : null}
        </div>
      </Group>
    </>
  );
}
