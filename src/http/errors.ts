import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GoalpostError } from '../domain/errors.js';
import type { ProblemDetail } from '../domain/errors.js';

/** The one code -> status table. Codes not listed here are our own faults (500). */
const STATUS_BY_CODE: Record<string, number> = {
  malformed_json: 400,
  invalid_request: 400,
  unsupported_media_type: 415,
  unauthorized: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  offer_archived: 409,
  offer_not_live: 409,
  nothing_to_approve: 409,
  no_draft: 409,
  draft_is_only_version: 409,
  idempotency_key_in_use: 409,
  idempotency_key_reused: 422,
  payload_too_large: 413,
  uri_too_long: 414,
  validation_failed: 422,
  rate_limited: 429,
};

export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code] ?? 500;
}

export interface ErrorBody {
  error: { code: string; message: string; details: ProblemDetail[] };
}

const MAX_DETAILS = 100;

/** The error shape; details are capped so a huge invalid body cannot make a huge answer. */
export function errorBody(code: string, message: string, details: ProblemDetail[] = []): ErrorBody {
  const shown = details.length > MAX_DETAILS ? [...details.slice(0, MAX_DETAILS), { path: '(more)', message: `${details.length - MAX_DETAILS} more problems not shown` }] : details;
  return { error: { code, message, details: shown } };
}

/** Turns Ajv's instancePath (`/goal/count`) and missingProperty into our dotted paths. */
function validationDetails(error: FastifyError): ProblemDetail[] {
  return (error.validation ?? []).map((v) => {
    const base = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const params = v.params as Record<string, unknown>;
    const extra = (params.missingProperty ?? params.additionalProperty) as string | undefined;
    const path = [error.validationContext === 'body' ? '' : error.validationContext, base, extra]
      .filter(Boolean)
      .join('.');
    let message = v.message ?? 'is invalid';
    if (params.additionalProperty) message = `unknown field "${String(params.additionalProperty)}"`;
    if (params.allowedValues) message += `: ${(params.allowedValues as unknown[]).join(', ')}`;
    return { path: path || '(body)', message };
  });
}

/** Maps any thrown error to the error shape; internals never reach the caller. */
export function toErrorResponse(error: unknown, request: FastifyRequest): { status: number; body: ErrorBody } {
  if (error instanceof GoalpostError) {
    return { status: statusForCode(error.code), body: errorBody(error.code, error.message, error.details) };
  }
  const e = error as FastifyError;
  if (e.validation) {
    const details = validationDetails(e);
    return {
      status: 400,
      body: errorBody('invalid_request', `The request does not match the schema: ${details.map((d) => `${d.path} ${d.message}`).slice(0, 3).join('; ')}`, details),
    };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: errorBody('malformed_json', 'The body is not valid JSON.') };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody('payload_too_large', 'The body is too large.') };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: errorBody('unsupported_media_type', `Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted here; send application/json.`) };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: errorBody('invalid_request', 'The Content-Length does not match the body.') };
  }
  // Errors from the JSON parser (prototype poisoning, bad UTF-8) and other client errors Fastify marks with a 4xx.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code = e.statusCode === 429 ? 'rate_limited' : e.statusCode === 413 ? 'payload_too_large' : 'invalid_request';
    return { status: e.statusCode, body: errorBody(code, e.statusCode === 400 && e instanceof SyntaxError ? 'The body is not valid JSON.' : e.message) };
  }
  return { status: 500, body: errorBody('internal_error', 'Something went wrong on our side; it has been logged.') };
}

export function sendError(reply: FastifyReply, code: string, message: string, details: ProblemDetail[] = []): FastifyReply {
  return reply.status(statusForCode(code)).send(errorBody(code, message, details));
}
