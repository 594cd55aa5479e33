import { dirname } from 'node:path';
import { expect, it } from 'vitest';
import type { FlagsReport } from '../../../src/domain/queue.ts';
import type { OverviewReport, RatingRow, RatingsReport } from '../../../src/domain/reports.ts';
import { runAdmin } from '../../../src/server/cli/commands.ts';
import { findTellerByStaffNumber } from '../../../src/server/repositories/tellers.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRegionalAccount, givenRosterAccount, signedIn } from '../dashboard.ts';
import { SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, BRANCH_B, givenNetwork, push, ratingAt, rollupsOf, type GivenBranch } from '../reports/given.ts';

const at = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour, minute);
const DAY = '2026-11-23';
const NORTH = '0190a0b0-0000-7000-8000-0000000000d1';
const REASON = 'Tapped by a colleague at the window (seen on camera)';

describeEachDatabase('keeping a rating out of the assessment on the dashboard', (kind) => {
  const database = useTestDatabase(kind);
  const db = () => database.current.db;
  // The admin CLI finds the database as the server does.
  const admin = (...args: string[]) =>
    runAdmin(args, { ...process.env, ...(kind === 'sqlite' ? { DATA_DIR: dirname(database.current.url), DATABASE_URL: '' } : { DATABASE_URL: database.current.url }) });

  /**
   * Both branches with ratings on the 23rd; Harbour Road (A) in North. Accounts: A's branch
   * manager 1103, lobby staff 1101 and teller 1001; B's branch manager 2103; North's regional
   * manager RM1; head office HQ1.
   */
  async function given() {
    const [a, b] = (await givenNetwork(db())) as [GivenBranch, GivenBranch];
    must(await addRegion(db(), { id: NORTH, name: 'North' }, SERVER_NOW));
    must(await moveBranchToRegion(db(), BRANCH_A, NORTH));
    for (const [branchId, staffNumber] of [[BRANCH_A, '1103'], [BRANCH_A, '1101'], [BRANCH_A, '1001'], [BRANCH_B, '2103']] as const) {
      await givenRosterAccount(database.current, (await findTellerByStaffNumber(db(), branchId, staffNumber))!);
    }
    await givenRegionalAccount(database.current, NORTH);
    await givenHeadOfficeAccount(database.current);
    const suspect = ratingAt(a, at(23, 10, 1), { score: 'dissatisfied', reasons: ['attitude'] });
    await push(db(), a.counters[0], [ratingAt(a, at(23, 10), { score: 'very-satisfied' }), suspect, ratingAt(a, at(23, 10, 20), { teller: 1 })]);
    await push(db(), b.counters[0], [ratingAt(b, at(23, 3))]);
    const server = await startTestServer({ db: db(), now: () => SERVER_NOW });
    const cookies: Record<string, string> = {};
    for (const staffNumber of ['1103', '1101', '1001', '2103', 'RM1', 'HQ1']) cookies[staffNumber] = await signedIn(server, staffNumber);
    const call = (method: 'GET' | 'POST', path: string, as?: string, body?: unknown, headers?: Record<string, string>) =>
      callDashboard(server, method, path, { cookie: as === undefined ? undefined : cookies[as], body, headers });
    return { a, suspect, server, call };
  }

  it('given the branch manager, when they keep a rating out over HTTP, then the teller and the overview drop by exactly it, the raw rating is still exported, a rebuild keeps it out, and putting it back restores every figure', async () => {
    const { a, suspect, call } = await given();
    const tellers = async () => (await call('GET', `/api/reports/tellers?from=${DAY}&to=${DAY}`, '1103')).body as RatingsReport;
    const overview = async () => (await call('GET', `/api/reports/overview?from=${DAY}&to=${DAY}`, '1103')).body as OverviewReport;
    const tellerOf = (report: RatingsReport): RatingRow => report.rows.find((row) => row.id === a.tellerIds[0])!;
    const [tellersBefore, overviewBefore, rollupsBefore] = [await tellers(), await overview(), await rollupsOf(db())];
    const exportedBefore = await exported(suspect.id);

    const excluded = await call('POST', `/api/ratings/${suspect.id}/exclusion`, '1103', { reason: `  ${REASON}  ` });

    expect(excluded).toMatchObject({ status: 200, body: { excluded: { reason: REASON, by: 'Staff branch-manager', at: SERVER_NOW } } });
    const [tellersAfter, overviewAfter] = [await tellers(), await overview()];
    expect(tellerOf(tellersAfter)).toMatchObject({
      ratings: tellerOf(tellersBefore).ratings - 1,
      scores: { ...tellerOf(tellersBefore).scores, dissatisfied: tellerOf(tellersBefore).scores.dissatisfied - 1 },
      topReasons: [],
    });
    expect(tellerOf(tellersBefore).topReasons).toMatchObject([{ reasonId: 'attitude', count: 1 }]);
    expect(tellersAfter.rows.filter((row) => row.id !== a.tellerIds[0])).toEqual(tellersBefore.rows.filter((row) => row.id !== a.tellerIds[0]));
    expect(overviewAfter.scores).toEqual({ ...overviewBefore.scores, dissatisfied: overviewBefore.scores.dissatisfied - 1 });
    expect(overviewAfter.trend[0]).toEqual({ ...overviewBefore.trend[0]!, ratings: overviewBefore.trend[0]!.ratings - 1 });
    // The raw rating is as it was, and the export of raw ratings still carries it.
    expect(await exported(suspect.id)).toEqual(exportedBefore);
    const audit = (await readAudit(db(), { from: 0, to: SERVER_NOW + 1, limit: 10 })).filter((row) => row.action.startsWith('rating-'));
    expect(audit.map((row) => [row.action, row.actor, row.role, row.branchId, row.subject, row.detail.reason])).toEqual([['rating-exclude', '1103', 'branch-manager', BRANCH_A, suspect.id, REASON]]);
    // The flags page shows it as kept out, flagged or not.
    const flags = (await call('GET', `/api/reports/flags?from=${DAY}&to=${DAY}`, 'RM1')).body as FlagsReport;
    expect(flags.rows).toEqual([expect.objectContaining({ ratingId: suspect.id, kinds: [], excluded: { reason: REASON, by: 'Staff branch-manager', at: SERVER_NOW } })]);

    expect(await call('POST', `/api/ratings/${suspect.id}/exclusion`, '1103', { reason: 'Once more' })).toMatchObject({ status: 409, body: { code: 'conflict' } });
    const excludedRollups = await rollupsOf(db());
    expect(await admin('rollups:rebuild')).toMatchObject({ code: 0 });
    expect(await rollupsOf(db())).toEqual(excludedRollups);
    expect(await tellers()).toEqual(tellersAfter);

    expect(await call('POST', `/api/ratings/${suspect.id}/inclusion`, '1103', { reason: 'The camera was wrong' })).toMatchObject({ status: 200, body: { excluded: null } });
    expect(await tellers()).toEqual(tellersBefore);
    expect(await overview()).toEqual(overviewBefore);
    expect(await rollupsOf(db())).toEqual(rollupsBefore);
    expect(await call('POST', `/api/ratings/${suspect.id}/inclusion`, '1103', { reason: 'Again' })).toMatchObject({ status: 409, body: { code: 'conflict' } });
    expect((await readAudit(db(), { from: 0, to: SERVER_NOW + 1, limit: 10 })).filter((row) => row.action.startsWith('rating-')).map((row) => [row.action, row.detail.reason])).toEqual([
      ['rating-exclude', REASON],
      ['rating-include', 'The camera was wrong'],
    ]);
  });

  it('given anyone but the branch manager of the rating, then 401, 403 or 404, and for a bad request 400 naming the field; nothing changes', async () => {
    const { suspect, call } = await given();
    const rollups = await rollupsOf(db());
    const exclude = (as?: string, body: unknown = { reason: REASON }, headers?: Record<string, string>) => call('POST', `/api/ratings/${suspect.id}/exclusion`, as, body, headers);

    expect(await exclude()).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect(await exclude('1001')).toMatchObject({ status: 403, body: { code: 'forbidden', message: 'Reports are for branch managers, regional managers and head office; 1001 is signed in as teller.' } });
    expect(await exclude('1101')).toMatchObject({ status: 403, body: { code: 'forbidden', message: 'Reports are for branch managers, regional managers and head office; 1101 is signed in as lobby-staff.' } });
    expect(await exclude('RM1')).toMatchObject({ status: 403, body: { code: 'forbidden', message: "Only the branch manager of the rating's branch may keep a rating out of the assessment; RM1 is signed in as regional-manager." } });
    expect(await exclude('HQ1')).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await exclude('2103')).toMatchObject({ status: 404, body: { code: 'not-found', message: `No rating of branch ${BRANCH_B} has the id ${suspect.id}; the Flags page lists its flagged and excluded ratings.` } });
    expect(await call('POST', `/api/ratings/${suspect.id}/inclusion`, '2103', { reason: REASON })).toMatchObject({ status: 404 });
    expect(await call('POST', `/api/ratings/${suspect.id}/inclusion`, 'RM1', { reason: REASON })).toMatchObject({ status: 403 });
    expect(await call('POST', '/api/ratings/019ab000-0000-7000-8000-0000000000ff/exclusion', '1103', { reason: REASON })).toMatchObject({ status: 404 });

    expect(await exclude('1103', { reason: 'no' })).toMatchObject({ status: 400, body: { code: 'bad-request', message: 'reason: must say why, in a few words' } });
    expect(await exclude('1103', {})).toMatchObject({ status: 400, body: { code: 'bad-request', message: expect.stringContaining('reason') } });
    expect(await exclude('1103', { reason: REASON, score: 'satisfied' })).toMatchObject({ status: 400, body: { code: 'bad-request', message: expect.stringContaining('score') } });
    expect(await call('POST', '/api/ratings/not-a-rating/exclusion', '1103', { reason: REASON })).toMatchObject({ status: 400, body: { message: 'ratingId: must be a lower-case UUID' } });
    // A form another site's page could make a browser send: refused before anything is read.
    expect(await exclude('1103', { reason: REASON }, { 'content-type': 'text/plain' })).toMatchObject({ status: 400, body: { code: 'bad-request' } });

    expect(await rollupsOf(db())).toEqual(rollups);
    expect(await db().selectFrom('rating_exclusions').selectAll().execute()).toEqual([]);
    expect((await readAudit(db(), { from: 0, to: SERVER_NOW + 1, limit: 10 })).filter((row) => row.action.startsWith('rating-'))).toEqual([]);
  });

  /** The rating as `npm run admin -- ratings --json` exports it (the export of raw ratings). */
  async function exported(ratingId: string) {
    const listed = await admin('ratings', '--json', '--limit', '100');
    expect(listed.code).toBe(0);
    const rating = (JSON.parse(listed.stdout) as { id: string }[]).find((r) => r.id === ratingId);
    expect(rating).toBeDefined();
    return { rating, row: await db().selectFrom('ratings').selectAll().where('id', '=', ratingId).executeTakeFirstOrThrow() };
  }
});

function must<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}
