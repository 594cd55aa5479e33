import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import * as v from 'valibot';
import { maySeeBranch, type Viewer } from '../../domain/access.ts';
import type { CaseFromAlert } from '../../domain/alerts-api.ts';
import type { AckVia, AlertView } from '../../domain/alerts.ts';
import type { Attested } from '../../domain/attestation.ts';
import { CaseEventSchema } from '../../domain/case.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { AlertRow, Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { acknowledgeAlertRow, findAlertRow, setAlertCase } from '../repositories/alerts.ts';
import { itemIdsOfBranch } from '../repositories/labelled-lists.ts';
import { findTellerByStaffNumber } from '../repositories/tellers.ts';
import { recordAlertEvent } from './alert-events.ts';
import { alertsChanged } from './alerts.ts';
import { storeCaseEvents } from './case-events.ts';

/**
 * What people do with an alert (docs/decisions/0026): acknowledge it with a comment, on the
 * dashboard or on the lobby tablet, or, as the branch's manager on the dashboard, turn it into
 * a complaint case. Each act is one transaction with its alert event (and the notifications it
 * queues); the live streams are woken after the commit.
 */

export type AlertActError = 'not-found' | 'conflict' | 'forbidden' | 'bad-request';

/** Who acts, as the server verified them: the name and number shown, how, the event's actor, and the branches they may act in. */
export type AlertActor = {
  /** A staff number: the dashboard account's, or the roster member's behind a staff session. */
  by: string;
  name: string;
  via: AckVia;
  /** The alert event's actor, as the audit log names people: a dashboard staff number, a roster staff id. */
  actor: string;
  mayAct: (branchId: string) => boolean;
};

/** A dashboard viewer acting on alerts of the branches they may see. */
export const dashboardAlertActor = (viewer: Viewer): AlertActor => ({
  by: viewer.staffNumber,
  name: viewer.name,
  via: 'dashboard-session',
  actor: viewer.staffNumber,
  mayAct: (branchId) => maySeeBranch(viewer, branchId),
});

// An alert outside the actor's reach answers as if it did not exist: its id says nothing.
const notFound = (alertId: string) => err('not-found', `No alert ${alertId} that you may see; GET /api/alerts lists them.`);

const alreadyAcknowledged = (row: AlertRow) =>
  err(
    'conflict',
    `This alert was already acknowledged by ${row.acknowledged_name ?? '?'} (${row.acknowledged_by ?? '?'}) at ${new Date(Number(row.acknowledged_at)).toISOString()}; ` +
      'reload the alerts to see their comment.',
  );

/**
 * Acknowledges an alert nobody has yet, with the actor's comment; stops its clock. `caseId`:
 * the case a lobby tablet says it has just opened for it (routes/staff-alerts.ts), set when the
 * alert has none. Answers the alert as it is now; `conflict` names who acknowledged it first.
 */
export async function acknowledgeAlert(
  db: Kysely<Database>,
  actor: AlertActor,
  alertId: string,
  input: { comment: string; caseId?: string },
  now: number,
): Promise<Result<AlertView, AlertActError>> {
  const done = await inTransaction(db, async (trx): Promise<Result<AlertView, AlertActError>> => {
    const row = await findAlertRow(trx, alertId);
    if (!row || !actor.mayAct(row.branch_id)) return notFound(alertId);
    const ack = { at: now, by: actor.by, name: actor.name, via: actor.via, comment: input.comment };
    if (!(await acknowledgeAlertRow(trx, alertId, ack, input.caseId ?? null))) return alreadyAcknowledged((await findAlertRow(trx, alertId)) ?? row);
    const detail = { via: actor.via, comment: input.comment, ...(input.caseId !== undefined && { caseId: input.caseId }) };
    const { alert } = await recordAlertEvent(trx, { alertId, type: 'acknowledged', actor: actor.actor, detail }, now);
    return ok(alert);
  });
  if (done.ok) alertsChanged();
  return done;
}

/**
 * The comment an alert gets when a case is opened from it unacknowledged. Not the summary's
 * first line: a case's summary may carry the customer's words or phone number, and an alert
 * with its comment goes to webhooks and e-mail, which carry no customer's words (docs/privacy.md).
 * The dashboard and the tablet show their own words for an alert with a case.
 */
export const CASE_OPENED_COMMENT = 'complaint case opened';

/**
 * The device a case opened on the dashboard is stored under, and how it was attested. The
 * server checked the manager itself, through the dashboard's password session, so the event
 * is server-attested like one signed in a staff session; the tablets' pull (domain/wire.ts)
 * carries only 'server' or 'tablet', so they show it as checked. No staff session signed it:
 * its session column names the dashboard's session instead, and the device column the
 * dashboard, which no enrolled tablet's id can be (those are UUIDs).
 */
export const DASHBOARD_DEVICE = 'dashboard';
const DASHBOARD_ATTESTED: Attested = { kind: 'server', sessionId: 'dashboard-session' };

/**
 * Opens a complaint case from an alert in one step, as the alert's branch's manager: the
 * server makes the case's `opened` event (in person, or from the opinion-box entry that
 * raised the alert), by the manager's roster id, and stores it through the same state machine
 * and projection as a tablet's (services/case-events.ts), in the same transaction as the
 * alert's case and acknowledgement (unless someone acknowledged it already) and its
 * `case-opened` event. Every lobby tablet of the branch then pulls the case like any other.
 * A case belongs to its branch's staff: a regional manager or head office may see the alert
 * but not open its case.
 */
export async function openCaseFromAlert(db: Kysely<Database>, viewer: Viewer, alertId: string, input: CaseFromAlert, now: number): Promise<Result<AlertView, AlertActError>> {
  const done = await inTransaction(db, async (trx): Promise<Result<AlertView, AlertActError>> => {
    const row = await findAlertRow(trx, alertId);
    if (!row || !maySeeBranch(viewer, row.branch_id)) return notFound(alertId);
    const manager = viewer.role === 'branch-manager' && viewer.branchId === row.branch_id ? await findTellerByStaffNumber(trx, row.branch_id, viewer.staffNumber) : undefined;
    if (!manager?.active || manager.role !== 'branch-manager') {
      return err('forbidden', `A complaint case belongs to its branch's staff: only the branch manager of this alert's branch opens one from it; ${viewer.staffNumber} is signed in as ${viewer.role}.`);
    }
    if (input.topicId && !(await itemIdsOfBranch(trx, 'topics', row.branch_id)).has(input.topicId)) {
      return err('bad-request', `topicId: "${input.topicId}" is not a topic of this alert's branch`);
    }
    const caseId = uuidv7();
    // Claimed first, so that of two managers opening a case at once only one stores one.
    if (!(await setAlertCase(trx, alertId, caseId))) return err('conflict', `This alert already has the complaint case ${row.case_id ?? '(being opened)'}; open it on the lobby tablet.`);
    const acknowledged = await acknowledgeAlertRow(trx, alertId, { at: now, by: viewer.staffNumber, name: viewer.name, via: 'dashboard-session', comment: CASE_OPENED_COMMENT });
    const fromEntry = row.source_kind === 'opinion' && row.source_id !== null;
    const event = v.parse(CaseEventSchema, {
      kind: 'case-event',
      id: uuidv7(),
      caseId,
      branchId: row.branch_id,
      staffId: manager.id,
      role: 'branch-manager',
      createdAt: now,
      type: 'opened',
      channel: fromEntry ? 'opinion-box' : 'in-person',
      opinionId: fromEntry ? row.source_id : null,
      ...(input.topicId !== undefined && { topicId: input.topicId }),
      summary: input.summary,
    });
    const branch = await trx.selectFrom('branches').select('time_zone').where('id', '=', row.branch_id).executeTakeFirstOrThrow();
    const [claim] = await storeCaseEvents(trx, row.branch_id, [{ event, attested: DASHBOARD_ATTESTED }], DASHBOARD_DEVICE, now, branch.time_zone);
    // A new case id and event id, opened by a manager of its branch: nothing may refuse it.
    if (claim?.status !== 'accepted') throw new Error(`openCaseFromAlert: the case's opening was answered ${JSON.stringify(claim)}`);
    const detail = { caseId, acknowledged };
    const { alert } = await recordAlertEvent(trx, { alertId, type: 'case-opened', actor: viewer.staffNumber, detail }, now);
    return ok(alert);
  });
  if (done.ok) alertsChanged();
  return done;
}
