import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app/context.js';
import { sendError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
}

const KEY = /^[A-Za-z0-9_.:-]{1,200}$/;

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(request.method)
    .update(request.url)
    .update(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null))
    .digest('hex');
}

/**
 * `Idempotency-Key` on a POST: the first request claims the key in the store
 * (a unique row, so concurrent retries cannot both run); later ones with the
 * same key get the first answer back and change nothing.
 */
export function idempotencyPreHandler(ctx: AppContext) {
  return async function claimIdempotencyKey(request: FastifyRequest, reply: FastifyReply) {
    request.idempotency = null;
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined) return undefined;
    const key = Array.isArray(header) ? header[0]! : header;
    if (!KEY.test(key)) {
      return sendError(reply, 'invalid_request', 'Idempotency-Key must be 1 to 200 letters, digits or _ . : -', [
        { path: 'headers.idempotency-key', message: 'invalid' },
      ]);
    }
    const scope = `${request.principal?.keyId ?? 'public'} ${request.routeOptions.url ?? ''}`;
    const hash = requestHash(request);
    const db = ctx.store.db;
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({ scope, key, request_hash: hash, status_code: null, response_json: null, created_at: ctx.clock.now().toISOString() })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) {
      request.idempotency = { scope, key };
      return undefined;
    }
    const first = await db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
    if (!first) return sendError(reply, 'idempotency_key_in_use', 'Retry: the first request with this key just finished.');
    if (first.request_hash !== hash) {
      return sendError(reply, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request: use a new key.');
    }
    if (first.status_code === null) {
      return sendError(reply, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still running: retry in a moment.');
    }
    reply.header('idempotent-replayed', 'true');
    return reply.status(first.status_code).type('application/json').send(first.response_json);
  };
}

/** onSend: keeps the answer for the key; a 5xx frees the key so a retry can run. */
export function idempotencyOnSend(ctx: AppContext) {
  return async function storeIdempotentResponse(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const claim = request.idempotency;
    if (!claim) return payload;
    const where = ctx.store.db.updateTable('idempotency_keys').where('scope', '=', claim.scope).where('key', '=', claim.key);
    if (reply.statusCode >= 500) {
      await ctx.store.db.deleteFrom('idempotency_keys').where('scope', '=', claim.scope).where('key', '=', claim.key).execute();
    } else {
      await where.set({ status_code: reply.statusCode, response_json: typeof payload === 'string' ? payload : null }).execute();
    }
    return payload;
  };
}
