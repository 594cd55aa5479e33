import * as v from 'valibot';
import { err, ok, type Result } from '../domain/result.ts';
import { ReviewPageSchema, type ReviewEntry } from '../domain/review.ts';
import { requestJson, type HttpOptions, type TransportFailure } from './http.ts';

/**
 * Fetches the daily review from the server: the entries received since `since` and every
 * older one still open. Held in memory by the review screen only: a kiosk keeps no copy of
 * what customers wrote (decision 0007).
 */
export async function fetchReview(http: HttpOptions, token: string, since: number): Promise<Result<ReviewEntry[], TransportFailure>> {
  const answer = await requestJson<unknown>(http, `/api/review?since=${Math.max(0, Math.floor(since))}`, { method: 'GET', token });
  if (!answer.ok) return answer;
  const page = v.safeParse(ReviewPageSchema, answer.value);
  if (!page.success) return err('bad-response', 'The server sent a review this app does not understand.');
  return ok(page.output.entries);
}
