/** Building blocks: labelled controls that show their problems, pages, dialogs, notices. */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { errorMessage } from './api.js';
import type { Page, Problem } from './api.js';
import { Link } from './router.js';

// ----- form controls -----

interface Described {
  label: ReactNode;
  hint?: ReactNode;
  problems?: string[];
  /** A stable id (problem links focus it); generated when absent. */
  id?: string;
}

function useDescribed(p: Described) {
  const generated = useId();
  const id = p.id ?? generated;
  const hintId = p.hint ? `${id}-hint` : undefined;
  const problemId = p.problems && p.problems.length > 0 ? `${id}-problem` : undefined;
  const describedBy = [problemId, hintId].filter(Boolean).join(' ') || undefined;
  return { id, hintId, problemId, describedBy, invalid: problemId !== undefined };
}

function Hint({ id, children }: { id: string | undefined; children: ReactNode }) {
  return id ? (
    <p className="hint" id={id}>
      {children}
    </p>
  ) : null;
}

export function FieldProblems({ id, problems }: { id: string | undefined; problems: string[] | undefined }) {
  if (!id || !problems || problems.length === 0) return null;
  return (
    <p className="problem" id={id}>
      <span aria-hidden="true">⚠ </span>
      {problems.join(' ')}
    </p>
  );
}

interface TextFieldProps extends Described {
  value: string;
  onChange(value: string): void;
  type?: 'text' | 'email' | 'url' | 'number' | 'password' | 'search' | 'date' | 'datetime-local' | 'color';
  multiline?: boolean;
  rows?: number;
  disabled?: boolean;
  required?: boolean;
  placeholder?: string;
  autoComplete?: string;
  min?: number;
  max?: number;
  maxLength?: number;
  className?: string;
  mono?: boolean;
}

export function TextField(p: TextFieldProps) {
  const d = useDescribed(p);
  const common = {
    id: d.id,
    value: p.value,
    disabled: p.disabled,
    required: p.required,
    placeholder: p.placeholder,
    maxLength: p.maxLength,
    'aria-describedby': d.describedBy,
    'aria-invalid': d.invalid || undefined,
    className: p.mono ? 'mono' : undefined,
  };
  return (
    <div className={`field ${p.className ?? ''}`}>
      <label htmlFor={d.id}>
        {p.label}
        {p.required ? <span className="req"> (required)</span> : null}
      </label>
      {p.multiline ? (
        <textarea {...common} rows={p.rows ?? 4} onChange={(e) => p.onChange(e.target.value)} />
      ) : (
        <input {...common} type={p.type ?? 'text'} autoComplete={p.autoComplete} min={p.min} max={p.max} onChange={(e) => p.onChange(e.target.value)} />
      )}
      <FieldProblems id={d.problemId} problems={p.problems} />
      <Hint id={d.hintId}>{p.hint}</Hint>
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}

interface SelectFieldProps extends Described {
  value: string;
  onChange(value: string): void;
  options: Option[];
  disabled?: boolean;
  required?: boolean;
  className?: string;
}

export function SelectField(p: SelectFieldProps) {
  const d = useDescribed(p);
  return (
    <div className={`field ${p.className ?? ''}`}>
      <label htmlFor={d.id}>
        {p.label}
        {p.required ? <span className="req"> (required)</span> : null}
      </label>
      <select
        id={d.id}
        value={p.value}
        disabled={p.disabled}
        aria-describedby={d.describedBy}
        aria-invalid={d.invalid || undefined}
        onChange={(e) => p.onChange(e.target.value)}
      >
        {p.options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldProblems id={d.problemId} problems={p.problems} />
      <Hint id={d.hintId}>{p.hint}</Hint>
    </div>
  );
}

interface CheckboxProps extends Described {
  checked: boolean;
  onChange(checked: boolean): void;
  disabled?: boolean;
}

export function CheckboxField(p: CheckboxProps) {
  const d = useDescribed(p);
  return (
    <div className="field field-check">
      <input
        type="checkbox"
        id={d.id}
        checked={p.checked}
        disabled={p.disabled}
        aria-describedby={d.describedBy}
        aria-invalid={d.invalid || undefined}
        onChange={(e) => p.onChange(e.target.checked)}
      />
      <label htmlFor={d.id}>{p.label}</label>
      <FieldProblems id={d.problemId} problems={p.problems} />
      <Hint id={d.hintId}>{p.hint}</Hint>
    </div>
  );
}

interface RadioGroupProps {
  legend: ReactNode;
  value: string;
  options: (Option & { hint?: string })[];
  onChange(value: string): void;
  problems?: string[];
  disabled?: boolean;
  id?: string;
}

export function RadioGroup(p: RadioGroupProps) {
  const generated = useId();
  const id = p.id ?? generated;
  const problemId = p.problems && p.problems.length > 0 ? `${id}-problem` : undefined;
  return (
    <fieldset className="radio-group" id={id} aria-describedby={problemId} disabled={p.disabled}>
      <legend>{p.legend}</legend>
      {p.options.map((o) => (
        <label key={o.value} className="radio">
          <input type="radio" name={id} value={o.value} checked={p.value === o.value} onChange={() => p.onChange(o.value)} />
          <span>
            <span className="radio-label">{o.label}</span>
            {o.hint ? <span className="hint"> {o.hint}</span> : null}
          </span>
        </label>
      ))}
      <FieldProblems id={problemId} problems={p.problems} />
    </fieldset>
  );
}

/** Problems whose path is `path` or lies below it (`goal` gets `goal.type` and `goal.count`). */
export function problemsAt(problems: Problem[], path: string, exact = false): string[] {
  return problems.filter((p) => p.path === path || (!exact && p.path.startsWith(`${path}.`))).map((p) => p.message);
}

// ----- notices, badges, empty states -----

export function Notice({ kind = 'info', children, title }: { kind?: 'info' | 'ok' | 'warn' | 'error'; children?: ReactNode; title?: ReactNode }) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {title ? <p className="notice-title">{title}</p> : null}
      {children}
    </div>
  );
}

export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null;
  return <Notice kind="error">{errorMessage(error)}</Notice>;
}

export function Badge({ tone, children }: { tone: string; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function EmptyState({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

// ----- page chrome -----

export interface Crumb {
  label: string;
  to?: string;
}

export function PageHeader({ title, crumbs, actions, children }: { title: ReactNode; crumbs?: Crumb[]; actions?: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      {crumbs && crumbs.length > 0 ? (
        <nav aria-label="Breadcrumb" className="crumbs">
          <ol>
            {crumbs.map((c, i) => (
              <li key={i}>{c.to ? <Link to={c.to}>{c.label}</Link> : <span aria-current="page">{c.label}</span>}</li>
            ))}
          </ol>
        </nav>
      ) : null}
      <div className="page-title-row">
        <h1>{title}</h1>
        {actions ? <div className="actions">{actions}</div> : null}
      </div>
      {children}
    </header>
  );
}

/** A wide table scrolls inside its own box on a phone instead of widening the page. */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

// ----- dialogs -----

export function Dialog({ open, onClose, title, children, wide }: { open: boolean; onClose(): void; title: string; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const handle = () => onClose();
    dialog.addEventListener('close', handle);
    return () => dialog.removeEventListener('close', handle);
  }, [onClose]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} className={wide ? 'dialog-wide' : undefined}>
      {open ? (
        <div className="dialog-body">
          <div className="dialog-head">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="btn-icon" aria-label="Close" onClick={onClose}>
              ×
            </button>
          </div>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

export function ConfirmDialog(p: { open: boolean; title: string; children: ReactNode; confirmLabel: string; danger?: boolean; onConfirm(): void; onCancel(): void }) {
  return (
    <Dialog open={p.open} onClose={p.onCancel} title={p.title}>
      <div className="dialog-text">{p.children}</div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={p.onCancel}>
          Cancel
        </button>
        <button type="button" className={p.danger ? 'btn btn-danger' : 'btn btn-primary'} onClick={p.onConfirm}>
          {p.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

// ----- copy to clipboard -----

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Without clipboard permission (or over plain http): select-and-copy still works.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

export function CopyButton({ text, label, className }: { text: string; label: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className={className ?? 'btn btn-small'}
      onClick={() => {
        void copyText(text).then(() => setCopied(true));
      }}
    >
      {label}
      <span aria-live="polite" className="copied">
        {copied ? ' ✓ Copied' : ''}
      </span>
    </button>
  );
}

/** A snippet to paste elsewhere: read-only, selectable, with its copy button. */
export function Snippet({ label, text, copyLabel, hint }: { label: string; text: string; copyLabel: string; hint?: ReactNode }) {
  const id = useId();
  return (
    <div className="snippet">
      <div className="snippet-head">
        <label htmlFor={id}>{label}</label>
        <CopyButton text={text} label={copyLabel} />
      </div>
      <textarea id={id} readOnly value={text} rows={Math.min(6, text.split('\n').length + 1)} className="mono" onFocus={(e) => e.target.select()} />
      {hint ? <p className="hint">{hint}</p> : null}
    </div>
  );
}

// ----- pagination -----

export interface Paged<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  pageNumber: number;
  hasPrev: boolean;
  hasNext: boolean;
  next(): void;
  prev(): void;
  reload(): void;
}

/** Cursor pagination over an API list: a stack of cursors gives Previous as well as Next. */
export function usePaged<T>(load: (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>, deps: unknown[]): Paged<T> {
  const depKey = JSON.stringify(deps);
  const [nav, setNav] = useState<{ key: string; stack: (string | null)[] }>({ key: depKey, stack: [null] });
  const stack = nav.key === depKey ? nav.stack : [null];
  const cursor = stack[stack.length - 1] ?? null;
  const [page, setPage] = useState<Page<T> | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    loadRef
      .current(cursor, controller.signal)
      .then((p) => {
        setPage(p);
        setError(null);
      })
      .catch((err: unknown) => {
        if ((err as Error).name !== 'AbortError') setError(err);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [depKey, cursor, reloadKey]);
  return {
    items: page?.data ?? [],
    loading,
    error,
    pageNumber: stack.length,
    hasPrev: stack.length > 1,
    hasNext: !!page?.nextCursor,
    next: () => page?.nextCursor && setNav({ key: depKey, stack: [...stack, page.nextCursor] }),
    prev: () => setNav({ key: depKey, stack: stack.slice(0, -1) }),
    reload: useCallback(() => setReloadKey((k) => k + 1), []),
  };
}

/** Pages of a list the API returns whole (API keys, lists). */
export function useClientPages<T>(all: T[], size = 20): Paged<T> & { total: number } {
  const [index, setIndex] = useState(0);
  const pages = Math.max(1, Math.ceil(all.length / size));
  const current = Math.min(index, pages - 1);
  return {
    items: all.slice(current * size, current * size + size),
    loading: false,
    error: null,
    pageNumber: current + 1,
    hasPrev: current > 0,
    hasNext: current < pages - 1,
    next: () => setIndex(current + 1),
    prev: () => setIndex(current - 1),
    reload: () => undefined,
    total: all.length,
  };
}

export function Pager({ paged, label }: { paged: Pick<Paged<unknown>, 'hasPrev' | 'hasNext' | 'next' | 'prev' | 'pageNumber' | 'loading'>; label: string }) {
  if (!paged.hasPrev && !paged.hasNext) return null;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" className="btn btn-small" disabled={!paged.hasPrev || paged.loading} onClick={paged.prev}>
        ← Previous
      </button>
      <span className="pager-page">Page {paged.pageNumber}</span>
      <button type="button" className="btn btn-small" disabled={!paged.hasNext || paged.loading} onClick={paged.next}>
        Next →
      </button>
    </nav>
  );
}

/** Loads once per key change; `reload` fetches again. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): { data: T | null; error: unknown; loading: boolean; reload(): void; set(value: T): void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [reloadKey, setReloadKey] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const depKey = JSON.stringify(deps);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    loadRef
      .current(controller.signal)
      .then((value) => {
        setData(value);
        setError(null);
      })
      .catch((err: unknown) => {
        if ((err as Error).name !== 'AbortError') setError(err);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [depKey, reloadKey]);
  return { data, error, loading, reload: useCallback(() => setReloadKey((k) => k + 1), []), set: setData };
}
