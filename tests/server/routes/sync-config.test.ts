import { expect, it } from 'vitest';
import * as v from 'valibot';
import { DeviceConfigSchema } from '../../../src/domain/config.ts';
import { revokeDevice } from '../../../src/server/repositories/devices.ts';
import { addCounter, editBranch } from '../../../src/server/services/branches.ts';
import { BRANCH_ID, COUNTER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callApi, givenBranchWithCounter, givenEnrolledDevice, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';

describeEachDatabase('GET /api/sync/config', (kind) => {
  const database = useTestDatabase(kind);

  async function given() {
    await givenBranchWithCounter(database.current);
    const device = await givenEnrolledDevice(database.current);
    const server = await startTestServer({ db: database.current.db });
    const getConfig = (token = device.token) => callApi(server, 'GET', '/api/sync/config', { token });
    const pushNothing = () => callApi(server, 'POST', '/api/sync/push', { token: device.token, body: { protocol: 1, records: [] } });
    return { device, getConfig, pushNothing };
  }

  it('given an enrolled device, then it gets its branch, counter and settings', async () => {
    const { getConfig } = await given();
    const answer = await getConfig();
    expect(answer.status).toBe(200);
    expect(v.parse(DeviceConfigSchema, answer.body)).toEqual({
      version: 2,
      branch: { id: BRANCH_ID, name: 'Main Street', defaultLanguage: 'zh-Hant' },
      counter: { id: COUNTER_ID, name: 'Window 3' },
      ratingCooldownMs: 3000,
    });
  });

  it('given the admin edits the branch, then the next push announces a new version and the config carries it', async () => {
    const { getConfig, pushNothing } = await given();
    await editBranch(database.current.db, BRANCH_ID, { name: 'Main St.', ratingCooldownMs: 5000, defaultLanguage: 'es' });
    expect((await pushNothing()).body).toMatchObject({ configVersion: 3 });
    expect((await getConfig()).body).toMatchObject({
      version: 3,
      branch: { name: 'Main St.', defaultLanguage: 'es' },
      ratingCooldownMs: 5000,
    });
  });

  it('given the admin adds a counter to the branch, then the config version goes up', async () => {
    const { getConfig } = await given();
    await addCounter(database.current.db, { branchId: BRANCH_ID, name: 'Window 4' }, SERVER_NOW);
    expect((await getConfig()).body).toMatchObject({ version: 3 });
  });

  it('given a revoked device, then 401 device-revoked', async () => {
    const { getConfig, device } = await given();
    await revokeDevice(database.current.db, device.deviceId, SERVER_NOW);
    expect(await getConfig()).toMatchObject({ status: 401, body: { code: 'device-revoked' } });
  });

  it('given no token, then 401 unauthorized', async () => {
    const { getConfig } = await given();
    expect(await getConfig('')).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
  });
});
