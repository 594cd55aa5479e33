import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../../src/domain/access.ts';
import type { DayCloseStatus } from '../../../src/domain/day-close.ts';
import type { DeviceConfig } from '../../../src/domain/config.ts';
import type { EnrollmentSheet, StaffChange, StaffList } from '../../../src/domain/manage.ts';
import type { AccountChange, AccountList } from '../../../src/domain/manage-accounts.ts';
import type { NetworkBranch, NetworkView } from '../../../src/domain/manage-network.ts';
import type { BranchSetup, SetupCounter, SetupReason, SetupTopic } from '../../../src/domain/manage-setup.ts';
import { referenceCode } from '../../../src/domain/opinion.ts';
import type { DayCloseReport, FleetDevice, FleetReport, Me } from '../../../src/domain/reports.ts';
import type { TabletCounters, TabletReplacement } from '../../../src/domain/manage-tablets.ts';
import type { ReviewPage } from '../../../src/domain/review.ts';
import type { QueuePostResponse } from '../../../src/domain/queue.ts';
import type { QueueCounterView, QueueImportResult, QueueSetup, QueueSystemKey, QueueSystemView } from '../../../src/domain/queue-intake.ts';
import type { SurveySummaryResponse } from '../../../src/domain/manage-surveys.ts';
import type { SurveyCardsResponse } from '../../../src/domain/survey-cards.ts';
import { PROTOCOL_VERSION, type CaseEventsPage, type PushResponse, type RotateTokenResponse } from '../../../src/domain/wire.ts';
import { buildApp } from '../../../src/server/app.ts';
import { PHONE_CSS_PATH } from '../../../src/server/phone-page.ts';
import { insertSession } from '../../../src/server/repositories/sessions.ts';
import { revokeDevice } from '../../../src/server/repositories/devices.ts';
import { hashSecret } from '../../../src/server/secrets.ts';
import { addBranch, addCounter } from '../../../src/server/services/branches.ts';
import { addQueueSystem, revokeQueueSystemById, setCounterQueueCode } from '../../../src/server/services/queue-systems.ts';
import { aCaseEvent, aCaseId } from '../../builders/case-event.ts';
import { aQuestionnaire } from '../../builders/survey.ts';
import { anOpinion, aRating, BRANCH_ID, COUNTER_ID, TELLER_ID } from '../../builders/rating.ts';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../../helpers/db.ts';
import { givenHeadOfficeAccount, givenRosterAccount, PASSWORD, routesOf } from '../dashboard.ts';
import type { AlertRulesView } from '../../../src/domain/manage-alert-rules.ts';
import { givenBranchWithCounter, givenEnrolledDevice, givenEnrolledLobby, givenTeller, MANAGER_PIN, SERVER_NOW } from '../fixtures.ts';
import type { StaffSessionGrant } from '../../../src/domain/staff-session.ts';

/**
 * Who may call what, for every route of the API (docs/reliability.md, "Hostile input and access"): every caller (nobody, each kind
 * of tablet of two branches, a revoked one, each dashboard role of two branches, head office,
 * the queue systems of both branches and a revoked one)
 * asks every route about its own branch and about the other. One table gives what each must
 * get; a new route without a row fails the first test. tests/server/routes/reports-access.test.ts
 * checks the reports' messages in detail; this one covers the devices' routes as well.
 */

type Branch = 'A' | 'B';
const B_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const B_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c2';
const BRANCH_IDS: Record<Branch, string> = { A: BRANCH_ID, B: B_ID };
const branchOf = (id: string): string => (id === BRANCH_ID ? 'A' : id === B_ID ? 'B' : `unknown ${id}`);
const DAY = '2026-11-23';
/** An alert id no alert has: the alerts' acts answer 404 to whoever may act on alerts. */
const NO_ALERT = '0190a0b0-0000-7000-8000-0000000000aa';

/** The roster's members the tests name: the day-close staff of each branch, and the dashboard accounts. */
const STAFF = {
  'teller A': { id: TELLER_ID, branch: 'A', staffNumber: '1001', role: 'teller' },
  'lobby-staff A': { id: '0190a0b0-0000-7000-8000-0000000000e1', branch: 'A', staffNumber: '3001', role: 'lobby-staff' },
  'complaint-manager A': { id: '0190a0b0-0000-7000-8000-0000000000e2', branch: 'A', staffNumber: '3002', role: 'complaint-manager' },
  'branch-manager A': { id: '0190a0b0-0000-7000-8000-0000000000e3', branch: 'A', staffNumber: '3003', role: 'branch-manager' },
  'lobby-staff B': { id: '0190a0b0-0000-7000-8000-0000000000f1', branch: 'B', staffNumber: '4001', role: 'lobby-staff' },
  'branch-manager B': { id: '0190a0b0-0000-7000-8000-0000000000f3', branch: 'B', staffNumber: '4003', role: 'branch-manager' },
} as const;
/** The accounts Manage › Accounts acts on in each branch: complaint managers no caller is. */
const ACCOUNT_TARGET: Record<Branch, { id: string; staffNumber: string }> = {
  A: { id: '0190a0b0-0000-7000-8000-0000000000e4', staffNumber: '3004' },
  B: { id: '0190a0b0-0000-7000-8000-0000000000f4', staffNumber: '4004' },
};
const MANAGER_ID: Record<Branch, string> = { A: STAFF['branch-manager A'].id, B: STAFF['branch-manager B'].id };

type Caller =
  | { kind: 'nobody' }
  | { kind: 'device'; branch: Branch; mode: 'counter' | 'lobby' }
  | { kind: 'revoked'; branch: Branch }
  | { kind: 'staff'; branch: Branch | null; role: string; staffNumber: string }
  | { kind: 'queue'; branch: Branch; revoked: boolean };

const CALLERS: Record<string, Caller> = {
  nobody: { kind: 'nobody' },
  'counter tablet A': { kind: 'device', branch: 'A', mode: 'counter' },
  'lobby tablet A': { kind: 'device', branch: 'A', mode: 'lobby' },
  'revoked tablet A': { kind: 'revoked', branch: 'A' },
  'counter tablet B': { kind: 'device', branch: 'B', mode: 'counter' },
  'lobby tablet B': { kind: 'device', branch: 'B', mode: 'lobby' },
  'teller A': { kind: 'staff', branch: 'A', role: 'teller', staffNumber: '1001' },
  'lobby-staff A': { kind: 'staff', branch: 'A', role: 'lobby-staff', staffNumber: '3001' },
  'complaint-manager A': { kind: 'staff', branch: 'A', role: 'complaint-manager', staffNumber: '3002' },
  'branch-manager A': { kind: 'staff', branch: 'A', role: 'branch-manager', staffNumber: '3003' },
  'branch-manager B': { kind: 'staff', branch: 'B', role: 'branch-manager', staffNumber: '4003' },
  'head office': { kind: 'staff', branch: null, role: 'head-office', staffNumber: 'HQ1' },
  'queue system A': { kind: 'queue', branch: 'A', revoked: false },
  'queue system B': { kind: 'queue', branch: 'B', revoked: false },
  'revoked queue system A': { kind: 'queue', branch: 'A', revoked: true },
};

/** What each branch's queue system calls its counter: "3" is not a counter of B's, nor "7" of A's. */
const QUEUE_CODE: Record<Branch, string> = { A: '3', B: '7' };

/** Asked about its own branch, or the other; head office and nobody: A, then B. */
type Scope = 'own' | 'other';
const ownBranch = (caller: Caller): Branch => ('branch' in caller && caller.branch ? caller.branch : 'A');
const branchFor = (caller: Caller, scope: Scope): Branch => (scope === 'own' ? ownBranch(caller) : ownBranch(caller) === 'A' ? 'B' : 'A');

/** What the test knows of the world it made: tokens, staff sessions, prefixes, devices to revoke. */
type World = {
  token: Record<string, string>;
  /** Each tablet's branch manager signed in on it with the server (x-staff-session), by the tablet's name. */
  staffSession: Record<string, string>;
  counterOf: Record<Branch, string>;
  lobbyPrefix: Record<Branch, number>;
  revocable: Record<Branch, string>;
  /** A counter tablet of each branch that is never revoked: labelled and replaced (Manage › tablets). */
  tablet: Record<Branch, string>;
  /** A queue system of each branch that no caller posts with: revoked (Manage › Queue system). */
  queueSystem: Record<Branch, string>;
  /** A rating of each branch that counts, to be kept out; and one kept out already, to be put back. */
  rating: Record<Branch, string>;
  excludedRating: Record<Branch, string>;
  sequence: number;
};

type Row = {
  call: (branch: Branch, caller: Caller, world: World) => InjectOptions;
  /** What a 2xx answer says about scope, e.g. "events of A"; the status alone when absent. */
  summary?: (body: never) => string;
  expected: (caller: Caller, scope: Scope) => string;
};

// The outcomes of the common rules.
const UNAUTHORIZED = '401 unauthorized';
const FORBIDDEN = '403 forbidden';
const forDevices =
  (allowed: (caller: Extract<Caller, { kind: 'device' }>, scope: Scope) => string) =>
  (caller: Caller, scope: Scope): string =>
    caller.kind === 'device' ? allowed(caller, scope) : caller.kind === 'revoked' ? '401 device-revoked' : UNAUTHORIZED;
const forDashboard =
  (allowed: (caller: Extract<Caller, { kind: 'staff' }>, scope: Scope) => string) =>
  (caller: Caller, scope: Scope): string =>
    caller.kind === 'staff' ? allowed(caller, scope) : UNAUTHORIZED;
/** Reports: a branch manager for their branch, head office for every one; no other role. */
const reports = (ok: (branch: Branch) => string, headOfficeOnly = false) =>
  forDashboard((caller, scope) => {
    if (caller.role === 'head-office') return ok(branchFor(caller, scope));
    if (caller.role !== 'branch-manager' || headOfficeOnly) return FORBIDDEN;
    return scope === 'own' ? ok(branchFor(caller, scope)) : FORBIDDEN;
  });

const json = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload: unknown): InjectOptions => ({ method, url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
/**
 * A tablet's act with the branch manager of `branch` signed in: for its own branch, the session
 * made on that very tablet; for the other, one made on the other branch's tablet of its kind.
 */
const withManager = (request: InjectOptions, branch: Branch, caller: Caller, world: World): InjectOptions => {
  const mode = caller.kind === 'device' ? caller.mode : 'counter';
  const session = world.staffSession[`${mode} tablet ${branch}`];
  return session ? { ...request, headers: { ...request.headers, 'x-staff-session': session } } : request;
};
const STAFF_SESSION_REQUIRED = '403 staff-session-required';
/** Queue intake: a queue system's unrevoked key; anyone else 401. */
const forQueueSystems =
  (allowed: (caller: Extract<Caller, { kind: 'queue' }>, scope: Scope) => string) =>
  (caller: Caller, scope: Scope): string =>
    caller.kind === 'queue' && !caller.revoked ? allowed(caller, scope) : UNAUTHORIZED;
const branchesIn = (ids: string[]) => [...new Set(ids.map(branchOf))].sort().join(',') || 'none';

/** Head office's privacy desk: head office alone, whichever branch; every other dashboard role 403, anyone else 401. */
function privacyRows(): Record<string, Row> {
  const headOffice = forDashboard((caller) => (caller.role === 'head-office' ? '200' : FORBIDDEN));
  const customer = { phone: '+34 612 345 678' };
  return {
    'POST /api/privacy/customer/search': { call: () => json('POST', '/api/privacy/customer/search', customer), expected: headOffice },
    'POST /api/privacy/customer/export': { call: () => json('POST', '/api/privacy/customer/export', customer), expected: headOffice },
    'POST /api/privacy/customer/erase': { call: () => json('POST', '/api/privacy/customer/erase', { query: customer, confirm: true }), expected: headOffice },
    'GET /api/privacy/audit': { call: () => ({ method: 'GET', url: `/api/privacy/audit?from=${DAY}&to=${DAY}` }), expected: headOffice },
    'GET /api/privacy/retention': { call: () => ({ method: 'GET', url: '/api/privacy/retention' }), expected: headOffice },
  };
}

const ROWS: Record<string, Row> = {
  'GET /api/health': { call: () => ({ method: 'GET', url: '/api/health' }), expected: () => '200' },
  'POST /api/enroll': { call: () => json('POST', '/api/enroll', { code: 'ACDE-FGHJ' }), expected: () => '400 enrollment-code-invalid' },
  'POST /api/sync/push': {
    // A record of the caller's kind, for its own counter, but of branch A or B.
    call: (branch, caller, world) => {
      const own = ownBranch(caller);
      const record =
        caller.kind === 'device' && caller.mode === 'lobby'
          ? anOpinion({ branchId: BRANCH_IDS[branch], referenceCode: referenceCode(world.lobbyPrefix[own], world.sequence++) })
          : aRating({ branchId: BRANCH_IDS[branch], counterId: world.counterOf[own], tellerId: own === 'A' ? TELLER_ID : MANAGER_ID.B });
      return json('POST', '/api/sync/push', { protocol: PROTOCOL_VERSION, records: [record] });
    },
    summary: (body: PushResponse) => body.results.map((r) => (r.status === 'accepted' ? 'accepted' : r.reason)).join(','),
    expected: forDevices((_, scope) => (scope === 'own' ? '200 accepted' : '200 wrong-branch')),
  },
  'GET /api/sync/config': {
    call: () => ({ method: 'GET', url: '/api/sync/config' }),
    summary: (body: DeviceConfig) => `config of ${branchOf(body.branch.id)}`,
    expected: forDevices((caller) => `200 config of ${caller.branch}`),
  },
  'POST /api/device/token': {
    // Each tablet's token becomes its previous one, which works while the new one is unused.
    call: () => ({ method: 'POST', url: '/api/device/token' }),
    summary: (body: RotateTokenResponse) => (body.token.length >= 32 ? 'a new token' : 'a short token'),
    expected: forDevices(() => '200 a new token'),
  },
  'GET /api/case-events': {
    call: () => ({ method: 'GET', url: '/api/case-events?after=0' }),
    summary: (body: CaseEventsPage) => `events of ${branchesIn(body.events.map((e) => e.event.branchId))}`,
    expected: forDevices((caller) => (caller.mode === 'lobby' ? `200 events of ${caller.branch}` : FORBIDDEN)),
  },
  'GET /api/blankings': {
    call: () => ({ method: 'GET', url: '/api/blankings?after=0' }),
    expected: forDevices((caller) => (caller.mode === 'lobby' ? '200' : FORBIDDEN)),
  },
  'GET /api/review': {
    // The branch manager of A or B signed in: on this tablet, or on the other branch's.
    call: (branch, caller, world) => withManager({ method: 'GET', url: '/api/review?since=0' }, branch, caller, world),
    summary: (body: ReviewPage) => `entries of ${branchesIn(body.entries.map((e) => e.opinion.branchId))}`,
    expected: forDevices((caller, scope) => (caller.mode !== 'lobby' ? FORBIDDEN : scope === 'own' ? `200 entries of ${caller.branch}` : STAFF_SESSION_REQUIRED)),
  },
  'POST /api/day-close': {
    // The branch manager of A or B signed in: on this tablet, or on the other branch's.
    call: (branch, caller, world) => withManager(json('POST', '/api/day-close', {}), branch, caller, world),
    summary: (body: DayCloseStatus) => `close of ${branchOf(body.branchId)}`,
    expected: forDevices((caller, scope) => (scope === 'own' ? `200 close of ${caller.branch}` : STAFF_SESSION_REQUIRED)),
  },
  'POST /api/staff-session': {
    // The branch manager of A or B signs in on the caller's tablet.
    call: (branch) => json('POST', '/api/staff-session', { staffNumber: STAFF[`branch-manager ${branch}`].staffNumber, pin: MANAGER_PIN, deviceTime: SERVER_NOW }),
    summary: (body: StaffSessionGrant) => `session of ${branchOf(Object.values(STAFF).find((m) => m.id === body.staff.id)!.branch === 'A' ? BRANCH_ID : B_ID)}`,
    expected: forDevices((caller, scope) => (scope === 'own' ? `200 session of ${caller.branch}` : '401 staff-credentials-invalid')),
  },
  'POST /api/staff-session/pin': {
    // The branch manager of A or B signed in, on this tablet or on the other branch's, with a wrong current PIN: nothing changes.
    call: (branch, caller, world) => withManager(json('POST', '/api/staff-session/pin', { currentPin: '000000', newPin: '97531086' }), branch, caller, world),
    expected: forDevices((_, scope) => (scope === 'own' ? '401 staff-credentials-invalid' : STAFF_SESSION_REQUIRED)),
  },
  'DELETE /api/staff-session': {
    // A session this tablet does not have: sign-out says nothing of whether it exists (the table's own sessions stay).
    call: () => ({ method: 'DELETE', url: '/api/staff-session', headers: { 'x-staff-session': `0190a0b0-0000-7000-8000-0000000000aa.${'A'.repeat(43)}` } }),
    expected: forDevices(() => '204'),
  },
  'POST /api/session': { call: () => json('POST', '/api/session', { staffNumber: 'HQ1' }), expected: () => '400 bad-request' },
  'DELETE /api/session': { call: () => json('DELETE', '/api/session', {}), expected: () => '204' },
  // A wrong current password, so the table's sessions stay: any signed-in viewer gets that far.
  'POST /api/session/password': {
    call: () => json('POST', '/api/session/password', { currentPassword: 'not the password', newPassword: 'a brand new password' }),
    expected: forDashboard(() => '403 wrong-password'),
  },
  'GET /api/me': {
    call: () => ({ method: 'GET', url: '/api/me' }),
    summary: (body: Me) => `${body.role} of ${body.branchId === null ? 'every branch' : branchOf(body.branchId)}`,
    expected: forDashboard((caller) => `200 ${caller.role} of ${caller.branch ?? 'every branch'}`),
  },
  'GET /api/reports/overview': { call: (b) => ({ method: 'GET', url: `/api/reports/overview?from=${DAY}&to=${DAY}&branchId=${BRANCH_IDS[b]}` }), expected: reports(() => '200') },
  'GET /api/reports/tellers': { call: (b) => ({ method: 'GET', url: `/api/reports/tellers?from=${DAY}&to=${DAY}&branchId=${BRANCH_IDS[b]}` }), expected: reports(() => '200') },
  'GET /api/reports/counters': { call: (b) => ({ method: 'GET', url: `/api/reports/counters?from=${DAY}&to=${DAY}&branchId=${BRANCH_IDS[b]}` }), expected: reports(() => '200') },
  'GET /api/reports/complaints': { call: (b) => ({ method: 'GET', url: `/api/reports/complaints?from=${DAY}&to=${DAY}&branchId=${BRANCH_IDS[b]}` }), expected: reports(() => '200') },
  'GET /api/reports/branches': { call: (b) => ({ method: 'GET', url: `/api/reports/branches?from=${DAY}&to=${DAY}&branchId=${BRANCH_IDS[b]}` }), expected: reports(() => '200', true) },
  ...privacyRows(),
  'GET /api/reports/fleet': {
    call: (b) => ({ method: 'GET', url: `/api/reports/fleet?branchId=${BRANCH_IDS[b]}` }),
    summary: (body: FleetReport) => `devices of ${branchesIn(body.devices.map((d) => d.branchId))}`,
    expected: reports((b) => `200 devices of ${b}`),
  },
  'POST /api/reports/fleet/:id/revoke': {
    call: (b, _caller, world) => json('POST', `/api/reports/fleet/${world.revocable[b]}/revoke`, {}),
    summary: (body: { branchId: string }) => `revoked in ${branchOf(body.branchId)}`,
    expected: reports((b) => `200 revoked in ${b}`),
  },
  'POST /api/manage/branches/:branchId/enrollment-codes': {
    call: (b) => json('POST', `/api/manage/branches/${BRANCH_IDS[b]}/enrollment-codes`, {}),
    summary: (body: EnrollmentSheet) => `codes of ${branchOf(body.branch.id)}`,
    expected: reports((b) => `200 codes of ${b}`),
  },
  'GET /api/manage/branches/:branchId/staff': {
    call: (b) => ({ method: 'GET', url: `/api/manage/branches/${BRANCH_IDS[b]}/staff` }),
    summary: (body: StaffList) => `staff of ${branchOf(body.branch.id)}`,
    expected: reports((b) => `200 staff of ${b}`),
  },
  'POST /api/manage/branches/:branchId/staff': {
    // A new staff number each call: every caller that may adds one.
    call: (b, _caller, world) => json('POST', `/api/manage/branches/${BRANCH_IDS[b]}/staff`, { staffNumber: `9${world.sequence++}`, name: 'New Teller', role: 'teller', stars: 3 }),
    summary: (body: StaffChange) => `member of ${branchOf(body.member.branchId)}`,
    expected: reports((b) => `200 member of ${b}`),
  },
  'PATCH /api/manage/staff/:tellerId': {
    call: (b) => json('PATCH', `/api/manage/staff/${STAFF[`lobby-staff ${b}`].id}`, { stars: 3 }),
    summary: (body: StaffChange) => `member of ${branchOf(body.member.branchId)}`,
    expected: reports((b) => `200 member of ${b}`),
  },
  'POST /api/manage/staff/:tellerId/pin': {
    call: (b) => json('POST', `/api/manage/staff/${STAFF[`lobby-staff ${b}`].id}/pin`, {}),
    summary: (body: StaffChange) => `member of ${branchOf(body.member.branchId)}`,
    expected: reports((b) => `200 member of ${b}`),
  },
  'PUT /api/manage/staff/:tellerId/photo': {
    call: (b) => json('PUT', `/api/manage/staff/${STAFF[`lobby-staff ${b}`].id}/photo`, { photo: null }),
    summary: (body: StaffChange) => `member of ${branchOf(body.member.branchId)}`,
    expected: reports((b) => `200 member of ${b}`),
  },
  'GET /api/manage/branches/:branchId/setup': {
    call: (b) => ({ method: 'GET', url: `/api/manage/branches/${BRANCH_IDS[b]}/setup` }),
    summary: (body: BranchSetup) => `setup of ${branchOf(body.branch.id)}`,
    expected: reports((b) => `200 setup of ${b}`),
  },
  // Before the rows that add a topic: the order names every topic of the branch.
  'PUT /api/manage/branches/:branchId/order': {
    call: (b) => json('PUT', `/api/manage/branches/${BRANCH_IDS[b]}/order`, { list: 'topics', ids: ['waiting', 'staff', 'fees', 'products', 'self-service', 'premises', 'other'] }),
    summary: (body: BranchSetup) => `order of ${branchOf(body.branch.id)}`,
    expected: reports((b) => `200 order of ${b}`),
  },
  'POST /api/manage/branches/:branchId/counters': {
    call: (b) => json('POST', `/api/manage/branches/${BRANCH_IDS[b]}/counters`, { name: 'Window 9' }),
    summary: (body: SetupCounter) => `counter ${body.name}`,
    expected: reports(() => '200 counter Window 9'),
  },
  'PATCH /api/manage/counters/:counterId': {
    call: (b, _caller, world) => json('PATCH', `/api/manage/counters/${world.counterOf[b]}`, { name: 'Window 1' }),
    summary: (body: SetupCounter) => `counter ${body.id === COUNTER_ID ? 'A' : body.id === B_COUNTER_ID ? 'B' : '?'}`,
    expected: reports((b) => `200 counter ${b}`),
  },
  'POST /api/manage/branches/:branchId/reasons': {
    call: (b) => json('POST', `/api/manage/branches/${BRANCH_IDS[b]}/reasons`, { labels: { en: 'Door', es: 'Puerta', 'zh-Hans': '门', 'zh-Hant': '門' }, scores: ['neutral'] }),
    summary: (body: SetupReason) => `reason ${body.scores.join(',')}`,
    expected: reports(() => '200 reason neutral'),
  },
  'PATCH /api/manage/branches/:branchId/reasons/:itemId': {
    call: (b) => json('PATCH', `/api/manage/branches/${BRANCH_IDS[b]}/reasons/attitude`, { active: true }),
    summary: (body: SetupReason) => `reason ${body.id}`,
    expected: reports(() => '200 reason attitude'),
  },
  'POST /api/manage/branches/:branchId/topics': {
    call: (b) => json('POST', `/api/manage/branches/${BRANCH_IDS[b]}/topics`, { labels: { en: 'Door', es: 'Puerta', 'zh-Hans': '门', 'zh-Hant': '門' }, kinds: ['praise'] }),
    summary: (body: SetupTopic) => `topic ${body.kinds.join(',')}`,
    expected: reports(() => '200 topic praise'),
  },
  'PATCH /api/manage/branches/:branchId/topics/:itemId': {
    call: (b) => json('PATCH', `/api/manage/branches/${BRANCH_IDS[b]}/topics/fees`, { active: true }),
    summary: (body: SetupTopic) => `topic ${body.id}`,
    expected: reports(() => '200 topic fees'),
  },
  'GET /api/manage/devices/:deviceId/counters': {
    call: (b, _caller, world) => ({ method: 'GET', url: `/api/manage/devices/${world.tablet[b]}/counters` }),
    summary: (body: TabletCounters) => `counters of ${branchOf(body.counters[0]!.id === COUNTER_ID ? BRANCH_ID : B_ID)}`,
    expected: reports((b) => `200 counters of ${b}`),
  },
  'PATCH /api/manage/devices/:deviceId': {
    call: (b, _caller, world) => json('PATCH', `/api/manage/devices/${world.tablet[b]}`, { label: 'Window 3, left', counterId: world.counterOf[b] }),
    summary: (body: FleetDevice) => `tablet of ${branchOf(body.branchId)}`,
    expected: reports((b) => `200 tablet of ${b}`),
  },
  'POST /api/manage/devices/:deviceId/replacement': {
    call: (b, _caller, world) => json('POST', `/api/manage/devices/${world.tablet[b]}/replacement`, {}),
    summary: (body: TabletReplacement) => `replacement in ${branchOf(body.device.branchId)}`,
    expected: reports((b) => `200 replacement in ${b}`),
  },
  'GET /api/manage/accounts': {
    call: () => ({ method: 'GET', url: '/api/manage/accounts' }),
    summary: (body: AccountList) => `accounts of [${[...new Set(body.accounts.map((a) => (a.branch ? branchOf(a.branch.id) : 'none')))].sort().join(',')}]`,
    // Head office every account; a branch manager their branch's complaint managers' only.
    expected: forDashboard((caller) => {
      if (caller.role === 'head-office') return '200 accounts of [A,B,none]';
      return caller.role === 'branch-manager' ? `200 accounts of [${caller.branch}]` : FORBIDDEN;
    }),
  },
  'POST /api/manage/accounts': {
    // A new staff number each call: only head office invites head office.
    call: (_b, _caller, world) => json('POST', '/api/manage/accounts', { kind: 'head-office', staffNumber: `H${world.sequence++}`, name: 'New Office' }),
    summary: (body: AccountChange) => `${body.account.role} account`,
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '200 head-office account' : FORBIDDEN)),
  },
  'PATCH /api/manage/accounts/:staffNumber': {
    call: (b) => json('PATCH', `/api/manage/accounts/${ACCOUNT_TARGET[b].staffNumber}`, { active: true }),
    summary: (body: AccountChange) => `account of ${branchOf(body.account.branch!.id)}`,
    expected: reports((b) => `200 account of ${b}`),
  },
  'POST /api/manage/accounts/:staffNumber/password': {
    call: (b) => json('POST', `/api/manage/accounts/${ACCOUNT_TARGET[b].staffNumber}/password`, {}),
    summary: (body: AccountChange) => `account of ${branchOf(body.account.branch!.id)}`,
    expected: reports((b) => `200 account of ${b}`),
  },
  // Manage › Regions & branches: head office shapes the network; no branch role sets up a branch (a regional manager, not a caller here, edits their region's).
  'GET /api/manage/network': {
    call: () => ({ method: 'GET', url: '/api/manage/network' }),
    summary: (body: NetworkView) => `branches ${branchesIn(body.branches.map((b) => b.id).filter((id) => id === BRANCH_ID || id === B_ID))}`,
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '200 branches A,B' : FORBIDDEN)),
  },
  'POST /api/manage/regions': {
    call: (_b, _caller, world) => json('POST', '/api/manage/regions', { name: `Region ${world.sequence++}` }),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '200' : FORBIDDEN)),
  },
  'PATCH /api/manage/regions/:regionId': {
    // No such region: head office may learn that; anyone else is refused before the lookup.
    call: () => json('PATCH', '/api/manage/regions/0190a0b0-0000-7000-8000-0000000000d9', { name: 'Nowhere' }),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '404 not-found' : FORBIDDEN)),
  },
  'POST /api/manage/branches': {
    call: (_b, _caller, world) => json('POST', '/api/manage/branches', { name: `Branch ${world.sequence++}`, regionId: null, timeZone: 'UTC', defaultLanguage: 'en', ratingCooldownMs: 3000 }),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '200' : FORBIDDEN)),
  },
  'PATCH /api/manage/branches/:branchId': {
    call: (b) => json('PATCH', `/api/manage/branches/${BRANCH_IDS[b]}`, { ratingCooldownMs: 3000 }),
    summary: (body: NetworkBranch) => `branch ${branchOf(body.id)}`,
    expected: forDashboard((caller, scope) => (caller.role === 'head-office' ? `200 branch ${branchFor(caller, scope)}` : FORBIDDEN)),
  },
  'PUT /api/manage/settings': {
    call: () => json('PUT', '/api/manage/settings', { targets: { satisfaction: 80 } }),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '200' : FORBIDDEN)),
  },
  // Manage › Alert rules: head office sets the network's; a branch's own rules, whoever sees the branch's reports.
  'GET /api/manage/alert-rules': {
    call: (b) => ({ method: 'GET', url: `/api/manage/alert-rules?branch=${BRANCH_IDS[b]}` }),
    summary: (body: AlertRulesView) => `rules of ${branchOf(body.branch!.branchId)}`,
    expected: reports((b) => `200 rules of ${b}`),
  },
  'PUT /api/manage/alert-rules/network/:kind': {
    call: () => json('PUT', '/api/manage/alert-rules/network/dissatisfied', { enabled: true, params: {}, ackMinutes: 10 }),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '200' : FORBIDDEN)),
  },
  'PUT /api/manage/alert-rules/branches/:branchId/:kind': {
    call: (b) => json('PUT', `/api/manage/alert-rules/branches/${BRANCH_IDS[b]}/dissatisfied`, { enabled: true, params: {}, ackMinutes: 10 }),
    summary: (body: AlertRulesView) => `rules of ${branchOf(body.branch!.branchId)}`,
    expected: reports((b) => `200 rules of ${b}`),
  },
  'DELETE /api/manage/alert-rules/branches/:branchId/:kind': {
    call: (b) => json('DELETE', `/api/manage/alert-rules/branches/${BRANCH_IDS[b]}/dissatisfied`, {}),
    summary: (body: AlertRulesView) => `rules of ${branchOf(body.branch!.branchId)}`,
    expected: reports((b) => `200 rules of ${b}`),
  },
  'GET /api/reports/alert-times': { call: (b) => ({ method: 'GET', url: `/api/reports/alert-times?from=${DAY}&to=${DAY}&branchId=${BRANCH_IDS[b]}` }), expected: reports(() => '200') },
  // Alerts on the dashboard: a report role, about the branches it sees; an alert outside them answers as one that does not exist.
  'GET /api/alerts': { call: (b) => ({ method: 'GET', url: `/api/alerts?branch=${BRANCH_IDS[b]}` }), expected: reports(() => '200') },
  'GET /api/alerts/stream': {
    // A bad cursor is answered before a stream opens: who may open one, without leaving one open.
    call: () => ({ method: 'GET', url: '/api/alerts/stream?after=x' }),
    expected: forDashboard((caller) => (caller.role === 'branch-manager' || caller.role === 'head-office' ? '400 bad-request' : FORBIDDEN)),
  },
  'POST /api/alerts/:alertId/ack': {
    call: () => json('POST', `/api/alerts/${NO_ALERT}/ack`, { comment: 'Seen' }),
    expected: forDashboard((caller) => (caller.role === 'branch-manager' || caller.role === 'head-office' ? '404 not-found' : FORBIDDEN)),
  },
  'POST /api/alerts/:alertId/case': {
    call: () => json('POST', `/api/alerts/${NO_ALERT}/case`, { summary: 'Seen' }),
    expected: forDashboard((caller) => (caller.role === 'branch-manager' || caller.role === 'head-office' ? '404 not-found' : FORBIDDEN)),
  },
  // Alerts on the lobby tablet: its staff signed in on that very tablet.
  'GET /api/staff/alerts': {
    call: (branch, caller, world) => withManager({ method: 'GET', url: '/api/staff/alerts' }, branch, caller, world),
    expected: forDevices((caller, scope) => (caller.mode !== 'lobby' ? FORBIDDEN : scope === 'own' ? '200' : STAFF_SESSION_REQUIRED)),
  },
  'POST /api/staff/alerts/:alertId/ack': {
    call: (branch, caller, world) => withManager(json('POST', `/api/staff/alerts/${NO_ALERT}/ack`, { comment: 'Seen' }), branch, caller, world),
    expected: forDevices((caller, scope) => (caller.mode !== 'lobby' ? FORBIDDEN : scope === 'own' ? '404 not-found' : STAFF_SESSION_REQUIRED)),
  },
  // Manage › Webhooks: head office and regional managers only (a webhook is a request the server makes).
  'GET /api/manage/webhooks': { call: () => ({ method: 'GET', url: '/api/manage/webhooks' }), expected: forDashboard((caller) => (caller.role === 'head-office' ? '200' : FORBIDDEN)) },
  'POST /api/manage/webhooks': {
    call: (b) => json('POST', '/api/manage/webhooks', { name: 'Messaging', url: 'https://hooks.bank.example/alerts', branchId: BRANCH_IDS[b], events: ['alert-raised'] }),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '200' : FORBIDDEN)),
  },
  'PATCH /api/manage/webhooks/:id': {
    call: () => json('PATCH', `/api/manage/webhooks/${NO_ALERT}`, { enabled: false }),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '404 not-found' : FORBIDDEN)),
  },
  'POST /api/manage/webhooks/:id/secret': {
    call: () => json('POST', `/api/manage/webhooks/${NO_ALERT}/secret`, {}),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '404 not-found' : FORBIDDEN)),
  },
  'GET /api/manage/webhooks/:id/deliveries': {
    call: () => ({ method: 'GET', url: `/api/manage/webhooks/${NO_ALERT}/deliveries` }),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '404 not-found' : FORBIDDEN)),
  },
  'POST /api/manage/notifications/:id/replay': {
    call: () => json('POST', `/api/manage/notifications/${NO_ALERT}/replay`, {}),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '404 not-found' : FORBIDDEN)),
  },
  // Manage › E-mail: a branch manager their branch's recipients; the test message, head office (and regional managers).
  'GET /api/manage/email-recipients': {
    call: () => ({ method: 'GET', url: '/api/manage/email-recipients' }),
    expected: forDashboard((caller) => (caller.role === 'head-office' || caller.role === 'branch-manager' ? '200' : FORBIDDEN)),
  },
  'POST /api/manage/email-recipients': {
    call: (b) => json('POST', '/api/manage/email-recipients', { name: 'Duty manager', address: 'duty@bank.example', language: 'en', branchId: BRANCH_IDS[b], events: ['alert-raised'] }),
    expected: reports(() => '200'),
  },
  'PATCH /api/manage/email-recipients/:id': {
    call: () => json('PATCH', `/api/manage/email-recipients/${NO_ALERT}`, { enabled: false }),
    expected: forDashboard((caller) => (caller.role === 'head-office' || caller.role === 'branch-manager' ? '404 not-found' : FORBIDDEN)),
  },
  'GET /api/manage/email/status': {
    call: () => ({ method: 'GET', url: '/api/manage/email/status' }),
    expected: forDashboard((caller) => (caller.role === 'head-office' || caller.role === 'branch-manager' ? '200' : FORBIDDEN)),
  },
  'POST /api/manage/email/test': {
    // No SMTP server is configured here: head office is told so; a branch manager may not send one at all.
    call: () => json('POST', '/api/manage/email/test', { address: 'it@bank.example' }),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '409 conflict' : FORBIDDEN)),
  },
  'GET /api/reports/waiting': { call: (b) => ({ method: 'GET', url: `/api/reports/waiting?from=${DAY}&to=${DAY}&branchId=${BRANCH_IDS[b]}` }), expected: reports(() => '200') },
  'GET /api/reports/surveys': { call: (b) => ({ method: 'GET', url: `/api/reports/surveys?from=${DAY}&to=${DAY}&branchId=${BRANCH_IDS[b]}` }), expected: reports(() => '200') },
  'GET /api/reports/flags': { call: (b) => ({ method: 'GET', url: `/api/reports/flags?from=${DAY}&to=${DAY}&branchId=${BRANCH_IDS[b]}` }), expected: reports(() => '200') },
  // A rating kept out of the assessment, or put back: its branch's manager only; another branch's rating answers as none.
  'POST /api/ratings/:ratingId/exclusion': {
    call: (b, _caller, world) => json('POST', `/api/ratings/${world.rating[b]}/exclusion`, { reason: 'Tapped between customers' }),
    summary: (body: { excluded: { reason: string } | null }) => (body.excluded ? 'kept out' : 'counted'),
    expected: forDashboard((caller, scope) => (caller.role !== 'branch-manager' ? FORBIDDEN : scope === 'own' ? '200 kept out' : '404 not-found')),
  },
  'POST /api/ratings/:ratingId/inclusion': {
    call: (b, _caller, world) => json('POST', `/api/ratings/${world.excludedRating[b]}/inclusion`, { reason: 'A customer after all' }),
    summary: (body: { excluded: { reason: string } | null }) => (body.excluded ? 'kept out' : 'counted'),
    expected: forDashboard((caller, scope) => (caller.role !== 'branch-manager' ? FORBIDDEN : scope === 'own' ? '200 counted' : '404 not-found')),
  },
  // Queue systems post to their own branch (a post names none): a counter code of the other branch is unknown to it.
  'POST /api/queue/events': {
    call: (b, _caller, world) => json('POST', '/api/queue/events', { events: [{ ticket: `T${world.sequence++}`, type: 'called', at: SERVER_NOW - 60_000, counter: QUEUE_CODE[b] }] }),
    summary: (body: QueuePostResponse) => body.results.map((r) => (r.status === 'rejected' ? r.reason : r.status)).join(','),
    expected: forQueueSystems((_, scope) => (scope === 'own' ? '200 stored' : '200 unknown-counter')),
  },
  // Manage › Queue system: whoever sees the branch's reports (head office, its regional and branch manager).
  'GET /api/manage/branches/:branchId/queue': {
    call: (b) => ({ method: 'GET', url: `/api/manage/branches/${BRANCH_IDS[b]}/queue` }),
    summary: (body: QueueSetup) => `systems of ${branchesIn(body.systems.map((s) => s.branchId))}`,
    expected: reports((b) => `200 systems of ${b}`),
  },
  'POST /api/manage/branches/:branchId/queue/systems': {
    call: (b) => json('POST', `/api/manage/branches/${BRANCH_IDS[b]}/queue/systems`, { name: 'Ticket printer' }),
    summary: (body: QueueSystemKey) => `key of ${branchOf(body.system.branchId)}`,
    expected: reports((b) => `201 key of ${b}`),
  },
  'POST /api/manage/queue/systems/:id/revoke': {
    call: (b, _caller, world) => json('POST', `/api/manage/queue/systems/${world.queueSystem[b]}/revoke`, {}),
    summary: (body: { system: QueueSystemView }) => `revoked in ${branchOf(body.system.branchId)}`,
    expected: reports((b) => `200 revoked in ${b}`),
  },
  'PUT /api/manage/counters/:counterId/queue-code': {
    call: (b, _caller, world) => json('PUT', `/api/manage/counters/${world.counterOf[b]}/queue-code`, { queueCode: QUEUE_CODE[b] }),
    summary: (body: { counter: QueueCounterView }) => `counter ${body.counter.id === COUNTER_ID ? 'A' : body.counter.id === B_COUNTER_ID ? 'B' : '?'}`,
    expected: reports((b) => `200 counter ${b}`),
  },
  'POST /api/manage/branches/:branchId/queue/import': {
    call: (b) => ({ method: 'POST', url: `/api/manage/branches/${BRANCH_IDS[b]}/queue/import`, headers: { 'content-type': 'text/csv' }, payload: `ticket,event,time,counter\nI1,issued,${DAY} 09:00,\n` }),
    summary: (body: QueueImportResult) => `${body.total} event`,
    expected: reports(() => '200 1 event'),
  },
  // Manage › Surveys: head office alone. A survey no one has (the alerts' missing id) answers head office 404.
  'GET /api/manage/surveys': {
    call: () => ({ method: 'GET', url: '/api/manage/surveys' }),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '200' : FORBIDDEN)),
  },
  'POST /api/manage/surveys': {
    call: (b) => json('POST', '/api/manage/surveys', { name: 'Winter', questionnaire: aQuestionnaire(), schedule: { startsOn: DAY, endsOn: DAY, branchIds: [BRANCH_IDS[b]], channels: ['lobby'] } }),
    summary: (body: SurveySummaryResponse) => `survey at ${branchesIn(body.survey.schedule.branchIds ?? [])}`,
    expected: forDashboard((caller, scope) => (caller.role === 'head-office' ? `201 survey at ${branchFor(caller, scope)}` : FORBIDDEN)),
  },
  'PUT /api/manage/surveys/:surveyId': {
    call: () => json('PUT', `/api/manage/surveys/${NO_ALERT}`, { name: 'Spring' }),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '404 not-found' : FORBIDDEN)),
  },
  'POST /api/manage/surveys/:surveyId/end': {
    call: () => json('POST', `/api/manage/surveys/${NO_ALERT}/end`, {}),
    expected: forDashboard((caller) => (caller.role === 'head-office' ? '404 not-found' : FORBIDDEN)),
  },
  // Printed cards: head office for any counter, a branch manager for their own branch's.
  'POST /api/manage/surveys/cards': {
    call: (b, _caller, world) => json('POST', '/api/manage/surveys/cards', { counterId: world.counterOf[b], count: 1 }),
    summary: (body: SurveyCardsResponse) => `cards of ${branchOf(body.branch.id)}`,
    expected: forDashboard((caller, scope) => (caller.role === 'head-office' || (caller.role === 'branch-manager' && scope === 'own') ? `200 cards of ${branchFor(caller, scope)}` : FORBIDDEN)),
  },
  // The customer's phone page: the code is its one credential, so no other opens anything; a code that is not valid is one page for all.
  'GET /v/:code': { call: () => ({ method: 'GET', url: '/v/AQGiUWDPM3zMsMqg' }), expected: () => '404 page' },
  'POST /v/:code': {
    call: () => ({ method: 'POST', url: '/v/AQGiUWDPM3zMsMqg', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'q-service=satisfied' }),
    expected: () => '404 page',
  },
  [`GET ${PHONE_CSS_PATH}`]: { call: () => ({ method: 'GET', url: PHONE_CSS_PATH }), expected: () => '200' },
  'GET /api/reports/day-close': {
    call: (b) => ({ method: 'GET', url: `/api/reports/day-close?branchId=${BRANCH_IDS[b]}&day=${DAY}` }),
    summary: (body: DayCloseReport) => `close of ${branchOf(body.status.branchId)}`,
    expected: reports((b) => `200 close of ${b}`),
  },
  'POST /api/reports/day-close/confirm': {
    call: (b) => json('POST', '/api/reports/day-close/confirm', { branchId: BRANCH_IDS[b], day: DAY, acceptGaps: true }),
    summary: (body: DayCloseReport) => `close of ${branchOf(body.status.branchId)}`,
    expected: reports((b) => `200 close of ${b}`),
  },
};

describeEachDatabase('who may call every route', (kind) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  const cookie: Record<string, string> = {};
  const world: World = { token: {}, staffSession: {}, counterOf: { A: COUNTER_ID, B: B_COUNTER_ID }, lobbyPrefix: { A: 0, B: 0 }, revocable: { A: '', B: '' }, tablet: { A: '', B: '' }, queueSystem: { A: '', B: '' }, rating: { A: '', B: '' }, excludedRating: { A: '', B: '' }, sequence: 1 };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const { teller } = await givenBranchWithCounter(database);
    await givenRosterAccount(database, teller);
    const b = await addBranch(database.db, { id: B_ID, name: 'Harbour Road' }, SERVER_NOW);
    if (!b.ok) throw new Error(b.message);
    const counter = await addCounter(database.db, { id: B_COUNTER_ID, branchId: B_ID, name: 'Window 1' }, SERVER_NOW);
    if (!counter.ok) throw new Error(counter.message);
    for (const [name, member] of Object.entries(STAFF)) {
      if (member.id === TELLER_ID) continue;
      const stored = await givenTeller(database, { id: member.id, branchId: BRANCH_IDS[member.branch], staffNumber: member.staffNumber, name, role: member.role });
      if (member.branch === 'A' || member.role === 'branch-manager') await givenRosterAccount(database, stored);
    }
    await givenHeadOfficeAccount(database);
    // A complaint manager of each branch with an account no caller signs in with: Manage ›
    // Accounts resets and re-enables them (a reset ends the sessions of its account).
    for (const [branch, id] of Object.entries(ACCOUNT_TARGET) as [Branch, { id: string; staffNumber: string }][]) {
      await givenRosterAccount(database, await givenTeller(database, { id: id.id, branchId: BRANCH_IDS[branch], staffNumber: id.staffNumber, name: `Accounts ${branch}`, role: 'complaint-manager' }));
    }

    for (const branch of ['A', 'B'] as const) {
      world.token[`counter tablet ${branch}`] = (await givenEnrolledDevice(database, world.counterOf[branch])).token;
      const lobby = await givenEnrolledLobby(database, BRANCH_IDS[branch]);
      world.token[`lobby tablet ${branch}`] = lobby.token;
      world.lobbyPrefix[branch] = lobby.referencePrefix;
      world.revocable[branch] = (await givenEnrolledDevice(database, world.counterOf[branch])).deviceId;
      world.tablet[branch] = (await givenEnrolledDevice(database, world.counterOf[branch])).deviceId;
    }
    const revoked = await givenEnrolledDevice(database);
    await revokeDevice(database.db, revoked.deviceId, SERVER_NOW);
    world.token['revoked tablet A'] = revoked.token;
    // Each branch's queue system, its counter's code, and a system to revoke; A's old key, revoked.
    const operator = { actor: { actor: 'tester@ci', role: 'operator', verified: 'server-shell' as const } };
    const made = async (branch: Branch) => {
      const system = await addQueueSystem(database.db, operator, BRANCH_IDS[branch], `Queue ${branch}`, SERVER_NOW);
      if (!system.ok) throw new Error(system.message);
      return system.value;
    };
    for (const branch of ['A', 'B'] as const) {
      const mapped = await setCounterQueueCode(database.db, operator, world.counterOf[branch], QUEUE_CODE[branch], SERVER_NOW);
      if (!mapped.ok) throw new Error(mapped.message);
      world.token[`queue system ${branch}`] = (await made(branch)).key;
      world.queueSystem[branch] = (await made(branch)).system.id;
    }
    const oldKey = await made('A');
    await revokeQueueSystemById(database.db, operator, oldKey.system.id, SERVER_NOW);
    world.token['revoked queue system A'] = oldKey.key;

    // Limits on failed attempts (attempt-limits.test.ts) would stop the table's refused enrollments and sign-ins.
    const unlimited = { max: Number.MAX_SAFE_INTEGER, windowMs: 1 };
    app = await buildApp({
      db: database.db,
      now: () => SERVER_NOW,
      attemptLimits: { enrollByAddress: unlimited, signInByAddress: unlimited, signInByStaffNumber: unlimited, pinByDevice: unlimited, pinByStaffOnDevice: unlimited, queueKeyByAddress: unlimited, visitCodeByAddress: unlimited },
    });
    // Each tablet has its branch manager signed in with the server, for the acts that need one.
    for (const branch of ['A', 'B'] as const) {
      for (const mode of ['counter', 'lobby'] as const) {
        const tablet = `${mode} tablet ${branch}`;
        const signIn = json('POST', '/api/staff-session', { staffNumber: STAFF[`branch-manager ${branch}`].staffNumber, pin: MANAGER_PIN, deviceTime: SERVER_NOW });
        const answer = await app.inject({ ...signIn, headers: { ...signIn.headers, authorization: `Bearer ${world.token[tablet]}` } });
        const grant = answer.json<StaffSessionGrant>();
        world.staffSession[tablet] = `${grant.sessionId}.${grant.key}`;
      }
    }

    // Each branch's lobby has an entry and a case, so that what a tablet gets shows whose it is.
    for (const branch of ['A', 'B'] as const) {
      const staff = STAFF[`lobby-staff ${branch}`];
      const records = [
        anOpinion({ branchId: BRANCH_IDS[branch], referenceCode: referenceCode(world.lobbyPrefix[branch], 0) }),
        aCaseEvent('opened', aCaseId(), { branchId: BRANCH_IDS[branch], staffId: staff.id, role: 'lobby-staff' }),
      ];
      const pushed = await app.inject({ ...json('POST', '/api/sync/push', { protocol: PROTOCOL_VERSION, records }), headers: { 'content-type': 'application/json', authorization: `Bearer ${world.token[`lobby tablet ${branch}`]}` } });
      expect(pushed.json<PushResponse>().results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    }
    for (const [name, caller] of Object.entries(CALLERS)) {
      if (caller.kind !== 'staff') continue;
      const signedIn = await app.inject({ ...json('POST', '/api/session', { staffNumber: caller.staffNumber, password: PASSWORD }) });
      expect(signedIn.statusCode, name).toBe(200);
      cookie[name] = String(signedIn.headers['set-cookie']).split(';')[0]!;
    }
    // Two ratings of each branch from its counter tablet; its branch manager keeps the second out.
    for (const branch of ['A', 'B'] as const) {
      const tellerId = branch === 'A' ? TELLER_ID : MANAGER_ID.B;
      const [counted, excluded] = [aRating({ branchId: BRANCH_IDS[branch], counterId: world.counterOf[branch], tellerId }), aRating({ branchId: BRANCH_IDS[branch], counterId: world.counterOf[branch], tellerId })];
      const pushed = await app.inject({ ...json('POST', '/api/sync/push', { protocol: PROTOCOL_VERSION, records: [counted, excluded] }), headers: { 'content-type': 'application/json', authorization: `Bearer ${world.token[`counter tablet ${branch}`]}` } });
      expect(pushed.json<PushResponse>().results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
      const kept = await app.inject({ ...json('POST', `/api/ratings/${excluded.id}/exclusion`, { reason: 'Tapped between customers' }), headers: { 'content-type': 'application/json', cookie: cookie[`branch-manager ${branch}`]! } });
      expect(kept.statusCode).toBe(200);
      world.rating[branch] = counted.id;
      world.excludedRating[branch] = excluded.id;
    }
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await database?.destroy();
  });

  /** The caller's credentials; a sign-out gets a session of its own, so the table's stay. */
  async function credentialsOf(name: string, route: string): Promise<Record<string, string>> {
    const caller = CALLERS[name]!;
    if (caller.kind === 'device' || caller.kind === 'revoked' || caller.kind === 'queue') return { authorization: `Bearer ${world.token[name]}` };
    if (caller.kind !== 'staff') return {};
    if (route !== 'DELETE /api/session') return { cookie: cookie[name]! };
    const token = randomBytes(32).toString('base64url');
    await insertSession(database.db, { tokenHash: hashSecret(token), staffNumber: caller.staffNumber, createdAt: SERVER_NOW, lastSeenAt: SERVER_NOW, expiresAt: SERVER_NOW + 3_600_000 });
    return { cookie: `${SESSION_COOKIE}=${token}` };
  }

  function outcomeOf(row: Row, answer: LightMyRequestResponse): string {
    // The phone page answers its refusals as pages, not as the API's JSON.
    if (answer.statusCode >= 400) return `${answer.statusCode} ${String(answer.headers['content-type']).startsWith('text/html') ? 'page' : answer.json<{ code: string }>().code}`;
    if (!row.summary || answer.statusCode === 204) return String(answer.statusCode);
    return `${answer.statusCode} ${row.summary(answer.json() as never)}`;
  }

  it('given the app, then every route has a row in the access table', () => {
    expect(routesOf(app)).toEqual(Object.keys(ROWS).sort());
  });

  it.for(Object.keys(ROWS))('given %s, then every caller, about its own branch and the other, gets what the table says', async (route) => {
    const row = ROWS[route]!;
    const actual: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const [name, caller] of Object.entries(CALLERS)) {
      for (const scope of ['own', 'other'] as const) {
        const branch = branchFor(caller, scope);
        const request = row.call(branch, caller, world);
        const answer = await app.inject({ ...request, headers: { ...request.headers, ...(await credentialsOf(name, route)) } });
        const key = `${name} about ${branch}`;
        actual[key] = outcomeOf(row, answer);
        expected[key] = row.expected(caller, scope);
      }
    }
    expect(actual).toEqual(expected);
  });
});
