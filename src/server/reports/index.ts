/**
 * The dashboard's reports (decision 0009): each reads only the roll-ups and the
 * case projection that ingest keeps, and answers the types of domain/reports.ts.
 */
export type { BranchSelection } from './common.ts';
export { branchesReport } from './branches.ts';
export { complaintsReport } from './complaints.ts';
export { dayReport } from './day.ts';
export { overviewReport } from './overview.ts';
export { countersReport, tellersReport } from './ratings.ts';
export { flagsReport } from './flags.ts';
export { surveysReport } from './surveys.ts';
export { waitingReport } from './waiting.ts';
