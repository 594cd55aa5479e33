import { expect, it } from 'vitest';
import * as v from 'valibot';
import type { AlertsPage } from '../../../src/domain/alerts-api.ts';
import type { AlertStreamMessage, AlertView } from '../../../src/domain/alerts.ts';
import { CaseEventsPageSchema } from '../../../src/domain/wire.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, routesOf } from '../dashboard.ts';
import { callApi, SERVER_NOW, useTestDatabase } from '../fixtures.ts';
import { BRANCH_ID, COUNTER_ID, givenAlertsNetwork, MINUTE, openStream, OTHER_BRANCH_ID, STAFF_ID, TELLER_ID } from '../alerts-given.ts';

const UNKNOWN_ALERT = '0190a0b0-0000-7000-8000-0000000000ff';

describeEachDatabase('the alerts on the dashboard', (kind) => {
  const database = useTestDatabase(kind);

  async function given(options: Parameters<typeof givenAlertsNetwork>[1] = {}) {
    const network = await givenAlertsNetwork(database.current, options);
    const { server, cookies } = network;
    type As = keyof typeof cookies;
    const list = async (as: As, query = '') => {
      const answer = await callDashboard(server, 'GET', `/api/alerts${query}`, { cookie: cookies[as] });
      expect(answer.status).toBe(200);
      return answer.body as AlertsPage;
    };
    const post = (as: As, path: string, body: unknown) => callDashboard(server, 'POST', path, { cookie: cookies[as], body });
    /** Raises one dissatisfied alert at Main Street by a push, and answers it as listed. */
    const raiseOne = async (): Promise<AlertView> => {
      await network.push([network.rating({ score: 'dissatisfied', reasons: ['waited-long'] })]);
      return (await list('manager')).alerts[0]!;
    };
    return { ...network, list, post, raiseOne };
  }

  it('given alerts at two branches, then each manager lists only their own, head office both, newest first with the cursor of the latest event; paging by seq; another branch asked for is 403, a bad query 400, no session 401', async () => {
    const { server, cookies, push, rating, otherRating, otherCounter, list, events } = await given();
    expect(routesOf(server.app).filter((r) => r.includes('/api/alerts'))).toEqual([
      'GET /api/alerts',
      'GET /api/alerts/stream',
      'POST /api/alerts/:alertId/ack',
      'POST /api/alerts/:alertId/case',
    ]);
    const here = rating({ score: 'dissatisfied', reasons: ['waited-long'] });
    await push([here]);
    await push([otherRating({ score: 'dissatisfied' })], otherCounter.token);
    const [raisedHere, raisedThere] = await events();

    const mine = await list('manager');
    expect(mine.alerts).toEqual([
      expect.objectContaining({
        kind: 'dissatisfied',
        branchId: BRANCH_ID,
        branchName: 'Main Street',
        counterId: COUNTER_ID,
        counterName: 'Window 3',
        tellerId: TELLER_ID,
        tellerName: 'Mei Chen',
        detail: { kind: 'dissatisfied', score: 'dissatisfied', reasonIds: ['waited-long'] },
        occurredAt: here.createdAt,
        raisedAt: SERVER_NOW,
        late: false,
        level: 'branch',
        escalateAt: SERVER_NOW + 10 * MINUTE,
        acknowledged: null,
        caseId: null,
      } satisfies Partial<AlertView>),
    ]);
    expect(mine.cursor).toBe(Number(raisedHere!.seq));
    expect((await list('otherManager')).alerts.map((a) => a.branchId)).toEqual([OTHER_BRANCH_ID]);
    const all = await list('hq');
    expect(all.alerts.map((a) => a.branchId)).toEqual([OTHER_BRANCH_ID, BRANCH_ID]);
    expect(all.cursor).toBe(Number(raisedThere!.seq));
    expect((await list('hq', `?branch=${BRANCH_ID}`)).alerts.map((a) => a.branchId)).toEqual([BRANCH_ID]);
    expect((await list('hq', '?limit=1')).alerts.map((a) => a.branchId)).toEqual([OTHER_BRANCH_ID]);
    expect((await list('hq', `?state=all&before=${all.alerts[0]!.seq}`)).alerts.map((a) => a.branchId)).toEqual([BRANCH_ID]);

    expect(await callDashboard(server, 'GET', `/api/alerts?branch=${OTHER_BRANCH_ID}`, { cookie: cookies.manager })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await callDashboard(server, 'GET', '/api/alerts?state=closed', { cookie: cookies.manager })).toMatchObject({ status: 400, body: { code: 'bad-request' } });
    expect(await callDashboard(server, 'GET', '/api/alerts')).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
  });

  it('given an open stream, when a push raises an alert, then the stream tells it at once as an `alert` event with its seq, and a manager of another branch is told only their own', async () => {
    const { server, cookies, push, rating, otherRating, otherCounter, list, events } = await given();
    const { cursor } = await list('manager');
    const mine = await openStream(server, `/api/alerts/stream?after=${cursor}`, cookies.manager);
    const theirs = await openStream(server, '/api/alerts/stream', cookies.otherManager);
    expect(mine.response.status).toBe(200);
    expect(mine.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(mine.response.headers.get('cache-control')).toBe('no-store');
    expect(mine.response.headers.get('x-content-type-options')).toBe('nosniff');

    const unhappy = rating({ score: 'dissatisfied' });
    await push([unhappy]);
    const told = await mine.next();
    const [raised] = await events();
    expect(told).toMatchObject({ id: String(raised!.seq), event: 'alert' });
    const message = told.data as AlertStreamMessage;
    expect(message).toMatchObject({ seq: Number(raised!.seq), type: 'raised', alert: { id: raised!.alert_id, kind: 'dissatisfied', branchId: BRANCH_ID, occurredAt: unhappy.createdAt } });

    // The other branch's stream skipped Main Street's event: the first it tells is its own.
    await push([otherRating({ score: 'dissatisfied' })], otherCounter.token);
    expect(((await theirs.next()).data as AlertStreamMessage).alert.branchId).toBe(OTHER_BRANCH_ID);
    mine.close();
    theirs.close();
  });

  it('given a page that reconnects with Last-Event-ID, then it is told what happened after that event only; and the server closing ends an open stream without waiting for it', async () => {
    const { server, cookies, raiseOne, post, events } = await given();
    const alert = await raiseOne();
    const [raised] = await events();
    // `after=0` alone would tell the raising again: the header a reconnecting EventSource sends wins.
    const stream = await openStream(server, '/api/alerts/stream?after=0', cookies.manager, { 'last-event-id': String(raised!.seq) });
    expect((await post('manager', `/api/alerts/${alert.id}/ack`, { comment: 'Spoke with the customer at the door' })).status).toBe(200);
    expect((await stream.next()).data).toMatchObject({ type: 'acknowledged', alert: { id: alert.id, acknowledged: { by: '3003', via: 'dashboard-session' } } });

    await server.app.close();
    await stream.ended();
  });

  it('given a session with four streams open, then a fifth is refused 429; another session is not counted against it', async () => {
    const { server, cookies } = await given();
    const streams = await Promise.all([1, 2, 3, 4].map(() => openStream(server, '/api/alerts/stream', cookies.manager)));
    expect(streams.map((s) => s.response.status)).toEqual([200, 200, 200, 200]);
    const fifth = await callDashboard(server, 'GET', '/api/alerts/stream', { cookie: cookies.manager });
    expect(fifth).toMatchObject({ status: 429, body: { code: 'rate-limited' } });
    const theirs = await openStream(server, '/api/alerts/stream', cookies.hq);
    expect(theirs.response.status).toBe(200);
    theirs.close();
    for (const s of streams) s.close();
  });

  it('given an open stream, when its session ends, then the stream ends at the next heartbeat', async () => {
    const { server, cookies } = await given({ alertStream: { heartbeatMs: 100 } });
    const stream = await openStream(server, '/api/alerts/stream', cookies.manager);
    expect(stream.response.status).toBe(200);
    expect((await callDashboard(server, 'DELETE', '/api/session', { cookie: cookies.manager })).status).toBeLessThan(300);
    await stream.ended();
    expect((await callDashboard(server, 'GET', '/api/alerts/stream', { cookie: cookies.manager })).status).toBe(401);
  });

  it('given an open alert, when its manager acknowledges it with a comment, then it is acknowledged by them with its clock stopped and its event; a second acknowledgement is 409 naming them; another branch 404; no comment 400', async () => {
    const { db, post, list, raiseOne, events } = await given();
    const alert = await raiseOne();
    await db
      .insertInto('webhooks')
      .values({ id: '019ab000-0000-7000-8000-00000000eb09', name: 'Desk', url: 'https://hooks.bank.example/desk', secret: 's', region_id: null, branch_id: null, events: '["alert-acknowledged"]', enabled: 1, created_at: SERVER_NOW, created_by: 'HQ1', updated_at: SERVER_NOW })
      .execute();

    expect(await post('manager', `/api/alerts/${alert.id}/ack`, { comment: '   ' })).toMatchObject({ status: 400, body: { code: 'bad-request', message: expect.stringContaining('comment') } });
    expect(await post('otherManager', `/api/alerts/${alert.id}/ack`, { comment: 'Not mine' })).toMatchObject({ status: 404, body: { code: 'not-found' } });
    expect(await post('manager', `/api/alerts/${UNKNOWN_ALERT}/ack`, { comment: 'No such alert' })).toMatchObject({ status: 404, body: { code: 'not-found' } });

    const acked = await post('manager', `/api/alerts/${alert.id}/ack`, { comment: '  Spoke with the customer at the door  ' });
    expect(acked).toMatchObject({
      status: 200,
      body: { id: alert.id, escalateAt: null, acknowledged: { at: SERVER_NOW, by: '3003', name: 'Staff branch-manager', via: 'dashboard-session', comment: 'Spoke with the customer at the door' } },
    });
    // Told outside as acknowledged by whom and when, without the comment (a customer's words may be in it).
    const told = await db.selectFrom('notifications').select('body').execute();
    expect(told).toHaveLength(1);
    expect(JSON.parse(told[0]!.body)).toMatchObject({ event: 'alert-acknowledged', alert: { id: alert.id, acknowledged: { by: '3003', via: 'dashboard-session' } } });
    expect(told[0]!.body).not.toContain('Spoke with the customer');
    const again = await post('hq', `/api/alerts/${alert.id}/ack`, { comment: 'Me too' });
    expect(again).toMatchObject({ status: 409, body: { code: 'conflict', message: expect.stringContaining('Staff branch-manager (3003)') } });

    expect((await list('manager')).alerts).toEqual([]);
    expect((await list('manager', '?state=all')).alerts.map((a) => a.id)).toEqual([alert.id]);
    expect((await events()).map((e) => [e.type, e.actor, JSON.parse(e.detail)])).toEqual([
      ['raised', null, { late: false }],
      ['acknowledged', '3003', { via: 'dashboard-session', comment: 'Spoke with the customer at the door' }],
    ]);
    expect(await db.selectFrom('alerts').select(['acknowledged_by', 'acknowledged_via']).execute()).toEqual([{ acknowledged_by: '3003', acknowledged_via: 'dashboard-session' }]);
  });

  it('given an alert, when its branch manager opens a case from it, then the case is stored through the state machine, every lobby tablet of the branch pulls it, and the alert is acknowledged with it; others may not', async () => {
    const { db, post, raiseOne, lobby, server, events } = await given();
    const alert = await raiseOne();
    const summary = 'Mei Chen, Window 3: dissatisfied (waited long).\nThe customer was charged twice.';

    expect(await post('hq', `/api/alerts/${alert.id}/case`, { summary })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await post('otherManager', `/api/alerts/${alert.id}/case`, { summary })).toMatchObject({ status: 404, body: { code: 'not-found' } });
    expect(await post('manager', `/api/alerts/${alert.id}/case`, { summary: '' })).toMatchObject({ status: 400, body: { message: expect.stringContaining('summary') } });
    expect(await post('manager', `/api/alerts/${alert.id}/case`, { summary, topicId: 'no-such-topic' })).toMatchObject({ status: 400, body: { message: expect.stringContaining('topicId') } });

    const opened = await post('manager', `/api/alerts/${alert.id}/case`, { summary, topicId: 'waiting' });
    expect(opened).toMatchObject({ status: 200, body: { id: alert.id, escalateAt: null, acknowledged: { by: '3003', via: 'dashboard-session', comment: 'complaint case opened' } } });
    const caseId = (opened.body as AlertView).caseId!;
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await post('manager', `/api/alerts/${alert.id}/case`, { summary })).toMatchObject({ status: 409, body: { code: 'conflict', message: expect.stringContaining(caseId) } });

    const pulled = await callApi(server, 'GET', '/api/case-events?after=0', { token: lobby.token });
    expect(pulled.status).toBe(200);
    const page = v.parse(CaseEventsPageSchema, pulled.body);
    expect(page.events).toMatchObject([
      {
        status: 'applied',
        attestation: 'server',
        event: { type: 'opened', caseId, branchId: BRANCH_ID, staffId: STAFF_ID['branch-manager'], role: 'branch-manager', channel: 'in-person', opinionId: null, topicId: 'waiting', summary, createdAt: SERVER_NOW },
      },
    ]);
    expect(await db.selectFrom('complaint_cases').select(['id', 'branch_id', 'status', 'channel', 'topic_id']).execute()).toEqual([
      { id: caseId, branch_id: BRANCH_ID, status: 'open', channel: 'in-person', topic_id: 'waiting' },
    ]);
    expect((await events()).map((e) => [e.type, e.actor, JSON.parse(e.detail)])).toEqual([
      ['raised', null, { late: false }],
      ['case-opened', '3003', { caseId, acknowledged: true }],
    ]);

    // An alert acknowledged first keeps its acknowledgement when a case is opened from it.
    const second = await raiseOne();
    await post('manager', `/api/alerts/${second.id}/ack`, { comment: 'Talking to them now' });
    const later = await post('manager', `/api/alerts/${second.id}/case`, { summary });
    expect(later).toMatchObject({ status: 200, body: { acknowledged: { comment: 'Talking to them now' }, caseId: expect.any(String) } });
  });
});
