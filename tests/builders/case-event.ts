import { uuidv7 } from 'uuidv7';
import * as v from 'valibot';
import { CaseEventSchema, type CaseEvent, type CaseEventType, type StaffRole } from '../../src/domain/case.ts';
import { BRANCH_ID } from './rating.ts';

/** The builders' member of staff in each role (ids of the roster's `tellers` rows). */
export const STAFF_ID: Record<StaffRole, string> = {
  'lobby-staff': '0190a0b0-0000-7000-8000-0000000000e1',
  'complaint-manager': '0190a0b0-0000-7000-8000-0000000000e2',
  'branch-manager': '0190a0b0-0000-7000-8000-0000000000e3',
};

const AT = Date.UTC(2026, 10, 23, 9, 30);

/** What each type of event needs besides the common fields. */
export const CASE_EVENT_FIELDS: Record<CaseEventType, Record<string, unknown>> = {
  opened: { channel: 'in-person', opinionId: null, summary: 'Charged twice for a transfer' },
  restated: { text: 'You were charged twice on 20 November' },
  'answered-on-spot': { text: 'Refunded at the counter' },
  'handed-on': { toStaffId: STAFF_ID['complaint-manager'] },
  'deadline-agreed': { dueAt: AT + 48 * 3_600_000 },
  replied: { channel: 'phone', text: 'The second charge is refunded' },
  'fault-decided': { atFault: true, text: 'Apologised; the fee table was corrected' },
  escalated: { text: 'Card scheme dispute' },
  'head-office-answered': { text: 'Chargeback approved' },
  'signed-off': {},
  'followed-up': { outcome: 'satisfied', text: '' },
  reopened: { text: 'Customer called back' },
};

/**
 * A case event of `type` for `caseId`, by the builders' staff member in `role` (the role the
 * type allows first, unless given); valid by CaseEventSchema, with a fresh UUIDv7.
 */
export function aCaseEvent(type: CaseEventType, caseId: string, options: { role?: StaffRole } & Record<string, unknown> = {}): CaseEvent {
  const { role = defaultRole(type), ...overrides } = options;
  return v.parse(CaseEventSchema, {
    kind: 'case-event',
    id: uuidv7(),
    caseId,
    branchId: BRANCH_ID,
    staffId: STAFF_ID[role],
    role,
    createdAt: AT,
    type,
    ...CASE_EVENT_FIELDS[type],
    ...overrides,
  });
}

const MANAGERS_ONLY: readonly CaseEventType[] = ['replied', 'fault-decided', 'head-office-answered', 'followed-up', 'reopened'];

function defaultRole(type: CaseEventType): StaffRole {
  if (type === 'escalated' || type === 'signed-off') return 'branch-manager';
  return MANAGERS_ONLY.includes(type) ? 'complaint-manager' : 'lobby-staff';
}

/** A new case id (a UUIDv7, as a tablet makes it). */
export const aCaseId = (): string => uuidv7();
