/**
 * Hostile input against every admin route.
 *
 * The routes are discovered from the running server (GET /api/v1/openapi.json,
 * every path and method under /api/v1), real ids are substituted (one offer,
 * one email, one non-administrator API key, plus the first item of any other
 * collection), and each operation gets a few dozen generated requests: wrong
 * types, huge and deeply nested bodies, prototype keys, unicode oddities,
 * odd numbers, malformed JSON, wrong content types, garbage query strings and
 * path ids, bad Authorization headers.
 *
 * Every request that is not a GET is invalid by construction (a parse error,
 * a content type without a parser, a body over the limit, a bad key, a body
 * that breaks its schema, or a plain unknown id), so nothing may change: every
 * GET route (with the real ids) is snapshotted before and after. Body limits are
 * found by asking the server, since routes may set their own.
 *
 * Reproduce a failure with the seed printed in the message:
 *   HOSTILE_SEED=1234 npx vitest run test/hostile-input.test.ts
 * (HOSTILE_SEED=random picks a new one; HOSTILE_VERBOSE=1 prints every problem, not one per kind.)
 */
import { performance } from 'node:perf_hooks';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestApp } from './support/app.js';
import type { TestApp } from './support/app.js';
import { DIALECTS } from './support/stores.js';

// ---------------------------------------------------------------- seeded PRNG

function resolveSeed(value: string | undefined): number {
  if (!value) return 20261101;
  if (value === 'random') return Math.floor(Math.random() * 2 ** 32) >>> 0;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`HOSTILE_SEED must be an integer or "random", got ${value}`);
  return n >>> 0;
}

const SEED = resolveSeed(process.env.HOSTILE_SEED);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }
}

// ---------------------------------------------------------------- JSON values written as raw text

/** A piece of JSON text written as is: numbers JSON.stringify cannot produce (-0, 1e309), deep nesting. */
class Raw {
  constructor(readonly text: string) {}
}
type V = null | boolean | number | string | Raw | V[] | { [key: string]: V };

/** Objects without a prototype, so `__proto__` is an ordinary key that ends up in the text. */
function obj(entries: Array<[string, V]> = []): { [key: string]: V } {
  const o = Object.create(null) as { [key: string]: V };
  for (const [k, v] of entries) o[k] = v;
  return o;
}

function toText(v: V): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toText).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${toText(v[k]!)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const KB = 1024;
const MB = 1024 * KB;
const DEEP = 10_000;
const HUGE_ARRAY = 100_000;
const BODY_LIMIT = 256 * KB; // src/http/server.ts BODY_LIMIT_BYTES

const deepArrays = (n = DEEP) => '['.repeat(n) + ']'.repeat(n);
const deepObjects = (n = DEEP, leaf = '1') => '{"a":'.repeat(n) + leaf + '}'.repeat(n);
const deepMixed = (n = DEEP) => '[{"a":'.repeat(n / 2) + 'null' + '}]'.repeat(n / 2);
const hugeArray = (n = HUGE_ARRAY) => `[${'0,'.repeat(n - 1)}0]`;

const ODD_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud800y',
  '\udc00\ud800',
  '\u202eevil\u202c',
  '\u200f\u200e',
  '\ufeff',
  '\uffff\ufffe',
  '💩',
  'e\u0301\u0301\u0301',
  '\r\n\t\u000b\u000c',
  '\u2028\u2029',
  '<script>alert(1)</script>',
  "' OR '1'='1' --",
  '"; DROP TABLE offers; --',
  '${7*7}{{7*7}}',
  '../../../etc/passwd',
  '%00%ff',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  'x'.repeat(201),
];

const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\u202e',
  '$ref',
  'NAME',
  'name ',
  'k'.repeat(1000),
];

const ODD_NUMBERS: readonly Raw[] = [
  new Raw('-0'),
  new Raw('1e309'),
  new Raw('-1e309'),
  new Raw('9007199254740993'),
  new Raw('1e-400'),
  new Raw('0.1e1'),
  new Raw('1.5'),
  new Raw('-1'),
  new Raw('0'),
  new Raw('123456789012345678901234567890'),
];

/** JSON text that no JSON parser accepts (or that the prototype-poisoning guard refuses). */
const MALFORMED_JSON: readonly string[] = [
  '{',
  '{"name":',
  '{"name":"x"',
  '[1,2',
  '{"name":"x",}',
  '[1,2,]',
  "{'name':'x'}",
  '{name:"x"}',
  '{"a":NaN}',
  'NaN',
  '{"a":Infinity}',
  '{"a":-Infinity}',
  '{"a":0x10}',
  '{"a":+1}',
  '{"a":01}',
  '{"a":.5}',
  '{"a":1.}',
  '{"a":"\u0001"}',
  '{"a":"x\\q"}',
  '{"a":"\\ud800',
  '{}{}',
  '{"a":1} x',
  'undefined',
  '{"a":undefined}',
  '{"a":1 /* comment */}',
  '// comment\n{}',
  '\u0000',
  '{"a":"unterminated}',
  '{"a" 1}',
  '{,}',
  '[',
  ']',
  '}',
  'tru',
  '"',
  `${'['.repeat(DEEP)}`,
  `${'{"a":'.repeat(DEEP)}1`,
];

const PROTO_POISON_JSON: readonly string[] = [
  '{"__proto__":{"polluted":true}}',
  '{"name":"x","__proto__":{"isAdmin":true}}',
  '{"a":{"__proto__":{"polluted":true}}}',
  '{"a":[{"__proto__":{"polluted":true}}]}',
  '{"\\u005f_proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":{"constructor":{"prototype":{"polluted":true}}}}',
  `${'{"x":'.repeat(DEEP)}{"__proto__":{"polluted":true}}${'}'.repeat(DEEP)}`,
];

/** Content types no admin route has a parser for (only application/json and text/plain are parsed). */
const UNPARSEABLE_TYPES: readonly string[] = [
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'text/html',
  'application/octet-stream',
  'application/vnd.api+json',
  'application/json-patch+json',
  'image/png',
  ';;;',
  'application/',
  '*/*',
];

const JSON_TYPES: readonly string[] = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/json; charset=utf-16le',
  'application/json;charset=latin1;x=y',
];

const BAD_AUTH: readonly (string | undefined)[] = [
  undefined,
  '',
  'Bearer',
  'Bearer ',
  'Bearer wrong-key',
  `Bearer ${ADMIN_KEY}x`,
  `Bearer ${ADMIN_KEY.toUpperCase()}`,
  `Bearer ${ADMIN_KEY.slice(0, -1)}`,
  `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}`,
  `Token ${ADMIN_KEY}`,
  ADMIN_KEY,
  `Bearer ${ADMIN_KEY} extra`,
  `Bearer ${ADMIN_KEY},Bearer ${ADMIN_KEY}`,
  `Bearer ${'x'.repeat(10_000)}`,
  `Bearer ${'x'.repeat(200)}`,
  'Bearer null',
  'Bearer undefined',
  'Bearer [object Object]',
  `Bearer ${ADMIN_KEY}\u00e9`,
  'Bearer \u0000',
];

/** Path ids that are not plain unknown ids: traversal, encodings, lengths, oddities. */
const HOSTILE_IDS: readonly string[] = [
  '..',
  '.',
  '../',
  '../..',
  '%2e%2e',
  '%2E%2E%2F',
  '..%2F..%2Fapi-keys',
  '..%5C..%5C',
  '%2F',
  '%00',
  'off_%00',
  'eml_x%00y',
  '%E2%80%AE',
  '%E2%80%8F',
  '%EF%BB%BF',
  '%F0%9F%92%A9',
  '%ff',
  '%C0%AE%C0%AE',
  '%ED%A0%80',
  '%',
  '%zz',
  'a'.repeat(10_000),
  'a'.repeat(101),
  encodeURIComponent("' OR '1'='1"),
  encodeURIComponent('off_x; DROP TABLE offers;--'),
  '%20',
  '+',
  encodeURIComponent('<script>'),
  'off_*',
  '%25',
  '%3F',
  '%23',
  '__proto__',
  'constructor',
];

const GARBAGE_QUERY_VALUES: readonly string[] = [
  '-1',
  'abc',
  '0',
  '101',
  '1e2',
  '1.5',
  '',
  '%00',
  '%ff',
  '%',
  '9'.repeat(400),
  'null',
  '%5B%5D',
  '%7B%7D',
  '__proto__',
  '%E2%80%AE',
  encodeURIComponent("' OR 1=1 --"),
  'a'.repeat(5000),
  '+',
  '%2B1',
  '%201',
  '0x10',
  'Infinity',
  'NaN',
];

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Cursors this server never made, some of which decode to something plausible. */
const FORGED_CURSORS: readonly string[] = [
  b64(['\u0000', 'x']),
  b64(['x', '\u0000']),
  b64(['2026-11-01T12:00:00.000Z', 'off_\u0000']),
  b64(['\ud800', 'x']),
  b64(["' OR 1=1 --", "x' OR '1'='1"]),
  b64([1, 2]),
  b64(['a']),
  b64({}),
  b64([null, null]),
  b64(['9999-12-31T23:59:59.999Z', 'zzz']),
  b64(['', '']),
  b64(['x'.repeat(120), 'y']),
  'not-a-cursor',
  '====',
  'W10',
  '%00',
  'x'.repeat(201),
].map((c) => (c.startsWith('%') ? c : encodeURIComponent(c)));

const QUERY_KEYS: readonly string[] = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'foo', 'limit[]', 'cursor[0]', '%00', ''];

// ---------------------------------------------------------------- schemas from the OpenAPI document

interface Schema {
  type?: string | string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  patternProperties?: Record<string, Schema>;
  items?: Schema;
  uniqueItems?: boolean;
  maxLength?: number;
}

const TYPE_NAMES = ['string', 'number', 'boolean', 'null', 'array', 'object'] as const;
type TypeName = (typeof TYPE_NAMES)[number];

function jsonTypeOf(value: unknown): TypeName {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : 'object';
}

/** The JSON types a schema may accept; null when it cannot be told (so no value is surely wrong). */
function acceptedTypes(s: Schema): Set<TypeName> | null {
  const branches = s.anyOf ?? s.oneOf;
  if (branches) {
    const out = new Set<TypeName>();
    for (const b of branches) {
      const t = acceptedTypes(b);
      if (!t) return null;
      t.forEach((x) => out.add(x));
    }
    return out;
  }
  if (s.allOf) return null;
  if (s.type !== undefined) {
    const out = new Set<TypeName>();
    for (const t of Array.isArray(s.type) ? s.type : [s.type]) out.add(t === 'integer' ? 'number' : (t as TypeName));
    return out;
  }
  if ('const' in s) return new Set([jsonTypeOf(s.const)]);
  if (s.enum) return new Set(s.enum.map(jsonTypeOf));
  return null;
}

function isClosedObject(s: Schema): boolean {
  return s.additionalProperties === false && !s.patternProperties;
}

// ---------------------------------------------------------------- value generators

function hostileString(rng: Rng): string {
  if (rng.chance(0.04)) return 'x'.repeat(100 * KB);
  const base = rng.pick(ODD_STRINGS);
  return rng.chance(0.3) ? base + rng.pick(ODD_STRINGS) : base;
}

function sampleOfType(rng: Rng, type: TypeName): V {
  switch (type) {
    case 'string':
      return hostileString(rng);
    case 'number':
      return rng.pick(ODD_NUMBERS);
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'array':
      return rng.pick<() => V>([() => [], () => [1, 'a', null], () => [obj([[rng.pick(HOSTILE_KEYS), 1]])], () => new Raw(deepArrays(50))])();
    case 'object':
      return rng.pick<() => V>([() => obj(), () => obj([[rng.pick(HOSTILE_KEYS), hostileString(rng)]]), () => new Raw(deepObjects(50))])();
  }
}

/** A value of a type the schema does not accept, or undefined when none is sure to be wrong. */
function wrongValue(rng: Rng, s: Schema): V | undefined {
  const accepted = acceptedTypes(s);
  if (!accepted) return undefined;
  const candidates = TYPE_NAMES.filter((t) => !accepted.has(t));
  if (candidates.length === 0) return undefined;
  return sampleOfType(rng, rng.pick(candidates));
}

/** Something close to what the schema wants, with odd strings and numbers: valid or not, never relied on. */
function plausible(rng: Rng, s: Schema, depth = 0): V {
  const branches = s.anyOf ?? s.oneOf;
  if (branches && branches.length > 0) return plausible(rng, rng.pick(branches), depth);
  if (s.enum && s.enum.length > 0) return rng.pick(s.enum) as V;
  if ('const' in s) return s.const as V;
  const type = Array.isArray(s.type) ? rng.pick(s.type) : s.type;
  switch (type) {
    case 'string':
      return rng.chance(0.4) ? 'ok' : hostileString(rng);
    case 'integer':
    case 'number':
      return rng.chance(0.3) ? 1 : rng.pick(ODD_NUMBERS);
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'array': {
      if (depth > 4) return [];
      const n = rng.int(4);
      return Array.from({ length: n }, () => (s.items ? plausible(rng, s.items, depth + 1) : rng.pick(ODD_STRINGS)));
    }
    case 'object': {
      const o = obj();
      if (depth > 4) return o;
      for (const [k, ps] of Object.entries(s.properties ?? {})) if (rng.chance(0.5)) o[k] = plausible(rng, ps, depth + 1);
      const valueSchema =
        typeof s.additionalProperties === 'object' ? s.additionalProperties : Object.values(s.patternProperties ?? {})[0];
      if (valueSchema && rng.chance(0.6)) o[rng.pick(['en', 'de-DE', 'xx-YYYYYYYYY', 'EN', ...HOSTILE_KEYS])] = plausible(rng, valueSchema, depth + 1);
      return o;
    }
    default:
      return sampleOfType(rng, rng.pick(TYPE_NAMES));
  }
}

/**
 * Makes `body` (an object for a schema `s`) surely invalid: an unknown key
 * where unknown keys are refused, or a known field (maybe nested) of a wrong
 * type. Returns a description, or null if it found no sure way.
 */
function poison(rng: Rng, s: Schema, body: { [key: string]: V }): string | null {
  const props = s.properties ?? {};
  const ways: Array<() => string | null> = [];
  if (isClosedObject(s)) {
    ways.push(() => {
      const keys = HOSTILE_KEYS.filter((k) => !(k in props));
      const key = rng.pick(keys);
      body[key] = rng.chance(0.5) ? hostileString(rng) : sampleOfType(rng, rng.pick(TYPE_NAMES));
      return `unknown key ${JSON.stringify(key.slice(0, 20))}`;
    });
  }
  const fields = Object.keys(props).filter((k) => acceptedTypes(props[k]!) !== null);
  if (fields.length > 0) {
    ways.push(() => {
      let schema: Schema = s;
      let target = body;
      const path: string[] = [];
      for (;;) {
        const keys = Object.keys(schema.properties ?? {}).filter((k) => acceptedTypes(schema.properties![k]!) !== null);
        if (keys.length === 0) return null;
        const key = rng.pick(keys);
        const sub = schema.properties![key]!;
        path.push(key);
        // Go one level deeper into plain nested objects now and then.
        if (sub.type === 'object' && sub.properties && Object.keys(sub.properties).length > 0 && rng.chance(0.5)) {
          const existing = target[key];
          const next = existing !== null && typeof existing === 'object' && !Array.isArray(existing) && !(existing instanceof Raw) ? existing : obj();
          target[key] = next;
          target = next;
          schema = sub;
          continue;
        }
        const wrong = wrongValue(rng, sub);
        if (wrong === undefined) return null;
        target[key] = wrong;
        return `wrong type at ${path.join('.')}`;
      }
    });
  }
  for (let attempt = 0; attempt < 4 && ways.length > 0; attempt++) {
    const done = rng.pick(ways)();
    if (done) return done;
  }
  return null;
}

// ---------------------------------------------------------------- operations

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Fastify parses these bodies on every admin route, declared or not. */
const PARSED_TYPES = ['application/json', 'text/plain'];

interface Operation {
  method: string;
  path: string;
  /** Each `{param}` with the segment before it: the collection the id belongs to. */
  params: Array<{ name: string; collection: string }>;
  query: string[];
  /** The body schema, whichever content type declares it; null when the route takes no body. */
  body: Schema | null;
  /** The top-level JSON types the body schema accepts; null when any (or no schema). */
  accepts: Set<TypeName> | null;
  contentTypes: string[];
  /**
   * Body sizes, found by asking the running server (routes may set their own limit): a body of `tooBig`
   * bytes or more gets 413, one of up to `fits` bytes is read. null: no limit found up to 16 MB.
   */
  limits: { fits: number; tooBig: number | null };
  /** Paths of arrays whose items must be unique (Ajv compares them pairwise unless it knows the item type). */
  uniqueArrays: string[][];
}

function findUniqueArrays(s: Schema, path: string[] = [], out: string[][] = []): string[][] {
  if (s.type === 'array' && s.uniqueItems) out.push(path);
  for (const [k, sub] of Object.entries(s.properties ?? {})) findUniqueArrays(sub, [...path, k], out);
  return out;
}

function operationsFrom(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const segments = path.split('/');
      const params = segments.flatMap((seg, i) => {
        const m = /^\{(.+)\}$/.exec(seg);
        return m ? [{ name: m[1]!, collection: segments[i - 1] ?? '' }] : [];
      });
      const query = ((op.parameters ?? []) as Array<{ in: string; name: string }>).filter((p) => p.in === 'query').map((p) => p.name);
      const content = (op.requestBody?.content ?? {}) as Record<string, { schema?: Schema }>;
      const body = content['application/json']?.schema ?? Object.values(content).find((c) => c.schema)?.schema ?? null;
      ops.push({
        method: method.toUpperCase(),
        path,
        params,
        query,
        body,
        accepts: body ? acceptedTypes(body) : null,
        contentTypes: Object.keys(content),
        limits: { fits: 0, tooBig: BODY_LIMIT + 1 },
        uniqueArrays: body ? findUniqueArrays(body) : [],
      });
    }
  }
  return ops;
}

// ---------------------------------------------------------------- requests

interface Hostile {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What makes it invalid (GETs need nothing). */
  why: string;
  kind: string;
  /** The only right statuses, where they can be told in advance. */
  expect?: number[];
  /** Timed against a twin: the probe may not take much longer than its baseline (same size, same errors). */
  timing?: { pair: string; role: 'baseline' | 'probe' };
}

type IdMode = 'real' | 'unknown' | 'hostile';

function adminHeaders(): Record<string, string> {
  return { authorization: `Bearer ${ADMIN_KEY}` };
}

function describeRequest(r: Hostile): string {
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v]));
  let payload = '';
  if (r.payload !== undefined) {
    const text = typeof r.payload === 'string' ? r.payload : r.payload.toString('latin1');
    payload = ` payload(${text.length})=${JSON.stringify(text.slice(0, 160))}`;
  }
  const url = r.url.length > 160 ? `${r.url.slice(0, 160)}…(${r.url.length})` : r.url;
  return `${r.method} ${url} [${r.kind}: ${r.why}] headers=${JSON.stringify(headers)}${payload}`;
}

const bigString = (bytes: number, ch = 'x') => ch.repeat(bytes);

/**
 * Builds the requests. A request that is not a GET carries at least one sure
 * reason to be refused, so a 2xx for it is a failure and nothing may change:
 *   auth    a bad Authorization header (401; keys are checked before the body is read)
 *   parse   JSON text no parser accepts, or prototype keys (400)
 *   media   a content type no route parses (415)
 *   size    a body over the route's limit (413)
 *   schema  a body that breaks the route's schema: an unknown key, a wrong type, the wrong top-level type (400)
 *   unknown a plain id that does not exist (404), with any body at all
 * Around that: hostile ids, garbage queries, Idempotency-Keys, wrong Content-Lengths.
 */
class RequestFactory {
  constructor(
    private readonly rng: Rng,
    private readonly realIds: Record<string, string>,
  ) {}

  private fillPath(op: Operation, mode: IdMode | 'any'): { url: string; ids: IdMode } {
    if (op.params.length === 0) return { url: op.path, ids: 'real' };
    const chosen: IdMode = mode === 'any' ? this.rng.pick(['real', 'real', 'unknown', 'hostile', 'hostile'] as const) : mode;
    let ids: IdMode = chosen;
    let url = op.path;
    for (const p of op.params) {
      let id: string;
      const real = this.realIds[p.collection];
      if (chosen === 'real' && real) id = real;
      else if (chosen === 'hostile') id = this.rng.pick(HOSTILE_IDS);
      else {
        id = this.rng.pick([`${p.collection.slice(0, 3)}_doesnotexist0000`, 'nope', '0', 'x'.repeat(100), 'off_AAAAAAAAAAAAAAAA', 'eml_AAAAAAAAAAAAAAAA']);
        if (chosen === 'real') ids = 'unknown';
      }
      url = url.replace(`{${p.name}}`, id);
    }
    return { url, ids };
  }

  /** What a request refused for `status` must get: nothing sure past a hostile id, and 413 first when the body is over the limit. */
  private expectFor(op: Operation, ids: IdMode, status: number, payload?: string | Buffer): number[] | undefined {
    if (ids === 'hostile') return undefined;
    const bytes = payload === undefined ? 0 : Buffer.byteLength(payload);
    if (op.limits.tooBig !== null && bytes >= op.limits.tooBig) return [413];
    if (bytes > op.limits.fits) return [status, 413];
    return [status];
  }

  private jsonType(): string {
    return this.rng.chance(0.7) ? 'application/json' : this.rng.pick(JSON_TYPES);
  }

  private idempotencyKey(headers: Record<string, string>, method: string): void {
    if (method !== 'POST' || !this.rng.chance(0.3)) return;
    headers['idempotency-key'] = this.rng.chance(0.8)
      ? `hostile-${this.rng.int(1e9)}`
      : this.rng.pick(['', ' ', 'x'.repeat(201), 'a b', '\u00e9', '../x', '%00', '{}']);
  }

  private garbageQuery(op: Operation): string {
    const rng = this.rng;
    const parts: string[] = [];
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++) {
      const p = op.query.length > 0 && rng.chance(0.7) ? rng.pick(op.query) : null;
      const way = rng.int(5);
      if (p === 'cursor' && way < 2) parts.push(`cursor=${rng.pick(FORGED_CURSORS)}`);
      else if (p && way < 3) parts.push(`${p}=${rng.pick(GARBAGE_QUERY_VALUES)}`);
      else if (p && way < 4) parts.push(`${p}=1&${p}=2`);
      else parts.push(`${rng.pick(QUERY_KEYS)}=${rng.pick(GARBAGE_QUERY_VALUES)}`);
    }
    if (rng.chance(0.1)) parts.push(rng.pick(['&&&', '=x', 'limit', '?', '#frag']));
    return `?${parts.join('&')}`;
  }

  /** Any JSON text at all, hostile or not: only for requests refused for another reason. */
  private anyJson(op: Operation): string {
    const rng = this.rng;
    return rng.pick<() => string>([
      () => deepArrays(),
      () => deepObjects(),
      () => deepMixed(),
      () => hugeArray(),
      () => toText(obj([[rng.pick(HOSTILE_KEYS.filter((k) => k !== '__proto__')), sampleOfType(rng, rng.pick(TYPE_NAMES))]])),
      () => (op.body ? toText(plausible(rng, op.body)) : '{}'),
      () => JSON.stringify(hostileString(rng)),
      () => toText(rng.pick(ODD_NUMBERS)),
      () => rng.pick(['null', 'true', '[]', '{}']),
    ])();
  }

  /** JSON text that breaks the operation's body schema, or null if there is no sure way. */
  private schemaBreaking(op: Operation): { text: string; why: string } | null {
    const rng = this.rng;
    const s = op.body;
    if (!s) return null;
    const accepts = op.accepts;
    const ways: Array<() => { text: string; why: string } | null> = [];
    if (accepts) {
      const wrong = TYPE_NAMES.filter((t) => !accepts.has(t));
      if (wrong.length > 0) {
        ways.push(() => {
          const type = rng.pick(wrong);
          const text = rng.pick<() => string>(
            {
              array: [() => '[]', () => `[${toText(plausible(rng, s))}]`, () => hugeArray(), () => deepArrays(), () => deepMixed()],
              object: [() => '{}', () => deepObjects(), () => toText(obj([[rng.pick(HOSTILE_KEYS.filter((k) => k !== '__proto__')), 1]]))],
              string: [() => JSON.stringify(hostileString(rng)), () => JSON.stringify(bigString(100 * KB))],
              number: [() => toText(rng.pick(ODD_NUMBERS))],
              boolean: [() => 'true', () => 'false'],
              null: [() => 'null'],
            }[type],
          )();
          return { text, why: `top level is ${type === 'object' && text.startsWith('{"a"') ? 'a deep object' : `a ${type}`}` };
        });
      }
    }
    if (s.type === 'object' && (isClosedObject(s) || s.properties)) {
      ways.push(() => {
        const body = obj();
        for (const [k, ps] of Object.entries(s.properties ?? {})) if (rng.chance(0.45)) body[k] = plausible(rng, ps);
        const reasons: string[] = [];
        for (let i = 1 + rng.int(2); i > 0; i--) {
          const r = poison(rng, s, body);
          if (r) reasons.push(r);
        }
        if (reasons.length === 0) return null;
        // Extras that prove nothing on their own: deep nesting, huge arrays, 100 KB strings in known fields.
        const known = Object.keys(s.properties ?? {}).filter((k) => !reasons.some((r) => r.includes(`at ${k}`)));
        if (known.length > 0 && rng.chance(0.25)) {
          body[rng.pick(known)] = new Raw(rng.pick([deepArrays(), deepObjects(), deepMixed(), hugeArray(), JSON.stringify(bigString(100 * KB, 'y'))]));
        }
        let text = toText(body);
        if (rng.chance(0.05)) text = `\ufeff${text}`;
        if (rng.chance(0.05)) text = text.replace(/^\{/, '{ \n\t ');
        return { text, why: reasons.join(', ') };
      });
    }
    for (let attempt = 0; attempt < 4 && ways.length > 0; attempt++) {
      const made = rng.pick(ways)();
      if (made) return made;
    }
    return null;
  }

  /** Reasons this operation can be refused for, by construction. */
  private guarantees(op: Operation): string[] {
    const out = ['auth', 'parse', 'parse', 'media'];
    if (op.limits.tooBig !== null) out.push('size');
    if (op.body) out.push('schema', 'schema', 'schema', 'schema', 'schema');
    if (op.params.length > 0) out.push('unknown', 'unknown');
    return out;
  }

  make(op: Operation): Hostile {
    if (op.method === 'GET') return this.get(op);
    const rng = this.rng;
    const headers = adminHeaders();
    const guarantee = rng.pick(this.guarantees(op));
    const query = rng.chance(0.2) ? this.garbageQuery(op) : '';
    this.idempotencyKey(headers, op.method);

    switch (guarantee) {
      case 'auth': {
        const auth = rng.pick(BAD_AUTH);
        if (auth === undefined) delete headers.authorization;
        else headers.authorization = auth;
        const { url, ids } = this.fillPath(op, 'any');
        const r: Hostile = { method: op.method, url: url + query, headers, why: 'bad Authorization', kind: 'auth', expect: ids !== 'hostile' ? [401] : undefined };
        if (rng.chance(0.6)) {
          headers['content-type'] = rng.chance(0.8) ? this.jsonType() : rng.pick([...UNPARSEABLE_TYPES, 'text/plain']);
          r.payload = rng.chance(0.1) ? JSON.stringify({ name: bigString(MB) }) : this.anyJson(op);
        }
        return r;
      }
      case 'parse': {
        const { url, ids } = this.fillPath(op, 'any');
        headers['content-type'] = this.jsonType();
        let payload = rng.chance(0.3) ? rng.pick(PROTO_POISON_JSON) : rng.pick(MALFORMED_JSON);
        let why = 'malformed JSON';
        if (PROTO_POISON_JSON.includes(payload)) why = 'prototype keys';
        else if (rng.chance(0.3)) {
          // Any proper prefix of an object or array text is not JSON.
          const full = this.schemaBreaking(op)?.text ?? toText(plausible(rng, op.body ?? { type: 'object' }));
          if ((full.startsWith('{') || full.startsWith('[')) && full.length > 1) {
            payload = full.slice(0, 1 + rng.int(full.length - 1));
            why = 'truncated JSON';
          }
        }
        return { method: op.method, url: url + query, headers, payload, why, kind: 'parse', expect: this.expectFor(op, ids, 400, payload) };
      }
      case 'media': {
        const { url, ids } = this.fillPath(op, 'any');
        const types = UNPARSEABLE_TYPES.filter((t) => !op.contentTypes.includes(t.split(';')[0]!.trim().toLowerCase()));
        headers['content-type'] = rng.pick(types);
        const payload = rng.pick([
          'name=x&__proto__[polluted]=1&constructor[prototype][polluted]=1',
          '------x\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n------x--\r\n',
          '<offer><name>x</name></offer>',
          '{"name":"x"}',
          '\u0000\u0001\u0002',
        ]);
        return { method: op.method, url: url + query, headers, payload, why: `content type ${headers['content-type']}`, kind: 'media', expect: ids !== 'hostile' ? [415] : undefined };
      }
      case 'size': {
        const { url, ids } = this.fillPath(op, 'any');
        const over = op.limits.tooBig! + rng.int(MB);
        const plain = op.contentTypes.includes('text/plain') && rng.chance(0.5);
        headers['content-type'] = plain ? 'text/plain' : this.jsonType();
        const payload = plain
          ? bigString(over, 'A\n')
          : rng.pick<() => string>([
              () => JSON.stringify({ [rng.pick(['name', ...HOSTILE_KEYS.filter((k) => k !== '__proto__')])]: bigString(over) }),
              () => JSON.stringify(bigString(over)),
              () => `[${'0,'.repeat(Math.ceil(over / 2))}0]`,
              () => `{"a":"${'\\u0000'.repeat(Math.ceil(over / 6))}"}`,
            ])();
        return { method: op.method, url: url + query, headers, payload, why: `body of ${payload.length} bytes`, kind: 'size', expect: ids !== 'hostile' ? [413] : undefined };
      }
      case 'schema': {
        const { url, ids } = this.fillPath(op, 'any');
        const expect = this.expectFor(op, ids, 400);
        const how = rng.int(10);
        if (how === 0) {
          // No body at all, or an empty one (which is no body).
          if (rng.chance(0.5)) {
            headers['content-type'] = this.jsonType();
            return { method: op.method, url: url + query, headers, payload: rng.pick(['', ' ', '\n', '\ufeff']), why: 'empty body', kind: 'schema/empty', expect };
          }
          return { method: op.method, url: url + query, headers, why: 'no body', kind: 'schema/empty', expect };
        }
        if (how === 1 && op.accepts && !op.accepts.has('string')) {
          headers['content-type'] = rng.pick(['text/plain', 'text/plain; charset=utf-8']);
          return { method: op.method, url: url + query, headers, payload: rng.pick(['{"name":"x"}', hostileString(rng), 'a\nb\nc']), why: 'text/plain for a JSON body', kind: 'schema/text', expect };
        }
        const broken = this.schemaBreaking(op);
        if (!broken) return this.unknownId(op, headers, query);
        headers['content-type'] = this.jsonType();
        const r: Hostile = { method: op.method, url: url + query, headers, payload: broken.text, why: broken.why, kind: 'schema', expect: this.expectFor(op, ids, 400, broken.text) };
        if (rng.chance(0.05)) {
          // Bytes that are not UTF-8 after the JSON: no longer JSON.
          r.payload = Buffer.concat([Buffer.from(broken.text), Buffer.from([0xff, 0xfe, 0xc0, 0xaf])]);
        } else if (rng.chance(0.06)) {
          // A Content-Length that does not match: refused whatever is read (an empty read is no body, which breaks the schema too).
          const bytes = Buffer.byteLength(broken.text);
          headers['content-length'] = String(rng.pick([0, 1, Math.max(0, bytes - 1), bytes + 10]));
          r.why += `, Content-Length ${headers['content-length']} for ${bytes} bytes`;
          r.expect = undefined;
        }
        return r;
      }
      default:
        return this.unknownId(op, headers, query);
    }
  }

  /** A plain id that does not exist, with any body at all. */
  private unknownId(op: Operation, headers: Record<string, string>, query: string): Hostile {
    const rng = this.rng;
    if (op.params.length === 0) {
      headers['content-type'] = 'application/json';
      return { method: op.method, url: op.path + query, headers, payload: rng.pick(MALFORMED_JSON), why: 'malformed JSON', kind: 'parse', expect: [400] };
    }
    const { url } = this.fillPath(op, 'unknown');
    const r: Hostile = { method: op.method, url: url + query, headers, why: 'unknown id', kind: 'unknown' };
    const how = rng.int(6);
    if (how === 0) return r; // no body
    if (how === 1) {
      headers['content-type'] = 'text/plain';
      r.payload = rng.pick(['code1\ncode2', hostileString(rng), '']);
    } else {
      headers['content-type'] = this.jsonType();
      r.payload = how === 2 ? rng.pick(['', ' ']) : this.anyJson(op);
    }
    return r;
  }

  /** GETs: garbage queries, hostile ids, bad keys, odd headers, bodies. Any answer but a 5xx is fine (in the error shape if 4xx). */
  private get(op: Operation): Hostile {
    const rng = this.rng;
    const headers = adminHeaders();
    const { url, ids } = this.fillPath(op, 'any');
    const query = rng.chance(0.75) ? this.garbageQuery(op) : '';
    if (rng.chance(0.15)) {
      const auth = rng.pick(BAD_AUTH);
      if (auth === undefined) delete headers.authorization;
      else headers.authorization = auth;
      return { method: op.method, url: url + query, headers, why: 'bad Authorization', kind: 'get/auth', expect: ids !== 'hostile' ? [401] : undefined };
    }
    if (rng.chance(0.1)) headers.accept = rng.pick(['text/html', 'application/xml', '*/*;q=0', '\u00e9']);
    if (rng.chance(0.1)) {
      headers['content-type'] = rng.pick([...UNPARSEABLE_TYPES, ...JSON_TYPES]);
      return { method: op.method, url: url + query, headers, payload: rng.pick(MALFORMED_JSON), why: 'GET', kind: 'get/body' };
    }
    return { method: rng.chance(0.1) ? 'HEAD' : op.method, url: url + query, headers, why: 'GET', kind: ids === 'hostile' ? 'get/path' : query ? 'get/query' : 'get' };
  }

  /** Requests every operation gets, whatever the seed. */
  fixed(op: Operation): Hostile[] {
    const out: Hostile[] = [];
    const { url: real, ids: realIds } = this.fillPath(op, 'real');
    const unknown = this.fillPath(op, 'unknown').url;
    const admin = adminHeaders();
    const json = { ...admin, 'content-type': 'application/json' };
    const add = (r: Omit<Hostile, 'kind'> & { kind?: string }) => out.push({ kind: 'fixed', ...r });

    // Keys: missing, wrong, garbage; checked before anything else.
    add({ method: op.method, url: real, headers: {}, why: 'no Authorization', expect: [401] });
    add({ method: op.method, url: real, headers: { authorization: 'Bearer not-a-key' }, why: 'wrong key', expect: [401] });
    add({ method: op.method, url: real, headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, why: 'garbage scheme', expect: [401] });
    add({ method: op.method, url: real, headers: { authorization: `Bearer ${'k'.repeat(10_000)}` }, why: '10,000-character key', expect: [401] });
    if (op.method !== 'GET') {
      add({ method: op.method, url: real, headers: { 'content-type': 'application/json' }, payload: '{"\\u0000":1', why: 'no Authorization, malformed JSON', expect: [401] });
      add({ method: op.method, url: real, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ a: bigString(MB) }), why: 'no Authorization, 1 MB', expect: [401] });
    }
    add({ method: 'PUT', url: real, headers: admin, why: 'method without a route' });
    add({ method: 'OPTIONS', url: real, headers: admin, why: 'method without a route' });
    add({ method: 'TRACE', url: real, headers: admin, why: 'method without a route' });

    if (op.params.length > 0) {
      for (const id of ['%00', 'off_%00', '..%2F..%2Fapi-keys', '%2e%2e', 'a'.repeat(10_000), 'a'.repeat(101), '%E2%80%AE', '%ff', '%ED%A0%80', '%']) {
        const url = op.params.reduce((u, p) => u.replace(`{${p.name}}`, id), op.path);
        if (op.method === 'GET') add({ method: 'GET', url, headers: admin, why: 'GET', kind: 'fixed/path' });
        else add({ method: op.method, url, headers: json, payload: '{"a":', why: 'malformed JSON', kind: 'fixed/path' });
      }
    }

    if (op.method === 'GET') {
      const queries: Array<[string, boolean]> = [
        ['?limit=-1', true],
        ['?limit=abc', true],
        ['?limit=0', true],
        ['?limit=101', true],
        ['?limit=1&limit=2', true],
        ['?cursor=%00', true],
        ['?unknown=1', true],
        ['?__proto__=1', false],
        ['?constructor=x&toString=y', true],
      ];
      for (const [q, refused] of queries) {
        // Routes with a query schema refuse what it does not allow; the others ignore the query.
        const names = q.slice(1).split('&').map((part) => part.split('=')[0]!);
        const sure = refused && realIds === 'real' && op.query.length > 0 && names.every((n) => op.query.includes(n) || !/^(limit|cursor)$/.test(n));
        add({ method: 'GET', url: real + q, headers: admin, why: 'GET', kind: 'fixed/query', expect: sure ? [400] : undefined });
      }
      if (op.query.includes('cursor')) for (const c of FORGED_CURSORS) add({ method: 'GET', url: `${real}?cursor=${c}`, headers: admin, why: 'GET', kind: 'fixed/cursor' });
      return out;
    }

    // Bodies: the size limit, content types, malformed JSON, prototype keys.
    if (op.limits.tooBig !== null) {
      const payload = JSON.stringify({ name: bigString(Math.max(MB, op.limits.tooBig)) });
      add({ method: op.method, url: real, headers: json, payload, why: 'over the size limit', kind: 'fixed/size', expect: [413] });
    }
    add({ method: op.method, url: real, headers: { ...admin, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x', why: 'form body', kind: 'fixed/media', expect: [415] });
    add({ method: op.method, url: real, headers: { ...admin, 'content-type': 'multipart/form-data; boundary=b' }, payload: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n', why: 'multipart body', kind: 'fixed/media', expect: [415] });
    for (const payload of ['{"name":"x",}', "{'name':'x'}", '{"name":"x"', '{"a":NaN}', '{"a":1e309', ...PROTO_POISON_JSON]) {
      add({ method: op.method, url: real, headers: json, payload, why: PROTO_POISON_JSON.includes(payload) ? 'prototype keys' : 'malformed JSON', kind: 'fixed/parse', expect: [400] });
    }
    // Deep and huge JSON, with and without an Idempotency-Key (which hashes the body).
    for (const [name, payload] of [['deep arrays', deepArrays()], ['deep objects', deepObjects()], ['deep mixed', deepMixed()], ['100k array', hugeArray()]] as const) {
      for (const idem of [false, true]) {
        const headers: Record<string, string> = { ...json };
        if (idem) headers['idempotency-key'] = `deep-${op.method}-${out.length}`;
        const top: TypeName = payload.startsWith('[') ? 'array' : 'object';
        const breaks = op.accepts !== null && (!op.accepts.has(top) || (top === 'object' && op.body !== null && isClosedObject(op.body) && !('a' in (op.body.properties ?? {}))));
        if (breaks) add({ method: op.method, url: real, headers, payload, why: name, kind: 'fixed/deep', expect: [400] });
        else if (op.params.length > 0) add({ method: op.method, url: unknown, headers, payload, why: `${name}, unknown id`, kind: 'fixed/deep' });
      }
    }
    if (op.body) {
      add({ method: op.method, url: real, headers: json, payload: '', why: 'empty body', kind: 'fixed/empty', expect: [400] });
      add({ method: op.method, url: real, headers: admin, why: 'no body', kind: 'fixed/empty', expect: [400] });
      if (op.accepts && !op.accepts.has('string')) {
        add({ method: op.method, url: real, headers: { ...admin, 'content-type': 'text/plain' }, payload: '{"name":"x"}', why: 'text/plain for a JSON body', kind: 'fixed/text', expect: [400] });
      }
      if (op.accepts && !op.accepts.has('object')) {
        add({ method: op.method, url: real, headers: json, payload: '{"codes":"A\\nB"}', why: 'an object for a non-object body', kind: 'fixed/schema', expect: [400] });
      }
      if (op.body.type === 'object' && isClosedObject(op.body)) {
        add({ method: op.method, url: real, headers: { ...json, 'idempotency-key': `wrapped-${op.method}-${out.length}` }, payload: `{"\\u0000":1,"x":${deepArrays()}}`, why: 'unknown keys, one deep', kind: 'fixed/deep', expect: [400] });
      }
      // Many distinct items where items must be unique: a pairwise check is quadratic (9 s for these 30,000 once).
      // Its twin has 30,000 equal items (the same errors, and a pairwise check stops at once), timed as the baseline.
      for (const path of op.uniqueArrays) {
        const pair = `${op.method} ${op.path} ${path.join('.')}`;
        for (const role of ['baseline', 'probe'] as const) {
          const items = `[${Array.from({ length: 30_000 }, (_, i) => (role === 'probe' ? 10_000 + i : 10_000)).join(',')}]`;
          const text = path.reduceRight((inner, key) => `{${JSON.stringify(key)}:${inner}}`, items);
          const payload = text.replace(/^\{/, '{"\\u0000unknown":1,');
          const why = `30,000 ${role === 'probe' ? 'distinct' : 'equal'} items in ${path.join('.')}`;
          add({ method: op.method, url: real, headers: json, payload, why, kind: 'fixed/unique', expect: [400], timing: { pair, role } });
        }
      }
    } else if (op.params.length > 0) {
      add({ method: op.method, url: unknown, headers: json, payload: '', why: 'empty body, unknown id', kind: 'fixed/empty', expect: [404] });
      add({ method: op.method, url: unknown, headers: { ...admin, 'content-type': 'text/plain' }, payload: 'x', why: 'text/plain, unknown id', kind: 'fixed/text', expect: [404] });
    }
    return out;
  }
}

// ---------------------------------------------------------------- the checks

const PER_OPERATION = 60;
/** A hang detector only: requests are timed against each other where it matters (see `timing`). */
const SLOW_MS = 15_000;

interface Outcome {
  status: number;
  body: string;
  ms: number;
}

function isErrorShape(json: unknown): boolean {
  if (json === null || typeof json !== 'object') return false;
  const error = (json as { error?: unknown }).error;
  if (error === null || typeof error !== 'object') return false;
  const e = error as { code?: unknown; message?: unknown; details?: unknown };
  return (
    typeof e.code === 'string' &&
    /^[a-z][a-z0-9_]*$/.test(e.code) &&
    typeof e.message === 'string' &&
    Array.isArray(e.details) &&
    e.details.every((d) => d !== null && typeof d === 'object' && typeof (d as { path?: unknown }).path === 'string' && typeof (d as { message?: unknown }).message === 'string')
  );
}

function problemWith(r: Hostile, o: Outcome): string | null {
  if (o.status >= 500) return `${o.status} (a 5xx)`;
  if (o.ms > SLOW_MS) return `took ${Math.round(o.ms)} ms`;
  if (o.status < 400) {
    if (r.method !== 'GET' && r.method !== 'HEAD') return `${o.status} for a ${r.method} that had to be refused`;
    if (r.method === 'GET') {
      try {
        JSON.parse(o.body);
      } catch {
        return `${o.status} with a body that is not JSON`;
      }
    }
    return null;
  }
  if (r.method !== 'HEAD') {
    let json: unknown;
    try {
      json = JSON.parse(o.body);
    } catch {
      return `${o.status} with a body that is not JSON`;
    }
    if (!isErrorShape(json)) return `${o.status} without the error shape`;
  }
  if (r.expect && !r.expect.includes(o.status)) return `${o.status}, expected ${r.expect.join(' or ')}`;
  return null;
}

async function send(t: TestApp, r: Hostile): Promise<Outcome> {
  const started = performance.now();
  const opts: InjectOptions = { method: r.method as InjectOptions['method'], url: r.url, headers: r.headers };
  if (r.payload !== undefined) opts.payload = r.payload;
  const res = await t.app.inject(opts);
  return { status: res.statusCode, body: res.body, ms: performance.now() - started };
}

/**
 * Finds the body limit of each operation that takes a body: unterminated JSON strings of growing size,
 * which are refused either way (400 when read, 413 when too big), so nothing changes.
 */
async function discoverBodyLimits(t: TestApp, ops: Operation[], realIds: Record<string, string>): Promise<void> {
  const sizes = [BODY_LIMIT + 1, MB + 1, 2 * MB + 1, 4 * MB + 1, 8 * MB + 1, 16 * MB + 1];
  for (const op of ops) {
    if (op.method === 'GET') continue;
    const url = op.params.reduce((u, p) => u.replace(`{${p.name}}`, realIds[p.collection] ?? 'x'), op.path);
    let fits = 0;
    let tooBig: number | null = null;
    for (const size of sizes) {
      const res = await t.app.inject({ method: op.method as InjectOptions['method'], url, headers: { ...adminHeaders(), 'content-type': 'application/json' }, payload: `"${'x'.repeat(size - 1)}` });
      if (res.statusCode === 413) {
        tooBig = size;
        break;
      }
      expect(res.statusCode, `${op.method} ${url} with ${size} bytes of unterminated JSON`).toBe(400);
      fits = size;
    }
    op.limits = { fits, tooBig };
  }
}

/** Every readable thing: each GET route without a query, with the real ids. */
async function snapshot(t: TestApp, ops: Operation[], realIds: Record<string, string>) {
  const out: Array<{ url: string; status: number; body: unknown }> = [];
  for (const op of ops) {
    if (op.method !== 'GET' || op.path.endsWith('/openapi.json')) continue;
    if (op.params.some((p) => !realIds[p.collection])) continue;
    const url = op.params.reduce((u, p) => u.replace(`{${p.name}}`, realIds[p.collection]!), op.path);
    const res = await t.app.inject({ method: 'GET', url: op.query.includes('limit') ? `${url}?limit=100` : url, headers: adminHeaders() });
    out.push({ url, status: res.statusCode, body: res.json() as unknown });
  }
  return out;
}

function histogram(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');
}

describe.each(DIALECTS)('hostile input against every admin route (%s)', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(dialect);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers 1,000+ hostile requests with 4xx errors in the error shape, changes nothing and keeps answering', async () => {
    const seedNote = `seed ${SEED} (HOSTILE_SEED=${SEED} npx vitest run test/hostile-input.test.ts)`;

    // Something to aim at: one offer, one email, and a key that is not the one the test uses.
    const offer = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: 'Hostile target' } });
    expect(offer.status).toBe(201);
    const email = await t.call({
      method: 'POST',
      url: '/api/v1/emails',
      payload: { name: 'Hostile target', subject: 'Hello {{firstName}}', html: '<p>Hello</p>' },
    });
    expect(email.status).toBe(201);
    const keys = await t.call({ method: 'GET', url: '/api/v1/api-keys' });
    expect(keys.status).toBe(200);
    const analystKey = (keys.json.data as Array<{ id: string; name: string }>).find((k) => k.name === 'analyst');
    expect(analystKey).toBeDefined();

    const docRes = await t.call({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(docRes.status).toBe(200);
    const ops = operationsFrom(docRes.json);
    expect(ops.length).toBeGreaterThan(0);

    const realIds: Record<string, string> = { offers: offer.json.id, emails: email.json.id, 'api-keys': analystKey!.id };
    for (const collection of new Set(ops.flatMap((o) => o.params.map((p) => p.collection)))) {
      if (realIds[collection]) continue;
      const list = await t.call({ method: 'GET', url: `/api/v1/${collection}?limit=1` });
      const first = list.status === 200 ? (list.json?.data?.[0]?.id as string | undefined) : undefined;
      if (first) realIds[collection] = first;
    }

    const before = await snapshot(t, ops, realIds);
    await discoverBodyLimits(t, ops, realIds);

    const factory = new RequestFactory(new Rng(SEED), realIds);
    const requests: Hostile[] = [];
    for (const op of ops) {
      requests.push(...factory.fixed(op));
      for (let i = 0; i < PER_OPERATION; i++) requests.push(factory.make(op));
    }
    expect(requests.length).toBeGreaterThanOrEqual(1000);

    const problems: Array<{ group: string; line: string }> = [];
    const statuses: number[] = [];
    let slowest = { ms: 0, what: '' };
    const timings = new Map<string, { baseline?: number; probe?: number; line: string }>();
    for (const [i, r] of requests.entries()) {
      let outcome: Outcome;
      try {
        outcome = await send(t, r);
      } catch (err) {
        problems.push({ group: 'inject threw', line: `#${i} ${describeRequest(r)} -> inject threw ${(err as Error).message}` });
        continue;
      }
      statuses.push(outcome.status);
      if (outcome.ms > slowest.ms) slowest = { ms: outcome.ms, what: `#${i} ${describeRequest(r).slice(0, 160)}` };
      if (r.timing) {
        const entry = timings.get(r.timing.pair) ?? { line: '' };
        entry[r.timing.role] = outcome.ms;
        if (r.timing.role === 'probe') entry.line = `#${i} ${describeRequest(r)}`;
        timings.set(r.timing.pair, entry);
      }
      const problem = problemWith(r, outcome);
      if (problem) {
        const code = /"code":"([^"]{1,60})"/.exec(outcome.body)?.[1] ?? '';
        problems.push({ group: `${problem.replace(/\d+ ms/, 'too long')} ${code}`.trim(), line: `#${i} ${describeRequest(r)} -> ${problem}: ${outcome.body.slice(0, 240)}` });
      }
    }

    for (const { baseline, probe, line } of timings.values()) {
      if (baseline !== undefined && probe !== undefined && probe > 3 * baseline + 1_000) {
        problems.push({ group: 'much slower than its twin', line: `${line} -> took ${Math.round(probe)} ms, its twin with equal items ${Math.round(baseline)} ms` });
      }
    }

    // Nothing that reached the prototype-poisoning guard polluted anything.
    expect(({} as Record<string, unknown>).polluted, seedNote).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin, seedNote).toBeUndefined();

    const summary =
      `[hostile ${dialect}] ${seedNote}: ${requests.length} requests over ${ops.length} operations; ` +
      `statuses ${histogram(statuses)}; slowest ${Math.round(slowest.ms)} ms (${slowest.what})`;
    console.log(summary);

    const groups = new Map<string, { count: number; example: string }>();
    for (const p of problems) {
      const g = groups.get(p.group) ?? { count: 0, example: p.line };
      g.count++;
      groups.set(p.group, g);
    }
    if (process.env.HOSTILE_VERBOSE) console.log(problems.map((p) => p.line).join('\n'));
    const report = [...groups.entries()].map(([group, g]) => `  ${g.count} x ${group}\n      e.g. ${g.example}`).join('\n');
    expect(problems.length, `${summary}\n${problems.length} problems of ${groups.size} kinds:\n${report}`).toBe(0);

    // Nothing changed.
    expect(await snapshot(t, ops, realIds), seedNote).toEqual(before);

    // Still answering.
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode, seedNote).toBe(200);
    const created = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: 'After the storm' } });
    expect(created.status, seedNote).toBe(201);
    const read = await t.call({ method: 'GET', url: `/api/v1/offers/${created.json.id}` });
    expect(read.status, seedNote).toBe(200);
    expect(read.json.name, seedNote).toBe('After the storm');
  }, 120_000);

  it('odd text in otherwise valid writes is stored or refused with a 4xx, never a 5xx', async () => {
    // Valid apart from their text, these writes may change things: they run after the snapshot test, on their own resources.
    const odd = ['a\u0000b', '\u0000', 'x\ud800y', '\udfff', '\u202eevil\u202c', '\u200f\u200e', '\ufeffbom', '💩', 'e\u0301', '\uffff'];
    const scratchOffer = await t.call({ method: 'POST', url: '/api/v1/offers', payload: { name: 'Scratch' } });
    const scratchEmail = await t.call({ method: 'POST', url: '/api/v1/emails', payload: { name: 'Scratch', subject: 's', html: 'h' } });
    expect([scratchOffer.status, scratchEmail.status]).toEqual([201, 201]);
    const problems: string[] = [];
    for (const text of odd) {
      const writes: Array<{ method: 'POST' | 'PATCH'; url: string; payload: Record<string, unknown>; read: (json: any) => string }> = [
        { method: 'POST', url: '/api/v1/offers', payload: { name: text, description: text }, read: (j) => `/api/v1/offers/${j.id}` },
        { method: 'POST', url: '/api/v1/emails', payload: { name: text, subject: text, html: text, text }, read: (j) => `/api/v1/emails/${j.id}` },
        { method: 'PATCH', url: `/api/v1/offers/${scratchOffer.json.id}/draft`, payload: { name: `n${text}`, description: text, rulesUrl: text }, read: (j) => `/api/v1/offers/${j.id}` },
        { method: 'PATCH', url: `/api/v1/emails/${scratchEmail.json.id}`, payload: { name: `n${text}`, subject: `s${text}`, text }, read: (j) => `/api/v1/emails/${j.id}` },
        { method: 'POST', url: '/api/v1/api-keys', payload: { name: `n${text}`, role: 'analyst' }, read: () => '/api/v1/api-keys' },
      ];
      for (const w of writes) {
        const res = await t.call({ method: w.method, url: w.url, payload: w.payload });
        const what = `${w.method} ${w.url} ${JSON.stringify(w.payload)}`;
        if (res.status >= 500) problems.push(`${what} -> ${res.status}: ${res.body.slice(0, 200)}`);
        else if (res.status >= 400 && !isErrorShape(res.json)) problems.push(`${what} -> ${res.status} without the error shape`);
        else if (res.status < 300) {
          const back = await t.call({ method: 'GET', url: w.read(res.json) });
          if (back.status !== 200) problems.push(`${what} -> stored, but reading it back gave ${back.status}: ${back.body.slice(0, 200)}`);
        }
      }
    }
    for (const url of ['/api/v1/offers?limit=100', '/api/v1/emails?limit=100', '/api/v1/api-keys']) {
      const res = await t.call({ method: 'GET', url });
      if (res.status !== 200) problems.push(`GET ${url} after the odd writes -> ${res.status}: ${res.body.slice(0, 200)}`);
    }
    expect(problems, problems.join('\n')).toEqual([]);
  }, 60_000);
});
