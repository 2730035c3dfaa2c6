import { Type } from '@sinclair/typebox';
import type { Static, TLiteral, TObject, TProperties, TUnion } from '@sinclair/typebox';
import {
  CAPTURE_FIELDS,
  CONSENT_MODES,
  COUNTER_POSITIONS,
  FULFILLMENT_DELIVERIES,
  GOAL_TYPES,
  SHARE_CHANNELS,
  SHARE_TARGET_TYPES,
  SIGNUP_ORDERS,
} from '../../domain/offers/settings.js';
import type { OfferSettings } from '../../domain/offers/settings.js';
import { TEXT_KEYS } from '../../domain/messages/default-texts.js';
import { Id, Locale, Nullable, pageOf, Str, Strict } from './common.js';

// `type: 'string'` lets Ajv check `uniqueItems` of an enum array in one pass; without it the check is
// pairwise, and 30,000 distinct numbers in sharing.channels kept the event loop busy for 9 s.
const Enum = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v)), { type: 'string' }) as unknown as TUnion<TLiteral<T[number]>[]>;

const Url = Str(2048);
const TextOverrides = Type.Object(
  Object.fromEntries(TEXT_KEYS.map((k) => [k, Type.Optional(Str(2000))])),
  { additionalProperties: false },
);
const Messages = Type.Object(Object.fromEntries(SHARE_CHANNELS.map((c) => [c, Type.Optional(Str(1000))])), {
  additionalProperties: false,
});

// One definition of every setting; the draft PATCH schema is derived from it.
const settingsProperties = {
  name: Str(200, { minLength: 1 }),
  description: Str(5000),
  program: Nullable(Str(200)),
  goal: Strict({ type: Nullable(Enum(GOAL_TYPES)), count: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }),
  emails: Strict({ signup: Nullable(Id('eml')), fulfillment: Nullable(Id('eml')), reshare: Nullable(Id('eml')) }),
  fulfillmentDelivery: Enum(FULFILLMENT_DELIVERIES),
  promoCodes: Strict({ enabled: Type.Boolean() }),
  rulesUrl: Nullable(Url),
  privacyPolicy: Nullable(Strict({ title: Str(200), url: Url })),
  shareTarget: Strict({ type: Enum(SHARE_TARGET_TYPES), url: Nullable(Url) }),
  signupFlow: Strict({
    order: Enum(SIGNUP_ORDERS),
    fields: Type.Array(Strict({ name: Enum(CAPTURE_FIELDS), required: Type.Boolean() }), { maxItems: CAPTURE_FIELDS.length }),
    consent: Enum(CONSENT_MODES),
  }),
  sharing: Strict({
    channels: Type.Array(Enum(SHARE_CHANNELS), { maxItems: SHARE_CHANNELS.length, uniqueItems: true }),
    messages: Messages,
  }),
  trackProgress: Strict({ enabled: Type.Boolean() }),
  customEvents: Strict({ countEvery: Type.Boolean() }),
  locale: Locale,
  followBrowserLanguage: Type.Boolean(),
  texts: Type.Record(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35 }), TextOverrides, {
    additionalProperties: false,
    maxProperties: 50,
  }),
  style: Strict({
    buttonColor: Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }),
    buttonTextColor: Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }),
    counterPosition: Enum(COUNTER_POSITIONS),
  }),
  attributionWindowDays: Type.Integer({ minimum: 1, maximum: 365 }),
};

export const OfferSettingsSchema = Strict(settingsProperties, { description: 'Every setting of an offer version.' });

/** Each nested object may be given in part; `null` clears a nullable setting or removes a map entry. */
function partialDeep(props: TProperties): TProperties {
  const out: TProperties = {};
  for (const [key, schema] of Object.entries(props)) {
    const isObject = (schema as TObject).type === 'object' && (schema as TObject).properties && key !== 'texts';
    const inner = isObject ? Type.Object(partialDeep((schema as TObject).properties), { additionalProperties: false }) : schema;
    out[key] = Type.Optional(inner);
  }
  return out;
}

const patchProperties = partialDeep(settingsProperties);
// Map-valued settings accept null entries to remove a locale's texts or a channel's message.
patchProperties.texts = Type.Optional(
  Type.Record(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35 }), Nullable(TextOverrides), {
    additionalProperties: false,
    maxProperties: 50,
  }),
);
patchProperties.sharing = Type.Optional(
  Strict({
    channels: Type.Optional(settingsProperties.sharing.properties.channels),
    messages: Type.Optional(
      Type.Object(Object.fromEntries(SHARE_CHANNELS.map((c) => [c, Type.Optional(Nullable(Str(1000)))])), {
        additionalProperties: false,
      }),
    ),
  }),
);
export const OfferDraftPatchSchema = Type.Object(patchProperties, { additionalProperties: false, minProperties: 1 });

export const OfferSchema = Strict({
  id: Type.String(),
  name: Type.String(),
  status: Enum(['draft', 'approved', 'archived'] as const),
  version: Type.Integer(),
  approved: Nullable(OfferSettingsSchema),
  draft: Nullable(OfferSettingsSchema),
  clonedFrom: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  approvedAt: Nullable(Type.String()),
  archivedAt: Nullable(Type.String()),
});

export const OfferPage = pageOf(OfferSchema);

export const CreateOfferBody = Strict({
  name: Str(200, { minLength: 1 }),
  cloneFrom: Type.Optional(Id('off')),
  description: Type.Optional(Str(5000)),
  locale: Type.Optional(Locale),
});

export const OfferListQuery = Strict({
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  status: Type.Optional(Enum(['draft', 'approved', 'archived'] as const)),
});

// Compile-time check that the schema and the domain type agree.
type SchemaSettings = Static<typeof OfferSettingsSchema>;
const _settingsAgree = (s: SchemaSettings): OfferSettings => s;
void _settingsAgree;
