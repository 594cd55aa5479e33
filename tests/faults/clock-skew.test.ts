import { afterEach, expect, it } from 'vitest';
import { localDayOf } from '../../src/domain/period.ts';
import type { FleetReport } from '../../src/domain/reports.ts';
import { BRANCH_ID } from '../builders/rating.ts';
import { describeEachDatabase } from '../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, signedIn } from '../server/dashboard.ts';
import { startTestServer, useTestDatabase } from '../server/fixtures.ts';
import { aCounterTablet, expectExactlyOnce, givenBranchWithCounters, type Tablet } from './given.ts';

// Tablets whose clocks are wrong by a day or a year either way, against a server with the right
// time. The device's time is data (decision 0012): kept as sent, never the order; the server's
// seq is the order of arrival; the engine measures the offset and the fleet shows it. The day a
// rating counts on is the branch's day of the device's clock (decision 0009); what that does
// to a year-skewed tablet's figures, and why it stays so, is decision 0012.

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const SKEWS = [{ name: '+1 year', ms: YEAR }, { name: '-1 day', ms: -DAY }, { name: 'right', ms: 0 }, { name: '+1 day', ms: DAY }, { name: '-1 year', ms: -YEAR }];

describeEachDatabase('tablets with skewed clocks', (kind) => {
  const database = useTestDatabase(kind);
  const tablets: Tablet[] = [];
  afterEach(async () => {
    for (const tablet of tablets.splice(0)) await tablet.discard();
  });

  it('given tablets a day and a year fast and slow, when they take ratings and sync in turn, then every rating is accepted with its device time, ordered by arrival, and the fleet shows each clock’s offset', async () => {
    const started = Date.now();
    const counterIds = await givenBranchWithCounters(database.current, SKEWS.length);
    // The server's clock is the real one here: the offset is measured against it.
    const server = await startTestServer({ db: database.current.db, now: Date.now });
    for (const [i, skew] of SKEWS.entries()) {
      tablets.push(await aCounterTablet(database.current.db, server.baseUrl, counterIds[i]!, { now: () => Date.now() + skew.ms }));
    }

    // Two rounds, the second in the opposite order, as tablets sync when they can.
    const arrival: string[] = [];
    for (const [round, order] of [tablets, [...tablets].reverse()].entries()) {
      for (const tablet of order) {
        const ids = await tablet.rate(3 - round);
        const outcome = await tablet.engine.syncNow();
        expect(outcome).toEqual({ ok: true, value: { pushed: ids.length, rejected: 0 } });
        arrival.push(...ids);
      }
    }

    await expectExactlyOnce(database.current.db, tablets.flatMap((t) => t.written));
    const stored = await database.current.db.selectFrom('ratings').select(['id', 'seq', 'created_at', 'counter_id', 'day']).orderBy('seq').execute();
    // Ordered by the server's seq, which is arrival; never by the devices' clocks.
    expect(stored.map((r) => r.id)).toEqual(arrival);
    const byDeviceTime = [...stored].sort((a, b) => a.created_at - b.created_at).map((r) => r.id);
    expect(byDeviceTime).not.toEqual(arrival);
    // Each rating keeps the time its tablet gave it, and counts on the branch's day of that time.
    const { time_zone: zone } = await database.current.db.selectFrom('branches').select('time_zone').where('id', '=', BRANCH_ID).executeTakeFirstOrThrow();
    const sent = new Map((await Promise.all(tablets.map((t) => t.db.ratings.toArray()))).flat().map((r) => [r.id, r.createdAt]));
    expect(stored.filter((r) => r.created_at !== sent.get(r.id) || r.day !== localDayOf(r.created_at, zone))).toEqual([]);

    // The fleet, as head office reads it on the dashboard: each tablet's offset within a second.
    await givenHeadOfficeAccount(database.current);
    const fleet = await callDashboard(server, 'GET', '/api/reports/fleet', { cookie: await signedIn(server, 'HQ1') });
    expect(fleet.status).toBe(200);
    const offsets = new Map((fleet.body as FleetReport).devices.map((d) => [d.id, d.health?.clockOffsetMs ?? null]));
    const report: string[] = [];
    for (const [i, tablet] of tablets.entries()) {
      const skew = SKEWS[i]!;
      const shown = offsets.get(tablet.deviceId);
      expect(shown).toEqual(expect.any(Number));
      expect(Math.abs(shown! + skew.ms)).toBeLessThan(1000);
      const days = [...new Set(stored.filter((r) => r.counter_id === tablet.counterId).map((r) => r.day))].join(', ');
      report.push(`${skew.name}: offset shown ${shown} ms (error ${Math.abs(shown! + skew.ms)} ms), counted on ${days}`);
    }
    console.log(`[faults] clock skew (${kind}): ${stored.length} ratings accepted, device times kept, seq = arrival order; server day ${localDayOf(Date.now(), zone)} (${zone}); ${Date.now() - started} ms\n  ${report.join('\n  ')}`);
  });
});
