import type { KyselyPlugin } from 'kysely';
import { expect, it } from 'vitest';
import { DEVICE_EXPIRES_AFTER_MS, PREVIOUS_TOKEN_GRACE_MS, TOKEN_ROTATE_AFTER_MS } from '../../../src/domain/device-token.ts';
import type { FleetReport } from '../../../src/domain/reports.ts';
import { PROTOCOL_VERSION, type PushResponse, type RotateTokenResponse } from '../../../src/domain/wire.ts';
import { revokeDevice } from '../../../src/server/repositories/devices.ts';
import { hashSecret } from '../../../src/server/secrets.ts';
import { rotateDeviceToken } from '../../../src/server/services/device-tokens.ts';
import { aRating } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { aHealth, callDashboard, givenHeadOfficeAccount, signedIn } from '../dashboard.ts';
import { callApi, givenBranchWithCounter, givenEnrolledDevice, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';

// Device tokens rotate, expire after long silence, and a copy used after the original moved on
// is refused and shown in the fleet (decision 0016). Over real HTTP, with the server's clock
// in the test's hands; a request "from elsewhere" goes through app.inject with its address.
const DAY = 24 * 3_600_000;
const MINUTE = 60_000;
const TABLET_ADDRESS = '10.20.0.31';
const COPY_ADDRESS = '192.0.2.77';

describeEachDatabase('device tokens', (kind) => {
  const database = useTestDatabase(kind);

  async function given() {
    await givenBranchWithCounter(database.current);
    await givenHeadOfficeAccount(database.current);
    const device = await givenEnrolledDevice(database.current);
    let clock = SERVER_NOW;
    const server = await startTestServer({ db: database.current.db, now: () => clock });
    /** A push of one rating with `token`, from `address`. */
    const push = async (token: string, address = TABLET_ADDRESS) => {
      const answer = await server.app.inject({
        method: 'POST',
        url: '/api/sync/push',
        remoteAddress: address,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: { protocol: PROTOCOL_VERSION, records: [aRating()], health: aHealth({ reportedAt: clock }) },
      });
      return { status: answer.statusCode, body: answer.json<PushResponse & { code?: string }>() };
    };
    const rotate = async (token: string) => callApi(server, 'POST', '/api/device/token', { token });
    const newToken = async (token: string) => {
      const answer = await rotate(token);
      expect(answer.status).toBe(200);
      return (answer.body as RotateTokenResponse).token;
    };
    const row = () =>
      database.current.db
        .selectFrom('devices')
        .select(['token_hash', 'previous_token_hash', 'previous_token_until', 'token_issued_at', 'clone_suspected_at', 'clone_detail', 'last_address'])
        .where('id', '=', device.deviceId)
        .executeTakeFirstOrThrow();
    const retired = async () => (await database.current.db.selectFrom('retired_tokens').select(['token_hash', 'device_id', 'retired_at']).orderBy('retired_at').execute());
    const fleet = async () => {
      const answer = await callDashboard(server, 'GET', '/api/reports/fleet', { cookie: await signedIn(server, 'HQ1') });
      return (answer.body as FleetReport).devices.find((d) => d.id === device.deviceId)!;
    };
    return { server, device, push, rotate, newToken, row, retired, fleet, at: (t: number) => (clock = t), now: () => clock };
  }

  it('given a token issued today, when the device pushes, then the answer does not ask for a new token', async () => {
    const { device, push, at } = await given();
    at(SERVER_NOW + TOKEN_ROTATE_AFTER_MS);
    const answer = await push(device.token);
    expect(answer.status).toBe(200);
    expect(answer.body).not.toHaveProperty('rotateToken');
  });

  it('given a token more than a day old, when the device pushes, then it is asked for a new one; the new token works, only its hash is kept, and the old one works until the new one is used', async () => {
    const { device, push, newToken, row, retired, at } = await given();
    const rotatedAt = SERVER_NOW + TOKEN_ROTATE_AFTER_MS + 1;
    at(rotatedAt);

    expect(await push(device.token)).toMatchObject({ status: 200, body: { results: [{ status: 'accepted' }], rotateToken: true } });
    const token = await newToken(device.token);

    expect(token).not.toBe(device.token);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await row()).toMatchObject({ token_hash: hashSecret(token), previous_token_hash: hashSecret(device.token), previous_token_until: null, token_issued_at: rotatedAt });
    expect(JSON.stringify(await row())).not.toContain(token);
    expect(await retired()).toEqual([]);
    // Until the new token is used, the old one still works, and is asked again.
    at(rotatedAt + 60 * MINUTE);
    expect(await push(device.token)).toMatchObject({ status: 200, body: { rotateToken: true } });
    const fresh = await push(token);
    expect(fresh.status).toBe(200);
    expect(fresh.body).not.toHaveProperty('rotateToken');
  });

  it('given the answer to a rotation is lost, when the device pushes with its old token, then it works and is asked again, and the next rotation replaces the unused token, which never works', async () => {
    const { device, push, newToken, row, retired, at } = await given();
    at(SERVER_NOW + 2 * DAY);
    await push(device.token);
    const lost = await newToken(device.token);

    at(SERVER_NOW + 2 * DAY + MINUTE);
    expect(await push(device.token)).toMatchObject({ status: 200, body: { results: [{ status: 'accepted' }], rotateToken: true } });
    const kept = await newToken(device.token);

    expect(await row()).toMatchObject({ token_hash: hashSecret(kept), previous_token_hash: hashSecret(device.token), previous_token_until: null, token_issued_at: SERVER_NOW + 2 * DAY + MINUTE });
    expect(await retired()).toEqual([{ token_hash: hashSecret(lost), device_id: device.deviceId, retired_at: SERVER_NOW + 2 * DAY + MINUTE }]);
    expect(await push(kept)).toMatchObject({ status: 200 });
    // Whoever holds the lost answer holds a copy of this tablet's token.
    expect(await push(lost, COPY_ADDRESS)).toMatchObject({ status: 401, body: { code: 'token-superseded' } });
  });

  it('given the new token was used, then the old one works for the grace (requests already under way) and is refused after it as superseded; the fleet shows when and from where', async () => {
    const { device, push, newToken, row, fleet, at } = await given();
    at(SERVER_NOW + 2 * DAY);
    await push(device.token);
    const token = await newToken(device.token);
    const firstUse = SERVER_NOW + 2 * DAY + MINUTE;
    at(firstUse);
    expect(await push(token)).toMatchObject({ status: 200 });
    expect(await row()).toMatchObject({ previous_token_until: firstUse + PREVIOUS_TOKEN_GRACE_MS, last_address: TABLET_ADDRESS });
    // Later uses of the new token do not move the grace: one write per token.
    at(firstUse + 5 * MINUTE);
    expect(await push(token)).toMatchObject({ status: 200 });
    expect((await row()).previous_token_until).toBe(firstUse + PREVIOUS_TOKEN_GRACE_MS);

    at(firstUse + PREVIOUS_TOKEN_GRACE_MS);
    const underWay = await push(device.token);
    expect(underWay.status).toBe(200);
    expect(underWay.body).not.toHaveProperty('rotateToken');
    expect(await fleet()).toMatchObject({ state: 'ok', copySeen: null, lastAddress: TABLET_ADDRESS });

    at(firstUse + PREVIOUS_TOKEN_GRACE_MS + 1);
    expect(await push(device.token, COPY_ADDRESS)).toEqual({
      status: 401,
      body: { code: 'token-superseded', message: expect.stringContaining("another copy of this tablet's token is in use") },
    });
    const seen = { at: firstUse + PREVIOUS_TOKEN_GRACE_MS + 1, address: COPY_ADDRESS, token: 'previous' };
    expect(await fleet()).toMatchObject({ state: 'copied', copySeen: seen, lastAddress: TABLET_ADDRESS });
    expect(JSON.parse((await row()).clone_detail!)).toEqual({ address: COPY_ADDRESS, token: 'previous' });
    // The holder of the current token is not stopped by this: revoking the device is the way out.
    expect(await push(token)).toMatchObject({ status: 200 });
  });

  it("given a tablet's token copied elsewhere, when the tablet rotates twice and the copy then pushes, then the copy is refused as superseded, the fleet flags the device, and the first sighting is kept", async () => {
    const { device, push, newToken, retired, row, fleet, at } = await given();
    const copy = device.token;
    at(SERVER_NOW + 2 * DAY);
    await push(device.token);
    const second = await newToken(device.token);
    expect(await push(second)).toMatchObject({ status: 200 });
    at(SERVER_NOW + 4 * DAY);
    expect(await push(second)).toMatchObject({ status: 200, body: { rotateToken: true } });
    const third = await newToken(second);
    expect(await push(third)).toMatchObject({ status: 200 });
    expect((await retired()).map((r) => r.token_hash)).toEqual([hashSecret(copy)]);

    at(SERVER_NOW + 5 * DAY);
    expect(await push(copy, COPY_ADDRESS)).toMatchObject({ status: 401, body: { code: 'token-superseded' } });
    at(SERVER_NOW + 6 * DAY);
    expect(await push(copy, '198.51.100.9')).toMatchObject({ status: 401, body: { code: 'token-superseded' } });
    expect(await row()).toMatchObject({ clone_suspected_at: SERVER_NOW + 5 * DAY, clone_detail: JSON.stringify({ address: COPY_ADDRESS, token: 'retired' }) });
    expect(await fleet()).toMatchObject({ state: 'copied', copySeen: { at: SERVER_NOW + 5 * DAY, address: COPY_ADDRESS, token: 'retired' } });
    expect(await push(third)).toMatchObject({ status: 200 });
  });

  it('given a device not heard from for more than 60 days, then it is refused as expired; at 60 days it still works; a device never heard from counts from its token', async () => {
    const { device, push, at, fleet } = await given();
    at(SERVER_NOW + DAY);
    expect(await push(device.token)).toMatchObject({ status: 200 });

    const lastPush = SERVER_NOW + DAY + DEVICE_EXPIRES_AFTER_MS;
    at(lastPush);
    expect(await push(device.token)).toMatchObject({ status: 200 });
    at(lastPush + DEVICE_EXPIRES_AFTER_MS + 1);
    expect(await push(device.token)).toEqual({ status: 401, body: { code: 'device-expired', message: expect.stringContaining('not heard from for 60 days') } });
    expect(await fleet()).toMatchObject({ state: 'expired' });

    const silent = await givenEnrolledDevice(database.current);
    at(SERVER_NOW + DEVICE_EXPIRES_AFTER_MS + 1);
    expect(await push(silent.token)).toMatchObject({ status: 401, body: { code: 'device-expired' } });
  });

  it('given a revoked device, then its current, previous and retired tokens are all refused as revoked, and nothing is flagged', async () => {
    const { device, push, newToken, row, fleet, at } = await given();
    at(SERVER_NOW + 2 * DAY);
    await push(device.token);
    const second = await newToken(device.token);
    await push(second);
    at(SERVER_NOW + 4 * DAY);
    const third = await newToken(second);
    await revokeDevice(database.current.db, device.deviceId, SERVER_NOW + 4 * DAY);

    for (const token of [third, second, device.token]) {
      expect(await push(token, COPY_ADDRESS)).toMatchObject({ status: 401, body: { code: 'device-revoked' } });
    }
    at(SERVER_NOW + 100 * DAY);
    expect(await push(third)).toMatchObject({ status: 401, body: { code: 'device-revoked' } });
    expect((await row()).clone_suspected_at).toBeNull();
    expect(await fleet()).toMatchObject({ state: 'revoked', copySeen: null });
  });

  it('given the new token was used, when a rotation is asked with the old one, then it is refused and the tokens stay as they are', async () => {
    const { device, push, newToken, rotate, row, at } = await given();
    at(SERVER_NOW + 2 * DAY);
    await push(device.token);
    const token = await newToken(device.token);
    await push(token);
    const before = await row();

    expect(await rotate(device.token)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await row()).toEqual(before);
  });

  it('given two rotations asked at once with the same token, then the device ends with one new token, the shared one as previous, and every other token retired once', async () => {
    const { device, push, newToken, rotate, row, retired, at } = await given();
    at(SERVER_NOW + 2 * DAY);
    const second = await newToken(device.token);
    await push(second);

    const answers = await Promise.all([rotate(second), rotate(second)]);

    // Side by side, one loses and is told to try again (503); one after the other, the second
    // is taken as a retry after a lost answer and replaces the first's token, still unused.
    expect(answers.map((a) => a.status).sort()).toContainEqual(200);
    for (const answer of answers) expect([200, 503]).toContain(answer.status);
    const tokens = answers.filter((a) => a.status === 200).map((a) => (a.body as RotateTokenResponse).token);
    const current = (await row()).token_hash;
    expect(tokens.map(hashSecret)).toContain(current);
    expect((await row()).previous_token_hash).toBe(hashSecret(second));
    const others = tokens.map(hashSecret).filter((hash) => hash !== current);
    expect((await retired()).map((r) => r.token_hash).sort()).toEqual([hashSecret(device.token), ...others].sort());
    for (const token of tokens.filter((t) => hashSecret(t) !== current)) expect(await push(token, COPY_ADDRESS)).toMatchObject({ status: 401, body: { code: 'token-superseded' } });
  });

  it('given a rotation authenticated just before another one replaced the token, then it changes nothing and says to try again', async () => {
    const { device, push, newToken, row, retired, at } = await given();
    at(SERVER_NOW + 2 * DAY);
    const second = await newToken(device.token);
    await push(second);
    const asAuthenticated = { id: device.deviceId, token: { hash: hashSecret(second), use: 'current' as const, rotate: true } };
    await newToken(second);
    const before = { row: await row(), retired: await retired() };

    expect(await rotateDeviceToken(database.current.db, asAuthenticated, SERVER_NOW + 2 * DAY)).toEqual({ ok: false, reason: 'rotation-raced', message: expect.stringContaining('send this request again') });
    expect({ row: await row(), retired: await retired() }).toEqual(before);
  });

  it('given a token nobody was given, then it is refused as unknown, and no device is flagged', async () => {
    const { push, row } = await given();
    expect(await push('x'.repeat(43), COPY_ADDRESS)).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect((await row()).clone_suspected_at).toBeNull();
  });

  it('given a known token, then a push reads the devices once to authenticate it and never the retired tokens', async () => {
    const { device, push, newToken, at } = await given();
    at(SERVER_NOW + 2 * DAY);
    await push(device.token);
    const token = await newToken(device.token);
    await push(token);
    const statements: string[] = [];
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        statements.push(args.node.kind);
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const server = await startTestServer({ db: database.current.db.withPlugin(counting), now: () => SERVER_NOW + 2 * DAY });
    const pushed = await callApi(server, 'POST', '/api/sync/push', { token, body: { protocol: PROTOCOL_VERSION, records: [], health: aHealth() } });

    expect(pushed.status).toBe(200);
    // The token's lookup, then the push's own write of the device's health and address.
    expect(statements).toEqual(['SelectQueryNode', 'UpdateQueryNode']);
  });
});
