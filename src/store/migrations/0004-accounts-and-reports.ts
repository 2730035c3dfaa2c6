import type { Kysely } from 'kysely';
import { countStoredActivities } from '../../app/report-stats.js';
import type { Database } from '../schema.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Admin UI accounts: a password hash (scrypt, parameters kept with it) and a role like API keys.
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('awards', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_sign_in_at', 'text')
    .execute();
  await db.schema.createIndex('accounts_created_idx').on('accounts').columns(['created_at', 'id']).execute();

  // Sessions behind the admin UI's cookie: only the token's hash is kept; deleting an account ends its sessions.
  await db.schema
    .createTable('account_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('account_sessions_account_idx').on('account_sessions').columns(['account_id']).execute();

  // Failed sign-ins per address, known or not (an unknown address is throttled alike, so answers do not tell them apart).
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('email', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .execute();
  await db.schema.createIndex('sign_in_failures_last_idx').on('sign_in_failures').columns(['last_failure_at']).execute();

  // Report counters, kept in the transaction of each activity (src/app/report-stats.ts): per hour for
  // hourly reports, and the same sums per day so a report over months reads days, not hours.
  await db.schema
    .createTable('offer_hourly_stats')
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('hour', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('offer_hourly_stats_pk', ['offer_id', 'hour', 'metric'])
    .execute();
  await db.schema
    .createTable('offer_daily_stats')
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('offer_daily_stats_pk', ['offer_id', 'day', 'metric'])
    .execute();
  await db.schema
    .createTable('report_first_marks')
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('mark', 'text', (c) => c.notNull())
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_first_marks_pk', ['participant_id', 'mark'])
    .execute();

  // Activities stored before this migration are counted now, with the same rules as live ones.
  await countStoredActivities(db as unknown as Kysely<Database>);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['report_first_marks', 'offer_daily_stats', 'offer_hourly_stats', 'sign_in_failures', 'account_sessions', 'accounts']) {
    await db.schema.dropTable(t).execute();
  }
}
