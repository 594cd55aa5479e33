import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyCaseEvent,
  CASE_ACTIONS,
  CASE_EVENT_TYPES,
  compareCases,
  legalActions,
  deadlineState,
  foldCases,
  replyDueAt,
  ROLES_FOR,
  STAFF_ROLES,
  type CaseEvent,
  type ComplaintCase,
  type StaffRole,
} from '../../src/domain/case.ts';
import { aCaseEvent, STAFF_ID } from '../builders/case-event.ts';

const CASE = '019ab000-0000-7000-8000-0000000000c1';
const MANAGER = STAFF_ID['complaint-manager'];
const T0 = Date.UTC(2026, 10, 23, 10);
const HOUR = 3_600_000;

let n = 0;
/** An event of `type` by `role` (the builders' one), a minute after the one before. */
function anEvent(type: CaseEvent['type'], role: StaffRole, overrides: Record<string, unknown> = {}): CaseEvent {
  n += 1;
  return aCaseEvent(type, CASE, { role, createdAt: T0 + n * 60_000, ...overrides });
}

function run(...events: CaseEvent[]) {
  return foldCases(events);
}

describe('complaint case: the rules of seed 002', () => {
  it('given an in-person complaint, when restated, handed on, replied, decided and signed off, then the case is closed with its whole history', () => {
    const events = [
      anEvent('opened', 'lobby-staff'),
      anEvent('restated', 'lobby-staff'),
      anEvent('handed-on', 'lobby-staff'),
      anEvent('deadline-agreed', 'complaint-manager'),
      anEvent('replied', 'complaint-manager'),
      anEvent('fault-decided', 'complaint-manager'),
      anEvent('signed-off', 'branch-manager'),
      anEvent('followed-up', 'complaint-manager'),
    ];
    const { cases, refused } = foldCases(events);
    expect(refused).toEqual([]);
    expect(cases.get(CASE)).toMatchObject({
      status: 'signed-off',
      ownerStaffId: MANAGER,
      handedOn: true,
      restated: true,
      replies: 1,
      atFault: true,
      followUps: 1,
      eventIds: events.map((e) => e.id),
    } satisfies Partial<ComplaintCase>);
  });

  it.each([
    ['a reply after sign-off (sent offline from a second tablet)', ['opened', 'answered-on-spot', 'signed-off', 'replied'], 'case-signed-off'],
    ['a sign-off with no reply yet', ['opened', 'restated', 'signed-off'], 'no-reply-yet'],
    ['a sign-off while head office has it', ['opened', 'replied', 'escalated', 'signed-off'], 'no-reply-yet'],
    ["head office's answer to a case never escalated", ['opened', 'head-office-answered'], 'not-escalated'],
    ['reopening an open case', ['opened', 'reopened'], 'case-not-signed-off'],
    ['opening the same case twice', ['opened', 'opened'], 'case-exists'],
    ['an event for a case never opened', ['restated'], 'case-unknown'],
    ['a follow-up call before any reply', ['opened', 'followed-up'], 'no-reply-yet'],
  ] as const)('given %s, then it is refused with its reason and the case is unchanged', (_, types, reason) => {
    const events = types.map((type) => anEvent(type, type === 'signed-off' || type === 'escalated' ? 'branch-manager' : 'complaint-manager'));
    const before = foldCases(events.slice(0, -1)).cases.get(CASE);
    const { cases, refused } = foldCases(events);
    expect(refused.map((r) => [r.event.id, r.reason])).toEqual([[events.at(-1)!.id, reason]]);
    expect(refused[0]!.message).toMatch(new RegExp(`^${types.at(-1)}: `));
    expect(cases.get(CASE)).toEqual(before);
  });

  it.each([
    ['signed-off', 'complaint-manager'],
    ['signed-off', 'lobby-staff'],
    ['escalated', 'complaint-manager'],
    ['replied', 'lobby-staff'],
    ['reopened', 'lobby-staff'],
  ] as const)('given a %s event by a %s, then the role is refused: the branch manager confirms and signs', (type, role) => {
    const { refused } = run(anEvent('opened', 'lobby-staff'), anEvent('answered-on-spot', 'lobby-staff'), anEvent(type, role));
    expect(refused.map((r) => r.reason)).toEqual(['role-not-allowed']);
  });

  it('given an escalated case, when head office answers and the branch replies, then the manager can sign it off', () => {
    const { cases, refused } = run(
      anEvent('opened', 'lobby-staff'),
      anEvent('escalated', 'branch-manager'),
      anEvent('head-office-answered', 'complaint-manager'),
      anEvent('replied', 'complaint-manager'),
      anEvent('signed-off', 'branch-manager'),
    );
    expect(refused).toEqual([]);
    expect(cases.get(CASE)).toMatchObject({ status: 'signed-off', escalated: true, headOfficeAnswered: true });
  });

  it('given a signed-off case, when reopened, then it takes replies again and needs a new sign-off', () => {
    const { cases, refused } = run(
      anEvent('opened', 'lobby-staff'),
      anEvent('answered-on-spot', 'lobby-staff'),
      anEvent('signed-off', 'branch-manager'),
      anEvent('reopened', 'complaint-manager'),
      anEvent('replied', 'complaint-manager'),
    );
    expect(refused).toEqual([]);
    expect(cases.get(CASE)).toMatchObject({ status: 'replied', signedOffAt: null, replies: 1 });
  });
});

describe('complaint case: reply deadlines', () => {
  const opened = (...more: CaseEvent[]) => foldCases([anEvent('opened', 'lobby-staff', { createdAt: T0 }), ...more]).cases.get(CASE)!;

  it('given a new case, then the reply is due in 24 hours: ok, amber in the last 6, red after', () => {
    const c = opened();
    expect(replyDueAt(c)).toBe(T0 + 24 * HOUR);
    expect(deadlineState(c, T0 + 17 * HOUR)).toBe('ok');
    expect(deadlineState(c, T0 + 18 * HOUR)).toBe('amber');
    expect(deadlineState(c, T0 + 24 * HOUR)).toBe('amber');
    expect(deadlineState(c, T0 + 24 * HOUR + 1)).toBe('red');
  });

  it('given a case handed on from the spot, then it has 3 days; an agreed deadline wins; a reply ends it', () => {
    const handed = opened(anEvent('handed-on', 'lobby-staff', { createdAt: T0 + HOUR }));
    expect(replyDueAt(handed)).toBe(T0 + 72 * HOUR);
    expect(deadlineState(handed, T0 + 50 * HOUR)).toBe('ok');
    expect(deadlineState(handed, T0 + 54 * HOUR)).toBe('amber');
    const agreed = opened(anEvent('deadline-agreed', 'lobby-staff', { createdAt: T0 + HOUR, dueAt: T0 + 30 * HOUR }));
    expect(replyDueAt(agreed)).toBe(T0 + 30 * HOUR);
    expect(replyDueAt(opened(anEvent('replied', 'complaint-manager', { createdAt: T0 + HOUR })))).toBeNull();
    expect(replyDueAt(opened(), { replyWithinHours: 8, notOnSpotWithinHours: 48 })).toBe(T0 + 8 * HOUR);
  });
});

describe('complaint case: properties over any history', () => {
  const CASES = ['019ab000-0000-7000-8000-0000000000c1', '019ab000-0000-7000-8000-0000000000c2'];
  const anyEvent = fc
    .record({ type: fc.constantFrom(...CASE_EVENT_TYPES), role: fc.constantFrom(...STAFF_ROLES), caseId: fc.constantFrom(...CASES), minutes: fc.nat(10_000) })
    .map(({ type, role, caseId, minutes }) => anEvent(type, role, { caseId, createdAt: T0 + minutes * 60_000 }));
  const histories = fc.array(anyEvent, { maxLength: 40 });

  /**
   * The same events with those of different cases interleaved another way (each case's own
   * events keep their order): the positions are shuffled by `keys`, and each case takes back
   * its positions in its own order. Two tablets' events reach the server so.
   */
  function interleavedOtherwise(events: readonly CaseEvent[], keys: readonly number[]): CaseEvent[] {
    const positions = events.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
    const queues = new Map(CASES.map((id) => [id, events.filter((e) => e.caseId === id)]));
    return positions.map((i) => queues.get(events[i]!.caseId)!.shift()!);
  }

  it('given the events of two cases interleaved in any other way, then each case folds the same and the same events are refused, for the same reasons', () => {
    fc.assert(
      fc.property(
        histories.chain((events) => fc.tuple(fc.constant(events), fc.array(fc.nat(), { minLength: events.length, maxLength: events.length }))),
        ([events, keys]) => {
          const other = interleavedOtherwise(events, keys);
          expect(other.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
          const [a, b] = [foldCases(events), foldCases(other)];
          expect(b.cases).toEqual(a.cases);
          const refusals = (fold: typeof a) => fold.refused.map(({ event, reason, message }) => ({ id: event.id, reason, message })).sort((x, y) => x.id.localeCompare(y.id));
          expect(refusals(b)).toEqual(refusals(a));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('given one case, then its fold is a function of its events: the second case never changes the first', () => {
    fc.assert(
      fc.property(histories, (events) => {
        const alone = foldCases(events.filter((e) => e.caseId === CASES[0]));
        expect(foldCases(events).cases.get(CASES[0]!)).toEqual(alone.cases.get(CASES[0]!));
      }),
      { numRuns: 300 },
    );
  });

  it('every event is either folded in or refused with a reason, never both, never dropped', () => {
    fc.assert(
      fc.property(histories, (events) => {
        const { cases, refused } = foldCases(events);
        const folded = [...cases.values()].flatMap((c) => c.eventIds);
        expect([...folded, ...refused.map((r) => r.event.id)].sort()).toEqual(events.map((e) => e.id).sort());
      }),
      { numRuns: 300 },
    );
  });

  it('no illegal transition is ever accepted: each accepted event, checked against the case before it, follows the rules', () => {
    fc.assert(
      fc.property(histories, (events) => {
        const cases = new Map<string, ComplaintCase>();
        for (const event of events) {
          const before = cases.get(event.caseId);
          const step = applyCaseEvent(before, event);
          if (!step.ok) continue;
          cases.set(event.caseId, step.case);
          // The rules, stated once more independently of the switch in applyCaseEvent.
          expect(ROLES_FOR[event.type]).toContain(event.role);
          expect(before === undefined).toBe(event.type === 'opened');
          if (before?.status === 'signed-off') expect(['followed-up', 'reopened']).toContain(event.type);
          if (event.type === 'signed-off') expect(before?.status).toBe('replied');
          if (event.type === 'reopened') expect(before?.status).toBe('signed-off');
          if (event.type === 'head-office-answered') expect(before?.status).toBe('escalated');
          if (step.case.status === 'signed-off') expect(step.case.replies > 0 || step.case.answeredOnSpot).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('complaint case: what the screens offer', () => {
  it('legalActions offers exactly the actions the state machine accepts, for any history and role', () => {
    const anyEvent = fc
      .record({ type: fc.constantFrom(...CASE_EVENT_TYPES), role: fc.constantFrom(...STAFF_ROLES), minutes: fc.nat(10_000) })
      .map(({ type, role, minutes }) => anEvent(type, role, { createdAt: T0 + minutes * 60_000 }));
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 25 }), fc.constantFrom(...STAFF_ROLES), (events, role) => {
        const c = foldCases([anEvent('opened', 'lobby-staff'), ...events]).cases.get(CASE)!;
        const offered = legalActions(c, role);
        for (const type of CASE_ACTIONS) {
          expect(offered.includes(type)).toBe(applyCaseEvent(c, anEvent(type, role)).ok);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('given a new case, lobby staff may restate, answer, agree a deadline and hand on; only the branch manager escalates; no one signs off before a reply', () => {
    const c = foldCases([anEvent('opened', 'lobby-staff')]).cases.get(CASE)!;
    expect(legalActions(c, 'lobby-staff')).toEqual(['restated', 'answered-on-spot', 'deadline-agreed', 'handed-on']);
    expect(legalActions(c, 'branch-manager')).toContain('escalated');
    expect(legalActions(c, 'complaint-manager')).not.toContain('escalated');
    expect(legalActions(c, 'branch-manager')).not.toContain('signed-off');
  });

  it('the list puts overdue cases first, then the nearest deadline, then replied ones, signed-off last', () => {
    const caseOf = (id: string, ...events: CaseEvent[]) => foldCases(events.map((e) => ({ ...e, caseId: id }))).cases.get(id)!;
    const ids = ['019ab000-0000-7000-8000-0000000000d1', '019ab000-0000-7000-8000-0000000000d2', '019ab000-0000-7000-8000-0000000000d3', '019ab000-0000-7000-8000-0000000000d4'];
    const overdue = caseOf(ids[0]!, anEvent('opened', 'lobby-staff', { createdAt: T0 - 30 * HOUR }));
    const dueSoon = caseOf(ids[1]!, anEvent('opened', 'lobby-staff', { createdAt: T0 - 20 * HOUR }));
    const replied = caseOf(ids[2]!, anEvent('opened', 'lobby-staff', { createdAt: T0 }), anEvent('replied', 'complaint-manager', { createdAt: T0 + 1 }));
    const closed = caseOf(ids[3]!, anEvent('opened', 'lobby-staff', { createdAt: T0 }), anEvent('answered-on-spot', 'lobby-staff', { createdAt: T0 + 1 }), anEvent('signed-off', 'branch-manager', { createdAt: T0 + 2 }));
    expect([closed, replied, dueSoon, overdue].sort(compareCases(T0)).map((c) => c.id)).toEqual(ids);
  });
});
