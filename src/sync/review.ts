import * as v from 'valibot';
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
  const answer = await requestJson<unknown>(http, `/api/review?since=${Math.max(0, Math.floor(since))}`, { method: 'GET', token, headers });
  if (!answer.ok) return answer;
  const page = v.safeParse(ReviewPageSchema, answer.value);
  if (!page.success) return err('bad-response', 'The server sent a review this app does not understand.');
  return ok(page.output.entries);
}
