import type { Kysely } from 'kysely';
import { HEAD_OFFICE, maySeeBranch, type Viewer } from '../../domain/access.ts';
import { ALERT_KINDS, type AlertKind } from '../../domain/alerts.ts';
import type { AlertRuleInput, AlertRuleReason, AlertRulesView, AlertRuleView } from '../../domain/manage-alert-rules.ts';
import { paramsProblems } from '../../domain/manage-alert-rules.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { effectiveAlertRules, NETWORK_RULES } from '../repositories/alert-rules.ts';
import { findBranchRef } from '../repositories/branch-refs.ts';
import { listItems } from '../repositories/labelled-lists.ts';
import { recordAudit, type Actor } from './audit.ts';

/**
 * Manage › Alert rules (routes/manage-alert-rules.ts): the network's rules (head office) and a
 * branch's own (head office, the region's manager, the branch's manager: whoever sees the
 * branch's reports). A branch's row wins over the network's, which wins over the default
 * (repositories/alert-rules.ts); removing a branch's row puts the network's back in force.
 * Every change is audited with who made it and what it now says, in its transaction.
 */

export type AlertRulesError = 'forbidden' | 'not-found' | 'bad-request';

export type AlertRulesActor = { viewer: Viewer; actor: Actor };

const headOffice = (viewer: Viewer): boolean => viewer.role === HEAD_OFFICE;

/**
 * Whether the viewer may see the branch, and that it exists: an unknown branch is 404 for head
 * office and 403 for anyone else, who cannot probe other regions' ids (as services/network.ts).
 */
async function checkBranch(db: Kysely<Database>, viewer: Viewer, branchId: string): Promise<Result<void, AlertRulesError>> {
  if (!maySeeBranch(viewer, branchId)) {
    return err('forbidden', `${viewer.staffNumber} (${viewer.role}) may not see or set the alert rules of branch ${branchId}: it is for its own manager, its region's and head office.`);
  }
  if (!(await findBranchRef(db, branchId))) return err('not-found', `No branch has the id ${branchId}.`);
  return ok(undefined);
}

/** The network's stored rules, else the defaults. */
async function networkRules(db: Kysely<Database>): Promise<AlertRuleView[]> {
  // effectiveAlertRules of a branch that has no rows of its own is the network's: the network's id itself never has any.
  const rules = (await effectiveAlertRules(db, [NETWORK_RULES])).get(NETWORK_RULES)!;
  return ALERT_KINDS.map((kind) => ({ ...rules[kind], source: rules[kind].source === 'default' ? 'default' : 'network' }) as AlertRuleView);
}

async function branchRules(db: Kysely<Database>, branchId: string): Promise<AlertRuleView[]> {
  const rules = (await effectiveAlertRules(db, [branchId])).get(branchId)!;
  return ALERT_KINDS.map((kind) => rules[kind] as AlertRuleView);
}

/** A branch's reasons, every one of them (a switched-off reason may still be named). */
async function reasonsOfBranch(db: Kysely<Database>, branchId: string): Promise<AlertRuleReason[]> {
  return (await listItems(db, 'reasons', { branchId })).map((r) => ({ id: r.id, labels: r.labels, active: r.active }));
}

/** The reasons of every branch, each id once (its first branch's labels): what the network's rule may name. */
async function reasonsOfNetwork(db: Kysely<Database>): Promise<AlertRuleReason[]> {
  const byId = new Map<string, AlertRuleReason>();
  for (const r of await listItems(db, 'reasons')) {
    const seen = byId.get(r.id);
    if (!seen) byId.set(r.id, { id: r.id, labels: r.labels, active: r.active });
    else if (r.active) seen.active = true;
  }
  return [...byId.values()];
}

/** What the page shows: the network's rules and, with a branch the viewer sees, that branch's in force. */
export async function alertRulesView(db: Kysely<Database>, viewer: Viewer, branchId: string | undefined): Promise<Result<AlertRulesView, AlertRulesError>> {
  if (branchId !== undefined) {
    const allowed = await checkBranch(db, viewer, branchId);
    if (!allowed.ok) return allowed;
  }
  const network = { rules: await networkRules(db), reasons: await reasonsOfNetwork(db), mayEdit: headOffice(viewer) };
  if (branchId === undefined) return ok({ network, branch: null });
  return ok({ network, branch: { branchId, rules: await branchRules(db, branchId), reasons: await reasonsOfBranch(db, branchId), mayEdit: true } });
}

/**
 * The body checked against its kind: the parameters by the kind's schema, and the reasons a
 * `low-with-reasons` rule names against those it may name (`known`). Messages name the field.
 */
function checkInput(kind: AlertKind, input: AlertRuleInput, known: ReadonlySet<string>, where: string): Result<AlertRuleInput, 'bad-request'> {
  const problems = paramsProblems(kind, input.params);
  if (problems.length > 0) return err('bad-request', problems.map((p) => `params${p.field ? `.${p.field}` : ''}: ${p.message}`).join('; '));
  if (kind === 'low-with-reasons') {
    const ids = (input.params as { reasonIds: string[] }).reasonIds;
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) return err('bad-request', `params.reasonIds: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a reason' : 'are not reasons'} of ${where}`);
    // Stored once each, in the order given: the rule reads as a set.
    return ok({ ...input, params: { reasonIds: [...new Set(ids)] } });
  }
  return ok(input);
}

async function storeRule(trx: Kysely<Database>, scope: string, kind: AlertKind, input: AlertRuleInput, by: AlertRulesActor, now: number): Promise<void> {
  const row = { enabled: input.enabled ? 1 : 0, params: JSON.stringify(input.params), ack_minutes: input.ackMinutes, updated_at: now, updated_by: by.viewer.staffNumber };
  await trx
    .insertInto('alert_rules')
    .values({ branch_id: scope, kind, ...row })
    .onConflict((oc) => oc.columns(['branch_id', 'kind']).doUpdateSet(row))
    .execute();
  await recordAudit(
    trx,
    by.actor,
    {
      action: 'alert-rule-set',
      branchId: scope === NETWORK_RULES ? null : scope,
      subject: kind,
      detail: { scope: scope === NETWORK_RULES ? 'network' : 'branch', enabled: input.enabled, params: input.params, ackMinutes: input.ackMinutes },
    },
    now,
  );
}

/** The network's rule of a kind (head office). */
export async function setNetworkRule(db: Kysely<Database>, by: AlertRulesActor, kind: AlertKind, input: AlertRuleInput, now: number): Promise<Result<AlertRulesView, AlertRulesError>> {
  if (!headOffice(by.viewer)) return err('forbidden', `${by.viewer.staffNumber} (${by.viewer.role}) may not set the network's alert rules: only head office does.`);
  const known = new Set((await reasonsOfNetwork(db)).map((r) => r.id));
  const checked = checkInput(kind, input, known, 'any branch');
  if (!checked.ok) return checked;
  await inTransaction(db, (trx) => storeRule(trx, NETWORK_RULES, kind, checked.value, by, now));
  return alertRulesView(db, by.viewer, undefined);
}

/** A branch's own rule of a kind (whoever sees the branch). */
export async function setBranchRule(
  db: Kysely<Database>,
  by: AlertRulesActor,
  branchId: string,
  kind: AlertKind,
  input: AlertRuleInput,
  now: number,
): Promise<Result<AlertRulesView, AlertRulesError>> {
  const allowed = await checkBranch(db, by.viewer, branchId);
  if (!allowed.ok) return allowed;
  const known = new Set((await reasonsOfBranch(db, branchId)).map((r) => r.id));
  const checked = checkInput(kind, input, known, 'this branch');
  if (!checked.ok) return checked;
  await inTransaction(db, (trx) => storeRule(trx, branchId, kind, checked.value, by, now));
  return alertRulesView(db, by.viewer, branchId);
}

/** Removes a branch's own rule of a kind: the network's is in force again. Audited only when there was one. */
export async function clearBranchRule(db: Kysely<Database>, by: AlertRulesActor, branchId: string, kind: AlertKind, now: number): Promise<Result<AlertRulesView, AlertRulesError>> {
  const allowed = await checkBranch(db, by.viewer, branchId);
  if (!allowed.ok) return allowed;
  await inTransaction(db, async (trx) => {
    const removed = await trx.deleteFrom('alert_rules').where('branch_id', '=', branchId).where('kind', '=', kind).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) return;
    await recordAudit(trx, by.actor, { action: 'alert-rule-clear', branchId, subject: kind, detail: { scope: 'branch' } }, now);
  });
  return alertRulesView(db, by.viewer, branchId);
}
