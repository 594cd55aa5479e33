import { uuidv7 } from 'uuidv7';
import type { DayCloseStatus } from '../../src/domain/day-close.ts';
import type { BlankingsPage } from '../../src/domain/privacy.ts';
import { STAFF_SESSION_MS, type StaffSessionGrant } from '../../src/domain/staff-session.ts';
import type { ApiError, CaseEventsPage, PushResponse } from '../../src/domain/wire.ts';
import { aCaseRoster, aTeller, MANAGER_PIN, SECOND_TELLER_ID, TELLER_PIN } from '../builders/device.ts';

/** A call the tablet made, with the staff session it named (x-staff-session), if any. */
export type NetworkCall = { path: string; body: unknown; staffSession?: string };
type Answer = DayCloseStatus | { status: number; error: ApiError };

/**
 * The network a tablet sees at day close, for screen tests: the server signs staff in (see
 * aStaffServer), accepts every record pushed, has no new case events nor blankings, and answers POST
 * /api/day-close with `answer(n)` for the n-th close (1, 2 …): a report or a refusal, or a
 * promise of one to hold the answer back. The shapes are the real routes' (tests/sync/
 * day-close.test.ts runs the client against the real server). Every call but the sign-ins is
 * kept, with the staff session it named.
 */
export function aBranchNetwork(answer: (close: number) => Answer | Promise<Answer>, configVersion = 1) {
  const calls: NetworkCall[] = [];
  let closes = 0;
  const branch: typeof fetch = async (input, init) => {
    const path = new URL(String(input instanceof Request ? input.url : input)).pathname;
    const body: unknown = init?.body ? JSON.parse(String(init.body)) : null;
    const staffSession = (init?.headers as Record<string, string> | undefined)?.['x-staff-session'];
    calls.push(staffSession ? { path, body, staffSession } : { path, body });
    if (path === '/api/sync/push') {
      const { records } = body as { records: { id: string }[] };
      const response: PushResponse = { results: records.map((r) => ({ id: r.id, status: 'accepted' })), serverTime: Date.now(), configVersion };
      return Response.json(response);
    }
    // A lobby tablet pulls the branch's case events after each push: none new here.
    if (path === '/api/case-events') return Response.json({ events: [], next: 0, more: false } satisfies CaseEventsPage);
    // … and then what the server blanked: nothing here.
    if (path === '/api/blankings') return Response.json({ blankings: [], next: 0, more: false } satisfies BlankingsPage);
    if (path === '/api/day-close') {
      const next = await answer(++closes);
      return 'error' in next ? Response.json(next.error, { status: next.status }) : Response.json(next);
    }
    return Response.json({ code: 'not-found', message: `no route ${path}` } satisfies ApiError, { status: 404 });
  };
  const staff = aStaffServer(branch);
  return { fetch: staff.fetch, calls, closes: () => closes, signIns: staff.signIns };
}

/** The builders' roster as the server knows it: staff number → member and PIN. */
const ROSTER = new Map(
  [aTeller(), aTeller({ id: SECOND_TELLER_ID, staffNumber: '1002', name: 'Carlos Ruiz' }), ...aCaseRoster()].map((m) => [
    m.staffNumber,
    { staff: { id: m.id, staffNumber: m.staffNumber, name: m.name, role: m.role }, pin: m.role.endsWith('manager') ? MANAGER_PIN : TELLER_PIN },
  ]),
);

/**
 * The server's staff sign-in, for screen tests: POST /api/staff-session answers a session for
 * the builders' roster (tellers, lobby staff and managers with their PINs), 401 otherwise;
 * DELETE answers 204. Every other request goes to `inner` (the network down unless given). The
 * shapes are the real route's (tests/server/routes/staff-session.test.ts); `signIns` keeps the
 * staff numbers asked.
 */
export function aStaffServer(inner: typeof fetch = () => Promise.reject(new TypeError('fetch failed: network is down'))) {
  const signIns: string[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const path = new URL(String(input instanceof Request ? input.url : input)).pathname;
    if (path !== '/api/staff-session') return inner(input, init);
    if (init?.method === 'DELETE') return new Response(null, { status: 204 });
    const { staffNumber, pin } = JSON.parse(String(init?.body)) as { staffNumber: string; pin: string };
    signIns.push(staffNumber);
    const member = ROSTER.get(staffNumber.trim());
    if (!member || member.pin !== pin) return Response.json({ code: 'staff-credentials-invalid', message: 'The staff number or the PIN is wrong.' } satisfies ApiError, { status: 401 });
    const grant: StaffSessionGrant = { sessionId: uuidv7(), key: 'k'.repeat(43), expiresAt: Date.now() + STAFF_SESSION_MS, expiresInMs: STAFF_SESSION_MS, staff: member.staff };
    return Response.json(grant);
  };
  return { fetch: fetchFn, signIns };
}
