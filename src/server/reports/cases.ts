import type { Kysely } from 'kysely';
import { deadlineState, type ComplaintCase, type ReplyDeadlines } from '../../domain/case.ts';
import type { Database } from '../db/schema.ts';
import type { BranchSelection } from './common.ts';

/** The statuses of a case still waiting for its reply: what "open" means in the reports. */
export const OPEN_STATUSES = ['open', 'escalated'] as const;

/** A case as the projection keeps it: the fold, with its topic resolved (repositories/rollup-rows.ts). */
export const caseOfState = (state: string): ComplaintCase => JSON.parse(state) as ComplaintCase;

/**
 * The selection's cases waiting for a reply now, whenever opened, from the projection's
 * (branch_id, status) index: a handful per branch, however many years of closed cases.
 */
export async function openCases(db: Kysely<Database>, selection: BranchSelection): Promise<ComplaintCase[]> {
  if (selection !== 'all' && selection.length === 0) return [];
  const rows = await db
    .selectFrom('complaint_cases')
    .select('state')
    .where('status', 'in', OPEN_STATUSES)
    .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
    .execute();
  return rows.map((r) => caseOfState(r.state));
}

/** Past its reply deadline at `now`, by the network's deadlines: the case list's red. */
export const isOverdue = (c: ComplaintCase, now: number, deadlines: ReplyDeadlines): boolean => deadlineState(c, now, deadlines) === 'red';
