import { describe, expect, it } from 'vitest';
import { HEAD_OFFICE, maySeeCaseText, type AccountRole, type Viewer } from '../../src/domain/access.ts';

const OWN = '0190a0b0-0000-7000-8000-00000000a000';
const OTHER = '0190a0b0-0000-7000-8000-00000000b000';

const signedInAs = (role: AccountRole, branchId: string | null): Viewer => ({ staffNumber: '1103', name: 'Staff', role, branchId, mustChangePassword: false });

describe("a case's text on the dashboard: need to know", () => {
  it.each<{ who: string; viewer: Viewer; subject: { branchId: string; escalated: boolean }; may: boolean }>([
    // The branch that owns the case handles it and signs it off: its manager reads it, escalated or not.
    { who: 'the manager of its branch', viewer: signedInAs('branch-manager', OWN), subject: { branchId: OWN, escalated: false }, may: true },
    { who: 'the manager of its branch, once escalated', viewer: signedInAs('branch-manager', OWN), subject: { branchId: OWN, escalated: true }, may: true },
    // Another branch's manager has no business with it, even escalated.
    { who: 'the manager of another branch', viewer: signedInAs('branch-manager', OTHER), subject: { branchId: OWN, escalated: false }, may: false },
    { who: 'the manager of another branch, once escalated', viewer: signedInAs('branch-manager', OTHER), subject: { branchId: OWN, escalated: true }, may: false },
    { who: 'a branch manager with no branch on the roster', viewer: signedInAs('branch-manager', null), subject: { branchId: OWN, escalated: true }, may: false },
    // Head office sees every branch's reports, but must answer only the cases sent to it.
    { who: 'head office, a case the branch handles', viewer: signedInAs(HEAD_OFFICE, null), subject: { branchId: OWN, escalated: false }, may: false },
    { who: 'head office, a case escalated to it', viewer: signedInAs(HEAD_OFFICE, null), subject: { branchId: OWN, escalated: true }, may: true },
    // Roles without reports never read it, even in their own branch.
    { who: 'a complaint manager of its branch', viewer: signedInAs('complaint-manager', OWN), subject: { branchId: OWN, escalated: true }, may: false },
    { who: 'lobby staff of its branch', viewer: signedInAs('lobby-staff', OWN), subject: { branchId: OWN, escalated: false }, may: false },
    { who: 'a teller of its branch', viewer: signedInAs('teller', OWN), subject: { branchId: OWN, escalated: false }, may: false },
  ])('given $who, then they may read it: $may', ({ viewer, subject, may }) => {
    expect(maySeeCaseText(viewer, subject)).toBe(may);
  });
});
