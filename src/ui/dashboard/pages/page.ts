import type { BranchRef, Me, RegionRef, ReportQuery } from '../../../domain/reports.ts';
import type { LocalDay } from '../../../domain/period.ts';
import type { ResolvedRange } from '../filters.ts';

/** What every page is given: the viewer, the chosen branch (null: all), today there, the period. */
export interface PageProps {
  me: Me;
  branch: BranchRef | null;
  /** The chosen region (null: all the viewer sees); a branch chosen is narrower. */
  region?: RegionRef | null;
  today: LocalDay;
  range: ResolvedRange;
  /** Null while a custom period is not a range yet (Filters says why). */
  query: ReportQuery | null;
  /** Loads Me again after a change to which branches the viewer sees (a branch added or moved), for the header's filter. */
  refreshMe?: () => void;
}
