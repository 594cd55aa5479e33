import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { DEFAULT_REASONS, REASON_SCORES, ReasonSchema, type Reason } from '../../domain/reason.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { bumpConfigVersion, findBranch } from '../repositories/branches.ts';
import { findReason, insertReasons, listReasons, replaceReason, type StoredReason } from '../repositories/reasons.ts';
import { branchNotFound, parseInput, type AdminError } from './input.ts';
import { reorder } from './positions.ts';

// The roster's own rules (domain/reason.ts), with the admin's messages for labels and scores.
const LabelSchema = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(80, 'is longer than 80 characters'));
const ScoresSchema = v.pipe(
  v.array(v.picklist(REASON_SCORES, 'must be neutral or dissatisfied')),
  v.minLength(1, 'must name neutral, dissatisfied or both'),
  v.transform((scores) => REASON_SCORES.filter((score) => scores.includes(score))),
);
const LabelsSchema = v.object({ 'zh-Hans': LabelSchema, 'zh-Hant': LabelSchema, en: LabelSchema, es: LabelSchema });
const ReasonInputSchema = v.object({
  id: ReasonSchema.entries.id,
  scores: v.optional(ScoresSchema, [...REASON_SCORES]),
  labels: LabelsSchema,
});
const ReasonChangesSchema = v.object({
  scores: v.optional(ScoresSchema),
  labels: v.optional(v.partial(LabelsSchema), {}),
  position: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, 'must be 1 or more'))),
  active: v.optional(v.boolean()),
});

export type ReasonInput = { branchId: string; id: string; scores?: string[]; labels: Record<string, string | undefined> };
export type ReasonEdit = { scores?: string[]; labels?: Record<string, string | undefined>; position?: number; active?: boolean };
export type ReasonError = AdminError | 'reason-not-found' | 'reason-exists';

const reasonNotFound = (branchId: string, id: string) =>
  err('reason-not-found', `Branch ${branchId} has no reason "${id}"; list them with \`npm run admin -- reasons --branch ${branchId}\`.`);

/** The reasons a new branch starts with; it is new, so there is no config version to bump. */
export async function insertDefaultReasons(db: Kysely<Database>, branchId: string): Promise<void> {
  await insertReasons(db, DEFAULT_REASONS.map((reason, i) => ({ ...reason, branchId, position: i + 1, active: true })));
}

/** Adds a reason at the end of the branch's list and bumps its config version. */
export async function addReason(db: Kysely<Database>, input: ReasonInput): Promise<Result<StoredReason, ReasonError>> {
  const parsed = parseInput(ReasonInputSchema, input);
  if (!parsed.ok) return parsed;
  return inTransaction(db, async (trx) => {
    if (!(await findBranch(trx, input.branchId))) return branchNotFound(input.branchId);
    const existing = await listReasons(trx, { branchId: input.branchId });
    if (existing.some((r) => r.id === parsed.value.id)) {
      return err('reason-exists', `Branch ${input.branchId} already has a reason "${parsed.value.id}"; change it with \`npm run admin -- reason:set\`.`);
    }
    const reason: StoredReason = { ...parsed.value, branchId: input.branchId, position: existing.length + 1, active: true };
    await insertReasons(trx, [reason]);
    await bumpConfigVersion(trx, input.branchId);
    return ok(reason);
  });
}

/**
 * Edits a reason's labels, scores, place or status, and bumps the config version. A new
 * position moves the reason there and renumbers the branch's list 1, 2, 3…; an inactive
 * reason keeps its place, so switching it back on puts it where it was.
 */
export async function editReason(
  db: Kysely<Database>,
  branchId: string,
  id: string,
  changes: ReasonEdit,
): Promise<Result<StoredReason, ReasonError>> {
  const parsed = parseInput(ReasonChangesSchema, changes);
  if (!parsed.ok) return parsed;
  const { scores, labels, position, active } = parsed.value;
  const labelChanges = Object.fromEntries(Object.entries(labels).filter(([, label]) => label !== undefined)) as Partial<Reason['labels']>;
  if (scores === undefined && position === undefined && active === undefined && Object.keys(labelChanges).length === 0) {
    return err('invalid-input', 'Nothing to change: give a new label, scores, position or active.');
  }
  return inTransaction(db, async (trx) => {
    const list = await listReasons(trx, { branchId });
    const current = list.find((r) => r.id === id);
    if (!current) return (await findBranch(trx, branchId)) ? reasonNotFound(branchId, id) : branchNotFound(branchId);
    const edited: StoredReason = {
      ...current,
      scores: scores ?? current.scores,
      labels: { ...current.labels, ...labelChanges },
      active: active ?? current.active,
    };
    const before = new Map(list.map((r) => [r.id, r.position]));
    for (const reason of reorder(list, edited, position ?? current.position)) {
      if (reason.id === id || reason.position !== before.get(reason.id)) await replaceReason(trx, reason);
    }
    await bumpConfigVersion(trx, branchId);
    const stored = await findReason(trx, branchId, id);
    return stored ? ok(stored) : reasonNotFound(branchId, id);
  });
}
