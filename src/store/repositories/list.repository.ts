import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

export async function insertList(db: Db, list: { id: string; name: string; created_at: string }): Promise<void> {
  await db.insertInto('lists').values(list).execute();
}

export async function allLists(db: Db) {
  return db
    .selectFrom('lists')
    .leftJoin('list_members', 'list_members.list_id', 'lists.id')
    .select(['lists.id', 'lists.name', 'lists.created_at'])
    .select((eb) => eb.fn.count<string | number>('list_members.person_id').as('members'))
    .groupBy(['lists.id', 'lists.name', 'lists.created_at'])
    .orderBy('lists.created_at')
    .execute();
}

export async function listExists(db: Db, id: string): Promise<boolean> {
  return !!(await db.selectFrom('lists').select('id').where('id', '=', id).executeTakeFirst());
}

export async function addListMember(db: Db, listId: string, personId: string, at: string): Promise<boolean> {
  const r = await db
    .insertInto('list_members')
    .values({ list_id: listId, person_id: personId, added_at: at })
    .onConflict((oc) => oc.columns(['list_id', 'person_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function removeListMember(db: Db, listId: string, personId: string): Promise<boolean> {
  const r = await db.deleteFrom('list_members').where('list_id', '=', listId).where('person_id', '=', personId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function listIdsOfPerson(db: Db, personId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('list_members').select('list_id').where('person_id', '=', personId).execute();
  return new Set(rows.map((r) => r.list_id));
}

export async function listMembers(db: Db, listId: string, limit: number) {
  return db
    .selectFrom('list_members')
    .innerJoin('people', 'people.id', 'list_members.person_id')
    .select(['people.id', 'people.email', 'list_members.added_at'])
    .where('list_members.list_id', '=', listId)
    .orderBy('list_members.added_at')
    .limit(limit)
    .execute();
}
