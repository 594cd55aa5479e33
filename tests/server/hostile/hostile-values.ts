import fc from 'fast-check';

/**
 * What a hostile or broken client sends, as fast-check arbitraries: the fuzz test of every
 * endpoint (fuzz.test.ts) mutates a valid request with these.
 */

/** Strings known to break parsers, databases, normalisers and templates. */
export const NASTY_STRINGS = [
  "'; drop table ratings; --",
  "' OR '1'='1",
  '" OR ""="',
  "1); delete from devices where (1=1",
  "x' union select token_hash from devices --",
  'select pg_sleep(10)',
  '\\',
  '%',
  '_',
  '%_%',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '..%2f..%2fetc%2fpasswd',
  '/dev/zero',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\udbff\udfff',
  '\u202e\u200fabc\u202c',
  '😀👩🏽‍💻🏳️‍🌈',
  'e\u0301',
  '\u00e9',
  '\ufeff',
  '\uffff\ufffe',
  '\u2028\u2029',
  'İıßǅﬀ',
  '排隊太久',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '${7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x10',
  '9007199254740993',
  ' ',
  '',
  '\t\n\r',
  '=cmd|" /C calc"!A0',
];

/** Lengths around and past the body limit (1 MiB): built once, they cost nothing to pick. */
export const HUGE_STRINGS = ['x'.repeat(70_000), 'é'.repeat(200_000), 'x'.repeat(900_000), '😀'.repeat(300_000)];

/** Any UTF-16 code units at all, NUL and lone surrogates included. */
const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 });

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: codeUnits },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE_STRINGS) },
);

/** Keys that pollute prototypes or shadow what a handler reads. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'kind', 'id', 'records', 'branchId', 'code', 'password', ''),
  codeUnits,
);

const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 0.5, 1e-300, 4_102_444_800_001),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, small but of every type, with hostile strings and keys. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** One change to a JSON value at one of its places (found by index, modulo their count). */
export type Mutation = { op: 'replace' | 'add' | 'delete' | 'wrap'; at: number; key: string; value: unknown };

export const mutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.record({ op: fc.constantFrom('replace', 'add', 'delete', 'wrap'), at: fc.nat(), key: hostileKey, value: hostileJson }),
  { minLength: 1, maxLength: 3 },
) as fc.Arbitrary<Mutation[]>;

type Place = { parent: Record<string, unknown> | unknown[]; key: string | number };

function placesOf(value: unknown, into: Place[] = []): Place[] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      into.push({ parent: value, key: i });
      placesOf(item, into);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      into.push({ parent: value as Record<string, unknown>, key });
      placesOf(item, into);
    }
  }
  return into;
}

/** A copy of `base` with the mutations applied; the root itself may be replaced. */
export function mutate(base: unknown, changes: readonly Mutation[]): unknown {
  let root: unknown = structuredClone(base);
  for (const change of changes) {
    const places = placesOf(root);
    if (places.length === 0 || (change.op === 'replace' && change.at % (places.length + 1) === places.length)) {
      root = change.value;
      continue;
    }
    const { parent, key } = places[change.at % places.length]!;
    const target = (parent as Record<string | number, unknown>)[key];
    switch (change.op) {
      case 'replace':
        (parent as Record<string | number, unknown>)[key] = change.value;
        break;
      case 'wrap':
        (parent as Record<string | number, unknown>)[key] = change.at % 2 ? [target] : { [change.key]: target };
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key as string];
        break;
      case 'add':
        // defineProperty: a key of __proto__ becomes an own key, as JSON.parse makes it.
        if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
          Object.defineProperty(target, change.key, { value: change.value, enumerable: true, writable: true, configurable: true });
        } else if (Array.isArray(target)) target.push(change.value);
        break;
    }
  }
  return root;
}

/** A change to one string of a JSON value: the structure stays, so the value reaches the checks of each field. */
export type TextChange = { at: number; text: string; append: boolean };

export const textChanges: fc.Arbitrary<TextChange[]> = fc.array(fc.record({ at: fc.nat(), text: hostileString, append: fc.boolean() }), { minLength: 1, maxLength: 3 });

/** A copy of `base` with some of its strings replaced by hostile text, or followed by it. */
export function mutateText(base: unknown, changes: readonly TextChange[]): unknown {
  const root = structuredClone(base);
  const strings = placesOf(root).filter(({ parent, key }) => typeof (parent as Record<string | number, unknown>)[key] === 'string');
  if (strings.length === 0) return root;
  for (const { at, text, append } of changes) {
    const { parent, key } = strings[at % strings.length]!;
    const slot = parent as Record<string | number, string>;
    slot[key] = append ? slot[key] + text : text;
  }
  return root;
}

const deep = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);

/** Bodies that are not the JSON a route expects, whatever the route: raw text, sent as is. */
export function rawBodies(validJson: string): fc.Arbitrary<string | Buffer> {
  return fc.oneof(
    fc.nat({ max: Math.max(0, validJson.length - 1) }).map((n) => validJson.slice(0, n)),
    fc.constantFrom<string | Buffer>(
      '',
      ' ',
      'null',
      'true',
      '0',
      '"a string"',
      '[]',
      '{}',
      '{',
      '}',
      '{"a":1,}',
      "{'a':1}",
      '{"a":1}{"b":2}',
      'NaN',
      '1e999999',
      '123456789012345678901234567890',
      '{"__proto__":{"polluted":"yes"}}',
      '{"a":{"__proto__":{"polluted":"yes"}}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"records":[{"__proto__":{"polluted":"yes"}}],"protocol":1}',
      '[{"__proto__":{"polluted":"yes"}}]',
      '{"code":"a","code":"b"}',
      `\ufeff${validJson}`,
      validJson.replace(/"/g, "'"),
      deep(1_000, '[', ']'),
      deep(100_000, '[', ']'),
      deep(400_000, '[', ']'),
      deep(50_000, '{"a":', '}'),
      Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x7d]),
      Buffer.from(`{"code":"\xff\xfe"}`, 'latin1'),
      JSON.stringify({ padding: 'x'.repeat(1_100_000) }),
      JSON.stringify(Array.from({ length: 20_000 }, () => ({}))),
      JSON.stringify({ protocol: 1, records: Array.from({ length: 5_000 }, () => ({})) }),
      JSON.stringify({ protocol: 1, records: Array.from({ length: 200 }, () => ({ kind: 'rating', id: 'x'.repeat(4_000) })) }),
    ),
    fc.string({ maxLength: 60 }),
  );
}

/** Content types a client might send with a body: JSON's and everything else. */
export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json-patch+json',
  'application/vnd.api+json',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  '*/*',
  'application/json, text/plain',
  '',
  'garbage',
] as const;

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodes every byte of the UTF-8 form but unreserved ones, as a browser would. */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A query string from pairs, each part percent-encoded. */
export const queryString = (pairs: readonly (readonly [string, string])[]): string => pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');

/**
 * Hostile text for a URL: Node's HTTP parser refuses a request head over 16 KB (431) before
 * the app sees it, so longer ones would only test inject.
 */
const urlString = hostileString.filter((s) => s.length <= 2_000);

/** Query strings made from a valid one: values changed, keys added, dropped, doubled, bracketed, or raw junk. */
export function hostileQueries(valid: Record<string, string>): fc.Arbitrary<string> {
  const pairs = Object.entries(valid);
  const keys = pairs.map(([k]) => k);
  const withValue = (key: string, value: string) => pairs.filter(([k]) => k !== key).concat([[key, value]]);
  const someKey = keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('x');
  return fc.oneof(
    fc.tuple(someKey, urlString).map(([key, value]) => queryString(withValue(key, value))),
    fc.tuple(hostileKey, urlString).map(([key, value]) => queryString([...pairs, [key, value]])),
    someKey.map((key) => queryString(pairs.filter(([k]) => k !== key))),
    fc.tuple(someKey, urlString).map(([key, value]) => queryString([...pairs, [key, value]])),
    fc.constantFrom('__proto__[polluted]=yes', 'constructor[prototype][polluted]=yes', '__proto__.polluted=yes', 'a[b][c][d][e]=1').map((junk) => `${queryString(pairs)}&${junk}`),
    fc.constantFrom('%', '%zz', '%FF', '%00', '%C0%AF', '%ED%A0%80', '&&&', '==', `k=${'x'.repeat(12_000)}`, '?').map((junk) => `${queryString(pairs)}&${junk}`),
  );
}

/** Path parameters: hostile text, encoded or raw, traversal, over the length limit. */
export const hostileParams: fc.Arbitrary<string> = fc.oneof(
  urlString.map(percentEncode),
  fc.constantFrom('..', '%2e%2e', '..%2F..%2Fetc%2Fpasswd', '%00', '%FF', '%', 'a'.repeat(101), 'a'.repeat(5_000), '0190a0b0-0000-7000-8000-0000000000FF', '0190A0B0-0000-7000-8000-0000000000ff'),
);

/** Text a header can carry (Latin-1, no control characters), from any hostile string. */
export const headerSafe = (text: string): string =>
  [...text.slice(0, 8_000)]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) <= 0xff && c.charCodeAt(0) !== 0x7f)
    .join('')
    .slice(0, 4_000);
