import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface CursorPosition {
  at: string;
  id: string;
}

/** Keyset pagination: the cursor is the (time, id) of the last row seen, opaque to clients. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

// Only what encodeCursor makes: an ISO time and one of our ids.
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const CURSOR_ID = /^[a-z]{2,4}_[A-Za-z0-9]{1,64}$/;

export function decodeCursor(cursor: string): CursorPosition | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      CURSOR_TIME.test(value[0]) &&
      CURSOR_ID.test(value[1])
    ) {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // fall through: a cursor we did not make
  }
  return null;
}

/** `where` condition for rows after the cursor in (time desc, id desc) order. */
export function before(timeColumn: string, idColumn: string, after: CursorPosition): RawBuilder<SqlBool> {
  const t = sql.ref(timeColumn);
  const id = sql.ref(idColumn);
  return sql<SqlBool>`(${t} < ${after.at} or (${t} = ${after.at} and ${id} < ${after.id}))`;
}

/** Cuts the one extra row a page query fetched into the page and its next cursor. */
export function toPage<T>(rows: T[], limit: number, position: (row: T) => CursorPosition): Page<T> {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(position(last)) : null };
}
