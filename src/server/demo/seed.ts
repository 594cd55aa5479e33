import type { Kysely } from 'kysely';
import type { Language } from '../../domain/language.ts';
import { uuidv7 } from 'uuidv7';
import { isFormalAct, type CaseChannel, type CaseEvent, type StaffRole } from '../../domain/case.ts';
import { isManagerRole, STAFF_SESSION_MS } from '../../domain/staff-session.ts';
import { referenceCode, type Opinion, type OpinionKind } from '../../domain/opinion.ts';
import { addDays, localDayOf, startOfLocalDay, type LocalDay } from '../../domain/period.ts';
import { MAX_QUEUE_EVENTS, type QueueEvent } from '../../domain/queue.ts';
import { SCORES, type Rating, type Score } from '../../domain/rating.ts';
import { DEFAULT_TOPICS } from '../../domain/topic.ts';
import type { DeviceHealth, SyncRecord } from '../../domain/wire.ts';
import type { ShiftEvent } from '../../domain/shift.ts';
import type { Database } from '../db/schema.ts';
import { findDeviceByTokenHash, type KnownDevice } from '../repositories/devices.ts';
import { hashSecret } from '../secrets.ts';
import { seededRandom } from './random.ts';
import { seedSurveys } from './surveys.ts';
import { queueDaySeed, simulateQueueDay } from './queue-day.ts';
import { addBranch, addCounter } from '../services/branches.ts';
import { enrollDevice, issueEnrollmentCode } from '../services/enrollment.ts';
import { acknowledgeAlert } from '../services/alert-acks.ts';
import { ingestPush } from '../services/ingest.ts';
import { postQueueEvents } from '../services/queue-events.ts';
import { matchDirtyDays } from '../services/queue-match.ts';
import { addQueueSystem, authenticateQueueKey, setCounterQueueCode, type QueueActor } from '../services/queue-systems.ts';
import { openStaffSession, signRecord } from '../services/staff-sessions.ts';
import type { StaffSession } from '../repositories/staff-sessions.ts';
import { addTeller } from '../services/tellers.ts';
import { CASE_TEXTS, DEMO_BRANCHES, DEMO_INTEGRITY_CASES, DEMO_RUN_LENGTH, OPINION_TEXTS, PROFILES, type DemoBranch, type DemoIntegrityCase, type DemoTeller } from './world.ts';

/**
 * Seeds the demo network through the same path tablets use: branches, counters and staff
 * through the admin services, tablets enrolled with codes, and every rating, opinion-box
 * entry and complaint-case event pushed through `ingestPush` in batches, so the roll-ups
 * the dashboard reads are built exactly as in production. Each branch's customers come
 * from its queue system's day (queue-day.ts): they are issued tickets, called, served, and
 * most rate the teller on their way out; the queue system posts every step through the
 * server's intake (`postQueueEvents`, with the branch's key) and the matcher joins the
 * ratings to the tickets before the demo starts. Deterministic for a seed.
 */

export interface DemoOptions {
  /** The server's clock: the demo's last day is this one, up to this instant. */
  now: number;
  /** How many days back, today included. */
  days: number;
  seed?: number;
  branches?: readonly DemoBranch[];
  /**
   * Whether each branch has a queue system that posts its tickets (true by default).
   * Without, the ratings still follow the simulated customers; nothing is posted or matched.
   */
  queueSystems?: boolean;
}

export interface SeededBranch {
  id: string;
  key: string;
  name: string;
  counterIds: string[];
  /** Staff ids by role, and every teller by staff number. */
  staff: Record<StaffRole, string>;
  tellers: Map<string, string>;
  devices: { counters: KnownDevice[]; lobby: KnownDevice };
  /** The key of the branch's queue system, shown once as a real one is; null without one. */
  queueKey: string | null;
}

export interface DemoCounts {
  ratings: number;
  opinions: number;
  caseEvents: number;
  shiftEvents: number;
  tickets: number;
  queueEvents: number;
  /** Survey responses, from the lobby tablets and from phones (surveys.ts). */
  surveyResponses: number;
}

export interface SeededDemo {
  branches: SeededBranch[];
  counts: DemoCounts;
}

/** The PIN every demo teller and lobby clerk signs in with on a tablet … */
export const DEMO_PIN = '2468';
/** … and every demo manager, whose PIN must be longer. */
export const DEMO_MANAGER_PIN = '246802';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const BATCH = 200;
/** The longest a demo tablet's batch spans: with its minute to arrive, well within LATE_AFTER_MS. */
const BATCH_SPAN_MS = 10 * 60_000;
/** The share of served customers who rate the teller on their way out. */
const RATED_SHARE = 0.85;

type Random = () => number;

/** A count with the given mean (Knuth's method: the means here are small). */
function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

function pickWeighted<T extends string>(random: Random, weights: Record<T, number>): T {
  const entries = Object.entries(weights) as [T, number][];
  let roll = random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of entries) {
    roll -= weight;
    if (roll <= 0) return value;
  }
  return entries.at(-1)![0];
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (random: Random, from: number, to: number): number => from + Math.floor(random() * (to - from));

export async function seedDemo(db: Kysely<Database>, options: DemoOptions): Promise<SeededDemo> {
  const random = seededRandom(options.seed ?? 20261130);
  const counts: DemoCounts = { ratings: 0, opinions: 0, caseEvents: 0, shiftEvents: 0, tickets: 0, queueEvents: 0, surveyResponses: 0 };
  const branches: SeededBranch[] = [];
  const queueSystems = options.queueSystems ?? true;
  for (const plan of options.branches ?? DEMO_BRANCHES) {
    const branch = await setUpBranch(db, plan, options.now - options.days * 24 * HOUR, queueSystems);
    branches.push(branch);
    const records = generateBranch(plan, branch, options, random);
    counts.ratings += records.ratings;
    counts.opinions += records.opinions;
    counts.caseEvents += records.caseEvents;
    counts.shiftEvents += records.shiftEvents;
    const lobby = records.byDevice.get(branch.devices.lobby);
    if (lobby) records.byDevice.set(branch.devices.lobby, await signStaffActs(db, branch, lobby, random));
    for (const [device, list] of records.byDevice) await pushAll(db, device, list, options.now);
    if (branch.queueKey !== null) {
      for (const queueDay of records.queueDays) await postQueueDay(db, branch.queueKey, queueDay.events, options.now);
      counts.tickets += records.queueDays.reduce((n, d) => n + d.tickets, 0);
      counts.queueEvents += records.queueDays.reduce((n, d) => n + d.events.length, 0);
    }
  }
  const plans = options.branches ?? DEMO_BRANCHES;
  counts.surveyResponses = await seedSurveys(db, branches, { now: options.now, days: options.days, random, languageOf: (b) => plans.find((p) => p.key === b.key)!.language });
  await reportHealth(db, branches, options.now, random);
  await acknowledgeHistory(db, branches, options, random);
  // What the server's matcher does every two seconds, done now so the demo opens with every day joined.
  if (queueSystems) await matchEveryDay(db, options.now);
  return { branches, counts };
}

/**
 * Posts a day's queue events as the branch's queue system does, with its key, through the
 * server's own intake: in order, MAX_QUEUE_EVENTS a post, each received a minute after its
 * last event (so the key's last use is the last post's).
 */
async function postQueueDay(db: Kysely<Database>, key: string, events: readonly QueueEvent[], now: number): Promise<void> {
  const system = must(await authenticateQueueKey(db, key));
  for (let start = 0; start < events.length; start += MAX_QUEUE_EVENTS) {
    const batch = events.slice(start, start + MAX_QUEUE_EVENTS);
    const answer = await postQueueEvents(db, system, batch, QUEUE_SYSTEM_ADDRESS, Math.min(now, batch.at(-1)!.at + MINUTE));
    const refused = answer.results.filter((r) => r.status === 'rejected');
    if (refused.length > 0) throw new Error(`demo: the server refused ${refused.length} queue events: ${JSON.stringify(refused[0])}`);
  }
}

/** Where the demo's queue systems post from: a branch's own network. */
const QUEUE_SYSTEM_ADDRESS = '10.20.0.15';

/** Matches every marked branch-day (services/queue-match.ts), failing loudly where the server's worker would log and retry. */
async function matchEveryDay(db: Kysely<Database>, now: number): Promise<void> {
  const failures: object[] = [];
  const log = { error: (o: object) => failures.push(o) };
  while ((await matchDirtyDays(db, now, 50, log)) > 0 && failures.length === 0);
  if (failures.length > 0) throw new Error(`demo: matching failed: ${String((failures[0] as { err?: unknown }).err)}`);
}

/** What a branch manager writes when they acknowledge an alert, in the branch's language. */
const ACK_COMMENTS: Record<Language, readonly string[]> = {
  en: ['Spoke with the customer before they left.', 'Called the customer back; the explanation satisfied them.', 'Talked it over with the teller.'],
  es: ['Hablé con el cliente antes de que se fuera.', 'Llamé al cliente; quedó conforme con la explicación.', 'Lo comenté con el cajero.'],
  'zh-Hans': ['客户离开前已当面沟通。', '已回电客户，客户对解释表示满意。', '已与柜员沟通。'],
  'zh-Hant': ['客戶離開前已當面溝通。', '已回電客戶，客戶對解釋表示滿意。', '已與櫃員溝通。'],
};

/**
 * The alerts the seeded history raised, acknowledged as a branch would have: each by its
 * branch manager a few minutes after it was raised, with a comment, through the same service
 * as the dashboard's. Those of the last two hours stay open, so the demo's Alerts page has
 * something to do and its clock something to escalate.
 */
async function acknowledgeHistory(db: Kysely<Database>, branches: readonly SeededBranch[], options: DemoOptions, random: Random): Promise<void> {
  const plans = options.branches ?? DEMO_BRANCHES;
  for (const branch of branches) {
    const plan = plans.find((p) => p.key === branch.key)!;
    const manager = { by: plan.branchManager.staffNumber, name: plan.branchManager.name, via: 'dashboard-session', actor: plan.branchManager.staffNumber, mayAct: () => true } as const;
    const open = await db
      .selectFrom('alerts')
      .select(['id', 'raised_at'])
      .where('branch_id', '=', branch.id)
      .where('acknowledged_at', 'is', null)
      .where('raised_at', '<', options.now - 2 * HOUR)
      .orderBy('seq')
      .execute();
    for (const alert of open) {
      const at = Number(alert.raised_at) + between(random, 1, 9) * MINUTE;
      must(await acknowledgeAlert(db, manager, alert.id, { comment: pick(random, ACK_COMMENTS[plan.language]) }, at));
    }
  }
}

/**
 * The branch, its counters and staff, its tablets enrolled with codes as staff would, and
 * its queue system: a key made by its branch manager, each counter mapped to the number the
 * queue system calls it (1, 2, …).
 */
async function setUpBranch(db: Kysely<Database>, plan: DemoBranch, createdAt: number, queueSystem: boolean): Promise<SeededBranch> {
  const branch = must(await addBranch(db, { name: plan.name, defaultLanguage: plan.language, timeZone: plan.timeZone }, createdAt));
  const counterIds: string[] = [];
  for (const name of plan.counters) counterIds.push(must(await addCounter(db, { branchId: branch.id, name }, createdAt)).id);
  let queueKey: string | null = null;
  if (queueSystem) {
    const manager: QueueActor = { actor: { actor: plan.branchManager.staffNumber, role: 'branch-manager', verified: 'dashboard-session' } };
    queueKey = must(await addQueueSystem(db, manager, branch.id, QUEUE_SYSTEM_NAMES[plan.language], createdAt)).key;
    for (const [index, counterId] of counterIds.entries()) must(await setCounterQueueCode(db, manager, counterId, queueCodeOf(index), createdAt));
  }
  const tellers = new Map<string, string>();
  for (const t of plan.tellers) {
    const teller = must(await addTeller(db, { branchId: branch.id, staffNumber: t.staffNumber, name: t.name, pin: DEMO_PIN, stars: PROFILES[t.profile].stars, oneTime: false }, createdAt));
    tellers.set(t.staffNumber, teller.id);
  }
  const staff = {} as Record<StaffRole, string>;
  for (const [role, person] of [['lobby-staff', plan.lobbyStaff], ['complaint-manager', plan.complaintManager], ['branch-manager', plan.branchManager]] as const) {
    const pin = isManagerRole(role) ? DEMO_MANAGER_PIN : DEMO_PIN;
    staff[role] = must(await addTeller(db, { branchId: branch.id, staffNumber: person.staffNumber, name: person.name, pin, role, oneTime: false }, createdAt)).id;
  }
  const counters: KnownDevice[] = [];
  for (const counterId of counterIds) counters.push(await enroll(db, { counterId }, createdAt));
  const lobby = await enroll(db, { mode: 'lobby', branchId: branch.id }, createdAt);
  return { id: branch.id, key: plan.key, name: plan.name, counterIds, staff, tellers, devices: { counters, lobby }, queueKey };
}

/** What the demo's queue systems are called on Manage › Queue system. */
/** What each branch calls its queue system, in its own language: demo data, as the branches' names are. */
const QUEUE_SYSTEM_NAMES: Record<Language, string> = { 'zh-Hans': '大厅取号机', 'zh-Hant': '大堂取籌機', en: 'Ticket machine', es: 'Expendedor de turnos' };
/** The number the queue system calls a counter: its place, from 1. */
const queueCodeOf = (index: number): string => String(index + 1);

async function enroll(db: Kysely<Database>, target: Parameters<typeof issueEnrollmentCode>[1], now: number): Promise<KnownDevice> {
  const code = must(await issueEnrollmentCode(db, target, now));
  const enrolled = must(await enrollDevice(db, { code: code.code, appVersion: '0.1.0' }, now));
  const identity = await findDeviceByTokenHash(db, hashSecret(enrolled.token));
  if (!identity) throw new Error('demo: the enrolled device cannot be found');
  return { ...identity, referencePrefix: enrolled.referencePrefix };
}

/** A day of the branch's queue system: what it told by the demo's `now`, and how many tickets that is. */
type QueueDayTold = { day: LocalDay; events: QueueEvent[]; tickets: number };

type Generated = { byDevice: Map<KnownDevice, SyncRecord[]>; queueDays: QueueDayTold[]; ratings: number; opinions: number; caseEvents: number; shiftEvents: number };

/** Every record of a branch over the demo's days, by the tablet that makes it. */
function generateBranch(plan: DemoBranch, branch: SeededBranch, options: DemoOptions, random: Random): Generated {
  const byDevice = new Map<KnownDevice, SyncRecord[]>();
  const add = (device: KnownDevice, record: SyncRecord) => {
    const list = byDevice.get(device) ?? [];
    list.push(record);
    byDevice.set(device, list);
  };
  const out: Generated = { byDevice, queueDays: [], ratings: 0, opinions: 0, caseEvents: 0, shiftEvents: 0 };
  const codes = plan.counters.map((_, index) => queueCodeOf(index));
  const seed = options.seed ?? 20261130;
  const today = localDayOf(options.now, plan.timeZone);
  const topics = DEFAULT_TOPICS.map((t) => t.id);
  const caseEvents: CaseEvent[] = [];
  let opinionSequence = 0;

  for (let back = options.days - 1; back >= 0; back--) {
    const day = addDays(today, -back);
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday === 0) continue; // branches close on Sundays
    const volume = weekday === 6 ? 0.45 : 1;
    const closesHour = weekday === 6 ? 13 : 17;
    const opens = startOfLocalDay(day, plan.timeZone) + 9 * HOUR;
    const closes = opens + (closesHour - 9) * HOUR;
    const until = Math.min(closes, options.now);
    if (until <= opens) continue;

    // The day's customers as the branch's queue system sees them: a ticket each, called to
    // the first free counter, served, closed. What it has told by `now` is posted.
    const queueDay = simulateQueueDay({
      day,
      timeZone: plan.timeZone,
      counters: codes,
      customers: plan.ratingsPerCounter * plan.counters.length * volume,
      closesHour,
      pace: plan.servicePace ?? 1,
      breaks: codes.slice(0, plan.lunchCounters ?? 0).map((counter) => ({ counter, fromHour: 12, toHour: 13.5 })),
      seed: queueDaySeed(seed, plan.key, day),
    });
    const told = queueDay.events.filter((e) => e.at <= options.now);
    if (told.length > 0) out.queueDays.push({ day, events: told, tickets: queueDay.tickets.filter((t) => t.issuedAt <= options.now).length });
    const cases = DEMO_INTEGRITY_CASES.filter((c) => c.branch === plan.key && integrityCaseDay(c, today) === day);

    // Each counter: the teller on duty (a rota), a sign-in, the ratings of the customers it
    // served, a sign-out once its last customer has gone.
    plan.counters.forEach((_, index) => {
      const device = branch.devices.counters[index]!;
      const teller = plan.tellers[(index + back) % plan.tellers.length]!;
      const tellerId = branch.tellers.get(teller.staffNumber)!;
      const signInId = uuidv7();
      const shift = (type: ShiftEvent['type'], at: number): ShiftEvent => ({
        kind: 'shift', id: uuidv7(), branchId: branch.id, counterId: device.counterId!, tellerId, signInId, type, createdAt: at,
      });
      add(device, shift('signed-in', opens - 5 * MINUTE));
      out.shiftEvents++;
      const served = queueDay.tickets.filter((t) => t.counter === codes[index]);
      const rate = (at: number, score?: Score) => rating(random, plan, branch.id, device.counterId!, tellerId, signInId, teller, at, score);
      // Most customers rate on their way out, seconds after the teller closes their ticket:
      // never so soon after the one before as to look like a burst (no service is that short).
      let ratings: Rating[] = [];
      for (const ticket of served) {
        if (random() >= RATED_SHARE) continue;
        const at = ticket.endedAt + between(random, 4_000, 30_000);
        if (at <= options.now) ratings.push(rate(at));
      }
      for (const c of cases.filter((c) => c.counter === index)) ratings = withIntegrityCase(c, ratings, { opens, closes, rate, random });
      for (const r of ratings) add(device, r);
      out.ratings += ratings.length;
      const leaves = Math.max(closes, ...served.map((t) => t.endedAt)) + 5 * MINUTE;
      if (leaves <= options.now) {
        add(device, shift('signed-out', leaves));
        out.shiftEvents++;
      }
    });

    // The opinion box, and the complaints it brings.
    const entries = poisson(random, plan.opinionsPerDay * volume);
    for (let i = 0; i < entries; i++) {
      const at = between(random, opens, until);
      const kind = pickWeighted<OpinionKind>(random, { complaint: 35, suggestion: 30, praise: 25, question: 10 });
      const topicId = pick(random, topics);
      const opinion = anOpinion(random, plan, branch, kind, topicId, opinionSequence++, at);
      add(branch.devices.lobby, opinion);
      out.opinions++;
      if (kind === 'complaint' && random() < 0.85) {
        // The complaint manager opens a case from it at the daily review, the next morning at the latest.
        const openedAt = Math.min(options.now, at + between(random, 20 * MINUTE, 18 * HOUR));
        caseEvents.push(...handleCase(random, plan, branch, options.now, { channel: 'opinion-box', opinionId: opinion.id, topicId, openedAt, by: 'complaint-manager' }));
      }
    }

    // Complaints received in person, on the phone, by letter or from the hotline.
    const direct = poisson(random, plan.directComplaintsPerDay * volume);
    for (let i = 0; i < direct; i++) {
      const channel = pickWeighted<Exclude<CaseChannel, 'opinion-box'>>(random, { 'in-person': 5, phone: 3, letter: 1, hotline: 1 });
      caseEvents.push(...handleCase(random, plan, branch, options.now, { channel, opinionId: null, topicId: pick(random, topics), openedAt: between(random, opens, until), by: 'lobby-staff' }));
    }
  }

  // The lobby tablet pushes case events in the order staff made them.
  caseEvents.sort((a, b) => a.createdAt - b.createdAt);
  for (const event of caseEvents) add(branch.devices.lobby, event);
  out.caseEvents += caseEvents.length;
  return out;
}

/**
 * The day an integrity case falls on: `daysBack` before today, or the Saturday before when
 * that is a Sunday (branches are closed).
 */
export function integrityCaseDay(c: DemoIntegrityCase, today: LocalDay): LocalDay {
  const day = addDays(today, -c.daysBack);
  return new Date(`${day}T12:00:00Z`).getUTCDay() === 0 ? addDays(day, -1) : day;
}

type CaseTools = { opens: number; closes: number; rate: (at: number, score?: Score) => Rating; random: Random };

/** A counter's ratings of a day, with an integrity case made in them. */
function withIntegrityCase(c: DemoIntegrityCase, ratings: readonly Rating[], { opens, closes, rate, random }: CaseTools): Rating[] {
  switch (c.kind) {
    case 'no-ticket':
      // Signed in five minutes before opening, the teller tries the tablet.
      return [rate(opens - 2 * MINUTE, 'very-satisfied'), ...ratings];
    case 'burst': {
      // Three quarters into the day, five taps seconds apart.
      let at = opens + Math.round((closes - opens) * 0.75);
      const taps: Rating[] = [];
      for (let i = 0; i < 5; i++) {
        taps.push(rate(at, 'dissatisfied'));
        at += between(random, 6_000, 15_000);
      }
      return [...ratings, ...taps].sort((a, b) => a.createdAt - b.createdAt);
    }
    case 'same-score-run': {
      // Thirty customers in a row from the first third of the day press "satisfied": a run the
      // counter's own mix makes far less likely than one in a thousand.
      const from = Math.floor(ratings.length / 3);
      return ratings.map((r, i) => (i >= from && i < from + DEMO_RUN_LENGTH ? { ...r, score: 'satisfied', reasons: [] } : r));
    }
  }
}

function rating(random: Random, plan: DemoBranch, branchId: string, counterId: string, tellerId: string, signInId: string, teller: DemoTeller, at: number, forced?: Score): Rating {
  const profile = PROFILES[teller.profile];
  const score = forced ?? pickWeighted<Score>(random, profile.scores);
  const reasons = score === 'neutral' || score === 'dissatisfied' ? (random() < 0.8 ? [pickWeighted<string>(random, profile.reasons)] : []) : [];
  // Customers of Madrid and Mexico rate in Spanish; a few switch to English.
  const language = random() < 0.1 ? 'en' : plan.language;
  return { kind: 'rating', id: uuidv7(), branchId, counterId, tellerId, signInId, score, reasons, language, createdAt: at };
}

function anOpinion(random: Random, plan: DemoBranch, branch: SeededBranch, kind: OpinionKind, topicId: string, sequence: number, at: number): Opinion {
  const withContact = random() < (kind === 'complaint' ? 0.6 : kind === 'question' ? 0.7 : 0.2);
  const visitScore: Score | null = random() < 0.5 ? pick(random, kind === 'praise' ? SCORES.slice(0, 2) : SCORES) : null;
  return {
    kind: 'opinion',
    id: uuidv7(),
    branchId: branch.id,
    opinionKind: kind,
    topicId,
    text: pick(random, OPINION_TEXTS[plan.language][kind]!),
    visit: visitScore === null ? null : { score: visitScore, counterId: null, tellerId: null },
    contact: withContact
      ? { name: pick(random, plan.tellers).name.split(' ')[0] ?? 'Cliente', phone: `+${between(random, 10, 99)} 6${between(random, 10_000_000, 99_999_999)}`, email: '', wantsReply: random() < 0.7, consent: true }
      : null,
    referenceCode: referenceCode(branch.devices.lobby.referencePrefix!, sequence),
    language: plan.language,
    createdAt: at,
  };
}

type CaseStart = { channel: CaseChannel; opinionId: string | null; topicId: string; openedAt: number; by: StaffRole };

/**
 * One complaint handled by the branch's rules: opened, restated when in person, answered on
 * the spot or handed to the complaint manager, replied (late now and then, or not yet),
 * responsibility decided, signed off by the branch manager, and sometimes followed up.
 * Only what has happened by `now` is made.
 */
function handleCase(random: Random, plan: DemoBranch, branch: SeededBranch, now: number, start: CaseStart): CaseEvent[] {
  const texts = CASE_TEXTS[plan.language];
  const caseId = uuidv7();
  const events: CaseEvent[] = [];
  let at = start.openedAt;
  const push = (role: StaffRole, fields: Record<string, unknown>, when: number) => {
    if (when > now) return false;
    events.push({ kind: 'case-event', id: uuidv7(), caseId, branchId: branch.id, staffId: branch.staff[role], role, createdAt: when, ...fields } as CaseEvent);
    return true;
  };
  const summary = start.opinionId ? pick(random, OPINION_TEXTS[plan.language].complaint!) : pick(random, texts.summaries);
  push(start.by, { type: 'opened', channel: start.channel, opinionId: start.opinionId, topicId: start.topicId, summary }, at);
  if (start.channel === 'in-person') {
    at += 3 * MINUTE;
    push('lobby-staff', { type: 'restated', text: texts.restated }, at);
    if (random() < 0.35) {
      at += 10 * MINUTE;
      push('lobby-staff', { type: 'answered-on-spot', text: texts.reply }, at);
      closeOut(random, plan, push, at, texts);
      return events;
    }
  }
  if (start.by === 'lobby-staff') {
    at += 15 * MINUTE;
    push('lobby-staff', { type: 'handed-on', toStaffId: branch.staff['complaint-manager'] }, at);
  }
  if (random() < 0.03) {
    at += 2 * HOUR;
    push('branch-manager', { type: 'escalated', text: texts.summaries[0]! }, at);
    at += between(random, 20 * HOUR, 60 * HOUR);
    if (!push('complaint-manager', { type: 'head-office-answered', text: texts.reply }, at)) return events;
  }
  const late = random() < plan.lateChance;
  // Most replies come within the day; a late one misses the 3-day deadline of a handed-on case.
  at += late ? between(random, 74 * HOUR, 120 * HOUR) : between(random, 1 * HOUR, 20 * HOUR);
  if (push('complaint-manager', { type: 'replied', channel: pick(random, ['phone', 'in-person', 'email', 'letter'] as const), text: texts.reply }, at)) {
    closeOut(random, plan, push, at, texts);
  }
  return events;
}

/** After the reply: responsibility, the branch manager's sign-off, and the follow-up call. */
function closeOut(random: Random, plan: DemoBranch, push: (role: StaffRole, fields: Record<string, unknown>, when: number) => boolean, repliedAt: number, texts: (typeof CASE_TEXTS)['en']): void {
  let at = repliedAt;
  if (random() < 0.7) {
    at += between(random, 10 * MINUTE, 2 * HOUR);
    const atFault = random() < 0.45;
    push('complaint-manager', { type: 'fault-decided', atFault, text: atFault ? texts.fault : texts.reply }, at);
  }
  at += between(random, 2 * HOUR, 40 * HOUR);
  push('branch-manager', { type: 'signed-off' }, at);
  if (random() < plan.followUpChance) {
    at += between(random, 20 * HOUR, 70 * HOUR);
    push('complaint-manager', { type: 'followed-up', outcome: random() < 0.8 ? 'satisfied' : 'not-satisfied', text: texts.followUp }, at);
  }
}

/**
 * Staff work the lobby tablet signed in with the server: their case events carry the staff
 * session's signature (one session per role and half day), so the server keeps them as
 * checked by it. One in ten of the everyday acts was made offline, checked by the tablet
 * only, as happens when the branch's network is down; a formal act never is (the server
 * would refuse it).
 */
async function signStaffActs(db: Kysely<Database>, branch: SeededBranch, records: SyncRecord[], random: Random): Promise<SyncRecord[]> {
  const sessions = new Map<string, StaffSession>();
  const signed: SyncRecord[] = [];
  for (const record of records) {
    if (record.kind !== 'case-event' || (!isFormalAct(record.type) && random() < 0.1)) {
      signed.push(record);
      continue;
    }
    const half = Math.floor(record.createdAt / STAFF_SESSION_MS);
    const key = `${record.role}|${half}`;
    let session = sessions.get(key);
    if (!session) {
      session = await openStaffSession(db, {
        deviceId: branch.devices.lobby.id,
        branchId: branch.id,
        staffId: record.staffId,
        role: record.role,
        createdAt: half * STAFF_SESSION_MS,
      });
      sessions.set(key, session);
    }
    signed.push(signRecord(record, session));
  }
  return signed;
}

/**
 * Pushes a tablet's records in order, as its sync engine would: the records of a few minutes
 * together (a burst of taps, a quiet spell), each batch arriving a minute after its last
 * record. So a record reaches the server within minutes of being made, and raises its alert
 * on time, never as late data (LATE_AFTER_MS).
 */
async function pushAll(db: Kysely<Database>, device: KnownDevice, records: SyncRecord[], now: number): Promise<void> {
  records.sort((a, b) => a.createdAt - b.createdAt);
  let start = 0;
  while (start < records.length) {
    let end = start + 1;
    while (end < records.length && end - start < BATCH && records[end]!.createdAt - records[start]!.createdAt < BATCH_SPAN_MS) end++;
    const batch = records.slice(start, end);
    const receivedAt = Math.min(now, batch.at(-1)!.createdAt + MINUTE);
    const answer = await ingestPush(db, device, { records: batch }, receivedAt);
    const refused = answer.results.filter((r) => r.status === 'rejected');
    if (refused.length > 0) throw new Error(`demo: the server refused ${refused.length} records: ${JSON.stringify(refused[0])}`);
    start = end;
  }
}

/**
 * The fleet as a living branch network shows it: most tablets synced in the last minutes,
 * one that has gone quiet (unplugged at Mong Kok), one with records waiting (Madrid's
 * last window, on a weak Wi-Fi).
 */
async function reportHealth(db: Kysely<Database>, branches: SeededBranch[], now: number, random: Random): Promise<void> {
  for (const branch of branches) {
    const devices = [...branch.devices.counters, branch.devices.lobby];
    for (const [index, device] of devices.entries()) {
      const silent = branch.key === 'HKG' && index === devices.length - 2;
      const behind = branch.key === 'MAD' && index === devices.length - 2;
      const seenAt = silent ? now - 3 * HOUR - between(random, 0, 30 * MINUTE) : now - between(random, 20_000, 4 * MINUTE);
      const health: DeviceHealth = {
        outboxDepth: behind ? 14 : 0,
        oldestUnsyncedAt: behind ? now - 35 * MINUTE : null,
        quarantined: 0,
        storageUsed: between(random, 2, 9) * 1_048_576,
        storageQuota: 2_147_483_648,
        storagePersisted: true,
        appVersion: '0.1.0',
        clockOffsetMs: between(random, -900, 900),
        reportedAt: seenAt,
      };
      await ingestPush(db, device, { records: [], health }, seenAt);
    }
  }
}

function must<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(`demo: ${result.message}`);
  return result.value;
}
