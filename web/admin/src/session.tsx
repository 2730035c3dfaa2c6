import { createContext, useContext } from 'react';
import type { Account } from './types.js';

export interface SessionValue {
  account: Account;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in app');
  return value;
}

/** What the signed-in account's role allows (the API checks the same on every route). */
export function usePermissions() {
  const { account } = useSession();
  return {
    canWrite: account.role === 'administrator' || account.role === 'marketer',
    canManage: account.role === 'administrator',
    canSeeAwards: account.role === 'administrator' || account.awards,
  };
}
