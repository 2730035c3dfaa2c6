/**
 * Filter and constraint operators as a registry of {validate, evaluate}, so a
 * new operator is one entry and validation and evaluation cannot drift apart.
 */
export const OPERATORS = ['is', 'is_not', 'contains', 'starts_with', 'greater_than', 'less_than', 'is_empty', 'is_not_empty', 'in_past_days'] as const;
export type Operator = (typeof OPERATORS)[number];

type Scalar = string | number | boolean | null;

interface OperatorDefinition {
  /** A problem with the operand, or null when it is fine. */
  validate(value: unknown): string | null;
  evaluate(actual: unknown, value: unknown, now: Date): boolean;
}

const asText = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const needsScalar = (v: unknown) => (isScalar(v) && v !== null ? null : 'needs a value (text, number or true/false)');
const needsText = (v: unknown) => (typeof v === 'string' && v.length > 0 ? null : 'needs a non-empty text value');
const needsNumber = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? null : 'needs a number');
const noValue = (v: unknown) => (v === undefined || v === null ? null : 'takes no value');

function numeric(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Text comparisons ignore case, as marketers expect of "is" on names and emails. */
function sameValue(actual: unknown, value: unknown): boolean {
  if (typeof value === 'number') return numeric(actual) === value;
  if (typeof value === 'boolean') return actual === value || asText(actual).toLowerCase() === String(value);
  return asText(actual).toLowerCase() === asText(value).toLowerCase();
}

export const OPERATOR_DEFINITIONS: Record<Operator, OperatorDefinition> = {
  is: { validate: needsScalar, evaluate: (a, v) => (Array.isArray(v) ? v.some((x) => sameValue(a, x)) : sameValue(a, v)) },
  is_not: { validate: needsScalar, evaluate: (a, v) => !sameValue(a, v) },
  contains: { validate: needsText, evaluate: (a, v) => asText(a).toLowerCase().includes(asText(v).toLowerCase()) },
  starts_with: { validate: needsText, evaluate: (a, v) => asText(a).toLowerCase().startsWith(asText(v).toLowerCase()) },
  greater_than: {
    validate: needsNumber,
    evaluate: (a, v) => {
      const n = numeric(a);
      return n !== null && n > (v as number);
    },
  },
  less_than: {
    validate: needsNumber,
    evaluate: (a, v) => {
      const n = numeric(a);
      return n !== null && n < (v as number);
    },
  },
  is_empty: { validate: noValue, evaluate: (a) => asText(a).trim() === '' },
  is_not_empty: { validate: noValue, evaluate: (a) => asText(a).trim() !== '' },
  in_past_days: {
    validate: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 3650 ? null : 'needs a whole number of days from 1 to 3650'),
    evaluate: (a, v, now) => {
      const t = typeof a === 'string' ? Date.parse(a) : NaN;
      return Number.isFinite(t) && t <= now.getTime() && t >= now.getTime() - (v as number) * 86_400_000;
    },
  },
};

export function isOperator(value: string): value is Operator {
  return (OPERATORS as readonly string[]).includes(value);
}
