/** Roles of spec section 7 and what each may do. */
export const ROLES = ['administrator', 'marketer', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  | 'read' // offers, emails, people, participants, reports
  | 'write' // create, edit, approve offers, emails, campaigns; ingest activities
  | 'manage_keys' // API keys and accounts
  | 'awards'; // see promo codes

const GRANTS: Record<Role, readonly Permission[]> = {
  administrator: ['read', 'write', 'manage_keys', 'awards'],
  marketer: ['read', 'write'],
  analyst: ['read'],
};

export interface Principal {
  keyId: string;
  role: Role;
  /** The separate awards permission: promo codes are shown only with it. */
  awards: boolean;
}

export function can(principal: Principal, permission: Permission): boolean {
  if (permission === 'awards') return principal.awards || principal.role === 'administrator';
  return GRANTS[principal.role].includes(permission);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
