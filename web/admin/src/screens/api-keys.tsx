import { useState } from 'react';
import type { FormEvent } from 'react';
import { del, errorMessage, get, post } from '../api.js';
import { formatDateTime } from '../format.js';
import { usePermissions } from '../session.js';
import type { ApiKey, Role } from '../types.js';
import { Badge, CheckboxField, ConfirmDialog, Dialog, EmptyState, ErrorNotice, Loading, Notice, PageHeader, Pager, SelectField, Snippet, TableWrap, TextField, useClientPages, useLoad } from '../ui.js';

export const ROLE_OPTIONS = [
  { value: 'marketer', label: 'Marketer: create, edit and approve offers, emails and campaigns' },
  { value: 'analyst', label: 'Analyst: read offers and reports' },
  { value: 'administrator', label: 'Administrator: everything, including keys and accounts' },
];

export function ApiKeys() {
  const { canManage } = usePermissions();
  const keys = useLoad((signal) => get<{ data: ApiKey[] }>('/api-keys', signal), []);
  const pages = useClientPages(keys.data?.data ?? [], 20);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ key: ApiKey; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [error, setError] = useState<unknown>(null);

  if (!canManage) return <Notice kind="warn">Only administrators manage API keys.</Notice>;
  return (
    <>
      <PageHeader
        title="API keys"
        crumbs={[{ label: 'Admin' }, { label: 'API keys' }]}
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            New API key
          </button>
        }
      >
        <p className="lead">
          Keys let scripts and other systems use the admin API (<a href="/api/v1/openapi.json">OpenAPI document</a>) as <code>Authorization: Bearer KEY</code>. Everything this UI does, a key can do.
        </p>
      </PageHeader>
      <ErrorNotice error={keys.error ?? error} />
      {keys.loading && !keys.data ? <Loading /> : null}
      {keys.data && keys.data.data.length === 0 ? <EmptyState title="No API keys yet.">Click New API key to make one for a script or an integration.</EmptyState> : null}
      {pages.items.length > 0 ? (
        <TableWrap label="API keys">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Key starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {pages.items.map((k) => (
                <tr key={k.id}>
                  <td>
                    {k.name}
                    <div className="muted small mono">{k.id}</div>
                  </td>
                  <td>
                    {k.role}
                    {k.awards ? ' + awards' : ''}
                  </td>
                  <td className="mono">{k.prefix}…</td>
                  <td>{formatDateTime(k.createdAt)}</td>
                  <td>{formatDateTime(k.lastUsedAt)}</td>
                  <td>
                    {k.revokedAt ? (
                      <Badge tone="archived">Revoked {formatDateTime(k.revokedAt)}</Badge>
                    ) : (
                      <button type="button" className="btn btn-small btn-danger-text" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name}`}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <Pager paged={pages} label="API keys" />
      <NewKeyDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setSecret(created);
          keys.reload();
        }}
      />
      <Dialog open={secret !== null} onClose={() => setSecret(null)} title="Your new API key">
        {secret ? (
          <>
            <Notice kind="warn">Copy it now: it is shown only this once. Goalpost keeps only a hash.</Notice>
            <Snippet label={`Key “${secret.key.name}” (${secret.key.role})`} text={secret.secret} copyLabel="Copy key" hint="Send it as the header Authorization: Bearer <key>." />
            <div className="dialog-actions">
              <button type="button" className="btn btn-primary" onClick={() => setSecret(null)}>
                Done
              </button>
            </div>
          </>
        ) : null}
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ''}”?`}
        confirmLabel="Revoke key"
        danger
        onCancel={() => setRevoking(null)}
        onConfirm={() => {
          const k = revoking!;
          setRevoking(null);
          del(`/api-keys/${k.id}`).then(keys.reload, setError);
        }}
      >
        <p>Anything using this key stops working at once. This cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}

function NewKeyDialog({ open, onClose, onCreated }: { open: boolean; onClose(): void; onCreated(created: { key: ApiKey; secret: string }): void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('marketer');
  const [awards, setAwards] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      onCreated(await post<{ key: ApiKey; secret: string }>('/api-keys', { name: name.trim(), role, ...(awards ? { awards: true } : {}) }));
      setName('');
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Dialog open={open} onClose={onClose} title="New API key">
      <form onSubmit={(e) => void submit(e)}>
        {error ? <Notice kind="error">{error}</Notice> : null}
        <TextField label="Name" value={name} onChange={setName} required maxLength={200} hint="What uses it, e.g. “CRM sync”." />
        <SelectField label="Role" value={role} onChange={(v) => setRole(v as Role)} options={ROLE_OPTIONS} />
        {role !== 'administrator' ? <CheckboxField label="May see promo codes (awards permission)" checked={awards} onChange={setAwards} /> : null}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={name.trim() === ''}>
            Create key
          </button>
        </div>
      </form>
    </Dialog>
  );
}
