import * as v from 'valibot';
import { AttestationSchema, type AttestationKind } from './attestation.ts';
import { EpochMsSchema, IdSchema, RecordIdSchema } from './ids.ts';
import { storableText } from './text.ts';
import { TopicIdSchema } from './topic-id.ts';

/**
 * Complaint cases (seed 002): a case is the fold of an append-only list
 * of case events. The tablets and the server fold the same events through the same rules
 * (`applyCaseEvent`), so every tablet of a branch converges on the same cases.
 */

/** Who may do what: lobby staff, the complaint manager (投訴管理人), the branch manager (網點負責人). */
export const STAFF_ROLES = ['lobby-staff', 'complaint-manager', 'branch-manager'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** How a complaint reached the branch (seed 002, 第三條, 第十一條). */
export const CASE_CHANNELS = ['in-person', 'opinion-box', 'letter', 'phone', 'hotline'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

/** How a reply reached the customer. */
export const REPLY_CHANNELS = ['in-person', 'phone', 'email', 'letter'] as const;

export const FOLLOW_UP_OUTCOMES = ['satisfied', 'not-satisfied', 'unreachable'] as const;

const Text = (max: number) => v.pipe(v.string(), storableText(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max, `is longer than ${max} characters`));

/** What every case event carries besides its own fields. */
const base = {
  kind: v.literal('case-event'),
  id: RecordIdSchema,
  caseId: RecordIdSchema,
  branchId: IdSchema,
  /** The member of staff who did it, and the role they did it in. */
  staffId: IdSchema,
  role: v.picklist(STAFF_ROLES),
  createdAt: EpochMsSchema,
  /** How the member of staff was checked (attestation.ts); absent on events made before it existed. */
  attestation: v.optional(AttestationSchema),
};

/** One step in handling a complaint, by its `type`. */
export const CaseEventSchema = v.variant('type', [
  v.strictObject({
    ...base,
    type: v.literal('opened'),
    channel: v.picklist(CASE_CHANNELS),
    /** The opinion-box entry the case comes from, when it does. */
    opinionId: v.nullable(RecordIdSchema),
    /**
     * What the complaint is about, from the branch's topics (the quarterly analysis by nature).
     * Absent from events made before topics were asked for, and optional: the topic of an
     * entry's case is the entry's.
     */
    topicId: v.optional(v.nullable(TopicIdSchema)),
    summary: Text(2000),
  }),
  v.strictObject({ ...base, type: v.literal('restated'), text: Text(2000) }),
  v.strictObject({ ...base, type: v.literal('answered-on-spot'), text: Text(2000) }),
  v.strictObject({ ...base, type: v.literal('handed-on'), toStaffId: IdSchema }),
  v.strictObject({ ...base, type: v.literal('deadline-agreed'), dueAt: EpochMsSchema }),
  v.strictObject({ ...base, type: v.literal('replied'), channel: v.picklist(REPLY_CHANNELS), text: Text(2000) }),
  v.strictObject({
    ...base,
    type: v.literal('fault-decided'),
    atFault: v.boolean(),
    /** At fault: the apology and the corrective action; not at fault: the explanation given. */
    text: Text(2000),
  }),
  v.strictObject({ ...base, type: v.literal('escalated'), text: Text(2000) }),
  v.strictObject({ ...base, type: v.literal('head-office-answered'), text: Text(2000) }),
  v.strictObject({ ...base, type: v.literal('signed-off') }),
  v.strictObject({ ...base, type: v.literal('followed-up'), outcome: v.picklist(FOLLOW_UP_OUTCOMES), text: v.pipe(v.string(), storableText(), v.maxLength(2000)) }),
  v.strictObject({ ...base, type: v.literal('reopened'), text: Text(2000) }),
]);
export type CaseEvent = v.InferOutput<typeof CaseEventSchema>;
export type CaseEventType = CaseEvent['type'];
export const CASE_EVENT_TYPES = CaseEventSchema.options.map((o) => o.entries.type.literal) as CaseEventType[];

/** Where a case stands. */
export type CaseStatus = 'open' | 'escalated' | 'replied' | 'signed-off';

/** A case as the fold of its events: what the list and the case screen show. */
export interface ComplaintCase {
  id: string;
  branchId: string;
  channel: CaseChannel;
  opinionId: string | null;
  /** The topic staff chose when opening it; null when none was (see CaseEventSchema). */
  topicId: string | null;
  summary: string;
  status: CaseStatus;
  /** 首問負責制: whoever opened it owns it until they hand it on. */
  ownerStaffId: string;
  /** Handed on from the first responder: not answered on the spot, so the longer deadline holds. */
  handedOn: boolean;
  openedAt: number;
  restated: boolean;
  answeredOnSpot: boolean;
  /** The deadline agreed with the customer, if any; see `replyDueAt` for the one that holds. */
  agreedDueAt: number | null;
  replies: number;
  lastReplyAt: number | null;
  atFault: boolean | null;
  escalated: boolean;
  headOfficeAnswered: boolean;
  signedOffAt: number | null;
  followUps: number;
  /** Every event folded in, in order: the case's history. */
  eventIds: string[];
  updatedAt: number;
}

/** Why an event cannot apply, as a stable code (shown to staff in their language). */
export type CaseRefusal =
  | 'case-exists'
  | 'case-unknown'
  | 'wrong-branch'
  | 'role-not-allowed'
  | 'case-signed-off'
  | 'case-not-signed-off'
  | 'not-escalated'
  | 'already-escalated'
  | 'no-reply-yet'
  /** A formal act (FORMAL_ACTS) by a member of staff only the tablet checked. */
  | 'needs-verified-session';

export type CaseStep = { ok: true; case: ComplaintCase } | { ok: false; reason: CaseRefusal; message: string };

const refuse = (reason: CaseRefusal, message: string): CaseStep => ({ ok: false, reason, message });

/** The roles that may record each kind of event; the branch manager confirms escalation and signs off. */
export const ROLES_FOR: Record<CaseEventType, readonly StaffRole[]> = {
  opened: STAFF_ROLES,
  restated: STAFF_ROLES,
  'answered-on-spot': STAFF_ROLES,
  'handed-on': STAFF_ROLES,
  'deadline-agreed': STAFF_ROLES,
  replied: ['complaint-manager', 'branch-manager'],
  'fault-decided': ['complaint-manager', 'branch-manager'],
  escalated: ['branch-manager'],
  'head-office-answered': ['complaint-manager', 'branch-manager'],
  'signed-off': ['branch-manager'],
  'followed-up': ['complaint-manager', 'branch-manager'],
  reopened: ['complaint-manager', 'branch-manager'],
};

/**
 * Applies one event to a case (`undefined` before it is opened): the whole state machine.
 * Pure and total: an illegal event is answered with its reason, never thrown, so the server
 * can keep it as rejected and the tablets can show why.
 */
export function applyCaseEvent(current: ComplaintCase | undefined, event: CaseEvent): CaseStep {
  if (!ROLES_FOR[event.type].includes(event.role)) {
    return refuse('role-not-allowed', `${event.type}: a ${event.role} may not do this; it takes the ${ROLES_FOR[event.type].join(' or ')}`);
  }
  if (event.type === 'opened') {
    if (current) return refuse('case-exists', `opened: case ${event.caseId} is already open`);
    return {
      ok: true,
      case: {
        id: event.caseId,
        branchId: event.branchId,
        channel: event.channel,
        opinionId: event.opinionId,
        topicId: event.topicId ?? null,
        summary: event.summary,
        status: 'open',
        ownerStaffId: event.staffId,
        handedOn: false,
        openedAt: event.createdAt,
        restated: false,
        answeredOnSpot: false,
        agreedDueAt: null,
        replies: 0,
        lastReplyAt: null,
        atFault: null,
        escalated: false,
        headOfficeAnswered: false,
        signedOffAt: null,
        followUps: 0,
        eventIds: [event.id],
        updatedAt: event.createdAt,
      },
    };
  }
  if (!current) return refuse('case-unknown', `${event.type}: no case ${event.caseId} has been opened`);
  if (event.branchId !== current.branchId) return refuse('wrong-branch', `${event.type}: case ${current.id} belongs to another branch`);

  const signedOff = current.status === 'signed-off';
  // After sign-off only the follow-up call and reopening are possible.
  if (signedOff && event.type !== 'followed-up' && event.type !== 'reopened') {
    return refuse('case-signed-off', `${event.type}: case ${current.id} was signed off by the branch manager; reopen it first`);
  }
  const next = (patch: Partial<ComplaintCase>): CaseStep => ({
    ok: true,
    case: { ...current, ...patch, eventIds: [...current.eventIds, event.id], updatedAt: Math.max(current.updatedAt, event.createdAt) },
  });
  switch (event.type) {
    case 'restated':
      return next({ restated: true });
    case 'answered-on-spot':
      return next({ answeredOnSpot: true, status: current.status === 'escalated' ? 'escalated' : 'replied', lastReplyAt: event.createdAt });
    case 'handed-on':
      return next({ ownerStaffId: event.toStaffId, handedOn: true });
    case 'deadline-agreed':
      return next({ agreedDueAt: event.dueAt });
    case 'replied':
      return next({ replies: current.replies + 1, lastReplyAt: event.createdAt, status: current.status === 'escalated' ? 'escalated' : 'replied' });
    case 'fault-decided':
      return next({ atFault: event.atFault });
    case 'escalated':
      if (current.status === 'escalated') return refuse('already-escalated', `escalated: case ${current.id} is already with head office`);
      return next({ escalated: true, status: 'escalated' });
    case 'head-office-answered':
      if (current.status !== 'escalated') return refuse('not-escalated', `head-office-answered: case ${current.id} was not escalated`);
      return next({ headOfficeAnswered: true, status: current.replies > 0 || current.answeredOnSpot ? 'replied' : 'open' });
    case 'signed-off':
      if (current.status !== 'replied') {
        return refuse('no-reply-yet', `signed-off: case ${current.id} has no reply to the customer yet${current.status === 'escalated' ? ' and is still with head office' : ''}`);
      }
      return next({ status: 'signed-off', signedOffAt: event.createdAt });
    case 'followed-up':
      if (current.replies === 0 && !current.answeredOnSpot) return refuse('no-reply-yet', `followed-up: case ${current.id} has no reply to follow up`);
      return next({ followUps: current.followUps + 1 });
    case 'reopened':
      if (!signedOff) return refuse('case-not-signed-off', `reopened: case ${current.id} is not closed`);
      return next({ status: 'open', signedOffAt: null });
  }
}

/**
 * The branch manager's formal acts: the sign-off of a handled complaint (簽字確認) and the
 * confirmation that sends one to head office. They bind the bank, so they are accepted only
 * from a member of staff whose PIN the server checked (a staff session, attestation.ts); the
 * tablet's own check is not enough, however right the PIN.
 */
export const FORMAL_ACTS = ['signed-off', 'escalated'] as const satisfies readonly CaseEventType[];
export const isFormalAct = (type: CaseEventType): boolean => (FORMAL_ACTS as readonly string[]).includes(type);

/**
 * Applies an event as `applyCaseEvent` does, knowing how its maker was checked: a formal act
 * the state machine would accept is refused when its maker was checked by the tablet only.
 * The state machine's own reason comes first: it says what is wrong whoever did it.
 */
export function applyAttestedCaseEvent(current: ComplaintCase | undefined, event: CaseEvent, attestation: AttestationKind): CaseStep {
  const step = applyCaseEvent(current, event);
  if (step.ok && isFormalAct(event.type) && attestation !== 'server') {
    return refuse(
      'needs-verified-session',
      `${event.type}: only a ${ROLES_FOR[event.type].join(' or ')} signed in with the server reachable may do this; this one was checked by the tablet only. Sign in again while online and do it again.`,
    );
  }
  return step;
}

/**
 * Folds events in the order given (the server's `seq`) into cases, keeping the refused ones
 * with their reasons: the same events in the same order always give the same cases.
 */
export function foldCases(events: readonly CaseEvent[]): { cases: Map<string, ComplaintCase>; refused: { event: CaseEvent; reason: CaseRefusal; message: string }[] } {
  const cases = new Map<string, ComplaintCase>();
  const refused: { event: CaseEvent; reason: CaseRefusal; message: string }[] = [];
  for (const event of events) {
    const step = applyCaseEvent(cases.get(event.caseId), event);
    if (step.ok) cases.set(event.caseId, step.case);
    else refused.push({ event, reason: step.reason, message: step.message });
  }
  return { cases, refused };
}

/** The network's reply deadlines (defaults from the complaint rules: 24 hours, and 3 days when not answered on the spot). */
export interface ReplyDeadlines {
  replyWithinHours: number;
  notOnSpotWithinHours: number;
}
export const DEFAULT_DEADLINES: ReplyDeadlines = { replyWithinHours: 24, notOnSpotWithinHours: 72 };

const HOUR = 3_600_000;

/**
 * When the customer must have their reply: the deadline agreed with them when there is one,
 * else 24 hours after opening, or 3 days once the case has been handed on from the spot.
 * No deadline once replied or signed off.
 */
export function replyDueAt(c: ComplaintCase, deadlines: ReplyDeadlines = DEFAULT_DEADLINES): number | null {
  if (c.status === 'replied' || c.status === 'signed-off') return null;
  if (c.agreedDueAt !== null) return c.agreedDueAt;
  return c.openedAt + (c.handedOn ? deadlines.notOnSpotWithinHours : deadlines.replyWithinHours) * HOUR;
}

/** How urgent a case is at `now`: amber in the last quarter of its time (at least 4 hours), red after. */
export function deadlineState(c: ComplaintCase, now: number, deadlines: ReplyDeadlines = DEFAULT_DEADLINES): 'none' | 'ok' | 'amber' | 'red' {
  const due = replyDueAt(c, deadlines);
  if (due === null) return 'none';
  if (now > due) return 'red';
  const warnFrom = due - Math.max(4 * HOUR, (due - c.openedAt) / 4);
  return now >= warnFrom ? 'amber' : 'ok';
}

/** What staff can do to an existing case, in the order a case usually goes. */
export const CASE_ACTIONS = [
  'restated',
  'answered-on-spot',
  'deadline-agreed',
  'handed-on',
  'replied',
  'fault-decided',
  'escalated',
  'head-office-answered',
  'signed-off',
  'followed-up',
  'reopened',
] as const satisfies readonly Exclude<CaseEventType, 'opened'>[];
export type CaseAction = (typeof CASE_ACTIONS)[number];

/**
 * The actions a member of staff in `role`, checked as `attestation` says, may take on `c`
 * now: each one is tried through `applyAttestedCaseEvent` itself, so the buttons a screen offers are exactly what the state machine
 * accepts (the fields an action carries never decide whether it is legal).
 */
export function legalActions(c: ComplaintCase, role: StaffRole, attestation: AttestationKind = 'server'): CaseAction[] {
  return CASE_ACTIONS.filter((type) => {
    const probe = { kind: 'case-event', id: c.id, caseId: c.id, branchId: c.branchId, staffId: c.ownerStaffId, role, createdAt: c.updatedAt, type } as CaseEvent;
    return applyAttestedCaseEvent(c, probe, attestation).ok;
  });
}

/** The order of the case list: overdue first, then nearest deadline, then the rest newest first, signed-off last. */
export function compareCases(now: number, deadlines: ReplyDeadlines = DEFAULT_DEADLINES) {
  const rank = (c: ComplaintCase) => {
    if (c.status === 'signed-off') return 3;
    const state = deadlineState(c, now, deadlines);
    return state === 'red' ? 0 : state === 'none' ? 2 : 1;
  };
  return (a: ComplaintCase, b: ComplaintCase): number =>
    rank(a) - rank(b) ||
    (replyDueAt(a, deadlines) ?? Infinity) - (replyDueAt(b, deadlines) ?? Infinity) ||
    b.openedAt - a.openedAt ||
    a.id.localeCompare(b.id);
}
