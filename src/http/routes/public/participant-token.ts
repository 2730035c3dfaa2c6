import { InvalidParticipantTokenError } from '../../../app/referrals/participants.js';

/** Bodies of the browser endpoints are small: a beacon, a sign-up, a list of ten addresses. */
export const PUBLIC_BODY_LIMIT_BYTES = 16 * 1024;

const BEARER = /^Bearer\s+(\S{1,200})\s*$/i;

/** The participant token of track progress and sharing, from `Authorization: Bearer pt_...`. */
export function participantToken(header: string | undefined): string {
  const match = BEARER.exec(header ?? '');
  if (!match) throw new InvalidParticipantTokenError();
  return match[1]!;
}
