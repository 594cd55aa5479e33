import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { hashPin, PIN_LOCK_MS, PinSchema, pinLockout, verifyPin, type PinAttempt } from '../../src/domain/pin.ts';

const salt = new Uint8Array(16).fill(1);

describe('PIN hashes', () => {
  it('given a hashed PIN, then the same PIN verifies and any other does not', async () => {
    const stored = await hashPin('2468', salt, 10_000);
    expect(stored.iterations).toBe(10_000);
    expect(await verifyPin('2468', stored)).toBe(true);
    for (const wrong of ['2469', '0000', '24680', '']) expect(await verifyPin(wrong, stored)).toBe(false);
  });

  it('given two salts, then the same PIN hashes differently', async () => {
    const a = await hashPin('2468', salt, 10_000);
    const b = await hashPin('2468', new Uint8Array(16).fill(2), 10_000);
    expect(a.hash).not.toBe(b.hash);
  });

  it.each([
    ['1234', true],
    ['12345678', true],
    ['123', false],
    ['123456789', false],
    ['12a4', false],
  ])('PIN %s is well-formed: %s', (pin, expected) => {
    expect(v.safeParse(PinSchema, pin).success).toBe(expected);
  });
});

describe('pinLockout', () => {
  const fails = (n: number, from = 0): PinAttempt[] => Array.from({ length: n }, (_, i) => ({ at: from + i, ok: false }));
  it.each([
    ['no attempts', [], 100, { locked: false, until: null, failuresLeft: 5 }],
    ['four failures', fails(4), 100, { locked: false, until: null, failuresLeft: 1 }],
    ['five failures', fails(5), 100, { locked: true, until: 4 + PIN_LOCK_MS, failuresLeft: 0 }],
    ['five failures, lock over', fails(5), 4 + PIN_LOCK_MS, { locked: false, until: null, failuresLeft: 5 }],
    ['a success after four failures', [...fails(4), { at: 5, ok: true }], 100, { locked: false, until: null, failuresLeft: 5 }],
    ['four failures after a success', [{ at: 0, ok: true }, ...fails(4, 1)], 100, { locked: false, until: null, failuresLeft: 1 }],
  ])('given %s', (_, attempts, now, expected) => {
    expect(pinLockout(attempts as PinAttempt[], now)).toEqual(expected);
  });
});
