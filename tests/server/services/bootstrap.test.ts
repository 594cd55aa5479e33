import { expect, it } from 'vitest';
import { formatEnrollmentCode } from '../../../src/domain/enrollment-code.ts';
import { verifyPin } from '../../../src/domain/pin.ts';
import { DEFAULT_REASONS } from '../../../src/domain/reason.ts';
import { DEFAULT_TOPICS } from '../../../src/domain/topic.ts';
import { listAccounts } from '../../../src/server/repositories/accounts.ts';
import { listBranches } from '../../../src/server/repositories/branches.ts';
import { listTellers } from '../../../src/server/repositories/tellers.ts';
import { listCounters } from '../../../src/server/repositories/counters.ts';
import { bootstrapFirstRun } from '../../../src/server/services/bootstrap.ts';
import { enrollDevice } from '../../../src/server/services/enrollment.ts';
import { signIn } from '../../../src/server/services/sessions.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { givenBranchWithCounter, SERVER_NOW, useTestDatabase } from '../fixtures.ts';
import { listItems } from '../../../src/server/repositories/labelled-lists.ts';

describeEachDatabase('first run', (kind) => {
  const database = useTestDatabase(kind);
  const settings = { branchName: 'Branch 1', language: 'en' };
  const codeCount = async () => (await database.current.db.selectFrom('enrollment_codes').selectAll().execute()).length;

  it('given an empty database, then it makes exactly one branch, one counter, one teller, a counter code and a lobby code that enroll, and a head-office dashboard account that signs in', async () => {
    const made = await bootstrapFirstRun(database.current.db, settings, SERVER_NOW);
    if (!made.ok || !made.value) throw new Error('expected a first run');
    const { branch, counter, code, lobbyCode, teller, pin, dashboard } = made.value;

    expect(await listBranches(database.current.db)).toEqual([branch]);
    // version 1, bumped by the counter and by the teller
    expect(branch).toMatchObject({ name: 'Branch 1', defaultLanguage: 'en', configVersion: 3, speech: false });
    expect(await listTellers(database.current.db)).toEqual([teller]);
    expect(teller).toMatchObject({ branchId: branch.id, name: 'Teller 1', staffNumber: '1001', stars: 3, photo: null, active: true });
    expect(pin).toMatch(/^\d{4}$/);
    expect(await verifyPin(pin, teller.pin)).toBe(true);
    expect((await listItems(database.current.db, 'reasons', { branchId: branch.id })).map((r) => r.id)).toEqual(DEFAULT_REASONS.map((r) => r.id));
    expect(await listCounters(database.current.db)).toEqual([counter]);
    expect(counter).toMatchObject({ branchId: branch.id, name: 'Counter 1' });
    expect(code.formatted).toBe(formatEnrollmentCode(code.code));
    expect(code).toMatchObject({ mode: 'counter', branchId: branch.id, counterId: counter.id });
    expect(lobbyCode).toMatchObject({ mode: 'lobby', branchId: branch.id, counterId: null });
    expect(await codeCount()).toBe(2);
    expect(await listItems(database.current.db, 'topics', { branchId: branch.id })).toHaveLength(DEFAULT_TOPICS.length);
    // Typed from the first run's file: at least 12 characters, none of 0/O or 1/l/I to misread.
    expect(dashboard).toEqual({ staffNumber: 'HQ1', password: expect.stringMatching(/^[a-km-zA-HJ-NP-Z2-9]{12,}$/) });
    expect(await listAccounts(database.current.db)).toEqual([
      // Its password is the first run's file's: its owner must choose their own at the first sign-in.
      { staffNumber: 'HQ1', tellerId: null, name: 'Head office', headOffice: true, regionId: null, active: true, mustChangePassword: true, createdAt: SERVER_NOW, updatedAt: SERVER_NOW, roster: null, region: null },
    ]);
    expect(await signIn(database.current.db, dashboard, SERVER_NOW)).toMatchObject({ ok: true, value: { viewer: { staffNumber: 'HQ1', role: 'head-office', branchId: null, mustChangePassword: true } } });
    expect(await enrollDevice(database.current.db, { code: code.formatted }, SERVER_NOW)).toMatchObject({
      ok: true,
      value: { mode: 'counter', referencePrefix: 0, config: { counter: { id: counter.id } } },
    });
    expect(await enrollDevice(database.current.db, { code: lobbyCode.formatted }, SERVER_NOW)).toMatchObject({
      ok: true,
      value: { mode: 'lobby', referencePrefix: 1, config: { counter: null, counters: [{ id: counter.id, name: 'Counter 1' }] } },
    });
  });

  it('given a database with a branch, then it does nothing', async () => {
    await givenBranchWithCounter(database.current);
    expect(await bootstrapFirstRun(database.current.db, settings, SERVER_NOW)).toEqual({ ok: true, value: null });
    expect(await listBranches(database.current.db)).toHaveLength(1);
    expect(await codeCount()).toBe(0);
  });

  it('given it ran once, when the server starts again, then it does nothing more', async () => {
    await bootstrapFirstRun(database.current.db, settings, SERVER_NOW);
    expect(await bootstrapFirstRun(database.current.db, settings, SERVER_NOW)).toEqual({ ok: true, value: null });
    expect(await listBranches(database.current.db)).toHaveLength(1);
    expect(await codeCount()).toBe(2);
  });

  it('given a time zone (BRANCH_TIME_ZONE), then the first branch counts its days there', async () => {
    const made = await bootstrapFirstRun(database.current.db, { ...settings, timeZone: 'Asia/Shanghai' }, SERVER_NOW);
    expect(made).toMatchObject({ ok: true, value: { branch: { timeZone: 'Asia/Shanghai' } } });
  });

  it('given a time zone that does not exist, then it says so and makes nothing', async () => {
    expect(await bootstrapFirstRun(database.current.db, { ...settings, timeZone: 'Europe/Atlantis' }, SERVER_NOW)).toEqual({
      ok: false,
      reason: 'invalid-input',
      message: 'timeZone: must be an IANA time zone such as Europe/Madrid or Asia/Shanghai',
    });
    expect(await listBranches(database.current.db)).toEqual([]);
  });

  it('given a language the product lacks, then it says so and makes nothing', async () => {
    expect(await bootstrapFirstRun(database.current.db, { branchName: 'Branch 1', language: 'fr' }, SERVER_NOW)).toEqual({
      ok: false,
      reason: 'invalid-input',
      message: 'defaultLanguage: must be one of zh-Hans, zh-Hant, en, es',
    });
    expect(await listBranches(database.current.db)).toEqual([]);
    expect(await listTellers(database.current.db)).toEqual([]);
  });
});
