import { err, ok, type Result } from '../domain/result.ts';
import { ReviewPageSchema, type ReviewEntry } from '../domain/review.ts';
import { requestJson, type HttpOptions, type TransportFailure } from './http.ts';
import { staffSessionHeaders, type StaffSession } from './staff-session.ts';

/**
 * Fetches the daily review from the server for the manager of `session`: the entries received
 * since `since` and every older one still open. Held in memory by the review screen only: a
 * kiosk keeps no copy of what customers wrote (decision 0007). Without a live staff session
 * the server would refuse; nothing is asked.
 */
export async function fetchReview(http: HttpOptions, token: string, since: number, session: StaffSession): Promise<Result<ReviewEntry[], TransportFailure>> {
  const headers = staffSessionHeaders(session);
  if (!headers) return err('staff-session-required', 'The review needs a manager signed in with the server reachable.');
  const query = { since: String(Math.max(0, Math.floor(since))) };
  const page = await requestJson(http, '/api/review', { method: 'GET', token, headers, query }, { schema: ReviewPageSchema, what: 'a review' });
  return page.ok ? ok(page.value.entries) : page;
}
