import type { FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { GoalpostError } from '../domain/errors.js';

/**
 * JSON body parser: an empty body is no body (clients send one with
 * Content-Type set on bodiless POSTs), `__proto__` and `constructor.prototype`
 * keys are refused, and every failure is a 400 in our error shape.
 */
export function parseJsonBody(_request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') return done(null, undefined);
  try {
    done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
  } catch (err) {
    const forbidden = /prototype/i.test((err as Error).message);
    done(new GoalpostError('malformed_json', forbidden ? 'The body uses a forbidden key (__proto__ or constructor.prototype).' : 'The body is not valid JSON.'));
  }
}
