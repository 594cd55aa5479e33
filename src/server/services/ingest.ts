import type { Kysely } from 'kysely';
import * as v from 'valibot';
import type { Attested } from '../../domain/attestation.ts';
import type { CaseEvent } from '../../domain/case.ts';
import type { DeviceMode } from '../../domain/config.ts';
import { IdSchema } from '../../domain/ids.ts';
import { referencePrefixOf, type Opinion } from '../../domain/opinion.ts';
import type { Rating } from '../../domain/rating.ts';
import type { EntryRead } from '../../domain/review.ts';
import type { ShiftEvent } from '../../domain/shift.ts';
import { checkAnswers, type AnswerProblem, type SurveyResponse } from '../../domain/survey.ts';
import {
  describeIssues,
  SyncRecordSchema,
  type DeviceHealth,
  type PushResponse,
  type PushResult,
  type RecordKind,
  type RejectReason,
  type SyncRecord,
} from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { inPushTransaction } from '../db/group-commit.ts';
import { runningAgainOnDeadlock } from '../db/transaction.ts';
import { seenAt, touchDevice, type KnownDevice } from '../repositories/devices.ts';
import {
  heldRecords,
  insertPushedRows,
  PUSHED_TABLES,
  storePushAtOnce,
  type HeldRecord,
  type PushedRows,
  type PushedTable,
  type StoredIds,
} from '../repositories/pushed-records.ts';
import { counterIdsOfBranch } from '../repositories/counters.ts';
import { entryReadToRow } from '../repositories/opinion-reads.ts';
import { opinionIdsOfBranch, opinionToRow } from '../repositories/opinions.ts';
import { ratingToRow } from '../repositories/ratings.ts';
import { shiftEventToRow } from '../repositories/shift-events.ts';
import { staffSessionsOfDevice, type StaffSession } from '../repositories/staff-sessions.ts';
import { staffRolesOfBranch, tellerIdsOfBranch, type RosterRole } from '../repositories/tellers.ts';
import { itemIdsOfBranch } from '../repositories/labelled-lists.ts';
import { lobbyResponseToRow, surveysNamed, type LobbyResponseRow, type NamedSurvey } from '../repositories/lobby-surveys.ts';
import { insertSurveyResponses } from '../repositories/survey-responses.ts';
import { storeCaseEvents, type AttestedCaseEvent } from './case-events.ts';
import { alertsChanged, mayRaiseAlerts, raiseAlertsInTransaction } from './alerts.ts';
import { referencePrefixText } from './enrollment.ts';
import { checkAttestation, type StaffClaim } from './staff-sessions.ts';
import { answerClaims, judgeInserted, type Claim, type ClaimsByKind } from './push-answers.ts';

/** A push whose envelope has been checked; its records are still unknown values. `address`: where it came from. */
export type CheckedPush = { records: unknown[]; health?: DeviceHealth; address?: string };

/**
 * The answer for every record, in request order, and the rows of those to store. Case events
 * stay events: what becomes of each is decided by the fold inside the transaction. Survey
 * responses are stored with their answer rows, in the transaction too.
 * `unverified` lists the records that claimed a staff session the server could not confirm
 * (they are kept as the tablet's word): worth a line in the log, never an error.
 */
export type Triage = {
  results: PushResult[];
  rows: PushedRows;
  caseEvents: AttestedCaseEvent[];
  surveyResponses: LobbyResponseRow[];
  unverified: { id: string; why: string }[];
};

/**
 * What of the device's branch its records may name: every teller, topic and counter, active
 * or not (a record made offline may name one the admin has since switched off).
 */
export type BranchScope = {
  tellerIds: ReadonlySet<string>;
  topicIds: ReadonlySet<string>;
  counterIds: ReadonlySet<string>;
  /** The role of each member of staff, read only when some records are case events or entry reads. */
  staffRoles: ReadonlyMap<string, RosterRole>;
  /** Of the opinions the push's entry reads name, those of the branch. */
  opinionIds: ReadonlySet<string>;
  /** The device's staff sessions that the push's records claim to be signed in. */
  sessions: ReadonlyMap<string, StaffSession>;
  /** The surveys the push's survey responses name, by id, with the versions they name. */
  surveys: ReadonlyMap<string, NamedSurvey>;
};

/**
 * Checks each record on its own, so that one bad record is answered as rejected instead of
 * failing the whole batch (wire.ts). Pure: the caller stores `rows` and answers `results`.
 */
export function triageRecords(
  records: readonly unknown[],
  device: KnownDevice,
  scope: BranchScope,
  receivedAt: number,
  clockOffsetMs: number | null = null,
): Triage {
  const results: PushResult[] = [];
  const rows: PushedRows = { ratings: [], shiftEvents: [], opinions: [], entryReads: [] };
  const caseEvents: AttestedCaseEvent[] = [];
  const surveyResponses: LobbyResponseRow[] = [];
  const unverified: Triage['unverified'] = [];
  for (const record of records) {
    const parsed = v.safeParse(SyncRecordSchema, record);
    if (!parsed.success) {
      results.push(rejected(idOf(record), 'invalid-record', describeIssues(parsed.issues)));
      continue;
    }
    const refusal = checkScope(parsed.output, device, scope);
    if (refusal) {
      results.push(refusal);
      continue;
    }
    const claim = staffClaimOf(parsed.output);
    const checked = claim && checkAttestation(parsed.output, claim, scope.sessions);
    if (checked?.refused) unverified.push({ id: parsed.output.id, why: checked.refused });
    const attested: Attested = checked?.attested ?? { kind: 'tablet' };
    // Reading customers' contact details takes a member of staff the server checked.
    if (parsed.output.kind === 'entry-read' && attested.kind !== 'server') {
      results.push(rejected(parsed.output.id, 'needs-verified-session', NEEDS_VERIFIED_READ));
      continue;
    }
    // A case event the state machine refuses is still accepted: it is kept, with its reason.
    if (parsed.output.kind === 'case-event') caseEvents.push({ event: parsed.output, attested });
    else if (parsed.output.kind === 'survey-response') surveyResponses.push(lobbyResponseToRow(parsed.output, device.id, receivedAt, device.timeZone));
    else addRow(rows, parsed.output, device, receivedAt, attested, clockOffsetMs);
    results.push({ id: parsed.output.id, status: 'accepted' });
  }
  return { results, rows, caseEvents, surveyResponses, unverified };
}

export const NEEDS_VERIFIED_READ =
  'attestation: marking an opinion-box entry read takes a complaint or branch manager signed in with the server reachable; ' +
  'this mark was checked by the tablet only. Open the review again while online and mark it there.';

/** Who a staff-made record says made it, and in which role; none for a customer's record. */
function staffClaimOf(record: SyncRecord): StaffClaim | undefined {
  switch (record.kind) {
    case 'shift':
      return { staffId: record.tellerId, role: 'teller' };
    case 'case-event':
    case 'entry-read':
      return { staffId: record.staffId, role: record.role };
    default:
      return undefined;
  }
}

/** The device mode that makes each kind of record, and how a refusal names the kind. */
const MADE_BY: Record<RecordKind, { mode: DeviceMode; plural: string }> = {
  rating: { mode: 'counter', plural: 'ratings' },
  shift: { mode: 'counter', plural: 'shift events' },
  opinion: { mode: 'lobby', plural: 'opinions' },
  'case-event': { mode: 'lobby', plural: 'case events' },
  'entry-read': { mode: 'lobby', plural: 'entry reads' },
  'survey-response': { mode: 'lobby', plural: 'survey responses' },
};

/**
 * A device writes only the kinds of record its mode makes, only for its own branch
 * (docs/architecture.md, "The trust model"), and then by kind: see checkCounterRecord and checkOpinion.
 */
function checkScope(record: SyncRecord, device: KnownDevice, scope: BranchScope): PushResult | undefined {
  const madeBy = MADE_BY[record.kind];
  if (madeBy.mode !== device.mode) {
    return rejected(
      record.id,
      'wrong-device-mode',
      `kind: this device is enrolled as a ${device.mode} tablet, and ${madeBy.plural} come only from ${madeBy.mode} tablets; ` +
        `enroll one with \`npm run admin -- ${CODE_COMMAND[madeBy.mode]}\``,
    );
  }
  if (record.branchId !== device.branchId) {
    return rejected(record.id, 'wrong-branch', `branchId: this device is enrolled at branch ${device.branchId}, not ${record.branchId}`);
  }
  switch (record.kind) {
    case 'opinion':
      return checkOpinion(record, device, scope);
    case 'case-event':
      return checkStaff(record, device, scope.staffRoles);
    case 'entry-read':
      return checkEntryRead(record, device, scope);
    case 'survey-response':
      return checkSurveyResponse(record, device, scope.surveys);
    default:
      return checkCounterRecord(record, device, scope.tellerIds);
  }
}

const CODE_COMMAND: Record<DeviceMode, string> = {
  counter: 'code:create --counter <counterId>',
  lobby: 'code:create --lobby --branch <branchId>',
};

/**
 * A rating or shift event is for the device's own counter and a teller of its branch. A
 * teller deactivated since is still one: the tablet may have been offline through the
 * shift, and the ratings are theirs.
 */
function checkCounterRecord(record: Rating | ShiftEvent, device: KnownDevice, tellerIds: ReadonlySet<string>): PushResult | undefined {
  if (record.counterId !== device.counterId) {
    const own = device.counterId ?? 'no counter';
    return rejected(record.id, 'wrong-counter', `counterId: this device is enrolled at counter ${own}, not ${record.counterId}`);
  }
  if (!tellerIds.has(record.tellerId)) return unknownTeller(record.id, 'tellerId', record.tellerId, device.branchId);
  return undefined;
}

/**
 * An opinion names a topic of the branch, and a counter and teller of the branch when the
 * customer said which visit it was about; its reference code carries the device's own
 * prefix, which is what keeps codes unique in the branch (decision 0004).
 */
function checkOpinion(opinion: Opinion, device: KnownDevice, scope: BranchScope): PushResult | undefined {
  const branch = device.branchId;
  if (!scope.topicIds.has(opinion.topicId)) {
    return rejected(opinion.id, 'unknown-topic', `topicId: "${opinion.topicId}" is not a topic of branch ${branch}; add it with \`npm run admin -- topic:add --branch ${branch}\``);
  }
  const counterId = opinion.visit?.counterId ?? null;
  if (counterId !== null && !scope.counterIds.has(counterId)) {
    return rejected(opinion.id, 'unknown-counter', `visit.counterId: ${counterId} is not a counter of branch ${branch}; list them with \`npm run admin -- counters --branch ${branch}\``);
  }
  const tellerId = opinion.visit?.tellerId ?? null;
  if (tellerId !== null && !scope.tellerIds.has(tellerId)) return unknownTeller(opinion.id, 'visit.tellerId', tellerId, branch);
  if (device.referencePrefix === null) {
    return rejected(opinion.id, 'wrong-reference', 'referenceCode: this device has no reference prefix, so it cannot make reference codes; enroll it again to get one');
  }
  if (referencePrefixOf(opinion.referenceCode) !== device.referencePrefix) {
    return rejected(
      opinion.id,
      'wrong-reference',
      `referenceCode: ${opinion.referenceCode} was not made by this device, which has the prefix ${referencePrefixText(device.referencePrefix)}-; ` +
        'a tablet makes its codes with the prefix it got at enrollment',
    );
  }
  return undefined;
}

/**
 * A case event or an entry read is made by a member of the branch's staff in the role the
 * roster gives them: a tablet cannot make a lobby clerk a branch manager by saying so.
 */
function checkStaff(record: CaseEvent | EntryRead, device: KnownDevice, staffRoles: ReadonlyMap<string, RosterRole>): PushResult | undefined {
  const role = staffRoles.get(record.staffId);
  if (role === record.role) return undefined;
  const fix = `set it with \`npm run admin -- teller:set ${record.staffId} --role ${record.role}\``;
  return rejected(
    record.id,
    'unknown-staff',
    role === undefined
      ? `staffId: ${record.staffId} is not on the staff of branch ${device.branchId}; add them with \`npm run admin -- teller:add --role ${record.role}\``
      : `role: ${record.staffId} is on the staff of branch ${device.branchId} as ${role}, not ${record.role}; ${fix}`,
  );
}

/**
 * An entry read is made by a complaint or branch manager of the branch (the schema allows
 * no other role), for an entry of the branch the tablet fetched from the review. A second
 * manager's read of the same entry is accepted too: the review shows the first.
 */
function checkEntryRead(read: EntryRead, device: KnownDevice, scope: BranchScope): PushResult | undefined {
  const refusal = checkStaff(read, device, scope.staffRoles);
  if (refusal) return refusal;
  if (!scope.opinionIds.has(read.opinionId)) {
    return rejected(read.id, 'unknown-opinion', `opinionId: ${read.opinionId} is not an opinion-box entry of branch ${device.branchId}; mark only entries the review shows`);
  }
  return undefined;
}

/**
 * A survey response answers a version of a survey that exists, that runs at the device's
 * branch on lobby tablets, and fits that version's questions. Its day is not checked against
 * the schedule: a tablet offline with an older configuration showed the survey in good faith,
 * and what a customer gave is kept, counted by its day.
 */
function checkSurveyResponse(response: SurveyResponse, device: KnownDevice, surveys: ReadonlyMap<string, NamedSurvey>): PushResult | undefined {
  const refuse = (message: string) => rejected(response.id, 'unknown-survey', message);
  const { surveyId, version } = response;
  const survey = surveys.get(surveyId);
  if (!survey) return refuse(`surveyId: ${surveyId} is not a survey of this server; a lobby tablet answers only the surveys its configuration lists, so sync its configuration`);
  const questionnaire = survey.versions.get(version);
  if (!questionnaire) {
    return refuse(`version: survey ${surveyId} has no version ${version} (its current version is ${survey.currentVersion}); answer the version the tablet's configuration carries`);
  }
  const fix = `head office changes its schedule (PUT /api/manage/surveys/${surveyId})`;
  if (survey.branchIds !== null && !survey.branchIds.includes(device.branchId)) {
    return refuse(`surveyId: survey ${surveyId} does not run at branch ${device.branchId}; to ask it there, ${fix}`);
  }
  if (!survey.channels.includes('lobby')) {
    return refuse(`surveyId: survey ${surveyId} is not answered on lobby tablets (its channels: ${survey.channels.join(', ')}); to ask it there, ${fix}`);
  }
  const problems = checkAnswers(questionnaire, response.answers);
  if (problems.length > 0) {
    return refuse(
      `answers: they do not fit version ${version} of survey ${surveyId}: ${problems.map(describeProblem).join('; ')}; ` +
        'answer each question of that version at most once, in its type and with its options, and every required one',
    );
  }
  return undefined;
}

const PROBLEM_TEXTS: Record<AnswerProblem['code'], string> = {
  'unknown-question': 'is not a question of it',
  'wrong-type': 'is answered as another type of question',
  'unknown-option': 'names an option it does not have',
  'duplicate-option': 'names an option twice',
  'answered-twice': 'is answered twice',
  required: 'is required and not answered',
};
const describeProblem = (p: AnswerProblem): string => `question ${p.questionId} ${PROBLEM_TEXTS[p.code]}`;

const unknownTeller = (id: string, field: string, tellerId: string, branchId: string): PushResult =>
  rejected(id, 'unknown-teller', `${field}: ${tellerId} is not a teller of branch ${branchId}; add the teller with \`npm run admin -- teller:add\``);

function addRow(rows: PushedRows, record: SyncRecord, device: KnownDevice, receivedAt: number, attested: Attested, clockOffsetMs: number | null): void {
  switch (record.kind) {
    case 'rating':
      rows.ratings.push(ratingToRow(record, device.id, receivedAt, device.timeZone, clockOffsetMs));
      return;
    case 'shift':
      rows.shiftEvents.push(shiftEventToRow(record, device.id, receivedAt, attested));
      return;
    case 'opinion':
      rows.opinions.push(opinionToRow(record, device.id, receivedAt, device.timeZone));
      return;
    case 'entry-read':
      rows.entryReads.push(entryReadToRow(record, device.id, receivedAt, attested));
      return;
  }
}

const rejected = (id: string | null, reason: RejectReason, message: string): PushResult => ({ id, status: 'rejected', reason, message });

const idOf = (record: unknown): string | null =>
  typeof record === 'object' && record !== null && 'id' in record && typeof record.id === 'string' ? record.id : null;

/** Whether a record says it is of `kind`, before it is parsed: enough to know which lists a push needs. */
const isKind = (record: unknown, kind: RecordKind): boolean =>
  typeof record === 'object' && record !== null && 'kind' in record && record.kind === kind;

const NOTHING: ReadonlySet<string> = new Set();
const NO_ONE: ReadonlyMap<string, RosterRole> = new Map();
const NO_SESSIONS: ReadonlyMap<string, StaffSession> = new Map();
const NO_SURVEYS: ReadonlyMap<string, NamedSurvey> = new Map();

/** The staff sessions records claim, before they are parsed: at most one per record of the push. */
const claimedSessionIds = (records: readonly unknown[]): string[] =>
  records.flatMap((r) => {
    const attestation = typeof r === 'object' && r !== null ? (r as { attestation?: { by?: unknown; sessionId?: unknown } }).attestation : undefined;
    return attestation?.by === 'server' && typeof attestation.sessionId === 'string' ? [attestation.sessionId] : [];
  });

/**
 * The survey and version each survey response names, before they are parsed: at most one per
 * record of the push. Only values the schema could accept are looked up; the others are refused
 * by it anyway, and a database is not asked about them.
 */
const namedSurveyVersions = (records: readonly unknown[]): { surveyId: string; version: number }[] =>
  records.flatMap((r) => {
    if (!isKind(r, 'survey-response')) return [];
    const { surveyId, version } = r as { surveyId?: unknown; version?: unknown };
    return v.is(IdSchema, surveyId) && Number.isInteger(version) && (version as number) >= 1 && (version as number) <= MAX_VERSION ? [{ surveyId, version: version as number }] : [];
  });
/** The largest version a database's integer column holds; no survey is edited two billion times. */
const MAX_VERSION = 2 ** 31 - 1;

/** The opinion ids entry reads name, before they are parsed: at most one per record of the push. */
const namedOpinionIds = (records: readonly unknown[]): string[] =>
  records.flatMap((r) => {
    const opinionId = isKind(r, 'entry-read') ? (r as { opinionId?: unknown }).opinionId : undefined;
    return typeof opinionId === 'string' ? [opinionId] : [];
  });

/**
 * What the push's records may name, read once per push (not per record): the branch's
 * tellers when there are records, its topics and counters only when some are opinions, its
 * staff when some are case events or entry reads, the opinions entry reads name, and the
 * surveys and versions survey responses name. Opinions are append-only and a read comes only
 * after the tablet fetched its entry from here, and a survey's versions are never edited, so
 * one read before the transaction answers as well as one inside it; a schedule edited in
 * between is judged as it was a moment before, as the tablet that showed it did.
 */
async function readBranchScope(db: Kysely<Database>, device: KnownDevice, records: readonly unknown[]): Promise<BranchScope> {
  if (records.length === 0) return { tellerIds: NOTHING, topicIds: NOTHING, counterIds: NOTHING, staffRoles: NO_ONE, opinionIds: NOTHING, sessions: NO_SESSIONS, surveys: NO_SURVEYS };
  const branchId = device.branchId;
  const opinions = records.some((r) => isKind(r, 'opinion'));
  const staff = records.some((r) => isKind(r, 'case-event') || isKind(r, 'entry-read'));
  const sessionIds = claimedSessionIds(records);
  const surveyVersions = namedSurveyVersions(records);
  const [tellerIds, topicIds, counterIds, staffRoles, opinionIds, sessions, surveys] = await Promise.all([
    tellerIdsOfBranch(db, branchId),
    opinions ? itemIdsOfBranch(db, 'topics', branchId) : NOTHING,
    opinions ? counterIdsOfBranch(db, branchId) : NOTHING,
    staff ? staffRolesOfBranch(db, branchId) : NO_ONE,
    opinionIdsOfBranch(db, branchId, namedOpinionIds(records)),
    sessionIds.length > 0 ? staffSessionsOfDevice(db, device.id, sessionIds) : NO_SESSIONS,
    surveyVersions.length > 0 ? surveysNamed(db, surveyVersions) : NO_SURVEYS,
  ]);
  return { tellerIds, topicIds, counterIds, staffRoles, opinionIds, sessions, surveys };
}

/**
 * Stores a push: all valid records and the device's health in ONE transaction, so a batch
 * is stored whole or not at all and the device may safely send it again. A record is
 * answered `accepted` only when the server holds that very record from that device; an id
 * the inserts skipped is looked up and answered as push-answers.ts judges it (decision 0017).
 */
export async function ingestPush(
  db: Kysely<Database>,
  device: KnownDevice,
  push: CheckedPush,
  now: number,
  onUnverified: (records: Triage['unverified']) => void = () => undefined,
): Promise<PushResponse> {
  const scope = await readBranchScope(db, device, push.records);
  const { results, rows, caseEvents, surveyResponses, unverified } = triageRecords(push.records, device, scope, now, clockOffsetOf(push.health, now));
  if (unverified.length > 0) onUnverified(unverified);
  // Case events read the cases they apply to, so they cannot ride in one blind statement;
  // nor can records that raise alerts, which are raised in the push's transaction (services/alerts.ts),
  // nor survey responses, whose answer rows are written for the responses the insert stored.
  // Entry reads can: their opinions were checked with the scope, and a read twice is stored once.
  const raises = mayRaiseAlerts(rows);
  const atOnce = caseEvents.length === 0 && surveyResponses.length === 0 && !raises;
  const store = async (): Promise<{ claims: ClaimsByKind; raised: number }> => {
    const storedAtOnce = atOnce ? await storePushAtOnce(db, rows, { id: device.id, seen: seenAt(db, now, push.health, push.address), timeZone: device.timeZone }) : null;
    // Read after the statement's commit: a row that kept an id from this push is committed
    // (the insert waited for it), and pushed rows are never changed or deleted.
    if (storedAtOnce) return { claims: await judgePushedRows(db, rows, storedAtOnce), raised: 0 };
    let raised = 0;
    // On SQLite, with the other pushes ready in this turn of the event loop: one commit for all (db/group-commit.ts).
    const claims = await inPushTransaction(db, async (trx) => {
      const stored = await insertPushedRows(trx, rows, device.timeZone);
      const pushed = await judgePushedRows(trx, rows, stored);
      const responses = await storeSurveyResponses(trx, surveyResponses);
      const cases = await storeCaseEvents(trx, device.branchId, caseEvents, device.id, now, device.timeZone);
      if (raises) {
        const records = { branchId: device.branchId, ratings: storedRows(rows.ratings, stored.ratings), opinions: storedRows(rows.opinions, stored.opinions) };
        raised = (await raiseAlertsInTransaction(trx, records, now)).length;
      }
      await touchDevice(trx, device.id, now, push.health, push.address);
      return { ...pushed, 'case-event': cases, ...responses };
    });
    return { claims, raised };
  };
  const { claims, raised } = await runningAgainOnDeadlock(db, store);
  // The live streams of this server hear it at once; the others' within their next read.
  if (raised > 0) alertsChanged();
  return { results: answerClaims(results, push.records.map(kindOf), claims), serverTime: now, configVersion: device.configVersion };
}

/**
 * The tablet's clock offset (server minus tablet) to keep with its ratings: the one it
 * measured at its last sync, else the one this push shows (its report time against ours, a
 * little late by the request's travel); null without health. The join to tickets corrects a
 * rating's time by it (services/queue-match.ts); the day stays the tablet's (decision 0012).
 */
export function clockOffsetOf(health: DeviceHealth | undefined, receivedAt: number): number | null {
  if (!health) return null;
  const reported = health.clockOffsetMs;
  // Any number passes the schema; a century is more than any clock is off, and more than a bigint column should be asked to hold.
  if (reported !== null && Number.isFinite(reported) && Math.abs(reported) <= MAX_KEPT_OFFSET_MS) return Math.round(reported);
  return receivedAt - health.reportedAt;
}
const MAX_KEPT_OFFSET_MS = 100 * 365 * 86_400_000;

/** Each id's first row among those a push sent, for the ids its insert stored: a re-sent record raises nothing. */
function storedRows<R extends { id: string }>(sent: readonly R[], ids: ReadonlySet<string>): R[] {
  if (ids.size === 0) return [];
  const left = new Set(ids);
  return sent.filter((row) => left.delete(row.id));
}

/** The kind of record each table of a push holds, and how an answer names one. */
const KIND_OF: Record<keyof PushedRows, { kind: RecordKind; noun: string }> = {
  ratings: { kind: 'rating', noun: 'rating' },
  shiftEvents: { kind: 'shift', noun: 'shift event' },
  opinions: { kind: 'opinion', noun: 'opinion' },
  entryReads: { kind: 'entry-read', noun: 'entry read' },
};

const NOTHING_HELD: ReadonlyMap<string, HeldRecord> = new Map();

/**
 * The claim of every row a push tried to insert: rows stored now are accepted; the others
 * are looked up, which a push of new records never needs to do.
 */
async function judgePushedRows(db: Kysely<Database>, rows: PushedRows, stored: StoredIds): Promise<ClaimsByKind> {
  const claims: ClaimsByKind = {};
  for (const key of Object.keys(KIND_OF) as (keyof PushedRows)[]) {
    if (rows[key].length === 0) continue;
    claims[KIND_OF[key].kind] = await judgeRows(db, PUSHED_TABLES[key], KIND_OF[key].noun, rows[key], stored[key]);
  }
  return claims;
}

/** The claims of one kind's rows, of which the insert stored `stored`: the others are looked up. */
async function judgeRows(
  db: Kysely<Database>,
  table: PushedTable,
  noun: string,
  rows: readonly { id: string; device_id: string; content_hash?: string | null }[],
  stored: ReadonlySet<string>,
): Promise<readonly Claim[]> {
  const sent = rows.map((row) => ({ id: row.id, deviceId: row.device_id, contentHash: row.content_hash ?? null }));
  const skipped = sent.filter((row) => !stored.has(row.id)).map((row) => row.id);
  const held = skipped.length === 0 ? NOTHING_HELD : await heldRecords(db, table, skipped);
  return judgeInserted(noun, sent, stored, held);
}

/**
 * Stores a push's survey responses with their answer rows, in its transaction, and judges
 * each as the other kinds are. Only the first of two records with one id goes to the insert:
 * it writes the answer rows of each id it stored, once; the second is judged against the first.
 */
async function storeSurveyResponses(trx: Kysely<Database>, rows: readonly LobbyResponseRow[]): Promise<ClaimsByKind> {
  if (rows.length === 0) return {};
  const firsts = new Map<string, LobbyResponseRow>();
  for (const row of rows) if (!firsts.has(row.id)) firsts.set(row.id, row);
  const stored = await insertSurveyResponses(trx, [...firsts.values()]);
  return { 'survey-response': await judgeRows(trx, 'survey_responses', 'survey response', rows, stored) };
}

/** The kind a record says it is, when it says one: enough to pair it with its claim once triage accepted it. */
const kindOf = (record: unknown): RecordKind | null =>
  typeof record === 'object' && record !== null && 'kind' in record && typeof record.kind === 'string' ? (record.kind as RecordKind) : null;
