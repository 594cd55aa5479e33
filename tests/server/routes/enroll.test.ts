import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { REFERENCE_PREFIXES } from '../../../src/domain/opinion.ts';
import { DEFAULT_TOPICS } from '../../../src/domain/topic.ts';
import { EnrollResponseSchema, type EnrollResponse } from '../../../src/domain/enroll-wire.ts';
import { findDevice, revokeDevice } from '../../../src/server/repositories/devices.ts';
import { addBranch } from '../../../src/server/services/branches.ts';
import { ENROLLMENT_CODE_INVALID_MESSAGE, issueEnrollmentCode } from '../../../src/server/services/enrollment.ts';
import { BRANCH_ID, COUNTER_ID, TELLER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import {
  callApi,
  givenBranchWithCounter,
  givenEnrollmentCode,
  givenLobbyCode,
  SERVER_NOW,
  startTestServer,
  useTestDatabase,
} from '../fixtures.ts';

const HOUR = 3_600_000;
const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
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
      referencePrefix: 0,
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
      referencePrefix: 0,
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

  describe('lobby tablets and reference prefixes', () => {
    const enrollWith = async (enroll: (body: unknown) => Promise<{ status: number; body: unknown }>, code: { code: string }) => {
      const answer = await enroll({ code: code.code });
      expect(answer.status).toBe(200);
      return answer.body as EnrollResponse;
    };

    it('given a lobby code, when a tablet enrolls, then it is a lobby tablet of the branch, with no counter, a prefix, every counter and the topics', async () => {
      const { enroll } = await given();
      const code = await givenLobbyCode(database.current);
      expect(code).toMatchObject({ mode: 'lobby', branchId: BRANCH_ID, counterId: null });

      const answer = await enroll({ code: code.formatted, deviceLabel: 'Lobby' });

      expect(answer.status).toBe(200);
      const body = v.parse(EnrollResponseSchema, answer.body);
      expect(body).toMatchObject({
        mode: 'lobby',
        referencePrefix: 0,
        config: {
          branch: { id: BRANCH_ID, name: 'Main Street' },
          counter: null,
          counters: [{ id: COUNTER_ID, name: 'Window 3' }],
          topics: DEFAULT_TOPICS,
        },
      });
      expect(await findDevice(database.current.db, body.deviceId)).toMatchObject({
        branchId: BRANCH_ID,
        counterId: null,
        mode: 'lobby',
        referencePrefix: 0,
        label: 'Lobby',
      });
    });

    it('given tablets enrolled one after another, then their prefixes increase per branch, whatever their mode', async () => {
      const { enroll } = await given();
      await addBranch(database.current.db, { id: OTHER_BRANCH_ID, name: 'Harbour Road' }, SERVER_NOW);
      const prefixes = [];
      for (const code of [
        await givenEnrollmentCode(database.current),
        await givenLobbyCode(database.current),
        await givenLobbyCode(database.current, OTHER_BRANCH_ID),
        await givenEnrollmentCode(database.current),
        await givenLobbyCode(database.current),
      ]) {
        prefixes.push((await enrollWith(enroll, code)).referencePrefix);
      }
      expect(prefixes).toEqual([0, 1, 0, 2, 3]);
    });

    it('given a revoked tablet, when another enrolls, then the revoked prefix is not given again', async () => {
      const { enroll } = await given();
      const first = await enrollWith(enroll, await givenLobbyCode(database.current));
      const second = await enrollWith(enroll, await givenLobbyCode(database.current));
      await revokeDevice(database.current.db, first.deviceId, SERVER_NOW);
      await revokeDevice(database.current.db, second.deviceId, SERVER_NOW);
      // The same tablet enrolled again is a new device with a new prefix, so its codes restart safely.
      expect((await enrollWith(enroll, await givenLobbyCode(database.current))).referencePrefix).toBe(2);
    });

    it('given 10 tablets enrolling at the same moment, then each gets its own prefix, 0 to 9', async () => {
      const { enroll } = await given();
      const codes = [];
      for (let i = 0; i < 10; i++) codes.push(i % 2 === 0 ? await givenLobbyCode(database.current) : await givenEnrollmentCode(database.current));
      const answers = await Promise.all(codes.map((code) => enroll({ code: code.code })));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
      const prefixes = answers.map((a) => (a.body as EnrollResponse).referencePrefix);
      expect([...prefixes].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const stored = await database.current.db.selectFrom('devices').select('reference_prefix').orderBy('reference_prefix').execute();
      expect(stored.map((d) => d.reference_prefix)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('given a branch that has given all 676 prefixes, then enrolling says so, and the code stays unused', async () => {
      const { enroll } = await given();
      const taken = Array.from({ length: REFERENCE_PREFIXES }, (_, prefix) => ({
        id: `0190a0b0-0000-7000-8000-${String(prefix).padStart(12, '0')}`,
        branch_id: BRANCH_ID,
        mode: 'lobby',
        token_hash: `hash-${prefix}`,
        enrolled_at: SERVER_NOW,
        revoked_at: SERVER_NOW,
        reference_prefix: prefix,
      }));
      await database.current.db.insertInto('devices').values(taken).execute();
      const code = await givenLobbyCode(database.current);

      expect(await enroll({ code: code.code })).toMatchObject({
        status: 400,
        body: {
          code: 'bad-request',
          message:
            `Branch ${BRANCH_ID} has given all 676 reference-code prefixes to its tablets, and a prefix is never given twice ` +
            '(revoked tablets keep theirs, so that opinion reference codes stay unique), so it cannot enroll another tablet. ' +
            'Enroll this tablet in a new branch (`npm run admin -- branch:add`). The code was not used.',
        },
      });
      const stored = await database.current.db.selectFrom('enrollment_codes').select('used_at').executeTakeFirstOrThrow();
      expect(stored.used_at).toBeNull();
    });

    it.each([
      ['an unknown branch', { mode: 'lobby' as const, branchId: OTHER_BRANCH_ID }, 'branch-not-found', `No branch has the id ${OTHER_BRANCH_ID}; list them with \`npm run admin -- branches\`.`],
      ['an unknown counter', { counterId: OTHER_BRANCH_ID }, 'counter-not-found', `No counter has the id ${OTHER_BRANCH_ID}; list them with \`npm run admin -- counters\`.`],
    ])('given a code for %s, then none is issued', async (_, target, reason, message) => {
      await givenBranchWithCounter(database.current);
      expect(await issueEnrollmentCode(database.current.db, target, SERVER_NOW)).toEqual({ ok: false, reason, message });
      expect(await database.current.db.selectFrom('enrollment_codes').selectAll().execute()).toEqual([]);
    });
  });
});
