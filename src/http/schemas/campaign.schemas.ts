import { Type } from '@sinclair/typebox';
import { Id, Nullable, pageOf, Str, Strict } from './common.js';

/**
 * Campaign shapes are checked here for structure only (fields, types,
 * lengths); what each trigger, filter and step means is checked in the
 * domain, which reports every problem at once with a clear message (422).
 */
const Value = Type.Union([Str(1000), Type.Number(), Type.Boolean(), Type.Null(), Type.Array(Type.Union([Str(1000), Type.Number()]), { maxItems: 100 })]);

const Constraint = Strict({ field: Str(100), operator: Str(40), value: Type.Optional(Value) });

export const TriggerSchema = Strict({
  type: Str(60),
  constraints: Type.Optional(Type.Array(Constraint, { maxItems: 20 })),
});

export const FilterSchema = Strict({
  type: Str(60),
  field: Type.Optional(Str(100)),
  operator: Type.Optional(Str(40)),
  value: Type.Optional(Value),
  listId: Type.Optional(Str(80)),
  offerId: Type.Optional(Str(80)),
  activityType: Type.Optional(Str(60)),
  withinDays: Type.Optional(Type.Integer()),
  minCount: Type.Optional(Type.Integer()),
});

export const StepSchema = Strict({
  type: Str(60),
  offerId: Type.Optional(Str(80)),
  emailId: Type.Optional(Str(80)),
  listId: Type.Optional(Str(80)),
  field: Type.Optional(Str(100)),
  value: Type.Optional(Nullable(Str(1000))),
  minutes: Type.Optional(Type.Integer()),
  url: Type.Optional(Str(2048)),
  secret: Type.Optional(Str(200)),
  to: Type.Optional(Str(254)),
  message: Type.Optional(Str(2000)),
});

export const QualificationSchema = Strict({ rule: Str(40), hours: Type.Optional(Type.Integer()) });

const definition = {
  triggers: Type.Array(TriggerSchema, { maxItems: 20 }),
  filters: Type.Array(FilterSchema, { maxItems: 50 }),
  flow: Type.Array(StepSchema, { maxItems: 50 }),
  qualification: QualificationSchema,
};

export const CreateCampaignBody = Strict({
  name: Str(200, { minLength: 1 }),
  description: Type.Optional(Str(2000)),
  triggers: definition.triggers,
  filters: Type.Optional(definition.filters),
  flow: definition.flow,
  qualification: Type.Optional(QualificationSchema),
});

export const PatchCampaignBody = Type.Object(
  {
    name: Type.Optional(Str(200, { minLength: 1 })),
    description: Type.Optional(Str(2000)),
    triggers: Type.Optional(definition.triggers),
    filters: Type.Optional(definition.filters),
    flow: Type.Optional(definition.flow),
    qualification: Type.Optional(QualificationSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Problem = Strict({ path: Type.String(), message: Type.String() });

export const CampaignSchema = Strict({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  status: Type.String(),
  triggers: Type.Array(Type.Object({}, { additionalProperties: true })),
  filters: Type.Array(Type.Object({}, { additionalProperties: true })),
  flow: Type.Array(Type.Object({}, { additionalProperties: true })),
  qualification: Type.Object({}, { additionalProperties: true }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  activatedAt: Nullable(Type.String()),
  activationProblems: Type.Array(Problem),
});

export const CampaignPage = pageOf(Type.Omit(CampaignSchema, ['activationProblems']));

export const RunSchema = Strict({
  id: Type.String(),
  campaignId: Type.String(),
  personId: Type.String(),
  activityId: Type.String(),
  status: Type.String(),
  stepIndex: Type.Integer(),
  attempts: Type.Integer(),
  nextRunAt: Type.String(),
  detail: Nullable(Type.String()),
  createdAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  steps: Type.Array(Strict({ index: Type.Integer(), type: Type.String(), status: Type.String(), result: Type.Unknown(), at: Type.String() })),
});

export const RunPage = pageOf(RunSchema);

const ActivityItem = Strict({
  type: Type.Union(
    ['opportunity_created', 'purchase', 'webinar_registered', 'webinar_attended', 'form_filled', 'custom'].map((t) => Type.Literal(t)),
  ),
  name: Type.Optional(Str(100, { minLength: 1 })),
  person: Strict({ email: Str(254, { minLength: 3 }) }),
  offerId: Type.Optional(Id('off')),
  attributes: Type.Optional(
    Type.Record(Type.String({ maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9_. -]*$' }), Type.Union([Str(2000), Type.Number(), Type.Boolean(), Type.Null()]), {
      maxProperties: 50,
    }),
  ),
  occurredAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
  idempotencyKey: Type.Optional(Str(200, { minLength: 1 })),
});

export const IngestBody = Type.Union([ActivityItem, Strict({ activities: Type.Array(ActivityItem, { minItems: 1, maxItems: 1000 }) })]);

export const IngestResultSchema = Strict({ activityId: Type.String(), personId: Type.String(), replayed: Type.Boolean() });

export const IdentifyBody = Strict({ visitorId: Str(100, { minLength: 1, pattern: '^[A-Za-z0-9_.:-]+$' }), email: Str(254, { minLength: 3 }) });

export const ListSchema = Strict({ id: Type.String(), name: Type.String(), members: Type.Integer(), createdAt: Type.String() });
