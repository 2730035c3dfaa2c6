import type { Kysely, Selectable } from 'kysely';
import type { Database, EmailTable } from '../schema.js';
import type { Email } from '../../domain/messages/email.js';
import type { EmailVersions } from '../../domain/messages/email.js';
import { before, toPage } from './cursor.js';
import type { CursorPosition, Page } from './cursor.js';

export function emailRowToEmail(row: Selectable<EmailTable>): Email {
  return {
    id: row.id,
    name: row.name,
    locale: row.locale,
    status: row.approved_json ? 'approved' : 'draft',
    draft: row.draft_json ? (JSON.parse(row.draft_json) as EmailVersions) : null,
    approved: row.approved_json ? (JSON.parse(row.approved_json) as EmailVersions) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    approvedAt: row.approved_at,
  };
}

export async function findEmail(db: Kysely<Database>, id: string): Promise<Email | null> {
  const row = await db.selectFrom('emails').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? emailRowToEmail(row) : null;
}

export async function findEmails(db: Kysely<Database>, ids: string[]): Promise<Email[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('emails').selectAll().where('id', 'in', ids).execute();
  return rows.map(emailRowToEmail);
}

export async function saveEmail(db: Kysely<Database>, email: Email, isNew: boolean): Promise<void> {
  const values = {
    name: email.name,
    locale: email.locale,
    draft_json: email.draft ? JSON.stringify(email.draft) : null,
    approved_json: email.approved ? JSON.stringify(email.approved) : null,
    updated_at: email.updatedAt,
    approved_at: email.approvedAt,
  };
  if (isNew) await db.insertInto('emails').values({ id: email.id, created_at: email.createdAt, ...values }).execute();
  else await db.updateTable('emails').set(values).where('id', '=', email.id).execute();
}

export async function listEmails(
  db: Kysely<Database>,
  options: { limit: number; after: CursorPosition | null },
): Promise<Page<Email>> {
  let query = db.selectFrom('emails').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1);
  if (options.after) query = query.where(before('created_at', 'id', options.after));
  const page = toPage(await query.execute(), options.limit, (row) => ({ at: row.created_at, id: row.id }));
  return { data: page.data.map(emailRowToEmail), nextCursor: page.nextCursor };
}
