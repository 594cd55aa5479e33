import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, onTestFinished } from 'vitest';
import { buildApp, type AppOptions } from '../../src/server/app.ts';
import type { DialectName } from '../../src/server/db/database.ts';
import { addBranch, addCounter } from '../../src/server/services/branches.ts';
import { enrollDevice, issueEnrollmentCode } from '../../src/server/services/enrollment.ts';
import { addTeller, type TellerInput } from '../../src/server/services/tellers.ts';
import { STAFF_ROLES } from '../../src/domain/case.ts';
import { hashPin } from '../../src/domain/pin.ts';
import { isManagerRole } from '../../src/domain/staff-session.ts';
import type { Questionnaire, SurveyChannel } from '../../src/domain/survey.ts';
import { STAFF_ID } from '../builders/case-event.ts';
import { aQuestionnaire, SURVEY_ID } from '../builders/survey.ts';
import { BRANCH_ID, COUNTER_ID, TELLER_ID } from '../builders/rating.ts';
import { clearDatabase, createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/** The server clock in tests: 23 Nov 2026, 10:00 UTC. Ratings are made at 09:30 by the builder. */
export const SERVER_NOW = Date.UTC(2026, 10, 23, 10, 0);

/**
 * One migrated database per suite, emptied before each test, so tests never see each
 * other's rows and PostgreSQL is not asked to create a database per test.
 */
export function useTestDatabase(kind: DialectName): { readonly current: TestDatabase } {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.destroy();
  });
  beforeEach(async () => {
    if (database) await clearDatabase(database);
  });
  return {
    get current() {
      if (!database) throw new Error('The test database is made in beforeAll');
      return database;
    },
  };
}

export type TestServer = { app: FastifyInstance; baseUrl: string };

/** A fresh app listening on a free loopback port; closed when the test finishes. */
export async function startTestServer(options: AppOptions): Promise<TestServer> {
  const app = await buildApp({ now: () => SERVER_NOW, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  onTestFinished(() => app.close());
  const { port } = app.server.address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

/** The PIN of the teller every test branch has … */
export const TELLER_PIN = '2468';
/** … and of its managers, whose PINs are longer. */
export const MANAGER_PIN = '246802';

/**
 * A branch with a counter and a teller, with the builder's ids, so aRating() and
 * aShiftEvent() belong to them. Each bumps the config version: the branch is at 3.
 */
export async function givenBranchWithCounter(
  database: TestDatabase,
  ids = { branchId: BRANCH_ID, counterId: COUNTER_ID, tellerId: TELLER_ID },
  options: { pinCost?: PinCost } = {},
) {
  const branch = await addBranch(database.db, { id: ids.branchId, name: 'Main Street', defaultLanguage: 'zh-Hant' }, SERVER_NOW);
  if (!branch.ok) throw new Error(branch.message);
  const counter = await addCounter(database.db, { id: ids.counterId, branchId: ids.branchId, name: 'Window 3' }, SERVER_NOW);
  if (!counter.ok) throw new Error(counter.message);
  const teller = await givenTeller(database, { id: ids.tellerId, branchId: ids.branchId, staffNumber: '1001', name: 'Mei Chen', pin: TELLER_PIN, stars: 4 }, options);
  return { branch: branch.value, counter: counter.value, teller };
}

/**
 * The PIN hash of the tellers tests add: PBKDF2 at the schema's lowest cost. A manager's PIN
 * at the production cost (600,000 rounds) takes a fifth of a second to hash and again at each
 * sign-in, more on a busy machine, and most tests are about who may do what, not about the
 * hash. `pinCost: 'production'` hashes as the admin CLI does, for the tests about the cost.
 */
const cheapPinHash = (pin: string) => hashPin(pin, new Uint8Array(randomBytes(16)), 10_000);

export type PinCost = 'cheap' | 'production';

/** A teller of a branch (a manager gets MANAGER_PIN unless given one), added through the service the admin CLI uses. */
export async function givenTeller(database: TestDatabase, input: Partial<TellerInput> & { id?: string } = {}, { pinCost = 'cheap' }: { pinCost?: PinCost } = {}) {
  const pin = isManagerRole(input.role ?? 'teller') ? MANAGER_PIN : TELLER_PIN;
  const teller = await addTeller(
    database.db,
    // Staff who chose their own PINs long ago: one-time PINs have tests of their own (staff-pin-change.test.ts).
    { branchId: BRANCH_ID, staffNumber: '2002', name: 'Teller Two', pin, oneTime: false, ...input },
    SERVER_NOW,
    pinCost === 'cheap' ? cheapPinHash : undefined,
  );
  if (!teller.ok) throw new Error(teller.message);
  return teller.value;
}

/** The builders' staff of the branch in each complaint-handling role (builders/case-event.ts STAFF_ID). */
export async function givenCaseStaff(database: TestDatabase, options: { pinCost?: PinCost } = {}) {
  for (const [i, role] of STAFF_ROLES.entries()) {
    await givenTeller(database, { id: STAFF_ID[role], staffNumber: `300${i + 1}`, name: `Staff ${role}`, role }, options);
  }
}

/** A code for a counter, issued at `now` (the server's clock unless a test moves it). */
export async function givenEnrollmentCode(database: TestDatabase, counterId = COUNTER_ID, now = SERVER_NOW, hours?: number) {
  const code = await issueEnrollmentCode(database.db, { counterId, hours }, now);
  if (!code.ok) throw new Error(code.message);
  return code.value;
}

/** A code for the lobby's opinion box of a branch, issued at the server's clock. */
export async function givenLobbyCode(database: TestDatabase, branchId = BRANCH_ID) {
  const code = await issueEnrollmentCode(database.db, { mode: 'lobby', branchId }, SERVER_NOW);
  if (!code.ok) throw new Error(code.message);
  return code.value;
}

/** A lobby tablet enrolled at the builder's branch; returns its id, token and reference prefix. */
export async function givenEnrolledLobby(database: TestDatabase, branchId = BRANCH_ID) {
  const code = await givenLobbyCode(database, branchId);
  const enrolled = await enrollDevice(database.db, { code: code.code }, SERVER_NOW);
  if (!enrolled.ok) throw new Error(enrolled.message);
  return enrolled.value;
}

/**
 * A survey written straight into its tables, as head office's would be stored: the builders'
 * id, aQuestionnaire() as its only version unless given others (the last is current), on lobby
 * tablets at every branch through November 2026 unless told otherwise.
 */
export async function givenStoredSurvey(
  database: TestDatabase,
  survey: { id?: string; startsOn?: string; endsOn?: string; branchIds?: string[] | null; channels?: SurveyChannel[]; versions?: Questionnaire[] } = {},
) {
  const id = survey.id ?? SURVEY_ID;
  const versions = survey.versions ?? [aQuestionnaire()];
  const branchIds = survey.branchIds ?? null;
  await database.db
    .insertInto('surveys')
    .values({
      id,
      name: 'Service survey',
      current_version: versions.length,
      starts_on: survey.startsOn ?? '2026-11-01',
      ends_on: survey.endsOn ?? '2026-11-30',
      branch_ids: branchIds === null ? null : JSON.stringify(branchIds),
      channels: JSON.stringify(survey.channels ?? ['lobby']),
      created_at: SERVER_NOW,
      created_by: 'cli',
      updated_at: SERVER_NOW,
    })
    .execute();
  await database.db
    .insertInto('survey_versions')
    .values(versions.map((questionnaire, i) => ({ survey_id: id, version: i + 1, questionnaire: JSON.stringify(questionnaire), created_at: SERVER_NOW, created_by: 'cli' })))
    .execute();
  return { id, versions: versions.length };
}

/** A device enrolled at the builder's branch and counter; returns its id and token. */
export async function givenEnrolledDevice(database: TestDatabase, counterId = COUNTER_ID) {
  const code = await givenEnrollmentCode(database, counterId);
  const enrolled = await enrollDevice(database.db, { code: code.code }, SERVER_NOW);
  if (!enrolled.ok) throw new Error(enrolled.message);
  return enrolled.value;
}

export type ApiAnswer = { status: number; headers: Headers; body: unknown };

/** Calls the API over real HTTP; `body` is sent as JSON unless `rawBody` is given. */
export async function callApi(
  server: TestServer,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(server.baseUrl + path, { method, headers, body: payload });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('json') ?? false;
  return { status: response.status, headers: response.headers, body: isJson ? JSON.parse(text) : text };
}

/**
 * Signs a member of staff in on a tablet with their PIN, checked by the server, as the tablet
 * does when it is online; answers the header its online acts send (`x-staff-session`).
 */
export async function staffSessionOn(server: TestServer, token: string, staffNumber: string, pin: string, deviceTime = SERVER_NOW): Promise<{ 'x-staff-session': string }> {
  const answer = await callApi(server, 'POST', '/api/staff-session', { token, body: { staffNumber, pin, deviceTime } });
  if (answer.status !== 200) throw new Error(`staff sign-in ${staffNumber}: ${answer.status} ${JSON.stringify(answer.body)}`);
  const { sessionId, key } = answer.body as { sessionId: string; key: string };
  return { 'x-staff-session': `${sessionId}.${key}` };
}
