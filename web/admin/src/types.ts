/** Shapes of the admin API's answers (see /api/v1/openapi.json). */
import type { OfferSettings } from '../../../src/domain/offers/settings.js';
import type { ParticipantView } from '../../../src/app/referrals/participants.js';
import type { RunView } from '../../../src/app/campaigns/campaigns.js';
import type { Problem } from './api.js';

export type { OfferSettings };

export type Role = 'administrator' | 'marketer' | 'analyst';

export interface Account {
  id: string;
  email: string;
  role: Role;
  awards: boolean;
  createdAt: string;
  updatedAt: string;
  lastSignInAt: string | null;
}

export interface Session {
  account: Account;
  csrfToken: string;
  expiresAt: string;
}

export interface Offer {
  id: string;
  name: string;
  status: 'draft' | 'approved' | 'archived';
  version: number;
  approved: OfferSettings | null;
  draft: OfferSettings | null;
  clonedFrom: string | null;
  createdAt: string;
  updatedAt: string;
  approvedAt: string | null;
  archivedAt: string | null;
}

export interface EmailContent {
  subject: string;
  html: string;
  text: string | null;
}

export interface Email {
  id: string;
  name: string;
  locale: string;
  status: 'draft' | 'approved';
  draft: Record<string, EmailContent> | null;
  approved: Record<string, EmailContent> | null;
  createdAt: string;
  updatedAt: string;
  approvedAt: string | null;
}

export interface PromoUploadReport {
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedLines: { line: number; reason: string }[];
  trimmed: number;
  available: number;
  released: number;
}

/** The server's own answer type: one definition, so the two cannot drift. */
export type Participant = ParticipantView;

export interface EmbedCode {
  offerId: string;
  published: boolean;
  headerSnippet: string;
  bodySnippet: string;
  conversionSnippet: string;
  hostedPageUrl: string;
}

export interface Counters {
  referredVisits: number;
  referredSignups: number;
  lastReferredVisitAt: string | null;
  lastReferredSignupAt: string | null;
}

export interface Person {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  phone: string | null;
  consent: string | null;
  locale: string | null;
  counters: Counters & { byChannel: Record<string, Counters> };
  createdAt: string;
  updatedAt: string;
}

export interface Activity {
  id: string;
  type: string;
  offerId: string | null;
  personId: string | null;
  visitorId: string | null;
  participantId: string | null;
  attributes: Record<string, unknown>;
  occurredAt: string;
}

export interface OutboxMail {
  id: string;
  kind: string;
  offerId: string | null;
  personId: string | null;
  to: string;
  subject: string;
  status: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  awards: boolean;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Constraint {
  field: string;
  operator: string;
  value?: unknown;
}
export interface Trigger {
  type: string;
  constraints: Constraint[];
}
export interface Filter {
  type: string;
  field?: string;
  operator?: string;
  value?: unknown;
  listId?: string;
  offerId?: string;
  activityType?: string;
  withinDays?: number;
  minCount?: number;
}
export interface Step {
  type: string;
  offerId?: string;
  emailId?: string;
  listId?: string;
  field?: string;
  value?: string | null;
  minutes?: number;
  url?: string;
  secret?: string;
  to?: string;
  message?: string;
}
export interface Qualification {
  rule: string;
  hours?: number;
}

export interface Campaign {
  id: string;
  name: string;
  description: string;
  status: string;
  triggers: Trigger[];
  filters: Filter[];
  flow: Step[];
  qualification: Qualification;
  createdAt: string;
  updatedAt: string;
  activatedAt: string | null;
  activationProblems?: Problem[];
}

export type CampaignRun = RunView;

export interface StaticList {
  id: string;
  name: string;
  members: number;
  createdAt: string;
}

type Figures = Record<
  'visits' | 'referredVisits' | 'widgetOpens' | 'signups' | 'interactions' | 'shares' | 'clicks' | 'registrations' | 'fulfilled' | 'participants' | 'sharers' | 'influencers' | 'reach',
  number
>;

export interface OfferReport {
  offerId: string;
  from: string;
  to: string;
  interval: 'hour' | 'day';
  funnel: { visits: number; interactions: number; shares: number; clicks: number; registrations: number; fulfilled: number };
  breakdown: { referredVisits: number; otherVisits: number; widgetOpens: number; signups: number };
  audience: { participants: number; sharers: number; influencers: number; reach: number };
  shareMetrics: { shareRate: number | null; clickbackRate: number | null; socialLift: number | null; viralCoefficient: number | null };
  series: ({ start: string } & Figures)[];
}
