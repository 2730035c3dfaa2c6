/**
 * One offer: its header (status, versions, Edit Draft / Approve / Discard
 * Draft), and three tabs: App Settings (the editor, following the original
 * product's path App Settings › Offer Details › Settings › Fulfillment Goal),
 * Participants and Report.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, del, errorMessage, get, patch, post, qs } from '../api.js';
import type { Page, Problem } from '../api.js';
import { formatDateTime, goalLabel } from '../format.js';
import { Link, navigate, setQuery, useLocation } from '../router.js';
import { usePermissions } from '../session.js';
import type { Email, Offer, OfferSettings } from '../types.js';
import { ConfirmDialog, ErrorNotice, Loading, Notice, PageHeader, useLoad } from '../ui.js';
import { StatusBadge } from './offers-list.js';
import { EmbedCodeDialog } from './embed-dialog.js';
import { Participants } from './participants.js';
import { OfferReportScreen } from './report.js';
import { SECTIONS, sectionOf, SectionForm } from './offer-sections.js';
import type { SectionKey } from './offer-sections.js';
import { OfferPreview } from './offer-preview.js';

type View = 'draft' | 'approved';

/** The smallest PATCH that turns `base` into `next`; map settings get null for removed entries. */
function draftPatch(base: OfferSettings, next: OfferSettings): { patch: Record<string, unknown>; clearLocales: string[] } {
  const out: Record<string, unknown> = {};
  const clearLocales: string[] = [];
  for (const key of Object.keys(next) as (keyof OfferSettings)[]) {
    if (JSON.stringify(base[key]) === JSON.stringify(next[key])) continue;
    if (key === 'sharing') {
      const messages: Record<string, string | null> = {};
      const names = new Set([...Object.keys(base.sharing.messages), ...Object.keys(next.sharing.messages)]);
      for (const name of names) {
        const value = (next.sharing.messages as Record<string, string | undefined>)[name];
        const before = (base.sharing.messages as Record<string, string | undefined>)[name];
        if (value !== before) messages[name] = value && value.trim() !== '' ? value : null;
      }
      out.sharing = { channels: next.sharing.channels, messages };
    } else if (key === 'texts') {
      const texts: Record<string, Record<string, string> | null> = {};
      const locales = new Set([...Object.keys(base.texts), ...Object.keys(next.texts)]);
      for (const locale of locales) {
        const before = base.texts[locale] ?? {};
        const after = Object.fromEntries(Object.entries(next.texts[locale] ?? {}).filter(([, v]) => typeof v === 'string' && v !== '')) as Record<string, string>;
        if (JSON.stringify(before) === JSON.stringify(after)) continue;
        // Texts merge key by key: a text put back to its default needs the locale cleared first.
        if (Object.keys(before).some((k) => !(k in after))) clearLocales.push(locale);
        texts[locale] = Object.keys(after).length > 0 ? after : null;
      }
      if (Object.keys(texts).length > 0) out.texts = texts;
    } else {
      out[key] = next[key];
    }
  }
  return { patch: out, clearLocales };
}

export function useApprovedEmails() {
  return useLoad(async (signal) => {
    const all: Email[] = [];
    let cursor: string | null = null;
    // Every email, for the pickers (a few pages at most in practice).
    for (let i = 0; i < 20; i += 1) {
      const page: Page<Email> = await get<Page<Email>>(`/emails${qs({ limit: 100, cursor })}`, signal);
      all.push(...page.data);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return all;
  }, []);
}

export function OfferScreen({ id, tab }: { id: string; tab: string }) {
  const { query } = useLocation();
  const { canWrite } = usePermissions();
  const loaded = useLoad((signal) => get<Offer>(`/offers/${id}`, signal), [id]);
  const emails = useApprovedEmails();
  const [offer, setOffer] = useState<Offer | null>(null);
  const [form, setForm] = useState<OfferSettings | null>(null);
  const [view, setView] = useState<View>('draft');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<null | 'embed' | 'discard' | 'archive'>(null);
  const [focusPath, setFocusPath] = useState<string | null>(null);
  const section = (SECTIONS.some((s) => s.key === query.get('section')) ? query.get('section') : 'details') as SectionKey;

  const adopt = useCallback((next: Offer, keepView = false) => {
    setOffer(next);
    setForm(next.draft ? structuredClone(next.draft) : null);
    if (!keepView) setView(next.draft ? 'draft' : 'approved');
  }, []);

  useEffect(() => {
    if (loaded.data) adopt(loaded.data);
  }, [loaded.data, adopt]);

  const dirty = !!(offer?.draft && form && JSON.stringify(offer.draft) !== JSON.stringify(form));
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // After a jump to a problem, focus its field once the section is on screen.
  useEffect(() => {
    if (!focusPath) return;
    const parts = focusPath.split('.');
    for (let n = parts.length; n > 0; n -= 1) {
      const el = document.getElementById(`f-${parts.slice(0, n).join('.')}`);
      if (el) {
        el.scrollIntoView({ block: 'center' });
        (el.matches('input, select, textarea, fieldset, [tabindex]') ? el : el.querySelector<HTMLElement>('input, select, textarea'))?.focus();
        break;
      }
    }
    setFocusPath(null);
  }, [focusPath, section]);

  if (loaded.error) {
    return (
      <>
        <PageHeader title="Offer" crumbs={[{ label: 'Marketing Activities' }, { label: 'Referral offers', to: '/offers' }]} />
        <ErrorNotice error={loaded.error} />
      </>
    );
  }
  if (!offer) return <Loading />;

  const archived = offer.status === 'archived';
  const shown = view === 'draft' && form ? form : (offer.approved ?? form);
  const readOnly = !canWrite || archived || view === 'approved' || !offer.draft;

  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await what();
    } catch (err) {
      if (err instanceof ApiError && err.details.length > 0) {
        setProblems(err.details);
        const first = err.details[0]!;
        if (tab !== 'settings') navigate(`/offers/${offer.id}?section=${sectionOf(first.path)}`);
        else setQuery({ section: sectionOf(first.path) });
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const save = async (): Promise<Offer> => {
    if (!offer.draft || !form) return offer;
    const { patch: body, clearLocales } = draftPatch(offer.draft, form);
    if (Object.keys(body).length === 0) return offer;
    if (clearLocales.length > 0) await patch<Offer>(`/offers/${offer.id}/draft`, { texts: Object.fromEntries(clearLocales.map((l) => [l, null])) });
    const saved = await patch<Offer>(`/offers/${offer.id}/draft`, body);
    adopt(saved, true);
    return saved;
  };

  const editDraft = () =>
    run(async () => {
      const opened = await patch<Offer>(`/offers/${offer.id}/draft`, { name: (offer.approved ?? offer.draft)!.name });
      adopt(opened);
      setView('draft');
      setMessage('Draft opened from the approved version. Your changes stay in the draft until you approve it.');
    });

  const saveDraft = () =>
    run(async () => {
      await save();
      setProblems([]);
      setMessage('Draft saved. Approve it to publish the changes.');
    });

  const approve = () =>
    run(async () => {
      await save();
      const approved = await post<Offer>(`/offers/${offer.id}/approve`);
      adopt(approved);
      setProblems([]);
      setView('approved');
      setMessage('Approved: this version is now live. The widget, the hosted page and the embed code show it.');
    });

  const discard = () =>
    run(async () => {
      setDialog(null);
      const discarded = await del<Offer>(`/offers/${offer.id}/draft`);
      adopt(discarded);
      setProblems([]);
      setMessage('Draft discarded: the approved version stays as it was.');
    });

  const archive = () =>
    run(async () => {
      setDialog(null);
      adopt(await post<Offer>(`/offers/${offer.id}/archive`));
      setMessage('Archived: no new sign-ups or credit; participants and reports are kept.');
    });

  const clone = () =>
    run(async () => {
      const copy = await post<Offer>('/offers', { name: `Copy of ${offer.name}`, cloneFrom: offer.id });
      navigate(`/offers/${copy.id}`);
    });

  const change = (path: string, fn: (s: OfferSettings) => void) => {
    if (!form) return;
    const next = structuredClone(form);
    fn(next);
    setForm(next);
    if (problems.some((p) => p.path === path || p.path.startsWith(`${path}.`))) {
      setProblems(problems.filter((p) => !(p.path === path || p.path.startsWith(`${path}.`))));
    }
  };

  const name = (offer.draft ?? offer.approved)?.name ?? offer.name;
  const tabs = [
    { key: 'settings', label: 'App Settings', to: `/offers/${offer.id}` },
    { key: 'participants', label: 'Participants', to: `/offers/${offer.id}/participants` },
    { key: 'report', label: 'Report', to: `/offers/${offer.id}/report` },
  ];

  return (
    <>
      <PageHeader
        title={
          <>
            {name} <StatusBadge offer={offer} />
          </>
        }
        crumbs={[
          { label: 'Marketing Activities' },
          { label: 'Referral offers', to: '/offers' },
          { label: name, ...(tab !== 'settings' ? { to: `/offers/${offer.id}` } : {}) },
          ...(tab === 'settings' ? [] : [{ label: tabs.find((t) => t.key === tab)?.label ?? tab }]),
        ]}
        actions={
          <>
            {canWrite && !archived && !offer.draft ? (
              <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void editDraft()}>
                Edit Draft
              </button>
            ) : null}
            {canWrite && !archived && offer.draft ? (
              <>
                <button type="button" className="btn" disabled={busy || !dirty} onClick={() => void saveDraft()}>
                  Save draft
                </button>
                <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void approve()}>
                  Approve
                </button>
                {offer.approved ? (
                  <button type="button" className="btn" disabled={busy} onClick={() => setDialog('discard')}>
                    Discard Draft
                  </button>
                ) : null}
              </>
            ) : null}
            <button type="button" className="btn" onClick={() => setDialog('embed')}>
              Embed Code
            </button>
            {canWrite ? (
              <details className="more-menu">
                <summary className="btn">More</summary>
                <div className="more-items">
                  <button type="button" className="btn btn-quiet" disabled={busy} onClick={() => void clone()}>
                    Clone offer
                  </button>
                  {!archived ? (
                    <button type="button" className="btn btn-quiet btn-danger-text" disabled={busy} onClick={() => setDialog('archive')}>
                      Archive offer
                    </button>
                  ) : null}
                  <Link to={`/mail?offerId=${offer.id}`} className="btn btn-quiet">
                    Mail log of this offer
                  </Link>
                </div>
              </details>
            ) : null}
          </>
        }
      >
        <VersionLine offer={offer} dirty={dirty} />
      </PageHeader>

      <nav className="tabs" aria-label="Offer">
        {tabs.map((t) => (
          <Link key={t.key} to={t.to} aria-current={tab === t.key ? 'page' : undefined}>
            {t.label}
          </Link>
        ))}
      </nav>

      {message ? <Notice kind="ok">{message}</Notice> : null}
      {error && !(error instanceof ApiError && error.details.length > 0) ? <Notice kind="error">{errorMessage(error)}</Notice> : null}

      {tab === 'settings' && shown ? (
        <div className="editor">
          <div className="editor-main">
            {offer.draft && offer.approved ? (
              <div className="version-switch" role="group" aria-label="Version shown">
                <button type="button" aria-pressed={view === 'draft'} onClick={() => setView('draft')}>
                  Draft <span className="muted">(editing)</span>
                </button>
                <button type="button" aria-pressed={view === 'approved'} onClick={() => setView('approved')}>
                  Approved <span className="muted">(live)</span>
                </button>
              </div>
            ) : null}
            {!offer.draft && !archived ? (
              <Notice title="You are looking at the approved version.">
                <p>
                  It is live and read-only. {canWrite ? 'Click Edit Draft to change it: the public keeps seeing this version until you approve the draft.' : ''}
                </p>
              </Notice>
            ) : null}
            {view === 'approved' && offer.draft ? <Notice>The approved (live) version, read-only. Switch to Draft to edit.</Notice> : null}
            {archived ? <Notice kind="warn">This offer is archived: it accepts no sign-ups and no credit. Its settings are read-only; clone it to start again.</Notice> : null}
            {problems.length > 0 && view === 'draft' ? (
              <ProblemSummary
                problems={problems}
                onJump={(path) => {
                  setQuery({ section: sectionOf(path) });
                  setFocusPath(path);
                }}
              />
            ) : null}
            <div className="section-layout">
              <nav className="section-nav" aria-label="App Settings sections">
                <p className="nav-heading">App Settings</p>
                <ul>
                  {SECTIONS.map((s) => {
                    const count = view === 'draft' ? problems.filter((p) => sectionOf(p.path) === s.key).length : 0;
                    const changed = !!(offer.approved && form && view === 'draft' && s.paths.some((k) => JSON.stringify(offer.approved![k]) !== JSON.stringify(form[k])));
                    return (
                      <li key={s.key}>
                        <Link to={`/offers/${offer.id}?section=${s.key}`} aria-current={section === s.key ? 'true' : undefined}>
                          {s.label}
                          {count > 0 ? <span className="count-bad" aria-label={`${count} problems`}>{count}</span> : null}
                          {changed ? <span className="dot" title="Changed in the draft" aria-label="changed in the draft" /> : null}
                        </Link>
                      </li>
                    );
                  })}
                </ul>
              </nav>
              <SectionForm
                section={section}
                offer={offer}
                settings={shown}
                readOnly={readOnly}
                problems={view === 'draft' ? problems : []}
                change={change}
                emails={emails.data ?? []}
                reloadEmails={emails.reload}
                canWrite={canWrite && !archived}
              />
            </div>
          </div>
          <aside className="editor-preview" aria-label="Preview">
            <OfferPreview offer={offer} settings={shown} version={view === 'draft' && offer.draft ? 'draft' : 'approved'} />
          </aside>
        </div>
      ) : null}
      {tab === 'participants' ? <Participants offer={offer} /> : null}
      {tab === 'report' ? <OfferReportScreen offer={offer} /> : null}

      <EmbedCodeDialog open={dialog === 'embed'} offer={offer} onClose={() => setDialog(null)} />
      <ConfirmDialog open={dialog === 'discard'} title="Discard the draft?" confirmLabel="Discard Draft" danger onConfirm={() => void discard()} onCancel={() => setDialog(null)}>
        <p>Every change in the draft is dropped. The approved version stays live as it is.</p>
      </ConfirmDialog>
      <ConfirmDialog open={dialog === 'archive'} title="Archive this offer?" confirmLabel="Archive offer" danger onConfirm={() => void archive()} onCancel={() => setDialog(null)}>
        <p>The widget and the hosted page stop accepting sign-ups, and no more credit is counted. Participants, codes and reports are kept. This cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}

function VersionLine({ offer, dirty }: { offer: Offer; dirty: boolean }) {
  const live = offer.approved;
  return (
    <dl className="version-line">
      <div>
        <dt>Approved version</dt>
        <dd>{live ? `live since ${formatDateTime(offer.approvedAt)} · ${live.goal.count} × ${goalLabel(live.goal.type)}` : 'none yet: the public sees nothing until you approve'}</dd>
      </div>
      <div>
        <dt>Draft</dt>
        <dd>
          {offer.draft ? `changed ${formatDateTime(offer.updatedAt)}${dirty ? ' · unsaved changes on this page' : ''}` : offer.status === 'archived' ? 'none' : 'none: click Edit Draft to change the offer'}
        </dd>
      </div>
    </dl>
  );
}

function ProblemSummary({ problems, onJump }: { problems: Problem[]; onJump(path: string): void }) {
  return (
    <div className="notice notice-error" role="alert" aria-labelledby="problem-summary-title">
      <p className="notice-title" id="problem-summary-title">
        The draft cannot be approved yet: {problems.length === 1 ? '1 problem' : `${problems.length} problems`}
      </p>
      <ul className="problem-list">
        {problems.map((p, i) => (
          <li key={i}>
            <button type="button" className="link-button" onClick={() => onJump(p.path)}>
              {SECTIONS.find((s) => s.key === sectionOf(p.path))?.label}: {p.message}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
