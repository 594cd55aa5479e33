import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/server/app.ts';
import { addBranch, addCounter } from '../../../src/server/services/branches.ts';
import { BRANCH_ID } from '../../builders/rating.ts';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount, routesOf, signedIn } from '../dashboard.ts';
import { givenBranchWithCounter, givenEnrolledDevice, givenTeller, SERVER_NOW, type TestServer } from '../fixtures.ts';

const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const OTHER_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c2';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
/** SERVER_NOW's day in both branches (UTC). */
const DAY = '2026-11-23';

type Branch = 'A' | 'B';
const BRANCH: Record<Branch, string> = { A: BRANCH_ID, B: OTHER_BRANCH_ID };
type Call = { method: 'GET' | 'POST'; url: string; body?: unknown };

/**
 * Every route under /api/reports, with how to ask it about branch A or B. A new route without
 * a row here fails the first test below: no report goes out without its access checked.
 */
const ENDPOINTS: { route: string; call: (branch: Branch, devices: Record<Branch, string>) => Call; headOfficeOnly?: true }[] = [
  { route: 'GET /api/reports/overview', call: (b) => ({ method: 'GET', url: `/api/reports/overview?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }) },
  { route: 'GET /api/reports/tellers', call: (b) => ({ method: 'GET', url: `/api/reports/tellers?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }) },
  { route: 'GET /api/reports/counters', call: (b) => ({ method: 'GET', url: `/api/reports/counters?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }) },
  { route: 'GET /api/reports/complaints', call: (b) => ({ method: 'GET', url: `/api/reports/complaints?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }) },
  { route: 'GET /api/reports/branches', call: (b) => ({ method: 'GET', url: `/api/reports/branches?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }), headOfficeOnly: true },
  { route: 'GET /api/reports/fleet', call: (b) => ({ method: 'GET', url: `/api/reports/fleet?branchId=${BRANCH[b]}` }) },
  { route: 'POST /api/reports/fleet/:id/revoke', call: (b, devices) => ({ method: 'POST', url: `/api/reports/fleet/${devices[b]}/revoke`, body: {} }) },
  { route: 'GET /api/reports/day-close', call: (b) => ({ method: 'GET', url: `/api/reports/day-close?branchId=${BRANCH[b]}&day=${DAY}` }) },
  {
    route: 'POST /api/reports/day-close/confirm',
    call: (b) => ({ method: 'POST', url: '/api/reports/day-close/confirm', body: { branchId: BRANCH[b], day: DAY, acceptGaps: true } }),
  },
];

/** Roster members of branch A with dashboard accounts, in every role that sees no reports. */
const NO_REPORTS = [
  { staffNumber: '2001', role: 'teller' },
  { staffNumber: '2002', role: 'lobby-staff' },
  { staffNumber: '2003', role: 'complaint-manager' },
] as const;

describeEachDatabase('who may see the reports', (kind) => {
  // One database and one server for the whole matrix: every sign-in costs a scrypt, and no
  // row here changes what another may see.
  let database: TestDatabase;
  let app: FastifyInstance;
  let server: TestServer;
  const cookie: Record<string, string> = {};
  const devices = {} as Record<Branch, string>;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await givenBranchWithCounter(database);
    const harbour = await addBranch(database.db, { id: OTHER_BRANCH_ID, name: 'Harbour Road' }, SERVER_NOW);
    if (!harbour.ok) throw new Error(harbour.message);
    const counter = await addCounter(database.db, { id: OTHER_COUNTER_ID, branchId: OTHER_BRANCH_ID, name: 'Window 1' }, SERVER_NOW);
    if (!counter.ok) throw new Error(counter.message);
    devices.A = (await givenEnrolledDevice(database)).deviceId;
    devices.B = (await givenEnrolledDevice(database, OTHER_COUNTER_ID)).deviceId;
    for (const { staffNumber, role } of [...NO_REPORTS, { staffNumber: '2004', role: 'branch-manager' } as const]) {
      await givenRosterAccount(database, await givenTeller(database, { staffNumber, name: `Staff ${staffNumber}`, role }));
    }
    await givenHeadOfficeAccount(database);
    app = await buildApp({ db: database.db, now: () => SERVER_NOW });
    await app.listen({ port: 0, host: '127.0.0.1' });
    server = { app, baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
    for (const staffNumber of ['2001', '2002', '2003', '2004', 'HQ1']) cookie[staffNumber] = await signedIn(server, staffNumber);
  });
  afterAll(async () => {
    await app?.close();
    await database?.destroy();
  });

  const ask = ({ method, url, body }: Call, as?: string) => callDashboard(server, method, url, { cookie: as === undefined ? undefined : cookie[as], body });

  it('given the app, then every route under /api/reports has a row in the access table', () => {
    expect(routesOf(app).filter((route) => route.includes(' /api/reports'))).toEqual(ENDPOINTS.map((e) => e.route).sort());
  });

  it.for(ENDPOINTS)('given $route, then no session 401, roles without reports 403, a manager of another branch 403, its own manager and head office 200', async ({ call, headOfficeOnly }) => {
    const forA = call('A', devices);
    const forB = call('B', devices);

    expect(await ask(forA)).toMatchObject({
      status: 401,
      body: { code: 'unauthorized', message: 'Sign in first: POST /api/session with your staff number and password.' },
    });
    for (const { staffNumber, role } of NO_REPORTS) {
      expect(await ask(forA, staffNumber)).toMatchObject({
        status: 403,
        body: { code: 'forbidden', message: `Reports are for branch managers and head office; ${staffNumber} is signed in as ${role}.` },
      });
    }
    const otherBranch = await ask(forB, '2004');
    expect(otherBranch).toMatchObject({
      status: 403,
      body: {
        code: 'forbidden',
        message: headOfficeOnly
          ? 'Branches side by side are for head office; 2004 sees their own branch in the other reports.'
          : `2004 manages branch ${BRANCH_ID}; branch ${OTHER_BRANCH_ID} is for its own manager and head office.`,
      },
    });
    const ownBranch = await ask(forA, '2004');
    expect({ status: ownBranch.status, code: (ownBranch.body as { code?: string }).code }).toEqual(headOfficeOnly ? { status: 403, code: 'forbidden' } : { status: 200, code: undefined });
    for (const branch of [forA, forB]) {
      const headOffice = await ask(branch, 'HQ1');
      expect({ url: branch.url, status: headOffice.status }).toEqual({ url: branch.url, status: 200 });
    }
  });

  it("given a branch manager asking without a branch, then the report covers their branch only; head office's covers every branch", async () => {
    const url = `/api/reports/fleet`;
    const branchesOf = async (as: string) => new Set(((await ask({ method: 'GET', url }, as)).body as { devices: { branchId: string }[] }).devices.map((d) => d.branchId));
    expect(await branchesOf('2004')).toEqual(new Set([BRANCH_ID]));
    expect(await branchesOf('HQ1')).toEqual(new Set([BRANCH_ID, OTHER_BRANCH_ID]));
  });

  it.for<[string, string, number, string]>([
    ['a branch that does not exist', `/api/reports/overview?from=${DAY}&to=${DAY}&branchId=${UNKNOWN_ID}`, 404, `No branch has the id ${UNKNOWN_ID}; GET /api/me lists the branches you may see.`],
    ['a period whose end is before its start', `/api/reports/tellers?from=${DAY}&to=2026-11-01`, 400, 'to: must not be before from, and the period at most 731 days long'],
    ['a day that is not a day', `/api/reports/counters?from=2026-02-30&to=${DAY}`, 400, 'from: is not a day of the calendar'],
    ['no period', '/api/reports/complaints', 400, 'from: Invalid key: Expected "from" but received undefined; to: Invalid key: Expected "to" but received undefined'],
    ['a day close without its day', `/api/reports/day-close?branchId=${BRANCH_ID}`, 400, 'day: Invalid key: Expected "day" but received undefined'],
    ['the day close of a branch that does not exist', `/api/reports/day-close?branchId=${UNKNOWN_ID}&day=${DAY}`, 404, `No branch has the id ${UNKNOWN_ID}; GET /api/me lists the branches you may see.`],
  ])('given head office asking with %s, then it says what is wrong', async ([, url, status, message]) => {
    const answer = await ask({ method: 'GET', url }, 'HQ1');
    expect(answer).toMatchObject({ status, body: { message } });
  });
});
