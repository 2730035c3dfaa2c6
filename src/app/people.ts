import { NotFoundError } from '../domain/errors.js';
import type { Activity } from '../domain/referrals/activities.js';
import { normalizeEmail } from '../domain/referrals/people.js';
import type { Person } from '../domain/referrals/people.js';
import { listPersonActivities } from '../store/repositories/activity.repository.js';
import type { Page } from '../store/repositories/cursor.js';
import { findPerson, findPersonByEmail } from '../store/repositories/person.repository.js';
import type { AppContext } from './context.js';
import { parseCursor } from './pagination.js';

export async function getPersonOrThrow(ctx: AppContext, id: string): Promise<Person> {
  const person = await findPerson(ctx.store.db, id);
  if (!person) throw new NotFoundError('Person', id);
  return person;
}

export async function findPersonIdByEmail(ctx: AppContext, email: string): Promise<string | null> {
  const normalized = normalizeEmail(email);
  return normalized ? ((await findPersonByEmail(ctx.store.db, normalized))?.id ?? null) : null;
}

export async function personActivities(ctx: AppContext, id: string, query: { limit: number; cursor?: string }): Promise<Page<Activity>> {
  await getPersonOrThrow(ctx, id);
  return listPersonActivities(ctx.store.db, id, { limit: query.limit, after: parseCursor(query.cursor) });
}
