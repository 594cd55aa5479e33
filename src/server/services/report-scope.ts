import type { Kysely } from 'kysely';
import { HEAD_OFFICE, maySeeBranch, REGIONAL_MANAGER, reportScope, type Viewer } from '../../domain/access.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { findBranchRef } from '../repositories/branch-refs.ts';
import { branchIdsOfRegion, findRegion } from '../repositories/regions.ts';
import type { BranchSelection } from '../reports/index.ts';

/**
 * The branches a viewer's report covers (domain/access.ts): without `branchId`, all they may
 * see (head office every branch, a branch manager theirs); with one, that branch if they may
 * see it. Anyone else gets nothing: the route answers 403.
 */
export function selectionFor(viewer: Viewer, branchId: string | undefined): Result<BranchSelection, 'forbidden'> {
  const scope = reportScope(viewer);
  if (scope.kind === 'none') return err('forbidden', `Reports are for branch managers, regional managers and head office; ${viewer.staffNumber} is signed in as ${viewer.role}.`);
  if (branchId === undefined) return ok(scope.kind === 'all' ? 'all' : scope.branchIds);
  return maySeeBranch(viewer, branchId) ? ok([branchId]) : forbiddenBranch(viewer, branchId);
}

/** The refusal when a branch manager asks for another branch. */
export const forbiddenBranch = (viewer: Viewer, branchId: string) =>
  err(
    'forbidden',
    viewer.region
      ? `${viewer.staffNumber} manages the region ${viewer.region.name}; branch ${branchId} is not in it.`
      : `${viewer.staffNumber} manages branch ${viewer.branchId ?? '(none)'}; branch ${branchId} is for its own manager, its region's and head office.`,
  );

/**
 * selectionFor, and a branch asked for by id must exist: head office gets 404 for a wrong id.
 * With `regionId` (and no branch), the region's branches: head office any region, a regional
 * manager their own; a branch manager none.
 */
export async function resolveSelection(
  db: Kysely<Database>,
  viewer: Viewer,
  branchId: string | undefined,
  regionId?: string,
): Promise<Result<BranchSelection, 'forbidden' | 'branch-not-found' | 'region-not-found'>> {
  if (regionId !== undefined && branchId === undefined) return regionSelection(db, viewer, regionId);
  const selection = selectionFor(viewer, branchId);
  if (!selection.ok || branchId === undefined) return selection;
  return (await findBranchRef(db, branchId)) ? selection : branchNotFound(branchId);
}

async function regionSelection(db: Kysely<Database>, viewer: Viewer, regionId: string): Promise<Result<BranchSelection, 'forbidden' | 'region-not-found'>> {
  const mayAsk = viewer.role === HEAD_OFFICE || (viewer.role === REGIONAL_MANAGER && viewer.region?.id === regionId);
  if (!mayAsk) {
    return err('forbidden', viewer.region ? `${viewer.staffNumber} manages the region ${viewer.region.name}; region ${regionId} is another's.` : `Reports by region are for head office and regional managers; ${viewer.staffNumber} is signed in as ${viewer.role}.`);
  }
  if (!(await findRegion(db, regionId))) return err('region-not-found', `No region has the id ${regionId}; GET /api/me lists the regions you may see.`);
  return ok(await branchIdsOfRegion(db, regionId));
}

export const branchNotFound = (branchId: string) => err('branch-not-found', `No branch has the id ${branchId}; GET /api/me lists the branches you may see.`);
