import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { alertDedupeKey, nextLevel, type AlertKind, type AlertLevel } from '../../domain/alerts.ts';
import { replyDueAt } from '../../domain/case.ts';
import type { Database } from '../db/schema.ts';
import { effectiveAlertRules } from '../repositories/alert-rules.ts';
import { insertAlerts, type NewAlert } from '../repositories/alerts.ts';
import { openCases } from '../reports/cases.ts';
import { recordAlertEvent } from './alert-events.ts';
import { alertsChanged, raiseDayBelowTargetAlerts } from './alerts.ts';
import { readCaseDeadlines } from './settings.ts';

/**
 * What the clock does to alerts (docs/decisions/0026): an alert nobody acknowledged in its
 * rule's minutes goes up a level, and a complaint case near its reply deadline raises one.
 * Every server runs these every few seconds (scheduleAlerts); each change is a conditional
 * write or an insert under a unique key, so with several servers each step happens once.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How many due alerts one tick escalates at most: a backlog (a server down for an hour) drains over a few ticks. */
const ESCALATIONS_PER_TICK = 200;

/**
 * A deadline that passed longer ago than this raises nothing: a rule switched on today, or a
 * server that was down, must not flood the branch with alerts about cases overdue for weeks,
 * which the complaints report already shows in red.
 */
export const CASE_DEADLINE_STALE_MS = 24 * HOUR;

/**
 * Raises every unacknowledged alert whose time has come one level (the branch, its region,
 * head office; straight to head office for a branch without a region), with its new time from
 * its rule's minutes, or none at the top; late alerts have no time (nobody is left to reach).
 * Each step is one transaction: an update conditional on the level and time read, so that
 * when two servers see the same alert only the one whose update lands records the event (and
 * queues its notifications). Answers how many steps it recorded.
 */
export async function escalateDueAlerts(db: Kysely<Database>, now: number): Promise<number> {
  const due = await db
    .selectFrom('alerts')
    .innerJoin('branches', 'branches.id', 'alerts.branch_id')
    .select(['alerts.id', 'alerts.kind', 'alerts.branch_id', 'alerts.level', 'alerts.escalate_at', 'branches.region_id'])
    .where('alerts.escalate_at', '<=', now)
    .where('alerts.acknowledged_at', 'is', null)
    .where('alerts.late', '=', 0)
    .orderBy('alerts.escalate_at')
    .limit(ESCALATIONS_PER_TICK)
    .execute();
  if (due.length === 0) return 0;
  const rules = await effectiveAlertRules(db, [...new Set(due.map((a) => a.branch_id))]);
  let escalated = 0;
  for (const alert of due) {
    const from = alert.level as AlertLevel;
    const to = nextLevel(from, alert.region_id !== null);
    const ackMinutes = rules.get(alert.branch_id)![alert.kind as AlertKind]?.ackMinutes;
    // At the top there is no one left to hand it to: it waits there, without a time.
    const escalateAt = to === null || to === 'head-office' || ackMinutes === undefined ? null : now + ackMinutes * MINUTE;
    const stepped = await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('alerts')
        .set({ level: to ?? from, escalate_at: escalateAt })
        .where('id', '=', alert.id)
        .where('level', '=', from)
        .where('escalate_at', '=', alert.escalate_at!)
        .where('acknowledged_at', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1 || to === null) return false;
      await recordAlertEvent(trx, { alertId: alert.id, type: 'escalated', actor: null, detail: { from, to } }, now);
      return true;
    });
    if (stepped) escalated += 1;
  }
  return escalated;
}

/**
 * Raises a `case-deadline` alert for every complaint case still waiting for its reply
 * (domain/case.ts replyDueAt: open or with head office, not replied nor signed off) whose
 * deadline is within its branch's rule's hours and did not pass more than a day ago. One per
 * case ever (its dedupe key), each with its first event in one transaction. The alert says when
 * the reply is due and nothing of the case's text. Answers how many it raised.
 */
export async function raiseCaseDeadlineAlerts(db: Kysely<Database>, now: number): Promise<number> {
  const cases = await openCases(db, 'all');
  if (cases.length === 0) return 0;
  const alerted = await alreadyRaised(db, cases.map((c) => alertDedupeKey('case-deadline', c.id)));
  const waiting = cases.filter((c) => !alerted.has(alertDedupeKey('case-deadline', c.id)));
  if (waiting.length === 0) return 0;
  const [deadlines, rules] = await Promise.all([readCaseDeadlines(db), effectiveAlertRules(db, [...new Set(waiting.map((c) => c.branchId))])]);
  let raised = 0;
  for (const c of waiting) {
    const rule = rules.get(c.branchId)!['case-deadline'];
    const dueAt = replyDueAt(c, deadlines);
    if (!rule.enabled || dueAt === null) continue;
    const { hours } = rule.params;
    if (dueAt - now > hours * HOUR || now - dueAt > CASE_DEADLINE_STALE_MS) continue;
    const alert: NewAlert = {
      id: uuidv7(),
      dedupeKey: alertDedupeKey('case-deadline', c.id),
      kind: 'case-deadline',
      branchId: c.branchId,
      counterId: null,
      tellerId: null,
      sourceKind: 'case',
      sourceId: c.id,
      detail: { kind: 'case-deadline', dueAt, hours },
      occurredAt: now,
      raisedAt: now,
      late: false,
      level: 'branch',
      escalateAt: now + rule.ackMinutes * MINUTE,
    };
    const inserted = await db.transaction().execute(async (trx) => {
      const ids = await insertAlerts(trx, [alert]);
      if (!ids.has(alert.id)) return false;
      await recordAlertEvent(trx, { alertId: alert.id, type: 'raised', actor: null, detail: {} }, now);
      return true;
    });
    if (inserted) raised += 1;
  }
  return raised;
}

/** Which of `keys` already have an alert, in pages the databases' parameter limits allow. */
async function alreadyRaised(db: Kysely<Database>, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < keys.length; start += 500) {
    const rows = await db.selectFrom('alerts').select('dedupe_key').where('dedupe_key', 'in', keys.slice(start, start + 500)).execute();
    for (const row of rows) found.add(row.dedupe_key);
  }
  return found;
}

type SchedulerLog = { info: (o: object, msg: string) => void; error: (o: object, msg: string) => void };

/**
 * The deadlines are in hours: looking once a minute is soon enough, and spares the database
 * a read of every open case every few seconds.
 */
const CASE_DEADLINES_EVERY_MS = MINUTE;

/**
 * Runs the alerts' clock now and then every `everyMs` (each server; the conditional writes and
 * keys let several run it): the day's satisfaction of every branch against its target,
 * escalations, and the case deadlines once a minute. A tick starts
 * only after the last one ended, so a slow database never stacks them. A failure is logged and
 * the next tick tries again. Answers the stop.
 */
export function scheduleAlerts(db: Kysely<Database>, log: SchedulerLog, clock: () => number = Date.now, everyMs = 5000): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let deadlinesAt = -Infinity;
  const tick = async () => {
    const now = clock();
    try {
      const dayBelow = (await raiseDayBelowTargetAlerts(db, now)).length;
      const escalated = await escalateDueAlerts(db, now);
      let raised = 0;
      if (now - deadlinesAt >= CASE_DEADLINES_EVERY_MS) {
        raised = await raiseCaseDeadlineAlerts(db, now);
        deadlinesAt = now;
      }
      // Committed: this server's live dashboards hear the steps at once, not at their next read.
      if (dayBelow > 0 || escalated > 0 || raised > 0) alertsChanged();
      if (dayBelow > 0 || escalated > 0 || raised > 0) log.info({ job: 'alerts', dayBelow, escalated, caseDeadlines: raised }, 'alerts raised or escalated by the clock');
    } catch (error) {
      if (!stopped) log.error({ job: 'alerts', err: error }, 'the alerts clock failed; it is tried again at its next tick');
    }
    if (!stopped) {
      timer = setTimeout(() => void tick(), everyMs);
      timer.unref();
    }
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
