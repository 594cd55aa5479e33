import { expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import type { StaffAlertsPage } from '../../../src/domain/alerts-api.ts';
import type { AlertView } from '../../../src/domain/alerts.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callApi, MANAGER_PIN, SERVER_NOW, staffSessionOn, TELLER_PIN, useTestDatabase } from '../fixtures.ts';
import { BRANCH_ID, givenAlertsNetwork, MINUTE, OTHER_BRANCH_ID, STAFF_ID } from '../alerts-given.ts';

const DAY = 24 * 60 * MINUTE;

describeEachDatabase('the alerts on the lobby tablet', (kind) => {
  const database = useTestDatabase(kind);

  async function given() {
    const network = await givenAlertsNetwork(database.current);
    const { server, lobby } = network;
    /** Lobby staff (3001), signed in on the lobby tablet with the server, as staff mode does. */
    const clerk = await staffSessionOn(server, lobby.token, '3001', TELLER_PIN);
    const list = async (headers: Record<string, string> = clerk) => {
      const answer = await callApi(server, 'GET', '/api/staff/alerts', { token: lobby.token, headers });
      expect(answer.status).toBe(200);
      return (answer.body as StaffAlertsPage).alerts;
    };
    const ack = (alertId: string, body: unknown, headers: Record<string, string> = clerk, token = lobby.token) =>
      callApi(server, 'POST', `/api/staff/alerts/${alertId}/ack`, { token, headers, body });
    return { ...network, clerk, list, ack };
  }

  it("given alerts at its branch and another, then the lobby's staff see their branch's open ones; a counter tablet is 403, no staff session 403", async () => {
    const { server, push, rating, otherRating, otherCounter, counter, lobby, list } = await given();
    await push([rating({ score: 'dissatisfied' })]);
    await push([otherRating({ score: 'dissatisfied' })], otherCounter.token);

    expect((await list()).map((a) => [a.branchId, a.kind])).toEqual([[BRANCH_ID, 'dissatisfied']]);
    const manager = await staffSessionOn(server, lobby.token, '3003', MANAGER_PIN);
    expect((await list(manager)).map((a) => a.branchId)).toEqual([BRANCH_ID]);

    expect(await callApi(server, 'GET', '/api/staff/alerts', { token: counter.token })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await callApi(server, 'GET', '/api/staff/alerts', { token: lobby.token })).toMatchObject({ status: 403, body: { code: 'staff-session-required' } });
    expect(await callApi(server, 'GET', '/api/staff/alerts')).toMatchObject({ status: 401 });
  });

  it('given an open alert, when lobby staff acknowledge it with a comment and the case they opened, then it is theirs by their staff session, shown as acknowledged today and gone tomorrow; twice is 409; another branch 404', async () => {
    const { server, lobby, push, rating, otherRating, otherCounter, list, ack, events, setClock, db } = await given();
    await push([rating({ score: 'dissatisfied' })]);
    await push([otherRating({ score: 'dissatisfied' })], otherCounter.token);
    const [alert] = await list();
    const theirs = await db.selectFrom('alerts').select('id').where('branch_id', '=', OTHER_BRANCH_ID).executeTakeFirstOrThrow();
    const caseId = uuidv7();

    expect(await ack(alert!.id, { comment: 'Went to see them', caseId: 'not-an-id' })).toMatchObject({ status: 400, body: { message: expect.stringContaining('caseId') } });
    expect(await ack(theirs.id, { comment: 'Not ours' })).toMatchObject({ status: 404, body: { code: 'not-found' } });

    const done = await ack(alert!.id, { comment: 'Went to see them', caseId });
    expect(done).toMatchObject({
      status: 200,
      body: { id: alert!.id, caseId, escalateAt: null, acknowledged: { at: SERVER_NOW, by: '3001', name: 'Staff lobby-staff', via: 'staff-session', comment: 'Went to see them' } } satisfies { body: Partial<AlertView> }['body'],
    });
    expect(await ack(alert!.id, { comment: 'Me too' })).toMatchObject({ status: 409, body: { code: 'conflict', message: expect.stringContaining('Staff lobby-staff (3001)') } });
    expect((await events()).filter((e) => e.type === 'acknowledged').map((e) => [e.actor, JSON.parse(e.detail)])).toEqual([
      [STAFF_ID['lobby-staff'], { via: 'staff-session', comment: 'Went to see them', caseId }],
    ]);

    expect((await list()).map((a) => [a.id, a.acknowledged?.by])).toEqual([[alert!.id, '3001']]);
    setClock(SERVER_NOW + DAY);
    expect(await list(await staffSessionOn(server, lobby.token, '3001', TELLER_PIN, SERVER_NOW + DAY))).toEqual([]);
  });
});
