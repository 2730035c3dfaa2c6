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

export interface Database {
  api_keys: ApiKeyTable;
  emails: EmailTable;
  offers: OfferTable;
  idempotency_keys: IdempotencyKeyTable;
}
