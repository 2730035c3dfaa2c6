import type { Kysely, Selectable } from 'kysely';
import type { Database, PersonChannelCounterTable, PersonTable } from '../schema.js';
import type { Person, ReferralCounters } from '../../domain/referrals/people.js';

type Db = Kysely<Database>;

function counters(row: Pick<PersonTable, 'referred_visits' | 'referred_signups' | 'last_referred_visit_at' | 'last_referred_signup_at'>): ReferralCounters {
  return {
    referredVisits: row.referred_visits,
    referredSignups: row.referred_signups,
    lastReferredVisitAt: row.last_referred_visit_at,
    lastReferredSignupAt: row.last_referred_signup_at,
  };
}

export function personRowToPerson(row: Selectable<PersonTable>, channels: Selectable<PersonChannelCounterTable>[] = []): Person {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    company: row.company,
    phone: row.phone,
    consent: row.consent as Person['consent'],
    locale: row.locale,
    fields: JSON.parse(row.fields_json) as Record<string, unknown>,
    counters: { ...counters(row), byChannel: Object.fromEntries(channels.map((c) => [c.channel, counters(c)])) },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findPerson(db: Db, id: string): Promise<Person | null> {
  const row = await db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const channels = await db.selectFrom('person_channel_counters').selectAll().where('person_id', '=', id).orderBy('channel').execute();
  return personRowToPerson(row, channels);
}

export async function findPersonByEmail(db: Db, email: string): Promise<Selectable<PersonTable> | null> {
  return (await db.selectFrom('people').selectAll().where('email', '=', email).executeTakeFirst()) ?? null;
}

/** Finds or creates the person for an (already normalised) email; safe under concurrent sign-ups. */
export async function upsertPersonByEmail(db: Db, input: { id: string; email: string; at: string }): Promise<Selectable<PersonTable>> {
  await db
    .insertInto('people')
    .values({ id: input.id, email: input.email, fields_json: '{}', created_at: input.at, updated_at: input.at, referred_visits: 0, referred_signups: 0 })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  return (await findPersonByEmail(db, input.email))!;
}

export async function updatePersonFields(
  db: Db,
  id: string,
  fields: Partial<Pick<PersonTable, 'first_name' | 'last_name' | 'company' | 'phone' | 'consent' | 'locale'>>,
  at: string,
): Promise<void> {
  if (Object.keys(fields).length === 0) return;
  await db.updateTable('people').set({ ...fields, updated_at: at }).where('id', '=', id).execute();
}

/** Adds one referred visit or sign-up to the referrer's totals and to the channel's. */
export async function bumpReferralCounter(db: Db, personId: string, kind: 'visit' | 'signup', channel: string, at: string): Promise<void> {
  if (kind === 'visit') {
    await db
      .updateTable('people')
      .set((eb) => ({ referred_visits: eb('referred_visits', '+', 1), last_referred_visit_at: at }))
      .where('id', '=', personId)
      .execute();
  } else {
    await db
      .updateTable('people')
      .set((eb) => ({ referred_signups: eb('referred_signups', '+', 1), last_referred_signup_at: at }))
      .where('id', '=', personId)
      .execute();
  }
  const visit = kind === 'visit';
  await db
    .insertInto('person_channel_counters')
    .values({
      person_id: personId,
      channel,
      referred_visits: visit ? 1 : 0,
      referred_signups: visit ? 0 : 1,
      last_referred_visit_at: visit ? at : null,
      last_referred_signup_at: visit ? null : at,
    })
    .onConflict((oc) =>
      oc.columns(['person_id', 'channel']).doUpdateSet((eb) =>
        visit
          ? { referred_visits: eb('person_channel_counters.referred_visits', '+', 1), last_referred_visit_at: at }
          : { referred_signups: eb('person_channel_counters.referred_signups', '+', 1), last_referred_signup_at: at },
      ),
    )
    .execute();
}

/** Ties a browser identity to a person (first tie wins; a later identify moves it to the new person). */
export async function linkVisitor(db: Db, visitorId: string, personId: string | null, at: string): Promise<void> {
  await db
    .insertInto('visitors')
    .values({ id: visitorId, person_id: personId, created_at: at })
    .onConflict((oc) => (personId ? oc.column('id').doUpdateSet({ person_id: personId }) : oc.column('id').doNothing()))
    .execute();
}

export async function personIdForVisitor(db: Db, visitorId: string): Promise<string | null> {
  const row = await db.selectFrom('visitors').select('person_id').where('id', '=', visitorId).executeTakeFirst();
  return row?.person_id ?? null;
}
