import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../../src/server/app.ts';
import { ATTEMPT_LIMITS } from '../../../src/server/plugins/attempt-limits.ts';
import { WRONG_CREDENTIALS } from '../../../src/server/services/sessions.ts';
import { ENROLLMENT_CODE_INVALID_MESSAGE } from '../../../src/server/services/enrollment.ts';
import { clearDatabase, createTestDatabase, describeEachDatabase, type TestDatabase } from '../../helpers/db.ts';
import { givenHeadOfficeAccount, PASSWORD } from '../dashboard.ts';
import { givenBranchWithCounter, givenEnrollmentCode, SERVER_NOW } from '../fixtures.ts';

const QUARTER_HOUR = 15 * 60_000;
const NEVER_ISSUED = 'ACDE-FGHJ';

/**
 * The limits on failed attempts (decisions 0011 and 0014), on the real app through inject:
 * each request says which address it comes from, and the test moves the app's clock. The
 * counts live in the database, shared by every server process on it.
 */
describeEachDatabase('attempt limits on enrollment and sign-in', (kind) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let clock = SERVER_NOW;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.destroy();
  });
  beforeEach(async () => {
    await clearDatabase(database);
    await givenBranchWithCounter(database);
    await givenHeadOfficeAccount(database);
    clock = SERVER_NOW;
  });

  /** A fresh app (fresh counts) closed after the test. */
  async function anApp(options: Partial<AppOptions> = {}): Promise<FastifyInstance> {
    app = await buildApp({ db: database.db, now: () => clock, ...options });
    return app;
  }
  afterEach(async () => {
    await app?.close();
  });

  const post = (url: string, body: unknown, remoteAddress = '192.0.2.10', headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload: body as object, remoteAddress, headers: { 'content-type': 'application/json', ...headers } });
  const enroll = (code: string, remoteAddress?: string) => post('/api/enroll', { code }, remoteAddress);
  const signIn = (staffNumber: string, password: string, remoteAddress?: string) => post('/api/session', { staffNumber, password }, remoteAddress);

  describe('POST /api/enroll, by client address', () => {
    it('given ten wrong codes from one address, then the eleventh attempt, even with a good code, is 429 with Retry-After; another address still enrolls; a quarter hour later the first does too', async () => {
      await anApp();
      for (let i = 0; i < ATTEMPT_LIMITS.enrollByAddress.max; i++) {
        expect((await enroll(NEVER_ISSUED)).json()).toEqual({ code: 'enrollment-code-invalid', message: ENROLLMENT_CODE_INVALID_MESSAGE });
      }
      const good = await givenEnrollmentCode(database);
      clock += 60_000;

      const limited = await enroll(good.code);
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe(String((QUARTER_HOUR - 60_000) / 1000));
      expect(limited.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(limited.json()).toEqual({ code: 'rate-limited', message: 'Too many wrong enrollment codes from this address; try again in 14 minutes, with a code from the admin.' });
      expect(await database.db.selectFrom('enrollment_codes').select('used_at').execute()).toEqual([{ used_at: null }]);

      const other = await givenEnrollmentCode(database);
      expect((await enroll(other.code, '192.0.2.11')).statusCode).toBe(200);

      clock = SERVER_NOW + QUARTER_HOUR;
      expect((await enroll(good.code)).statusCode).toBe(200);
    });

    it('given an installer enrolling fifteen tablets from one address, then none is limited: only refusals count', async () => {
      await anApp();
      for (let i = 0; i < 15; i++) {
        const code = await givenEnrollmentCode(database);
        expect((await enroll(code.code)).statusCode).toBe(200);
      }
      for (let i = 0; i < ATTEMPT_LIMITS.enrollByAddress.max; i++) expect((await enroll(NEVER_ISSUED)).statusCode).toBe(400);
      expect((await enroll(NEVER_ISSUED)).statusCode).toBe(429);
    });

    it('given forty wrong codes sent at once, then exactly ten reach the codes and thirty are 429: attempts count when they start', async () => {
      await anApp();
      const answers = await Promise.all(Array.from({ length: 40 }, () => enroll(NEVER_ISSUED)));
      const statuses = answers.map((a) => a.statusCode);
      expect(statuses.filter((s) => s === 400)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    });

    it('given bodies that are not an enrollment at all, then they count as refusals too', async () => {
      await anApp();
      for (let i = 0; i < ATTEMPT_LIMITS.enrollByAddress.max; i++) expect((await post('/api/enroll', { code: 1 })).statusCode).toBe(400);
      expect((await enroll(NEVER_ISSUED)).statusCode).toBe(429);
    });

    it('given IPv6 clients, then addresses of one /64 share a count and another /64 has its own', async () => {
      await anApp();
      for (let i = 0; i < ATTEMPT_LIMITS.enrollByAddress.max; i++) await enroll(NEVER_ISSUED, `2001:db8:0:7::${i + 1}`);
      expect((await enroll(NEVER_ISSUED, '2001:0db8:0000:0007:ffff::1')).statusCode).toBe(429);
      expect((await enroll(NEVER_ISSUED, '2001:db8:0:8::1')).statusCode).toBe(400);
    });

    it('given X-Forwarded-For, then it is ignored unless TRUST_PROXY trusts the proxy, which then counts each client apart', async () => {
      const fromProxy = (client: string) => post('/api/enroll', { code: NEVER_ISSUED }, '127.0.0.1', { 'x-forwarded-for': client });
      await anApp();
      for (let i = 0; i < ATTEMPT_LIMITS.enrollByAddress.max; i++) await fromProxy(`203.0.113.${i}`);
      expect((await fromProxy('203.0.113.99')).statusCode).toBe(429);
      await app.close();

      await anApp({ trustProxy: '127.0.0.1' });
      for (let i = 0; i < ATTEMPT_LIMITS.enrollByAddress.max; i++) await fromProxy('203.0.113.1');
      expect((await fromProxy('203.0.113.1')).statusCode).toBe(429);
      expect((await fromProxy('203.0.113.2')).statusCode).toBe(400);
    });
  });

  describe('POST /api/session, by client address and by staff number', () => {
    // A refused password costs a scrypt (a quarter second by design): these tests lift the
    // limit per staff number to a few, and the first checks what it is in production.
    const FEW = { max: 3, windowMs: QUARTER_HOUR };

    it('given the defaults, then they are twenty refusals per address and ten per staff number from one address in a quarter hour (ten wrong codes per address; five wrong PINs per staff member on a tablet, twenty per tablet; thirty refused queue system keys per address, thirty visit codes that are not valid per address)', () => {
      expect(ATTEMPT_LIMITS).toEqual({
        enrollByAddress: { max: 10, windowMs: QUARTER_HOUR },
        signInByAddress: { max: 20, windowMs: QUARTER_HOUR },
        signInByStaffNumber: { max: 10, windowMs: QUARTER_HOUR },
        pinByStaffOnDevice: { max: 5, windowMs: QUARTER_HOUR },
        pinByDevice: { max: 20, windowMs: QUARTER_HOUR },
        queueKeyByAddress: { max: 30, windowMs: QUARTER_HOUR },
        visitCodeByAddress: { max: 30, windowMs: QUARTER_HOUR },
      });
    });

    it('given twenty refused sign-ins from one address, then the next is 429 even with the right password; another address signs in', async () => {
      await anApp();
      // Cheap refusals (a body that is not a sign-in) count like wrong passwords, and cost no scrypt.
      for (let i = 0; i < ATTEMPT_LIMITS.signInByAddress.max; i++) expect((await post('/api/session', { staffNumber: `S${i}` })).statusCode).toBe(400);

      const limited = await signIn('HQ1', PASSWORD);
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe('900');
      expect(limited.headers['set-cookie']).toBeUndefined();
      expect(limited.json()).toEqual({ code: 'rate-limited', message: 'Too many refused sign-ins from this address; try again in 15 minutes.' });
      expect((await signIn('HQ1', PASSWORD, '192.0.2.77')).statusCode).toBe(200);
    });

    it('given wrong passwords for one staff number from one address, then it is limited from there, even with the right password; from another address the manager still signs in; other staff are not limited; a quarter hour later it signs in', async () => {
      await anApp({ attemptLimits: { signInByStaffNumber: FEW } });
      const attacker = '198.51.100.66';
      await Promise.all(
        Array.from({ length: FEW.max }, async (_, i) => {
          expect((await signIn('HQ1', `wrong password ${i}`, attacker)).json()).toEqual({ code: 'unauthorized', message: WRONG_CREDENTIALS });
        }),
      );

      const limited = await signIn('HQ1', PASSWORD, attacker);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual({
        code: 'rate-limited',
        message: 'Too many refused sign-ins for staff number HQ1 from this address; try again in 15 minutes, or ask the admin for a new password.',
      });
      // The count is by staff number as typed, whatever its case.
      expect((await signIn('hq1', PASSWORD, attacker)).statusCode).toBe(429);
      expect(await database.db.selectFrom('sessions').selectAll().execute()).toEqual([]);

      // The attacker cannot lock the manager out: their own desk still signs in.
      expect((await signIn('HQ1', PASSWORD, '198.51.100.200')).statusCode).toBe(200);
      await givenHeadOfficeAccount(database, 'HQ2', 'Ana Ruiz');
      expect((await signIn('HQ2', PASSWORD, attacker)).statusCode).toBe(200);

      clock += QUARTER_HOUR;
      expect((await signIn('HQ1', PASSWORD, attacker)).statusCode).toBe(200);
    });

    it('given a staff number without an account, then it is limited exactly as one with an account, so the limit tells nothing', async () => {
      await anApp({ attemptLimits: { signInByStaffNumber: FEW } });
      const refusals = await Promise.all(Array.from({ length: FEW.max }, () => signIn('NOBODY', PASSWORD, '198.51.100.9')));
      expect(refusals.map((r) => r.statusCode)).toEqual(Array(FEW.max).fill(401));
      expect((await signIn('NOBODY', PASSWORD, '198.51.100.9')).json()).toEqual({
        code: 'rate-limited',
        message: 'Too many refused sign-ins for staff number NOBODY from this address; try again in 15 minutes, or ask the admin for a new password.',
      });
    });

    it('given sign-ins that succeed, then they never count: a manager can sign in all day', async () => {
      await anApp({ attemptLimits: { signInByStaffNumber: FEW } });
      for (let i = 0; i < FEW.max + 1; i++) expect((await signIn('HQ1', PASSWORD)).statusCode).toBe(200);
      for (let i = 0; i < FEW.max - 1; i++) expect((await signIn('HQ1', 'not the password')).statusCode).toBe(401);
      expect((await signIn('HQ1', PASSWORD)).statusCode).toBe(200);
    });
  });

  describe('several server processes on one database', () => {
    it('given two apps on one database, then refusals on one count on the other: two servers do not double the allowance', async () => {
      const first = await anApp();
      const second = await buildApp({ db: database.db, now: () => clock });
      try {
        const enrollOn = (server: FastifyInstance) =>
          server.inject({ method: 'POST', url: '/api/enroll', payload: { code: NEVER_ISSUED }, remoteAddress: '192.0.2.40', headers: { 'content-type': 'application/json' } });
        const statuses: number[] = [];
        for (let i = 0; i < ATTEMPT_LIMITS.enrollByAddress.max; i++) statuses.push((await enrollOn(i % 2 === 0 ? first : second)).statusCode);
        expect(statuses).toEqual(Array(ATTEMPT_LIMITS.enrollByAddress.max).fill(400));
        expect((await enrollOn(first)).statusCode).toBe(429);
        expect((await enrollOn(second)).statusCode).toBe(429);
      } finally {
        await second.close();
      }
    });

    it('given a restart, then the counts are still there', async () => {
      await anApp();
      for (let i = 0; i < ATTEMPT_LIMITS.enrollByAddress.max; i++) await enroll(NEVER_ISSUED);
      await app.close();
      await anApp();
      expect((await enroll(NEVER_ISSUED)).statusCode).toBe(429);
    });
  });
});
