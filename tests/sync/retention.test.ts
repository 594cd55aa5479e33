import { uuidv7 } from 'uuidv7';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importSessionKey } from '../../src/domain/attestation-sign.ts';
import type { StaffRole } from '../../src/domain/case.ts';
import { DAY_MS } from '../../src/domain/privacy.ts';
import { blankCases, blankEntries } from '../../src/server/services/privacy.ts';
import { openStaffSession } from '../../src/server/services/staff-sessions.ts';
import { recordCaseEvent, type CaseEventInput } from '../../src/store/cases.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { loadDevice } from '../../src/store/device.ts';
import { getMeta } from '../../src/store/meta.ts';
import { pullBlankings } from '../../src/sync/blankings-pull.ts';
import { enrollDevice } from '../../src/sync/enroll.ts';
import { SyncEngine, type SyncEngineOptions } from '../../src/sync/engine.ts';
import { attesterOf, type StaffSession } from '../../src/sync/staff-session.ts';
import { STAFF_ID } from '../builders/case-event.ts';
import { aRating, BRANCH_ID } from '../builders/rating.ts';
import { givenBranchWithCounter, givenCaseStaff, givenEnrollmentCode, givenLobbyCode, SERVER_NOW, startTestServer, useTestDatabase, type TestServer } from '../server/fixtures.ts';

// A lobby tablet against the real server over loopback HTTP, fake-indexeddb on the tablet: what
// the server blanks (a customer's erasure, its retention purge) leaves the tablet at its next
// sync, by the blankings' own cursor; and after a good sync, and at start-up, the tablet prunes
// signed-off cases and refused records past their days at the engine's clock.
const database = useTestDatabase('sqlite');
let server: TestServer;
const tablets: BranchVoiceDB[] = [];

const LOBBY = STAFF_ID['lobby-staff'];
const MANAGER = STAFF_ID['complaint-manager'];
const BOSS = STAFF_ID['branch-manager'];
const caseIds = () => ({ x: uuidv7(), y: uuidv7(), z: uuidv7() });

beforeEach(async () => {
  await givenBranchWithCounter(database.current);
  await givenCaseStaff(database.current);
  server = await startTestServer({ db: database.current.db });
});
afterEach(async () => {
  for (const db of tablets.splice(0)) await db.delete();
});

/** A session of `staffId` on the tablet, opened on the server as a sign-in would: sign-off needs one. */
async function sessionFor(deviceId: string, staffId: string, role: StaffRole): Promise<StaffSession> {
  const opened = await openStaffSession(database.current.db, { deviceId, branchId: BRANCH_ID, staffId, role, createdAt: Date.now() - 60_000, expiresAt: Date.now() + 3_600_000 });
  const key = await importSessionKey(opened.key);
  return { staff: { id: staffId, staffNumber: '3000', name: role, role }, verified: { sessionId: opened.id, key, header: `${opened.id}.${opened.key}`, expiresAt: Date.now() + 3_600_000 } };
}

async function lobbyTablet() {
  const db = createDatabase(`test-${crypto.randomUUID()}`);
  tablets.push(db);
  const code = await givenLobbyCode(database.current);
  const enrolled = await enrollDevice(db, { baseUrl: server.baseUrl }, { code: code.code, appVersion: 'test' });
  if (!enrolled.ok) throw new Error(enrolled.message);
  const deviceId = enrolled.value.deviceId;
  const boss = await sessionFor(deviceId, BOSS, 'branch-manager');
  const act = async (input: CaseEventInput, now?: () => number) => {
    const done = await recordCaseEvent(db, input, { attest: input.role === 'branch-manager' ? attesterOf(boss) : undefined, ...(now ? { now } : {}) });
    if (!done.ok) throw new Error(`${done.reason}: ${done.message}`);
    return done.value;
  };
  const engine = (options: Partial<SyncEngineOptions> = {}) => new SyncEngine({ db, http: { baseUrl: server.baseUrl }, appVersion: 'test', locks: null, ...options });
  /** A case opened here and, unless `open`, answered and signed off. */
  const handled = async (caseId: string, summary: string, { open = false } = {}) => {
    await act({ caseId, staffId: LOBBY, role: 'lobby-staff', type: 'opened', channel: 'in-person', opinionId: null, summary });
    if (open) return;
    await act({ caseId, staffId: MANAGER, role: 'complaint-manager', type: 'replied', channel: 'phone', text: `Called back about: ${summary}` });
    await act({ caseId, staffId: BOSS, role: 'branch-manager', type: 'signed-off' });
  };
  const eventsOf = async (caseId: string) => (await db.caseEvents.where('caseId').equals(caseId).toArray()).map((r) => ({ type: r.event.type, status: r.status }));
  return { db, deviceId, act, engine, handled, eventsOf };
}

/** A fetch to the real server that notes each path asked, and can answer some paths itself. */
function notingFetch(answer: (path: string) => Response | null = () => null) {
  const paths: string[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const path = new URL(String(input)).pathname;
    paths.push(path);
    return answer(path) ?? fetch(input, init);
  };
  return { paths, fetchFn };
}

const serverBlankings = () => database.current.db.selectFrom('blankings').select(['seq', 'subject_kind', 'subject_id']).orderBy('seq').execute();

describe('blankings reach the lobby tablet', () => {
  it('given a signed-off case erased on the server, when the tablet syncs, then its copies of the case are gone, the other case stays, and the cursor is kept', async () => {
    const tablet = await lobbyTablet();
    const { x, y } = caseIds();
    await tablet.handled(x, 'Charged twice; call me on 612 345 678');
    await tablet.handled(y, 'Queue of an hour', { open: true });
    expect((await tablet.engine().syncNow()).ok).toBe(true);
    expect(await tablet.eventsOf(x)).toHaveLength(3);

    await blankCases(database.current.db, [{ id: x, branch_id: BRANCH_ID }], 'erasure', SERVER_NOW);
    const { paths, fetchFn } = notingFetch();
    expect((await tablet.engine({ http: { baseUrl: server.baseUrl, fetch: fetchFn } }).syncNow()).ok).toBe(true);

    expect(paths).toEqual(['/api/sync/push', '/api/case-events', '/api/blankings']);
    expect(await tablet.eventsOf(x)).toEqual([]);
    expect(await tablet.eventsOf(y)).toEqual([{ type: 'opened', status: 'applied' }]);
    expect(JSON.stringify(await tablet.db.caseEvents.toArray())).not.toContain('612 345 678');
    const [blanking] = await serverBlankings();
    expect(await getMeta(tablet.db, 'blankingsCursor')).toBe(Number(blanking!.seq));

    // The next sync asks after the cursor, and finds nothing more to do.
    expect((await tablet.engine().syncNow()).ok).toBe(true);
    expect(await tablet.eventsOf(y)).toHaveLength(1);
  });

  it('given blankings over several pages, one of a case with a step still in the outbox and one of an entry, then every page is read, only copies that left the outbox go, and the cursor ends at the last', async () => {
    const tablet = await lobbyTablet();
    const { x, y, z } = caseIds();
    for (const id of [x, y, z]) await tablet.handled(id, `Case ${id}`, { open: true });
    expect((await tablet.engine().syncNow()).ok).toBe(true);
    // Made after the last sync: it waits in the outbox when the blankings arrive.
    const waiting = await tablet.act({ caseId: x, staffId: LOBBY, role: 'lobby-staff', type: 'restated', text: 'As the customer confirmed it' });
    const outboxBefore = await tablet.db.outbox.toArray();

    const db = database.current.db;
    await blankCases(db, [{ id: x, branch_id: BRANCH_ID }, { id: y, branch_id: BRANCH_ID }], 'retention', SERVER_NOW);
    await blankEntries(db, [{ id: uuidv7(), branch_id: BRANCH_ID }], { contact: true, text: true }, 'erasure', SERVER_NOW);
    await blankCases(db, [{ id: z, branch_id: BRANCH_ID }], 'erasure', SERVER_NOW);
    const blankings = await serverBlankings();
    expect(blankings.map((b) => b.subject_kind)).toEqual(['case', 'case', 'opinion', 'case']);

    const { paths, fetchFn } = notingFetch();
    const device = (await loadDevice(tablet.db))!;
    const pulled = await pullBlankings(tablet.db, { baseUrl: server.baseUrl, fetch: fetchFn }, device, { limit: 1 });

    expect(pulled).toEqual({ ok: true, value: 3 });
    expect(paths).toEqual(Array(4).fill('/api/blankings'));
    expect(await tablet.eventsOf(x)).toEqual([{ type: 'restated', status: 'pending' }]);
    expect((await tablet.db.caseEvents.get(waiting.id))?.event).toEqual(waiting);
    expect(await tablet.eventsOf(y)).toEqual([]);
    expect(await tablet.eventsOf(z)).toEqual([]);
    expect(await tablet.db.outbox.toArray()).toEqual(outboxBefore);
    expect(await getMeta(tablet.db, 'blankingsCursor')).toBe(Number(blankings.at(-1)!.seq));

    // Again: one request, nothing new, the cursor where it was.
    const again = notingFetch();
    expect(await pullBlankings(tablet.db, { baseUrl: server.baseUrl, fetch: again.fetchFn }, device, { limit: 1 })).toEqual({ ok: true, value: 0 });
    expect(again.paths).toEqual(['/api/blankings']);
    expect(await getMeta(tablet.db, 'blankingsCursor')).toBe(Number(blankings.at(-1)!.seq));

    // The step that waited goes at the next sync and comes back with the server's verdict: all
    // the tablet keeps of its case, shown to no one, and pruned with the case's last change.
    expect((await tablet.engine().syncNow()).ok).toBe(true);
    expect(await tablet.db.outbox.count()).toBe(0);
    expect(await tablet.eventsOf(x)).toEqual([{ type: 'restated', status: 'applied' }]);
  });

  it('given the server fails the blankings, then the sync fails with the reason, as the case pull does, nothing is removed, and the next good sync catches up', async () => {
    const tablet = await lobbyTablet();
    const { x } = caseIds();
    await tablet.handled(x, 'Card swallowed');
    expect((await tablet.engine().syncNow()).ok).toBe(true);
    await blankCases(database.current.db, [{ id: x, branch_id: BRANCH_ID }], 'erasure', SERVER_NOW);

    const failing = notingFetch((path) => (path === '/api/blankings' ? Response.json({ code: 'unavailable', message: 'database down' }, { status: 503 }) : null));
    const outcome = await tablet.engine({ http: { baseUrl: server.baseUrl, fetch: failing.fetchFn } }).syncNow();
    expect(!outcome.ok && outcome.reason).toBe('server-error');
    expect((await getMeta(tablet.db, 'syncState'))?.lastError?.reason).toBe('server-error');
    expect(await tablet.eventsOf(x)).toHaveLength(3);
    expect(await getMeta(tablet.db, 'blankingsCursor')).toBe(0);

    expect((await tablet.engine().syncNow()).ok).toBe(true);
    expect(await tablet.eventsOf(x)).toEqual([]);
  });
});

describe('the tablet prunes by its retention', () => {
  it('given a signed-off case and a refused record, when the tablet syncs 31 days on, then both go and the open case stays; a failed sync then prunes nothing', async () => {
    const tablet = await lobbyTablet();
    const { x, y, z } = caseIds();
    await tablet.handled(x, 'Wrong fee');
    await tablet.handled(y, 'Still being handled', { open: true });
    // Opened by someone the server does not know: refused, into the quarantine.
    await tablet.act({ caseId: z, staffId: crypto.randomUUID(), role: 'lobby-staff', type: 'opened', channel: 'phone', opinionId: null, summary: 'By a stranger' });
    const now = Date.now();
    expect((await tablet.engine({ now: () => now }).syncNow())).toMatchObject({ ok: true, value: { rejected: 1 } });
    expect(await tablet.db.quarantine.count()).toBe(1);

    // 29 days on: nothing is due yet.
    expect((await tablet.engine({ now: () => now + 29 * DAY_MS }).syncNow()).ok).toBe(true);
    expect(await tablet.eventsOf(x)).toHaveLength(3);
    expect(await tablet.db.quarantine.count()).toBe(1);

    // 31 days on, offline: the run fails, and prunes nothing.
    const offline = { baseUrl: server.baseUrl, fetch: (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch };
    expect((await tablet.engine({ now: () => now + 31 * DAY_MS, http: offline }).syncNow()).ok).toBe(false);
    expect(await tablet.eventsOf(x)).toHaveLength(3);
    expect(await tablet.db.quarantine.count()).toBe(1);

    // 31 days on, online: the signed-off case and the refused record go.
    expect((await tablet.engine({ now: () => now + 31 * DAY_MS }).syncNow()).ok).toBe(true);
    expect(await tablet.eventsOf(x)).toEqual([]);
    expect(await tablet.eventsOf(y)).toEqual([{ type: 'opened', status: 'applied' }]);
    expect(await tablet.db.quarantine.count()).toBe(0);
  });

  it('given a counter tablet offline with an old refused record, when the app starts, then the record is pruned at once', async () => {
    const db = createDatabase(`test-${crypto.randomUUID()}`);
    tablets.push(db);
    const code = await givenEnrollmentCode(database.current);
    const enrolled = await enrollDevice(db, { baseUrl: server.baseUrl }, { code: code.code, appVersion: 'test' });
    if (!enrolled.ok) throw new Error(enrolled.message);
    const now = Date.UTC(2027, 2, 1);
    const refused = (id: string, at: number) => ({ recordId: id, kind: 'rating' as const, record: aRating({ id }), reason: 'unknown-teller', message: 'no such teller', quarantinedAt: at });
    const [old, recent] = [uuidv7(), uuidv7()];
    await db.quarantine.bulkAdd([refused(old, now - 31 * DAY_MS), refused(recent, now - 2 * DAY_MS)]);

    const engine = new SyncEngine({ db, http: { baseUrl: server.baseUrl, fetch: () => Promise.reject(new TypeError('fetch failed')) }, appVersion: 'test', locks: null, now: () => now });
    engine.start();
    try {
      await vi.waitFor(async () => expect((await db.quarantine.toArray()).map((r) => r.recordId)).toEqual([recent]), { timeout: 10_000, interval: 50 });
    } finally {
      engine.stop();
    }
  });
});
