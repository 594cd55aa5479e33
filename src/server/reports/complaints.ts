import type { Kysely } from 'kysely';
import { maySeeCaseText, type Viewer } from '../../domain/access.ts';
import { CASE_CHANNELS, compareCases, replyDueAt, type CaseChannel } from '../../domain/case.ts';
import { addTally, atFaultShare, emptyTally } from '../../domain/metrics.ts';
import { OPINION_KINDS, type OpinionKind } from '../../domain/opinion.ts';
import type { DayRange } from '../../domain/period.ts';
import type { CaseSummary, ComplaintsReport, Labels, OpenCaseRow } from '../../domain/reports.ts';
import type { Database } from '../db/schema.ts';
import { listBranchRefs } from '../repositories/branch-refs.ts';
import { readCaseDeadlines } from '../services/settings.ts';
import { isOverdue, openCases } from './cases.ts';
import { byText, labelsOf, opinionKindCounts, periodOf, selectsNothing, tallyOf, tallySums, type BranchSelection } from './common.ts';

/**
 * The quarterly analysis (seeds 000, 001): the cases opened in the period by channel and by
 * topic and what became of them (case_days), the entries by kind (opinion_days), and every
 * case of the selection still waiting for its reply now, overdue first (the projection).
 * Each case's summary only for a `viewer` who may read it (`maySeeCaseText`): seeing a
 * branch's reports is not a need to know what its customers wrote.
 */
export async function complaintsReport(db: Kysely<Database>, selection: BranchSelection, range: DayRange, now: number, viewer: Viewer): Promise<ComplaintsReport> {
  const period = periodOf(range);
  const nothing = selectsNothing(selection);
  const [groups, kinds, open, deadlines, branches] = await Promise.all([
    nothing
      ? []
      : db
          .selectFrom('case_days')
          .select(['channel', 'topic_id', ...tallySums()])
          .where('day', '>=', range.from)
          .where('day', '<=', range.to)
          .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
          .groupBy(['channel', 'topic_id'])
          .execute(),
    opinionKindCounts(db, selection, range),
    openCases(db, selection),
    readCaseDeadlines(db),
    listBranchRefs(db, selection),
  ]);
  const [steps, tabletSteps] = await Promise.all([
    nothing ? [] : stepsByAttestation(db, selection, range),
    tabletStepsOf(db, open.map((c) => c.id)),
  ]);

  const cases = emptyTally();
  const byChannel = new Map<CaseChannel, number>(CASE_CHANNELS.map((channel) => [channel, 0]));
  const byTopic = new Map<string, number>();
  for (const group of groups) {
    const tally = tallyOf(group);
    addTally(cases, tally);
    byChannel.set(group.channel as CaseChannel, (byChannel.get(group.channel as CaseChannel) ?? 0) + tally.opened);
    byTopic.set(group.topic_id, (byTopic.get(group.topic_id) ?? 0) + tally.opened);
  }
  const topicLabels = await labelsOfTopics(db, branches.map((b) => b.id));
  const opinionCounts = new Map<string, number>(kinds.map((k) => [k.opinion_kind, Number(k.count)]));
  const branchNames = new Map(branches.map((b) => [b.id, b.name]));

  const waiting = open.sort(compareCases(now, deadlines));
  const rows = waiting.map(
    (c): OpenCaseRow => ({
      id: c.id,
      branchId: c.branchId,
      branchName: branchNames.get(c.branchId) ?? '',
      channel: c.channel,
      topicId: c.topicId,
      topicLabels: c.topicId === null ? null : (topicLabels.get(c.topicId) ?? null),
      ...summaryFor(viewer, c),
      status: c.status,
      openedAt: c.openedAt,
      dueAt: replyDueAt(c, deadlines),
      overdue: isOverdue(c, now, deadlines),
      escalated: c.escalated,
      tabletOnlySteps: tabletSteps.get(c.id) ?? 0,
    }),
  );

  return {
    period,
    cases,
    byChannel: CASE_CHANNELS.map((channel) => ({ channel, count: byChannel.get(channel) ?? 0 })),
    byTopic: [...byTopic]
      .filter(([, count]) => count > 0)
      .map(([topicId, count]) => ({ topicId: topicId === '' ? null : topicId, labels: topicLabels.get(topicId) ?? null, count }))
      .sort((a, b) => b.count - a.count || byText(a.topicId ?? '', b.topicId ?? '')),
    opinionsByKind: OPINION_KINDS.map((kind: OpinionKind) => ({ kind, count: opinionCounts.get(kind) ?? 0 })),
    atFaultShare: atFaultShare(cases),
    open: rows,
    openCount: rows.length,
    overdueCount: rows.filter((r) => r.overdue).length,
    steps: {
      server: Number(steps.find((s) => s.attestation === 'server')?.count ?? 0),
      tablet: Number(steps.find((s) => s.attestation === 'tablet')?.count ?? 0),
    },
  };
}

/** The case's summary for this viewer: the text, or only that it is hidden (never the text). */
const summaryFor = (viewer: Viewer, c: { branchId: string; escalated: boolean; summary: string }): CaseSummary =>
  maySeeCaseText(viewer, c) ? { summary: c.summary, summaryHidden: false } : { summary: null, summaryHidden: true };

/**
 * Each topic's labels among the branches (branches keep their own lists): those of the first
 * branch, by name, that has the topic; branches usually share the defaults.
 */
async function labelsOfTopics(db: Kysely<Database>, branchIds: readonly string[]): Promise<Map<string, Labels>> {
  if (branchIds.length === 0) return new Map();
  const rows = await db.selectFrom('topics').select(['branch_id', 'id', 'labels']).where('branch_id', 'in', branchIds).execute();
  const order = new Map(branchIds.map((id, i) => [id, i]));
  const labels = new Map<string, { rank: number; labels: Labels }>();
  for (const row of rows) {
    const rank = order.get(row.branch_id)!;
    const found = labels.get(row.id);
    if (!found || rank < found.rank) labels.set(row.id, { rank, labels: labelsOf(row.labels) });
  }
  return new Map([...labels].map(([id, { labels: l }]) => [id, l]));
}

/** The steps of the cases opened in the period (applied and refused), by how their makers were checked. */
function stepsByAttestation(db: Kysely<Database>, selection: BranchSelection, range: DayRange) {
  return db
    .selectFrom('case_events as e')
    .innerJoin('complaint_cases as c', 'c.id', 'e.case_id')
    .select((eb) => ['e.attestation', eb.fn.countAll<number>().as('count')])
    .where('c.opened_day', '>=', range.from)
    .where('c.opened_day', '<=', range.to)
    .$if(selection !== 'all', (qb) => qb.where('c.branch_id', 'in', selection as readonly string[]))
    .groupBy('e.attestation')
    .execute();
}

/** How many applied steps of each of these cases only a tablet checked. */
async function tabletStepsOf(db: Kysely<Database>, caseIds: readonly string[]): Promise<Map<string, number>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('case_events')
    .select((eb) => ['case_id', eb.fn.countAll<number>().as('count')])
    .where('case_id', 'in', [...caseIds])
    .where('status', '=', 'applied')
    .where('attestation', '=', 'tablet')
    .groupBy('case_id')
    .execute();
  return new Map(rows.map((r) => [r.case_id, Number(r.count)]));
}
