import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../domain/access.js';
import type { Permission, Principal } from '../domain/access.js';
import { authenticateApiKey } from '../app/api-keys.js';
import { authenticateSession, csrfMatches } from '../app/accounts.js';
import type { SignedInSession } from '../app/accounts.js';
import type { AppContext } from '../app/context.js';
import { errorBody, sendError, statusForCode } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** Set when the request came with the admin UI's session cookie. */
    adminSession: SignedInSession | null;
  }
  interface FastifyContextConfig {
    /** What the caller's role must allow; every admin route names one. */
    permission?: Permission;
  }
}

const BEARER = /^Bearer\s+(\S{1,200})\s*$/i;

/** The admin UI's session cookie: HttpOnly, SameSite=Strict, Path=/, Secure behind https. */
export const SESSION_COOKIE = 'goalpost_session';
const SESSION_TOKEN = /^gps_[A-Za-z0-9]{43}$/;
/** Reads: the cookie alone is enough. Everything else needs the CSRF token too. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function sessionCookieOptions(config: AppContext['config']) {
  return { path: '/', httpOnly: true, sameSite: 'strict', secure: config.publicUrl.startsWith('https:') } as const;
}

/** The session token the request's cookie carries, if it looks like one of ours. */
export function sessionTokenOf(request: FastifyRequest): string | null {
  const value = request.cookies?.[SESSION_COOKIE];
  return value && SESSION_TOKEN.test(value) ? value : null;
}

/** A session cookie on a write needs the session's CSRF token in `x-csrf-token`. */
function csrfRefused(request: FastifyRequest, token: string): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const header = request.headers['x-csrf-token'];
  return !csrfMatches(token, Array.isArray(header) ? header[0] : header);
}

/** 403 like `forbidden`, with its own code so the page can tell "reload the token" from "not allowed". */
function sendCsrfFailed(reply: FastifyReply): FastifyReply {
  return reply
    .status(statusForCode('forbidden'))
    .send(errorBody('csrf_failed', 'Signed-in writes need the x-csrf-token header: use csrfToken from POST or GET /api/v1/session.'));
}

/**
 * onRequest for /api/v1: an API key (`Authorization: Bearer`) or the admin
 * UI's session cookie. A missing, wrong or expired credential is 401, a role
 * that may not is 403, and a write with the cookie but without its CSRF token
 * is 403 csrf_failed. The key wins when both are sent.
 */
export function requirePermission(ctx: AppContext) {
  return async function checkPermission(request: FastifyRequest, reply: FastifyReply) {
    let principal: Principal | null;
    const authorization = request.headers.authorization;
    const token = authorization === undefined ? sessionTokenOf(request) : null;
    if (token) {
      const session = await authenticateSession(ctx, token);
      if (!session) {
        reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx.config));
        return sendError(reply, 'unauthorized', 'The session has ended or was signed out: sign in again.');
      }
      if (csrfRefused(request, token)) return sendCsrfFailed(reply);
      request.adminSession = session;
      principal = session.principal;
    } else {
      const match = BEARER.exec(authorization ?? '');
      if (!match) {
        return sendError(
          reply,
          'unauthorized',
          'Send an API key as "Authorization: Bearer KEY" (create one with `goalpost api-key create`), or sign in with POST /api/v1/session.',
        );
      }
      principal = await authenticateApiKey(ctx.store, ctx.clock, match[1]!);
      if (!principal) return sendError(reply, 'unauthorized', 'The API key is unknown or revoked.');
    }
    request.principal = principal;
    const permission = request.routeOptions.config.permission ?? 'manage_keys';
    if (!can(principal, permission)) {
      const who = token ? `An account with role ${principal.role}` : `A key with role ${principal.role}`;
      return sendError(reply, 'forbidden', `${who} may not do this (needs the "${permission}" permission).`);
    }
    return undefined;
  };
}
