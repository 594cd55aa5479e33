import Dexie, { type DBCoreMutateRequest } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countRatings } from '../../src/server/repositories/ratings.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { getMeta, setMeta } from '../../src/store/meta.ts';
import { recordRating } from '../../src/store/ratings.ts';
import { enrollDevice } from '../../src/sync/enroll.ts';
import { SyncEngine, type EngineStatus } from '../../src/sync/engine.ts';
import { BRANCH_ID, COUNTER_ID, SIGN_IN_ID, TELLER_ID } from '../builders/rating.ts';
import { givenRatings } from '../helpers/counter.ts';
import { givenBranchWithCounter, givenEnrollmentCode, startTestServer, useTestDatabase, type TestServer } from '../server/fixtures.ts';

// The engine when the tablet's own storage fails it (decision 0013): a full disk, and a database the
// browser deleted. The server is real; the full disk is IndexedDB refusing writes below Dexie,
// as Chromium does past the quota (tests/e2e/tablet-faults.test.ts does it in Chromium itself).
const database = useTestDatabase('sqlite');
let device: BranchVoiceDB;
let server: TestServer;
let name: string;

beforeEach(async () => {
  name = `test-${crypto.randomUUID()}`;
  device = createDatabase(name);
  await givenBranchWithCounter(database.current);
  server = await startTestServer({ db: database.current.db });
});
afterEach(async () => {
  await device.delete();
});

/**
 * A storage that can fill up: once `fill()` is called, every write that adds or changes rows
 * fails with a QuotaExceededError, as a full origin does, and deletes still go through, until
 * `free()`. Installed before the database first opens: Dexie builds its stacks then.
 */
function givenStorage(db: BranchVoiceDB): { fill: () => void; free: () => void } {
  let full = false;
  const refuses = (req: DBCoreMutateRequest) => full && (req.type === 'add' || req.type === 'put') && req.values.length > 0;
  db.use({
    stack: 'dbcore',
    name: 'full-storage',
    create: (down) => ({
      ...down,
      table: (tableName) => {
        const table = down.table(tableName);
        return { ...table, mutate: (req) => (refuses(req) ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : table.mutate(req)) };
      },
    }),
  });
  return { fill: () => void (full = true), free: () => void (full = false) };
}

async function givenEnrolledTablet(db = device) {
  const code = await givenEnrollmentCode(database.current);
  const enrolled = await enrollDevice(db, { baseUrl: server.baseUrl }, { code: code.code.toLowerCase(), appVersion: 'test' });
  if (!enrolled.ok) throw new Error(enrolled.message);
  await setMeta(db, 'shift', { state: 'open', tellerId: TELLER_ID, signInId: SIGN_IN_ID, since: Date.now() });
}

const aTap = () => recordRating(device, { branchId: BRANCH_ID, counterId: COUNTER_ID, tellerId: TELLER_ID, signInId: SIGN_IN_ID, score: 'satisfied', reasons: [], language: 'en' });

function engineOn(db = device) {
  const engine = new SyncEngine({ db, http: { baseUrl: server.baseUrl }, appVersion: 'test', locks: null });
  let status: EngineStatus | null = null;
  engine.subscribe((next) => (status = next));
  return { engine, status: () => status };
}

describe('SyncEngine when the tablet storage fails it', () => {
  it('given five ratings waiting and the storage full, when a customer taps, then the tap is refused as storage-full and the tablet remembers it', async () => {
    const storage = givenStorage(device);
    await givenEnrolledTablet();
    await givenRatings(device, 5);
    const pressure: boolean[] = [];
    device.storagePressure.subscribe((full) => pressure.push(full));

    storage.fill();
    const refused = await aTap();

    expect(refused).toEqual({ ok: false, reason: 'storage-full', message: expect.stringContaining('out of storage') });
    expect(await device.ratings.count()).toBe(5);
    expect(await device.outbox.count()).toBe(5);
    expect(pressure).toEqual([false, true]);
  });

  it('given the storage full, when the engine syncs, then the waiting ratings reach the server once, the outcome is kept in memory, and the warning stays until a record fits', async () => {
    const storage = givenStorage(device);
    await givenEnrolledTablet();
    await givenRatings(device, 5);
    storage.fill();
    expect((await aTap()).ok).toBe(false);
    const { engine, status } = engineOn();

    const outcome = await engine.syncNow();

    // The acknowledged rows could be deleted, so the push settled; only the sync state (a put)
    // could not be written, and the engine says so from memory instead.
    expect(outcome).toEqual({ ok: true, value: { pushed: 5, rejected: 0 } });
    expect(await device.outbox.count()).toBe(0);
    expect(await countRatings(database.current.db)).toBe(5);
    expect(status()?.lastRun).toEqual({ at: expect.any(Number), failure: null });
    expect((await getMeta(device, 'syncState'))?.lastSuccessAt ?? null).toBeNull();
    expect(device.storagePressure.full).toBe(true);

    storage.free();
    expect(await engine.syncNow()).toEqual({ ok: true, value: { pushed: 0, rejected: 0 } });
    // The probe after the run found room: the warning is gone before any customer tapped.
    expect(device.storagePressure.full).toBe(false);
    expect((await aTap()).ok).toBe(true);
    engine.stop();
  });

  it('given a tablet whose database the browser deleted, when it is enrolled again into a new one, then the engine pushes the new outbox, whose keys start again from 1', async () => {
    await givenEnrolledTablet();
    await givenRatings(device, 3);
    const { engine } = engineOn();
    expect(await engine.syncNow()).toEqual({ ok: true, value: { pushed: 3, rejected: 0 } });

    // Deleted from elsewhere: this connection gets 'versionchange', closes, and Dexie opens a
    // new, empty database on the next read.
    await Dexie.delete(name);
    expect(await engine.syncNow()).toEqual({ ok: 'skipped', why: 'not-enrolled' });
    await givenEnrolledTablet();
    await givenRatings(device, 1);
    expect((await device.outbox.toCollection().primaryKeys())).toEqual([1]);

    expect(await engine.syncNow()).toEqual({ ok: true, value: { pushed: 1, rejected: 0 } });
    expect(await countRatings(database.current.db)).toBe(4);
    engine.stop();
  });
});
