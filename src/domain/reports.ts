import * as v from 'valibot';
import type { AccountRole } from './access.ts';
import type { CaseChannel, CaseStatus } from './case.ts';
import type { DeviceMode } from './config.ts';
import type { DayCloseStatus } from './day-close.ts';
import { isExpired, type CopySeen } from './device-token.ts';
import { IdSchema } from './ids.ts';
import type { Language } from './language.ts';
import type { CaseTally, Figure, ScoreCounts } from './metrics.ts';
import type { OpinionKind } from './opinion.ts';
import { DayRangeSchema, LocalDaySchema, MAX_RANGE_DAYS, type LocalDay, type TrendBucket } from './period.ts';
import type { DeviceHealth } from './wire.ts';

/**
 * The dashboard's API: what each report answers. Every report reads roll-ups kept
 * on ingest, never the raw records, so it stays fast with a year of a thousand branches.
 * All routes need a dashboard session; each is scoped by the viewer's role (access.ts).
 *
 *   POST   /api/session                    sign in (SignInSchema) → Me, sets the cookie
 *   DELETE /api/session                    sign out
 *   GET    /api/me                         → Me
 *   GET    /api/reports/overview           ?from&to[&branchId] → OverviewReport
 *   GET    /api/reports/tellers            ?from&to[&branchId] → TellersReport
 *   GET    /api/reports/counters           ?from&to[&branchId] → CountersReport
 *   GET    /api/reports/branches           ?from&to            → BranchesReport (head office only)
 *   GET    /api/reports/complaints         ?from&to[&branchId] → ComplaintsReport
 *   GET    /api/reports/waiting            ?from&to[&branchId] → WaitingReport (domain/queue.ts)
 *   GET    /api/reports/flags              ?from&to[&branchId] → FlagsReport (domain/queue.ts)
 *   POST   /api/ratings/:ratingId/exclusion  ExcludeRatingSchema → { excluded: { reason, by, at } }
 *   POST   /api/ratings/:ratingId/inclusion  ExcludeRatingSchema → { excluded: null }
 *   GET    /api/reports/fleet              [?branchId]         → FleetReport
 *   POST   /api/reports/fleet/:id/revoke                       → FleetDevice
 *   GET    /api/reports/day-close          ?branchId&day       → DayCloseReport
 *   POST   /api/reports/day-close/confirm  ConfirmDayCloseSchema → DayCloseReport
 *
 * Without `branchId`, a report covers every branch the viewer may see, or those of `regionId`;
 * with a branch or region they may not see, it answers 403.
 */

/** The query of a report over a period. */
export const ReportQuerySchema = v.pipe(
  v.strictObject({
    from: LocalDaySchema,
    to: LocalDaySchema,
    branchId: v.optional(IdSchema),
    /** The branches of one region (ignored beside a branchId, which is narrower). */
    regionId: v.optional(IdSchema),
  }),
  // Judged only once both days are real days, so a bad day is reported once, as itself.
  v.forward(
    v.partialCheck([['from'], ['to']], (q) => !v.is(LocalDaySchema, q.from) || !v.is(LocalDaySchema, q.to) || v.is(DayRangeSchema, q), `must not be before from, and the period at most ${MAX_RANGE_DAYS} days long`),
    ['to'],
  ),
);
export type ReportQuery = v.InferOutput<typeof ReportQuerySchema>;

export const FleetQuerySchema = v.strictObject({ branchId: v.optional(IdSchema), regionId: v.optional(IdSchema) });
export const DayCloseQuerySchema = v.strictObject({ branchId: IdSchema, day: LocalDaySchema });

/** Labels in every product language, as the branch configured them (reasons, topics). */
export type Labels = Record<Language, string>;

export interface BranchRef {
  id: string;
  name: string;
  timeZone: string;
  /** The region it belongs to; null or absent: none. */
  regionId?: string | null;
}

/** A region by name: the level between head office and its branches. */
export interface RegionRef {
  id: string;
  name: string;
}

/** GET /api/me: who is signed in, and the branches their reports may cover. */
export interface Me {
  staffNumber: string;
  name: string;
  role: AccountRole;
  branchId: string | null;
  /** Every branch the viewer may see, by name; empty for a role without reports. */
  branches: BranchRef[];
  /** The regions the viewer sees: every region for head office, their own for a regional manager; none for anyone else. */
  regions?: RegionRef[];
  canViewReports: boolean;
  /** A password someone else chose: the dashboard asks for a new one before anything else. */
  mustChangePassword: boolean;
}

/** One point of a trend: the bucket (a day or a month) and what fell in it. */
export interface TrendPoint {
  bucket: string;
  ratings: number;
  satisfied: number;
  /** Complaint cases opened. */
  complaints: number;
}

export interface Period {
  from: LocalDay;
  to: LocalDay;
  bucket: TrendBucket;
}

/** GET /api/reports/overview: the three figures against their targets, and what they rest on. */
export interface OverviewReport {
  period: Period;
  /** The branches covered. */
  branches: BranchRef[];
  figures: Figure[];
  scores: ScoreCounts;
  cases: CaseTally;
  /** Opinion-box entries in the period, by kind. */
  opinions: Record<OpinionKind, number>;
  trend: TrendPoint[];
  /**
   * The same figures over the period of the same length just before this one (1–6 December:
   * 25–30 November), for each figure's change.
   */
  previous: { from: LocalDay; to: LocalDay; figures: Figure[] };
}

export interface ReasonCount {
  reasonId: string;
  /** Null for a reason the branch no longer lists. */
  labels: Labels | null;
  count: number;
}

/** One teller's or counter's ratings in the period. */
export interface RatingRow {
  id: string;
  name: string;
  /** A teller's staff number; null for a counter. */
  staffNumber: string | null;
  branchId: string;
  branchName: string;
  ratings: number;
  scores: ScoreCounts;
  satisfaction: number | null;
  /** The most-picked reasons, most first, at most five. */
  topReasons: ReasonCount[];
  trend: { bucket: string; ratings: number; satisfied: number }[];
}

/** GET /api/reports/tellers and /counters. */
export interface RatingsReport {
  period: Period;
  rows: RatingRow[];
}

/** One branch beside the others (head office). */
export interface BranchRow {
  branchId: string;
  name: string;
  ratings: number;
  scores: ScoreCounts;
  figures: Figure[];
  cases: CaseTally;
  /** Cases not replied yet, now; and of those, past their deadline. */
  openCases: number;
  overdueCases: number;
}

export interface BranchesReport {
  period: Period;
  rows: BranchRow[];
}

/**
 * A case's summary as a report carries it: the text when the viewer may read it
 * (`maySeeCaseText` in access.ts), otherwise nothing but the fact that it is hidden. The
 * server never sends a hidden summary, so the dashboard cannot show or export it by mistake.
 */
export type CaseSummary = { summary: string; summaryHidden: false } | { summary: null; summaryHidden: true };

/** An open case as the complaints report lists it. */
export type OpenCaseRow = CaseSummary & {
  id: string;
  branchId: string;
  branchName: string;
  channel: CaseChannel;
  topicId: string | null;
  /** The topic's labels as its branch lists them; null without a topic or for one since removed. */
  topicLabels: Labels | null;
  status: CaseStatus;
  openedAt: number;
  dueAt: number | null;
  overdue: boolean;
  escalated: boolean;
  /** Steps of the case (applied) whose maker only a tablet checked, offline: the tablet's word. */
  tabletOnlySteps: number;
};

/** GET /api/reports/complaints: the quarterly analysis the programme asks for. */
export interface ComplaintsReport {
  period: Period;
  /** Cases opened in the period, and what became of them. */
  cases: CaseTally;
  byChannel: { channel: CaseChannel; count: number }[];
  byTopic: { topicId: string | null; labels: Labels | null; count: number }[];
  /** Opinion-box entries in the period by kind, and complaints among them with no case yet. */
  opinionsByKind: { kind: OpinionKind; count: number }[];
  atFaultShare: number | null;
  /** Every case not replied yet (whenever opened), overdue first: the work at hand. */
  open: OpenCaseRow[];
  openCount: number;
  overdueCount: number;
  /**
   * How the staff who worked the cases opened in the period were checked: the steps signed in
   * a session the server checked, and those only a tablet checked (offline).
   */
  steps: { server: number; tablet: number };
}

/**
 * How a device looks in the fleet view, now. `copied`: a copy of its token was refused, so two
 * devices hold it (decision 0016); `expired`: not heard from for 60 days, it must be enrolled again.
 */
export const FLEET_STATES = ['ok', 'behind', 'silent', 'never', 'expired', 'copied', 'revoked'] as const;
export type FleetState = (typeof FLEET_STATES)[number];

/** A device that has not been heard from for this long is silent (tablets sync every minute). */
export const SILENT_AFTER_MS = 15 * 60_000;

export function fleetStateOf(
  device: { revokedAt: number | null; enrolledAt: number; lastSeenAt: number | null; tokenIssuedAt: number | null; copySeen: CopySeen | null; health: Pick<DeviceHealth, 'outboxDepth'> | null },
  now: number,
): FleetState {
  if (device.revokedAt !== null) return 'revoked';
  if (device.copySeen !== null) return 'copied';
  if (isExpired(device, now)) return 'expired';
  if (device.lastSeenAt === null) return 'never';
  if (now - device.lastSeenAt > SILENT_AFTER_MS) return 'silent';
  if ((device.health?.outboxDepth ?? 0) > 0) return 'behind';
  return 'ok';
}

export interface FleetDevice {
  id: string;
  branchId: string;
  branchName: string;
  mode: DeviceMode;
  /** The browser it enrolled with (its user agent, cut short). */
  label: string | null;
  /** What staff call it, e.g. "Window 3, left" (Manage › tablets); null: none. */
  placeLabel: string | null;
  counterId: string | null;
  counterName: string | null;
  enrolledAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
  /** The address its last push came from, as the server saw it. */
  lastAddress: string | null;
  /** When and from where a copy of its token was first refused; null if never. */
  copySeen: CopySeen | null;
  health: DeviceHealth | null;
  state: FleetState;
}

export interface FleetReport {
  devices: FleetDevice[];
}

/** One day's activity of a branch: the printable day report of a day close. */
export interface DayReport {
  branch: BranchRef;
  day: LocalDay;
  figures: Figure[];
  scores: ScoreCounts;
  byCounter: { id: string; name: string; ratings: number; scores: ScoreCounts; satisfaction: number | null }[];
  byTeller: { id: string; name: string; staffNumber: string | null; ratings: number; scores: ScoreCounts; satisfaction: number | null }[];
  opinions: Record<OpinionKind, number>;
  /** Cases opened that day; replied that day; open and past their deadline at the day's end. */
  cases: { opened: number; replied: number; overdue: number; signedOff: number };
}

/** GET /api/reports/day-close: the close of one branch and day, with its day report. */
export interface DayCloseReport {
  status: DayCloseStatus;
  report: DayReport;
}
