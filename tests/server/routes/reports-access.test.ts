import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/server/app.ts';
import { addBranch, addCounter } from '../../../src/server/services/branches.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { BRANCH_ID } from '../../builders/rating.ts';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRegionalAccount, givenRosterAccount, routesOf, signedIn } from '../dashboard.ts';
import { givenBranchWithCounter, givenEnrolledDevice, givenTeller, SERVER_NOW, type TestServer } from '../fixtures.ts';

const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const OTHER_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c2';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
/** Branch A's region; B is in none. */
const REGION_ID = '0190a0b0-0000-7000-8000-0000000000e1';
const OTHER_REGION_ID = '0190a0b0-0000-7000-8000-0000000000e2';
/** SERVER_NOW's day in both branches (UTC). */
const DAY = '2026-11-23';

type Branch = 'A' | 'B';
const BRANCH: Record<Branch, string> = { A: BRANCH_ID, B: OTHER_BRANCH_ID };
type Call = { method: 'GET' | 'POST'; url: string; body?: unknown };

/**
 * Every route under /api/reports, with how to ask it about branch A or B. A new route without
 * a row here fails the first test below: no report goes out without its access checked.
 */
const ENDPOINTS: { route: string; call: (branch: Branch, devices: Record<Branch, string>) => Call; aboveBranch?: true }[] = [
  { route: 'GET /api/reports/overview', call: (b) => ({ method: 'GET', url: `/api/reports/overview?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }) },
  { route: 'GET /api/reports/tellers', call: (b) => ({ method: 'GET', url: `/api/reports/tellers?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }) },
  { route: 'GET /api/reports/counters', call: (b) => ({ method: 'GET', url: `/api/reports/counters?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }) },
  { route: 'GET /api/reports/complaints', call: (b) => ({ method: 'GET', url: `/api/reports/complaints?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }) },
  { route: 'GET /api/reports/branches', call: (b) => ({ method: 'GET', url: `/api/reports/branches?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }), aboveBranch: true },
  { route: 'GET /api/reports/alert-times', call: (b) => ({ method: 'GET', url: `/api/reports/alert-times?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }) },
  { route: 'GET /api/reports/waiting', call: (b) => ({ method: 'GET', url: `/api/reports/waiting?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }) },
  { route: 'GET /api/reports/surveys', call: (b) => ({ method: 'GET', url: `/api/reports/surveys?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }) },
  { route: 'GET /api/reports/flags', call: (b) => ({ method: 'GET', url: `/api/reports/flags?from=${DAY}&to=${DAY}&branchId=${BRANCH[b]}` }) },
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
    for (const [id, name] of [[REGION_ID, 'North'], [OTHER_REGION_ID, 'South']] as const) {
      const region = await addRegion(database.db, { id, name }, SERVER_NOW);
      if (!region.ok) throw new Error(region.message);
    }
    const moved = await moveBranchToRegion(database.db, BRANCH_ID, REGION_ID);
    if (!moved.ok) throw new Error(moved.message);
    await givenRegionalAccount(database, REGION_ID);
    app = await buildApp({ db: database.db, now: () => SERVER_NOW });
    await app.listen({ port: 0, host: '127.0.0.1' });
    server = { app, baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
    for (const staffNumber of ['2001', '2002', '2003', '2004', 'RM1', 'HQ1']) cookie[staffNumber] = await signedIn(server, staffNumber);
  });
  afterAll(async () => {
    await app?.close();
    await database?.destroy();
  });

  const ask = ({ method, url, body }: Call, as?: string) => callDashboard(server, method, url, { cookie: as === undefined ? undefined : cookie[as], body });

  it('given the app, then every route under /api/reports has a row in the access table', () => {
    expect(routesOf(app).filter((route) => route.includes(' /api/reports'))).toEqual(ENDPOINTS.map((e) => e.route).sort());
  });

  it.for(ENDPOINTS)('given $route, then no session 401, roles without reports 403, a manager of another branch or region 403, its own manager, its region\'s and head office 200', async ({ call, aboveBranch }) => {
    const forA = call('A', devices);
    const forB = call('B', devices);

    expect(await ask(forA)).toMatchObject({
      status: 401,
      body: { code: 'unauthorized', message: 'Sign in first: POST /api/session with your staff number and password.' },
    });
    for (const { staffNumber, role } of NO_REPORTS) {
      expect(await ask(forA, staffNumber)).toMatchObject({
        status: 403,
        body: { code: 'forbidden', message: `Reports are for branch managers, regional managers and head office; ${staffNumber} is signed in as ${role}.` },
      });
    }
    const otherBranch = await ask(forB, '2004');
    expect(otherBranch).toMatchObject({
      status: 403,
      body: {
        code: 'forbidden',
        message: aboveBranch
          ? 'Branches side by side are for head office and regional managers; 2004 sees their own branch in the other reports.'
          : `2004 manages branch ${BRANCH_ID}; branch ${OTHER_BRANCH_ID} is for its own manager, its region's and head office.`,
      },
    });
    const ownBranch = await ask(forA, '2004');
    expect({ status: ownBranch.status, code: (ownBranch.body as { code?: string }).code }).toEqual(aboveBranch ? { status: 403, code: 'forbidden' } : { status: 200, code: undefined });
    expect(await ask(forB, 'RM1')).toMatchObject({ status: 403, body: { code: 'forbidden', message: `RM1 manages the region North; branch ${OTHER_BRANCH_ID} is not in it.` } });
    const ownRegion = await ask(forA, 'RM1');
    expect({ url: forA.url, status: ownRegion.status }).toEqual({ url: forA.url, status: 200 });
    for (const branch of [forA, forB]) {
      const headOffice = await ask(branch, 'HQ1');
      expect({ url: branch.url, status: headOffice.status }).toEqual({ url: branch.url, status: 200 });
    }
  });

  it("given a branch manager asking without a branch, then the report covers their branch only; head office's covers every branch", async () => {
    const url = `/api/reports/fleet`;
    const branchesOf = async (as: string) => new Set(((await ask({ method: 'GET', url }, as)).body as { devices: { branchId: string }[] }).devices.map((d) => d.branchId));
    expect(await branchesOf('2004')).toEqual(new Set([BRANCH_ID]));
    expect(await branchesOf('RM1')).toEqual(new Set([BRANCH_ID]));
    expect(await branchesOf('HQ1')).toEqual(new Set([BRANCH_ID, OTHER_BRANCH_ID]));
  });

  it("given reports by region, then head office gets any region's branches, a regional manager only their own region, a branch manager none", async () => {
    const fleetOf = (regionId: string) => ({ method: 'GET' as const, url: `/api/reports/fleet?regionId=${regionId}` });
    const branchesIn = (answer: { body: unknown }) => new Set((answer.body as { devices: { branchId: string }[] }).devices.map((d) => d.branchId));
    expect(branchesIn(await ask(fleetOf(REGION_ID), 'HQ1'))).toEqual(new Set([BRANCH_ID]));
    expect(branchesIn(await ask(fleetOf(OTHER_REGION_ID), 'HQ1'))).toEqual(new Set());
    expect(branchesIn(await ask(fleetOf(REGION_ID), 'RM1'))).toEqual(new Set([BRANCH_ID]));
    expect(await ask(fleetOf(OTHER_REGION_ID), 'RM1')).toMatchObject({ status: 403, body: { message: `RM1 manages the region North; region ${OTHER_REGION_ID} is another's.` } });
    expect(await ask(fleetOf(REGION_ID), '2004')).toMatchObject({ status: 403, body: { message: 'Reports by region are for head office and regional managers; 2004 is signed in as branch-manager.' } });
    expect(await ask(fleetOf(UNKNOWN_ID), 'HQ1')).toMatchObject({ status: 404, body: { message: `No region has the id ${UNKNOWN_ID}; GET /api/me lists the regions you may see.` } });
    const overview = await ask({ method: 'GET', url: `/api/reports/overview?from=${DAY}&to=${DAY}&regionId=${OTHER_REGION_ID}` }, 'HQ1');
    expect(overview.status).toBe(200);
  });

  it('given a regional manager, then /api/me lists their region and its branches only', async () => {
    const me = await ask({ method: 'GET', url: '/api/me' }, 'RM1');
    expect(me).toMatchObject({ status: 200, body: { role: 'regional-manager', branchId: null, regions: [{ id: REGION_ID, name: 'North' }], branches: [{ id: BRANCH_ID, regionId: REGION_ID }], canViewReports: true } });
    expect(me.body).not.toHaveProperty('region');
    const headOffice = await ask({ method: 'GET', url: '/api/me' }, 'HQ1');
    expect(headOffice.body).toMatchObject({ regions: [{ id: REGION_ID, name: 'North' }, { id: OTHER_REGION_ID, name: 'South' }] });
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
