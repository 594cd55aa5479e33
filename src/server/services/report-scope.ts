import type { Kysely } from 'kysely';
import { maySeeBranch, reportScope, type Viewer } from '../../domain/access.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { findBranchRef } from '../repositories/branch-refs.ts';
import type { BranchSelection } from '../reports/index.ts';

/**
 * The branches a viewer's report covers (domain/access.ts): without `branchId`, all they may
 * see (head office every branch, a branch manager theirs); with one, that branch if they may
 * see it. Anyone else gets nothing: the route answers 403.
 */
export function selectionFor(viewer: Viewer, branchId: string | undefined): Result<BranchSelection, 'forbidden'> {
  const scope = reportScope(viewer);
  if (scope.kind === 'none') return err('forbidden', `Reports are for branch managers and head office; ${viewer.staffNumber} is signed in as ${viewer.role}.`);
  if (branchId === undefined) return ok(scope.kind === 'all' ? 'all' : [scope.branchId]);
  return maySeeBranch(viewer, branchId) ? ok([branchId]) : forbiddenBranch(viewer, branchId);
}

/** The refusal when a branch manager asks for another branch. */
export const forbiddenBranch = (viewer: Viewer, branchId: string) =>
  err('forbidden', `${viewer.staffNumber} manages branch ${viewer.branchId ?? '(none)'}; branch ${branchId} is for its own manager and head office.`);

/** selectionFor, and a branch asked for by id must exist: head office gets 404 for a wrong id. */
export async function resolveSelection(
  db: Kysely<Database>,
  viewer: Viewer,
  branchId: string | undefined,
): Promise<Result<BranchSelection, 'forbidden' | 'branch-not-found'>> {
  const selection = selectionFor(viewer, branchId);
  if (!selection.ok || branchId === undefined) return selection;
  return (await findBranchRef(db, branchId)) ? selection : branchNotFound(branchId);
}

export const branchNotFound = (branchId: string) => err('branch-not-found', `No branch has the id ${branchId}; GET /api/me lists the branches you may see.`);
