import { useEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { KNOWN_TOKENS, renderTemplate } from '../../../../src/domain/messages/tokens.js';
import type { TokenValues } from '../../../../src/domain/messages/tokens.js';
import { ApiError, del, errorMessage, get, patch, post, qs } from '../api.js';
import type { Page, Problem } from '../api.js';
import { formatDateTime } from '../format.js';
import { Link, navigate } from '../router.js';
import { usePermissions } from '../session.js';
import type { Email, EmailContent } from '../types.js';
import { Badge, ConfirmDialog, Dialog, EmptyState, ErrorNotice, Loading, Notice, PageHeader, Pager, problemsAt, SelectField, TableWrap, TextField, useLoad, usePaged } from '../ui.js';

const SAMPLE: TokenValues = {
  'social.Share Url': 'https://goalpost.example.com/r/AbC123',
  'social.Promo Code': 'SPRING-2026-7QX',
  'social.Progress Url': 'https://goalpost.example.com/o/off_example#r=restore',
  'social.Referrer Name': 'Ann Example',
  'social.Credit': '3',
  'social.Goal': '5',
  'offer.Name': 'Refer 5 friends',
  'lead.First Name': 'Robin',
  'lead.Last Name': 'Doe',
  'lead.Email Address': 'robin@example.com',
  'lead.Company': 'Acme',
};

const TOKEN_HELP: Record<string, string> = {
  'social.Share Url': 'the participant’s personal share link',
  'social.Promo Code': 'the promo code given at fulfilment (fulfillment email)',
  'social.Progress Url': 'a link back to the participant’s progress',
  'social.Referrer Name': 'the name of the participant who invited the friend (re-share email)',
  'social.Credit': 'credit earned so far',
  'social.Goal': 'the goal count',
  'offer.Name': 'the offer’s name',
  'lead.First Name': 'the recipient’s first name',
  'lead.Last Name': 'the recipient’s last name',
  'lead.Email Address': 'the recipient’s email address',
  'lead.Company': 'the recipient’s company',
};

const KINDS = [
  { value: 'signup', label: 'Sign-up (welcome, with the share link)' },
  { value: 'fulfillment', label: 'Fulfillment (goal met, with the promo code)' },
  { value: 'reshare', label: 'Re-share (a participant invites a friend)' },
  { value: 'progressLink', label: 'Progress link (“email me my link”)' },
];

export function EmailStatus({ email }: { email: Email }) {
  return (
    <span className="badges">
      {email.approved ? <Badge tone="approved">Approved</Badge> : <Badge tone="draft">Draft</Badge>}
      {email.approved && email.draft ? <Badge tone="pending">Draft changes</Badge> : null}
    </span>
  );
}

export function EmailsList() {
  const { canWrite } = usePermissions();
  const paged = usePaged((cursor, signal) => get<Page<Email>>(`/emails${qs({ limit: 20, cursor })}`, signal), []);
  const [dialog, setDialog] = useState(false);
  return (
    <>
      <PageHeader
        title="Emails"
        crumbs={[{ label: 'Marketing Activities' }, { label: 'Emails' }]}
        actions={
          canWrite ? (
            <button type="button" className="btn btn-primary" onClick={() => setDialog(true)}>
              New email
            </button>
          ) : null
        }
      >
        <p className="lead">Offers and campaign flows can only use approved emails. Edit a draft, check its preview, then approve it.</p>
      </PageHeader>
      <ErrorNotice error={paged.error} />
      {paged.loading && paged.items.length === 0 ? <Loading /> : null}
      {!paged.loading && !paged.error && paged.items.length === 0 ? (
        <EmptyState title="No emails yet.">
          <p>
            Click <strong>New email</strong> and start from our sign-up or fulfillment template (in English, French, Swedish and Simplified Chinese), or write your own.
          </p>
        </EmptyState>
      ) : null}
      {paged.items.length > 0 ? (
        <TableWrap label="Emails">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Languages</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {paged.items.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`/emails/${e.id}`} className="strong">
                      {e.name}
                    </Link>
                    <div className="muted small mono">{e.id}</div>
                  </td>
                  <td>
                    <EmailStatus email={e} />
                  </td>
                  <td>{Object.keys(e.draft ?? e.approved ?? {}).join(', ')}</td>
                  <td>{formatDateTime(e.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <Pager paged={paged} label="Emails" />
      <NewEmailDialog open={dialog} onClose={() => setDialog(false)} />
    </>
  );
}

function NewEmailDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const [mode, setMode] = useState<'template' | 'blank'>('template');
  const [kind, setKind] = useState('signup');
  const [locale, setLocale] = useState('en');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const email =
        mode === 'template'
          ? await post<Email>('/emails/defaults', { kind, locale, ...(name.trim() ? { name: name.trim() } : {}) })
          : await post<Email>('/emails', { name: name.trim(), subject: 'Hello {{lead.First Name}}', html: '<p>Hello {{lead.First Name}},</p>\n<p>Your link: {{social.Share Url}}</p>', locale });
      onClose();
      navigate(`/emails/${email.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onClose={onClose} title="New email">
      <form onSubmit={(e) => void submit(e)}>
        {error ? <Notice kind="error">{errorMessage(error)}</Notice> : null}
        <SelectField
          label="Start from"
          value={mode}
          onChange={(v) => setMode(v as 'template' | 'blank')}
          options={[
            { value: 'template', label: 'One of our templates (four languages)' },
            { value: 'blank', label: 'A blank email' },
          ]}
        />
        {mode === 'template' ? <SelectField label="Template" value={kind} onChange={setKind} options={KINDS} /> : null}
        <SelectField
          label="Default language"
          value={locale}
          onChange={setLocale}
          options={[
            { value: 'en', label: 'English' },
            { value: 'fr', label: 'French' },
            { value: 'sv', label: 'Swedish' },
            { value: 'zh-CN', label: 'Simplified Chinese' },
          ]}
          hint="Recipients get their own language when the email has it, else this one."
        />
        <TextField label="Name" value={name} onChange={setName} required={mode === 'blank'} hint={mode === 'template' ? 'Optional: the template’s name otherwise.' : undefined} maxLength={200} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || (mode === 'blank' && name.trim() === '')}>
            Create email
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function EmailEditor({ id }: { id: string }) {
  const { canWrite } = usePermissions();
  const loaded = useLoad((signal) => get<Email>(`/emails/${id}`, signal), [id]);
  const [email, setEmail] = useState<Email | null>(null);
  const [name, setName] = useState('');
  const [versions, setVersions] = useState<Record<string, EmailContent>>({});
  const [locale, setLocale] = useState('en');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [newLocale, setNewLocale] = useState('');
  const htmlRef = useRef<HTMLTextAreaElement | null>(null);

  const adopt = (e: Email) => {
    setEmail(e);
    setName(e.name);
    const v = structuredClone(e.draft ?? e.approved ?? {});
    setVersions(v);
    setLocale((current) => (v[current] ? current : v[e.locale] ? e.locale : (Object.keys(v)[0] ?? e.locale)));
  };
  useEffect(() => {
    if (loaded.data) adopt(loaded.data);
  }, [loaded.data]);

  const base = email ? (email.draft ?? email.approved ?? {}) : {};
  const dirty = !!email && (name !== email.name || JSON.stringify(base) !== JSON.stringify(versions));
  const content = versions[locale];

  const preview = useMemo(() => {
    if (!content) return '';
    return renderTemplate(content.html, SAMPLE, 'html');
  }, [content]);

  if (loaded.error) return <ErrorNotice error={loaded.error} />;
  if (!email) return <Loading />;

  const setContent = (patchContent: Partial<EmailContent>) => {
    setVersions({ ...versions, [locale]: { ...(versions[locale] ?? { subject: '', html: '', text: null }), ...patchContent } });
    setProblems([]);
  };

  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await what();
    } catch (err) {
      if (err instanceof ApiError) setProblems(err.details);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    if (!dirty) return;
    const translations: Record<string, EmailContent | null> = {};
    for (const loc of new Set([...Object.keys(base), ...Object.keys(versions)])) {
      const after = versions[loc];
      if (JSON.stringify(base[loc]) !== JSON.stringify(after)) translations[loc] = after ? { ...after, text: after.text && after.text.trim() !== '' ? after.text : null } : null;
    }
    adopt(await patch<Email>(`/emails/${email.id}`, { ...(name !== email.name ? { name } : {}), ...(Object.keys(translations).length ? { translations } : {}) }));
  };

  const insertToken = (token: string) => {
    const area = htmlRef.current;
    const text = `{{${token}}}`;
    if (!content) return;
    const at = area ? area.selectionStart : content.html.length;
    const end = area ? area.selectionEnd : at;
    setContent({ html: content.html.slice(0, at) + text + content.html.slice(end) });
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(at + text.length, at + text.length);
    });
  };

  const readOnly = !canWrite;
  const locales = Object.keys(versions);
  return (
    <>
      <PageHeader
        title={
          <>
            {email.name} <EmailStatus email={email} />
          </>
        }
        crumbs={[{ label: 'Marketing Activities' }, { label: 'Emails', to: '/emails' }, { label: email.name }]}
        actions={
          canWrite ? (
            <>
              <button type="button" className="btn" disabled={busy || !dirty} onClick={() => void run(async () => (await save(), setMessage('Draft saved. Approve it to put it in use.')))}>
                Save draft
              </button>
              <button
                type="button"
                className="btn btn-primary"
                disabled={busy || (!email.draft && !dirty)}
                onClick={() =>
                  void run(async () => {
                    await save();
                    adopt(await post<Email>(`/emails/${email.id}/approve`));
                    setMessage('Approved: offers and campaign flows can use this email now.');
                  })
                }
              >
                Approve
              </button>
              {email.approved && email.draft ? (
                <button type="button" className="btn" disabled={busy} onClick={() => setConfirmDiscard(true)}>
                  Discard draft
                </button>
              ) : null}
            </>
          ) : null
        }
      >
        <p className="muted">
          {email.approved ? `Approved version in use since ${formatDateTime(email.approvedAt)}.` : 'Not approved yet: no offer or flow can use it.'}{' '}
          {email.draft ? (email.approved ? 'The draft below has changes that are not in use until you approve them.' : '') : 'Editing opens a draft; the approved version stays in use until you approve again.'}
        </p>
      </PageHeader>
      {message ? <Notice kind="ok">{message}</Notice> : null}
      {error ? (
        <Notice kind="error" title={errorMessage(error)}>
          {problems.length > 0 ? (
            <ul className="compact">
              {problems.map((p, i) => (
                <li key={i}>
                  {p.path}: {p.message}
                </li>
              ))}
            </ul>
          ) : null}
        </Notice>
      ) : null}
      <div className="email-layout">
        <div className="email-form">
          <fieldset className="plain" disabled={readOnly}>
            <legend className="sr-only">Email content</legend>
            <TextField id="f-name" label="Name (internal)" value={name} onChange={setName} problems={problemsAt(problems, 'name')} maxLength={200} />
            <div className="row row-wrap">
              <SelectField
                label="Language"
                value={locale}
                onChange={setLocale}
                options={locales.map((l) => ({ value: l, label: `${l}${l === email.locale ? ' (default)' : ''}` }))}
                hint="Each recipient gets their language when the email has it, else the default."
              />
              <div className="field field-add">
                <label htmlFor="new-locale">Add a language</label>
                <div className="row">
                  <input id="new-locale" value={newLocale} placeholder="e.g. de" maxLength={35} onChange={(e) => setNewLocale(e.target.value.trim())} />
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(newLocale) || newLocale in versions}
                    onClick={() => {
                      setVersions({ ...versions, [newLocale]: structuredClone(versions[email.locale] ?? { subject: '', html: '', text: null }) });
                      setLocale(newLocale);
                      setNewLocale('');
                    }}
                  >
                    Add
                  </button>
                </div>
              </div>
            </div>
            {content ? (
              <>
                <TextField id={`f-${locale}.subject`} label="Subject" value={content.subject} onChange={(v) => setContent({ subject: v })} problems={problemsAt(problems, `content.${locale}.subject`)} maxLength={500} />
                <div className="field">
                  <label htmlFor="email-html">HTML body</label>
                  <textarea
                    id="email-html"
                    ref={htmlRef}
                    className="mono"
                    rows={14}
                    value={content.html}
                    aria-describedby={problemsAt(problems, `content.${locale}.html`).length ? 'email-html-problem' : undefined}
                    onChange={(e) => setContent({ html: e.target.value })}
                  />
                  {problemsAt(problems, `content.${locale}.html`).length ? (
                    <p className="problem" id="email-html-problem">
                      ⚠ {problemsAt(problems, `content.${locale}.html`).join(' ')}
                    </p>
                  ) : null}
                </div>
                <TextField label="Plain-text body (optional)" multiline rows={5} mono value={content.text ?? ''} onChange={(v) => setContent({ text: v })} problems={problemsAt(problems, `content.${locale}.text`)} hint="Sent beside the HTML for mail apps that show text only; made from the HTML when empty." />
                {locale !== email.locale ? (
                  <button
                    type="button"
                    className="btn btn-small btn-danger-text"
                    onClick={() => {
                      const next = { ...versions };
                      delete next[locale];
                      setVersions(next);
                      setLocale(email.locale);
                    }}
                  >
                    Remove the {locale} version
                  </button>
                ) : null}
              </>
            ) : (
              <Notice kind="warn">This email has no content in {locale}.</Notice>
            )}
          </fieldset>
          <section className="group token-help" aria-labelledby="tokens-title">
            <h3 id="tokens-title">Tokens</h3>
            <p className="hint">
              Tokens are filled in for each recipient; values are HTML-escaped. A token may carry a default: <code>{'{{lead.First Name:friend}}'}</code>. An unknown token stops approval.
            </p>
            <ul className="tokens">
              {KNOWN_TOKENS.map((token) => (
                <li key={token}>
                  <button type="button" className="btn btn-small btn-quiet mono" disabled={readOnly || !content} onClick={() => insertToken(token)} aria-label={`Insert {{${token}}} into the HTML body`}>
                    {`{{${token}}}`}
                  </button>{' '}
                  <span className="muted small">{TOKEN_HELP[token]}</span>
                </li>
              ))}
            </ul>
          </section>
        </div>
        <div className="email-preview">
          <h2>Preview</h2>
          <p className="hint">With sample values (Robin, code SPRING-2026-7QX). Images and links are not loaded here.</p>
          {content ? (
            <>
              <p className="email-subject">
                <span className="muted">Subject:</span> {renderTemplate(content.subject, SAMPLE, 'text')}
              </p>
              <iframe title="Rendered email preview" className="email-frame" sandbox="" srcDoc={preview} />
            </>
          ) : null}
        </div>
      </div>
      <ConfirmDialog
        open={confirmDiscard}
        title="Discard the draft?"
        confirmLabel="Discard draft"
        danger
        onCancel={() => setConfirmDiscard(false)}
        onConfirm={() =>
          void run(async () => {
            setConfirmDiscard(false);
            adopt(await del<Email>(`/emails/${email.id}/draft`));
            setMessage('Draft discarded.');
          })
        }
      >
        <p>The approved version stays in use as it is.</p>
      </ConfirmDialog>
    </>
  );
}
