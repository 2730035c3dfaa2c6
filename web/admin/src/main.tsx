import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, ApiError, onSessionEnded, setCsrfToken } from './api.js';
import { Link, match, navigate, useLocation } from './router.js';
import { SessionContext, usePermissions, useSession } from './session.js';
import type { SessionValue } from './session.js';
import type { Session } from './types.js';
import { Loading, Notice } from './ui.js';
import { SignIn } from './screens/sign-in.js';
import { OffersList } from './screens/offers-list.js';
import { OfferScreen } from './screens/offer-editor.js';
import { EmailsList, EmailEditor } from './screens/emails.js';
import { CampaignsList, CampaignScreen } from './screens/campaigns.js';
import { PeopleSearch, PersonDetail } from './screens/people.js';
import { MailLog } from './screens/mail-log.js';
import { ApiKeys } from './screens/api-keys.js';
import { Accounts, ChangePasswordDialog } from './screens/accounts.js';
import './styles.css';

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [ended, setEnded] = useState(false);

  useEffect(() => {
    onSessionEnded(() => {
      setCsrfToken(null);
      setEnded(true);
      setSession(null);
    });
    api<Session>('GET', '/session')
      .then((s) => {
        setCsrfToken(s.csrfToken);
        setSession(s);
      })
      .catch(() => setSession(null));
  }, []);

  const signedIn = useCallback((s: Session) => {
    setCsrfToken(s.csrfToken);
    setEnded(false);
    setSession(s);
  }, []);

  const value = useMemo<SessionValue | null>(
    () =>
      session
        ? {
            account: session.account,
            signOut: async () => {
              try {
                await api('DELETE', '/session');
              } finally {
                setCsrfToken(null);
                setSession(null);
              }
            },
          }
        : null,
    [session],
  );

  if (session === undefined) return <Loading label="Opening Goalpost…" />;
  if (!value) return <SignIn onSignedIn={signedIn} sessionEnded={ended} />;
  return (
    <SessionContext.Provider value={value}>
      <Shell />
    </SessionContext.Provider>
  );
}

interface NavItem {
  to: string;
  label: string;
  adminOnly?: boolean;
}

const NAV: { heading: string; items: NavItem[] }[] = [
  {
    heading: 'Marketing Activities',
    items: [
      { to: '/offers', label: 'Referral offers' },
      { to: '/emails', label: 'Emails' },
      { to: '/campaigns', label: 'Smart campaigns' },
    ],
  },
  {
    heading: 'Database',
    items: [
      { to: '/people', label: 'People' },
      { to: '/mail', label: 'Mail log' },
    ],
  },
  {
    heading: 'Admin',
    items: [
      { to: '/api-keys', label: 'API keys', adminOnly: true },
      { to: '/accounts', label: 'Accounts', adminOnly: true },
    ],
  },
];

function Shell() {
  const { path } = useLocation();
  const { account, signOut } = useSession();
  const { canManage } = usePermissions();
  const [menuOpen, setMenuOpen] = useState(false);
  const [passwordOpen, setPasswordOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/offers" className="brand">
          <span aria-hidden="true" className="brand-mark">
            ◎
          </span>{' '}
          Goalpost
        </Link>
        <button
          type="button"
          className="btn menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="sidenav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          Menu
        </button>
        <div className="account">
          <span className="account-email" title={account.email}>
            {account.email}
          </span>
          <span className="account-role">{account.role}</span>
          <button type="button" className="btn btn-small btn-quiet" onClick={() => setPasswordOpen(true)}>
            Password
          </button>
          <button type="button" className="btn btn-small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <nav id="sidenav" className={`sidenav ${menuOpen ? 'open' : ''}`} aria-label="Main">
        {NAV.map((group) => {
          const items = group.items.filter((i) => !i.adminOnly || canManage);
          if (items.length === 0) return null;
          return (
            <div key={group.heading} className="nav-group">
              <p className="nav-heading">{group.heading}</p>
              <ul>
                {items.map((item) => (
                  <li key={item.to}>
                    <Link to={item.to} aria-current={path === item.to || path.startsWith(`${item.to}/`) ? 'page' : undefined}>
                      {item.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        <Routes path={path} />
      </main>
      <ChangePasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </div>
  );
}

function Routes({ path }: { path: string }) {
  useEffect(() => {
    if (path === '/') navigate('/offers', { replace: true });
  }, [path]);
  let m: Record<string, string> | null;
  if (path === '/offers') return <OffersList />;
  if ((m = match('/offers/:id', path))) return <OfferScreen id={m.id!} tab="settings" />;
  if ((m = match('/offers/:id/:tab', path))) return <OfferScreen id={m.id!} tab={m.tab!} />;
  if (path === '/emails') return <EmailsList />;
  if ((m = match('/emails/:id', path))) return <EmailEditor id={m.id!} />;
  if (path === '/campaigns') return <CampaignsList />;
  if ((m = match('/campaigns/:id', path))) return <CampaignScreen id={m.id!} tab="definition" />;
  if ((m = match('/campaigns/:id/runs', path))) return <CampaignScreen id={m.id!} tab="runs" />;
  if (path === '/people') return <PeopleSearch />;
  if ((m = match('/people/:id', path))) return <PersonDetail id={m.id!} />;
  if (path === '/mail') return <MailLog />;
  if (path === '/api-keys') return <ApiKeys />;
  if (path === '/accounts') return <Accounts />;
  if (path === '/') return null;
  return (
    <Notice kind="warn" title="No such page">
      <p>
        There is nothing at this address. Go to the <Link to="/offers">referral offers</Link>.
      </p>
    </Notice>
  );
}

// Unexpected rendering errors still leave a message rather than a blank page.
window.addEventListener('unhandledrejection', (event) => {
  if (event.reason instanceof ApiError) event.preventDefault();
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
