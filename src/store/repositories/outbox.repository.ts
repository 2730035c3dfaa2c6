import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { Database, OutboxTable } from '../schema.js';
import type { DialectName } from '../store.js';
import { before, toPage } from './cursor.js';
import type { CursorPosition, Page } from './cursor.js';

type Db = Kysely<Database>;
export type OutboxRow = Selectable<OutboxTable>;

/** Queues a message; the dedupe key makes the same fact queue it only once. Returns whether it was new. */
export async function enqueueMessage(db: Db, row: OutboxRow): Promise<boolean> {
  const result = await db
    .insertInto('outbox')
    .values(row)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/**
 * Claims due messages for one worker: marks them `sending` with a lease, so a
 * worker that dies leaves them to be retried once the lease runs out.
 */
export async function claimDueMessages(
  db: Db,
  dialect: DialectName,
  now: string,
  leaseUntil: string,
  limit: number,
  maxAttempts: number,
): Promise<OutboxRow[]> {
  // A message whose worker died on every attempt (a poison message) is failed, not claimed for ever.
  await db
    .updateTable('outbox')
    .set({ status: 'failed', locked_until: null, last_error: sql<string>`coalesce(last_error, 'the worker stopped while sending it, on every attempt')` })
    .where('status', '=', 'sending')
    .where('locked_until', '<', now)
    .where('attempts', '>=', maxAttempts)
    .execute();
  const lock = dialect === 'postgres' ? sql`for update skip locked` : sql``;
  const result = await sql<OutboxRow>`
    update outbox set status = 'sending', locked_until = ${leaseUntil}, attempts = attempts + 1
    where id in (
      select id from outbox
      where (status = 'pending' and next_attempt_at <= ${now})
         or (status = 'sending' and locked_until < ${now})
      order by next_attempt_at limit ${limit} ${lock}
    )
    returning *`.execute(db);
  return result.rows;
}

export async function markSent(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('outbox').set({ status: 'sent', sent_at: at, locked_until: null, last_error: null }).where('id', '=', id).execute();
}

/**
 * A failed attempt changes the row only while the claim that made it still
 * holds (`attempts` as returned by the claim): a worker stuck past its lease
 * must not put back to pending, or fail, a message another worker has since
 * taken over or delivered.
 */
export async function markRetry(db: Db, id: string, attempts: number, nextAttemptAt: string, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'pending', next_attempt_at: nextAttemptAt, locked_until: null, last_error: error })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where('attempts', '=', attempts)
    .execute();
}

export async function markFailed(db: Db, id: string, attempts: number, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'failed', locked_until: null, last_error: error })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where('attempts', '=', attempts)
    .execute();
}

export async function listOutbox(
  db: Db,
  options: { limit: number; after: CursorPosition | null; status: string | null; offerId: string | null },
): Promise<Page<OutboxRow>> {
  let query = db.selectFrom('outbox').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1);
  if (options.status) query = query.where('status', '=', options.status);
  if (options.offerId) query = query.where('offer_id', '=', options.offerId);
  if (options.after) query = query.where(before('created_at', 'id', options.after));
  return toPage(await query.execute(), options.limit, (row) => ({ at: row.created_at, id: row.id }));
}
