import type { FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { GoalpostError } from '../domain/errors.js';

/**
 * JSON body parser: an empty body is no body (clients send one with
 * Content-Type set on bodiless POSTs), `__proto__` and `constructor.prototype`
 * keys are refused, and every failure is a 400 in our error shape.
 */
const MAX_DEPTH = 64;

/**
 * True when arrays and objects nest deeper than MAX_DEPTH. Checked on the
 * text before parsing: later recursive walks over the value (validation,
 * hashing) must never meet a structure deep enough to exhaust the stack.
 */
function nestsTooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

export function parseJsonBody(_request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') return done(null, undefined);
  if (nestsTooDeep(text)) return done(new GoalpostError('malformed_json', `The body nests arrays and objects more than ${MAX_DEPTH} deep.`));
  try {
    done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
  } catch (err) {
    const forbidden = /prototype/i.test((err as Error).message);
    done(new GoalpostError('malformed_json', forbidden ? 'The body uses a forbidden key (__proto__ or constructor.prototype).' : 'The body is not valid JSON.'));
  }
}
