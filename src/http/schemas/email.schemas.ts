import { Type } from '@sinclair/typebox';
import { Locale, Nullable, pageOf, Str, Strict } from './common.js';

const Subject = Str(500, { minLength: 1 });
const Html = Str(200_000, { minLength: 1 });
const Text = Nullable(Str(200_000));

export const EmailContentSchema = Strict({ subject: Subject, html: Html, text: Text });
const LocaleKey = '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$';

export const CreateEmailBody = Strict({
  name: Str(200, { minLength: 1 }),
  subject: Subject,
  html: Html,
  text: Type.Optional(Text),
  locale: Type.Optional(Locale),
  translations: Type.Optional(
    Type.Record(Type.String({ pattern: LocaleKey, maxLength: 35 }), EmailContentSchema, { additionalProperties: false, maxProperties: 20 }),
  ),
});

export const PatchEmailBody = Type.Object(
  {
    name: Type.Optional(Str(200, { minLength: 1 })),
    subject: Type.Optional(Subject),
    html: Type.Optional(Html),
    text: Type.Optional(Text),
    locale: Type.Optional(Locale),
    translations: Type.Optional(
      Type.Record(Type.String({ pattern: LocaleKey, maxLength: 35 }), Nullable(EmailContentSchema), {
        additionalProperties: false,
        maxProperties: 20,
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Versions = Type.Record(Type.String(), EmailContentSchema);

export const EmailSchema = Strict({
  id: Type.String(),
  name: Type.String(),
  locale: Type.String(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('approved')]),
  draft: Nullable(Versions),
  approved: Nullable(Versions),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  approvedAt: Nullable(Type.String()),
});

export const EmailPage = pageOf(EmailSchema);
