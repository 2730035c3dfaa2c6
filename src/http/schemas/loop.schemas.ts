import { Type } from '@sinclair/typebox';
import { CAPTURE_FIELDS } from '../../domain/offers/settings.js';
import { Id, Locale, Nullable, pageOf, Str, Strict } from './common.js';
import { SUPPORTED_LOCALES } from '../../domain/messages/default-texts.js';
import { DEFAULT_EMAIL_KINDS } from '../../domain/messages/widget-emails.js';
import { MAX_RESHARE_RECIPIENTS } from '../../domain/messages/widget-share.js';

// Every string a browser sends has a maximum length.
const VisitorId = Str(100, { minLength: 1, pattern: '^[A-Za-z0-9_.:-]+$' });
const ClickId = Str(80, { pattern: '^clk_[A-Za-z0-9]{1,64}$' });
const Page = Str(2048);
const Channel = Str(40, { pattern: '^[a-z_]+$' });

export const VisitBody = Strict({
  offerId: Id('off'),
  visitorId: VisitorId,
  clickId: Type.Optional(ClickId),
  page: Type.Optional(Page),
  sessionId: Type.Optional(VisitorId),
});

export const SignupBody = Strict({
  email: Str(254, { minLength: 3 }),
  fields: Type.Optional(
    Type.Object(Object.fromEntries(CAPTURE_FIELDS.filter((f) => f !== 'email').map((f) => [f, Type.Optional(Str(200))])), {
      additionalProperties: false,
    }),
  ),
  consent: Type.Optional(Type.Boolean()),
  visitorId: Type.Optional(VisitorId),
  clickId: Type.Optional(ClickId),
  page: Type.Optional(Page),
  channel: Type.Optional(Channel),
  locale: Type.Optional(Locale),
});

export const SignupResponse = Strict({
  participantId: Type.String(),
  shareCode: Type.String(),
  shareUrl: Type.String(),
  participantToken: Nullable(Type.String()),
});

export const ConversionBody = Strict({
  offerId: Id('off'),
  visitorId: Type.Optional(VisitorId),
  clickId: Type.Optional(ClickId),
  event: Type.Optional(Str(100, { minLength: 1 })),
  value: Type.Optional(Type.Number({ minimum: -1e12, maximum: 1e12 })),
  idempotencyKey: Type.Optional(Str(200, { minLength: 1 })),
});

export const ProgressResponse = Strict({
  offerId: Type.String(),
  participantId: Type.String(),
  credit: Type.Integer(),
  goal: Type.Integer(),
  goalType: Nullable(Type.String()),
  fulfilled: Type.Boolean(),
  fulfilledAt: Nullable(Type.String()),
  shareUrl: Type.String(),
});

export const ParticipantSchema = Strict({
  id: Type.String(),
  personId: Type.String(),
  email: Type.String(),
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  credit: Type.Integer(),
  fulfilledAt: Nullable(Type.String()),
  fulfillmentState: Nullable(Type.String()),
  shareCode: Type.String(),
  shareUrl: Type.String(),
  signupChannel: Nullable(Type.String()),
  createdAt: Type.String(),
  promoCodes: Nullable(Type.Array(Strict({ code: Type.String(), sentAt: Type.String() }))),
});

export const ParticipantQuery = Strict({
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  fulfilled: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  state: Type.Optional(Type.Union([Type.Literal('sent'), Type.Literal('awaiting_send'), Type.Literal('needs_code')])),
});

export const ParticipantPage = pageOf(ParticipantSchema);

export const PromoUploadReportSchema = Strict({
  accepted: Type.Integer(),
  duplicates: Type.Integer(),
  rejected: Type.Integer(),
  rejectedLines: Type.Array(Strict({ line: Type.Integer(), reason: Type.String() })),
  trimmed: Type.Integer(),
  available: Type.Integer(),
  released: Type.Integer(),
});

export const FulfillmentEmailsBody = Strict({
  participantIds: Type.Array(Id('par'), { minItems: 1, maxItems: 1000 }),
});

export const FulfillmentEmailsReport = Strict({
  queued: Type.Array(Type.String()),
  skipped: Type.Array(Strict({ participantId: Type.String(), reason: Type.String() })),
});

const Counters = Strict({
  referredVisits: Type.Integer(),
  referredSignups: Type.Integer(),
  lastReferredVisitAt: Nullable(Type.String()),
  lastReferredSignupAt: Nullable(Type.String()),
});

export const PersonSchema = Strict({
  id: Type.String(),
  email: Type.String(),
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  company: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  consent: Nullable(Type.String()),
  locale: Nullable(Type.String()),
  fields: Type.Record(Type.String(), Type.Unknown()),
  counters: Strict({ ...Counters.properties, byChannel: Type.Record(Type.String(), Counters) }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const ActivitySchema = Strict({
  id: Type.String(),
  type: Type.String(),
  offerId: Nullable(Type.String()),
  personId: Nullable(Type.String()),
  visitorId: Nullable(Type.String()),
  participantId: Nullable(Type.String()),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  occurredAt: Type.String(),
});

export const ActivityPage = pageOf(ActivitySchema);

export const OutboxSchema = Strict({
  id: Type.String(),
  kind: Type.String(),
  offerId: Nullable(Type.String()),
  personId: Nullable(Type.String()),
  to: Type.String(),
  subject: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  nextAttemptAt: Type.String(),
  lastError: Nullable(Type.String()),
  createdAt: Type.String(),
  sentAt: Nullable(Type.String()),
});

export const OutboxQuery = Strict({
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  status: Type.Optional(Type.Union(['pending', 'sending', 'sent', 'failed'].map((s) => Type.Literal(s)))),
  offerId: Type.Optional(Id('off')),
});

export const ShareBody = Strict({
  channel: Channel,
  message: Type.Optional(Str(2000)),
  recipients: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
});

// ----- The participant's experience: widget endpoints, embed code, default emails -----

const EmailAddress = Str(254, { minLength: 3 });

export const ReshareBody = Strict({
  recipients: Type.Array(EmailAddress, { minItems: 1, maxItems: MAX_RESHARE_RECIPIENTS }),
  locale: Type.Optional(Locale),
});

export const ReshareResponse = Strict({ sent: Type.Integer(), recipients: Type.Integer() });

export const ProgressLinkBody = Strict({ email: EmailAddress, locale: Type.Optional(Locale) });

/** The same answer whatever happened, for calls that must not tell who is known. */
export const AcceptedResponse = Strict({ accepted: Type.Literal(true) });

export const RestoreBody = Strict({ code: Str(200, { minLength: 1 }) });

export const RestoreResponse = Strict({ participantToken: Type.String(), offerId: Type.String() });

export const IdentifyBody = Strict({ visitorId: VisitorId, email: EmailAddress });

export const EmbedCodeQuery = Strict({
  width: Type.Optional(Str(12, { pattern: '^[0-9]{1,4}(px|%)?$' })),
  height: Type.Optional(Str(12, { pattern: '^([0-9]{1,4}(px)?|auto)$' })),
});

export const EmbedCodeResponse = Strict({
  offerId: Type.String(),
  published: Type.Boolean({ description: 'False until the offer is approved (or once archived): the widget then shows nothing to sign up for.' }),
  headerSnippet: Type.String({ description: 'Goes in <head>: loads /embed.js and defines goalpost(...) so calls before it loads are kept.' }),
  bodySnippet: Type.String({ description: 'Goes where the widget should appear.' }),
  conversionSnippet: Type.String({ description: 'For the custom JavaScript event goal: call it when the conversion happens.' }),
  hostedPageUrl: Type.String(),
});

export const DefaultEmailBody = Strict({
  kind: Type.Union(DEFAULT_EMAIL_KINDS.map((k) => Type.Literal(k))),
  locale: Type.Optional(Type.Union(SUPPORTED_LOCALES.map((l) => Type.Literal(l)))),
  name: Type.Optional(Str(200, { minLength: 1 })),
});
