import { InvalidRequestError } from '../domain/errors.js';
import { decodeCursor } from '../store/repositories/cursor.js';
import type { CursorPosition } from '../store/repositories/cursor.js';

export function parseCursor(cursor: string | undefined): CursorPosition | null {
  if (!cursor) return null;
  const position = decodeCursor(cursor);
  if (!position) {
    throw new InvalidRequestError('The cursor is not one this server made: use nextCursor from a previous page.', [
      { path: 'cursor', message: 'Invalid cursor.' },
    ]);
  }
  return position;
}
