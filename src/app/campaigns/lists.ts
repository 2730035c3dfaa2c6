import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { normalizeEmail } from '../../domain/referrals/people.js';
import { addListMember, allLists, insertList, listExists, listMembers, removeListMember } from '../../store/repositories/list.repository.js';
import { upsertPersonByEmail } from '../../store/repositories/person.repository.js';
import type { AppContext } from '../context.js';

export interface StaticList {
  id: string;
  name: string;
  members: number;
  createdAt: string;
}

export async function createList(ctx: AppContext, name: string): Promise<StaticList> {
  const list = { id: newId('lst'), name, created_at: ctx.clock.now().toISOString() };
  await insertList(ctx.store.db, list);
  return { id: list.id, name, members: 0, createdAt: list.created_at };
}

export async function getLists(ctx: AppContext): Promise<StaticList[]> {
  return (await allLists(ctx.store.db)).map((l) => ({ id: l.id, name: l.name, members: Number(l.members), createdAt: l.created_at }));
}

async function requireList(ctx: AppContext, id: string): Promise<void> {
  if (!(await listExists(ctx.store.db, id))) throw new NotFoundError('List', id);
}

/** Adds people by email (unknown emails become people). */
export async function addToList(ctx: AppContext, listId: string, emails: string[]): Promise<{ added: number }> {
  const normalized = emails.map((e, i) => ({ email: normalizeEmail(e), i }));
  const bad = normalized.filter((n) => !n.email);
  if (bad.length) throw new ValidationError('Some addresses are invalid; nobody was added', bad.map((b) => ({ path: `emails.${b.i}`, message: 'Not a valid email address.' })));
  await requireList(ctx, listId);
  return ctx.store.db.transaction().execute(async (trx) => {
    const at = ctx.clock.now().toISOString();
    let added = 0;
    for (const { email } of normalized) {
      const person = await upsertPersonByEmail(trx, { id: newId('per'), email: email!, at });
      if (await addListMember(trx, listId, person.id, at)) added += 1;
    }
    return { added };
  });
}

export async function removeFromList(ctx: AppContext, listId: string, personId: string): Promise<void> {
  await requireList(ctx, listId);
  if (!(await removeListMember(ctx.store.db, listId, personId))) throw new NotFoundError('List member', personId);
}

export async function membersOfList(ctx: AppContext, listId: string, limit: number) {
  await requireList(ctx, listId);
  return (await listMembers(ctx.store.db, listId, limit)).map((m) => ({ personId: m.id, email: m.email, addedAt: m.added_at }));
}
