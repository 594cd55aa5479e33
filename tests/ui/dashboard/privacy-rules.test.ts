import { describe, expect, it } from 'vitest';
import { auditDaysProblem, compactDetail, customerQueryOf, defaultAuditDays } from '../../../src/ui/dashboard/privacy.ts';

const ID = '01a24e16-16f1-75c5-af2f-e6da6cc630e0';

describe("the privacy page's rules", () => {
  it.each([
    ['reference', '  4k-7qmz ', { ok: true, query: { reference: '4k-7qmz' } }],
    ['reference', 'AB', { ok: false, problem: 'reference-short' }],
    ['phone', '+34 612-345-678', { ok: true, query: { phone: '+34 612-345-678' } }],
    ['phone', '612 34', { ok: false, problem: 'phone-digits' }],
    ['phone', '1'.repeat(41), { ok: false, problem: 'too-long' }],
    ['email', ' Lucia@Example.ES ', { ok: true, query: { email: 'lucia@example.es' } }],
    ['email', 'lucia', { ok: false, problem: 'email-format' }],
    ['email', '   ', { ok: false, problem: 'empty' }],
  ] as const)('given %s %j, then it is checked with the server\'s own schema', (by, typed, expected) => {
    expect(customerQueryOf(by, typed)).toEqual(expected);
  });

  it('given the clock, then the audit log opens on the last 30 UTC days, today included, and its days are checked', () => {
    // 23:30 in Mexico City on the 22nd is already the 23rd in UTC: the act just done is in the period.
    expect(defaultAuditDays(Date.UTC(2026, 10, 23, 5, 30))).toEqual({ from: '2026-10-25', to: '2026-11-23' });
    expect(auditDaysProblem('2026-10-25', '2026-11-23')).toBeNull();
    expect(auditDaysProblem('', '2026-11-23')).toBe('incomplete');
    expect(auditDaysProblem('2026-11-24', '2026-11-23')).toBe('reversed');
    expect(auditDaysProblem('2025-01-01', '2026-11-23')).toBe('too-long');
  });

  it("given an audit row's detail, then the screen gets one short line and the files everything", () => {
    const detail = { erasedEntries: [ID, ID, ID, ID, ID], erasedCases: [], kept: [{ kind: 'case', id: ID, why: 'case-open' }], from: Date.UTC(2026, 10, 1), rows: 4 };
    expect(compactDetail(detail, { brief: true })).toBe('erasedEntries: […6cc630e0, …6cc630e0, …6cc630e0, +2]; erasedCases: []; kept: [{kind: case; id: …6cc630e0; why: case-open}]; from: 2026-11-01; rows: 4');
    expect(compactDetail(detail)).toBe(`erasedEntries: [${[ID, ID, ID, ID, ID].join(', ')}]; erasedCases: []; kept: [{kind: case; id: ${ID}; why: case-open}]; from: 2026-11-01; rows: 4`);
  });
});
