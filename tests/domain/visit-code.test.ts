import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeAgeProblem, hasValidMac, importVisitKey, makeVisitCode, newNonce, readVisitCode, VISIT_CODE_TTL_MS, type VisitClaim } from '../../src/domain/visit-code.ts';

const key = () => importVisitKey(randomBytes(32).toString('base64url'));
const nonce = () => newNonce((n) => new Uint8Array(randomBytes(n)));
const AT = Date.UTC(2026, 11, 7, 10, 30, 15);
const visit = (overrides: Partial<Extract<VisitClaim, { kind: 'visit' }>> = {}): VisitClaim => ({
  kind: 'visit',
  deviceId: '0190a0b0-0000-7000-8000-0000000000d1',
  counterId: '0190a0b0-0000-7000-8000-0000000000c1',
  tellerId: '0190a0b0-0000-7000-8000-0000000000e1',
  at: AT,
  nonce: nonce(),
  ...overrides,
});

describe('a visit code', () => {
  it('given a visit, then its code reads back the same claim, fits a small QR code, and only its key checks it', async () => {
    const [mine, other] = [await key(), await key()];
    for (const claim of [visit(), visit({ tellerId: null }), { kind: 'card', counterId: '0190a0b0-0000-7000-8000-0000000000c2', at: AT, nonce: nonce() } as const]) {
      const code = await makeVisitCode(mine, claim);
      expect(code).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(code.length).toBe(claim.kind === 'visit' ? 92 : 50);
      const read = readVisitCode(code)!;
      expect(read.claim).toEqual(claim);
      expect(await hasValidMac(mine, read)).toBe(true);
      expect(await hasValidMac(other, read)).toBe(false);
    }
  });

  it('given a code with any one byte changed, then its mac no longer checks', async () => {
    const mine = await key();
    const code = await makeVisitCode(mine, visit());
    const bytes = Buffer.from(code, 'base64url');
    for (const at of [1, 20, 40, 50, 55, bytes.length - 1]) {
      const forged = Buffer.from(bytes);
      forged[at]! ^= 0x01;
      const read = readVisitCode(forged.toString('base64url'));
      if (read) expect(await hasValidMac(mine, read)).toBe(false);
    }
  });

  it('given text that is not a code, then it is not read', () => {
    for (const text of ['', 'hello', 'A'.repeat(92), '!'.repeat(92), 'A'.repeat(400)]) expect(readVisitCode(text)).toBeNull();
  });

  it('given a visit 48 hours old, then it is still good; a second later it has expired; far ahead it is refused', () => {
    const claim = visit();
    expect(codeAgeProblem(claim, AT + VISIT_CODE_TTL_MS)).toBeNull();
    expect(codeAgeProblem(claim, AT + VISIT_CODE_TTL_MS + 1000)).toBe('expired');
    expect(codeAgeProblem(claim, AT - 3600_000)).toBe('future');
  });
});
