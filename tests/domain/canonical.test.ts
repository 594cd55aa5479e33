import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, signedContent } from '../../src/domain/canonical.ts';

describe('canonical JSON', () => {
  it.each([
    ['keys in any order', { b: 1, a: 'x' }, '{"a":"x","b":1}'],
    ['nested objects and arrays', { z: [{ d: true, c: null }], y: { b: 2, a: 1 } }, '{"y":{"a":1,"b":2},"z":[{"c":null,"d":true}]}'],
    ['undefined members left out', { a: undefined, b: 2 }, '{"b":2}'],
    ['undefined in an array as null', [1, undefined], '[1,null]'],
    ['text that needs escapes', { t: 'line\n"quoted" 排隊 😀' }, '{"t":"line\\n\\"quoted\\" 排隊 😀"}'],
    ['numbers as JSON writes them', { n: 1.5, m: -0, big: 1_700_000_000_000 }, '{"big":1700000000000,"m":0,"n":1.5}'],
  ])('given %s, then it reads %s', (_, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('given the same record written twice in other orders, then both read the same', () => {
    const one = { kind: 'rating', id: 'r', reasons: ['a', 'b'], createdAt: 1 };
    const two = JSON.parse('{"createdAt":1,"reasons":["a","b"],"id":"r","kind":"rating"}') as object;
    expect(canonicalJson(two)).toBe(canonicalJson(one));
  });

  it('given records that differ in one reason, then they read differently', () => {
    expect(canonicalJson({ reasons: ['a', 'b'] })).not.toBe(canonicalJson({ reasons: ['b', 'a'] }));
  });

  it('given a function, then it is refused as not JSON', () => {
    expect(() => canonicalJson({ f: () => 1 })).toThrow('canonicalJson: function is not a JSON value');
  });

  it('given a record with an attestation, then its signed content leaves only that out', () => {
    expect(signedContent({ id: 'e', attestation: { by: 'server', sessionId: 's', proof: 'p' }, role: 'branch-manager' })).toBe('{"id":"e","role":"branch-manager"}');
  });
});

describe('canonical JSON, as it was first written', () => {
  /** The first spelling of canonicalJson, kept here to show the faster one reads every value the same. */
  const reference = (value: unknown): string => {
    if (value === null || typeof value !== 'object') {
      const text = JSON.stringify(value);
      if (text === undefined) throw new TypeError(`canonicalJson: ${typeof value} is not a JSON value`);
      return text;
    }
    if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : reference(item))).join(',')}]`;
    const members = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${reference((value as Record<string, unknown>)[key])}`);
    return `{${members.join(',')}}`;
  };

  it('given any JSON value, with undefined members and array items, then both read it alike, and a record without its attestation alike', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.double(), fc.integer(), fc.string({ unit: 'binary' }), fc.constant(undefined), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 5 }),
      object: fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('value'), { maxKeys: 6 }),
    }));
    fc.assert(
      fc.property(json.object, fc.option(json.value), (object, attestation) => {
        expect(canonicalJson(object)).toBe(reference(object));
        const { attestation: _left, ...rest } = { ...object, attestation };
        expect(signedContent({ ...object, attestation })).toBe(reference(rest));
      }),
      { numRuns: 2000, seed: 17 },
    );
  });

  it('given an array with a hole, then it reads as join reads it', () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 2];
    expect(canonicalJson(sparse)).toBe(reference(sparse));
  });
});
