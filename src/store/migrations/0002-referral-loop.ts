import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('people')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('company', 'text')
    .addColumn('phone', 'text')
    .addColumn('fields_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('consent', 'text')
    .addColumn('locale', 'text')
    .addColumn('referred_visits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('referred_signups', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_referred_visit_at', 'text')
    .addColumn('last_referred_signup_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Referral counters per share channel, kept beside the person's totals.
  await db.schema
    .createTable('person_channel_counters')
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('referred_visits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('referred_signups', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_referred_visit_at', 'text')
    .addColumn('last_referred_signup_at', 'text')
    .addPrimaryKeyConstraint('person_channel_counters_pk', ['person_id', 'channel'])
    .execute();

  // A browser identity (visitor id from the page, or our redirect cookie) tied to a person once known.
  await db.schema
    .createTable('visitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.references('people.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('participants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('offer_id', 'text', (c) => c.notNull().references('offers.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('share_code', 'text', (c) => c.notNull().unique())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('credit', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fulfilled_at', 'text')
    .addColumn('fulfillment_state', 'text')
    .addColumn('signup_channel', 'text')
    .addColumn('signup_page', 'text')
    .addColumn('visitor_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('participants_offer_person_uq', ['offer_id', 'person_id'])
    .execute();
  await db.schema.createIndex('participants_offer_created_idx').on('participants').columns(['offer_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('clicks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('participant_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('browser_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // friend -> referrer per offer. The key (offer, friend) makes the first touch win.
  await db.schema
    .createTable('referrals')
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('friend_key', 'text', (c) => c.notNull())
    .addColumn('referrer_participant_id', 'text', (c) => c.notNull())
    .addColumn('click_id', 'text')
    .addColumn('channel', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('referrals_pk', ['offer_id', 'friend_key'])
    .execute();

  // Visit sessions: one row per (offer, visitor), extended while page loads come within 30 minutes.
  await db.schema
    .createTable('visit_sessions')
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('session_key', 'text', (c) => c.notNull())
    .addColumn('browser_session', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('visit_sessions_pk', ['offer_id', 'visitor_id'])
    .execute();

  // One row per credit granted; the unique key is what makes credit count exactly once.
  await db.schema
    .createTable('credits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('participant_id', 'text', (c) => c.notNull().references('participants.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('friend_key', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('credits_dedupe_uq', ['participant_id', 'dedupe_key'])
    .execute();

  await db.schema
    .createTable('activities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('offer_id', 'text')
    .addColumn('person_id', 'text')
    .addColumn('visitor_id', 'text')
    .addColumn('participant_id', 'text')
    .addColumn('attributes_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('activities_person_idx').on('activities').columns(['person_id', 'occurred_at']).execute();
  await db.schema.createIndex('activities_offer_idx').on('activities').columns(['offer_id', 'type', 'occurred_at']).execute();

  await db.schema
    .createTable('promo_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('offer_id', 'text', (c) => c.notNull().references('offers.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('participant_id', 'text', (c) => c.unique().references('participants.id'))
    .addColumn('assigned_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('promo_codes_offer_code_uq', ['offer_id', 'code'])
    .execute();
  await db.schema.createIndex('promo_codes_free_idx').on('promo_codes').columns(['offer_id', 'participant_id', 'id']).execute();

  // Mail written in the same transaction as the fact that causes it; delivered after commit.
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('offer_id', 'text')
    .addColumn('person_id', 'text')
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['outbox', 'promo_codes', 'activities', 'credits', 'visit_sessions', 'referrals', 'clicks', 'participants', 'visitors', 'person_channel_counters', 'people']) {
    await db.schema.dropTable(t).execute();
  }
}
