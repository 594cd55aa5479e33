import type { Kysely } from 'kysely';
import { emptyScores, emptyTally, programmeFigures, satisfactionRate, TARGETS, totalRatings, type ScoreCounts, type Targets } from '../../domain/metrics.ts';
import { OPINION_KINDS, type OpinionKind } from '../../domain/opinion.ts';
import { addDays, localDayOf, startOfLocalDay, type LocalDay } from '../../domain/period.ts';
import type { DayReport } from '../../domain/reports.ts';
import type { Database } from '../db/schema.ts';
import { findBranchRef } from '../repositories/branch-refs.ts';
import { readCaseDeadlines } from '../services/settings.ts';
import { caseOfState, isOverdue, OPEN_STATUSES } from './cases.ts';
import { byText, scoresOf, scoreSums, sumOf, tallyOf, tallySums } from './common.ts';

/**
 * One branch's day, the printable report of its day close: ratings by counter and by teller
 * (rating_days), entries by kind (opinion_days), and its cases: opened that day (case_days);
 * replied and signed off that day, by the last reply and the sign-off the projection holds;
 * and open past their deadline at the day's end (or now, for today). Undefined when there is
 * no such branch.
 *
 * The projection holds each case as it stands now, so a case replied after the day no longer
 * counts as overdue at its end, and one replied that day and again later counts on the later
 * day: the report is exact when printed at the day's close, which is what it is for.
 */
export async function dayReport(db: Kysely<Database>, branchId: string, day: LocalDay, now: number, targets: Targets = TARGETS): Promise<DayReport | undefined> {
  const branch = await findBranchRef(db, branchId);
  if (!branch) return undefined;
  const dayStart = startOfLocalDay(day, branch.timeZone);
  const dayEnd = Math.min(now, startOfLocalDay(addDays(day, 1), branch.timeZone));

  const [byCounter, byTeller, counters, tellers, opinionKinds, caseDay, touched, open, deadlines] = await Promise.all([
    db.selectFrom('rating_days').select(['counter_id', ...scoreSums()]).where('branch_id', '=', branchId).where('day', '=', day).groupBy('counter_id').execute(),
    db.selectFrom('rating_days').select(['teller_id', ...scoreSums()]).where('branch_id', '=', branchId).where('day', '=', day).groupBy('teller_id').execute(),
    db.selectFrom('counters').select(['id', 'name']).where('branch_id', '=', branchId).execute(),
    db.selectFrom('tellers').select(['id', 'name', 'staff_number']).where('branch_id', '=', branchId).execute(),
    db.selectFrom('opinion_days').select(['opinion_kind', sumOf('count').as('count')]).where('branch_id', '=', branchId).where('day', '=', day).groupBy('opinion_kind').execute(),
    db.selectFrom('case_days').select(tallySums()).where('branch_id', '=', branchId).where('day', '=', day).execute(),
    // A reply or sign-off made that day is an event of that day, so the case's last change (its
    // fold's updatedAt, the latest event's time) is no earlier than the day's start.
    db.selectFrom('complaint_cases').select('state').where('branch_id', '=', branchId).where('updated_at', '>=', dayStart).execute(),
    db.selectFrom('complaint_cases').select('state').where('branch_id', '=', branchId).where('status', 'in', OPEN_STATUSES).where('opened_at', '<', dayEnd).execute(),
    readCaseDeadlines(db),
  ]);

  const counterScores = new Map(byCounter.map((r) => [r.counter_id, scoresOf(r)]));
  const tellerScores = new Map(byTeller.map((r) => [r.teller_id, scoresOf(r)]));
  const scores = emptyScores();
  for (const s of counterScores.values()) for (const [score, n] of Object.entries(s)) scores[score as keyof ScoreCounts] += n;
  const counted = (s: ScoreCounts) => ({ ratings: totalRatings(s), scores: s, satisfaction: satisfactionRate(s) });

  // Every counter of the branch, with none where none were counted: a window whose tablet did
  // not sync shows as empty on the day's report. Tellers only when they were rated.
  const counterNames = new Map(counters.map((c) => [c.id, c.name]));
  const counterIds = [...new Set([...counterNames.keys(), ...counterScores.keys()])];
  const tellerById = new Map(tellers.map((t) => [t.id, t]));

  const tally = caseDay[0] && caseDay[0].opened !== null ? tallyOf(caseDay[0]) : emptyTally();
  const dayOf = (ms: number | null) => (ms === null ? null : localDayOf(ms, branch.timeZone));
  const changed = touched.map((r) => caseOfState(r.state));
  const opinionCounts = new Map(opinionKinds.map((k) => [k.opinion_kind, Number(k.count)]));

  return {
    branch,
    day,
    figures: programmeFigures({ scores, cases: tally }, targets),
    scores,
    byCounter: counterIds
      .map((id) => ({ id, name: counterNames.get(id) ?? '', ...counted(counterScores.get(id) ?? emptyScores()) }))
      .sort((a, b) => byText(a.name, b.name) || byText(a.id, b.id)),
    byTeller: [...tellerScores]
      .map(([id, s]) => ({ id, name: tellerById.get(id)?.name ?? '', staffNumber: tellerById.get(id)?.staff_number ?? null, ...counted(s) }))
      .sort((a, b) => byText(a.name, b.name) || byText(a.id, b.id)),
    opinions: Object.fromEntries(OPINION_KINDS.map((kind) => [kind, opinionCounts.get(kind) ?? 0])) as Record<OpinionKind, number>,
    cases: {
      opened: tally.opened,
      replied: changed.filter((c) => dayOf(c.lastReplyAt) === day).length,
      overdue: open.map((r) => caseOfState(r.state)).filter((c) => isOverdue(c, dayEnd, deadlines)).length,
      signedOff: changed.filter((c) => dayOf(c.signedOffAt) === day).length,
    },
  };
}
