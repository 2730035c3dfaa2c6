import type { Kysely, Selectable } from 'kysely';
import type { ActivityTable, Database } from '../schema.js';
import type { Activity } from '../../domain/referrals/activities.js';
import { newId } from '../../domain/ids.js';
import { before, toPage } from './cursor.js';
import type { CursorPosition, Page } from './cursor.js';

type Db = Kysely<Database>;

export function activityRowToActivity(row: Selectable<ActivityTable>): Activity {
  return {
    id: row.id,
    type: row.type,
    offerId: row.offer_id,
    personId: row.person_id,
    visitorId: row.visitor_id,
    participantId: row.participant_id,
    attributes: JSON.parse(row.attributes_json) as Record<string, unknown>,
    occurredAt: row.occurred_at,
  };
}

export type NewActivity = Omit<Activity, 'id'> & { id?: string };

export async function insertActivities(db: Db, activities: NewActivity[], at: string): Promise<string[]> {
  if (activities.length === 0) return [];
  const rows = activities.map((a) => ({
    id: a.id ?? newId('act'),
    type: a.type,
    offer_id: a.offerId,
    person_id: a.personId,
    visitor_id: a.visitorId,
    participant_id: a.participantId,
    attributes_json: JSON.stringify(a.attributes),
    occurred_at: a.occurredAt,
    created_at: at,
  }));
  await db.insertInto('activities').values(rows).execute();
  return rows.map((r) => r.id);
}

export async function listPersonActivities(
  db: Db,
  personId: string,
  options: { limit: number; after: CursorPosition | null },
): Promise<Page<Activity>> {
  let query = db
    .selectFrom('activities')
    .selectAll()
    // A friend's visits before they were known carry only their visitor id.
    .where((eb) =>
      eb.or([
        eb('person_id', '=', personId),
        eb.and([eb('person_id', 'is', null), eb('visitor_id', 'in', eb.selectFrom('visitors').select('id').where('person_id', '=', personId))]),
      ]),
    )
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.after) query = query.where(before('occurred_at', 'id', options.after));
  const page = toPage(await query.execute(), options.limit, (row) => ({ at: row.occurred_at, id: row.id }));
  return { data: page.data.map(activityRowToActivity), nextCursor: page.nextCursor };
}
