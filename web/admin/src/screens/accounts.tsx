import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, del, errorMessage, get, post, qs } from '../api.js';
import type { Page } from '../api.js';
import { formatDateTime } from '../format.js';
import { usePermissions, useSession } from '../session.js';
import type { Account, Role } from '../types.js';
import { CheckboxField, ConfirmDialog, Dialog, EmptyState, ErrorNotice, Loading, Notice, PageHeader, Pager, SelectField, TableWrap, TextField, usePaged } from '../ui.js';
import { ROLE_OPTIONS } from './api-keys.js';

export function Accounts() {
  const { canManage } = usePermissions();
  const { account: me } = useSession();
  const paged = usePaged((cursor, signal) => get<Page<Account>>(`/accounts${qs({ limit: 25, cursor })}`, signal), []);
  const [creating, setCreating] = useState(false);
  const [removing, setRemoving] = useState<Account | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (!canManage) return <Notice kind="warn">Only administrators manage accounts.</Notice>;
  return (
    <>
      <PageHeader
        title="Accounts"
        crumbs={[{ label: 'Admin' }, { label: 'Accounts' }]}
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            New account
          </button>
        }
      >
        <p className="lead">People who sign in to this admin UI. Each has a role; promo codes are shown to administrators and to accounts with the awards permission.</p>
      </PageHeader>
      <ErrorNotice error={paged.error ?? error} />
      {paged.loading && paged.items.length === 0 ? <Loading /> : null}
      {!paged.loading && paged.items.length === 0 ? <EmptyState title="No accounts.">Click New account to invite a colleague.</EmptyState> : null}
      {paged.items.length > 0 ? (
        <TableWrap label="Accounts">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {paged.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    {a.email}
                    {a.id === me.id ? <span className="muted small"> (you)</span> : null}
                  </td>
                  <td>
                    {a.role}
                    {a.awards && a.role !== 'administrator' ? ' + awards' : ''}
                  </td>
                  <td>{formatDateTime(a.createdAt)}</td>
                  <td>{formatDateTime(a.lastSignInAt)}</td>
                  <td>
                    {a.id !== me.id ? (
                      <button type="button" className="btn btn-small btn-danger-text" onClick={() => setRemoving(a)} aria-label={`Delete ${a.email}`}>
                        Delete
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <Pager paged={paged} label="Accounts" />
      <NewAccountDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          paged.reload();
        }}
      />
      <ConfirmDialog
        open={removing !== null}
        title={`Delete ${removing?.email ?? ''}?`}
        confirmLabel="Delete account"
        danger
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          const a = removing!;
          setRemoving(null);
          del(`/accounts/${a.id}`).then(paged.reload, setError);
        }}
      >
        <p>They are signed out everywhere and can no longer sign in.</p>
      </ConfirmDialog>
    </>
  );
}

function NewAccountDialog({ open, onClose, onCreated }: { open: boolean; onClose(): void; onCreated(): void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('marketer');
  const [awards, setAwards] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await post('/accounts', { email: email.trim(), role, password, ...(awards ? { awards: true } : {}) });
      setEmail('');
      setPassword('');
      setError(null);
      onCreated();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Dialog open={open} onClose={onClose} title="New account">
      <form onSubmit={(e) => void submit(e)}>
        {error ? <Notice kind="error">{error}</Notice> : null}
        <TextField label="Email" type="email" value={email} onChange={setEmail} required autoComplete="off" />
        <SelectField label="Role" value={role} onChange={(v) => setRole(v as Role)} options={ROLE_OPTIONS} />
        {role !== 'administrator' ? <CheckboxField label="May see promo codes (awards permission)" checked={awards} onChange={setAwards} /> : null}
        <TextField label="Password" type="password" value={password} onChange={setPassword} required autoComplete="new-password" hint="At least 10 characters. Tell it to them safely; they can change it after signing in." />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!email.trim() || !password}>
            Create account
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api('POST', '/session/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setError(null);
      setDone(true);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Dialog
      open={open}
      onClose={() => {
        setDone(false);
        onClose();
      }}
      title="Change your password"
    >
      {done ? (
        <Notice kind="ok">Password changed. Your other sessions were signed out.</Notice>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          {error ? <Notice kind="error">{error}</Notice> : null}
          <TextField label="Current password" type="password" value={current} onChange={setCurrent} required autoComplete="current-password" />
          <TextField label="New password" type="password" value={next} onChange={setNext} required autoComplete="new-password" hint="At least 10 characters." />
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={!current || !next}>
              Change password
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
