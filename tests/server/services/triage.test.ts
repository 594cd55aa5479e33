import { describe, expect, it } from 'vitest';
import type { SyncRecord } from '../../../src/domain/wire.ts';
import { referenceCode } from '../../../src/domain/opinion.ts';
import type { KnownDevice } from '../../../src/server/repositories/devices.ts';
import type { StaffSession } from '../../../src/server/repositories/staff-sessions.ts';
import type { RosterRole } from '../../../src/server/repositories/tellers.ts';
import { NEEDS_VERIFIED_READ, triageRecords, type BranchScope } from '../../../src/server/services/ingest.ts';
import { signRecord } from '../../../src/server/services/staff-sessions.ts';
import { aCaseEvent, aCaseId, STAFF_ID } from '../../builders/case-event.ts';
import { anEntryRead } from '../../builders/entry-read.ts';
import { aRating, anOpinion, aShiftEvent, BRANCH_ID, COUNTER_ID, TELLER_ID } from '../../builders/rating.ts';
import { aQuestionnaire, aSurveyResponse, SURVEY_ID } from '../../builders/survey.ts';

// triageRecords is the pure half of ingestPush: what each record of a push is answered and
// where an accepted one goes. The routes' tests prove the same answers over HTTP and a real
// database; these name every branch of the check, one row each, with its exact message.

const RECEIVED_AT = Date.UTC(2026, 10, 23, 10, 0);
const OTHER_BRANCH = '0190a0b0-0000-7000-8000-0000000000b2';
const OTHER_COUNTER = '0190a0b0-0000-7000-8000-0000000000c2';
const STRANGER = '0190a0b0-0000-7000-8000-0000000000f9';
const LOBBY_PREFIX = 10;
const OPINION_OF_BRANCH = '0190a0b0-0000-7000-8000-0000000000a1';

const counterTablet: KnownDevice = {
  id: '0190a0b0-0000-7000-8000-0000000000d1',
  branchId: BRANCH_ID,
  counterId: COUNTER_ID,
  mode: 'counter',
  referencePrefix: null,
  revokedAt: null,
  configVersion: 3,
  timeZone: 'Asia/Shanghai',
};
const lobbyTablet: KnownDevice = { ...counterTablet, id: '0190a0b0-0000-7000-8000-0000000000d2', counterId: null, mode: 'lobby', referencePrefix: LOBBY_PREFIX };

/** A session of the complaint manager on the lobby tablet, from 09:00 for twelve hours: the builders' reads are made at 10:30. */
const managerSession: StaffSession = {
  id: '0190a0b0-0000-7000-8000-0000000000e5',
  deviceId: lobbyTablet.id,
  branchId: BRANCH_ID,
  staffId: STAFF_ID['complaint-manager'],
  role: 'complaint-manager',
  key: Buffer.alloc(32, 9).toString('base64url'),
  createdAt: Date.UTC(2026, 10, 23, 9, 0),
  expiresAt: Date.UTC(2026, 10, 23, 21, 0),
  endedAt: null,
  clockOffsetMs: 0,
};

const scope: BranchScope = {
  tellerIds: new Set([TELLER_ID]),
  topicIds: new Set(['waiting']),
  counterIds: new Set([COUNTER_ID]),
  staffRoles: new Map<string, RosterRole>([
    [STAFF_ID['lobby-staff'], 'lobby-staff'],
    [STAFF_ID['complaint-manager'], 'complaint-manager'],
    [STAFF_ID['branch-manager'], 'branch-manager'],
  ]),
  opinionIds: new Set([OPINION_OF_BRANCH]),
  sessions: new Map([[managerSession.id, managerSession]]),
  surveys: new Map([[SURVEY_ID, { currentVersion: 1, branchIds: null, channels: ['lobby'], versions: new Map([[1, aQuestionnaire()]]) }]]),
};

const lobbyOpinion = (overrides: Parameters<typeof anOpinion>[0] = {}) => anOpinion({ referenceCode: referenceCode(LOBBY_PREFIX, 1), ...overrides });
const signedRead = (overrides: Parameters<typeof anEntryRead>[1] = {}) => signRecord(anEntryRead(OPINION_OF_BRANCH, overrides), managerSession);

describe('triageRecords: a record refused, with its reason and message', () => {
  it.each<[string, KnownDevice, unknown, string, string]>([
    ['a record that is not an object', counterTablet, 'a rating', 'invalid-record', 'has an unknown kind'],
    ['a rating of an unknown score', counterTablet, { ...aRating(), score: 'ecstatic' }, 'invalid-record', 'score: must be very-satisfied, satisfied, neutral or dissatisfied'],
    [
      'a rating from a lobby tablet',
      lobbyTablet,
      aRating(),
      'wrong-device-mode',
      'kind: this device is enrolled as a lobby tablet, and ratings come only from counter tablets; enroll one with `npm run admin -- code:create --counter <counterId>`',
    ],
    [
      'an opinion from a counter tablet',
      counterTablet,
      lobbyOpinion(),
      'wrong-device-mode',
      'kind: this device is enrolled as a counter tablet, and opinions come only from lobby tablets; enroll one with `npm run admin -- code:create --lobby --branch <branchId>`',
    ],
    ['a rating for another branch', counterTablet, aRating({ branchId: OTHER_BRANCH }), 'wrong-branch', `branchId: this device is enrolled at branch ${BRANCH_ID}, not ${OTHER_BRANCH}`],
    ['a rating for another counter', counterTablet, aRating({ counterId: OTHER_COUNTER }), 'wrong-counter', `counterId: this device is enrolled at counter ${COUNTER_ID}, not ${OTHER_COUNTER}`],
    [
      'a shift event from a counter tablet with no counter',
      { ...counterTablet, counterId: null },
      aShiftEvent(),
      'wrong-counter',
      `counterId: this device is enrolled at counter no counter, not ${COUNTER_ID}`,
    ],
    [
      'a shift event of a teller not of the branch',
      counterTablet,
      aShiftEvent({ tellerId: STRANGER }),
      'unknown-teller',
      `tellerId: ${STRANGER} is not a teller of branch ${BRANCH_ID}; add the teller with \`npm run admin -- teller:add\``,
    ],
    [
      'an opinion on a topic the branch does not have',
      lobbyTablet,
      lobbyOpinion({ topicId: 'parking' }),
      'unknown-topic',
      `topicId: "parking" is not a topic of branch ${BRANCH_ID}; add it with \`npm run admin -- topic:add --branch ${BRANCH_ID}\``,
    ],
    [
      'an opinion about a visit to a counter not of the branch',
      lobbyTablet,
      lobbyOpinion({ visit: { counterId: OTHER_COUNTER, tellerId: null, score: null } }),
      'unknown-counter',
      `visit.counterId: ${OTHER_COUNTER} is not a counter of branch ${BRANCH_ID}; list them with \`npm run admin -- counters --branch ${BRANCH_ID}\``,
    ],
    [
      'an opinion about a teller not of the branch',
      lobbyTablet,
      lobbyOpinion({ visit: { counterId: COUNTER_ID, tellerId: STRANGER, score: null } }),
      'unknown-teller',
      `visit.tellerId: ${STRANGER} is not a teller of branch ${BRANCH_ID}; add the teller with \`npm run admin -- teller:add\``,
    ],
    [
      'an opinion from a lobby tablet with no reference prefix',
      { ...lobbyTablet, referencePrefix: null },
      lobbyOpinion(),
      'wrong-reference',
      'referenceCode: this device has no reference prefix, so it cannot make reference codes; enroll it again to get one',
    ],
    [
      'an opinion whose code another tablet made',
      lobbyTablet,
      lobbyOpinion({ referenceCode: referenceCode(LOBBY_PREFIX + 1, 1) }),
      'wrong-reference',
      `referenceCode: ${referenceCode(LOBBY_PREFIX + 1, 1)} was not made by this device, which has the prefix ${referenceCode(LOBBY_PREFIX, 0).slice(0, 2)}-; a tablet makes its codes with the prefix it got at enrollment`,
    ],
    [
      'a case event by someone not on the staff',
      lobbyTablet,
      aCaseEvent('opened', aCaseId(), { staffId: STRANGER }),
      'unknown-staff',
      `staffId: ${STRANGER} is not on the staff of branch ${BRANCH_ID}; add them with \`npm run admin -- teller:add --role lobby-staff\``,
    ],
    [
      'a case event in a role the roster does not give',
      lobbyTablet,
      aCaseEvent('opened', aCaseId(), { staffId: STAFF_ID['lobby-staff'], role: 'branch-manager' }),
      'unknown-staff',
      `role: ${STAFF_ID['lobby-staff']} is on the staff of branch ${BRANCH_ID} as lobby-staff, not branch-manager; set it with \`npm run admin -- teller:set ${STAFF_ID['lobby-staff']} --role branch-manager\``,
    ],
    [
      'an entry read of an opinion not of the branch',
      lobbyTablet,
      signRecord(anEntryRead(STRANGER), managerSession),
      'unknown-opinion',
      `opinionId: ${STRANGER} is not an opinion-box entry of branch ${BRANCH_ID}; mark only entries the review shows`,
    ],
    [
      'survey answers to a version the survey does not have',
      lobbyTablet,
      aSurveyResponse({ version: 3 }),
      'unknown-survey',
      `version: survey ${SURVEY_ID} has no version 3 (its current version is 1); answer the version the tablet's configuration carries`,
    ],
    [
      'survey answers that do not fit their questions',
      lobbyTablet,
      aSurveyResponse({ answers: [{ type: 'single', questionId: 'service', optionId: 'cash' }, { type: 'text', questionId: 'parking', text: 'None' }] }),
      'unknown-survey',
      `answers: they do not fit version 1 of survey ${SURVEY_ID}: question service is answered as another type of question; question recommend is required and not answered; ` +
        'question parking is not a question of it; answer each question of that version at most once, in its type and with its options, and every required one',
    ],
    ['an entry read the tablet alone checked', lobbyTablet, anEntryRead(OPINION_OF_BRANCH), 'needs-verified-session', NEEDS_VERIFIED_READ],
    ['an entry read signed with a session that is not this device’s', lobbyTablet, signRecord(anEntryRead(OPINION_OF_BRANCH), { ...managerSession, id: STRANGER }), 'needs-verified-session', NEEDS_VERIFIED_READ],
  ])('given %s, then it is rejected and nothing is stored', (_, device, record, reason, message) => {
    const triage = triageRecords([record], device, scope, RECEIVED_AT);

    const id = typeof record === 'object' && record !== null ? (record as { id: string }).id : null;
    expect(triage.results).toEqual([{ id, status: 'rejected', reason, message }]);
    expect(triage.rows).toEqual({ ratings: [], shiftEvents: [], opinions: [], entryReads: [] });
    expect(triage.caseEvents).toEqual([]);
    expect(triage.surveyResponses).toEqual([]);
  });
});

describe('triageRecords: a record accepted, and where it goes', () => {
  const opened = aCaseEvent('opened', aCaseId());
  it.each<[string, KnownDevice, SyncRecord, { rows: Partial<Record<'ratings' | 'shiftEvents' | 'opinions' | 'entryReads', number>>; caseEvents: number; attested: string | null }]>([
    ['a rating', counterTablet, aRating(), { rows: { ratings: 1 }, caseEvents: 0, attested: null }],
    ['a shift event, the tablet’s word', counterTablet, aShiftEvent(), { rows: { shiftEvents: 1 }, caseEvents: 0, attested: 'tablet' }],
    ['an opinion', lobbyTablet, lobbyOpinion({ visit: { counterId: COUNTER_ID, tellerId: TELLER_ID, score: null } }), { rows: { opinions: 1 }, caseEvents: 0, attested: null }],
    ['an entry read signed in a session the server opened', lobbyTablet, signedRead(), { rows: { entryReads: 1 }, caseEvents: 0, attested: 'server' }],
    ['a case event, kept as an event for the fold', lobbyTablet, opened, { rows: {}, caseEvents: 1, attested: 'tablet' }],
  ])('given %s, then it is accepted', (_, device, record, expected) => {
    const triage = triageRecords([record], device, scope, RECEIVED_AT);

    expect(triage.results).toEqual([{ id: record.id, status: 'accepted' }]);
    const counts = Object.fromEntries(Object.entries(triage.rows).map(([kind, rows]) => [kind, rows.length]));
    expect(counts).toEqual({ ratings: 0, shiftEvents: 0, opinions: 0, entryReads: 0, ...expected.rows });
    expect(triage.caseEvents).toHaveLength(expected.caseEvents);
    const [row] = Object.values(triage.rows).flat() as { id: string; received_at: number; attestation?: string }[];
    if (row) {
      expect(row.id).toBe(record.id);
      expect(row.received_at).toBe(RECEIVED_AT);
    }
    if (expected.attested !== null) {
      const attested = row ? row.attestation : triage.caseEvents[0]!.attested.kind;
      expect(attested).toBe(expected.attested);
    }
    expect(triage.unverified).toEqual([]);
  });

  it('given survey answers dated after the survey ended, then they are accepted, kept apart from the pushed rows, with their day', () => {
    const record = aSurveyResponse({ createdAt: Date.UTC(2027, 0, 5, 9, 0) });

    const triage = triageRecords([record], lobbyTablet, scope, RECEIVED_AT);

    expect(triage.results).toEqual([{ id: record.id, status: 'accepted' }]);
    expect(triage.rows).toEqual({ ratings: [], shiftEvents: [], opinions: [], entryReads: [] });
    expect(triage.surveyResponses).toEqual([expect.objectContaining({ id: record.id, channel: 'lobby', device_id: lobbyTablet.id, day: '2027-01-05', received_at: RECEIVED_AT })]);
  });

  it.each<[string, SyncRecord, string]>([
    ['a session the device does not have', signRecord(aCaseEvent('opened', aCaseId(), { role: 'complaint-manager' }), { ...managerSession, id: STRANGER }), 'no such staff session on this device'],
    ['the session of another member of staff', signRecord(aCaseEvent('opened', aCaseId()), managerSession), 'the staff session is for another member of staff or role'],
    [
      'a time outside the session',
      signRecord(aCaseEvent('opened', aCaseId(), { role: 'complaint-manager', createdAt: Date.UTC(2026, 10, 22, 9, 0) }), managerSession),
      'made outside the staff session\'s time',
    ],
    ['a signature that does not match', { ...signRecord(aCaseEvent('opened', aCaseId(), { role: 'complaint-manager' }), managerSession), summary: 'Changed after signing' } as SyncRecord, 'the signature does not match the record'],
  ])('given a case event that claims %s, then it is accepted as the tablet’s word and the claim is noted', (_, record, why) => {
    const triage = triageRecords([record], lobbyTablet, scope, RECEIVED_AT);

    expect(triage.results).toEqual([{ id: record.id, status: 'accepted' }]);
    expect(triage.caseEvents).toEqual([{ event: expect.objectContaining({ id: record.id }), attested: { kind: 'tablet' } }]);
    expect(triage.unverified).toEqual([{ id: record.id, why }]);
  });

  it('given a case event signed in the manager’s session, then the server’s word goes with it', () => {
    const record = signRecord(aCaseEvent('replied', aCaseId()), managerSession);

    const triage = triageRecords([record], lobbyTablet, scope, RECEIVED_AT);

    expect(triage.caseEvents).toEqual([{ event: expect.objectContaining({ id: record.id }), attested: { kind: 'server', sessionId: managerSession.id } }]);
    expect(triage.unverified).toEqual([]);
  });

  it('given a batch of good and bad records, then each is answered in request order and only the good are kept', () => {
    const [good, bad, second] = [aRating(), aRating({ counterId: OTHER_COUNTER }), aRating()];

    const triage = triageRecords([good, bad, second, null], counterTablet, scope, RECEIVED_AT);

    expect(triage.results.map((r) => [r.id, r.status])).toEqual([
      [good.id, 'accepted'],
      [bad.id, 'rejected'],
      [second.id, 'accepted'],
      [null, 'rejected'],
    ]);
    expect(triage.rows.ratings.map((r) => r.id)).toEqual([good.id, second.id]);
  });

  it('given no records, then nothing is answered', () => {
    expect(triageRecords([], counterTablet, scope, RECEIVED_AT)).toEqual({ results: [], rows: { ratings: [], shiftEvents: [], opinions: [], entryReads: [] }, caseEvents: [], surveyResponses: [], unverified: [] });
  });
});
