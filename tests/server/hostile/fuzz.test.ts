import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import * as v from 'valibot';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { SESSION_COOKIE } from '../../../src/domain/access.ts';
import { referenceCode } from '../../../src/domain/opinion.ts';
import { QueueEventSchema, type QueuePostResponse } from '../../../src/domain/queue.ts';
import { MAX_IMPORT_PROBLEMS, type QueueImportResult } from '../../../src/domain/queue-intake.ts';
import { API_ERROR_CODES, CONFLICT_REASONS, PROTOCOL_VERSION, SyncRecordSchema, type PushResponse, type SyncRecord } from '../../../src/domain/wire.ts';
import { buildApp } from '../../../src/server/app.ts';
import { PHONE_CSS_PATH } from '../../../src/server/phone-page.ts';
import { visitCodeSecret, visitKeyOf } from '../../../src/server/services/visit-keys.ts';
import { importVisitKey, makeVisitCode, newNonce } from '../../../src/domain/visit-code.ts';
import { contentHash } from '../../../src/server/content-hash.ts';
import { STATUS_OF } from '../../../src/server/errors.ts';
import { hashSecret } from '../../../src/server/secrets.ts';
import { insertSession } from '../../../src/server/repositories/sessions.ts';
import { addBranch, addCounter } from '../../../src/server/services/branches.ts';
import { addQueueSystem, setCounterQueueCode } from '../../../src/server/services/queue-systems.ts';
import { createSurvey } from '../../../src/server/services/surveys.ts';
import { aCaseEvent, aCaseId, STAFF_ID } from '../../builders/case-event.ts';
import { aQuestionnaire } from '../../builders/survey.ts';
import { anOpinion, aRating, aShiftEvent, BRANCH_ID, COUNTER_ID, TELLER_ID } from '../../builders/rating.ts';
import { aSurveyResponse } from '../../builders/survey.ts';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../../helpers/db.ts';
import { aHealth, givenHeadOfficeAccount, givenRosterAccount, PASSWORD, routesOf } from '../dashboard.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { givenBranchWithCounter, givenCaseStaff, givenEnrolledDevice, givenEnrolledLobby, givenEnrollmentCode, givenStoredSurvey, MANAGER_PIN, SERVER_NOW } from '../fixtures.ts';
import type { StaffSessionGrant } from '../../../src/domain/staff-session.ts';
import {
  CONTENT_TYPES,
  headerSafe,
  hostileKey,
  hostileParams,
  hostileQueries,
  hostileString,
  mutate,
  mutateText,
  mutations,
  percentEncode,
  queryString,
  rawBodies,
  textChanges,
  type Mutation,
  type TextChange,
} from './hostile-values.ts';

/**
 * Every endpoint of the API, fuzzed in-process (docs/reliability.md, "Hostile input and access"): for
 * each route and each way of asking (no credentials, hostile ones, the wrong kind, the right
 * ones), fast-check sends valid requests changed in one aspect: the JSON body mutated with
 * hostile values, raw text that is not JSON, every content type, the query, the path
 * parameter, the headers. Every answer must be a 4xx `{code, message}` that stored nothing,
 * or a 2xx that is a legitimate acceptance (a push that rejects the bad records one by one,
 * stores exactly the records it accepted, text as sent, and accepts only records it holds
 * as sent); never a 5xx. After each run, the server still answers /api/health and no
 * prototype was polluted. The counts of inputs tried are printed at the end.
 */

const DAY = '2026-11-23';
/** An alert (and webhook, recipient, notification) id no row has. */
const NO_ALERT = '0190a0b0-0000-7000-8000-0000000000aa';
const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const OTHER_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c2';
/** Records a push stores, by table. */
const RECORD_TABLES = ['ratings', 'shift_events', 'opinions', 'case_events', 'opinion_reads', 'survey_responses'];
/** What a push derives from them (report roll-ups, the case projection, a survey response's answer rows). */
const DERIVED_TABLES = ['survey_answers', 'rating_days', 'rating_branch_days', 'rating_reason_days', 'opinion_days', 'case_days', 'complaint_cases', 'alerts', 'alert_events', 'notifications'];

/**
 * How a request proves who sends it; 'fresh-session' is a session made for this one request;
 * '…-manager' is a tablet's token with its branch manager signed in on it (x-staff-session);
 * 'dashboard' is head office's session, 'manager-dashboard' the branch manager's.
 */
type Credentials = 'none' | 'hostile' | 'counter' | 'lobby' | 'counter-manager' | 'lobby-manager' | 'dashboard' | 'manager-dashboard' | 'fresh-session' | 'queue';
const DEVICE_CREDENTIALS: readonly Credentials[] = ['counter', 'lobby', 'counter-manager', 'lobby-manager'];
type Counts = Record<string, number>;
type Sent = { request: InjectOptions; json: unknown };

/** What a 2xx answer of a route may have changed, from the counts before and after. */
type Acceptance = (answer: LightMyRequestResponse, sent: Sent, delta: Counts, context: Context) => Promise<void> | void;

type Target = {
  /** Credentials besides none and hostile ones; the first of another kind is tried too. */
  credentials: Credentials[];
  query?: () => Record<string, string>;
  body?: (credentials: Credentials) => unknown;
  /** A body sent as text/csv instead (the queue system's export): its cells get the hostile text. */
  csv?: () => string;
  /** The `:id` of the path, valid. */
  param?: () => string;
  /**
   * Runs per way of asking that reaches the handler, on SQLite; a quarter as many for ways the
   * authentication hook refuses, and a quarter of all that on PostgreSQL.
   */
  runs: number;
  accept?: Acceptance;
  /** What a 200 is, when not JSON: the alerts' stream is server-sent events. */
  contentType?: RegExp;
  /** The phone page: a browser's form (its fields, sent urlencoded) instead of JSON, and its refusals are HTML pages. */
  form?: () => Record<string, string>;
};

type Context = { database: TestDatabase; acceptedIds: Set<string> };

const nothingChanges: Acceptance = (_answer, _sent, delta) => expect(delta).toEqual({});
const onlyTables =
  (...tables: string[]): Acceptance =>
  (_answer, _sent, delta) =>
    expect(Object.keys(delta).filter((t) => !tables.includes(t))).toEqual([]);

/** The table each kind of record is stored in. */
const TABLE_OF = { rating: 'ratings', shift: 'shift_events', opinion: 'opinions', 'case-event': 'case_events', 'entry-read': 'opinion_reads', 'survey-response': 'survey_responses' } as const;

/**
 * A 2xx push: one result per record; each accepted record valid by the shared schema, stored
 * once, as sent, and what the server holds under its id is that very record (its content
 * hash); a conflict names the record's id, with one of the conflict reasons, and stores nothing.
 */
const acceptPush: Acceptance = async (answer, sent, delta, { database, acceptedIds }) => {
  const { results } = answer.json<PushResponse>();
  const records = (sent.json as { records: unknown[] }).records;
  expect(results).toHaveLength(records.length);
  const fresh: SyncRecord[] = [];
  const accepted: SyncRecord[] = [];
  results.forEach((result, i) => {
    if (result.status === 'conflict') {
      expect(CONFLICT_REASONS).toContain(result.reason);
      return expect(result).toEqual({ id: (records[i] as { id: unknown }).id, status: 'conflict', reason: result.reason, message: expect.any(String) });
    }
    if (result.status !== 'accepted') return expect(result).toMatchObject({ status: 'rejected', reason: expect.any(String), message: expect.any(String) });
    const parsed = v.safeParse(SyncRecordSchema, records[i]);
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    accepted.push(parsed.output);
    if (!acceptedIds.has(parsed.output.id) && !fresh.some((r) => r.id === parsed.output.id)) fresh.push(parsed.output);
  });
  for (const record of accepted) {
    const held = await database.db.selectFrom(TABLE_OF[record.kind]).select('content_hash').where('id', '=', record.id).executeTakeFirstOrThrow();
    expect(held.content_hash).toBe(contentHash(record));
  }
  for (const record of fresh) acceptedIds.add(record.id);
  const stored = RECORD_TABLES.reduce((sum, t) => sum + (delta[t] ?? 0), 0);
  expect(stored).toBe(fresh.length);
  expect(Object.keys(delta).filter((t) => !RECORD_TABLES.includes(t) && !DERIVED_TABLES.includes(t))).toEqual([]);
  for (const record of fresh) {
    if (record.kind === 'opinion') {
      const row = await database.db.selectFrom('opinions').select(['text', 'contact_name']).where('id', '=', record.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ text: record.text, contact_name: record.contact?.name ?? null });
    }
  }
};

/**
 * A 2xx post of queue events: one answer per event, in order; each stored or duplicate event
 * valid by the shared schema and held as it reads it (a stored one with its service as sent,
 * trimmed); the stored ones, and no other, are new rows.
 */
const acceptQueuePost: Acceptance = async (answer, sent, delta, { database }) => {
  const { results } = answer.json<QueuePostResponse>();
  const events = (sent.json as { events: unknown[] }).events;
  expect(results.map((r) => r.index)).toEqual(events.map((_, i) => i));
  let stored = 0;
  for (const [i, result] of results.entries()) {
    if (result.status === 'rejected') {
      expect(['invalid-event', 'unknown-counter']).toContain(result.reason);
      expect(result.message).toMatch(/./);
      continue;
    }
    const parsed = v.safeParse(QueueEventSchema, events[i]);
    expect(parsed.success).toBe(true);
    if (!parsed.success) continue;
    const { ticket, type, at, service } = parsed.output;
    const held = await database.db.selectFrom('queue_events').select('service_type').where('branch_id', '=', BRANCH_ID).where('ticket', '=', ticket).where('type', '=', type).where('at', '=', at).executeTakeFirstOrThrow();
    if (result.status === 'stored') {
      stored++;
      expect(held.service_type).toBe(service ?? null);
    }
  }
  expect(delta.queue_events ?? 0).toBe(stored);
  expect(Object.keys(delta).filter((t) => t !== 'queue_events' && t !== 'match_dirty')).toEqual([]);
};

/** A 2xx import: every line counted once, the first problems answered, the stored lines new rows, and one audit row. */
const acceptQueueImport: Acceptance = (answer, _sent, delta) => {
  const result = answer.json<QueueImportResult>();
  expect(result.stored + result.duplicate + result.rejected).toBe(result.total);
  expect(result.problems).toHaveLength(Math.min(result.rejected, MAX_IMPORT_PROBLEMS));
  expect(delta.queue_events ?? 0).toBe(result.stored);
  expect(delta.audit_log).toBe(1);
  expect(Object.keys(delta).filter((t) => !['queue_events', 'match_dirty', 'audit_log'].includes(t))).toEqual([]);
};

const TARGETS: Record<string, Target> = {
  'GET /api/health': { credentials: [], runs: 100, accept: nothingChanges },
  'POST /api/enroll': {
    credentials: [],
    body: () => ({ code: 'ACDE-FGHJ', deviceLabel: 'Window 3 tablet', appVersion: '0.1.0' }),
    runs: 300,
    accept: (_a, _s, delta) => expect(delta).toEqual({ devices: 1 }),
  },
  'POST /api/sync/push': {
    credentials: ['counter', 'lobby'],
    body: (credentials) => ({ protocol: PROTOCOL_VERSION, records: credentials === 'lobby' ? lobbyRecords() : counterRecords(), health: aHealth() }),
    runs: 500,
    accept: acceptPush,
  },
  'GET /api/sync/config': { credentials: ['counter', 'lobby'], runs: 100, accept: nothingChanges },
  // Rotations with the fuzz's own tokens: the first makes each the previous one, and while the
  // new one is never used it keeps working, and each later rotation retires the unused one.
  'POST /api/device/token': {
    credentials: ['counter', 'lobby'],
    body: () => ({}),
    runs: 150,
    accept: (answer, _sent, delta) => {
      expect(answer.json<{ token: string }>().token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect([{}, { retired_tokens: 1 }]).toContainEqual(delta);
    },
  },
  'GET /api/case-events': { credentials: ['lobby', 'counter'], query: () => ({ after: '0', limit: '50' }), runs: 250, accept: nothingChanges },
  'GET /api/blankings': { credentials: ['lobby', 'counter'], query: () => ({ after: '0', limit: '50' }), runs: 150, accept: nothingChanges },
  // A review read is audited: one row of audit_log, nothing else.
  'GET /api/review': { credentials: ['lobby-manager', 'lobby', 'counter-manager'], query: () => ({ since: String(SERVER_NOW - 86_400_000) }), runs: 150, accept: onlyTables('audit_log') },
  'POST /api/day-close': {
    credentials: ['lobby-manager', 'counter-manager', 'counter'],
    body: () => ({}),
    runs: 150,
    accept: onlyTables('day_closes'),
  },
  // Each valid-looking sign-in costs a PBKDF2 of a manager's PIN (at the fixtures' cheap cost here, 600,000 rounds in production): fewer runs.
  'POST /api/staff-session': {
    credentials: ['lobby', 'counter'],
    body: () => ({ staffNumber: '3003', pin: MANAGER_PIN, deviceTime: SERVER_NOW }),
    runs: 24,
    accept: (_a, _s, delta) => expect(delta).toEqual({ staff_sessions: 1 }),
  },
  // A wrong current PIN, which no mutation guesses: nothing changes (each valid-looking try costs a PBKDF2, so few runs).
  'POST /api/staff-session/pin': {
    credentials: ['lobby-manager', 'counter-manager', 'counter'],
    body: () => ({ currentPin: '000000', newPin: '97531086' }),
    runs: 24,
    accept: nothingChanges,
  },
  'DELETE /api/staff-session': { credentials: ['lobby', 'counter'], runs: 100, accept: nothingChanges },
  // Each valid-looking sign-in costs a scrypt (the fixtures' cheap one here, a quarter second in production): fewer runs.
  'POST /api/session': {
    credentials: [],
    body: () => ({ staffNumber: 'HQ1', password: 'not the password' }),
    runs: 16,
    accept: (_a, _s, delta) => expect(delta).toEqual({ sessions: 1 }),
  },
  'DELETE /api/session': {
    credentials: ['fresh-session'],
    body: () => ({}),
    runs: 150,
    accept: (_a, _s, delta) => expect([{}, { sessions: -1 }]).toContainEqual(delta),
  },
  // A session of its own, as a change that went through would end every other; a wrong
  // current password (a scrypt each, hence few runs) changes nothing.
  'POST /api/session/password': {
    credentials: ['fresh-session'],
    body: () => ({ currentPassword: 'not the password', newPassword: 'a brand new password' }),
    runs: 16,
    accept: nothingChanges,
  },
  'GET /api/me': { credentials: ['dashboard'], runs: 100, accept: nothingChanges },
  'GET /api/reports/overview': { credentials: ['dashboard'], query: () => reportQuery(), runs: 150, accept: nothingChanges },
  'GET /api/reports/tellers': { credentials: ['dashboard'], query: () => reportQuery(), runs: 150, accept: nothingChanges },
  'GET /api/reports/counters': { credentials: ['dashboard'], query: () => reportQuery(), runs: 150, accept: nothingChanges },
  'GET /api/reports/complaints': { credentials: ['dashboard'], query: () => reportQuery(), runs: 150, accept: onlyTables('audit_log') },
  'GET /api/reports/branches': { credentials: ['dashboard'], query: () => ({ from: DAY, to: DAY }), runs: 150, accept: nothingChanges },
  'GET /api/reports/fleet': { credentials: ['dashboard'], query: () => ({ branchId: BRANCH_ID }), runs: 150, accept: nothingChanges },
  'POST /api/reports/fleet/:id/revoke': { credentials: ['dashboard'], body: () => ({}), param: () => sacrificialDeviceId, runs: 200, accept: nothingChanges },
  'GET /api/reports/day-close': { credentials: ['dashboard'], query: () => ({ branchId: BRANCH_ID, day: DAY }), runs: 150, accept: nothingChanges },
  'GET /api/reports/waiting': { credentials: ['dashboard'], query: () => reportQuery(), runs: 100, accept: nothingChanges },
  'GET /api/reports/surveys': { credentials: ['dashboard'], query: () => reportQuery(), runs: 100, accept: nothingChanges },
  'GET /api/reports/flags': { credentials: ['dashboard'], query: () => reportQuery(), runs: 100, accept: nothingChanges },
  // A rating kept out of the assessment, or put back, by its branch's manager (head office is
  // refused): the exclusion, the roll-ups it changes, its days marked for the matcher and an
  // audit row. Once done, the same act again is a 409 that changes nothing.
  'POST /api/ratings/:ratingId/exclusion': {
    credentials: ['manager-dashboard', 'dashboard'],
    body: () => ({ reason: 'Tapped between customers' }),
    param: () => ratingToExclude,
    runs: 60,
    accept: onlyTables('rating_exclusions', 'rating_days', 'rating_branch_days', 'rating_reason_days', 'match_dirty', 'audit_log'),
  },
  'POST /api/ratings/:ratingId/inclusion': {
    credentials: ['manager-dashboard', 'dashboard'],
    body: () => ({ reason: 'A customer after all' }),
    param: () => ratingToInclude,
    runs: 60,
    accept: onlyTables('rating_exclusions', 'rating_days', 'rating_branch_days', 'rating_reason_days', 'match_dirty', 'audit_log'),
  },
  // Head office's privacy desk: each act is audited; an erasure blanks rows (their count stays) and tells the tablets.
  'POST /api/privacy/customer/search': { credentials: ['dashboard'], body: () => ({ phone: '+34 612 345 678' }), runs: 150, accept: onlyTables('audit_log') },
  'POST /api/privacy/customer/export': { credentials: ['dashboard'], body: () => ({ email: 'lucia@example.es' }), runs: 100, accept: onlyTables('audit_log') },
  'POST /api/privacy/customer/erase': {
    credentials: ['dashboard'],
    body: () => ({ query: { reference: 'ZZ-9999' }, confirm: true }),
    runs: 150,
    accept: onlyTables('audit_log', 'blankings'),
  },
  'GET /api/privacy/audit': { credentials: ['dashboard'], query: () => ({ from: DAY, to: DAY }), runs: 150, accept: onlyTables('audit_log') },
  'GET /api/privacy/retention': { credentials: ['dashboard'], runs: 100, accept: nothingChanges },
  // A sheet of enrollment codes: the codes and the audit row of their making, nothing else.
  'POST /api/manage/branches/:branchId/enrollment-codes': { credentials: ['dashboard'], body: () => ({}), param: () => BRANCH_ID, runs: 100, accept: onlyTables('enrollment_codes', 'audit_log') },
  // A branch's staff: a new member (a fresh staff number each time) and its audit row; edits, a
  // new PIN and a photo change the member and add an audit row; the roster read changes nothing.
  'GET /api/manage/branches/:branchId/staff': { credentials: ['dashboard'], param: () => BRANCH_ID, runs: 100, accept: nothingChanges },
  'POST /api/manage/branches/:branchId/staff': {
    credentials: ['dashboard'],
    body: () => ({ staffNumber: `F${staffSequence++}`, name: 'New Teller', role: 'teller', stars: 3 }),
    param: () => BRANCH_ID,
    runs: 60,
    accept: onlyTables('tellers', 'audit_log'),
  },
  'PATCH /api/manage/staff/:tellerId': { credentials: ['dashboard'], body: () => ({ name: 'Mei Chen' }), param: () => TELLER_ID, runs: 100, accept: onlyTables('audit_log') },
  'POST /api/manage/staff/:tellerId/pin': { credentials: ['dashboard'], body: () => ({}), param: () => TELLER_ID, runs: 60, accept: onlyTables('audit_log') },
  'PUT /api/manage/staff/:tellerId/photo': { credentials: ['dashboard'], body: () => ({ photo: null }), param: () => TELLER_ID, runs: 100, accept: onlyTables('audit_log') },
  // Dashboard accounts: the list changes nothing; an invitation (a fresh staff number each time,
  // a temporary password hashed at the production cost: few runs) adds an account and its audit
  // row; head office's own account it may neither disable nor reset (403), whatever is sent.
  // Regions & branches (head office): a region or a branch adds its rows (a branch its default
  // lists and a first counter) and an audit row; an edit and the settings change rows in place.
  'GET /api/manage/network': { credentials: ['dashboard'], runs: 60, accept: nothingChanges },
  'POST /api/manage/regions': { credentials: ['dashboard'], body: () => ({ name: `Fuzz region ${staffSequence++}` }), runs: 40, accept: onlyTables('regions', 'audit_log') },
  'PATCH /api/manage/regions/:regionId': { credentials: ['dashboard'], body: () => ({ name: 'Fuzz region' }), param: () => '0190a0b0-0000-7000-8000-0000000000d9', runs: 40, accept: nothingChanges },
  'POST /api/manage/branches': {
    credentials: ['dashboard'],
    body: () => ({ name: 'Fuzz branch', regionId: null, timeZone: 'UTC', defaultLanguage: 'en', ratingCooldownMs: 3000, counterName: 'Window 1' }),
    runs: 20,
    accept: onlyTables('branches', 'reasons', 'topics', 'counters', 'audit_log'),
  },
  'PATCH /api/manage/branches/:branchId': { credentials: ['dashboard'], body: () => ({ ratingCooldownMs: 3000 }), param: () => BRANCH_ID, runs: 60, accept: onlyTables('audit_log') },
  'PUT /api/manage/settings': { credentials: ['dashboard'], body: () => ({ targets: { satisfaction: 80 } }), runs: 40, accept: onlyTables('settings', 'audit_log') },
  // Alert rules: a rule and its audit row; the read and the time to acknowledge change nothing. The branch's
  // two-parameter paths keep their :kind, which is no kind: refused alike.
  'GET /api/manage/alert-rules': { credentials: ['dashboard'], query: () => ({ branch: BRANCH_ID }), runs: 60, accept: nothingChanges },
  'PUT /api/manage/alert-rules/network/:kind': { credentials: ['dashboard'], body: () => ({ enabled: true, params: {}, ackMinutes: 10 }), param: () => 'dissatisfied', runs: 60, accept: onlyTables('alert_rules', 'audit_log') },
  'PUT /api/manage/alert-rules/branches/:branchId/:kind': { credentials: ['dashboard'], body: () => ({ enabled: true, params: {}, ackMinutes: 10 }), param: () => BRANCH_ID, runs: 40, accept: onlyTables('alert_rules', 'audit_log') },
  'DELETE /api/manage/alert-rules/branches/:branchId/:kind': { credentials: ['dashboard'], body: () => ({}), param: () => BRANCH_ID, runs: 40, accept: onlyTables('alert_rules', 'audit_log') },
  'GET /api/reports/alert-times': { credentials: ['dashboard'], query: () => reportQuery(), runs: 100, accept: nothingChanges },
  // Alerts: reads change nothing; an acknowledgement or a case needs an alert, which the fuzz has none of.
  // The stream is built to end after a few milliseconds here (buildApp's alertStream), so each input is answered.
  'GET /api/alerts': { credentials: ['dashboard'], query: () => ({ state: 'open', branch: BRANCH_ID }), runs: 60, accept: nothingChanges },
  'GET /api/alerts/stream': { credentials: ['dashboard'], query: () => ({ after: '0' }), runs: 30, accept: nothingChanges, contentType: /^text\/event-stream/ },
  'POST /api/alerts/:alertId/ack': { credentials: ['dashboard'], body: () => ({ comment: 'Seen' }), param: () => NO_ALERT, runs: 40, accept: nothingChanges },
  'POST /api/alerts/:alertId/case': { credentials: ['dashboard'], body: () => ({ summary: 'Seen' }), param: () => NO_ALERT, runs: 40, accept: nothingChanges },
  'GET /api/staff/alerts': { credentials: ['lobby-manager', 'lobby'], runs: 40, accept: nothingChanges },
  'POST /api/staff/alerts/:alertId/ack': { credentials: ['lobby-manager', 'lobby'], body: () => ({ comment: 'Seen' }), param: () => NO_ALERT, runs: 40, accept: nothingChanges },
  // Webhooks and e-mail recipients: one of each and its audit row; the rest read, or name nothing that exists.
  'GET /api/manage/webhooks': { credentials: ['dashboard'], runs: 40, accept: nothingChanges },
  'POST /api/manage/webhooks': {
    credentials: ['dashboard'],
    body: () => ({ name: 'Messaging', url: 'https://hooks.bank.example/alerts', branchId: BRANCH_ID, events: ['alert-raised'] }),
    runs: 30,
    accept: onlyTables('webhooks', 'audit_log'),
  },
  'PATCH /api/manage/webhooks/:id': { credentials: ['dashboard'], body: () => ({ enabled: false }), param: () => NO_ALERT, runs: 30, accept: nothingChanges },
  'POST /api/manage/webhooks/:id/secret': { credentials: ['dashboard'], body: () => ({}), param: () => NO_ALERT, runs: 30, accept: nothingChanges },
  'GET /api/manage/webhooks/:id/deliveries': { credentials: ['dashboard'], param: () => NO_ALERT, runs: 30, accept: nothingChanges },
  'POST /api/manage/notifications/:id/replay': { credentials: ['dashboard'], body: () => ({}), param: () => NO_ALERT, runs: 30, accept: nothingChanges },
  'GET /api/manage/email-recipients': { credentials: ['dashboard'], runs: 30, accept: nothingChanges },
  'POST /api/manage/email-recipients': {
    credentials: ['dashboard'],
    body: () => ({ name: 'Duty manager', address: 'duty@bank.example', language: 'en', branchId: BRANCH_ID, events: ['alert-raised'] }),
    runs: 30,
    accept: onlyTables('email_recipients', 'audit_log'),
  },
  'PATCH /api/manage/email-recipients/:id': { credentials: ['dashboard'], body: () => ({ enabled: false }), param: () => NO_ALERT, runs: 30, accept: nothingChanges },
  'GET /api/manage/email/status': { credentials: ['dashboard'], runs: 30, accept: nothingChanges },
  'POST /api/manage/email/test': { credentials: ['dashboard'], body: () => ({ address: 'it@bank.example' }), runs: 30, accept: onlyTables('audit_log') },
  'GET /api/manage/accounts': { credentials: ['dashboard'], runs: 60, accept: nothingChanges },
  'POST /api/manage/accounts': {
    credentials: ['dashboard'],
    body: () => ({ kind: 'head-office', staffNumber: `FA${staffSequence++}`, name: 'Fuzz Account' }),
    runs: 20,
    accept: onlyTables('staff_accounts', 'audit_log'),
  },
  'PATCH /api/manage/accounts/:staffNumber': { credentials: ['dashboard'], body: () => ({ active: true }), param: () => 'HQ1', runs: 60, accept: nothingChanges },
  'POST /api/manage/accounts/:staffNumber/password': { credentials: ['dashboard'], body: () => ({}), param: () => 'HQ1', runs: 60, accept: nothingChanges },
  // Counters & lists: a change is its row, the branch's config version and an audit row; the read
  // changes nothing. The two-parameter edits keep their :itemId, which no item has: refused alike.
  'GET /api/manage/branches/:branchId/setup': { credentials: ['dashboard'], param: () => BRANCH_ID, runs: 100, accept: nothingChanges },
  'POST /api/manage/branches/:branchId/counters': { credentials: ['dashboard'], body: () => ({ name: 'Window F' }), param: () => BRANCH_ID, runs: 60, accept: onlyTables('counters', 'branches', 'audit_log') },
  'PATCH /api/manage/counters/:counterId': { credentials: ['dashboard'], body: () => ({ name: 'Window 1' }), param: () => COUNTER_ID, runs: 100, accept: onlyTables('counters', 'branches', 'audit_log') },
  'POST /api/manage/branches/:branchId/reasons': {
    credentials: ['dashboard'],
    body: () => ({ labels: { en: 'Fuzzed', es: 'Fuzzed', 'zh-Hans': '测试', 'zh-Hant': '測試' }, scores: ['neutral'] }),
    param: () => BRANCH_ID,
    runs: 60,
    accept: onlyTables('reasons', 'branches', 'audit_log'),
  },
  'PATCH /api/manage/branches/:branchId/reasons/:itemId': { credentials: ['dashboard'], body: () => ({ active: true }), param: () => BRANCH_ID, runs: 60, accept: nothingChanges },
  'POST /api/manage/branches/:branchId/topics': {
    credentials: ['dashboard'],
    body: () => ({ labels: { en: 'Fuzzed', es: 'Fuzzed', 'zh-Hans': '测试', 'zh-Hant': '測試' }, kinds: ['praise'] }),
    param: () => BRANCH_ID,
    runs: 60,
    accept: onlyTables('topics', 'branches', 'audit_log'),
  },
  'PATCH /api/manage/branches/:branchId/topics/:itemId': { credentials: ['dashboard'], body: () => ({ active: true }), param: () => BRANCH_ID, runs: 60, accept: nothingChanges },
  'PUT /api/manage/branches/:branchId/order': {
    credentials: ['dashboard'],
    body: () => ({ list: 'topics', ids: ['waiting', 'staff', 'fees', 'products', 'self-service', 'premises', 'other'] }),
    param: () => BRANCH_ID,
    runs: 60,
    accept: onlyTables('topics', 'branches', 'audit_log'),
  },
  // A tablet's place: a label changes the device row, a counter (its own here) the branch's
  // version too; a replacement makes a code (ending the last one) and its audit row.
  'GET /api/manage/devices/:deviceId/counters': { credentials: ['dashboard'], param: () => tabletId, runs: 100, accept: nothingChanges },
  'PATCH /api/manage/devices/:deviceId': {
    credentials: ['dashboard'],
    body: () => ({ label: 'Window 3, left', counterId: COUNTER_ID }),
    param: () => tabletId,
    runs: 100,
    accept: onlyTables('audit_log'),
  },
  'POST /api/manage/devices/:deviceId/replacement': { credentials: ['dashboard'], body: () => ({}), param: () => tabletId, runs: 60, accept: onlyTables('enrollment_codes', 'audit_log') },
  // Queue intake: a post with the branch's queue system key; Manage › Queue system adds a system and
  // its audit row, revokes one and maps a counter (an audit row, and today marked for the matcher), imports an export.
  'POST /api/queue/events': { credentials: ['queue'], body: () => ({ events: queueEvents() }), runs: 300, accept: acceptQueuePost },
  'GET /api/manage/branches/:branchId/queue': { credentials: ['dashboard'], param: () => BRANCH_ID, runs: 60, accept: nothingChanges },
  'POST /api/manage/branches/:branchId/queue/systems': { credentials: ['dashboard'], body: () => ({ name: 'Ticket printer' }), param: () => BRANCH_ID, runs: 40, accept: onlyTables('queue_systems', 'audit_log') },
  'POST /api/manage/queue/systems/:id/revoke': { credentials: ['dashboard'], body: () => ({}), param: () => sacrificialQueueSystemId, runs: 40, accept: onlyTables('audit_log') },
  'PUT /api/manage/counters/:counterId/queue-code': { credentials: ['dashboard'], body: () => ({ queueCode: '3' }), param: () => COUNTER_ID, runs: 60, accept: onlyTables('audit_log', 'match_dirty') },
  'POST /api/manage/branches/:branchId/queue/import': { credentials: ['dashboard'], csv: () => queueCsv(), param: () => BRANCH_ID, runs: 150, accept: acceptQueueImport },
  // Manage › Surveys (head office): a survey and its first wording, an edit (a new wording is a
  // new version) and an end, each with its audit row; the list changes nothing.
  'GET /api/manage/surveys': { credentials: ['dashboard'], runs: 60, accept: nothingChanges },
  'POST /api/manage/surveys': {
    credentials: ['dashboard'],
    body: () => ({ name: 'Fuzz survey', questionnaire: aQuestionnaire(), schedule: { startsOn: DAY, endsOn: DAY, branchIds: [BRANCH_ID], channels: ['lobby', 'phone'] } }),
    runs: 60,
    accept: onlyTables('surveys', 'survey_versions', 'audit_log'),
  },
  'PUT /api/manage/surveys/:surveyId': { credentials: ['dashboard'], body: () => ({ name: 'Fuzz survey' }), param: () => surveyId, runs: 60, accept: onlyTables('survey_versions', 'audit_log') },
  'POST /api/manage/surveys/:surveyId/end': { credentials: ['dashboard'], body: () => ({}), param: () => surveyId, runs: 40, accept: onlyTables('audit_log') },
  'POST /api/manage/surveys/cards': { credentials: ['dashboard'], body: () => ({ counterId: COUNTER_ID, count: 2 }), runs: 60, accept: onlyTables('audit_log') },
  // The customer's phone page: no credentials but the code. Its form stores one response with
  // its answer rows, once; every other answer is a page that stored nothing.
  'GET /v/:code': { credentials: [], param: () => phoneCode, runs: 60, accept: nothingChanges, contentType: /^text\/html/ },
  'POST /v/:code': {
    credentials: [],
    param: () => phoneCode,
    form: () => ({ response: PHONE_RESPONSE_ID, survey: PHONE_SURVEY_ID, version: '1', 'q-service': 'satisfied', 'q-recommend': '9', 'q-better': 'wait', 'q-comment': 'Quick and kind' }),
    runs: 100,
    accept: onlyTables('survey_responses', 'survey_answers'),
    contentType: /^text\/html/,
  },
  [`GET ${PHONE_CSS_PATH}`]: { credentials: [], runs: 20, accept: nothingChanges, contentType: /^text\/css/ },
  'POST /api/reports/day-close/confirm': {
    credentials: ['dashboard'],
    body: () => ({ branchId: BRANCH_ID, day: DAY, acceptGaps: true }),
    runs: 150,
    accept: onlyTables('day_closes'),
  },
};

const reportQuery = () => ({ from: DAY, to: DAY, branchId: BRANCH_ID });

let lobbyPrefix = 0;
let lobbySequence = 1;
let staffSequence = 1;
let sacrificialDeviceId = '';
let sacrificialQueueSystemId = '';
let queueSequence = 1;
let ratingToExclude = '';
let ratingToInclude = '';
let tabletId = '';
let surveyId = '';
/** A visit's code of the counter tablet, for the phone page; its survey starts on the day, so it runs before the ones the fuzz makes (the lower id). */
let phoneCode = '';
const PHONE_SURVEY_ID = '0190a0b0-0000-7000-8000-0000000000a1';
const PHONE_RESPONSE_ID = '0190a0b0-0000-7000-8000-0000000000a2';
const formOf = (fields: unknown): string =>
  new URLSearchParams(fields !== null && typeof fields === 'object' ? Object.entries(fields).map(([k, value]) => [k, typeof value === 'string' ? value : (JSON.stringify(value) ?? '')]) : []).toString();

const counterRecords = (): unknown[] => [aShiftEvent(), aRating({ score: 'neutral', reasons: ['queue'] }), aRating()];
const lobbyRecords = (): unknown[] => [
  anOpinion({ referenceCode: referenceCode(lobbyPrefix, lobbySequence++), contact: { name: 'Ana Pérez', phone: '+34 600 123 456', email: 'ana@example.com', wantsReply: true, consent: true } }),
  aCaseEvent('opened', aCaseId()),
  aSurveyResponse(),
];

/** A ticket issued and called at counter "3", the code the fuzz's branch gives its counter. */
const queueEvents = (): unknown[] => {
  const ticket = `Q${queueSequence++}`;
  return [
    { ticket, type: 'issued', at: SERVER_NOW - 3_600_000, service: 'deposits' },
    { ticket, type: 'called', at: SERVER_NOW - 3_000_000, counter: '3' },
  ];
};
const queueCsv = (): string => {
  const ticket = `C${queueSequence++}`;
  return `ticket,event,time,counter,service\n${ticket},issued,${DAY} 09:00,,对公业务\n${ticket},called,${DAY} 09:05:30,3,\n`;
};

/** Content types for the export: CSV's in every spelling and charset, a near miss, and every other. */
const CSV_CONTENT_TYPES = ['text/csv', 'text/csv; charset=utf-8', 'TEXT/CSV; CHARSET=UTF-8', 'text/csv;charset="gb18030"', 'text/csv; charset=utf-16le', 'text/csv; charset=x-klingon', 'text/csv; header=present', 'text/csvx', ...CONTENT_TYPES];

/** The export with some cells replaced by hostile text (quoted as CSV quotes it) or followed by it raw, which may break the lines. */
function mutateCsv(csv: string, changes: readonly TextChange[]): string {
  const rows = csv.split('\n').map((line) => line.split(','));
  const cells = rows.flatMap((row, r) => row.map((_, c) => [r, c] as const));
  for (const { at, text, append } of changes) {
    const [r, c] = cells[at % cells.length]!;
    rows[r]![c] = append ? rows[r]![c] + text : `"${text.replace(/"/g, '""')}"`;
  }
  return rows.map((row) => row.join(',')).join('\n');
}

/** One request: a valid one changed in one aspect. */
type Input =
  | { aspect: 'valid' }
  | { aspect: 'mutate'; changes: Mutation[] }
  | { aspect: 'text'; changes: TextChange[] }
  | { aspect: 'raw'; payload: string | Buffer }
  | { aspect: 'type'; contentType: string }
  | { aspect: 'query'; query: string }
  | { aspect: 'param'; param: string }
  | { aspect: 'headers'; headers: Record<string, string> };

/** What was tried, per database and route: inputs, and how many got each status. */
const tally: Record<string, Record<string, { inputs: number; statuses: Record<number, number>; ms: number }>> = {};

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const prototypeKeys = () => PROTOTYPES.map((p) => Object.getOwnPropertyNames(p).sort().join(','));

describeEachDatabase('every endpoint, fuzzed', (kind) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let tables: string[];
  const credentialsOf: Record<Exclude<Credentials, 'hostile' | 'fresh-session'>, Record<string, string>> = {
    none: {},
    counter: {},
    lobby: {},
    'counter-manager': {},
    'lobby-manager': {},
    dashboard: {},
    'manager-dashboard': {},
    queue: {},
  };
  const context = {} as Context;
  // Runs per route: half the table's on SQLite, a quarter on PostgreSQL. The inputs are new at
  // every run of the suite (fast-check's seed), so runs add up over the suite's runs; the whole
  // table at every run was the longest file of the suite, past its time budget.
  const scale = kind === 'sqlite' ? 0.5 : 0.25;
  const prototypesBefore = prototypeKeys();
  tally[kind] = {};

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    Object.assign(context, { database, acceptedIds: new Set<string>() });
    await givenBranchWithCounter(database);
    await givenCaseStaff(database);
    // The survey the lobby's survey responses answer.
    await givenStoredSurvey(database);
    const harbour = await addBranch(database.db, { id: OTHER_BRANCH_ID, name: 'Harbour Road' }, SERVER_NOW);
    if (!harbour.ok) throw new Error(harbour.message);
    const counter = await addCounter(database.db, { id: OTHER_COUNTER_ID, branchId: OTHER_BRANCH_ID, name: 'Window 1' }, SERVER_NOW);
    if (!counter.ok) throw new Error(counter.message);
    await givenHeadOfficeAccount(database);
    const counterTablet = await givenEnrolledDevice(database);
    credentialsOf.counter = { authorization: `Bearer ${counterTablet.token}` };
    await givenStoredSurvey(database, { id: PHONE_SURVEY_ID, startsOn: DAY, endsOn: DAY, channels: ['phone'] });
    const visitKey = await importVisitKey(visitKeyOf(await visitCodeSecret(database.db), counterTablet.deviceId));
    phoneCode = await makeVisitCode(visitKey, { kind: 'visit', deviceId: counterTablet.deviceId, counterId: COUNTER_ID, tellerId: TELLER_ID, at: SERVER_NOW - 60_000, nonce: newNonce((n) => new Uint8Array(randomBytes(n))) });
    const lobby = await givenEnrolledLobby(database);
    lobbyPrefix = lobby.referencePrefix;
    credentialsOf.lobby = { authorization: `Bearer ${lobby.token}` };
    sacrificialDeviceId = (await givenEnrolledDevice(database, OTHER_COUNTER_ID)).deviceId;
    tabletId = (await givenEnrolledDevice(database)).deviceId;
    // The branch's queue system: its key, a second one to revoke, and the code it calls the counter by.
    const operator = { actor: { actor: 'fuzz@ci', role: 'operator', verified: 'server-shell' as const } };
    const mapped = await setCounterQueueCode(database.db, operator, COUNTER_ID, '3', SERVER_NOW);
    const queueKey = await addQueueSystem(database.db, operator, BRANCH_ID, 'Fuzz queue', SERVER_NOW);
    const sacrificialQueue = await addQueueSystem(database.db, operator, BRANCH_ID, 'Fuzz queue to revoke', SERVER_NOW);
    if (!mapped.ok || !queueKey.ok || !sacrificialQueue.ok) throw new Error('queue set-up failed');
    credentialsOf.queue = { authorization: `Bearer ${queueKey.value.key}` };
    sacrificialQueueSystemId = sacrificialQueue.value.system.id;
    const survey = await createSurvey(database.db, operator, { name: 'Fuzz survey', questionnaire: aQuestionnaire(), schedule: { startsOn: DAY, endsOn: DAY, branchIds: null, channels: ['lobby'] } }, SERVER_NOW);
    if (!survey.ok) throw new Error(survey.message);
    surveyId = survey.value.id;
    // Limits on failed attempts are tested on their own (attempt-limits.test.ts); here they
    // would answer 429 to most inputs and keep the fuzz from the handlers.
    const unlimited = { max: Number.MAX_SAFE_INTEGER, windowMs: 1 };
    app = await buildApp({
      db: database.db,
      now: () => SERVER_NOW,
      attemptLimits: { enrollByAddress: unlimited, signInByAddress: unlimited, signInByStaffNumber: unlimited, pinByDevice: unlimited, pinByStaffOnDevice: unlimited, queueKeyByAddress: unlimited, visitCodeByAddress: unlimited },
      // A stream that a fuzzed input opens ends at once: every request here is answered.
      alertStream: { pollMs: 2, maxMs: 5 },
    });
    // The branch manager signed in on each tablet with the server, for the acts that need it.
    for (const mode of ['counter', 'lobby'] as const) {
      const signIn = await app.inject({
        method: 'POST',
        url: '/api/staff-session',
        headers: { 'content-type': 'application/json', ...credentialsOf[mode] },
        payload: { staffNumber: '3003', pin: MANAGER_PIN, deviceTime: SERVER_NOW },
      });
      const grant = signIn.json<StaffSessionGrant>();
      credentialsOf[`${mode}-manager`] = { ...credentialsOf[mode], 'x-staff-session': `${grant.sessionId}.${grant.key}` };
    }
    const signedIn = await app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: { staffNumber: 'HQ1', password: PASSWORD } });
    credentialsOf.dashboard = { cookie: String(signedIn.headers['set-cookie']).split(';')[0]! };
    // The branch manager on the dashboard, who keeps ratings out of the assessment: one rating to
    // keep out, and one kept out already to put back.
    await givenRosterAccount(database, (await findTeller(database.db, STAFF_ID['branch-manager']))!);
    const managerSignedIn = await app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: { staffNumber: '3003', password: PASSWORD } });
    credentialsOf['manager-dashboard'] = { cookie: String(managerSignedIn.headers['set-cookie']).split(';')[0]! };
    const [toExclude, toInclude] = [aRating({ score: 'dissatisfied', reasons: ['queue'] }), aRating()];
    await app.inject({ method: 'POST', url: '/api/sync/push', headers: { 'content-type': 'application/json', ...credentialsOf.counter }, payload: { protocol: PROTOCOL_VERSION, records: [toExclude, toInclude] } });
    const kept = await app.inject({ method: 'POST', url: `/api/ratings/${toInclude.id}/exclusion`, headers: { 'content-type': 'application/json', ...credentialsOf['manager-dashboard'] }, payload: { reason: 'Tapped between customers' } });
    expect(kept.statusCode).toBe(200);
    [ratingToExclude, ratingToInclude] = [toExclude.id, toInclude.id];
    tables = await tablesOf(database);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await database?.destroy();
    printTally(kind);
  });

  async function countRows(): Promise<Counts> {
    const union = sql.join(tables.map((t) => sql`select ${t} as name, count(*) as n from ${sql.table(t)}`), sql` union all `);
    const { rows } = await sql<{ name: string; n: number | string }>`${union}`.execute(database.db);
    return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
  }

  /** The headers of a way of asking; a fresh session is made for this request alone. */
  async function headersOf(credentials: Credentials, hostile: Record<string, string>): Promise<Record<string, string>> {
    if (credentials === 'hostile') return hostile;
    if (credentials !== 'fresh-session') return credentialsOf[credentials];
    const token = randomBytes(32).toString('base64url');
    await insertSession(database.db, { tokenHash: hashSecret(token), staffNumber: 'HQ1', createdAt: SERVER_NOW, lastSeenAt: SERVER_NOW, expiresAt: SERVER_NOW + 3_600_000 });
    return { cookie: `${SESSION_COOKIE}=${token}` };
  }

  /** The request an input makes of a route, from a valid one with fresh ids. */
  async function requestOf(route: string, target: Target, credentials: Credentials, input: Input, hostile: Record<string, string>): Promise<Sent> {
    const [method, template] = route.split(' ') as ['GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', string];
    let path = template.replace(/:\w+/, input.aspect === 'param' ? input.param : (target.param?.() ?? ''));
    const query = input.aspect === 'query' ? input.query : queryString(Object.entries(target.query?.() ?? {}));
    if (query) path += `?${query}`;
    const headers: Record<string, string> = { ...(await headersOf(credentials, hostile)), ...(input.aspect === 'headers' ? input.headers : {}) };
    if (target.csv) {
      let csv: string | Buffer = target.csv();
      let csvType = 'text/csv';
      if (input.aspect === 'text') csv = mutateCsv(csv, input.changes);
      if (input.aspect === 'raw') csv = input.payload;
      if (input.aspect === 'type') csvType = input.contentType;
      if (csvType) headers['content-type'] = csvType;
      return { request: { method, url: path, headers, payload: csv }, json: undefined };
    }
    if (target.form) {
      const valid = target.form();
      let fields: unknown = valid;
      if (input.aspect === 'mutate') fields = mutate(valid, input.changes);
      if (input.aspect === 'text') fields = mutateText(valid, input.changes);
      let payload: string | Buffer = formOf(fields);
      let formType = 'application/x-www-form-urlencoded';
      if (input.aspect === 'raw') payload = input.payload;
      if (input.aspect === 'type') formType = input.contentType;
      if (formType) headers['content-type'] = formType;
      return { request: { method, url: path, headers, payload }, json: fields };
    }
    if (!target.body) return { request: { method, url: path, headers }, json: undefined };
    let valid = target.body(credentials);
    if (route === 'POST /api/enroll' && input.aspect !== 'raw') valid = { ...(valid as object), code: (await givenEnrollmentCode(database)).code };
    let payload: string | Buffer = JSON.stringify(valid);
    let contentType = 'application/json';
    if (input.aspect === 'mutate') payload = JSON.stringify(mutate(valid, input.changes)) ?? 'null';
    if (input.aspect === 'text') payload = JSON.stringify(mutateText(valid, input.changes));
    if (input.aspect === 'raw') payload = input.payload;
    if (input.aspect === 'type') contentType = input.contentType;
    if (contentType) headers['content-type'] = contentType;
    let json: unknown;
    try {
      // As the server reads it: a byte-order mark first is dropped.
      json = JSON.parse(payload.toString().replace(/^\ufeff/, ''));
    } catch {
      json = undefined;
    }
    return { request: { method, url: path, headers, payload }, json };
  }

  /** Inputs for a route: each aspect it has, weighted towards the body and the query. */
  function inputsOf(target: Target, template: string): fc.Arbitrary<Input> {
    const aspects: fc.WeightedArbitrary<Input>[] = [
      { weight: 1, arbitrary: fc.constant({ aspect: 'valid' as const }) },
      { weight: target.query ? 3 : 1, arbitrary: hostileQueries(target.query?.() ?? {}).map((query) => ({ aspect: 'query' as const, query })) },
      { weight: 1, arbitrary: hostileHeaders.map((headers) => ({ aspect: 'headers' as const, headers })) },
    ];
    if (target.body || target.form) {
      aspects.push(
        { weight: 4, arbitrary: mutations.map((changes) => ({ aspect: 'mutate' as const, changes })) },
        { weight: 3, arbitrary: textChanges.map((changes) => ({ aspect: 'text' as const, changes })) },
        { weight: 2, arbitrary: rawBodies(template).map((payload) => ({ aspect: 'raw' as const, payload })) },
        { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES).map((contentType) => ({ aspect: 'type' as const, contentType })) },
      );
    }
    if (target.csv) {
      aspects.push(
        { weight: 4, arbitrary: textChanges.map((changes) => ({ aspect: 'text' as const, changes })) },
        { weight: 2, arbitrary: rawBodies(template).map((payload) => ({ aspect: 'raw' as const, payload })) },
        { weight: 2, arbitrary: fc.constantFrom(...CSV_CONTENT_TYPES).map((contentType) => ({ aspect: 'type' as const, contentType })) },
      );
    }
    if (target.param) aspects.push({ weight: 3, arbitrary: hostileParams.map((param) => ({ aspect: 'param' as const, param })) });
    return fc.oneof(...aspects);
  }

  /** The answer must be a refusal that stored nothing, or an acceptance the route allows. */
  async function check(route: string, target: Target, sent: Sent, answer: LightMyRequestResponse, before: Counts): Promise<void> {
    const counted = (tally[kind]![route] ??= { inputs: 0, statuses: {}, ms: 0 });
    counted.inputs++;
    counted.statuses[answer.statusCode] = (counted.statuses[answer.statusCode] ?? 0) + 1;
    const what = `${sent.request.method} ${String(sent.request.url).slice(0, 200)} → ${answer.statusCode} ${answer.body.slice(0, 300)}`;
    expect(answer.statusCode, what).toBeLessThan(500);
    const after = await countRows();
    const delta = Object.fromEntries(Object.keys(after).filter((t) => after[t] !== before[t]).map((t) => [t, after[t]! - before[t]!]));
    if (answer.statusCode >= 400 && target.contentType?.test('text/html') && String(answer.headers['content-type']).startsWith('text/html')) {
      // The phone page's refusal: a page for the customer (its unknown paths stay the API's JSON 404), that stored nothing.
      expect(delta, what).toEqual({});
    } else if (answer.statusCode >= 400) {
      expect(answer.headers['content-type'], what).toMatch(/^application\/json/);
      const body = answer.json<Record<string, unknown>>();
      expect(Object.keys(body).sort(), what).toEqual(['code', 'message']);
      expect(API_ERROR_CODES, what).toContain(body.code);
      expect(STATUS_OF[body.code as keyof typeof STATUS_OF], what).toBe(answer.statusCode);
      expect(body.message, what).toEqual(expect.stringMatching(/./));
      expect(delta, what).toEqual({});
    } else {
      // 201: a queue system made (its key answered once).
      expect([200, 201, 204], what).toContain(answer.statusCode);
      if (answer.statusCode !== 204) expect(answer.headers['content-type'], what).toMatch(target.contentType ?? /^application\/json/);
      await (target.accept ?? nothingChanges)(answer, sent, delta, context);
    }
  }

  it('given the app, then every route has a row in the fuzz table', () => {
    expect(routesOf(app)).toEqual(Object.keys(TARGETS).sort());
  });

  it.for(Object.keys(TARGETS))('given %s, when fuzzed with and without credentials, then every answer is a JSON 4xx that stored nothing or a legitimate acceptance, and the server stays up', { timeout: 300_000 }, async (route) => {
    const target = TARGETS[route]!;
    const isDevice = target.credentials.some((c) => DEVICE_CREDENTIALS.includes(c));
    const isDashboard = target.credentials.some((c) => c === 'dashboard' || c === 'manager-dashboard' || c === 'fresh-session');
    const isQueue = target.credentials.includes('queue');
    // The wrong kind: a dashboard cookie on a device route, a device token on a dashboard route or a queue system's.
    const wrongKind: Credentials[] = isDevice ? ['dashboard'] : isDashboard || isQueue ? ['counter'] : [];
    const template = target.body ? JSON.stringify(target.body(target.credentials[0] ?? 'none')) : target.csv ? target.csv() : target.form ? formOf(target.form()) : '{}';
    const hostileCredentials = hostileCredentialsOf(credentialsOf);
    const started = Date.now();
    onTestFinished(() => {
      const counted = tally[kind]![route];
      if (counted) counted.ms = Date.now() - started;
    });
    // Where the route needs credentials, none, hostile ones and the wrong kind stop at its hook.
    const needsCredentials = isDevice || isDashboard || isQueue;
    const refused: Credentials[] = needsCredentials ? ['none', 'hostile', ...wrongKind] : [];
    const reaching: Credentials[] = needsCredentials ? target.credentials : ['none', 'hostile'];
    for (const credentials of [...refused, ...reaching]) {
      const runs = refused.includes(credentials) ? target.runs / 4 : target.runs;
      await fc.assert(
        fc.asyncProperty(inputsOf(target, template), hostileCredentials, async (input, hostile) => {
          const sent = await requestOf(route, target, credentials, input, hostile);
          const before = await countRows();
          await check(route, target, sent, await app.inject(sent.request), before);
        }),
        { numRuns: Math.max(5, Math.round(runs * scale)), endOnFailure: true },
      );
      expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
      // The fuzz's own session is still good: no input signed it out behind its back.
      expect((await app.inject({ method: 'GET', url: '/api/me', headers: credentialsOf.dashboard })).statusCode).toBe(200);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(prototypeKeys()).toEqual(prototypesBefore);
    }
  });

  it('given paths and methods no route has, then each is a JSON 404 (or 400 for a broken URL) and the server stays up', async () => {
    const paths = fc.oneof(
      hostileString.filter((s) => s.length < 2_000).map((s) => `/api/${percentEncode(s)}`),
      fc.constantFrom('/api', '/api/', '/api//health', '/api/health/..', '/api/../api/health/x', '/api/sync', '/api/reports', '/api/reports/fleet/x/y/z', '/api/%2e%2e/%2e%2e/etc/passwd', '/api/%FF', '/api/\u00ff'),
    );
    const methods = fc.constantFrom('PUT', 'PATCH', 'DELETE', 'OPTIONS', 'POST', 'GET');
    await fc.assert(
      fc.asyncProperty(paths, methods, hostileCredentialsOf(credentialsOf), async (url, method, headers) => {
        const route = `${method} ${url.split('?')[0]}`;
        fc.pre(!routesOf(app).includes(route) && !/^(GET|POST|DELETE) \/api\/health$/.test(route));
        const before = await countRows();
        const sent = { request: { method: method as 'GET', url, headers }, json: undefined };
        const answer = await app.inject(sent.request);
        await check('(no route)', { credentials: [], runs: 0 }, sent, answer, before);
        expect([400, 401, 404, 413], `${route} → ${answer.statusCode}`).toContain(answer.statusCode);
      }),
      { numRuns: Math.round(300 * scale) },
    );
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  });
});

/** Headers a client may add to any request. */
const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'x-forwarded-for': hostileString.map(headerSafe),
    'x-forwarded-proto': fc.constantFrom('https', 'http', 'gopher', ''),
    accept: fc.constantFrom('text/html', 'application/xml', '*/*', '', 'application/json;q=0'),
    'accept-language': hostileString.map(headerSafe),
    'content-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x-unknown'),
    origin: fc.constantFrom('https://evil.example', 'null', ''),
    'x-http-method-override': fc.constantFrom('DELETE', 'PUT', 'GET'),
  },
  { requiredKeys: [] },
);

/** Credentials that are not credentials: mangled tokens and cookies, and real ones mangled. */
function hostileCredentialsOf(real: Record<string, Record<string, string>>): fc.Arbitrary<Record<string, string>> {
  const token = (real.counter?.authorization ?? 'Bearer x').slice('Bearer '.length);
  const queueKey = (real.queue?.authorization ?? 'Bearer bvq_x').slice('Bearer '.length);
  const cookie = real.dashboard?.cookie ?? `${SESSION_COOKIE}=x`;
  return fc.oneof(
    hostileString.map((s) => ({ authorization: headerSafe(`Bearer ${s}`) })),
    fc
      .constantFrom(
        'Bearer',
        'Bearer ',
        'bearer',
        'Basic YWRtaW46YWRtaW4=',
        'Bearer a b',
        `Bearer ${'A'.repeat(43)}`,
        `Bearer ${'x'.repeat(8_000)}`,
        `Bearer ${token}x`,
        `Bearer ${token.slice(0, -1)}`,
        `Bearer ${token.toUpperCase()}`,
        `Bearer ${hashSecret(token)}`,
        `Token ${token}`,
        `Bearer ${queueKey}x`,
        `Bearer ${queueKey.slice(0, -1)}`,
        `Bearer ${queueKey.slice('bvq_'.length)}`,
        `Bearer ${hashSecret(queueKey)}`,
      )
      .map((authorization) => ({ authorization })),
    hostileString.map((s) => ({ cookie: headerSafe(`${SESSION_COOKIE}=${s}`) })),
    hostileKey.map((k) => ({ cookie: headerSafe(`${k}=1; ${cookie}x`) })),
    fc
      .constantFrom(`${SESSION_COOKIE}=`, `${SESSION_COOKIE}=a; ${SESSION_COOKIE}=b`, `${SESSION_COOKIE}="quoted"`, `${SESSION_COOKIE}=%FF`, '=; ;=', `${cookie.slice(0, -1)}`, `${SESSION_COOKIE}=x; ${cookie}`)
      .map((c) => ({ cookie: c })),
  );
}

/** Every table of the database but the migrations' own. */
async function tablesOf(database: TestDatabase): Promise<string[]> {
  const tables = await database.db.introspection.getTables();
  // Refused attempts are counted in `attempts` on purpose (attempt-limits.ts): the one row a refusal may write.
  return tables.map((t) => t.name).filter((name) => !name.startsWith('kysely_') && name !== 'attempts').sort();
}

function printTally(kind: string): void {
  const routes = tally[kind] ?? {};
  const total = Object.values(routes).reduce((sum, r) => sum + r.inputs, 0);
  const lines = Object.entries(routes).map(
    ([route, { inputs, statuses, ms }]) => `  ${route.padEnd(38)} ${String(inputs).padStart(6)} ${`${(ms / 1000).toFixed(1)} s`.padStart(7)}  ${Object.entries(statuses).map(([s, n]) => `${s}×${n}`).join(' ')}`,
  );
  console.log(`Fuzz (${kind}): ${total} inputs over ${Object.keys(routes).length} routes\n${lines.join('\n')}`);
}
