import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { HEAD_OFFICE, type Viewer } from '../../../src/domain/access.ts';
import { CASE_CHANNELS, ROLES_FOR, STAFF_ROLES, type CaseEvent, type CaseEventType, type ComplaintCase, type StaffRole } from '../../../src/domain/case.ts';
import { OPINION_KINDS, referenceCode, type Opinion } from '../../../src/domain/opinion.ts';
import { SCORES, type Rating } from '../../../src/domain/rating.ts';
import type { PushResponse, SyncRecord } from '../../../src/domain/wire.ts';
import type { ComplaintCaseRow, Database } from '../../../src/server/db/schema.ts';
import { findDeviceByTokenHash, type KnownDevice } from '../../../src/server/repositories/devices.ts';
import { hashSecret } from '../../../src/server/secrets.ts';
import { addBranch, addCounter } from '../../../src/server/services/branches.ts';
import { enrollDevice, issueEnrollmentCode } from '../../../src/server/services/enrollment.ts';
import { signAll } from '../attest.ts';
import { ingestPush } from '../../../src/server/services/ingest.ts';
import { addTeller } from '../../../src/server/services/tellers.ts';
import { aCaseEvent, CASE_EVENT_FIELDS } from '../../builders/case-event.ts';
import { SERVER_NOW } from '../fixtures.ts';

/**
 * A small network for the report and roll-up tests: two branches in different zones, each
 * with two counters and their tablets, two tellers, one member of staff in each complaint
 * role and a lobby tablet; records reach it only through `ingestPush`, as from tablets.
 */

export const BRANCH_A = '0190a0b0-0000-7000-8000-00000000a000';
export const BRANCH_B = '0190a0b0-0000-7000-8000-00000000b000';

/** Ids in a branch: `${branch}` with its last three hex digits replaced. */
const idIn = (branchId: string, suffix: string): string => branchId.slice(0, -3) + suffix;

export type BranchPlan = { id: string; name: string; timeZone: string };
export const NETWORK: readonly BranchPlan[] = [
  { id: BRANCH_A, name: 'Harbour Road', timeZone: 'Europe/Madrid' },
  { id: BRANCH_B, name: 'Nanjing Road', timeZone: 'Asia/Shanghai' },
];

export interface GivenBranch {
  id: string;
  name: string;
  timeZone: string;
  counterIds: [string, string];
  counterNames: [string, string];
  tellerIds: [string, string];
  staff: Record<StaffRole, string>;
  counters: [KnownDevice, KnownDevice];
  lobby: KnownDevice;
}

/** Sets up one branch of the plan through the admin services and enrolls its tablets. */
export async function givenBranch(db: Kysely<Database>, plan: BranchPlan): Promise<GivenBranch> {
  must(await addBranch(db, { id: plan.id, name: plan.name, timeZone: plan.timeZone, defaultLanguage: 'en' }, SERVER_NOW));
  const counterIds: [string, string] = [idIn(plan.id, 'c01'), idIn(plan.id, 'c02')];
  const counterNames: [string, string] = ['Window 1', 'Window 2'];
  for (const [i, id] of counterIds.entries()) must(await addCounter(db, { id, branchId: plan.id, name: counterNames[i]! }, SERVER_NOW));
  const tellerIds: [string, string] = [idIn(plan.id, 'e01'), idIn(plan.id, 'e02')];
  const prefix = plan.id === BRANCH_A ? '1' : '2';
  for (const [i, id] of tellerIds.entries()) {
    must(await addTeller(db, { id, branchId: plan.id, staffNumber: `${prefix}00${i + 1}`, name: `Teller ${prefix}${i + 1}`, pin: '2468' }, SERVER_NOW));
  }
  const staff = {} as Record<StaffRole, string>;
  for (const [i, role] of STAFF_ROLES.entries()) {
    staff[role] = idIn(plan.id, `f0${i + 1}`);
    must(await addTeller(db, { id: staff[role], branchId: plan.id, staffNumber: `${prefix}10${i + 1}`, name: `Staff ${role}`, pin: role === 'lobby-staff' ? '2468' : '246802', role }, SERVER_NOW));
  }
  const counters = [await enroll(db, { counterId: counterIds[0] }), await enroll(db, { counterId: counterIds[1] })] as [KnownDevice, KnownDevice];
  const lobby = await enroll(db, { mode: 'lobby', branchId: plan.id });
  return { ...plan, counterIds, counterNames, tellerIds, staff, counters, lobby };
}

/** Who reads a report called directly: head office, and the manager of a branch of NETWORK (staff numbers as givenBranch makes them). */
export const HEAD_OFFICE_VIEWER: Viewer = { staffNumber: 'HQ1', name: 'Ana Ruiz', role: HEAD_OFFICE, branchId: null, mustChangePassword: false };
export const managerOf = (branchId: string): Viewer => ({
  staffNumber: `${branchId === BRANCH_A ? '1' : '2'}103`,
  name: 'Staff branch-manager',
  role: 'branch-manager',
  branchId,
  mustChangePassword: false,
});

/** Both branches of NETWORK. */
export async function givenNetwork(db: Kysely<Database>): Promise<GivenBranch[]> {
  const branches: GivenBranch[] = [];
  for (const plan of NETWORK) branches.push(await givenBranch(db, plan));
  return branches;
}

async function enroll(db: Kysely<Database>, target: Parameters<typeof issueEnrollmentCode>[1]): Promise<KnownDevice> {
  const code = must(await issueEnrollmentCode(db, target, SERVER_NOW));
  const enrolled = must(await enrollDevice(db, { code: code.code }, SERVER_NOW));
  const identity = await findDeviceByTokenHash(db, hashSecret(enrolled.token));
  if (!identity) throw new Error('an enrolled device has an identity');
  return identity;
}

function must<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

/**
 * Pushes records as `device` does, its staff signed in with the server (but for the records
 * `offline` names, made with the tablet's own check), and checks every one was accepted.
 */
export async function push(db: Kysely<Database>, device: KnownDevice, records: readonly SyncRecord[], now = SERVER_NOW, offline: ReadonlySet<string> = new Set()): Promise<PushResponse> {
  const signed = await signAll(db, device, records.filter((r) => !offline.has(r.id)));
  const answer = await ingestPush(db, device, { records: records.map((r) => (offline.has(r.id) ? r : signed.shift()!)) }, now);
  const refused = answer.results.filter((r) => r.status !== 'accepted');
  if (refused.length > 0) throw new Error(`refused: ${JSON.stringify(refused)}`);
  return answer;
}

/** A rating at a counter of a branch by one of its tellers. */
export const ratingAt = (branch: GivenBranch, at: number, options: { counter?: 0 | 1; teller?: 0 | 1; score?: Rating['score']; reasons?: string[] } = {}): Rating => ({
  kind: 'rating',
  id: uuidv7(),
  branchId: branch.id,
  counterId: branch.counterIds[options.counter ?? 0],
  tellerId: branch.tellerIds[options.teller ?? 0],
  signInId: uuidv7(),
  score: options.score ?? 'satisfied',
  reasons: options.reasons ?? [],
  language: 'en',
  createdAt: at,
});

let referenceSequence = 0;

/** An opinion-box entry of a branch, with the reference prefix of its lobby tablet. */
export const opinionAt = (branch: GivenBranch, at: number, options: Partial<Pick<Opinion, 'opinionKind' | 'topicId' | 'contact'>> = {}): Opinion => ({
  kind: 'opinion',
  id: uuidv7(),
  branchId: branch.id,
  opinionKind: options.opinionKind ?? 'complaint',
  topicId: options.topicId ?? 'waiting',
  text: 'Only one window was open at lunchtime.',
  visit: null,
  contact: options.contact ?? null,
  referenceCode: referenceCode(branch.lobby.referencePrefix!, ++referenceSequence),
  language: 'en',
  createdAt: at,
});

/** A case event of a branch by its member of staff in the role the type allows first, unless given. */
export function caseEventAt(branch: GivenBranch, type: CaseEventType, caseId: string, at: number, overrides: { role?: StaffRole } & Record<string, unknown> = {}): CaseEvent {
  const role = overrides.role ?? ROLES_FOR[type].at(-1)!;
  return aCaseEvent(type, caseId, { branchId: branch.id, staffId: branch.staff[role], createdAt: at, ...overrides, role });
}

// ---- Generated histories: what tablets of both branches push over several days ----

/** The first instant of the generated days: 20 November 2026 UTC; records spread over five days. */
export const HISTORY_START = Date.UTC(2026, 10, 20);
const HISTORY_MINUTES = 5 * 24 * 60;

type RatingStep = { kind: 'rating'; branch: 0 | 1; counter: 0 | 1; teller: 0 | 1; score: Rating['score']; reasons: string[]; minute: number };
type OpinionStep = { kind: 'opinion'; branch: 0 | 1; opinionKind: Opinion['opinionKind']; topic: string; contact: 'none' | 'phone' | 'email' | 'name-only'; minute: number };
type CaseStep = { kind: 'case'; branch: 0 | 1; caseNo: number; type: CaseEventType; role: StaffRole; fromEntry: boolean; withTopic: boolean; channel: (typeof CASE_CHANNELS)[number]; atFault: boolean; minute: number };
type Step = (RatingStep | OpinionStep | CaseStep) & { breakAfter: boolean; resend: boolean; twice: boolean };

const REASON_IDS = ['waiting-time', 'attitude', 'speed', 'no-longer-listed'];
const TOPIC_IDS = ['waiting', 'staff', 'fees', 'other'];
// Types weighted toward the usual course of a case, so cases reach every state.
const CASE_TYPES: CaseEventType[] = ['opened', 'opened', 'restated', 'answered-on-spot', 'handed-on', 'deadline-agreed', 'replied', 'replied', 'fault-decided', 'escalated', 'head-office-answered', 'signed-off', 'signed-off', 'followed-up', 'reopened'];

const stepArb: fc.Arbitrary<Step> = fc
  .record({
    body: fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('rating' as const), branch: fc.constantFrom(0 as const, 1 as const), counter: fc.constantFrom(0 as const, 1 as const), teller: fc.constantFrom(0 as const, 1 as const), score: fc.constantFrom(...SCORES), reasons: fc.array(fc.constantFrom(...REASON_IDS), { maxLength: 3 }), minute: fc.nat(HISTORY_MINUTES - 1) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('opinion' as const), branch: fc.constantFrom(0 as const, 1 as const), opinionKind: fc.constantFrom(...OPINION_KINDS), topic: fc.constantFrom(...TOPIC_IDS), contact: fc.constantFrom('none' as const, 'phone' as const, 'email' as const, 'name-only' as const), minute: fc.nat(HISTORY_MINUTES - 1) }) },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('case' as const),
          branch: fc.constantFrom(0 as const, 1 as const),
          caseNo: fc.nat(5),
          type: fc.constantFrom(...CASE_TYPES),
          role: fc.constantFrom(...STAFF_ROLES, 'complaint-manager', 'branch-manager'),
          fromEntry: fc.boolean(),
          withTopic: fc.boolean(),
          channel: fc.constantFrom(...CASE_CHANNELS),
          atFault: fc.boolean(),
          minute: fc.nat(HISTORY_MINUTES - 1),
        }),
      },
    ),
    breakAfter: fc.boolean(),
    resend: fc.boolean(),
    twice: fc.boolean(),
  })
  .map(({ body, breakAfter, resend, twice }) => ({ ...body, breakAfter, resend, twice }) as Step);

/** A generated history: steps in the order tablets made them. */
export const historyArb = (options: { minLength?: number; maxLength?: number } = {}) => fc.array(stepArb, { minLength: options.minLength ?? 1, maxLength: options.maxLength ?? 40 });

/** One push of a history: which tablet, the records in the order sent. */
export type HistoryPush = { device: KnownDevice; records: SyncRecord[] };

/**
 * Turns generated steps into the pushes tablets make: records of each tablet in order, a
 * push ending where a step says so; some pushes sent again later (the answer was lost), and
 * some carry a record twice. A case opened "from an entry" names an entry its branch's lobby
 * already made (the tablet fetched it from the review, so the entry is on the server first).
 * Ids are made here: turn a history once and push the same pushes wherever they must agree.
 */
export function historyPushes(steps: readonly Step[], branches: readonly GivenBranch[]): HistoryPush[] {
  const pending = new Map<KnownDevice, SyncRecord[]>();
  const pushes: HistoryPush[] = [];
  const again: HistoryPush[] = [];
  const entries: Opinion[][] = branches.map(() => []);
  const caseIds = new Map<string, string>();
  for (const step of steps) {
    const branch = branches[step.branch]!;
    const at = HISTORY_START + step.minute * 60_000;
    let device: KnownDevice;
    let record: SyncRecord;
    switch (step.kind) {
      case 'rating':
        device = branch.counters[step.counter];
        record = ratingAt(branch, at, { counter: step.counter, teller: step.teller, score: step.score, reasons: step.reasons });
        break;
      case 'opinion': {
        device = branch.lobby;
        const contact = { none: null, phone: { phone: '+34 600 000 000', email: '' }, email: { phone: '', email: 'ana@example.com' }, 'name-only': { phone: '', email: '' } }[step.contact];
        const opinion = opinionAt(branch, at, { opinionKind: step.opinionKind, topicId: step.topic, contact: contact && { name: 'Ana', ...contact, wantsReply: true, consent: true } });
        entries[step.branch]!.push(opinion);
        record = opinion;
        break;
      }
      case 'case': {
        device = branch.lobby;
        const key = `${step.branch}:${step.caseNo}`;
        let caseId = caseIds.get(key);
        if (!caseId) caseIds.set(key, (caseId = uuidv7()));
        // Mostly a role the type allows; case 5 takes any, so some events are refused for it.
        const role = ROLES_FOR[step.type].includes(step.role) || step.caseNo === 5 ? step.role : ROLES_FOR[step.type].at(-1)!;
        const entry = step.fromEntry ? entries[step.branch]!.at(-1) : undefined;
        const fields: Record<string, unknown> =
          step.type === 'opened'
            ? { channel: entry ? 'opinion-box' : step.channel, opinionId: entry?.id ?? null, ...(step.withTopic ? { topicId: TOPIC_IDS[step.caseNo % TOPIC_IDS.length] } : {}) }
            : step.type === 'fault-decided'
              ? { atFault: step.atFault }
              : step.type === 'deadline-agreed'
                ? { dueAt: at + 6 * 3_600_000 }
                : {};
        record = caseEventAt(branch, step.type, caseId, at, { ...CASE_EVENT_FIELDS[step.type], ...fields, role });
        break;
      }
    }
    const records = pending.get(device) ?? [];
    records.push(record);
    if (step.twice) records.push(record);
    pending.set(device, records);
    if (step.breakAfter) {
      const sent = { device, records };
      pushes.push(sent);
      if (step.resend) again.push(sent);
      pending.delete(device);
    }
  }
  for (const [device, records] of pending) pushes.push({ device, records });
  return [...pushes, ...again];
}

/** Empties what tablets pushed and everything computed from it, keeping the network. */
export async function clearRecords(db: Kysely<Database>): Promise<void> {
  const tables = ['ratings', 'shift_events', 'opinions', 'opinion_reads', 'case_events', 'rating_days', 'rating_branch_days', 'rating_reason_days', 'opinion_days', 'complaint_cases', 'case_days'] as const;
  for (const table of tables) await db.deleteFrom(table).execute();
}

/** Pushes a history's pushes in order. */
export async function pushHistory(db: Kysely<Database>, pushes: readonly HistoryPush[]): Promise<void> {
  for (const { device, records } of pushes) await push(db, device, records);
}

/**
 * Every roll-up row and the case projection, in key order, for comparing two states exactly.
 * Sorted here, not in SQL: PostgreSQL sorts text by its collation, SQLite by bytes.
 */
export async function rollupsOf(db: Kysely<Database>) {
  const all = async <T extends keyof Database>(table: T, keys: string[]) => {
    const rows = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    const keyOf = (row: Record<string, unknown>) => JSON.stringify(keys.map((k) => row[k]));
    return rows.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  };
  const cases = (await all('complaint_cases', ['id'])) as ComplaintCaseRow[];
  return {
    ratingDays: await all('rating_days', ['branch_id', 'day', 'counter_id', 'teller_id']),
    ratingBranchDays: await all('rating_branch_days', ['branch_id', 'day']),
    ratingReasonDays: await all('rating_reason_days', ['branch_id', 'day', 'counter_id', 'teller_id', 'reason_id']),
    opinionDays: await all('opinion_days', ['branch_id', 'day', 'opinion_kind', 'topic_id']),
    complaintCases: cases.map((c) => ({ ...c, state: JSON.parse(c.state) as ComplaintCase })),
    caseDays: await all('case_days', ['branch_id', 'day', 'channel', 'topic_id']),
  };
}

// ---- Two busy days: a small, known history the report tests check figure by figure ----

/** When the reports of the two busy days are read: 25 November 2026, 12:00 UTC. */
export const REPORT_NOW = Date.UTC(2026, 10, 25, 12);
const t = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour, minute);

export const CASES = {
  /** A, opened 23 Nov in person about fees; replied, the bank not at fault, followed up. */
  replied: '019ab000-0000-7000-8000-00000000ca01',
  /** A, opened 24 Nov by phone with no topic, handed on: due three days after opening. */
  handedOn: '019ab000-0000-7000-8000-00000000ca02',
  /** B, opened 23 Nov (22:00 in Shanghai) from a suggestion about staff; escalated, the bank at fault; overdue. */
  escalated: '019ab000-0000-7000-8000-00000000ca03',
  /** A, opened 22 Nov (before the period) about waiting; never answered: overdue. */
  forgotten: '019ab000-0000-7000-8000-00000000ca04',
} as const;

/**
 * Both branches over 22–25 November 2026 (UTC times; Madrid is UTC+1, Shanghai UTC+8):
 *
 * A ratings: 23rd 10:00 c1 t1 very satisfied; 10:05 c1 t1 satisfied; 10:10 c2 t2 neutral
 *   (attitude); 10:15 c2 t2 dissatisfied (waiting-time, attitude); 24th 09:00 c1 t2 satisfied;
 *   09:05 c1 t1 satisfied; and on the 22nd (before the period) c1 t1 satisfied.
 * B ratings: 23rd 15:00 (23:00 local) c1 t1 satisfied; 16:30 (00:30 on the 24th local) c1 t1
 *   dissatisfied (a reason the branch no longer lists).
 * Entries: A a complaint on the 23rd and praise on the 24th; B a suggestion about staff on the 23rd.
 * Cases: see CASES. Every staff step was signed in with the server's check but the phone
 * case's handing on, made offline.
 */
export async function givenTwoBusyDays(db: Kysely<Database>): Promise<GivenBranch[]> {
  const [a, b] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
  await push(db, a.counters[0], [
    ratingAt(a, t(22, 10)),
    ratingAt(a, t(23, 10), { score: 'very-satisfied' }),
    ratingAt(a, t(23, 10, 5)),
    ratingAt(a, t(24, 9), { teller: 1 }),
    ratingAt(a, t(24, 9, 5)),
  ]);
  await push(db, a.counters[1], [
    ratingAt(a, t(23, 10, 10), { counter: 1, teller: 1, score: 'neutral', reasons: ['attitude'] }),
    ratingAt(a, t(23, 10, 15), { counter: 1, teller: 1, score: 'dissatisfied', reasons: ['waiting-time', 'attitude'] }),
  ]);
  await push(db, b.counters[0], [ratingAt(b, t(23, 15)), ratingAt(b, t(23, 16, 30), { score: 'dissatisfied', reasons: ['no-longer-listed'] })]);

  // The phone complaint was handed on with the branch's network down: the tablet's word.
  const handedOffline = caseEventAt(a, 'handed-on', CASES.handedOn, t(24, 8, 10), { role: 'lobby-staff' });
  await push(db, a.lobby, [
    opinionAt(a, t(23, 12), { opinionKind: 'complaint', topicId: 'waiting' }),
    opinionAt(a, t(24, 12), { opinionKind: 'praise', topicId: 'staff' }),
    caseEventAt(a, 'opened', CASES.forgotten, t(22, 9), { role: 'lobby-staff', topicId: 'waiting' }),
    caseEventAt(a, 'opened', CASES.replied, t(23, 11), { role: 'lobby-staff', topicId: 'fees' }),
    caseEventAt(a, 'replied', CASES.replied, t(23, 12)),
    caseEventAt(a, 'fault-decided', CASES.replied, t(23, 12, 30), { atFault: false }),
    caseEventAt(a, 'followed-up', CASES.replied, t(24, 10)),
    caseEventAt(a, 'opened', CASES.handedOn, t(24, 8), { role: 'lobby-staff', channel: 'phone' }),
    handedOffline,
  ], SERVER_NOW, new Set([handedOffline.id]));
  const suggestion = opinionAt(b, t(23, 13), { opinionKind: 'suggestion', topicId: 'staff' });
  await push(db, b.lobby, [
    suggestion,
    caseEventAt(b, 'opened', CASES.escalated, t(23, 14), { role: 'complaint-manager', channel: 'opinion-box', opinionId: suggestion.id }),
    caseEventAt(b, 'escalated', CASES.escalated, t(23, 14, 30)),
    caseEventAt(b, 'fault-decided', CASES.escalated, t(23, 15), { atFault: true }),
  ]);
  return [a, b];
}

/** The figures: every roll-up, and each case's state but for its words and the mark of their blanking (retention, erasure). */
export async function figuresOf(db: Kysely<Database>) {
  const rollups = await rollupsOf(db);
  return {
    ...rollups,
    complaintCases: rollups.complaintCases.map(({ text_blanked_at: _, state: { summary: __, ...state }, ...row }) => ({ ...row, state })),
  };
}

/** The words of a case's events, in order: an opening's summary, another step's text, null for a step without words. */
export const eventTexts = async (db: Kysely<Database>, caseId: string) =>
  (await db.selectFrom('case_events').select('payload').where('case_id', '=', caseId).orderBy('seq').execute()).map((r) => {
    const event = JSON.parse(r.payload) as { summary?: string; text?: string };
    return event.summary ?? event.text ?? null;
  });
