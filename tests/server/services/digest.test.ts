import { expect, it } from 'vitest';
import { DIGEST_MIN_COUNTER_RATINGS, type Digest } from '../../../src/domain/digest.ts';
import { totalRatings } from '../../../src/domain/metrics.ts';
import type { ComplaintsReport, OverviewReport, RatingsReport } from '../../../src/domain/reports.ts';
import { dashboardActor } from '../../../src/server/services/audit.ts';
import { buildDigest, runDueDigests } from '../../../src/server/services/digest.ts';
import { writeNotification } from '../../../src/server/services/email.ts';
import { addEmailRecipient } from '../../../src/server/services/email-recipients.ts';
import type { NotificationPayload } from '../../../src/server/services/notify.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, signedIn } from '../dashboard.ts';
import { SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, BRANCH_B, givenTwoBusyDays, HEAD_OFFICE_VIEWER, push, ratingAt, REPORT_NOW } from '../reports/given.ts';

const NORTH = '0190a0b0-0000-7000-8000-0000000000d1';
const HQ = { viewer: HEAD_OFFICE_VIEWER, actor: dashboardActor(HEAD_OFFICE_VIEWER, '127.0.0.1') };
const DAY = '2026-11-23';
const t = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour, minute);

describeEachDatabase('the morning digest', (kind) => {
  const database = useTestDatabase(kind);

  /**
   * The two busy days (tests/server/reports/given.ts) through the real push path, with enough
   * ratings on the 23rd for both of Harbour Road's windows to count among the worst; both
   * branches in the region North.
   */
  async function given() {
    const { db } = database.current;
    const [a, b] = await givenTwoBusyDays(db);
    await push(db, a!.counters[1], [
      ratingAt(a!, t(23, 11), { counter: 1, score: 'dissatisfied' }),
      ratingAt(a!, t(23, 11, 5), { counter: 1, score: 'satisfied' }),
      ratingAt(a!, t(23, 11, 10), { counter: 1, score: 'neutral' }),
      ratingAt(a!, t(23, 11, 15), { counter: 1, score: 'very-satisfied' }),
    ]);
    await push(db, a!.counters[0], [ratingAt(a!, t(23, 11, 20)), ratingAt(a!, t(23, 11, 25), { score: 'dissatisfied' }), ratingAt(a!, t(23, 11, 30))]);
    const region = await addRegion(db, { id: NORTH, name: 'North' }, SERVER_NOW);
    if (!region.ok) throw new Error(region.message);
    await moveBranchToRegion(db, BRANCH_A, NORTH);
    await moveBranchToRegion(db, BRANCH_B, NORTH);
    return { db, a: a!, b: b! };
  }

  it("given a day's ratings, entries and cases pushed by tablets, when a branch's and a region's digest of that day are built, then each figure equals what the dashboard's reports answer for that day and selection", async () => {
    const { db } = await given();
    await givenHeadOfficeAccount(database.current);
    const server = await startTestServer({ db, now: () => REPORT_NOW });
    const cookie = await signedIn(server, 'HQ1');
    const report = async <R>(path: string, selection: string) => {
      const answer = await callDashboard(server, 'GET', `/api/reports/${path}?from=${DAY}&to=${DAY}&${selection}`, { cookie });
      expect(answer.status).toBe(200);
      return answer.body as R;
    };

    for (const [scope, selection] of [
      [{ kind: 'branch', branchId: BRANCH_A }, `branchId=${BRANCH_A}`],
      [{ kind: 'region', regionId: NORTH }, `regionId=${NORTH}`],
    ] as const) {
      const digest = (await buildDigest(db, scope, DAY, REPORT_NOW))!;
      const overview = await report<OverviewReport>('overview', selection);
      const counters = await report<RatingsReport>('counters', selection);
      const complaints = await report<ComplaintsReport>('complaints', selection);

      expect(digest.figures).toEqual(overview.figures);
      expect(digest.ratings).toBe(totalRatings(overview.scores));
      expect(digest.entries).toBe(Object.values(overview.opinions).reduce((sum, n) => sum + n, 0));
      expect(digest.openCases).toBe(complaints.openCount);
      expect(digest.overdueCases).toBe(complaints.overdueCount);
      const worst = counters.rows
        .filter((row) => row.ratings >= DIGEST_MIN_COUNTER_RATINGS)
        .sort((x, y) => x.satisfaction! - y.satisfaction!)
        .slice(0, 3)
        .map((row) => ({ counterId: row.id, counterName: row.name, branchId: row.branchId, branchName: row.branchName, ratings: row.ratings, satisfaction: row.satisfaction }));
      expect(digest.worstCounters).toEqual(worst);
      // Something to compare: the day was not empty, and both of Harbour Road's windows count.
      expect(digest.ratings).toBeGreaterThan(10);
      expect(digest.worstCounters.map((c) => c.counterName)).toEqual(['Window 2', 'Window 1']);
      expect(digest.openCases).toBeGreaterThan(0);
      expect(digest.overdueCases).toBeGreaterThan(0);
    }
    // The region's day is its first branch's by id: Harbour Road's, in Madrid.
    expect(await buildDigest(db, { kind: 'region', regionId: NORTH }, DAY, REPORT_NOW)).toMatchObject({ name: 'North', timeZone: 'Europe/Madrid', branches: [{ id: BRANCH_A }, { id: BRANCH_B }] });
  });

  it('given recipients and a webhook subscribed to the digest, when servers look for due digests, then each branch and region is queued once, only from 07:00 on its own clock, for its yesterday, to each subscriber whose scope covers it', async () => {
    const { db } = await given();
    const subscribe = async (name: string, scope: { regionId?: string; branchId?: string }, events: ('digest' | 'alert-raised')[]) => {
      const added = await addEmailRecipient(db, HQ, { name, address: `${name.toLowerCase()}@bank.example`, language: 'zh-Hant', events, ...scope }, SERVER_NOW);
      if (!added.ok) throw new Error(added.message);
    };
    await subscribe('Network', {}, ['digest']);
    await subscribe('Harbour', { branchId: BRANCH_A }, ['digest', 'alert-raised']);
    await subscribe('Nanjing', { branchId: BRANCH_B }, ['alert-raised']);
    await db
      .insertInto('webhooks')
      .values({ id: '019ab000-0000-7000-8000-00000000eb01', name: 'North desk', url: 'https://hooks.bank.example/north', secret: 's', region_id: NORTH, branch_id: null, events: '["digest"]', enabled: 1, created_at: SERVER_NOW, created_by: 'HQ1', updated_at: SERVER_NOW })
      .execute();
    const queued = async () =>
      (await db.selectFrom('notifications').select(['channel', 'target_id', 'subject_id', 'body']).orderBy('subject_id').orderBy('channel').orderBy('target_id').execute()).map((r) => ({
        channel: r.channel,
        subject: r.subject_id,
        body: JSON.parse(r.body) as NotificationPayload,
      }));

    // 24 November, 05:30 UTC: 06:30 in Madrid (Harbour Road, and so North), 13:30 in Shanghai (Nanjing Road).
    // A digest goes to its own level: Nanjing Road's to its own subscribers (none), North's
    // to North's webhook and to the network's recipient, who gets no digest per branch.
    expect(await runDueDigests(db, t(24, 5, 30))).toEqual({ digests: 1, notifications: 0 });
    expect(await queued()).toEqual([]);
    expect(await runDueDigests(db, t(24, 5, 59))).toEqual({ digests: 0, notifications: 0 });

    // 07:00 in Madrid, asked by two servers at once: Harbour Road's and North's are queued once.
    const both = await Promise.all([runDueDigests(db, t(24, 6)), runDueDigests(db, t(24, 6))]);
    expect(both.reduce((sum, run) => sum + run.digests, 0)).toBe(2);
    expect(both.reduce((sum, run) => sum + run.notifications, 0)).toBe(3);
    expect(await runDueDigests(db, t(24, 9))).toEqual({ digests: 0, notifications: 0 });
    const all = await queued();
    expect(all.map((n) => [n.channel, n.subject])).toEqual([
      ['email', `2026-11-23:branch:${BRANCH_A}`],
      ['email', `2026-11-23:region:${NORTH}`],
      ['webhook', `2026-11-23:region:${NORTH}`],
    ]);
    const claims = await db.selectFrom('job_runs').select(['job', 'day']).where('job', 'like', 'digest:%').orderBy('job').execute();
    expect(claims).toEqual([
      { job: `digest:branch:${BRANCH_A}`, day: DAY },
      { job: `digest:branch:${BRANCH_B}`, day: DAY },
      { job: `digest:region:${NORTH}`, day: DAY },
    ]);

    // What is queued is the digest as built, and its e-mail is written from it in the recipient's language.
    const harbour = all[0]!.body;
    expect(harbour.event).toBe('digest');
    const digest = (harbour as { digest: Digest }).digest;
    expect(digest).toEqual(await buildDigest(db, { kind: 'branch', branchId: BRANCH_A }, DAY, t(24, 6)));
    const mail = await writeNotification(db, harbour, 'zh-Hant');
    expect(mail.subject).toBe('Harbour Road：昨日（2026-11-23）');
    expect(mail.text).toContain('滿意率');
    expect(mail.text).toContain('Window 2（Harbour Road）');
    // Counts and names of places only: not a word a customer wrote.
    expect(JSON.stringify(all)).not.toContain('Only one window was open');
  });
});
