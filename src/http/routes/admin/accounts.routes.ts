import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { changeOwnPassword, createAccount, csrfTokenFor, deleteAccountOrThrow, listAccountsPage, setAccountPassword, signOut } from '../../../app/accounts.js';
import type { SignedInSession } from '../../../app/accounts.js';
import type { AppContext } from '../../../app/context.js';
import { InvalidRequestError } from '../../../domain/errors.js';
import { SESSION_COOKIE, sessionCookieOptions, sessionTokenOf } from '../../auth.js';
import { AccountPage, AccountSchema, ChangeOwnPasswordBody, CreateAccountBody, SessionSchema, SetPasswordBody } from '../../schemas/account.schemas.js';
import { errorResponses, IdParams, PageQuery } from '../../schemas/common.js';
import { parseLimit } from '../route-helpers.js';

/** Admin UI accounts, for administrators (the manage_keys permission, like API keys). */
export function accountRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['accounts'];
    app.post(
      '/accounts',
      {
        config: { permission: 'manage_keys' },
        schema: {
          tags,
          summary: 'Create an account that signs in to the admin UI (password of at least 10 characters)',
          body: CreateAccountBody,
          response: { 201: AccountSchema, ...errorResponses },
        },
      },
      async (request, reply) => reply.status(201).send(await createAccount(ctx.store, ctx.clock, request.body)),
    );
    app.get(
      '/accounts',
      {
        config: { permission: 'manage_keys' },
        schema: { tags, summary: 'List accounts, oldest first (never their passwords)', querystring: PageQuery, response: { 200: AccountPage, ...errorResponses } },
      },
      async (request) => listAccountsPage(ctx, { limit: parseLimit(request.query.limit), ...(request.query.cursor ? { cursor: request.query.cursor } : {}) }),
    );
    app.delete(
      '/accounts/:id',
      {
        config: { permission: 'manage_keys' },
        schema: { tags, summary: 'Delete an account and end its sessions (the last administrator stays: 409)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
      },
      async (request, reply) => {
        await deleteAccountOrThrow(ctx, request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/accounts/:id/password',
      {
        config: { permission: 'manage_keys' },
        schema: {
          tags,
          summary: "Set an account's password; its other sessions end",
          params: IdParams,
          body: SetPasswordBody,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await setAccountPassword(ctx.store, ctx.clock, request.params.id, request.body.password, request.adminSession?.id ?? null);
        return reply.status(204).send(null);
      },
    );
  };
}

/**
 * The signed-in account's own session, behind the /api/v1 hook like every
 * admin route (the cookie is the credential; DELETE and POST need the CSRF
 * token). An API key has no session: 400.
 */
export function ownSessionRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['session'];
    const signedIn = (request: FastifyRequest): SignedInSession => {
      if (!request.adminSession) {
        throw new InvalidRequestError('This needs the session cookie of a signed-in account (POST /api/v1/session); an API key has no session.');
      }
      return request.adminSession;
    };
    app.get(
      '/session',
      {
        config: { permission: 'read' },
        schema: { tags, summary: 'Who is signed in, with the CSRF token to send as x-csrf-token on writes', response: { 200: SessionSchema, ...errorResponses } },
      },
      async (request) => {
        const session = signedIn(request);
        return { account: session.account, csrfToken: csrfTokenFor(sessionTokenOf(request)!), expiresAt: session.expiresAt };
      },
    );
    app.delete(
      '/session',
      {
        config: { permission: 'read' },
        schema: { tags, summary: 'Sign out: ends the session and clears the cookie', response: { 204: Type.Null(), ...errorResponses } },
      },
      async (request, reply) => {
        await signOut(ctx, signedIn(request).id);
        reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(ctx.config));
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/session/password',
      {
        config: { permission: 'read' },
        schema: {
          tags,
          summary: 'Change your own password (the current one is asked again); your other sessions end',
          body: ChangeOwnPasswordBody,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await changeOwnPassword(ctx, signedIn(request), request.body.currentPassword, request.body.newPassword);
        return reply.status(204).send(null);
      },
    );
  };
}
