import { expect } from 'vitest';
import { referenceCode, type Opinion } from '../../src/domain/opinion.ts';
import type { Rating } from '../../src/domain/rating.ts';
import { PROTOCOL_VERSION, type PushResponse } from '../../src/domain/wire.ts';
import { DEFAULT_ALERT_RULES, type AlertKind } from '../../src/domain/alerts.ts';
import type { AlertEventRow, AlertRow } from '../../src/server/db/schema.ts';
import type { AppOptions } from '../../src/server/app.ts';
import { findTeller } from '../../src/server/repositories/tellers.ts';
import { addBranch, addCounter } from '../../src/server/services/branches.ts';
import { STAFF_ID } from '../builders/case-event.ts';
import { anOpinion, aRating, BRANCH_ID, COUNTER_ID, TELLER_ID } from '../builders/rating.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { givenRosterAccount, givenHeadOfficeAccount, signedIn } from './dashboard.ts';
import {
  callApi,
  givenBranchWithCounter,
  givenCaseStaff,
  givenEnrolledDevice,
  givenEnrolledLobby,
  givenTeller,
  SERVER_NOW,
  startTestServer,
  type TestServer,
} from './fixtures.ts';

/**
 * A network for the alerts' tests, reached only as tablets and the dashboard reach it: the
 * builders' branch (Main Street: a counter tablet, a lobby tablet, its staff in every
 * complaint role, its branch manager with a dashboard account) and a second branch (Harbour)
 * with its own counter tablet and manager; head office. Records arrive by POST /api/sync/push
 * at the server clock `clock` (SERVER_NOW unless a test moves it).
 */

export const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
export const OTHER_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c2';
export const OTHER_TELLER_ID = '0190a0b0-0000-7000-8000-0000000000d2';
const OTHER_MANAGER_ID = '0190a0b0-0000-7000-8000-0000000000d3';

export const MINUTE = 60_000;

/** Empties the alerts' tables: the shared clearDatabase (tests/helpers/db.ts) predates them. */
export async function clearAlerts(database: TestDatabase): Promise<void> {
  for (const table of ['notification_attempts', 'notifications', 'alert_events', 'alerts', 'alert_rules', 'webhooks', 'email_recipients'] as const) {
    await database.db.deleteFrom(table).execute();
  }
}

export async function givenAlertsNetwork(database: TestDatabase, options: Partial<AppOptions> = {}) {
  const { db } = database;
  await clearAlerts(database);
  await givenBranchWithCounter(database);
  await givenCaseStaff(database);
  const must = <T>(r: { ok: true; value: T } | { ok: false; message: string }): T => {
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };
  must(await addBranch(db, { id: OTHER_BRANCH_ID, name: 'Harbour', defaultLanguage: 'en' }, SERVER_NOW));
  must(await addCounter(db, { id: OTHER_COUNTER_ID, branchId: OTHER_BRANCH_ID, name: 'Window 9' }, SERVER_NOW));
  await givenTeller(database, { id: OTHER_TELLER_ID, branchId: OTHER_BRANCH_ID, staffNumber: '5001', name: 'Harbour Teller' });
  const otherManager = await givenTeller(database, { id: OTHER_MANAGER_ID, branchId: OTHER_BRANCH_ID, staffNumber: '5003', name: 'Harbour Manager', role: 'branch-manager' });
  const counter = await givenEnrolledDevice(database);
  const otherCounter = await givenEnrolledDevice(database, OTHER_COUNTER_ID);
  const lobby = await givenEnrolledLobby(database);
  const manager = await findTeller(db, STAFF_ID['branch-manager']);
  await givenRosterAccount(database, manager!);
  await givenRosterAccount(database, otherManager);
  await givenHeadOfficeAccount(database);

  let clock = SERVER_NOW;
  const server = await startTestServer({ db, now: () => clock, ...options });
  const cookies = { manager: await signedIn(server, manager!.staffNumber), otherManager: await signedIn(server, '5003'), hq: await signedIn(server, 'HQ1') };

  let sequence = 0;
  /** A rating at Main Street's counter, made `minutesAgo` before the clock. */
  const rating = (overrides: Partial<Rating> & { minutesAgo?: number } = {}): Rating => {
    const { minutesAgo = 1, ...rest } = overrides;
    return aRating({ createdAt: clock - minutesAgo * MINUTE, ...rest });
  };
  /** A rating at Harbour's counter. */
  const otherRating = (overrides: Partial<Rating> & { minutesAgo?: number } = {}): Rating =>
    rating({ branchId: OTHER_BRANCH_ID, counterId: OTHER_COUNTER_ID, tellerId: OTHER_TELLER_ID, ...overrides });
  /** An opinion-box entry of the lobby tablet, with a reference code of its own prefix. */
  const entry = (overrides: Partial<Opinion> = {}): Opinion =>
    anOpinion({ referenceCode: referenceCode(lobby.referencePrefix, ++sequence), createdAt: clock - MINUTE, ...overrides });

  /** Pushes as a tablet does (Main Street's counter unless given a token), and expects every record accepted. */
  const push = async (records: unknown[], token = counter.token): Promise<PushResponse> => {
    const answer = await callApi(server, 'POST', '/api/sync/push', { token, body: { protocol: PROTOCOL_VERSION, records } });
    expect(answer.status).toBe(200);
    const body = answer.body as PushResponse;
    expect(body.results.filter((r) => r.status !== 'accepted')).toEqual([]);
    return body;
  };

  /** The stored alerts, oldest first (of one kind when asked). */
  const alerts = async (kind?: AlertKind): Promise<AlertRow[]> =>
    db.selectFrom('alerts').selectAll().$if(kind !== undefined, (qb) => qb.where('kind', '=', kind!)).orderBy('seq').execute();
  const events = async (): Promise<AlertEventRow[]> => db.selectFrom('alert_events').selectAll().orderBy('seq').execute();

  /** A branch's rule of one kind, as the rules' page stores it (repositories/alert-rules.ts). */
  const setRule = async (kind: AlertKind, rule: { enabled?: boolean; params?: object; ackMinutes?: number }, branchId = ''): Promise<void> => {
    const defaults = DEFAULT_ALERT_RULES[kind];
    await db.deleteFrom('alert_rules').where('branch_id', '=', branchId).where('kind', '=', kind).execute();
    await db
      .insertInto('alert_rules')
      .values({
        branch_id: branchId,
        kind,
        enabled: (rule.enabled ?? true) ? 1 : 0,
        params: JSON.stringify(rule.params ?? defaults.params),
        ack_minutes: rule.ackMinutes ?? defaults.ackMinutes,
        updated_at: SERVER_NOW,
        updated_by: 'HQ1',
      })
      .execute();
  };

  return {
    db,
    server,
    cookies,
    counter,
    otherCounter,
    lobby,
    rating,
    otherRating,
    entry,
    push,
    alerts,
    events,
    setRule,
    now: () => clock,
    setClock: (at: number) => (clock = at),
  };
}

export type AlertsNetwork = Awaited<ReturnType<typeof givenAlertsNetwork>>;

export { BRANCH_ID, COUNTER_ID, TELLER_ID, STAFF_ID };

/**
 * Reads a server-sent event stream with fetch and a reader, as a page's EventSource would:
 * `next()` waits for the next `alert` event (no fixed sleeps), `ended()` for the server to end it.
 */
export async function openStream(server: TestServer, path: string, cookie: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(server.baseUrl + path, { headers: { cookie, ...headers }, signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let done = false;
  const read = async (): Promise<boolean> => {
    if (done) return false;
    const chunk = await reader.read();
    if (chunk.done) {
      done = true;
      return false;
    }
    buffer += chunk.value;
    return true;
  };
  /** The next event's fields; comments (heartbeats) are skipped. */
  const next = async (): Promise<{ id: string; event: string; data: unknown }> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((line) => !line.startsWith(':') && line.includes(':'))
            .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]),
        );
        if (fields.event === undefined) continue;
        return { id: fields.id ?? '', event: fields.event, data: JSON.parse(fields.data ?? 'null') };
      }
      if (!(await read())) throw new Error(`the stream ended; left unread: ${JSON.stringify(buffer)}`);
    }
  };
  /** Resolves once the server has ended the stream. */
  const ended = async (): Promise<void> => {
    while (await read()) buffer = '';
  };
  return { response, next, ended, close: () => controller.abort() };
}
