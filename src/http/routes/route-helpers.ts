import { InvalidRequestError } from '../../domain/errors.js';

/** `limit` query parameter: 1 to 100, default 50. */
export function parseLimit(value: string | undefined): number {
  if (value === undefined) return 50;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    throw new InvalidRequestError('limit must be from 1 to 100', [{ path: 'querystring.limit', message: 'from 1 to 100' }]);
  }
  return n;
}
