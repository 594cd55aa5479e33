import { expect, it } from 'vitest';
import type { NetworkBranch, NetworkRegion, NetworkSettings, NetworkView } from '../../../src/domain/manage-network.ts';
import type { Me, OverviewReport } from '../../../src/domain/reports.ts';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { listCounters } from '../../../src/server/repositories/counters.ts';
import { listItems } from '../../../src/server/repositories/labelled-lists.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { readCaseDeadlines } from '../../../src/server/services/settings.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { BRANCH_A, BRANCH_B, givenNetwork, push, ratingAt } from '../reports/given.ts';
import { callDashboard, givenHeadOfficeAccount, givenRegionalAccount, routesOf, signedIn } from '../dashboard.ts';
import { SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';

const NORTH = '0190a0b0-0000-7000-8000-0000000000d1';
const SOUTH = '0190a0b0-0000-7000-8000-0000000000d2';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
const NEW_BRANCH = { name: 'Castle Peak', regionId: NORTH, timeZone: 'Asia/Hong_Kong', defaultLanguage: 'zh-Hant', ratingCooldownMs: 5000, speech: true, voices: { 'zh-Hant': 'zh-HK' }, counterName: 'Window 1' };

describeEachDatabase('regions and branches on the dashboard', (kind) => {
  const database = useTestDatabase(kind);

  /** Harbour Road (A) in North, Nanjing Road (B) in South; head office HQ1; North's regional manager RM1. */
  async function given() {
    const { db } = database.current;
    const [harbour] = await givenNetwork(db);
    for (const [id, name] of [[NORTH, 'North'], [SOUTH, 'South']] as const) {
      const region = await addRegion(db, { id, name }, SERVER_NOW);
      if (!region.ok) throw new Error(region.message);
    }
    await moveBranchToRegion(db, BRANCH_A, NORTH);
    await moveBranchToRegion(db, BRANCH_B, SOUTH);
    await givenHeadOfficeAccount(database.current);
    await givenRegionalAccount(database.current, NORTH);
    const server = await startTestServer({ db, now: () => SERVER_NOW });
    const cookies = { hq: await signedIn(server, 'HQ1'), rm: await signedIn(server, 'RM1') };
    const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, as: keyof typeof cookies, body?: unknown) => callDashboard(server, method, path, { cookie: cookies[as], body });
    const audit = async () => readAudit(db, { from: 0, to: SERVER_NOW + 1, limit: 100 });
    return { db, server, call, audit, harbour: harbour! };
  }

  it('given head office, when it adds a region and a branch in it with a counter, renames the region and edits the branch, then the network shows them, the branch has its default lists, tablets pull the change, /api/me lists it, and each act is audited', async () => {
    const { db, server, call, audit } = await given();
    expect(routesOf(server.app).filter((r) => /\/api\/manage\/(network|regions(\/:regionId)?|branches(\/:branchId)?|settings)$/.test(r))).toEqual([
      'GET /api/manage/network',
      'PATCH /api/manage/branches/:branchId',
      'PATCH /api/manage/regions/:regionId',
      'POST /api/manage/branches',
      'POST /api/manage/regions',
      'PUT /api/manage/settings',
    ]);

    const region = await call('POST', '/api/manage/regions', 'hq', { name: '  West  ' });
    expect(region).toMatchObject({ status: 200, body: { name: 'West', branchCount: 0 } });
    const westId = (region.body as NetworkRegion).id;
    expect(await call('POST', '/api/manage/regions', 'hq', { name: 'west' })).toMatchObject({ status: 400, body: { code: 'bad-request' } });

    const added = await call('POST', '/api/manage/branches', 'hq', { ...NEW_BRANCH, regionId: westId });
    expect(added.status).toBe(200);
    const branch = added.body as NetworkBranch;
    expect(branch).toMatchObject({ name: 'Castle Peak', regionId: westId, timeZone: 'Asia/Hong_Kong', defaultLanguage: 'zh-Hant', ratingCooldownMs: 5000, speech: true, counters: 1 });
    expect(branch.voices['zh-Hant']).toBe('zh-HK');
    expect((await listCounters(db, branch.id)).map((c) => c.name)).toEqual(['Window 1']);
    expect((await listItems(db, 'reasons', { branchId: branch.id })).length).toBeGreaterThan(0);
    expect((await listItems(db, 'topics', { branchId: branch.id })).length).toBeGreaterThan(0);

    const me = (await call('GET', '/api/me', 'hq')).body as Me;
    expect(me.branches.map((b) => b.name)).toContain('Castle Peak');

    expect(await call('PATCH', `/api/manage/regions/${westId}`, 'hq', { name: 'West & Islands' })).toMatchObject({ status: 200, body: { id: westId, name: 'West & Islands' } });

    const before = (await findBranch(db, branch.id))!.configVersion;
    const edited = await call('PATCH', `/api/manage/branches/${branch.id}`, 'hq', { ratingCooldownMs: 8000, timeZone: 'Europe/Madrid', regionId: null });
    expect(edited).toMatchObject({ status: 200, body: { ratingCooldownMs: 8000, timeZone: 'Europe/Madrid', regionId: null } });
    expect((await findBranch(db, branch.id))!.configVersion).toBeGreaterThan(before);

    const view = (await call('GET', '/api/manage/network', 'hq')).body as NetworkView;
    expect(view.mayShape).toBe(true);
    expect(view.regions.map((r) => [r.name, r.branchCount])).toEqual([['North', 1], ['South', 1], ['West & Islands', 0]]);
    expect(view.branches.map((b) => b.name).sort()).toEqual(['Castle Peak', 'Harbour Road', 'Nanjing Road']);
    expect(view.settings).toEqual({ deadlines: await readCaseDeadlines(db), targets: { satisfaction: 80, 'complaint-rate': 5, 'follow-up-rate': 30 }, waitTargetMinutes: 15 });

    const rows = await audit();
    expect(rows.map((r) => [r.action, r.actor, r.verified])).toEqual([
      ['region-add', 'HQ1', 'dashboard-session'],
      ['branch-add', 'HQ1', 'dashboard-session'],
      ['region-edit', 'HQ1', 'dashboard-session'],
      ['branch-edit', 'HQ1', 'dashboard-session'],
    ]);
    expect(rows[3]!.detail).toMatchObject({ fields: expect.arrayContaining(['timeZone', 'ratingCooldownMs', 'regionId']), regionFrom: westId, regionTo: null, timeZoneFrom: 'Asia/Hong_Kong', timeZoneTo: 'Europe/Madrid' });
  });

  it("given a regional manager, when they edit their region's branch it changes, and every other act is 403 and changes nothing", async () => {
    const { db, call, audit } = await given();
    const view = (await call('GET', '/api/manage/network', 'rm')).body as NetworkView;
    expect(view).toMatchObject({ mayShape: false, settings: null });
    expect(view.regions.map((r) => r.name)).toEqual(['North']);
    expect(view.branches.map((b) => b.id)).toEqual([BRANCH_A]);

    expect(await call('PATCH', `/api/manage/branches/${BRANCH_A}`, 'rm', { ratingCooldownMs: 6000, speech: true })).toMatchObject({ status: 200, body: { ratingCooldownMs: 6000, speech: true } });

    const refused = [
      await call('PATCH', `/api/manage/branches/${BRANCH_B}`, 'rm', { ratingCooldownMs: 6000 }),
      await call('PATCH', `/api/manage/branches/${UNKNOWN_ID}`, 'rm', { ratingCooldownMs: 6000 }),
      await call('PATCH', `/api/manage/branches/${BRANCH_A}`, 'rm', { regionId: SOUTH }),
      await call('PATCH', `/api/manage/branches/${BRANCH_A}`, 'rm', { regionId: null }),
      await call('POST', '/api/manage/regions', 'rm', { name: 'East' }),
      await call('PATCH', `/api/manage/regions/${NORTH}`, 'rm', { name: 'Far North' }),
      await call('POST', '/api/manage/branches', 'rm', NEW_BRANCH),
      await call('PUT', '/api/manage/settings', 'rm', { replyWithinHours: 12 }),
      await call('PUT', '/api/manage/settings', 'rm', { targets: { satisfaction: 10 } }),
    ];
    expect(refused.map((r) => [r.status, (r.body as { code: string }).code])).toEqual(refused.map(() => [403, 'forbidden']));
    expect(JSON.stringify(refused.map((r) => r.body))).not.toContain('Nanjing');

    expect((await findBranch(db, BRANCH_A))!.regionId).toBe(NORTH);
    expect((await findBranch(db, BRANCH_B))!.ratingCooldownMs).not.toBe(6000);
    expect((await call('GET', '/api/manage/network', 'hq')).body).toMatchObject({ regions: [{ name: 'North' }, { name: 'South' }], settings: { deadlines: { replyWithinHours: 24 }, targets: { satisfaction: 80 } } });
    expect((await audit()).map((r) => [r.action, r.actor, r.branchId])).toEqual([['branch-edit', 'RM1', BRANCH_A]]);
  });

  it('given bad input, then 400 names the field and nothing changes', async () => {
    const { db, call, audit } = await given();
    const bad: [string, 'POST' | 'PATCH' | 'PUT', string, unknown][] = [
      ['name', 'POST', '/api/manage/regions', { name: '' }],
      ['extra', 'POST', '/api/manage/regions', { name: 'East', extra: 1 }],
      ['regionId', 'PATCH', '/api/manage/regions/not-a-uuid', { name: 'East' }],
      ['timeZone', 'POST', '/api/manage/branches', { ...NEW_BRANCH, timeZone: 'Mars/Olympus' }],
      ['ratingCooldownMs', 'POST', '/api/manage/branches', { ...NEW_BRANCH, ratingCooldownMs: 61_000 }],
      ['voices.zh-Hant', 'POST', '/api/manage/branches', { ...NEW_BRANCH, voices: { 'zh-Hant': 'zh-CN' } }],
      ['defaultLanguage', 'PATCH', `/api/manage/branches/${BRANCH_A}`, { defaultLanguage: 'fr' }],
      ['nothing to change', 'PATCH', `/api/manage/branches/${BRANCH_A}`, {}],
      ['replyWithinHours', 'PUT', '/api/manage/settings', { replyWithinHours: 0 }],
      ['targets.satisfaction', 'PUT', '/api/manage/settings', { targets: { satisfaction: 101 } }],
      ['targets.complaint-rate', 'PUT', '/api/manage/settings', { targets: { 'complaint-rate': -1 } }],
    ];
    for (const [field, method, path, body] of bad) {
      const answer = await call(method, path, 'hq', body);
      expect([field, answer.status, (answer.body as { code: string }).code]).toEqual([field, 400, 'bad-request']);
      expect((answer.body as { message: string }).message).toContain(field);
    }
    expect(await call('POST', '/api/manage/branches', 'hq', { ...NEW_BRANCH, regionId: UNKNOWN_ID })).toMatchObject({ status: 404 });
    expect((await call('GET', '/api/manage/network', 'hq')).body).toMatchObject({ branches: [{}, {}] });
    expect(await call('PATCH', `/api/manage/branches/${UNKNOWN_ID}`, 'hq', { name: 'X' })).toMatchObject({ status: 404 });
    expect(await audit()).toEqual([]);
    expect((await findBranch(db, BRANCH_A))!.defaultLanguage).toBe('en');
  });

  it("given head office changes the targets and deadlines, then the overview judges against them, tablets' config versions move, and it is audited", async () => {
    const { db, call, audit, harbour } = await given();
    const at = SERVER_NOW - 3_600_000;
    await push(db, harbour.counters[0], [ratingAt(harbour, at), ratingAt(harbour, at), ratingAt(harbour, at), ratingAt(harbour, at, { score: 'dissatisfied' })]);
    const overview = async () => ((await call('GET', '/api/reports/overview?from=2026-11-23&to=2026-11-23', 'hq')).body as OverviewReport).figures.find((f) => f.id === 'satisfaction')!;
    expect(await overview()).toMatchObject({ value: 0.75, met: false, target: { comparison: 'at-least', value: 0.8 } });

    const before = (await findBranch(db, BRANCH_B))!.configVersion;
    const set = await call('PUT', '/api/manage/settings', 'hq', { replyWithinHours: 12, targets: { satisfaction: 70, 'follow-up-rate': 42.5 } });
    expect(set).toMatchObject({ status: 200 });
    expect(set.body as NetworkSettings).toEqual({ deadlines: { replyWithinHours: 12, notOnSpotWithinHours: 72 }, targets: { satisfaction: 70, 'complaint-rate': 5, 'follow-up-rate': 42.5 }, waitTargetMinutes: 15 });
    expect(await overview()).toMatchObject({ value: 0.75, met: true, target: { value: 0.7 } });
    expect((await findBranch(db, BRANCH_B))!.configVersion).toBeGreaterThan(before);
    expect((await audit()).map((r) => [r.action, r.actor, r.detail])).toEqual([['network-settings', 'HQ1', { deadlines: { replyWithinHours: 12, notOnSpotWithinHours: 72 }, targets: { satisfaction: 70, 'complaint-rate': 5, 'follow-up-rate': 42.5 }, waitTargetMinutes: 15 }]]);
  });

  it('given head office, when it sets the waiting-time target, then the settings show it, the waiting report judges by it, it is audited, and a target out of 1–180 whole minutes is refused naming the field', async () => {
    const { call, audit } = await given();
    expect(((await call('GET', '/api/manage/network', 'hq')).body as NetworkView).settings).toMatchObject({ waitTargetMinutes: 15 });

    const set = await call('PUT', '/api/manage/settings', 'hq', { waitTargetMinutes: 10 });
    expect(set).toMatchObject({ status: 200, body: { waitTargetMinutes: 10, targets: { satisfaction: 80 } } });
    expect(await call('GET', '/api/reports/waiting?from=2026-11-23&to=2026-11-23', 'hq')).toMatchObject({ status: 200, body: { targetMinutes: 10 } });
    expect((await audit()).map((r) => [r.action, r.detail.waitTargetMinutes])).toEqual([['network-settings', 10]]);

    for (const [value, message] of [
      [0, 'waitTargetMinutes: must be at least 1 (minute)'],
      [181, 'waitTargetMinutes: must be at most 180 (minutes)'],
      [12.5, 'waitTargetMinutes: must be whole minutes'],
      ['15', 'waitTargetMinutes: must be a whole number of minutes from 1 to 180'],
    ] as const) {
      expect(await call('PUT', '/api/manage/settings', 'hq', { waitTargetMinutes: value })).toMatchObject({ status: 400, body: { code: 'bad-request', message } });
    }
    expect(await call('PUT', '/api/manage/settings', 'rm', { waitTargetMinutes: 20 })).toMatchObject({ status: 403 });
    expect(await call('PUT', '/api/manage/settings', 'hq', {})).toMatchObject({ status: 400, body: { message: 'nothing to change: give a reply deadline, a target or a waiting-time target' } });
    expect(await call('GET', '/api/reports/waiting?from=2026-11-23&to=2026-11-23', 'hq')).toMatchObject({ body: { targetMinutes: 10 } });
    expect(await audit()).toHaveLength(1);
  });
});
