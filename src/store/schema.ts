/**
 * Table types for Kysely. Both stores keep the same shapes: times are ISO 8601
 * UTC text (sortable as text), JSON documents are text, booleans are 0/1
 * integers, so one set of queries and migrations serves SQLite and PostgreSQL.
 */
export interface ApiKeyTable {
  id: string;
  name: string;
  role: string;
  awards: number;
  prefix: string;
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface EmailTable {
  id: string;
  name: string;
  locale: string;
  draft_json: string | null;
  approved_json: string | null;
  created_at: string;
  updated_at: string;
  approved_at: string | null;
}

export interface OfferTable {
  id: string;
  status: string;
  draft_json: string | null;
  approved_json: string | null;
  version: number;
  cloned_from: string | null;
  created_at: string;
  updated_at: string;
  approved_at: string | null;
  archived_at: string | null;
}

export interface IdempotencyKeyTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response_json: string | null;
  created_at: string;
}

export interface Database extends LoopTables, CampaignTables {
  api_keys: ApiKeyTable;
  emails: EmailTable;
  offers: OfferTable;
  idempotency_keys: IdempotencyKeyTable;
}

export interface PersonTable {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  phone: string | null;
  fields_json: string;
  consent: string | null;
  locale: string | null;
  referred_visits: number;
  referred_signups: number;
  last_referred_visit_at: string | null;
  last_referred_signup_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface PersonChannelCounterTable {
  person_id: string;
  channel: string;
  referred_visits: number;
  referred_signups: number;
  last_referred_visit_at: string | null;
  last_referred_signup_at: string | null;
}

export interface VisitorTable {
  id: string;
  person_id: string | null;
  created_at: string;
}

export interface ParticipantTable {
  id: string;
  offer_id: string;
  person_id: string;
  share_code: string;
  token_hash: string;
  credit: number;
  fulfilled_at: string | null;
  fulfillment_state: string | null;
  signup_channel: string | null;
  signup_page: string | null;
  visitor_id: string | null;
  created_at: string;
}

export interface ClickTable {
  id: string;
  offer_id: string;
  participant_id: string;
  channel: string | null;
  browser_id: string | null;
  created_at: string;
}

export interface ReferralTable {
  offer_id: string;
  friend_key: string;
  referrer_participant_id: string;
  click_id: string | null;
  channel: string | null;
  created_at: string;
  expires_at: string;
}

export interface VisitSessionTable {
  offer_id: string;
  visitor_id: string;
  session_key: string;
  browser_session: string | null;
  started_at: string;
  last_seen_at: string;
}

export interface CreditTable {
  id: string;
  offer_id: string;
  participant_id: string;
  kind: string;
  friend_key: string;
  dedupe_key: string;
  created_at: string;
}

export interface ActivityTable {
  id: string;
  type: string;
  offer_id: string | null;
  person_id: string | null;
  visitor_id: string | null;
  participant_id: string | null;
  attributes_json: string;
  occurred_at: string;
  created_at: string;
}

export interface PromoCodeTable {
  id: string;
  offer_id: string;
  code: string;
  participant_id: string | null;
  assigned_at: string | null;
  created_at: string;
}

export interface OutboxTable {
  id: string;
  kind: string;
  dedupe_key: string;
  offer_id: string | null;
  person_id: string | null;
  to_address: string;
  subject: string;
  html: string;
  text_body: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface LoopTables {
  people: PersonTable;
  person_channel_counters: PersonChannelCounterTable;
  visitors: VisitorTable;
  participants: ParticipantTable;
  clicks: ClickTable;
  referrals: ReferralTable;
  visit_sessions: VisitSessionTable;
  credits: CreditTable;
  activities: ActivityTable;
  promo_codes: PromoCodeTable;
  outbox: OutboxTable;
}

export interface CampaignTable {
  id: string;
  name: string;
  description: string;
  status: string;
  definition_json: string;
  created_at: string;
  updated_at: string;
  activated_at: string | null;
}

export interface CampaignRunTable {
  id: string;
  campaign_id: string;
  person_id: string;
  activity_id: string;
  status: string;
  step_index: number;
  attempts: number;
  next_run_at: string;
  locked_until: string | null;
  detail: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface CampaignTables {
  campaigns: CampaignTable;
  campaign_triggers: { trigger_type: string; campaign_id: string };
  campaign_memberships: { campaign_id: string; person_id: string; runs: number; last_run_at: string };
  campaign_runs: CampaignRunTable;
  campaign_step_results: { run_id: string; step_index: number; step_type: string; status: string; result_json: string; created_at: string };
  lists: { id: string; name: string; created_at: string };
  list_members: { list_id: string; person_id: string; added_at: string };
}

// ---- Admin UI accounts and offer reports (migration 0004) ----

export interface AccountTable {
  id: string;
  /** Lower-cased: one account per address. */
  email: string;
  role: string;
  awards: number;
  /** PHC string: `$scrypt$ln=15,r=8,p=1$salt$hash` (base64), parameters kept with the hash. */
  password_hash: string;
  created_at: string;
  updated_at: string;
  last_sign_in_at: string | null;
}

export interface AccountSessionTable {
  id: string;
  account_id: string;
  /** SHA-256 of the cookie's token; the token itself is never stored. */
  token_hash: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** Failed sign-ins per address (known or not), for the backoff. */
export interface SignInFailureTable {
  email: string;
  failures: number;
  last_failure_at: string;
  locked_until: string | null;
}

/** Report counters: one row per (offer, hour `YYYY-MM-DDTHH`, metric). */
export interface OfferHourlyStatTable {
  offer_id: string;
  hour: string;
  metric: string;
  count: number;
}

/** The same counters summed per day (`YYYY-MM-DD`), for reports over long ranges. */
export interface OfferDailyStatTable {
  offer_id: string;
  day: string;
  metric: string;
  count: number;
}

/** A participant's first share and first resulting click: what makes sharers and influencers count once. */
export interface ReportFirstMarkTable {
  participant_id: string;
  mark: string;
  offer_id: string;
  at: string;
}

export interface AdminTables {
  accounts: AccountTable;
  account_sessions: AccountSessionTable;
  sign_in_failures: SignInFailureTable;
}

export interface ReportTables {
  offer_hourly_stats: OfferHourlyStatTable;
  offer_daily_stats: OfferDailyStatTable;
  report_first_marks: ReportFirstMarkTable;
}

// Declaration merging adds these tables to Database without touching its first declaration.
export interface Database extends AdminTables, ReportTables {}
