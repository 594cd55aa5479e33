import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importSessionKey } from '../../src/domain/attestation-sign.ts';
import { applyAttestedCaseEvent, CASE_EVENT_TYPES, ROLES_FOR, type CaseEvent, type ComplaintCase, type StaffRole } from '../../src/domain/case.ts';
import { recordCaseEvent, watchCases, type CaseEventInput } from '../../src/store/cases.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { getMeta } from '../../src/store/meta.ts';
import { enrollDevice } from '../../src/sync/enroll.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { attesterOf, signInStaff, type StaffSession } from '../../src/sync/staff-session.ts';
import { openStaffSession } from '../../src/server/services/staff-sessions.ts';
import { CASE_EVENT_FIELDS, STAFF_ID } from '../builders/case-event.ts';
import { BRANCH_ID } from '../builders/rating.ts';
import { firstValueFrom } from '../helpers/observable.ts';
import { givenBranchWithCounter, givenLobbyCode, givenTeller, MANAGER_PIN, startTestServer, TELLER_PIN, useTestDatabase, type TestServer } from '../server/fixtures.ts';

// Two lobby tablets of one branch against the real server over loopback HTTP, fake-indexeddb
// on each: complaint-case events made offline on both converge on the same cases, and an
// event the server refuses comes back to the tablet that made it, with the reason.
const database = useTestDatabase('sqlite');
let server: TestServer;
const tablets: BranchVoiceDB[] = [];

const CASE_A = '019ab000-0000-7000-8000-0000000000c1';
const CASE_B = '019ab000-0000-7000-8000-0000000000c2';
const LOBBY = STAFF_ID['lobby-staff'];
const MANAGER = STAFF_ID['complaint-manager'];
const BOSS = STAFF_ID['branch-manager'];

beforeEach(async () => {
  await givenBranchWithCounter(database.current);
  await givenTeller(database.current, { id: LOBBY, staffNumber: '3001', name: 'Lobby Li', role: 'lobby-staff' });
  await givenTeller(database.current, { id: MANAGER, staffNumber: '3002', name: 'Manager Ma', role: 'complaint-manager' });
  await givenTeller(database.current, { id: BOSS, staffNumber: '3003', name: 'Boss Bai', role: 'branch-manager' });
  server = await startTestServer({ db: database.current.db });
});
afterEach(async () => {
  for (const db of tablets.splice(0)) await db.delete();
});

async function lobbyTablet() {
  const db = createDatabase(`test-${crypto.randomUUID()}`);
  tablets.push(db);
  const code = await givenLobbyCode(database.current);
  const enrolled = await enrollDevice(db, { baseUrl: server.baseUrl }, { code: code.code, appVersion: 'test' });
  if (!enrolled.ok) throw new Error(enrolled.message);
  const http = { baseUrl: server.baseUrl };
  const engine = new SyncEngine({ db, http, appVersion: 'test', locks: null });
  // Staff sign in on this tablet with the server, as the lobby's staff dialog does, once each.
  const sessions = new Map<string, StaffSession>();
  const sessionOf = async (staffId: string): Promise<StaffSession> => {
    const known = sessions.get(staffId);
    if (known) return known;
    const [staffNumber, pin] = STAFF_SIGN_IN[staffId]!;
    const signed = await signInStaff({ db, http }, { staffNumber, pin });
    if (!signed.ok || !signed.value.verified) throw new Error(`sign-in ${staffNumber}: ${JSON.stringify(signed)}`);
    sessions.set(staffId, signed.value);
    return signed.value;
  };
  const act = async (input: CaseEventInput) => {
    const done = await recordCaseEvent(db, input, { attest: attesterOf(await sessionOf(input.staffId)) });
    if (!done.ok) throw new Error(`${done.reason}: ${done.message}`);
    return done.value;
  };
  return { db, deviceId: enrolled.value.deviceId, sync: () => engine.syncNow(), act, board: () => firstValueFrom(watchCases(db)) };
}

const STAFF_SIGN_IN: Record<string, [string, string]> = { [LOBBY]: ['3001', TELLER_PIN], [MANAGER]: ['3002', MANAGER_PIN], [BOSS]: ['3003', MANAGER_PIN] };

/**
 * A session of `staffId` on a tablet, opened on the server as a sign-in would and held by the
 * tablet as after one: for the property test, whose hundreds of acts would otherwise each cost
 * a PIN check (the sign-in itself is the first test's).
 */
async function sessionFor(deviceId: string, staffId: string, role: StaffRole): Promise<StaffSession> {
  const opened = await openStaffSession(database.current.db, { deviceId, branchId: BRANCH_ID, staffId, role, createdAt: Date.now() - 60_000, expiresAt: Date.now() + 3_600_000 });
  const key = await importSessionKey(opened.key);
  return { staff: { id: staffId, staffNumber: STAFF_SIGN_IN[staffId]![0], name: role, role }, verified: { sessionId: opened.id, key, header: `${opened.id}.${opened.key}`, expiresAt: Date.now() + 3_600_000 } };
}

describe('case events between two lobby tablets', () => {
  it('given two tablets offline on different cases, when both sync, then both show both cases the same; a late reply to a signed-off case comes back refused', async () => {
    const a = await lobbyTablet();
    const b = await lobbyTablet();
    await a.act({ caseId: CASE_A, staffId: LOBBY, role: 'lobby-staff', type: 'opened', channel: 'in-person', opinionId: null, summary: 'Charged twice' });
    await a.act({ caseId: CASE_A, staffId: LOBBY, role: 'lobby-staff', type: 'restated', text: 'Twice on 20 November' });
    await b.act({ caseId: CASE_B, staffId: MANAGER, role: 'complaint-manager', type: 'opened', channel: 'phone', opinionId: null, summary: 'Card swallowed' });
    await b.act({ caseId: CASE_B, staffId: MANAGER, role: 'complaint-manager', type: 'replied', channel: 'phone', text: 'Card returned' });

    for (const tablet of [a, b, a]) expect((await tablet.sync()).ok).toBe(true);
    const [boardA, boardB] = [await a.board(), await b.board()];
    expect(boardA.pending).toBe(0);
    expect(boardB.pending).toBe(0);
    expect(boardA.cases.sort((x, y) => x.id.localeCompare(y.id))).toEqual(boardB.cases.sort((x, y) => x.id.localeCompare(y.id)));
    expect(boardA.cases.map((c) => [c.id, c.status])).toEqual([[CASE_A, 'open'], [CASE_B, 'replied']]);

    // The branch manager signs B's case off on B; A, not yet told, records a second reply.
    await b.act({ caseId: CASE_B, staffId: BOSS, role: 'branch-manager', type: 'signed-off' });
    expect((await b.sync()).ok).toBe(true);
    const late = await a.act({ caseId: CASE_B, staffId: MANAGER, role: 'complaint-manager', type: 'replied', channel: 'letter', text: 'A letter as well' });
    expect((await a.sync()).ok).toBe(true);
    expect((await b.sync()).ok).toBe(true);

    for (const tablet of [a, b]) {
      const board = await tablet.board();
      expect(board.cases.find((c) => c.id === CASE_B)).toMatchObject({ status: 'signed-off', replies: 1 });
      expect(board.refused.map((r) => [r.id, r.reason])).toEqual([[late.id, 'case-signed-off']]);
    }
    expect(await getMeta(a.db, 'caseCursor')).toBe(await getMeta(b.db, 'caseCursor'));
  });
});

describe('case events: the tablets and the server agree, for any history', () => {
  const who = { 'lobby-staff': LOBBY, 'complaint-manager': MANAGER, 'branch-manager': BOSS } as const;
  const fields = CASE_EVENT_FIELDS;
  // A role allowed for the type, so that most steps pass the tablet's own check and the
  // interesting refusals (two tablets out of step) happen at the server.
  // Each step made with the server's check (a live staff session) or by the tablet alone.
  const step = fc
    .record({ tablet: fc.constantFrom(0, 1), type: fc.constantFrom(...CASE_EVENT_TYPES), caseId: fc.constantFrom(CASE_A, CASE_B), syncAfter: fc.boolean(), signed: fc.boolean(), pick: fc.nat() })
    .map(({ pick, ...s }) => ({ ...s, role: ROLES_FOR[s.type][pick % ROLES_FOR[s.type].length]! }));
  const opening = (caseId: string) =>
    fc.record({ tablet: fc.constantFrom(0, 1), syncAfter: fc.boolean(), signed: fc.boolean() }).map((s) => ({ ...s, caseId, type: 'opened' as const, role: 'lobby-staff' as const }));
  const histories = fc.tuple(opening(CASE_A), opening(CASE_B), fc.array(step, { minLength: 1, maxLength: 30 })).map(([a, b, rest]) => [a, b, ...rest]);

  it('given random events on two tablets, synced at random moments, then both tablets fold to exactly the cases the server folds', async () => {
    await fc.assert(
      fc.asyncProperty(histories, async (steps) => {
        const pair = [await lobbyTablet(), await lobbyTablet()] as const;
        const sessions = new Map<string, StaffSession>();
        for (const s of steps) {
          const tablet = pair[s.tablet];
          const key = `${s.tablet}|${s.role}`;
          if (s.signed && !sessions.has(key)) sessions.set(key, await sessionFor(tablet.deviceId, who[s.role], s.role));
          const attest = s.signed ? attesterOf(sessions.get(key)!) : undefined;
          // Illegal steps (a formal act the server did not check among them) are refused by the tablet itself; the rest may still be refused by the server.
          await recordCaseEvent(tablet.db, { caseId: s.caseId, staffId: who[s.role], role: s.role, type: s.type, ...fields[s.type] } as CaseEventInput, { attest });
          if (s.syncAfter) expect((await tablet.sync()).ok).toBe(true);
        }
        for (const tablet of [pair[0], pair[1], pair[0]]) expect((await tablet.sync()).ok).toBe(true);

        // The server's fold: each event as its maker was checked, in seq order.
        const stored = await database.current.db.selectFrom('case_events').select(['payload', 'status', 'attestation']).orderBy('seq').execute();
        const cases = new Map<string, ComplaintCase>();
        const statuses = stored.map((row) => {
          const event = JSON.parse(row.payload) as CaseEvent;
          const applied = applyAttestedCaseEvent(cases.get(event.caseId), event, row.attestation);
          if (applied.ok) cases.set(event.caseId, applied.case);
          return applied.ok ? 'applied' : 'refused';
        });
        expect(stored.map((row) => row.status)).toEqual(statuses);
        const byId = (found: Iterable<{ id: string }>) => [...found].sort((x, y) => x.id.localeCompare(y.id));
        for (const tablet of pair) {
          const board = await tablet.board();
          expect(board.pending).toBe(0);
          expect(byId(board.cases)).toEqual(byId(cases.values()));
        }
        for (const db of tablets.splice(0)) await db.delete();
        await database.current.db.deleteFrom('case_events').execute();
        await database.current.db.deleteFrom('staff_sessions').execute();
      }),
      { numRuns: 25 },
    );
  });
});
