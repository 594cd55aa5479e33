import { maySeeBranch, reportScope, type Viewer } from '../../domain/access.ts';
import { err, ok, type Result } from '../../domain/result.ts';

/** The branches a report covers: every branch, or the ones named. */
export type BranchSelection = 'all' | readonly string[];

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
