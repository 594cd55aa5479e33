import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEVICE_EXPIRES_AFTER_MS, PREVIOUS_TOKEN_GRACE_MS } from '../../src/domain/device-token.ts';
import { countRatings } from '../../src/server/repositories/ratings.ts';
import { hashSecret } from '../../src/server/secrets.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { loadDevice } from '../../src/store/device.ts';
import { getMeta, setMeta } from '../../src/store/meta.ts';
import { enrollDevice } from '../../src/sync/enroll.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { SIGN_IN_ID, TELLER_ID } from '../builders/rating.ts';
import { givenRatings } from '../helpers/counter.ts';
import { givenBranchWithCounter, givenEnrollmentCode, SERVER_NOW, startTestServer, useTestDatabase, type TestServer } from '../server/fixtures.ts';

// The engine and the device's token (decision 0016): against the real server, whose clock the
// test moves; fake-indexeddb on the tablet's side. Nothing of ours is mocked; a full storage
// is IndexedDB refusing writes to the store that holds the identity, below Dexie.
const DAY = 24 * 3_600_000;
const database = useTestDatabase('sqlite');
const tablets: BranchVoiceDB[] = [];
let server: TestServer;
let clock: number;

beforeEach(async () => {
  clock = SERVER_NOW;
  await givenBranchWithCounter(database.current);
  server = await startTestServer({ db: database.current.db, now: () => clock });
});
afterEach(async () => {
  for (const tablet of tablets.splice(0)) await tablet.delete();
});

/** A tablet's database; `fullMeta()` makes IndexedDB refuse every write to `meta` as a full origin does. */
function aTablet(): { db: BranchVoiceDB; fullMeta: (full: boolean) => void } {
  const db = createDatabase(`test-${crypto.randomUUID()}`);
  tablets.push(db);
  let full = false;
  db.use({
    stack: 'dbcore',
    name: 'full-meta',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        if (name !== 'meta') return table;
        return { ...table, mutate: (req) => (full && req.type === 'put' ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : table.mutate(req)) };
      },
    }),
  });
  return { db, fullMeta: (next) => void (full = next) };
}

async function givenEnrolled(db: BranchVoiceDB) {
  const code = await givenEnrollmentCode(database.current);
  const enrolled = await enrollDevice(db, { baseUrl: server.baseUrl }, { code: code.code, appVersion: 'test' });
  if (!enrolled.ok) throw new Error(enrolled.message);
  await setMeta(db, 'shift', { state: 'open', tellerId: TELLER_ID, signInId: SIGN_IN_ID, since: Date.now() });
  return enrolled.value;
}

const engineOn = (db: BranchVoiceDB) => new SyncEngine({ db, http: { baseUrl: server.baseUrl }, appVersion: 'test', locks: null });
const tokenOf = async (db: BranchVoiceDB) => (await loadDevice(db))!.identity.token;
const deviceRow = (id: string) =>
  database.current.db.selectFrom('devices').select(['token_hash', 'previous_token_hash', 'previous_token_until', 'clone_suspected_at']).where('id', '=', id).executeTakeFirstOrThrow();

describe('SyncEngine and the device token', () => {
  it('given a token more than a day old, when it syncs, then it pushes, takes a new token, keeps it, and syncs with it from then on', async () => {
    const tablet = aTablet();
    const enrolled = await givenEnrolled(tablet.db);
    await givenRatings(tablet.db, 5);
    clock = SERVER_NOW + 2 * DAY;
    const sync = engineOn(tablet.db);

    expect(await sync.syncNow()).toEqual({ ok: true, value: { pushed: 5, rejected: 0 } });

    const token = await tokenOf(tablet.db);
    expect(token).not.toBe(enrolled.token);
    expect(await deviceRow(enrolled.deviceId)).toMatchObject({ token_hash: hashSecret(token), previous_token_hash: hashSecret(enrolled.token), previous_token_until: null });
    await givenRatings(tablet.db, 2, { start: Date.UTC(2026, 10, 23, 9, 40) });
    clock += 60_000;
    expect(await sync.syncNow()).toEqual({ ok: true, value: { pushed: 2, rejected: 0 } });
    expect(await tokenOf(tablet.db)).toBe(token);
    expect((await deviceRow(enrolled.deviceId)).previous_token_until).toBe(clock + PREVIOUS_TOKEN_GRACE_MS);
    expect(await countRatings(database.current.db)).toBe(7);
    expect((await getMeta(tablet.db, 'syncState'))?.stopped).toBeNull();
  });

  it('given the storage full when the new token is to be kept, then the tablet keeps the old one, which still works, and takes a new token once there is room', async () => {
    const tablet = aTablet();
    const enrolled = await givenEnrolled(tablet.db);
    await givenRatings(tablet.db, 3);
    clock = SERVER_NOW + 2 * DAY;
    const sync = engineOn(tablet.db);

    tablet.fullMeta(true);
    expect(await sync.syncNow()).toEqual({ ok: true, value: { pushed: 3, rejected: 0 } });
    expect(await tokenOf(tablet.db)).toBe(enrolled.token);
    expect(tablet.db.storagePressure.full).toBe(true);
    // Still full: the old token works, and the server asks again.
    expect(await sync.syncNow()).toMatchObject({ ok: true });
    expect(await tokenOf(tablet.db)).toBe(enrolled.token);

    tablet.fullMeta(false);
    expect(await sync.syncNow()).toMatchObject({ ok: true });
    const token = await tokenOf(tablet.db);
    expect(token).not.toBe(enrolled.token);
    expect(await deviceRow(enrolled.deviceId)).toMatchObject({ token_hash: hashSecret(token), previous_token_hash: hashSecret(enrolled.token) });
    // The two tokens the tablet could not keep retired unused; nothing is flagged.
    const retired = await database.current.db.selectFrom('retired_tokens').select('device_id').execute();
    expect(retired).toEqual([{ device_id: enrolled.deviceId }, { device_id: enrolled.deviceId }]);
    expect((await deviceRow(enrolled.deviceId)).clone_suspected_at).toBeNull();
    expect(await sync.syncNow()).toMatchObject({ ok: true });
    expect(await countRatings(database.current.db)).toBe(3);
  });

  it("given a copy of the tablet's storage, when the tablet has moved to a new token and the copy syncs after the grace, then the copy stops as superseded and keeps its records", async () => {
    const original = aTablet();
    const enrolled = await givenEnrolled(original.db);
    const copy = aTablet();
    await setMeta(copy.db, 'device', (await getMeta(original.db, 'device'))!);
    await setMeta(copy.db, 'config', (await getMeta(original.db, 'config'))!);
    await setMeta(copy.db, 'shift', (await getMeta(original.db, 'shift'))!);
    await givenRatings(copy.db, 4);
    clock = SERVER_NOW + 2 * DAY;
    const sync = engineOn(original.db);
    await sync.syncNow();
    clock += 60_000;
    await sync.syncNow();

    clock += PREVIOUS_TOKEN_GRACE_MS + 1;
    const copied = engineOn(copy.db);
    expect(await copied.syncNow()).toMatchObject({ ok: false, reason: 'token-superseded' });

    expect(await getMeta(copy.db, 'syncState')).toMatchObject({ stopped: 'token-superseded', lastError: { reason: 'token-superseded' } });
    expect(await copied.syncNow()).toEqual({ ok: 'skipped', why: 'stopped' });
    expect(await copy.db.outbox.count()).toBe(4);
    expect((await deviceRow(enrolled.deviceId)).clone_suspected_at).toBe(clock);
    expect(await sync.syncNow()).toMatchObject({ ok: true });
  });

  it('given a tablet not heard from for 60 days, when it syncs, then it stops as expired and keeps its records', async () => {
    const tablet = aTablet();
    await givenEnrolled(tablet.db);
    await givenRatings(tablet.db, 2);
    clock = SERVER_NOW + DEVICE_EXPIRES_AFTER_MS + 1;
    const sync = engineOn(tablet.db);

    expect(await sync.syncNow()).toMatchObject({ ok: false, reason: 'device-expired' });
    expect(await getMeta(tablet.db, 'syncState')).toMatchObject({ stopped: 'device-expired' });
    expect(await sync.syncNow()).toEqual({ ok: 'skipped', why: 'stopped' });
    expect(await tablet.db.outbox.count()).toBe(2);
  });
});
