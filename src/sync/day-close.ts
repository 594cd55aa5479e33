import { DayCloseStatusSchema, type DayCloseStatus } from '../domain/day-close.ts';
import { err, ok, type Err, type Ok } from '../domain/result.ts';
import type { BranchVoiceDB } from '../store/db.ts';
import { loadDevice } from '../store/device.ts';
import { getMeta } from '../store/meta.ts';
import { outboxStats } from '../store/outbox.ts';
import type { SyncEngine } from './engine.ts';
import { requestJson, type HttpOptions, type TransportFailure } from './http.ts';
import { staffSessionHeaders, type StaffSession } from './staff-session.ts';

/**
 * "Close day" on a tablet (日終): this tablet syncs at once, then asks the server for
 * the branch's day-close report, which starts the close the first time it is asked that day.
 * Pressing it again ("sync again") syncs again and brings the report up to date.
 */

/** How this tablet's own sync went, and what it still holds. */
export interface TabletOutcome {
  /** This tablet's device id, to find it in the report; null when it is not enrolled. */
  deviceId: string | null;
  /** Records the server took in the sync run for the close (0 when it failed). */
  pushed: number;
  /** Records the server refused in that run: kept in the quarantine for staff. */
  rejected: number;
  /** Records still in this tablet's outbox afterwards, and when the oldest was made. */
  waiting: number;
  oldestWaitingAt: number | null;
  quarantined: number;
}

/**
 * Why a close did not go through: the transport's reasons (offline, unreachable, revoked …;
 * 'forbidden' when the server does not have the member of staff on the roster in that role),
 * a tablet that is not enrolled, or one whose own storage failed the sync (SyncFailure).
 */
export type DayCloseFailure = TransportFailure | 'not-enrolled' | 'storage-full' | 'unknown';

export type DayCloseOutcome =
  | Ok<{ status: DayCloseStatus; tablet: TabletOutcome }>
  /** `stage` says which step failed: the tablet's own sync (then nothing was asked of the server) or the close itself. */
  | (Err<DayCloseFailure> & { stage: 'sync' | 'close'; tablet: TabletOutcome });

export interface DayCloseServices {
  db: BranchVoiceDB;
  engine: SyncEngine;
  http: HttpOptions;
}

/**
 * Syncs this tablet now, then POSTs /api/day-close in the manager's staff session (`who`: the
 * server knows who pressed it from the session, checked by it). When the sync fails the close
 * is not asked for: a report made then would count this tablet's records as missing, and
 * staff would read a gap that a working network closes in a second. Without a live staff
 * session nothing is asked either. Either way the answer says what this tablet still holds.
 */
export async function closeDay({ db, engine, http }: DayCloseServices, who: StaffSession): Promise<DayCloseOutcome> {
  const notSynced = async (reason: DayCloseFailure, message: string): Promise<DayCloseOutcome> => ({ ...err(reason, message), stage: 'sync', tablet: await tabletOutcome(db, 0, 0) });
  const device = await loadDevice(db);
  if (!device) return notSynced('not-enrolled', NOT_ENROLLED);
  const headers = staffSessionHeaders(who);
  if (!headers) return notSynced('staff-session-required', 'A day close needs a manager signed in with the server reachable.');

  const synced = await engine.syncNow();
  if (synced.ok === false) return notSynced(synced.reason, synced.message);
  if (synced.ok === 'skipped' && synced.why === 'not-enrolled') return notSynced('not-enrolled', NOT_ENROLLED);
  // The engine stopped on a 401 earlier; the reason is kept with the sync state.
  if (synced.ok === 'skipped' && synced.why === 'stopped') return notSynced((await getMeta(db, 'syncState'))?.stopped ?? 'unauthorized', 'This tablet no longer syncs: enroll it again.');
  // Skipped as 'busy': another tab of the app holds the sync lock and is pushing this same
  // outbox. The close goes ahead, and what is still waiting is reported with it.
  const { pushed, rejected } = synced.ok === true ? synced.value : { pushed: 0, rejected: 0 };

  // Read again: the sync may have given this tablet a new token (decision 0016).
  const token = (await loadDevice(db))?.identity.token ?? device.identity.token;
  const answer = await requestJson(http, '/api/day-close', { method: 'POST', token, body: {}, headers }, { schema: DayCloseStatusSchema, what: 'a day-close report' });
  const tablet = await tabletOutcome(db, pushed, rejected);
  if (!answer.ok) return { ...answer, stage: 'close', tablet };
  return ok({ status: answer.value, tablet });
}

const NOT_ENROLLED = 'This tablet is not enrolled: enroll it before closing the day.';

async function tabletOutcome(db: BranchVoiceDB, pushed: number, rejected: number): Promise<TabletOutcome> {
  const [stats, device] = await Promise.all([outboxStats(db), loadDevice(db)]);
  return { deviceId: device?.identity.deviceId ?? null, pushed, rejected, waiting: stats.depth, oldestWaitingAt: stats.oldestCreatedAt, quarantined: stats.quarantined };
}
