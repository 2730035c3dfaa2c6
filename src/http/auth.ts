import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../domain/access.js';
import type { Permission, Principal } from '../domain/access.js';
import { authenticateApiKey } from '../app/api-keys.js';
import type { AppContext } from '../app/context.js';
import { sendError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** What the caller's role must allow; every admin route names one. */
    permission?: Permission;
  }
}

const BEARER = /^Bearer\s+(\S{1,200})\s*$/i;

/** preHandler for /api/v1: a missing or wrong key is 401, a role that may not is 403. */
export function requirePermission(ctx: AppContext) {
  return async function checkPermission(request: FastifyRequest, reply: FastifyReply) {
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match) {
      return sendError(reply, 'unauthorized', 'Send an API key as "Authorization: Bearer KEY". Create one with `goalpost api-key create`.');
    }
    const principal = await authenticateApiKey(ctx.store, ctx.clock, match[1]!);
    if (!principal) return sendError(reply, 'unauthorized', 'The API key is unknown or revoked.');
    request.principal = principal;
    const permission = request.routeOptions.config.permission ?? 'manage_keys';
    if (!can(principal, permission)) {
      return sendError(reply, 'forbidden', `A key with role ${principal.role} may not do this (needs the "${permission}" permission).`);
    }
    return undefined;
  };
}
