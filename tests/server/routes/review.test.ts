import { expect, it } from 'vitest';
import * as v from 'valibot';
import { referenceCode, type Opinion } from '../../../src/domain/opinion.ts';
import { ReviewPageSchema, type EntryRead, type ReviewEntry } from '../../../src/domain/review.ts';
import { PROTOCOL_VERSION, type PushResponse } from '../../../src/domain/wire.ts';
import { caseEventToRow } from '../../../src/server/repositories/case-events.ts';
import { countOpinionReads } from '../../../src/server/repositories/opinion-reads.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { reviewOf } from '../../../src/server/services/review.ts';
import { aCaseEvent, aCaseId, STAFF_ID } from '../../builders/case-event.ts';
import { anEntryRead } from '../../builders/entry-read.ts';
import { anOpinion, BRANCH_ID, TELLER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { sessionSigner } from '../attest.ts';
import {
  callApi,
  givenBranchWithCounter,
  givenCaseStaff,
  givenEnrolledDevice,
  givenEnrolledLobby,
  MANAGER_PIN,
  SERVER_NOW,
  staffSessionOn,
  startTestServer,
  TELLER_PIN,
  useTestDatabase,
} from '../fixtures.ts';

const HOUR = 3_600_000;
/** What the tablet sends as `since`: the start of the server's day (23 Nov 2026). */
const TODAY = Date.UTC(2026, 10, 23);
const YESTERDAY = SERVER_NOW - 24 * HOUR;

const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const CONTACT = { name: 'Wong Tai Sin', phone: '+852 9123 4567', email: '', wantsReply: true, consent: true } as const;

describeEachDatabase('GET /api/review and entry reads', (kind) => {
  const database = useTestDatabase(kind);

  async function given() {
    await givenBranchWithCounter(database.current);
    await givenCaseStaff(database.current);
    const lobby = await givenEnrolledLobby(database.current);
    let clock = SERVER_NOW;
    const server = await startTestServer({ db: database.current.db, now: () => clock });
    let sequence = 0;
    /** An entry of the lobby tablet, with a reference code of its own prefix. */
    const entry = (overrides: Partial<Opinion> = {}) => anOpinion({ referenceCode: referenceCode(lobby.referencePrefix, ++sequence), ...overrides });
    // The lobby's managers work signed in with the server: their marks and case events are signed.
    const sign = sessionSigner(database.current.db, { id: lobby.deviceId, branchId: BRANCH_ID });
    const signed = (record: unknown) => {
      const kind = (record as { kind?: unknown }).kind;
      return kind === 'entry-read' || kind === 'case-event' ? sign(record as EntryRead) : record;
    };
    /** Pushes at the server time `at` (now unless given), signed unless `signed: false`, and answers the results. */
    const push = async (records: unknown[], options: { token?: string; at?: number; signed?: boolean } = {}) => {
      const body = options.signed === false ? records : await Promise.all(records.map(signed));
      clock = options.at ?? SERVER_NOW;
      const answer = await callApi(server, 'POST', '/api/sync/push', { token: options.token ?? lobby.token, body: { protocol: PROTOCOL_VERSION, records: body } });
      clock = SERVER_NOW;
      expect(answer.status).toBe(200);
      return (answer.body as PushResponse).results;
    };
    /** The complaint manager, signed in on the lobby tablet with the server. */
    const manager = await staffSessionOn(server, lobby.token, '3002', MANAGER_PIN);
    /** The review as the lobby tablet fetches it for the complaint manager, checked against the domain's schema. */
    const review = async (since = TODAY): Promise<ReviewEntry[]> => {
      const answer = await callApi(server, 'GET', `/api/review?since=${since}`, { token: lobby.token, headers: manager });
      expect(answer.status).toBe(200);
      return v.parse(ReviewPageSchema, answer.body).entries;
    };
    const referencesInReview = async () => (await review()).map((e) => e.opinion.referenceCode);
    return { server, lobby, entry, push, review, referencesInReview, manager, setClock: (at: number) => (clock = at) };
  }

  const accepted = (...records: { id: string }[]) => records.map(({ id }) => ({ id, status: 'accepted' }));

  it('given a counter tablet, when it asks for the review, then 403 forbidden; without a token 401; with a bad `since` 400', async () => {
    const { server, lobby, manager } = await given();
    const counter = await givenEnrolledDevice(database.current);

    expect(await callApi(server, 'GET', `/api/review?since=${TODAY}`, { token: counter.token, headers: manager })).toMatchObject({
      status: 403,
      body: { code: 'forbidden', message: 'The opinion-box review goes only to lobby tablets; this device is enrolled at a counter.' },
    });
    expect(await callApi(server, 'GET', `/api/review?since=${TODAY}`)).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect(await callApi(server, 'GET', '/api/review?since=yesterday', { token: lobby.token, headers: manager })).toMatchObject({
      status: 400,
      body: { code: 'bad-request', message: 'since: must be a whole number (since: epoch milliseconds, e.g. the start of today)' },
    });
    expect(await callApi(server, 'GET', '/api/review', { token: lobby.token, headers: manager })).toMatchObject({ status: 400, body: { code: 'bad-request' } });
  });

  it("given the lobby tablet's token alone, a lobby clerk's session, or a manager's session that ended, then the review is refused and no customer's words leave the server", async () => {
    const { server, lobby, entry, push } = await given();
    await push([entry({ contact: CONTACT })]);
    const ask = (headers: Record<string, string> = {}) => callApi(server, 'GET', '/api/review?since=0', { token: lobby.token, headers });

    expect(await ask()).toMatchObject({
      status: 403,
      body: { code: 'staff-session-required', message: 'This needs a member of staff signed in with the server reachable: sign in again on this tablet while it is online.' },
    });
    const clerk = await staffSessionOn(server, lobby.token, '3001', TELLER_PIN);
    expect(await ask(clerk)).toMatchObject({
      status: 403,
      body: { code: 'forbidden', message: 'The opinion-box review is for the complaint-manager and the branch-manager; Staff lobby-staff is on the roster as lobby-staff.' },
    });
    const manager = await staffSessionOn(server, lobby.token, '3003', MANAGER_PIN);
    expect((await ask(manager)).status).toBe(200);
    expect((await callApi(server, 'DELETE', '/api/staff-session', { token: lobby.token, headers: manager })).status).toBe(204);
    expect(await ask(manager)).toMatchObject({ status: 403, body: { code: 'staff-session-required' } });
    for (const answer of [await ask(), await ask(clerk)]) expect(JSON.stringify(answer.body)).not.toContain(CONTACT.phone);
    // The audit log holds the one view that showed contact details: the branch manager's.
    expect((await readAudit(database.current.db, { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 })).map((a) => a.actor)).toEqual([STAFF_ID['branch-manager']]);
  });

  it('given entries of the last months, then the review reaches a week back whatever `since` asks, and an open entry a quarter back, no further', async () => {
    const { entry, push, review } = await given();
    const DAY = 24 * HOUR;
    const readLastWeek = entry({ opinionKind: 'praise' });
    const readTenDaysAgo = entry({ opinionKind: 'praise' });
    const openTwoMonthsAgo = entry({ contact: CONTACT });
    const openHalfAYearAgo = entry({ contact: CONTACT });
    await push([openHalfAYearAgo], { at: SERVER_NOW - 180 * DAY });
    await push([openTwoMonthsAgo], { at: SERVER_NOW - 60 * DAY });
    await push([readTenDaysAgo], { at: SERVER_NOW - 10 * DAY });
    await push([readLastWeek], { at: SERVER_NOW - 6 * DAY });
    await push([anEntryRead(readTenDaysAgo.id), anEntryRead(readLastWeek.id)]);

    expect((await review(0)).map((e) => e.opinion.id)).toEqual([readLastWeek.id, openTwoMonthsAgo.id]);
  });

  it("given a mark made by a manager the tablet alone checked (offline), or signed with another member of staff's session, then it is rejected as needing the server's check and not stored", async () => {
    const { entry, push } = await given();
    const complaint = entry({ contact: CONTACT });
    await push([complaint]);
    const offline = anEntryRead(complaint.id);
    const sign = sessionSigner(database.current.db, { id: (await givenEnrolledLobby(database.current)).deviceId, branchId: BRANCH_ID });
    const onAnotherTablet = await sign(anEntryRead(complaint.id));
    const rejected = (read: EntryRead) => ({
      id: read.id,
      status: 'rejected',
      reason: 'needs-verified-session',
      message:
        'attestation: marking an opinion-box entry read takes a complaint or branch manager signed in with the server reachable; ' +
        'this mark was checked by the tablet only. Open the review again while online and mark it there.',
    });

    expect(await push([offline], { signed: false })).toEqual([rejected(offline)]);
    expect(await push([onAnotherTablet], { signed: false })).toEqual([rejected(onAnotherTablet)]);
    expect(await countOpinionReads(database.current.db)).toBe(0);
  });

  it("given today's entries, then the review lists them newest first, each as pushed with its contact details, received time and no reader", async () => {
    const { entry, push, review, lobby } = await given();
    // With the version of the consent text the customer agreed to: it comes back as pushed.
    const complaint = entry({ contact: { ...CONTACT, consentVersion: 1 }, visit: { score: 'dissatisfied', counterId: null, tellerId: TELLER_ID } });
    const praise = entry({ opinionKind: 'praise', topicId: 'staff', text: 'Very kind.' });
    expect(await push([complaint], { at: SERVER_NOW - HOUR })).toEqual(accepted(complaint));
    expect(await push([praise])).toEqual(accepted(praise));

    expect(await review()).toEqual([
      { opinion: praise, receivedAt: SERVER_NOW, readAt: null, readByStaffId: null },
      { opinion: complaint, receivedAt: SERVER_NOW - HOUR, readAt: null, readByStaffId: null },
    ]);
    // Who saw which contact details, checked how, from where: in the audit log, without the details.
    const audit = await readAudit(database.current.db, { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 });
    expect(audit).toEqual([
      expect.objectContaining({
        at: SERVER_NOW,
        action: 'contact-view',
        actor: STAFF_ID['complaint-manager'],
        role: 'complaint-manager',
        verified: 'staff-session',
        deviceId: lobby.deviceId,
        address: '127.0.0.1',
        branchId: BRANCH_ID,
        subject: 'tablet-review',
        detail: expect.objectContaining({ entries: 2, withContact: [complaint.id] }),
      }),
    ]);
    expect(JSON.stringify(audit)).not.toContain(CONTACT.phone);
  });

  it('given an entry read, when the same read is pushed again, then it is accepted both times and stored once', async () => {
    const { entry, push, review } = await given();
    const complaint = entry();
    await push([complaint]);
    const read = anEntryRead(complaint.id);

    expect(await push([read, read])).toEqual(accepted(read, read));
    expect(await push([read])).toEqual(accepted(read));

    expect(await countOpinionReads(database.current.db)).toBe(1);
    expect(await review()).toEqual([{ opinion: complaint, receivedAt: SERVER_NOW, readAt: read.createdAt, readByStaffId: STAFF_ID['complaint-manager'] }]);
  });

  it('given two managers read one entry, then both reads are accepted and the review shows the one made first, whichever arrived first', async () => {
    const { entry, push, review } = await given();
    const [first, second] = [entry(), entry()];
    await push([first, second]);
    const early = (opinionId: string) => anEntryRead(opinionId, { role: 'branch-manager', createdAt: SERVER_NOW + 5 * 60_000 });
    const late = (opinionId: string) => anEntryRead(opinionId, { role: 'complaint-manager', createdAt: SERVER_NOW + 20 * 60_000 });
    // The first entry's reads arrive in the order they were made, the second's the other way round.
    const reads: EntryRead[] = [early(first.id), late(first.id), late(second.id), early(second.id)];
    for (const read of reads) expect(await push([read])).toEqual(accepted(read));

    expect(await countOpinionReads(database.current.db)).toBe(4);
    const shown = { readAt: SERVER_NOW + 5 * 60_000, readByStaffId: STAFF_ID['branch-manager'] };
    expect(await review()).toEqual([expect.objectContaining({ opinion: second, ...shown }), expect.objectContaining({ opinion: first, ...shown })]);
  });

  it('given an entry read from a counter tablet, then it is rejected as wrong-device-mode and not stored', async () => {
    const { entry, push } = await given();
    const complaint = entry();
    await push([complaint]);
    const counter = await givenEnrolledDevice(database.current);
    const read = anEntryRead(complaint.id);

    expect(await push([read], { token: counter.token })).toEqual([
      {
        id: read.id,
        status: 'rejected',
        reason: 'wrong-device-mode',
        message: 'kind: this device is enrolled as a counter tablet, and entry reads come only from lobby tablets; enroll one with `npm run admin -- code:create --lobby --branch <branchId>`',
      },
    ]);
    expect(await countOpinionReads(database.current.db)).toBe(0);
  });

  it.each<[string, Partial<EntryRead>, string, string]>([
    [
      'a teller',
      { staffId: TELLER_ID, role: 'complaint-manager' },
      'unknown-staff',
      `role: ${TELLER_ID} is on the staff of branch ${BRANCH_ID} as teller, not complaint-manager; set it with \`npm run admin -- teller:set ${TELLER_ID} --role complaint-manager\``,
    ],
    [
      'lobby staff claiming to be the complaint manager',
      { staffId: STAFF_ID['lobby-staff'], role: 'complaint-manager' },
      'unknown-staff',
      `role: ${STAFF_ID['lobby-staff']} is on the staff of branch ${BRANCH_ID} as lobby-staff, not complaint-manager; set it with \`npm run admin -- teller:set ${STAFF_ID['lobby-staff']} --role complaint-manager\``,
    ],
    [
      'the complaint manager claiming to be the branch manager',
      { staffId: STAFF_ID['complaint-manager'], role: 'branch-manager' },
      'unknown-staff',
      `role: ${STAFF_ID['complaint-manager']} is on the staff of branch ${BRANCH_ID} as complaint-manager, not branch-manager; set it with \`npm run admin -- teller:set ${STAFF_ID['complaint-manager']} --role branch-manager\``,
    ],
    [
      'someone not on the roster',
      { staffId: '0190a0b0-0000-7000-8000-0000000000ff' },
      'unknown-staff',
      `staffId: 0190a0b0-0000-7000-8000-0000000000ff is not on the staff of branch ${BRANCH_ID}; add them with \`npm run admin -- teller:add --role complaint-manager\``,
    ],
    [
      'another branch',
      { branchId: OTHER_BRANCH_ID },
      'wrong-branch',
      `branchId: this device is enrolled at branch ${BRANCH_ID}, not ${OTHER_BRANCH_ID}`,
    ],
  ])('given a read by %s, then it is rejected with the reason and not stored', async (_, overrides, reason, message) => {
    const { entry, push } = await given();
    const complaint = entry();
    await push([complaint]);
    const read = { ...anEntryRead(complaint.id), ...overrides };

    expect(await push([read])).toEqual([{ id: read.id, status: 'rejected', reason, message }]);
    expect(await countOpinionReads(database.current.db)).toBe(0);
  });

  it('given a read of an entry the branch does not have, or one of another branch, then it is rejected as unknown-opinion', async () => {
    const { push } = await given();
    await givenBranchWithCounter(database.current, { branchId: OTHER_BRANCH_ID, counterId: '0190a0b0-0000-7000-8000-0000000000c2', tellerId: '0190a0b0-0000-7000-8000-0000000000d2' });
    const elsewhere = await givenEnrolledLobby(database.current, OTHER_BRANCH_ID);
    const theirs = anOpinion({ branchId: OTHER_BRANCH_ID, referenceCode: referenceCode(elsewhere.referencePrefix, 1) });
    expect(await push([theirs], { token: elsewhere.token })).toEqual(accepted(theirs));
    const reads = [anEntryRead('0190a0b0-0000-7000-8000-00000000aaaa'), anEntryRead(theirs.id)];

    expect(await push(reads)).toEqual(
      reads.map((read) => ({
        id: read.id,
        status: 'rejected',
        reason: 'unknown-opinion',
        message: `opinionId: ${read.opinionId} is not an opinion-box entry of branch ${BRANCH_ID}; mark only entries the review shows`,
      })),
    );
    expect(await countOpinionReads(database.current.db)).toBe(0);
  });

  it('given an entry from yesterday with contact details, then it stays in the review until it is read and its case replied, and comes back when the case is reopened', async () => {
    const { entry, push, referencesInReview } = await given();
    const complaint = entry({ contact: CONTACT });
    await push([complaint], { at: YESTERDAY });
    const caseId = aCaseId();
    const opened = aCaseEvent('opened', caseId, { channel: 'opinion-box', opinionId: complaint.id, summary: 'Queue at lunchtime' });

    const steps: [string, unknown[], boolean][] = [
      ['unread', [], true],
      ['read, no case', [anEntryRead(complaint.id)], true],
      ['case opened', [opened], true],
      ['case handed on', [aCaseEvent('handed-on', caseId)], true],
      ['case replied', [aCaseEvent('replied', caseId)], false],
      ['case signed off', [aCaseEvent('signed-off', caseId)], false],
      ['case reopened', [aCaseEvent('reopened', caseId)], true],
      ['replied again', [aCaseEvent('replied', caseId)], false],
    ];
    const seen: [string, boolean][] = [];
    for (const [step, records] of steps) {
      expect(await push(records)).toEqual(accepted(...(records as { id: string }[])));
      seen.push([step, (await referencesInReview()).includes(complaint.referenceCode)]);
    }
    expect(seen).toEqual(steps.map(([step, , listed]) => [step, listed]));
  });

  it("given another branch's events stored under the same case id, then the review folds only the branch's own and the entry stays open", async () => {
    const { entry, push, referencesInReview, lobby } = await given();
    const complaint = entry({ contact: CONTACT });
    await push([complaint], { at: YESTERDAY });
    await push([anEntryRead(complaint.id)]);
    // Rows no push stores (an opening under a case id another branch holds is answered
    // id-taken): put in by hand, the other branch's first, as a database written before the
    // ids were checked, or by hand, could hold them.
    const caseId = aCaseId();
    const theirs = { branchId: OTHER_BRANCH_ID, staffId: '0190a0b0-0000-7000-8000-0000000000e9' };
    const rows = [
      caseEventToRow(aCaseEvent('opened', caseId, { ...theirs, role: 'branch-manager' }), 'another-device', SERVER_NOW, { status: 'applied' }),
      caseEventToRow(aCaseEvent('replied', caseId, { ...theirs, role: 'branch-manager' }), 'another-device', SERVER_NOW, { status: 'applied' }),
      caseEventToRow(aCaseEvent('signed-off', caseId, theirs), 'another-device', SERVER_NOW, { status: 'applied' }),
      caseEventToRow(aCaseEvent('opened', caseId, { channel: 'opinion-box', opinionId: complaint.id }), lobby.deviceId, SERVER_NOW, { status: 'applied' }),
    ];
    for (const row of rows) await database.current.db.insertInto('case_events').values(row).execute();

    expect(await referencesInReview()).toEqual([complaint.referenceCode]);
  });

  it.each<[string, Partial<Opinion>, 'read' | 'unread', 'no case' | 'open case', boolean]>([
    ['a praise without contact', { opinionKind: 'praise' }, 'unread', 'no case', true],
    ['a praise without contact', { opinionKind: 'praise' }, 'read', 'no case', false],
    ['a complaint without contact', {}, 'read', 'no case', true],
    ['a complaint without contact', {}, 'read', 'open case', false],
    ['a suggestion with a phone number but no wish for a reply', { opinionKind: 'suggestion', contact: { ...CONTACT, wantsReply: false } }, 'read', 'no case', true],
    ['a question whose customer wants a reply', { opinionKind: 'question', contact: CONTACT }, 'read', 'open case', true],
  ])('given %s from yesterday, %s, with %s, then listed: %s', async (_, overrides, read, withCase, listed) => {
    const { entry, push, referencesInReview } = await given();
    const older = entry(overrides);
    await push([older], { at: YESTERDAY });
    if (read === 'read') await push([anEntryRead(older.id)]);
    if (withCase === 'open case') await push([aCaseEvent('opened', aCaseId(), { channel: 'opinion-box', opinionId: older.id })]);

    expect(await referencesInReview()).toEqual(listed ? [older.referenceCode] : []);
  });

  it("given today's entries read and closed, then they are listed all day, with who read them", async () => {
    const { entry, push, review } = await given();
    const praise = entry({ opinionKind: 'praise' });
    await push([praise], { at: SERVER_NOW - HOUR });
    const read = anEntryRead(praise.id, { role: 'branch-manager' });
    await push([read]);

    expect(await review()).toEqual([{ opinion: praise, receivedAt: SERVER_NOW - HOUR, readAt: read.createdAt, readByStaffId: STAFF_ID['branch-manager'] }]);
    expect(await review(SERVER_NOW)).toEqual([]);
  });

  it('given more candidates than fit, some of them closed only by their case, then the review pages past those and answers the newest open entries', async () => {
    const { entry, push } = await given();
    // Yesterday, oldest first: unread A, B and C read with their cases replied, unread D; today E.
    const [a, b, c, d] = [entry({ opinionKind: 'praise' }), entry({ contact: CONTACT }), entry({ contact: CONTACT }), entry()];
    await push([a, b, c, d], { at: YESTERDAY });
    for (const replied of [b, c]) {
      const caseId = aCaseId();
      await push([anEntryRead(replied.id), aCaseEvent('opened', caseId, { channel: 'opinion-box', opinionId: replied.id }), aCaseEvent('replied', caseId)]);
    }
    const e = entry();
    await push([e]);

    const ids = async (max: number) => (await reviewOf(database.current.db, BRANCH_ID, TODAY, SERVER_NOW, max)).entries.map((x) => x.opinion.id);
    expect(await ids(2)).toEqual([e.id, d.id]);
    expect(await ids(3)).toEqual([e.id, d.id, a.id]);
    expect(await ids(10)).toEqual([e.id, d.id, a.id]);
  });
});
