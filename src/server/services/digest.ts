import type { Kysely } from 'kysely';
import { DIGEST_HOUR, DIGEST_MIN_COUNTER_RATINGS, DIGEST_WORST_COUNTERS, type Digest, type DigestCounter, type DigestScope } from '../../domain/digest.ts';
import { totalRatings } from '../../domain/metrics.ts';
import { addDays, localDayOf, type LocalDay } from '../../domain/period.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { listBranchRefs } from '../repositories/branch-refs.ts';
import { findRegion } from '../repositories/regions.ts';
import { isOverdue, openCases } from '../reports/cases.ts';
import { countersReport, overviewReport } from '../reports/index.ts';
import { enqueueNotifications } from './notify.ts';
import { readCaseDeadlines, readTargets } from './settings.ts';

/**
 * The morning digest (domain/digest.ts): each branch's and each region's yesterday in one
 * message, to the e-mail recipients and webhooks subscribed to `digest`. Its figures are
 * the dashboard's: the overview, the counters report and the open cases, called here for that
 * one day and that branch or region, so a digest never says a number the dashboard does not.
 *
 * Each morning, once the branch's clock (its time zone) reads DIGEST_HOUR, the first server to
 * claim the branch's `job_runs` row for that day queues it, in the claim's transaction: with
 * several servers on one database each digest is queued once, and a server that was down at
 * seven queues it when it comes back. A region's day is that of its first branch by id (a
 * region's branches share a zone in practice; one zone gives the region one morning). A
 * branch or region whose yesterday had no ratings, entries nor cases still gets its digest:
 * a silent day at a branch that should have been open is news too (tablets offline, closed).
 * A region without branches gets none: there is nothing to tell.
 */

/** Whose yesterday: a branch, or a region's branches. */
export type { DigestScope };

/** The branch's or region's digest of `day` as it stands at `now`; null when there is no such branch or region. */
export async function buildDigest(db: Kysely<Database>, scope: DigestScope, day: LocalDay, now: number): Promise<Digest | null> {
  const place = await placeOf(db, scope);
  if (!place) return null;
  const selection = place.branches.map((b) => b.id);
  const range = { from: day, to: day };
  const [overview, counters, open, deadlines] = await Promise.all([
    overviewReport(db, selection, range, await readTargets(db)),
    countersReport(db, selection, range),
    openCases(db, selection),
    readCaseDeadlines(db),
  ]);
  const worstCounters: DigestCounter[] = counters.rows
    .filter((row) => row.ratings >= DIGEST_MIN_COUNTER_RATINGS && row.satisfaction !== null)
    .sort((a, b) => a.satisfaction! - b.satisfaction! || b.ratings - a.ratings || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, DIGEST_WORST_COUNTERS)
    .map((row) => ({ counterId: row.id, counterName: row.name, branchId: row.branchId, branchName: row.branchName, ratings: row.ratings, satisfaction: row.satisfaction! }));
  return {
    scope,
    name: place.name,
    day,
    timeZone: place.timeZone,
    branches: place.branches.map((b) => ({ id: b.id, name: b.name })),
    figures: overview.figures,
    ratings: totalRatings(overview.scores),
    entries: Object.values(overview.opinions).reduce((sum, n) => sum + n, 0),
    worstCounters,
    minCounterRatings: DIGEST_MIN_COUNTER_RATINGS,
    openCases: open.length,
    overdueCases: open.filter((c) => isOverdue(c, now, deadlines)).length,
    madeAt: now,
  };
}

/** The scope's name, zone and branches (a region's by id: its first gives the zone). */
async function placeOf(db: Kysely<Database>, scope: DigestScope) {
  if (scope.kind === 'branch') {
    const branches = await listBranchRefs(db, [scope.branchId]);
    return branches[0] ? { name: branches[0].name, timeZone: branches[0].timeZone, branches } : null;
  }
  const region = await findRegion(db, scope.regionId);
  if (!region) return null;
  const rows = await db.selectFrom('branches').select(['id', 'name', 'time_zone']).where('region_id', '=', scope.regionId).orderBy('id').execute();
  return { name: region.name, timeZone: rows[0]?.time_zone ?? 'UTC', branches: rows.map((r) => ({ id: r.id, name: r.name, timeZone: r.time_zone })) };
}

/** The hour (0–23) on the wall clocks of `timeZone` at `now`. */
export function localHourOf(now: number, timeZone: string): number {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(now);
  return Number(hour);
}

/** One digest that may be due: its job's name, its day, whose it is and the subject it is told as. */
interface DueDigest {
  job: string;
  day: LocalDay;
  scope: DigestScope;
  branchId: string | null;
  regionId: string | null;
}

/** The digests whose morning has come at `now`: every branch's, then every region's with branches, for their yesterday. */
async function dueDigests(db: Kysely<Database>, now: number): Promise<DueDigest[]> {
  const branches = await db.selectFrom('branches').select(['id', 'region_id', 'time_zone']).orderBy('id').execute();
  const due: DueDigest[] = [];
  const regionZones = new Map<string, string>();
  for (const branch of branches) {
    if (branch.region_id !== null && !regionZones.has(branch.region_id)) regionZones.set(branch.region_id, branch.time_zone);
    if (localHourOf(now, branch.time_zone) < DIGEST_HOUR) continue;
    const day = addDays(localDayOf(now, branch.time_zone), -1);
    due.push({ job: `digest:branch:${branch.id}`, day, scope: { kind: 'branch', branchId: branch.id }, branchId: branch.id, regionId: branch.region_id });
  }
  for (const [regionId, timeZone] of regionZones) {
    if (localHourOf(now, timeZone) < DIGEST_HOUR) continue;
    const day = addDays(localDayOf(now, timeZone), -1);
    due.push({ job: `digest:region:${regionId}`, day, scope: { kind: 'region', regionId }, branchId: null, regionId });
  }
  return due;
}

/** How many job names one query asks about: well under either database's limit on parameters. */
const CLAIM_CHECK_CHUNK = 500;

/**
 * Queues every digest due at `now` that no server has claimed yet: the claim (a `job_runs`
 * row, job `digest:branch:<id>` or `digest:region:<id>`, day the branch's or region's
 * yesterday) and the notifications in one transaction, so a digest is queued exactly once
 * whichever server's insert lands. Answers how many digests it queued and how many
 * notifications they made.
 */
export async function runDueDigests(db: Kysely<Database>, now: number): Promise<{ digests: number; notifications: number }> {
  const due = await dueDigests(db, now);
  // Most tries find every digest of the day already claimed: one read says so, not one insert each.
  const claimed = new Set<string>();
  for (let i = 0; i < due.length; i += CLAIM_CHECK_CHUNK) {
    const chunk = due.slice(i, i + CLAIM_CHECK_CHUNK);
    const rows = await db.selectFrom('job_runs').select(['job', 'day']).where('job', 'in', chunk.map((d) => d.job)).where('day', 'in', [...new Set(chunk.map((d) => d.day))]).execute();
    for (const row of rows) claimed.add(`${row.job}|${row.day}`);
  }
  let digests = 0;
  let notifications = 0;
  for (const digest of due.filter((d) => !claimed.has(`${d.job}|${d.day}`))) {
    const queued = await inTransaction(db, async (trx) => {
      const claim = await trx
        .insertInto('job_runs')
        .values({ job: digest.job, day: digest.day, started_at: now, finished_at: null, detail: null })
        .onConflict((oc) => oc.columns(['job', 'day']).doNothing())
        .executeTakeFirst();
      if (Number(claim.numInsertedOrUpdatedRows ?? 0) === 0) return null;
      const built = await buildDigest(trx, digest.scope, digest.day, now);
      const count = built
        ? await enqueueNotifications(trx, { kind: 'digest', id: `${digest.day}:${digest.scope.kind}:${digest.branchId ?? digest.regionId}`, branchId: digest.branchId, regionId: digest.regionId }, { event: 'digest', digest: built }, now)
        : 0;
      await trx.updateTable('job_runs').set({ finished_at: now, detail: JSON.stringify({ notifications: count }) }).where('job', '=', digest.job).where('day', '=', digest.day).execute();
      return count;
    });
    if (queued === null) continue;
    digests += 1;
    notifications += queued;
  }
  return { digests, notifications };
}

/** How often a server looks for digests whose morning has come: a branch's arrives within this of DIGEST_HOUR. */
export const DIGEST_TRY_EVERY_MS = 5 * 60_000;

type DigestLog = { info: (o: object, msg: string) => void; error: (o: object, msg: string) => void };

/**
 * Looks for due digests now and then every `everyMs` (each server; the claims let one queue
 * each). A failure is logged for whoever watches the server and tried again at the next tick:
 * a digest whose transaction failed was not claimed. Returns the stop.
 */
export function scheduleDigests(db: Kysely<Database>, log: DigestLog, clock: () => number = Date.now, everyMs = DIGEST_TRY_EVERY_MS): () => void {
  let stopped = false;
  let running = false;
  const tick = async () => {
    // A slow run (a thousand branches' first morning) is not overlapped by the next tick.
    if (running) return;
    running = true;
    try {
      const run = await runDueDigests(db, clock());
      if (run.digests > 0) log.info({ job: 'digest', ...run }, 'digests queued');
    } catch (error) {
      if (!stopped) log.error({ job: 'digest', err: error }, 'queueing the digests failed; it is tried again at the next tick');
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
