import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, errorMessage } from '../api.js';
import type { Session } from '../types.js';
import { Notice, TextField } from '../ui.js';

export function SignIn({ onSignedIn, sessionEnded }: { onSignedIn(session: Session): void; sessionEnded: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api<Session>('POST', '/session', { email, password }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin" id="main">
      <form className="signin-card" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <p className="brand signin-brand">
          <span aria-hidden="true" className="brand-mark">
            ◎
          </span>{' '}
          Goalpost
        </p>
        <h1 id="signin-title">Sign in</h1>
        <p className="muted">Run your referral offers: goals, participants, promo codes, emails and smart campaigns.</p>
        {sessionEnded ? <Notice kind="warn">Your session has ended. Sign in again to go on.</Notice> : null}
        {error ? <Notice kind="error">{error}</Notice> : null}
        <TextField label="Email" type="email" value={email} onChange={setEmail} autoComplete="username" required />
        <TextField label="Password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <details className="signin-help">
          <summary>No account yet?</summary>
          <p>
            An administrator creates accounts under Admin › Accounts. On a fresh install, create the first one on the server with{' '}
            <code>npx goalpost account create --email you@example.com --role administrator</code>, or start Goalpost once with{' '}
            <code>GOALPOST_ADMIN_EMAIL</code> and <code>GOALPOST_ADMIN_PASSWORD</code> set.
          </p>
        </details>
      </form>
    </main>
  );
}
