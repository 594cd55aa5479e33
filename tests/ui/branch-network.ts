import type { DayCloseStatus } from '../../src/domain/day-close.ts';
import type { ApiError, CaseEventsPage, PushResponse } from '../../src/domain/wire.ts';

export type NetworkCall = { path: string; body: unknown };
type Answer = DayCloseStatus | { status: number; error: ApiError };

/**
 * The network a tablet sees at day close, for screen tests: the server accepts every record
 * pushed, has no new case events, and answers POST /api/day-close with `answer(n)` for the n-th
 * close (1, 2 …): a report or a refusal, or a promise of one to hold the answer back. The shapes
 * are the real routes' (tests/sync/day-close.test.ts runs the client against the real server).
 * Every call is kept.
 */
export function aBranchNetwork(answer: (close: number) => Answer | Promise<Answer>, configVersion = 1) {
  const calls: NetworkCall[] = [];
  let closes = 0;
  const fetchFn: typeof fetch = async (input, init) => {
    const path = new URL(String(input instanceof Request ? input.url : input)).pathname;
    const body: unknown = init?.body ? JSON.parse(String(init.body)) : null;
    calls.push({ path, body });
    if (path === '/api/sync/push') {
      const { records } = body as { records: { id: string }[] };
      const response: PushResponse = { results: records.map((r) => ({ id: r.id, status: 'accepted' })), serverTime: Date.now(), configVersion };
      return Response.json(response);
    }
    // A lobby tablet pulls the branch's case events after each push: none new here.
    if (path === '/api/case-events') return Response.json({ events: [], next: 0, more: false } satisfies CaseEventsPage);
    if (path === '/api/day-close') {
      const next = await answer(++closes);
      return 'error' in next ? Response.json(next.error, { status: next.status }) : Response.json(next);
    }
    return Response.json({ code: 'not-found', message: `no route ${path}` } satisfies ApiError, { status: 404 });
  };
  return { fetch: fetchFn, calls, closes: () => closes };
}
