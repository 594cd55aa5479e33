import { expect, it } from 'vitest';
import type { EnrollResponse } from '../../../src/domain/wire.ts';
import { createDatabase } from '../../../src/server/db/database.ts';
import { revokeDevice } from '../../../src/server/repositories/devices.ts';
import { hashSecret } from '../../../src/server/secrets.ts';
import { ENROLLMENT_CODE_INVALID_MESSAGE } from '../../../src/server/services/enrollment.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callApi, givenBranchWithCounter, givenEnrollmentCode, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';

const HOUR = 3_600_000;
const refused = { status: 400, body: { code: 'enrollment-code-invalid', message: ENROLLMENT_CODE_INVALID_MESSAGE } };

/**
 * Enrollment codes expire and work once (decision 0011), beyond tests/server/routes/enroll.test.ts:
 * the code is kept only as a hash, its last millisecond, a refused code left unspent, and two
 * server instances (as several share one PostgreSQL) racing tablets for one code.
 */
describeEachDatabase('enrollment codes are used once and expire', (kind) => {
  const database = useTestDatabase(kind);

  it('given an issued code, then the database keeps only its sha256, never the code', async () => {
    await givenBranchWithCounter(database.current);
    const code = await givenEnrollmentCode(database.current);
    const rows = await database.current.db.selectFrom('enrollment_codes').selectAll().execute();
    expect(rows).toEqual([expect.objectContaining({ code_hash: hashSecret(code.code), used_at: null, device_id: null, expires_at: SERVER_NOW + 24 * HOUR })]);
    expect(JSON.stringify(rows)).not.toContain(code.code);
  });

  it('given a code, then it works one millisecond before it expires and not at the moment it does, and a refused code stays unspent', async () => {
    await givenBranchWithCounter(database.current);
    const code = await givenEnrollmentCode(database.current, undefined, SERVER_NOW - 24 * HOUR);
    let clock = SERVER_NOW;
    const server = await startTestServer({ db: database.current.db, now: () => clock });

    expect(await callApi(server, 'POST', '/api/enroll', { body: { code: code.code } })).toMatchObject(refused);
    expect(await database.current.db.selectFrom('enrollment_codes').select(['used_at', 'device_id']).execute()).toEqual([{ used_at: null, device_id: null }]);

    clock = SERVER_NOW - 1;
    expect((await callApi(server, 'POST', '/api/enroll', { body: { code: code.code } })).status).toBe(200);
  });

  it('given two server instances on one database and eight tablets racing for one code, then exactly one is enrolled and the code names it', async () => {
    await givenBranchWithCounter(database.current);
    const code = await givenEnrollmentCode(database.current);
    // A second connection pool to the same database, as a second server process would have.
    const second = createDatabase(kind === 'postgres' ? { url: database.current.url } : { sqliteFile: database.current.url });
    try {
      const servers = [await startTestServer({ db: database.current.db }), await startTestServer({ db: second.db })];
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => callApi(servers[i % 2]!, 'POST', '/api/enroll', { body: { code: code.code, deviceLabel: `tablet ${i}` } })));

      const winners = answers.filter((a) => a.status === 200);
      expect(winners).toHaveLength(1);
      expect(answers.filter((a) => a.status !== 200)).toEqual(Array(7).fill(expect.objectContaining(refused)));
      const { deviceId } = winners[0]!.body as EnrollResponse;
      expect(await database.current.db.selectFrom('devices').select('id').execute()).toEqual([{ id: deviceId }]);
      expect(await database.current.db.selectFrom('enrollment_codes').select(['device_id', 'used_at']).execute()).toEqual([{ device_id: deviceId, used_at: SERVER_NOW }]);
    } finally {
      await second.destroy();
    }
  });

  it('given the tablet a code enrolled is revoked, then the code still does not work again', async () => {
    await givenBranchWithCounter(database.current);
    const code = await givenEnrollmentCode(database.current);
    const server = await startTestServer({ db: database.current.db });
    const first = await callApi(server, 'POST', '/api/enroll', { body: { code: code.code } });
    await revokeDevice(database.current.db, (first.body as EnrollResponse).deviceId, SERVER_NOW);
    expect(await callApi(server, 'POST', '/api/enroll', { body: { code: code.formatted } })).toMatchObject(refused);
  });
});
