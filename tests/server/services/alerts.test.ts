import { expect, it } from 'vitest';
import type { AlertDetail } from '../../../src/domain/alerts.ts';
import type { OverviewReport } from '../../../src/domain/reports.ts';
import { localDayOf } from '../../../src/domain/period.ts';
import { raiseDayBelowTargetAlerts, RATING_ALERTS_PER_COUNTER_HOUR } from '../../../src/server/services/alerts.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard } from '../dashboard.ts';
import { SERVER_NOW, useTestDatabase } from '../fixtures.ts';
import { BRANCH_ID, COUNTER_ID, givenAlertsNetwork, MINUTE, TELLER_ID } from '../alerts-given.ts';

const CONTACT = { name: 'Wong Tai Sin', phone: '+852 9123 4567', email: 'wong@example.com', wantsReply: true, consent: true } as const;

describeEachDatabase('raising alerts from what a push stored', (kind) => {
  const database = useTestDatabase(kind);
  const given = () => givenAlertsNetwork(database.current);

  it('given a dissatisfied rating, then one alert with its counter, teller, score, reasons and own time, due in its minutes, with its raised event; a re-sent batch raises nothing twice', async () => {
    const { push, rating, alerts, events } = await given();
    const unhappy = rating({ score: 'dissatisfied', reasons: ['waited-long', 'unfriendly'], minutesAgo: 2 });
    const batch = [unhappy, rating({ score: 'satisfied' }), rating({ score: 'very-satisfied' })];

    await push(batch);
    await push(batch);

    const raised = await alerts();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({
      kind: 'dissatisfied',
      dedupe_key: `dissatisfied:${unhappy.id}`,
      branch_id: BRANCH_ID,
      counter_id: COUNTER_ID,
      teller_id: TELLER_ID,
      source_kind: 'rating',
      source_id: unhappy.id,
      occurred_at: unhappy.createdAt,
      raised_at: SERVER_NOW,
      late: 0,
      level: 'branch',
      escalate_at: SERVER_NOW + 10 * MINUTE,
      acknowledged_at: null,
    });
    expect(JSON.parse(raised[0]!.detail)).toEqual({ kind: 'dissatisfied', score: 'dissatisfied', reasonIds: ['waited-long', 'unfriendly'] } satisfies AlertDetail);
    expect((await events()).map((e) => ({ alert: e.alert_id, type: e.type, actor: e.actor, detail: JSON.parse(e.detail) }))).toEqual([
      { alert: raised[0]!.id, type: 'raised', actor: null, detail: { late: false } },
    ]);
  });

  it('given a rating that reached the server 40 minutes after it was made, then its alert is late, keeps its real time and has no time to escalate', async () => {
    const { push, rating, alerts, events } = await given();
    const offline = rating({ score: 'dissatisfied', minutesAgo: 40 });
    await push([offline]);
    expect(await alerts()).toMatchObject([{ occurred_at: offline.createdAt, raised_at: SERVER_NOW, late: 1, escalate_at: null }]);
    expect(JSON.parse((await events())[0]!.detail)).toEqual({ late: true });
  });

  it('given low-with-reasons on for one reason, then a low rating giving it raises that alert, a dissatisfied one both rules, and other reasons or none nothing of it', async () => {
    const { push, rating, alerts, setRule } = await given();
    await setRule('low-with-reasons', { params: { reasonIds: ['waited-long'] } });
    const neutral = rating({ score: 'neutral', reasons: ['waited-long'] });
    const unhappy = rating({ score: 'dissatisfied', reasons: ['unfriendly', 'waited-long'] });
    await push([neutral, rating({ score: 'neutral', reasons: ['unfriendly'] }), rating({ score: 'neutral' }), unhappy, rating({ score: 'satisfied', reasons: ['waited-long'] })]);

    const raised = (await alerts()).filter((a) => a.kind !== 'low-burst');
    expect(raised.map((a) => [a.kind, a.source_id])).toEqual([
      ['low-with-reasons', neutral.id],
      ['dissatisfied', unhappy.id],
      ['low-with-reasons', unhappy.id],
    ]);
    expect(JSON.parse(raised[0]!.detail)).toEqual({ kind: 'low-with-reasons', score: 'neutral', reasonIds: ['waited-long'] });

    // With no reasons named, any low rating that gives a reason.
    await setRule('low-with-reasons', { params: { reasonIds: [] } });
    const any = rating({ score: 'neutral', reasons: ['unfriendly'] });
    await push([any, rating({ score: 'neutral' })]);
    expect((await alerts('low-with-reasons')).map((a) => a.source_id)).toEqual([neutral.id, unhappy.id, any.id]);
  });

  it('given low ratings at one counter, then a burst raises one alert once it has `count` within `minutes`, by their own times, however long it goes on; a later run raises the next', async () => {
    const { push, rating, otherRating, otherCounter, alerts, setClock } = await given();
    const first = rating({ score: 'neutral', minutesAgo: 14 });
    // Two low ratings at this counter, and one at another branch's: no burst yet.
    await push([first, rating({ score: 'satisfied', minutesAgo: 13 }), rating({ score: 'neutral', minutesAgo: 8 })]);
    await push([otherRating({ score: 'neutral', minutesAgo: 5 })], otherCounter.token);
    expect(await alerts('low-burst')).toEqual([]);

    // The third within 15 minutes of the first: one burst, its key the counter and its first rating.
    const third = rating({ score: 'neutral', minutesAgo: 1 });
    await push([third]);
    // More low ratings in the same window, in one push and the next: the same burst.
    await push([rating({ score: 'neutral' }), rating({ score: 'neutral', minutesAgo: 0 })]);
    const bursts = await alerts('low-burst');
    expect(bursts).toHaveLength(1);
    expect(bursts[0]).toMatchObject({ dedupe_key: `low-burst:${COUNTER_ID}:${first.id}`, counter_id: COUNTER_ID, teller_id: TELLER_ID, source_id: first.id, occurred_at: third.createdAt, late: 0 });
    expect(JSON.parse(bursts[0]!.detail)).toMatchObject({ kind: 'low-burst', count: 3, minutes: 15 });

    // Half an hour on: a new run of three is the next burst, and the rest of it raises nothing more.
    setClock(SERVER_NOW + 30 * MINUTE);
    const next = [rating({ score: 'dissatisfied', minutesAgo: 3 }), rating({ score: 'neutral', minutesAgo: 2 }), rating({ score: 'neutral', minutesAgo: 1 }), rating({ score: 'neutral' })];
    await push(next);
    const after = await alerts('low-burst');
    expect(after.map((a) => a.source_id)).toEqual([first.id, next[0]!.id]);
    expect(JSON.parse(after[1]!.detail)).toMatchObject({ count: 4, ratingIds: next.map((r) => r.id) });
  });

  it("given the branch's day reaching its minimum of ratings under the target, then one alert for the day whose satisfaction is the dashboard's", async () => {
    const { db, push, rating, alerts, setRule, server, cookies } = await given();
    await setRule('low-burst', { enabled: false });
    await setRule('day-below-target', { params: { minRatings: 10 } });
    const ratings = (score: 'satisfied' | 'neutral', n: number) => Array.from({ length: n }, () => rating({ score }));
    // Nine ratings, four of them satisfied: under the target but not enough ratings yet.
    await push([...ratings('satisfied', 4), ...ratings('neutral', 5)]);
    expect(await raiseDayBelowTargetAlerts(db, SERVER_NOW)).toEqual([]);
    expect(await alerts('day-below-target')).toEqual([]);
    // A happy tenth makes the day count, still under 80%: the alerts' clock notices it.
    await push([rating({ score: 'satisfied' })]);
    expect(await raiseDayBelowTargetAlerts(db, SERVER_NOW + 5000)).toHaveLength(1);
    // And the rest of the day raises no second one.
    await push(ratings('neutral', 3));
    expect(await raiseDayBelowTargetAlerts(db, SERVER_NOW + 10_000)).toEqual([]);

    const day = localDayOf(SERVER_NOW, 'UTC');
    const raised = await alerts('day-below-target');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ dedupe_key: `day-below-target:${BRANCH_ID}:${day}`, counter_id: null, source_kind: 'day', occurred_at: SERVER_NOW + 5000, raised_at: SERVER_NOW + 5000, escalate_at: SERVER_NOW + 5000 + 60 * MINUTE });
    const overview = await callDashboard(server, 'GET', `/api/reports/overview?from=${day}&to=${day}&branchId=${BRANCH_ID}`, { cookie: cookies.manager });
    expect(overview.status).toBe(200);
    const figure = (overview.body as OverviewReport).figures.find((f) => f.id === 'satisfaction')!;
    // The report now has the three ratings since; the alert told the day as it was when noticed.
    expect(figure.denominator).toBe(13);
    expect(JSON.parse(raised[0]!.detail)).toEqual({ kind: 'day-below-target', day, satisfaction: 5 / 10, target: figure.target.value, ratings: 10 });
  });

  it("given a day above the target, then it raises nothing; and a day's figure equals the overview's to the last digit", async () => {
    const { db, push, rating, alerts, setRule, server, cookies } = await given();
    await setRule('low-burst', { enabled: false });
    await setRule('day-below-target', { params: { minRatings: 3 } });
    await push([rating({ score: 'satisfied' }), rating({ score: 'very-satisfied' }), rating({ score: 'satisfied' }), rating({ score: 'satisfied' })]);
    expect(await alerts('day-below-target')).toEqual([]);
    // Four of seven: a share with no exact binary form.
    expect(await raiseDayBelowTargetAlerts(db, SERVER_NOW)).toEqual([]);
    await push([rating({ score: 'neutral' }), rating({ score: 'neutral' }), rating({ score: 'neutral' })]);
    expect(await raiseDayBelowTargetAlerts(db, SERVER_NOW)).toHaveLength(1);
    const day = localDayOf(SERVER_NOW, 'UTC');
    const overview = await callDashboard(server, 'GET', `/api/reports/overview?from=${day}&to=${day}&branchId=${BRANCH_ID}`, { cookie: cookies.manager });
    const figure = (overview.body as OverviewReport).figures.find((f) => f.id === 'satisfaction')!;
    const [raised] = await alerts('day-below-target');
    expect((JSON.parse(raised!.detail) as { satisfaction: number }).satisfaction).toBe(figure.value);
  });

  it('given an opinion-box complaint asking for a reply, then one alert telling its reference code and topic and never the customer; other entries raise none', async () => {
    const { db, push, entry, lobby, alerts } = await given();
    const complaint = entry({ contact: CONTACT, visit: { score: 'dissatisfied', counterId: COUNTER_ID, tellerId: TELLER_ID } });
    await push([complaint, entry(), entry({ opinionKind: 'suggestion', contact: CONTACT }), entry({ contact: { ...CONTACT, wantsReply: false } })], lobby.token);
    await push([complaint], lobby.token);

    const raised = await alerts();
    expect(raised).toMatchObject([{ kind: 'complaint-wants-reply', source_kind: 'opinion', source_id: complaint.id, counter_id: COUNTER_ID, teller_id: TELLER_ID, occurred_at: complaint.createdAt, escalate_at: SERVER_NOW + 30 * MINUTE }]);
    expect(JSON.parse(raised[0]!.detail)).toEqual({ kind: 'complaint-wants-reply', referenceCode: complaint.referenceCode, topicId: complaint.topicId });
    const told = JSON.stringify([raised, await db.selectFrom('alert_events').selectAll().execute(), await db.selectFrom('notifications').selectAll().execute()]);
    for (const secret of [CONTACT.name, CONTACT.phone, CONTACT.email, complaint.text]) expect(told).not.toContain(secret);
  });

  it('given a tablet that pushes 200 dissatisfied ratings at once, then its counter raises at most its hourly allowance of single alerts, the earliest, and its bursts; another push that hour raises no more single ones', async () => {
    const { push, rating, alerts } = await given();
    const flood = Array.from({ length: 200 }, (_, i) => rating({ score: 'dissatisfied', minutesAgo: 10 - i * 0.04 }));
    await push(flood);
    const single = await alerts('dissatisfied');
    expect(single).toHaveLength(RATING_ALERTS_PER_COUNTER_HOUR);
    expect(single.map((a) => a.source_id).sort()).toEqual(flood.slice(0, RATING_ALERTS_PER_COUNTER_HOUR).map((r) => r.id).sort());
    expect((await alerts('low-burst')).length).toBeGreaterThan(0);
    await push([rating({ score: 'dissatisfied' })]);
    expect(await alerts('dissatisfied')).toHaveLength(RATING_ALERTS_PER_COUNTER_HOUR);
  });

  it('given low ratings dated years apart in one push, then the burst rule reads a few windows around them, not the counter\'s whole history, and raises nothing', async () => {
    const { push, rating, alerts } = await given();
    const YEAR = 365 * 24 * 60 * MINUTE;
    // A history of neutral ratings eight minutes apart: no window of fifteen minutes holds three.
    const history = Array.from({ length: 150 }, (_, i) => rating({ score: 'neutral', minutesAgo: 8 * (i + 1) }));
    await push(history);
    await push([rating({ score: 'neutral', minutesAgo: 20 * YEAR / MINUTE }), rating({ score: 'neutral', createdAt: Date.UTC(2099, 0, 1) })]);
    expect(await alerts('low-burst')).toEqual([]);
  });
});
