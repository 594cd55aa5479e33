import type { CaseChannel, ComplaintCase } from './case.ts';
import { SCORES, type Score } from './rating.ts';

/**
 * The three figures the service programme is judged by (seed 001), defined once
 * here for the server's reports, the dashboard and the tests. The choices of numerator and
 * denominator are explained in docs/decisions/0008-programme-figures.md.
 *
 * - Satisfaction = (very satisfied + satisfied) / all ratings (decision 0008).
 * - Complaint rate = complaint cases opened / ratings, both in the period. Every complaint
 *   is recorded as a case whatever its channel (seed 002); the ratings stand for the
 *   customers served, the only count of them the branch keeps.
 * - Follow-up rate = cases with a follow-up call / cases that had a reply, of the cases
 *   opened in the period: a customer can be called back (回訪) only after a reply.
 */

/** How many ratings gave each of the four scores. */
export type ScoreCounts = Record<Score, number>;

export const emptyScores = (): ScoreCounts => ({ 'very-satisfied': 0, satisfied: 0, neutral: 0, dissatisfied: 0 });

export const totalRatings = (scores: ScoreCounts): number => SCORES.reduce((sum, score) => sum + scores[score], 0);

/** Ratings of "very satisfied" or "satisfied": the satisfaction figure's numerator. */
export const satisfiedRatings = (scores: ScoreCounts): number => scores['very-satisfied'] + scores.satisfied;

/** Adds score counts, e.g. a teller's days into a period. */
export function addScores(into: ScoreCounts, add: ScoreCounts): ScoreCounts {
  for (const score of SCORES) into[score] += add[score];
  return into;
}

/** A share, or null when there is nothing to divide: "no ratings" is not 0% satisfied. */
export const share = (numerator: number, denominator: number): number | null => (denominator > 0 ? numerator / denominator : null);

/** (very satisfied + satisfied) / all ratings; null without ratings. */
export const satisfactionRate = (scores: ScoreCounts): number | null => share(satisfiedRatings(scores), totalRatings(scores));

export const FIGURE_IDS = ['satisfaction', 'complaint-rate', 'follow-up-rate'] as const;
export type FigureId = (typeof FIGURE_IDS)[number];

export type Target = { comparison: 'at-least' | 'at-most'; value: number };

/** The programme's targets, one per figure. */
export type Targets = Record<FigureId, Target>;

/**
 * The programme's targets (seed 001): satisfaction ≥ 80%, complaint rate ≤ 5%, follow-up rate ≥ 30%.
 * The defaults: head office may set other values (services/settings.ts readTargets), which the
 * reports pass in; the comparison of each figure is fixed.
 */
export const TARGETS: Targets = {
  satisfaction: { comparison: 'at-least', value: 0.8 },
  'complaint-rate': { comparison: 'at-most', value: 0.05 },
  'follow-up-rate': { comparison: 'at-least', value: 0.3 },
};

/** One figure with what it was computed from, so a screen can show the sum beside the result. */
export interface Figure {
  id: FigureId;
  value: number | null;
  numerator: number;
  denominator: number;
  target: Target;
  /** Null when there is nothing to judge (no denominator). */
  met: boolean | null;
}

export function figure(id: FigureId, numerator: number, denominator: number, targets: Targets = TARGETS): Figure {
  const value = share(numerator, denominator);
  const target = targets[id];
  const met = value === null ? null : target.comparison === 'at-least' ? value >= target.value : value <= target.value;
  return { id, value, numerator, denominator, target, met };
}

/** What a case counts toward the figures and the complaint analysis; every field is 0 or 1. */
export interface CaseTally {
  opened: number;
  /** The customer had a reply: on the spot or later. The follow-up rate's denominator. */
  replied: number;
  /** A follow-up call (回訪) was recorded after the reply. */
  followedUp: number;
  atFault: number;
  notAtFault: number;
  escalated: number;
  signedOff: number;
}

export const CASE_TALLY_FIELDS = ['opened', 'replied', 'followedUp', 'atFault', 'notAtFault', 'escalated', 'signedOff'] as const satisfies readonly (keyof CaseTally)[];

export const emptyTally = (): CaseTally => ({ opened: 0, replied: 0, followedUp: 0, atFault: 0, notAtFault: 0, escalated: 0, signedOff: 0 });

/**
 * A case's tally. Rolled up by the day it was opened, so a case counts in the period it
 * arrived in, and moves from "opened" to "replied" there as it is handled.
 */
export function caseTally(c: ComplaintCase): CaseTally {
  const replied = c.replies > 0 || c.answeredOnSpot;
  return {
    opened: 1,
    replied: replied ? 1 : 0,
    followedUp: replied && c.followUps > 0 ? 1 : 0,
    atFault: c.atFault === true ? 1 : 0,
    notAtFault: c.atFault === false ? 1 : 0,
    escalated: c.escalated ? 1 : 0,
    signedOff: c.status === 'signed-off' ? 1 : 0,
  };
}

/** `after − before`, field by field: what a case's change adds to a roll-up (either may be absent). */
export function tallyDelta(before: CaseTally | undefined, after: CaseTally | undefined): CaseTally {
  const delta = emptyTally();
  for (const field of CASE_TALLY_FIELDS) delta[field] = (after?.[field] ?? 0) - (before?.[field] ?? 0);
  return delta;
}

export function addTally(into: CaseTally, add: CaseTally): CaseTally {
  for (const field of CASE_TALLY_FIELDS) into[field] += add[field];
  return into;
}

/** What the three figures are computed from, for any scope and period. */
export interface FigureInputs {
  scores: ScoreCounts;
  cases: CaseTally;
}

/** The three figures, in the programme's order, judged against `targets` (the stored ones in reports). */
export function programmeFigures({ scores, cases }: FigureInputs, targets: Targets = TARGETS): Figure[] {
  return [
    figure('satisfaction', satisfiedRatings(scores), totalRatings(scores), targets),
    figure('complaint-rate', cases.opened, totalRatings(scores), targets),
    figure('follow-up-rate', cases.followedUp, cases.replied, targets),
  ];
}

/** The share of decided cases in which the bank was at fault (the quarterly analysis, seed 000). */
export const atFaultShare = (tally: CaseTally): number | null => share(tally.atFault, tally.atFault + tally.notAtFault);

/** Channels in the order the analysis lists them. */
export type ChannelCounts = Partial<Record<CaseChannel, number>>;
