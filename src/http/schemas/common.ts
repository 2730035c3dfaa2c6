import { Type } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';

/** No NUL character: PostgreSQL text cannot hold one (the write failed with a 500), so both stores refuse it alike. */
export const NO_NUL = '^[^\\u0000]*$';

/** Strings from outside always have a maximum length and no NUL (a caller's own `pattern` must exclude NUL itself). */
export const Str = (max: number, opts: { minLength?: number; pattern?: string } = {}) =>
  Type.String({ maxLength: max, pattern: NO_NUL, ...opts });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Objects from outside never carry unknown fields: they are refused, not dropped. */
export const Strict = <T extends Record<string, TSchema>>(props: T, opts: { description?: string } = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });

export const Id = (prefix: string) => Type.String({ pattern: `^${prefix}_[A-Za-z0-9]{1,64}$`, maxLength: 80 });

export const IdParams = Strict({ id: Type.String({ maxLength: 100, pattern: NO_NUL }) });

export const Locale = Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35 });

export const ErrorBody = Strict(
  {
    error: Strict({
      code: Type.String(),
      message: Type.String(),
      details: Type.Array(Strict({ path: Type.String(), message: Type.String() })),
    }),
  },
  { description: 'Every error has this shape.' },
);

export const PageQuery = Strict({
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1 to 100, default 50' })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

export function pageOf<T extends TSchema>(item: T) {
  return Strict({ data: Type.Array(item), nextCursor: Nullable(Type.String()) });
}

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  422: ErrorBody,
};
