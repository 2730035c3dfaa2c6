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

export function decodeCursor(cursor: string): CursorPosition | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // fall through: a cursor we did not make
  }
  return null;
}
