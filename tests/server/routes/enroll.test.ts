import { expect, it } from 'vitest';
import * as v from 'valibot';
import { EnrollResponseSchema, type EnrollResponse } from '../../../src/domain/wire.ts';
import { findDevice } from '../../../src/server/repositories/devices.ts';
import { ENROLLMENT_CODE_INVALID_MESSAGE } from '../../../src/server/services/enrollment.ts';
import { BRANCH_ID, COUNTER_ID, TELLER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import {
  callApi,
  givenBranchWithCounter,
  givenEnrollmentCode,
  SERVER_NOW,
  startTestServer,
  useTestDatabase,
} from '../fixtures.ts';

const HOUR = 3_600_000;
const refused = { status: 400, body: { code: 'enrollment-code-invalid', message: ENROLLMENT_CODE_INVALID_MESSAGE } };

describeEachDatabase('POST /api/enroll', (kind) => {
  const database = useTestDatabase(kind);

  async function given() {
    await givenBranchWithCounter(database.current);
    const server = await startTestServer({ db: database.current.db });
    const enroll = (body: unknown) => callApi(server, 'POST', '/api/enroll', { body });
    return { server, enroll };
  }

  it('given a fresh code, when a tablet enrolls, then it gets a device, a token and its configuration', async () => {
    const { enroll } = await given();
    const code = await givenEnrollmentCode(database.current);

    const answer = await enroll({ code: code.formatted, deviceLabel: 'Window 3 tablet', appVersion: '0.1.0' });

    expect(answer.status).toBe(200);
    const body = v.parse(EnrollResponseSchema, answer.body);
    expect(body).toMatchObject({
      mode: 'counter',
      config: {
        version: 3,
        branch: { id: BRANCH_ID, name: 'Main Street', defaultLanguage: 'zh-Hant' },
        counter: { id: COUNTER_ID, name: 'Window 3' },
        ratingCooldownMs: 3000,
        speech: false,
        tellers: [{ id: TELLER_ID, staffNumber: '1001', name: 'Mei Chen' }],
      },
    });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await findDevice(database.current.db, body.deviceId)).toMatchObject({
      branchId: BRANCH_ID,
      counterId: COUNTER_ID,
      mode: 'counter',
      label: 'Window 3 tablet',
      enrolledAt: SERVER_NOW,
      revokedAt: null,
    });
  });

  it('given an enrolled device, then only the hash of its token is stored', async () => {
    const { enroll } = await given();
    const code = await givenEnrollmentCode(database.current);
    const { token } = (await enroll({ code: code.code })).body as EnrollResponse;
    const row = await database.current.db.selectFrom('devices').select('token_hash').executeTakeFirstOrThrow();
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.token_hash).not.toContain(token);
  });

  it('given a code that was used, when a second tablet uses it, then it is refused', async () => {
    const { enroll } = await given();
    const code = await givenEnrollmentCode(database.current);
    expect((await enroll({ code: code.code })).status).toBe(200);
    expect(await enroll({ code: code.code })).toMatchObject(refused);
    expect(await database.current.db.selectFrom('devices').selectAll().execute()).toHaveLength(1);
  });

  it('given two tablets racing for one code, then exactly one is enrolled', async () => {
    const { enroll } = await given();
    const code = await givenEnrollmentCode(database.current);
    const answers = await Promise.all([enroll({ code: code.code }), enroll({ code: code.code }), enroll({ code: code.code })]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400]);
    expect(await database.current.db.selectFrom('devices').selectAll().execute()).toHaveLength(1);
  });

  it('given a code issued 25 hours ago, when it is used, then it is refused as expired', async () => {
    const { enroll } = await given();
    const code = await givenEnrollmentCode(database.current, COUNTER_ID, SERVER_NOW - 25 * HOUR);
    expect(await enroll({ code: code.code })).toMatchObject(refused);
  });

  it('given a code issued 23 hours ago, when it is used, then it still works', async () => {
    const { enroll } = await given();
    const code = await givenEnrollmentCode(database.current, COUNTER_ID, SERVER_NOW - 23 * HOUR);
    expect((await enroll({ code: code.code })).status).toBe(200);
  });

  it.each([
    ['lower case', (c: string) => c.toLowerCase()],
    ['with spaces', (c: string) => ` ${c.slice(0, 4)} ${c.slice(4)} `],
    ['with a dash, in lower case', (c: string) => `${c.slice(0, 4)}-${c.slice(4)}`.toLowerCase()],
  ])('given a code typed %s, then it enrolls', async (_, typed) => {
    const { enroll } = await given();
    const code = await givenEnrollmentCode(database.current);
    expect((await enroll({ code: typed(code.code) })).status).toBe(200);
  });

  it.each([
    ['a code never issued', 'ACDE-FGHJ'],
    ['a code with letters outside the alphabet', 'OOOO-IIII'],
    ['a code of the wrong length', 'ACD'],
  ])('given %s, then it is refused', async (_, code) => {
    const { enroll } = await given();
    await givenEnrollmentCode(database.current);
    expect(await enroll({ code })).toMatchObject(refused);
  });

  it.each([
    ['no code', {}, 'code: Invalid key: Expected "code" but received undefined'],
    ['a number for a code', { code: 12345678 }, 'code: Invalid type: Expected string but received 12345678'],
    ['an unknown field', { code: 'ACDE-FGHJ', counter: 1 }, 'counter: Invalid key: Expected never but received "counter"'],
  ])('given %s, then 400 bad-request', async (_, body, message) => {
    const { enroll } = await given();
    expect(await enroll(body)).toMatchObject({ status: 400, body: { code: 'bad-request', message } });
  });

  it('given the token from enrollment, when the device asks for its config, then it is authorised', async () => {
    const { enroll, server } = await given();
    const code = await givenEnrollmentCode(database.current);
    const { token, config } = (await enroll({ code: code.code })).body as EnrollResponse;
    expect(await callApi(server, 'GET', '/api/sync/config', { token })).toMatchObject({ status: 200, body: config });
  });
});
