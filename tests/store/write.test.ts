import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Attestation } from '../../src/domain/attestation.ts';
import type { Result } from '../../src/domain/result.ts';
import type { RecordKind } from '../../src/domain/wire.ts';
import { recordCaseEvent, type CaseEventInput } from '../../src/store/cases.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { saveEnrollment } from '../../src/store/device.ts';
import { recordOpinion, type OpinionInput } from '../../src/store/opinions.ts';
import { recordRating, type RatingInput } from '../../src/store/ratings.ts';
import { recordEntryRead } from '../../src/store/review.ts';
import { openShift, recordShiftCommand } from '../../src/store/shift.ts';
import type { StaffWriteOptions } from '../../src/store/write.ts';
import { STAFF_ID } from '../builders/case-event.ts';
import { anEnrolledDevice, anEnrolledLobby } from '../builders/device.ts';
import { BRANCH_ID, COUNTER_ID, SIGN_IN_ID, TELLER_ID } from '../builders/rating.ts';

// Every record kind goes through the one write in store/write.ts: the same answers to a bad
// record, a check that fails, a full storage and a lost connection, whatever the kind.

const CASE_ID = '019ab000-0000-7000-8000-0000000000c1';
const OPINION_ID = '019ab000-0000-7000-8000-0000000000e1';
const SERVER_SIGNED: Attestation = { by: 'server', sessionId: '019ab000-0000-7000-8000-0000000000aa', proof: 'A'.repeat(43) };

const rating: RatingInput = { branchId: BRANCH_ID, counterId: COUNTER_ID, tellerId: TELLER_ID, signInId: SIGN_IN_ID, score: 'satisfied', reasons: [], language: 'en' };
const opinion: OpinionInput = { opinionKind: 'suggestion', topicId: 'premises', text: 'More seats, please.', visit: null, contact: null, language: 'es' };
const opened: CaseEventInput = { caseId: CASE_ID, staffId: STAFF_ID['lobby-staff'], role: 'lobby-staff', type: 'opened', channel: 'in-person', opinionId: null, summary: 'Charged twice' };
const read = { opinionId: OPINION_ID, staffId: STAFF_ID['complaint-manager'], role: 'complaint-manager' } as const;

type Write = (db: BranchVoiceDB, options?: StaffWriteOptions) => Promise<Result<unknown, string>>;

interface RecordKindCase {
  kind: RecordKind;
  /** The tablet as a valid record of this kind needs it. */
  given: (db: BranchVoiceDB) => Promise<void>;
  /** Writes one valid record of the kind. */
  write: Write;
  /** The record as kept in the kind's own table; none for a kind kept only in the outbox. */
  ownCopy: ((db: BranchVoiceDB, id: string) => Promise<unknown>) | null;
  invalid: { write: Write; message: string };
  /** The kind's own check failing: what makes it fail, and its answer. */
  refused: { given?: (db: BranchVoiceDB) => Promise<void>; write: Write; reason: string; message: string };
}

const KINDS: RecordKindCase[] = [
  {
    kind: 'rating',
    given: async (db) => {
      await saveEnrollment(db, anEnrolledDevice());
      await recordShiftCommand(db, { type: 'sign-in', tellerId: TELLER_ID, signInId: SIGN_IN_ID });
    },
    write: (db, options) => recordRating(db, rating, options),
    ownCopy: (db, id) => db.ratings.get(id),
    invalid: { write: (db) => recordRating(db, { ...rating, score: 'ecstatic' as RatingInput['score'] }), message: 'score: must be very-satisfied, satisfied, neutral or dissatisfied' },
    refused: { given: async (db) => void (await recordShiftCommand(db, { type: 'pause' })), write: (db) => recordRating(db, rating), reason: 'counter-closed', message: 'The window is closed or paused: no rating is taken.' },
  },
  {
    kind: 'opinion',
    given: (db) => saveEnrollment(db, anEnrolledLobby()),
    write: (db, options) => recordOpinion(db, opinion, options),
    ownCopy: null,
    invalid: { write: (db) => recordOpinion(db, { ...opinion, language: 'fr' as OpinionInput['language'] }), message: 'language: must be one of zh-Hans, zh-Hant, en, es' },
    refused: { given: (db) => saveEnrollment(db, anEnrolledDevice()), write: (db) => recordOpinion(db, opinion), reason: 'not-enrolled', message: 'This tablet is not enrolled as a lobby opinion box.' },
  },
  {
    kind: 'case-event',
    given: (db) => saveEnrollment(db, anEnrolledLobby()),
    write: (db, options) => recordCaseEvent(db, opened, options),
    ownCopy: async (db, id) => (await db.caseEvents.get(id))?.event,
    invalid: { write: (db) => recordCaseEvent(db, { ...opened, summary: '' }), message: 'summary: must not be empty' },
    // A case this tablet has never seen opened.
    refused: { write: (db) => recordCaseEvent(db, { caseId: CASE_ID, staffId: STAFF_ID['lobby-staff'], role: 'lobby-staff', type: 'restated', text: 'Twice on 20 November' }), reason: 'case-unknown', message: `restated: no case ${CASE_ID} has been opened` },
  },
  {
    kind: 'entry-read',
    given: (db) => saveEnrollment(db, anEnrolledLobby()),
    write: (db, options) => recordEntryRead(db, read, { ...options, attest: async () => SERVER_SIGNED }),
    ownCopy: null,
    invalid: { write: (db) => recordEntryRead(db, { ...read, opinionId: 'entry-1' }, { attest: async () => SERVER_SIGNED }), message: 'opinionId: must be a lower-case UUIDv7' },
    refused: { write: (db) => recordEntryRead(db, read, { attest: async () => ({ by: 'tablet' }) }), reason: 'needs-verified-session', message: 'Marking an entry read takes a manager signed in with the server reachable.' },
  },
  {
    kind: 'shift',
    given: (db) => saveEnrollment(db, anEnrolledDevice()),
    write: (db, options) => openShift(db, TELLER_ID, options),
    ownCopy: (db, id) => db.shiftEvents.get(id),
    invalid: { write: (db) => openShift(db, 'li-mei'), message: 'tellerId: must be a lower-case UUID' },
    refused: { write: (db) => recordShiftCommand(db, { type: 'pause' }), reason: 'illegal-transition', message: 'No teller is signed in: there is nothing to pause.' },
  },
];

const FULL = { ok: false, reason: 'storage-full', message: 'The tablet is out of storage: this record was not saved. Ask staff to free space or sync now.' };

/** Everything the tablet holds: a write that fails must leave it exactly as it was. */
async function everything(db: BranchVoiceDB) {
  const [ratings, shiftEvents, caseEvents, outbox, quarantine, meta] = await Promise.all([db.ratings, db.shiftEvents, db.caseEvents, db.outbox, db.quarantine, db.meta].map((table) => table.toArray()));
  return { ratings, shiftEvents, caseEvents, outbox, quarantine, meta };
}

/** Makes every outbox write fail with `error`, as a full disk or a dead connection does; answers how to stop. */
function givenOutboxFails(db: BranchVoiceDB, error: () => Error): () => void {
  const fail = () => {
    throw error();
  };
  db.outbox.hook('creating', fail);
  return () => db.outbox.hook('creating').unsubscribe(fail);
}

let db: BranchVoiceDB;
beforeEach(() => {
  db = createDatabase(`test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

describe.each(KINDS)('writing a $kind', ({ kind, given, write, ownCopy, invalid, refused }) => {
  beforeEach(() => given(db));

  it('given a valid record, when written, then it is in the outbox once, whole, with its size, and in its own table if it has one', async () => {
    const before = await db.outbox.count();
    expect(await write(db)).toMatchObject({ ok: true });
    const rows = await db.outbox.toArray();
    expect(rows).toHaveLength(before + 1);
    const row = rows.at(-1)!;
    expect(row).toMatchObject({ kind, recordId: row.record.id, createdAt: row.record.createdAt, bytes: JSON.stringify(row.record).length });
    if (ownCopy) expect(await ownCopy(db, row.recordId)).toEqual(row.record);
  });

  it('given a record its schema refuses, then it says which field is wrong and nothing is written', async () => {
    const before = await everything(db);
    expect(await invalid.write(db)).toEqual({ ok: false, reason: 'invalid-record', message: invalid.message });
    expect(await everything(db)).toEqual(before);
  });

  it("given the kind's own check fails, then it answers the kind's reason and nothing is written", async () => {
    await refused.given?.(db);
    const before = await everything(db);
    expect(await refused.write(db)).toEqual({ ok: false, reason: refused.reason, message: refused.message });
    expect(await everything(db)).toEqual(before);
  });

  it('given a full storage, then it answers storage-full, the status corner is told, nothing is half-written, and the next write that fits clears the warning', async () => {
    const before = await everything(db);
    const free = givenOutboxFails(db, () => new DOMException('The quota has been exceeded.', 'QuotaExceededError'));

    expect(await write(db)).toEqual(FULL);
    expect(db.storagePressure.full).toBe(true);
    expect(await everything(db)).toEqual(before);

    free();
    expect(await write(db)).toMatchObject({ ok: true });
    expect(db.storagePressure.full).toBe(false);
  });

  it('given a connection the browser closed, then the database is opened afresh and the record written once', async () => {
    const before = await db.outbox.count();
    db.close();
    const onFatal = vi.fn();
    expect(await write(db, { onFatal })).toMatchObject({ ok: true });
    expect(await db.outbox.count()).toBe(before + 1);
    expect(onFatal).not.toHaveBeenCalled();
  });

  it('given the connection is lost again after opening afresh, then the app is told to reload, the error is thrown, and nothing is written', async () => {
    const before = await everything(db);
    givenOutboxFails(db, () => Object.assign(new Error('The database connection is closing.'), { name: 'InvalidStateError' }));
    const onFatal = vi.fn();

    await expect(write(db, { onFatal })).rejects.toThrow('The database connection is closing.');
    expect(onFatal).toHaveBeenCalledTimes(1);
    expect(await everything(db)).toEqual(before);
  });
});
