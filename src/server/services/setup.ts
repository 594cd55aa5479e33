import type { Kysely } from 'kysely';
import { HEAD_OFFICE, maySeeBranch, type Viewer } from '../../domain/access.ts';
import type {
  BranchSetup,
  CounterNameBody,
  ReasonAdd,
  ReasonEdit,
  SetupCounter,
  SetupList,
  SetupReason,
  SetupTopic,
  TopicAdd,
  TopicEdit,
} from '../../domain/manage-setup.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { findBranch } from '../repositories/branches.ts';
import { findCounter, listCounters, type Counter } from '../repositories/counters.ts';
import { listItems, type ListedItem } from '../repositories/labelled-lists.ts';
import { recordAudit, type Actor } from './audit.ts';
import { addCounter, renameCounter } from './branches.ts';
import { addReason, editReason, setReasonOrder } from './reasons.ts';
import { addTopic, editTopic, setTopicOrder } from './topics.ts';

export type SetupError = 'forbidden' | 'not-found' | 'bad-request';

/**
 * Manage › Counters & lists (src/server/routes/manage-setup.ts): a branch's counters, reasons
 * and opinion-box topics on the dashboard, through the same services as the admin CLI
 * (services/branches.ts, reasons.ts, topics.ts), so the rules are one. Each change, its config
 * version bump and its audit row are one transaction: the branch's tablets pull the change at
 * their next sync, and no change goes unrecorded. Head office for any branch, a regional
 * manager for their region's, a branch manager for their own; an unknown branch or counter is
 * 404 for head office and 403 for the others, who cannot probe other branches' ids.
 */

const forbidden = (viewer: Viewer, branchId?: string) =>
  err('forbidden', `${viewer.staffNumber} (${viewer.role}) may change the counters and lists of the branches they manage only${branchId ? `, not of ${branchId}` : ''}.`);

async function branchFor(db: Kysely<Database>, viewer: Viewer, branchId: string): Promise<Result<{ id: string; name: string; configVersion: number }, SetupError>> {
  if (!maySeeBranch(viewer, branchId)) return forbidden(viewer, branchId);
  const branch = await findBranch(db, branchId);
  if (!branch) return err('not-found', `No branch has the id ${branchId}.`);
  return ok({ id: branch.id, name: branch.name, configVersion: branch.configVersion });
}

async function counterFor(db: Kysely<Database>, viewer: Viewer, counterId: string): Promise<Result<Counter, SetupError>> {
  const counter = await findCounter(db, counterId);
  if (!counter || !maySeeBranch(viewer, counter.branchId)) {
    return viewer.role === HEAD_OFFICE ? err('not-found', `No counter has the id ${counterId}.`) : forbidden(viewer);
  }
  return ok(counter);
}

/** The list services' refusals, as the API's codes. */
function fromService(result: { reason: string; message: string }): Result<never, SetupError> {
  if (result.reason.endsWith('-not-found')) return err('not-found', result.message);
  return err('bad-request', result.message);
}

const counterOf = (c: Counter): SetupCounter => ({ id: c.id, name: c.name, queueCode: c.queueCode });
const reasonOf = (r: ListedItem<'reasons'>): SetupReason => ({ id: r.id, labels: r.labels, scores: [...r.scores], position: r.position, active: r.active });
const topicOf = (t: ListedItem<'topics'>): SetupTopic => ({ id: t.id, labels: t.labels, kinds: [...t.kinds], position: t.position, active: t.active });

export async function branchSetup(db: Kysely<Database>, viewer: Viewer, branchId: string): Promise<Result<BranchSetup, SetupError>> {
  const branch = await branchFor(db, viewer, branchId);
  if (!branch.ok) return branch;
  const [counters, reasons, topics] = await Promise.all([listCounters(db, branchId), listItems(db, 'reasons', { branchId }), listItems(db, 'topics', { branchId })]);
  return ok({ branch: branch.value, counters: counters.map(counterOf), reasons: reasons.map(reasonOf), topics: topics.map(topicOf) });
}

type Change = { viewer: Viewer; actor: Actor; now: number };

export async function addSetupCounter(db: Kysely<Database>, branchId: string, body: CounterNameBody, { viewer, actor, now }: Change): Promise<Result<SetupCounter, SetupError>> {
  const branch = await branchFor(db, viewer, branchId);
  if (!branch.ok) return branch;
  return inTransaction(db, async (trx) => {
    const added = await addCounter(trx, { branchId, name: body.name }, now);
    if (!added.ok) return fromService(added);
    await recordAudit(trx, actor, { action: 'counter-add', branchId, subject: added.value.id, detail: {} }, now);
    return ok(counterOf(added.value));
  });
}

export async function renameSetupCounter(db: Kysely<Database>, counterId: string, body: CounterNameBody, { viewer, actor, now }: Change): Promise<Result<SetupCounter, SetupError>> {
  const counter = await counterFor(db, viewer, counterId);
  if (!counter.ok) return counter;
  return inTransaction(db, async (trx) => {
    const renamed = await renameCounter(trx, counterId, body.name);
    if (!renamed.ok) return fromService(renamed);
    await recordAudit(trx, actor, { action: 'counter-edit', branchId: counter.value.branchId, subject: counterId, detail: { changed: ['name'] } }, now);
    return ok(counterOf(renamed.value));
  });
}

/**
 * A new item's id: a slug of its English label (`waited-at-the-door`), as the CLI's ids look;
 * `-2`, `-3`… when the branch has it already, and the list's noun when the label has no letter
 * of a–z (an id is never shown to a customer).
 */
export function newItemId(englishLabel: string, taken: ReadonlySet<string>, noun: string): string {
  const slug = englishLabel.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48).replace(/-+$/, '') || noun;
  if (!taken.has(slug)) return slug;
  for (let n = 2; ; n++) if (!taken.has(`${slug}-${n}`)) return `${slug}-${n}`;
}

const changedKeys = (edit: Record<string, unknown>) => Object.keys(edit).filter((key) => edit[key] !== undefined);

export async function addSetupReason(db: Kysely<Database>, branchId: string, body: ReasonAdd, { viewer, actor, now }: Change): Promise<Result<SetupReason, SetupError>> {
  const branch = await branchFor(db, viewer, branchId);
  if (!branch.ok) return branch;
  return inTransaction(db, async (trx) => {
    const taken = new Set((await listItems(trx, 'reasons', { branchId })).map((r) => r.id));
    const added = await addReason(trx, { branchId, id: newItemId(body.labels.en, taken, 'reason'), labels: body.labels, scores: body.scores });
    if (!added.ok) return fromService(added);
    await recordAudit(trx, actor, { action: 'reason-add', branchId, subject: added.value.id, detail: { scores: added.value.scores } }, now);
    return ok(reasonOf(added.value));
  });
}

export async function editSetupReason(db: Kysely<Database>, branchId: string, id: string, edit: ReasonEdit, { viewer, actor, now }: Change): Promise<Result<SetupReason, SetupError>> {
  const branch = await branchFor(db, viewer, branchId);
  if (!branch.ok) return branch;
  return inTransaction(db, async (trx) => {
    const edited = await editReason(trx, branchId, id, { labels: edit.labels, scores: edit.scores, active: edit.active });
    if (!edited.ok) return fromService(edited);
    await recordAudit(
      trx,
      actor,
      { action: 'reason-edit', branchId, subject: id, detail: { changed: changedKeys(edit), ...(edit.active !== undefined && { active: edit.active }), ...(edit.scores && { scores: edited.value.scores }) } },
      now,
    );
    return ok(reasonOf(edited.value));
  });
}

export async function addSetupTopic(db: Kysely<Database>, branchId: string, body: TopicAdd, { viewer, actor, now }: Change): Promise<Result<SetupTopic, SetupError>> {
  const branch = await branchFor(db, viewer, branchId);
  if (!branch.ok) return branch;
  return inTransaction(db, async (trx) => {
    const taken = new Set((await listItems(trx, 'topics', { branchId })).map((t) => t.id));
    const added = await addTopic(trx, { branchId, id: newItemId(body.labels.en, taken, 'topic'), labels: body.labels, kinds: body.kinds });
    if (!added.ok) return fromService(added);
    await recordAudit(trx, actor, { action: 'topic-add', branchId, subject: added.value.id, detail: { kinds: added.value.kinds } }, now);
    return ok(topicOf(added.value));
  });
}

export async function editSetupTopic(db: Kysely<Database>, branchId: string, id: string, edit: TopicEdit, { viewer, actor, now }: Change): Promise<Result<SetupTopic, SetupError>> {
  const branch = await branchFor(db, viewer, branchId);
  if (!branch.ok) return branch;
  return inTransaction(db, async (trx) => {
    const edited = await editTopic(trx, branchId, id, { labels: edit.labels, kinds: edit.kinds, active: edit.active });
    if (!edited.ok) return fromService(edited);
    await recordAudit(
      trx,
      actor,
      { action: 'topic-edit', branchId, subject: id, detail: { changed: changedKeys(edit), ...(edit.active !== undefined && { active: edit.active }), ...(edit.kinds && { kinds: edited.value.kinds }) } },
      now,
    );
    return ok(topicOf(edited.value));
  });
}

/** A list's new order: audited as an edit of the list, its ids in their new order. */
export async function orderSetupList(db: Kysely<Database>, branchId: string, list: SetupList, ids: readonly string[], { viewer, actor, now }: Change): Promise<Result<BranchSetup, SetupError>> {
  const branch = await branchFor(db, viewer, branchId);
  if (!branch.ok) return branch;
  const ordered = await inTransaction(db, async (trx) => {
    const set = list === 'reasons' ? await setReasonOrder(trx, branchId, ids) : await setTopicOrder(trx, branchId, ids);
    if (!set.ok) return fromService(set);
    await recordAudit(trx, actor, { action: list === 'reasons' ? 'reason-order' : 'topic-order', branchId, subject: list, detail: { ids: [...ids] } }, now);
    return ok(null);
  });
  if (!ordered.ok) return ordered;
  return branchSetup(db, viewer, branchId);
}
