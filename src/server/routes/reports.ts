import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { HEAD_OFFICE, REGIONAL_MANAGER, type Viewer } from '../../domain/access.ts';
import type { DayRange } from '../../domain/period.ts';
import { ConfirmDayCloseSchema, type DayCloseStatus } from '../../domain/day-close.ts';
import {
  DayCloseQuerySchema,
  ReportQuerySchema,
  type BranchesReport,
  type ComplaintsReport,
  type DayCloseReport,
  type OverviewReport,
  type RatingsReport,
} from '../../domain/reports.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { branchesReport, complaintsReport, countersReport, dayReport, overviewReport, tellersReport, type BranchSelection } from '../reports/index.ts';
import { alertTimesReport } from '../reports/alert-times.ts';
import { flagsReport } from '../reports/flags.ts';
import { waitingReport } from '../reports/waiting.ts';
import { surveysReport } from '../reports/surveys.ts';
import { SurveyReportExtraSchema, type SurveysReport } from '../../domain/survey-reports.ts';
import type { FlagsReport, WaitingReport } from '../../domain/queue.ts';
import type { AckTimes } from '../../domain/alerts.ts';
import { dashboardActor, recordAudit } from '../services/audit.ts';
import { confirmDayClose, dayCloseStatus } from '../services/day-close.ts';
import { readTargets, readWaitTarget } from '../services/settings.ts';
import { branchNotFound, resolveSelection, selectionFor } from '../services/report-scope.ts';
import { API_CODE_OF_DAY_CLOSE, type DayCloseRoutesOptions } from './day-close.ts';

export type ReportRoutesOptions = { db: Kysely<Database>; now: () => number };

/** A report over a period, for the branches selected, at `now`, as `viewer` may read it. */
type PeriodReport<R> = (selection: BranchSelection, range: DayRange, now: number, viewer: Viewer, request: FastifyRequest) => Promise<R>;

/**
 * The dashboard's reports over a period (domain/reports.ts lists the API): a session and a
 * report role first (guardReports), then the query, then the viewer's branches.
 */
export const reportRoutes: FastifyPluginAsync<ReportRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);

  /** Checks a report's query (`query`: the request's, or what is left of it once a report took its own fields), resolves the branches the viewer may see, and runs the report. */
  async function runPeriodReport<R>(query: unknown, request: FastifyRequest, reply: FastifyReply, report: PeriodReport<R>): Promise<R | FastifyReply> {
    const parsed = v.safeParse(ReportQuerySchema, query);
    if (!parsed.success) return sendApiError(reply, 'bad-request', describeIssues(parsed.issues));
    const { from, to, branchId, regionId } = parsed.output;
    const selection = await resolveSelection(db, request.viewer, branchId, regionId);
    if (!selection.ok) return sendApiError(reply, selection.reason === 'forbidden' ? 'forbidden' : 'not-found', selection.message);
    return report(selection.value, { from, to }, now(), request.viewer, request);
  }

  /** A route of a report over a period that takes the reports' query and nothing else. */
  const periodRoute =
    <R>(report: PeriodReport<R>) =>
    (request: FastifyRequest, reply: FastifyReply): Promise<R | FastifyReply> =>
      runPeriodReport(request.query, request, reply, report);

  /** GET /api/reports/overview?from&to[&branchId]: the three figures against their targets. */
  app.get('/overview', periodRoute<OverviewReport>(async (selection, range) => overviewReport(db, selection, range, await readTargets(db))));

  /** GET /api/reports/tellers?from&to[&branchId]: each teller's ratings. */
  app.get('/tellers', periodRoute<RatingsReport>((selection, range) => tellersReport(db, selection, range)));

  /** GET /api/reports/counters?from&to[&branchId]: each counter's ratings. */
  app.get('/counters', periodRoute<RatingsReport>((selection, range) => countersReport(db, selection, range)));

  /** GET /api/reports/complaints?from&to[&branchId]: the quarterly analysis, and the open cases now (their summaries as the viewer may read them). */
  app.get(
    '/complaints',
    periodRoute<ComplaintsReport>(async (selection, range, at, viewer, request) => {
      const report = await complaintsReport(db, selection, range, at, viewer);
      // Customers' words went to this viewer: the audit log says whose, by case (docs/privacy.md).
      const shown = report.open.filter((row) => !row.summaryHidden).map((row) => row.id);
      if (shown.length > 0) {
        await recordAudit(db, dashboardActor(viewer, request.ip), { action: 'case-text-view', subject: 'complaints-report', detail: { cases: shown } }, at);
      }
      return report;
    }),
  );

  /** GET /api/reports/alert-times?from&to[&branchId|&regionId]: how soon alerts raised in the period were acknowledged, and how many went up a level. */
  app.get('/alert-times', periodRoute<AckTimes>((selection, range) => alertTimesReport(db, selection, range)));

  /** GET /api/reports/waiting?from&to[&branchId|&regionId]: waiting time against the network's target, by branch or counter, hour, weekday and waiting band; the peak hours. */
  app.get('/waiting', periodRoute<WaitingReport>(async (selection, range) => waitingReport(db, selection, range, await readWaitTarget(db))));

  /** GET /api/reports/flags?from&to[&branchId|&regionId]: flagged and excluded ratings, newest first, a page of them. */
  app.get('/flags', periodRoute<FlagsReport>((selection, range) => flagsReport(db, selection, range)));

  /**
   * GET /api/reports/surveys?from&to[&branchId|&regionId][&survey][&channel]: one survey's answers
   * per question, branch and channel, beside the counter ratings. The survey and the channel are
   * this report's own fields; the rest is every report's query.
   */
  app.get<{ Querystring: Record<string, unknown> }>('/surveys', async (request, reply): Promise<SurveysReport | FastifyReply> => {
    const { survey, channel, ...rest } = request.query ?? {};
    const extra = v.safeParse(SurveyReportExtraSchema, { survey, channel });
    if (!extra.success) return sendApiError(reply, 'bad-request', describeIssues(extra.issues));
    return runPeriodReport<SurveysReport | FastifyReply>(rest, request, reply, async (selection, range, at, viewer) => {
      const report = await surveysReport(db, selection, range, at, viewer, extra.output);
      if (!report.ok) return sendApiError(reply, 'not-found', report.message);
      // Customers' words went to this viewer: the audit log says which survey's, and how many (docs/privacy.md).
      const shown = report.value.survey?.questions.reduce((n, q) => n + (q.type === 'text' ? q.comments.length : 0), 0) ?? 0;
      if (shown > 0) {
        await recordAudit(db, dashboardActor(viewer, request.ip), { action: 'survey-text-view', subject: 'surveys-report', detail: { survey: report.value.survey!.id, comments: shown } }, at);
      }
      return report.value;
    });
  });

  /** GET /api/reports/branches?from&to[&regionId]: branches side by side, for head office and a regional manager (their region's). */
  app.get(
    '/branches',
    {
      onRequest: async (request, reply) => {
        if (request.viewer.role === HEAD_OFFICE || request.viewer.role === REGIONAL_MANAGER) return undefined;
        return sendApiError(reply, 'forbidden', `Branches side by side are for head office and regional managers; ${request.viewer.staffNumber} sees their own branch in the other reports.`);
      },
    },
    periodRoute<BranchesReport>(async (selection, range, at) => branchesReport(db, selection, range, at, await readTargets(db))),
  );
};

/**
 * The day close on the dashboard, under /api/reports: a branch manager for their branch, head
 * office for any. Both answer the close with its printable day report.
 */
export const dayCloseReportRoutes: FastifyPluginAsync<DayCloseRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);

  /** The close with the day report of its branch and day; undefined when there is no such branch. */
  async function withDayReport(status: DayCloseStatus | undefined): Promise<DayCloseReport | undefined> {
    const report = status && (await dayReport(db, status.branchId, status.day, now(), await readTargets(db)));
    return status && report && { status, report };
  }
  const noBranch = (reply: FastifyReply, branchId: string) => sendApiError(reply, 'not-found', branchNotFound(branchId).message);

  /** GET /api/reports/day-close?branchId&day → DayCloseReport. */
  app.get<{ Reply: DayCloseReport | ApiError }>('/day-close', async (request, reply) => {
    const query = v.safeParse(DayCloseQuerySchema, request.query);
    if (!query.success) return sendApiError(reply, 'bad-request', describeIssues(query.issues));
    const { branchId, day } = query.output;
    const allowed = selectionFor(request.viewer, branchId);
    if (!allowed.ok) return sendApiError(reply, 'forbidden', allowed.message);
    return (await withDayReport(await dayCloseStatus(db, branchId, day))) ?? noBranch(reply, branchId);
  });

  /** POST /api/reports/day-close/confirm {branchId, day, acceptGaps} → DayCloseReport, confirmed. */
  app.post<{ Reply: DayCloseReport | ApiError }>('/day-close/confirm', async (request, reply) => {
    const body = v.safeParse(ConfirmDayCloseSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const confirmed = await confirmDayClose(db, request.viewer, body.output, now());
    if (!confirmed.ok) return sendApiError(reply, API_CODE_OF_DAY_CLOSE[confirmed.reason], confirmed.message);
    request.log.info({ branchId: body.output.branchId, day: body.output.day, by: request.viewer.staffNumber }, 'day close confirmed');
    return (await withDayReport(confirmed.value)) ?? noBranch(reply, body.output.branchId);
  });
};
